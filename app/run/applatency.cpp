#include "applatency.h"

#include <QSqlError>
#include <QSqlQuery>

namespace Stagecraft {

namespace {

struct Token
{
    enum class Kind { Word, Quoted, Symbol };
    Kind kind;
    QString text; // a quoted name without its quotes, doubled quotes made single
};

bool isWordChar(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('_') || c == QLatin1Char('$');
}

// The names and symbols of a statement's text as the server normalised it (pg_stat_statements'
// query, a digest's DIGEST_TEXT), strings and comments left out. Quoted names: "..." on PostgreSQL,
// `...` on MySQL and MariaDB (where "..." is a string unless ANSI_QUOTES, and digests write names
// in backticks anyway).
QList<Token> tokens(Engine engine, const QString &text)
{
    const bool postgres = engine == Engine::PostgreSQL;
    const QChar nameQuote = postgres ? QLatin1Char('"') : QLatin1Char('`');
    QList<Token> out;
    const qsizetype n = text.size();
    qsizetype i = 0;
    while (i < n) {
        const QChar c = text.at(i);
        if (c.isSpace()) {
            ++i;
        } else if ((c == QLatin1Char('-') && i + 1 < n && text.at(i + 1) == QLatin1Char('-'))
                   || (!postgres && c == QLatin1Char('#'))) {
            while (i < n && text.at(i) != QLatin1Char('\n'))
                ++i;
        } else if (c == QLatin1Char('/') && i + 1 < n && text.at(i + 1) == QLatin1Char('*')) {
            const qsizetype end = text.indexOf(QLatin1String("*/"), i + 2);
            i = end < 0 ? n : end + 2;
        } else if (c == nameQuote || c == QLatin1Char('\'') || (!postgres && c == QLatin1Char('"'))) {
            QString value;
            qsizetype j = i + 1;
            for (; j < n; ++j) {
                const QChar d = text.at(j);
                if (!postgres && d == QLatin1Char('\\') && c != nameQuote && j + 1 < n) {
                    value += text.at(++j);
                } else if (d == c) {
                    if (j + 1 < n && text.at(j + 1) == c) {
                        value += c;
                        ++j;
                    } else {
                        break;
                    }
                } else {
                    value += d;
                }
            }
            if (c == nameQuote)
                out << Token{Token::Kind::Quoted, value};
            i = j + 1;
        } else if (postgres && c == QLatin1Char('$') && i + 1 < n && !text.at(i + 1).isDigit()) {
            // A dollar quote: $$...$$ or $tag$...$tag$.
            const qsizetype close = text.indexOf(QLatin1Char('$'), i + 1);
            if (close < 0) {
                ++i;
                continue;
            }
            const QString tag = text.mid(i, close - i + 1);
            const qsizetype end = text.indexOf(tag, close + 1);
            i = end < 0 ? n : end + tag.size();
        } else if (isWordChar(c)) {
            qsizetype j = i;
            while (j < n && isWordChar(text.at(j)))
                ++j;
            out << Token{Token::Kind::Word, text.mid(i, j - i)};
            i = j;
        } else {
            out << Token{Token::Kind::Symbol, QString(c)};
            ++i;
        }
    }
    return out;
}

bool isName(const Token &t)
{
    return t.kind != Token::Kind::Symbol;
}

bool isDot(const QList<Token> &t, qsizetype i)
{
    return i >= 0 && i < t.size() && t.at(i).kind == Token::Kind::Symbol && t.at(i).text == QLatin1String(".");
}

// PostgreSQL folds bare names to lower case, ASCII letters only.
QString asciiLower(const QString &text)
{
    QString out = text;
    for (QChar &c : out)
        if (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
            c = QChar(c.unicode() + 32);
    return out;
}

// Whether a name token names `name`: on PostgreSQL a bare name as folded, a quoted one exactly; on
// MySQL and MariaDB without case (column names always are; table names are with
// lower_case_table_names, and a digest keeps the case the client wrote).
bool names(Engine engine, const Token &t, const QString &name)
{
    if (engine != Engine::PostgreSQL)
        return t.text.compare(name, Qt::CaseInsensitive) == 0;
    return t.kind == Token::Kind::Quoted ? t.text == name : asciiLower(t.text) == name;
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
    const QList<Token> t = tokens(m_engine, statement);
    bool namesTable = false;
    for (qsizetype i = 0; i < t.size(); ++i) {
        const Token &token = t.at(i);
        if (!isName(token))
            continue;
        if (!m_newColumn.isEmpty() && names(m_engine, token, m_newColumn))
            return false; // Stagecraft's backfill, sync or verification
        const QString lower = token.text.toLower();
        if (lower.startsWith(QLatin1String("stagecraft_")) || lower == QLatin1String("pg_stat_statements")
            || lower == QLatin1String("performance_schema"))
            return false; // the journal, the monitor's own reads
        if (lower == QLatin1String("key_1"))
            return false; // the backfill's bound statement (Backfill: "SELECT key_1 FROM (SELECT id AS key_1 …) AS batch")
        if (namesTable || !names(m_engine, token, m_table.name))
            continue;
        // schema.table: only the table's schema; a bare name is the table as the session finds it.
        if (isDot(t, i - 1) && (i < 2 || !isName(t.at(i - 2)) || !names(m_engine, t.at(i - 2), m_table.schema)))
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
                                   "current_setting('shared_preload_libraries'), "
                                   "EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'), "
                                   "current_setting('pg_stat_statements.track', true), current_database()"))
            || !q.next()) {
            *why = QStringLiteral("Could not tell whether the server times statements: %1").arg(q.lastError().text());
            return false;
        }
        m_totalTime = q.value(0).toInt() < 130000;
        const QString database = q.value(4).toString();
        bool preloaded = false;
        for (const QString &library : q.value(1).toString().split(QLatin1Char(',')))
            preloaded = preloaded || library.trimmed().remove(QLatin1Char('"')) == QLatin1String("pg_stat_statements");
        if (!preloaded) {
            *why = QStringLiteral("The server does not time statements: add pg_stat_statements to shared_preload_libraries "
                                  "(then restart it) and run CREATE EXTENSION pg_stat_statements in the database %1.")
                       .arg(database);
            return false;
        }
        if (!q.value(2).toBool()) {
            *why = QStringLiteral("The server does not time statements in this database: run CREATE EXTENSION "
                                  "pg_stat_statements in the database %1.")
                       .arg(database);
            return false;
        }
        if (q.value(3).toString() == QLatin1String("none")) {
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
    QSqlQuery q(db);
    // The server narrows down to the statements that mention the table's name somewhere; counts()
    // keeps those that name it.
    if (m_engine == Engine::PostgreSQL) {
        q.prepare(QStringLiteral("SELECT query, calls, %1 FROM pg_stat_statements "
                                 "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                                 "AND strpos(lower(query), lower(?)) > 0")
                      .arg(m_totalTime ? QStringLiteral("total_time") : QStringLiteral("total_exec_time")));
        q.addBindValue(m_table.name);
    } else if (m_engine == Engine::MySQL || m_engine == Engine::MariaDB) {
        q.prepare(QStringLiteral("SELECT DIGEST_TEXT, COUNT_STAR, SUM_TIMER_WAIT "
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
    StatementTiming timing;
    while (q.next()) {
        if (!counts(q.value(0).toString()))
            continue;
        timing.calls += q.value(1).toLongLong();
        timing.totalMs += m_engine == Engine::PostgreSQL ? q.value(2).toDouble() : sumTimerToMs(q.value(2));
    }
    return timing;
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
