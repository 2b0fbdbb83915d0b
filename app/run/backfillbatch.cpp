#include "backfillbatch.h"

#include <QSqlQuery>

namespace Stagecraft {

BackfillBatch BackfillBatch::fill(const QSqlDatabase &db, const Backfill &backfill, const QStringList &after, int batchRows)
{
    using Statement = Backfill::Statement;
    BackfillBatch batch;
    QSqlQuery q(db);
    const auto send = [&](const QString &sql) {
        if (q.exec(sql))
            return true;
        batch.failure = q.lastError();
        return false;
    };
    if (!backfill.keyed()) {
        // No key: the one statement, until it changes nothing.
        if (send(backfill.sql(Statement::Repeat, {}, {}, batchRows))) {
            batch.affected = q.numRowsAffected();
            batch.last = batch.affected == 0;
        }
        return batch;
    }
    const bool first = after.isEmpty();
    if (!send(backfill.sql(first ? Statement::FirstBound : Statement::NextBound, after, {}, batchRows)))
        return batch;
    if (q.next()) {
        for (int k = 0; k < backfill.keyColumns.size(); ++k)
            batch.upper << q.value(k).toString();
    }
    q.finish(); // no read left open on the table while it is written
    batch.last = batch.upper.isEmpty();
    if (!batch.last && send(backfill.sql(first ? Statement::FirstFill : Statement::NextFill, after, batch.upper, batchRows)))
        batch.affected = q.numRowsAffected();
    return batch;
}

} // namespace Stagecraft
