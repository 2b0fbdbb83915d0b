#include "impactreader.h"

#include "catalog/catalogreader.h"
#include "connection/databaseconnection.h"
#include "statementimpact.h"

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
    return impact;
}

} // namespace Stagecraft
