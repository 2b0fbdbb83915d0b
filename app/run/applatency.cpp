#include "applatency.h"

#include "sql/sqltokens.h"

#include <QSqlError>

#include <algorithm>
#include <QSqlQuery>

namespace Stagecraft {

namespace {

bool isDot(const QList<SqlToken> &t, qsizetype i)
{
    return i >= 0 && i < t.size() && t.at(i).isSymbol(QLatin1Char('.'));
}

double sumTimerToMs(const QVariant &picoseconds)
{
    // SUM_TIMER_WAIT is an unsigned 64-bit count of picoseconds: read as a double.
    return picoseconds.toDouble() / 1e9;
}

} // namespace

AppLatencyReader::AppLatencyReader(Engine engine, TableRef table, QString newColumn)
    : m_engine(engine)
    , m_table(std::move(table))
    , m_newColumn(std::move(newColumn))
{
}

bool AppLatencyReader::counts(const QString &statement) const
{
    const QList<SqlToken> t = SqlTokens::split(m_engine, statement);
    // Reads and writes of rows only: DDL, maintenance and the like are no application's statements
    // (and Stagecraft's own steps, ALTER TABLE ... VALIDATE CONSTRAINT among them, are DDL).
    qsizetype first = 0;
    while (first < t.size() && t.at(first).isSymbol(QLatin1Char('(')))
        ++first;
    static const QLatin1StringView dml[] = {QLatin1StringView("SELECT"), QLatin1StringView("INSERT"), QLatin1StringView("UPDATE"),
                                            QLatin1StringView("DELETE"), QLatin1StringView("REPLACE"), QLatin1StringView("MERGE"),
                                            QLatin1StringView("WITH"), QLatin1StringView("TABLE"), QLatin1StringView("COPY"),
                                            QLatin1StringView("VALUES")};
    if (first >= t.size() || std::none_of(std::begin(dml), std::end(dml), [&](QLatin1StringView k) { return t.at(first).isKeyword(k); }))
        return false;
    bool namesTable = false;
    for (qsizetype i = 0; i < t.size(); ++i) {
        const SqlToken &token = t.at(i);
        if (!token.isName())
            continue;
        if (!m_newColumn.isEmpty() && SqlTokens::names(m_engine, token, m_newColumn))
            return false; // Stagecraft's backfill, sync or verification
        const QString lower = token.text.toLower();
        if (lower.startsWith(QLatin1String("stagecraft_")) || lower == QLatin1String("pg_stat_statements")
            || lower == QLatin1String("performance_schema"))
            return false; // the journal, the monitor's own reads
        if (lower == QLatin1String("key_1"))
            return false; // the backfill's bound statement (Backfill: "SELECT key_1 FROM (SELECT id AS key_1 …) AS batch")
        if (namesTable || !SqlTokens::names(m_engine, token, m_table.name))
            continue;
        // schema.table: only the table's schema; a bare name is the table as the session finds it.
        if (isDot(t, i - 1) && (i < 2 || !SqlTokens::names(m_engine, t.at(i - 2), m_table.schema)))
            continue;
        // name.x.y: a schema called like the table. (name.column is the table, qualifying a column.)
        if (isDot(t, i + 1) && isDot(t, i + 3))
            continue;
        namesTable = true;
    }
    return namesTable;
}

bool AppLatencyReader::available(QSqlDatabase db, QString *why)
{
    QSqlQuery q(db);
    switch (m_engine) {
    case Engine::SQLite:
        *why = QStringLiteral("SQLite does not time statements.");
        return false;
    case Engine::PostgreSQL: {
        if (!q.exec(QStringLiteral("SELECT current_setting('server_version_num')::int, "
                                   "EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'), "
                                   "current_setting('pg_stat_statements.track', true), current_database()"))
            || !q.next()) {
            *why = QStringLiteral("Could not tell whether the server times statements: %1").arg(q.lastError().text());
            return false;
        }
        m_totalTime = q.value(0).toInt() < 130000;
        const bool extension = q.value(1).toBool();
        const QString track = q.value(2).toString();
        const QString database = q.value(3).toString();
        // shared_preload_libraries is for superusers (and pg_read_all_settings) to read: where it
        // cannot be read, the extension's view tells whether the library was loaded.
        std::optional<bool> preloaded;
        if (q.exec(QStringLiteral("SELECT current_setting('shared_preload_libraries')")) && q.next()) {
            preloaded = false;
            for (const QString &library : q.value(0).toString().split(QLatin1Char(',')))
                preloaded = *preloaded || library.trimmed().remove(QLatin1Char('"')) == QLatin1String("pg_stat_statements");
        }
        if (extension && !preloaded) {
            if (q.exec(QStringLiteral("SELECT 1 FROM pg_stat_statements LIMIT 1"))) {
                preloaded = true;
            } else if (q.lastError().text().contains(QLatin1String("shared_preload_libraries"))) {
                preloaded = false;
            } else {
                *why = QStringLiteral("Could not read pg_stat_statements: %1").arg(q.lastError().text());
                return false;
            }
        }
        if (preloaded == false || (!preloaded && !extension)) {
            *why = extension ? QStringLiteral("The server does not time statements: add pg_stat_statements to shared_preload_libraries "
                                              "(then restart it).")
                             : QStringLiteral("The server does not time statements: add pg_stat_statements to shared_preload_libraries "
                                              "(then restart it) and run CREATE EXTENSION pg_stat_statements in the database %1.")
                                   .arg(database);
            return false;
        }
        if (!extension) {
            *why = QStringLiteral("The server does not time statements in this database: run CREATE EXTENSION "
                                  "pg_stat_statements in the database %1.")
                       .arg(database);
            return false;
        }
        if (track == QLatin1String("none")) {
            *why = QStringLiteral("The server does not time statements: pg_stat_statements.track is none (set it to top).");
            return false;
        }
        return true;
    }
    case Engine::MySQL:
    case Engine::MariaDB: {
        if (!q.exec(QStringLiteral("SELECT @@performance_schema")) || !q.next()) {
            *why = QStringLiteral("Could not tell whether the server times statements: %1").arg(q.lastError().text());
            return false;
        }
        if (!q.value(0).toBool()) {
            *why = QStringLiteral("The server does not time statements: start it with performance_schema = ON.");
            return false;
        }
        if (!q.exec(QStringLiteral("SELECT COUNT(*) FROM performance_schema.setup_consumers "
                                   "WHERE NAME IN ('global_instrumentation', 'statements_digest') AND ENABLED = 'YES'"))
            || !q.next()) {
            *why = QStringLiteral("Could not read performance_schema's consumers: %1").arg(q.lastError().text());
            return false;
        }
        if (q.value(0).toInt() < 2) {
            *why = QStringLiteral("The server does not time statements by digest: enable the global_instrumentation and "
                                  "statements_digest consumers (UPDATE performance_schema.setup_consumers SET ENABLED = "
                                  "'YES' WHERE NAME IN ('global_instrumentation', 'statements_digest')).");
            return false;
        }
        return true;
    }
    }
    return false;
}

std::optional<StatementTiming> AppLatencyReader::read(QSqlDatabase db, QString *error)
{
    const std::optional<QList<StatementStat>> each = readEach(db, error);
    if (!each)
        return std::nullopt;
    StatementTiming timing;
    for (const StatementStat &s : *each) {
        timing.calls += s.calls;
        timing.totalMs += s.totalMs;
    }
    return timing;
}

std::optional<QList<StatementStat>> AppLatencyReader::readEach(QSqlDatabase db, QString *error)
{
    QSqlQuery q(db);
    // The server narrows down to the statements that mention the table's name somewhere; counts()
    // keeps those that name it. PostgreSQL keeps a statement per role (and top level or not): summed.
    if (m_engine == Engine::PostgreSQL) {
        q.prepare(QStringLiteral("SELECT queryid::text, min(query), sum(calls), sum(%1), sum(rows) FROM pg_stat_statements "
                                 "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                                 "AND strpos(lower(query), lower(?)) > 0 GROUP BY queryid")
                      .arg(m_totalTime ? QStringLiteral("total_time") : QStringLiteral("total_exec_time")));
        q.addBindValue(m_table.name);
    } else if (m_engine == Engine::MySQL || m_engine == Engine::MariaDB) {
        q.prepare(QStringLiteral("SELECT DIGEST, DIGEST_TEXT, COUNT_STAR, SUM_TIMER_WAIT, SUM_ROWS_SENT + SUM_ROWS_AFFECTED "
                                 "FROM performance_schema.events_statements_summary_by_digest "
                                 "WHERE SCHEMA_NAME = ? AND LOCATE(LOWER(?), LOWER(DIGEST_TEXT)) > 0"));
        q.addBindValue(m_table.schema);
        q.addBindValue(m_table.name);
    } else {
        *error = QStringLiteral("SQLite does not time statements.");
        return std::nullopt;
    }
    q.setForwardOnly(true);
    if (!q.exec()) {
        *error = q.lastError().text();
        return std::nullopt;
    }
    QList<StatementStat> out;
    while (q.next()) {
        const QString text = q.value(1).toString();
        if (!counts(text))
            continue;
        StatementStat s;
        s.id = q.value(0).toString();
        s.text = text;
        s.calls = q.value(2).toLongLong();
        s.totalMs = m_engine == Engine::PostgreSQL ? q.value(3).toDouble() : sumTimerToMs(q.value(3));
        s.rows = q.value(4).toLongLong();
        out << s;
    }
    std::sort(out.begin(), out.end(), [](const StatementStat &a, const StatementStat &b) {
        return a.totalMs != b.totalMs ? a.totalMs > b.totalMs : a.id < b.id;
    });
    return out;
}

std::optional<double> meanBetween(const StatementTiming &before, const StatementTiming &after, qint64 minCalls)
{
    const qint64 calls = after.calls - before.calls;
    const double ms = after.totalMs - before.totalMs;
    if (calls < std::max<qint64>(1, minCalls) || ms < 0)
        return std::nullopt;
    return ms / double(calls);
}

} // namespace Stagecraft
