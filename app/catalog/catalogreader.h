#pragma once

#include "catalogtypes.h"
#include "connection/connectionerror.h"

#include <QVariantList>

#include <memory>

class QSqlQuery;

namespace Stagecraft {

class DatabaseConnection;

// Reads a database's catalog into plain values; one implementation per engine. Runs on the
// thread that owns the connection; lazy by design: the table list first, a table's details on demand.
class CatalogReader
{
public:
    virtual ~CatalogReader() = default;
    [[nodiscard]] static std::unique_ptr<CatalogReader> create(DatabaseConnection &connection);

    [[nodiscard]] virtual bool listTables(QList<TableSummary> *tables, ConnectionError *error) = 0;
    [[nodiscard]] virtual bool describeTable(const TableRef &table, TableDetails *details, ConnectionError *error) = 0;

protected:
    explicit CatalogReader(DatabaseConnection &connection)
        : m_connection(connection)
    {
    }
    // Prepares and runs sql with its bound values; on failure fills *error saying it was `what`.
    [[nodiscard]] bool run(QSqlQuery &query, const QString &sql, const QVariantList &values, const QString &what,
                           ConnectionError *error) const;

    DatabaseConnection &m_connection;
};

} // namespace Stagecraft
