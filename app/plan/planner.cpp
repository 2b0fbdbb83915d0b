#include "planner.h"

#include "mysqlplanner.h"
#include "postgresplanner.h"
#include "sqliteplanner.h"

#include "sql/quoting.h"

namespace Stagecraft {

Plan Planner::plan(const PlannerInput &input)
{
    PlannerInput in = input;
    if (in.targetVersion == 0)
        in.targetVersion = in.server.versionNumber;
    switch (in.server.engine) {
    case Engine::PostgreSQL: return PostgresPlanner(in).plan();
    case Engine::MySQL:
    case Engine::MariaDB: return MySqlPlanner(in).plan();
    case Engine::SQLite: return SqlitePlanner(in).plan();
    }
    return {};
}

QStringList keysetBatchSql(Engine engine, const QString &table, const QString &column, const QString &expression,
                           const QStringList &keyColumns)
{
    QStringList quoted;
    for (const QString &k : keyColumns)
        quoted << quoteIdentifier(engine, k);
    const bool single = quoted.size() == 1;
    const QString key = single ? quoted.first() : QLatin1Char('(') + quoted.join(QLatin1String(", ")) + QLatin1Char(')');
    const QString from = single ? QStringLiteral(":from") : QStringLiteral("(:from)");
    const QString to = single ? QStringLiteral(":to") : QStringLiteral("(:to)");
    const bool mysql = engine == Engine::MySQL || engine == Engine::MariaDB;
    return {QStringLiteral("SELECT %1 FROM %2 WHERE %3 > %4 ORDER BY %1 LIMIT 1 OFFSET %5")
                .arg(quoted.join(QLatin1String(", ")), table, key, from,
                     mysql ? QStringLiteral(":batch_size_minus_one") : QStringLiteral(":batch_size - 1")),
            QStringLiteral("UPDATE %1 SET %2 = %3 WHERE %4 > %5 AND %4 <= %6 AND %2 IS NULL")
                .arg(table, quoteIdentifier(engine, column), expression, key, from, to)};
}

QString generatedName(Engine engine, const QString &table, const QString &column, const QString &suffix)
{
    const QString tail = QLatin1Char('_') + column + QLatin1Char('_') + suffix;
    QString name = table + tail;
    if (engine == Engine::PostgreSQL) {
        // PostgreSQL cuts names at 63 bytes; cut the table part first, on a character boundary.
        QString head = table;
        while (!head.isEmpty() && (head + tail).toUtf8().size() > 63)
            head.chop(1);
        name = head + tail;
        while (name.toUtf8().size() > 63)
            name.chop(1);
    } else if (engine == Engine::MySQL || engine == Engine::MariaDB) {
        if (name.size() > 64)
            name = table.left(std::max<qsizetype>(0, 64 - tail.size())) + tail;
        name.truncate(64);
    }
    return name;
}

QString indexField(const ColumnSpec &spec)
{
    return spec.unique ? QStringLiteral("unique") : spec.index ? QStringLiteral("index") : QStringLiteral("references");
}

} // namespace Stagecraft
