#include "plan.h"

#include "costmodel.h"

#include <algorithm>

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

QString createdKindName(CreatedObject::Kind kind)
{
    switch (kind) {
    case CreatedObject::Kind::Table: return QStringLiteral("table");
    case CreatedObject::Kind::Index: return QStringLiteral("index");
    case CreatedObject::Kind::CheckConstraint: return QStringLiteral("check constraint");
    case CreatedObject::Kind::NotNullConstraint: return QStringLiteral("not null constraint");
    case CreatedObject::Kind::UniqueConstraint: return QStringLiteral("unique constraint");
    case CreatedObject::Kind::ForeignKey: return QStringLiteral("foreign key");
    case CreatedObject::Kind::Trigger: return QStringLiteral("trigger");
    case CreatedObject::Kind::Function: return QStringLiteral("function");
    }
    return {};
}

QString createdScopeName(CreatedObject::Scope scope)
{
    switch (scope) {
    case CreatedObject::Scope::Table: return QStringLiteral("table");
    case CreatedObject::Scope::Schema: return QStringLiteral("schema");
    case CreatedObject::Scope::Database: return QStringLiteral("database");
    }
    return {};
}

qint64 Plan::estimatedRowsOf(const PlanStep &step) const
{
    const bool tableSized = !step.backfill.isNull() || step.scansTable || step.rewritesTable
                            || step.estimatedSeconds > CostModel::CatalogOnlySeconds * 1.5;
    // ANALYZE (the verify stage) reads a sample whatever the size: not sized by the table.
    return step.gate.isEmpty() && step.stage != Stage::Verify && tableSized ? std::max<qint64>(0, estimatedRows) : 0;
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
