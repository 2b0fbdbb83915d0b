#include "backfillbatch.h"

#include "backfillsender.h"

namespace Stagecraft {

BackfillBatch BackfillBatch::fill(const QSqlDatabase &db, const Backfill &backfill, const QStringList &after, int batchRows)
{
    return BackfillSender(db, backfill).fill(after, batchRows);
}

} // namespace Stagecraft
