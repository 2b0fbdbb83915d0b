#pragma once

#include "catalog/catalogtypes.h"
#include "connection/connectionprofile.h"

#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace Stagecraft {

// The application's statements on a table, summed: cumulative since the server started counting
// (or its counters were last reset).
struct StatementTiming
{
    qint64 calls = 0;
    double totalMs = 0;
    bool operator==(const StatementTiming &) const = default;
};

// One statement as the server counts it: cumulative, like StatementTiming.
struct StatementStat
{
    QString id; // pg_stat_statements' queryid (summed over the roles that ran it), a digest's DIGEST
    QString text; // as the server normalised it
    qint64 calls = 0;
    double totalMs = 0;
    qint64 rows = 0; // returned or changed, in all calls
    bool operator==(const StatementStat &) const = default;
};

// Reads how long the application's statements on a table take, from what the server measures
// itself: PostgreSQL's pg_stat_statements, MySQL's and MariaDB's performance_schema statement
// digests. A pacing signal for the backfill: the monitor reads it every half second or so, on its
// own thread and connection, and compares two reads with meanBetween().
//
// A statement counts when its normalised text names the table as an identifier (bare or quoted,
// with or without the table's schema; `orders` is not `orders_archive`, nor `other.orders`), and
// does not name the new column, a Stagecraft table (stagecraft_*) or the statistics being read:
// those are Stagecraft's own. A statement that names the table only inside a string does not count.
class AppLatencyReader
{
public:
    // newColumn empty: statements naming any column count (the impact of a column not added yet).
    AppLatencyReader(Engine engine, TableRef table, QString newColumn);

    // Whether this server measures statement latency (PostgreSQL: the pg_stat_statements extension
    // in this database and in shared_preload_libraries; MySQL/MariaDB: performance_schema ON and the
    // statements_digest consumer enabled); false with *why saying in one sentence how to turn it on.
    [[nodiscard]] bool available(QSqlDatabase db, QString *why);
    // The application's statements on the table, summed; nullopt with *error when the read failed.
    [[nodiscard]] std::optional<StatementTiming> read(QSqlDatabase db, QString *error);
    // The same statements one by one, most time spent first.
    [[nodiscard]] std::optional<QList<StatementStat>> readEach(QSqlDatabase db, QString *error);
    // Whether a statement's text (as the server normalised it) is one read() counts.
    [[nodiscard]] bool counts(const QString &statement) const;

private:
    Engine m_engine;
    TableRef m_table;
    QString m_newColumn;
    // PostgreSQL before 13 calls total_exec_time total_time; found by available().
    bool m_totalTime = false;
};

// The mean latency between two reads in ms; nullopt when fewer than minCalls calls happened between
// them (or the counters went back: a reset, or a statement's entry evicted).
[[nodiscard]] std::optional<double> meanBetween(const StatementTiming &before, const StatementTiming &after,
                                                qint64 minCalls = 20);

} // namespace Stagecraft
