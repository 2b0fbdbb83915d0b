#include "failingwrites.h"

namespace Stagecraft {

QString FailingWrites::breakingCheck(const ColumnSpec &spec)
{
    return QStringLiteral("Writes whose %1 breaks CHECK (%2) fail from here on.").arg(spec.name, spec.check);
}

QString FailingWrites::syncErrors(const ColumnSpec &spec)
{
    return QStringLiteral("Writes for which %1 raises an error (not NULL) fail while the sync is in place.").arg(spec.backfill);
}

QString FailingWrites::omittedAfterSync(const ColumnSpec &spec)
{
    return QStringLiteral("INSERTs that omit %1 fail from here on: nothing fills it any more.").arg(spec.name);
}

QString FailingWrites::omittedUntilDeployed(const ColumnSpec &spec)
{
    return QStringLiteral("INSERTs that omit %1 fail from here on (the gate after the expand stage waits until the application "
                          "writes it).").arg(spec.name);
}

} // namespace Stagecraft
