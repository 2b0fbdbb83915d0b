#pragma once

#include "catalogreader.h"

namespace Stagecraft {

// The catalog of a SQLite database.
class SqliteCatalog final : public CatalogReader
{
public:
    explicit SqliteCatalog(DatabaseConnection &connection)
        : CatalogReader(connection)
    {
    }
    [[nodiscard]] bool listTables(QList<TableSummary> *tables, ConnectionError *error) override;
    [[nodiscard]] bool describeTable(const TableRef &table, TableDetails *details, ConnectionError *error) override;
};

} // namespace Stagecraft
