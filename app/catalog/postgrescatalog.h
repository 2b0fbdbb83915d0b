#pragma once

#include "catalogreader.h"

namespace Stagecraft {

// The catalog of a PostgreSQL database.
class PostgresCatalog final : public CatalogReader
{
public:
    explicit PostgresCatalog(DatabaseConnection &connection)
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
    [[nodiscard]] bool probeDefault(const QString &type, const QString &expression, DefaultProbe *probe,
                                    ConnectionError *error) override;
    [[nodiscard]] bool probeTypeRewrite(const QString &type, bool *rewrites, ConnectionError *error) override;

private:
    // functionsCalled; for a default also whether it reads the clock or the session without a
    // function call (CURRENT_TIMESTAMP), when sessionValue is given.
    [[nodiscard]] bool readCalls(ExpressionPlace place, const QString &expression, const QString &type, const TableRef &table,
                                 const QString &column, ExpressionCalls *calls, bool *sessionValue, ConnectionError *error);
    [[nodiscard]] bool readColumns(const TableRef &table, TableDetails *details, ConnectionError *error);
    [[nodiscard]] bool readIndexes(const TableRef &table, TableDetails *details, ConnectionError *error);
    [[nodiscard]] bool readConstraints(const TableRef &table, TableDetails *details, ConnectionError *error);
    [[nodiscard]] bool readPartitions(const TableRef &table, TableDetails *details, ConnectionError *error);
    // The publications that send the table's changes (TableDetails::publications).
    [[nodiscard]] bool readPublications(const TableRef &table, TableDetails *details, ConnectionError *error);
};

} // namespace Stagecraft
