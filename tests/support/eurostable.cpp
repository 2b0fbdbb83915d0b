#include "eurostable.h"

#include "connection/databaseconnection.h"
#include "sql/quoting.h"
#include "testservers.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSqlError>
#include <QSqlQuery>

namespace Stagecraft::Testing {

QString EurosTable::schemaOf(const ConnectionProfile &profile)
{
    return profile.engine == Engine::PostgreSQL ? QStringLiteral("public")
        : profile.engine == Engine::SQLite      ? QStringLiteral("main")
                                                : profile.database;
}

bool EurosTable::make(const ConnectionProfile &profile, const QString &table, int rows, QString *why)
{
    const QString t = quoteIdentifier(profile.engine, table);
    const QString fill = profile.engine == Engine::PostgreSQL ? QStringLiteral("INSERT INTO %1 SELECT g, g * 7 FROM generate_series(1, %2) g")
        : profile.engine == Engine::SQLite ? QStringLiteral("WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < %2) "
                                                            "INSERT INTO %1 SELECT i, i * 7 FROM g")
        : profile.engine == Engine::MySQL  ? QStringLiteral("INSERT INTO %1 WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < %2) "
                                                            "SELECT i, i * 7 FROM g") // no sequence tables
                                           : QStringLiteral("INSERT INTO %1 SELECT seq, seq * 7 FROM seq_1_to_%2");
    QStringList setup = {QStringLiteral("CREATE TABLE %1 (id bigint PRIMARY KEY, cents int NOT NULL)").arg(t)};
    if (profile.engine == Engine::MySQL)
        setup << QStringLiteral("SET SESSION cte_max_recursion_depth = %1").arg(rows);
    setup << fill.arg(t).arg(rows);
    if (profile.engine == Engine::PostgreSQL)
        setup << QStringLiteral("ANALYZE %1").arg(t);
    return TestServers::execute(profile, setup, why);
}

QString EurosTable::writeSpec(const QString &folder, const QString &schema, const QString &table)
{
    const QString path = QDir(folder).filePath(table + QLatin1String(".json"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(QStringLiteral(R"j({"table": "%1.%2", "column": {"name": "euros", "type": "bigint", "nullable": false, "backfill": "cents * 2", "check": "euros >= 0", "index": true}})j")
                   .arg(schema, table)
                   .toUtf8());
    return path;
}

QString EurosTable::signature(const ConnectionProfile &profile, const QString &table, bool rows)
{
    DatabaseConnection c(profile);
    ConnectionError e;
    if (!c.open(&e))
        return e.text();
    QSqlQuery q(c.database());
    const QString t = quoteIdentifier(profile.engine, table);
    QStringList parts;
    if (profile.engine == Engine::SQLite) {
        // The table's and its indexes' SQL (the name taken out), and its rows.
        if (rows) {
            const bool euros = q.exec(QStringLiteral("SELECT 1 FROM pragma_table_info('%1') WHERE name = 'euros'").arg(table)) && q.next();
            if (!q.exec(QStringLiteral("SELECT group_concat(r, ',') FROM (SELECT id || ':' || cents || ':' || coalesce(%1, -1) AS r FROM %2 ORDER BY id)")
                            .arg(euros ? QStringLiteral("euros") : QStringLiteral("NULL"), t))
                || !q.next())
                return q.lastError().text();
            parts << q.value(0).toString();
        }
        if (!q.exec(QStringLiteral("SELECT group_concat(type || ' ' || replace(sql, '%1', 'T'), '; ') FROM (SELECT type, sql FROM sqlite_schema "
                                   "WHERE tbl_name = '%1' AND sql IS NOT NULL ORDER BY type, name)").arg(table))
            || !q.next())
            return q.lastError().text();
        parts << q.value(0).toString();
        return parts.join(QLatin1String(" | "));
    }
    const QString hasEuros = profile.engine == Engine::PostgreSQL
                                 ? QStringLiteral("SELECT count(*) FROM pg_attribute WHERE attrelid = '%1'::regclass AND attname = 'euros' AND NOT attisdropped").arg(t)
                                 : QStringLiteral("SELECT count(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '%1' AND column_name = 'euros'").arg(table);
    if (!q.exec(hasEuros) || !q.next())
        return q.lastError().text();
    const bool euros = q.value(0).toInt() == 1;
    const QString row = euros ? QStringLiteral("id, ':', cents, ':', coalesce(euros, -1)") : QStringLiteral("id, ':', cents");
    if (profile.engine == Engine::PostgreSQL) {
        if (!q.exec(QStringLiteral("SELECT md5(string_agg(concat(%1), ',' ORDER BY id)) FROM %2").arg(row, t)) || !q.next())
            return q.lastError().text();
        if (rows)
            parts << q.value(0).toString();
        q.exec(QStringLiteral("SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod) || ' ' || attnotnull, ', ' ORDER BY attnum) "
                              "FROM pg_attribute WHERE attrelid = '%1'::regclass AND attnum > 0 AND NOT attisdropped").arg(t));
        q.next();
        parts << q.value(0).toString();
        q.exec(QStringLiteral("SELECT string_agg(pg_get_constraintdef(oid) || ' valid=' || convalidated, '; ' ORDER BY pg_get_constraintdef(oid)) FROM pg_constraint WHERE conrelid = '%1'::regclass").arg(t));
        q.next();
        parts << q.value(0).toString();
        q.exec(QStringLiteral("SELECT string_agg(replace(pg_get_indexdef(indexrelid), '%2', 'T') || ' valid=' || indisvalid, '; ' ORDER BY pg_get_indexdef(indexrelid)) FROM pg_index WHERE indrelid = '%1'::regclass").arg(t, table));
        q.next();
        parts << q.value(0).toString();
    } else {
        q.exec(QStringLiteral("SET SESSION group_concat_max_len = 10000000"));
        // SHA2, not MD5: MySQL 9 has no MD5 any more.
        if (!q.exec(QStringLiteral("SELECT SHA2(group_concat(concat(%1) ORDER BY id SEPARATOR ','), 256) FROM %2").arg(row, t)) || !q.next())
            return q.lastError().text();
        if (rows)
            parts << q.value(0).toString();
        if (!q.exec(QStringLiteral("SHOW CREATE TABLE %1").arg(t)) || !q.next())
            return q.lastError().text();
        parts << q.value(1).toString().replace(table, QStringLiteral("T"));
    }
    return parts.join(QLatin1String(" | "));
}

QStringList EurosTable::journalOf(const ConnectionProfile &profile, const QString &table)
{
    DatabaseConnection c(profile);
    ConnectionError e;
    if (!c.open(&e))
        return {e.text()};
    const bool pg = profile.engine == Engine::PostgreSQL;
    const QString runs = pg ? QStringLiteral("stagecraft.runs") : QStringLiteral("stagecraft_runs");
    const QString steps = pg ? QStringLiteral("stagecraft.steps") : QStringLiteral("stagecraft_steps");
    QSqlQuery q(c.database());
    QStringList found;
    if (!q.exec(QStringLiteral("SELECT r.state, s.step, s.state, s.error FROM %1 r LEFT JOIN %2 s ON s.run_id = r.run_id "
                               "AND (s.state NOT IN ('done', 'skipped', 'pending') OR s.error IS NOT NULL AND s.state = 'pending') WHERE r.table_name = '%3.%4' ORDER BY s.step")
                    .arg(runs, steps, schemaOf(profile), table)))
        return {q.lastError().text()};
    while (q.next()) {
        if (found.isEmpty())
            found << QStringLiteral("run ") + q.value(0).toString();
        if (!q.isNull(1))
            found << QStringLiteral("step %1 %2: %3").arg(q.value(1).toInt() + 1).arg(q.value(2).toString(), q.value(3).toString());
    }
    return found;
}

QString cliProgram()
{
    return QStringLiteral(STAGECRAFT_CLI);
}

CliResult runCli(const QStringList &arguments, const QStringList &environment, int timeoutMs)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &e : environment)
        env.insert(e.section(QLatin1Char('='), 0, 0), e.section(QLatin1Char('='), 1));
    process.setProcessEnvironment(env);
    process.start(cliProgram(), arguments);
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(5000);
        return {-1, QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
    }
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

} // namespace Stagecraft::Testing
