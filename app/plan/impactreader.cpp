#include "impactreader.h"

#include "catalog/catalogreader.h"
#include "connection/databaseconnection.h"
#include "sql/quoting.h"
#include "statementimpact.h"

#include <QSqlQuery>

namespace Stagecraft {

Impact ImpactReader::read(DatabaseConnection &connection, const Plan &plan, const TableDetails &table)
{
    Impact impact;
    impact.read = true;
    ConnectionError error;
    const std::unique_ptr<CatalogReader> catalog = CatalogReader::create(connection);
    if (!catalog->listDependents(plan.table, &impact.dependents, &error))
        impact.problems << QStringLiteral("Could not read what depends on the table: %1").arg(error.text());
    error = {};
    if (!StatementImpact::read(connection, plan, table, &impact.statements, &impact.statisticsNote, &error))
        impact.problems << QStringLiteral("Could not read the server's statement statistics: %1").arg(error.text());
    // PostgreSQL shows other roles' statements only to pg_read_all_stats (and superusers): without
    // it the application's statements are missing, not absent.
    if (connection.engine() == Engine::PostgreSQL && impact.statisticsNote.isEmpty()) {
        QSqlQuery q(connection.database());
        if (q.exec(QStringLiteral("SELECT pg_has_role('pg_read_all_stats', 'USAGE'), current_user")) && q.next() && !q.value(0).toBool())
            impact.problems << QStringLiteral("Only the statements of role %1 are shown: it cannot see other roles' statements "
                                              "(GRANT pg_read_all_stats TO %2).")
                                   .arg(q.value(1).toString(), quoteIdentifier(Engine::PostgreSQL, q.value(1).toString()));
    }
    return impact;
}

} // namespace Stagecraft
