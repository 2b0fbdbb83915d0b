#pragma once

#include "catalogreader.h"

namespace Stagecraft {

// The catalog of a MySQL and MariaDB database.
class MySqlCatalog final : public CatalogReader
{
public:
    explicit MySqlCatalog(DatabaseConnection &connection)
        : CatalogReader(connection)
    {
    }
    [[nodiscard]] bool listTables(QList<TableSummary> *tables, ConnectionError *error) override;
    [[nodiscard]] bool describeTable(const TableRef &table, TableDetails *details, ConnectionError *error) override;
};

} // namespace Stagecraft
