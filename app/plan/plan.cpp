#include "plan.h"

namespace Stagecraft {

QString stageName(Stage stage)
{
    switch (stage) {
    case Stage::Expand: return QStringLiteral("expand");
    case Stage::Backfill: return QStringLiteral("backfill");
    case Stage::Enforce: return QStringLiteral("enforce");
    case Stage::Index: return QStringLiteral("index");
    case Stage::Contract: return QStringLiteral("contract");
    case Stage::Verify: return QStringLiteral("verify");
    }
    return {};
}

double Plan::totalSeconds() const
{
    double total = 0;
    for (const PlanStep &s : steps)
        total += s.estimatedSeconds;
    return total;
}

double Plan::secondsWritesBlocked() const
{
    double total = 0;
    for (const PlanStep &s : steps)
        total += s.blocksWrites ? s.lockHeldSeconds : 0;
    return total;
}

double Plan::secondsReadsBlocked() const
{
    double total = 0;
    for (const PlanStep &s : steps)
        total += s.blocksReads ? s.lockHeldSeconds : 0;
    return total;
}

} // namespace Stagecraft
