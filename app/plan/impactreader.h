#pragma once

#include "plan.h"

namespace Stagecraft {

class DatabaseConnection;

// Reads who uses a planned table, on the connection the plan was made on, after planning: its
// dependents from the catalog (CatalogReader::listDependents) and the application's statements from
// the server's statistics with what the new column changes for them (StatementImpact). Read-only.
// A part that cannot be read goes into Impact::problems; the rest is kept.
class ImpactReader
{
public:
    [[nodiscard]] static Impact read(DatabaseConnection &connection, const Plan &plan, const TableDetails &table);
};

} // namespace Stagecraft
