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
    Plan plan;
    switch (in.server.engine) {
    case Engine::PostgreSQL: plan = PostgresPlanner(in).plan(); break;
    case Engine::MySQL:
    case Engine::MariaDB: plan = MySqlPlanner(in).plan(); break;
    case Engine::SQLite: plan = SqlitePlanner(in).plan(); break;
    }
    plan.settings = in.settings;
    plan.sessionSql = in.settings.sessionSql(in.server.engine);
    return plan;
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

} // namespace Stagecraft
