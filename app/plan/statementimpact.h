#pragma once

#include "catalog/catalogtypes.h"
#include "impact.h"
#include "plan.h"

#include <QList>
#include <QString>

namespace Stagecraft {

class DatabaseConnection;
struct ConnectionError;

// What the new column changes for the application's statements on the table, from their texts as
// the server's statement statistics normalised them and from the plan (its engine, the column's
// nullability and default, the sync's triggers, the step from which each holds): INSERTs without a
// column list, INSERTs that leave the column out, SELECT * readers, UPDATEs that fire the sync.
class StatementImpact
{
public:
    // Pure: the fates of one statement (pg_stat_statements' text with $1, a digest's with ?), in the
    // order of the steps they hold from; empty where the column changes nothing for it. A text that
    // is not on the table (orders_archive, a string 'orders') gets none.
    [[nodiscard]] static QList<StatementFate> fates(const Plan &plan, const TableDetails &table, const QString &text);

    // The table's 50 statements that took the most time, with their calls, mean time and fates.
    // Where the server keeps no statement statistics: true, no statements, and *statisticsNote saying
    // how to turn them on (SQLite: that it keeps none). False with *error when a read failed.
    [[nodiscard]] static bool read(DatabaseConnection &connection, const Plan &plan, const TableDetails &table,
                                   QList<StatementUse> *statements, QString *statisticsNote, ConnectionError *error);

    static constexpr int MaxStatements = 50;
};

} // namespace Stagecraft
