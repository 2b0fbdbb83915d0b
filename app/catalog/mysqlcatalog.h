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
    [[nodiscard]] bool listSchemas(QStringList *schemas, ConnectionError *error) override;
    [[nodiscard]] bool listTables(QList<TableSummary> *tables, ConnectionError *error) override;
    [[nodiscard]] bool describeTable(const TableRef &table, TableDetails *details, ConnectionError *error) override;
    [[nodiscard]] bool listTypes(QList<TypeInfo> *types, ConnectionError *error) override;
    [[nodiscard]] bool blockingSessions(const TableRef &table, QList<BlockingSession> *sessions,
                                        ConnectionError *error) override;
    [[nodiscard]] bool listDependents(const TableRef &table, QList<TableDependent> *dependents,
                                      ConnectionError *error) override;
    [[nodiscard]] bool functionsCalled(ExpressionPlace place, const QString &expression, const QString &type,
                                       const TableRef &table, const QString &column, ExpressionCalls *calls,
                                       ConnectionError *error) override;

private:
    // MariaDB: each base table's row estimate and size, without opening every table.
    [[nodiscard]] bool readInnodbFigures(QList<TableSummary> *tables, ConnectionError *error);
    [[nodiscard]] bool readColumns(const TableRef &table, TableDetails *details, ConnectionError *error);
    [[nodiscard]] bool readIndexes(const TableRef &table, TableDetails *details, ConnectionError *error);
    [[nodiscard]] bool readConstraints(const TableRef &table, TableDetails *details, ConnectionError *error);
};

} // namespace Stagecraft
