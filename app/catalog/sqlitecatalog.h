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
    [[nodiscard]] bool listSchemas(QStringList *schemas, ConnectionError *error) override;
    [[nodiscard]] bool listTables(QList<TableSummary> *tables, ConnectionError *error) override;
    [[nodiscard]] bool describeTable(const TableRef &table, TableDetails *details, ConnectionError *error) override;
    [[nodiscard]] bool listTypes(QList<TypeInfo> *types, ConnectionError *error) override;
    [[nodiscard]] bool blockingSessions(const TableRef &table, QList<BlockingSession> *sessions,
                                        ConnectionError *error) override;
    [[nodiscard]] bool listDependents(const TableRef &table, QList<TableDependent> *dependents,
                                      ConnectionError *error) override;

private:
    [[nodiscard]] bool readColumns(const TableRef &table, TableDetails *details, ConnectionError *error);
    [[nodiscard]] bool readIndexes(const TableRef &table, TableDetails *details, ConnectionError *error);
    [[nodiscard]] bool readConstraints(const TableRef &table, TableDetails *details, ConnectionError *error);
    [[nodiscard]] bool readDependents(const TableRef &table, TableDetails *details, ConnectionError *error);
};

} // namespace Stagecraft
