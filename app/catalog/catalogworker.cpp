#include "catalogworker.h"

#include "catalogreader.h"

namespace Stagecraft {

void registerCatalogTypes()
{
    qRegisterMetaType<ConnectionProfile>();
    qRegisterMetaType<ServerInfo>();
    qRegisterMetaType<ConnectionError>();
    qRegisterMetaType<TableRef>();
    qRegisterMetaType<TableDetails>();
    qRegisterMetaType<QList<TableSummary>>();
    qRegisterMetaType<QList<TypeInfo>>();
}

CatalogWorker::CatalogWorker(QObject *parent)
    : QObject(parent)
{
}

CatalogWorker::~CatalogWorker() = default;

void CatalogWorker::connectTo(const ConnectionProfile &profile)
{
    disconnect();
    auto connection = std::make_unique<DatabaseConnection>(profile);
    ConnectionError error;
    if (!connection->open(&error)) {
        Q_EMIT failed(error);
        return;
    }
    m_connection = std::move(connection);
    m_reader = CatalogReader::create(*m_connection);
    Q_EMIT connected(m_connection->server());
}

void CatalogWorker::loadTables()
{
    if (!m_reader)
        return;
    QList<TableSummary> tables;
    ConnectionError error;
    if (m_reader->listTables(&tables, &error))
        Q_EMIT tablesLoaded(tables);
    else
        Q_EMIT failed(error);
}

void CatalogWorker::loadTable(const TableRef &table)
{
    if (!m_reader)
        return;
    TableDetails details;
    ConnectionError error;
    if (m_reader->describeTable(table, &details, &error))
        Q_EMIT tableLoaded(details);
    else
        Q_EMIT failed(error);
}

void CatalogWorker::loadTypes()
{
    if (!m_reader)
        return;
    QList<TypeInfo> types;
    ConnectionError error;
    if (m_reader->listTypes(&types, &error))
        Q_EMIT typesLoaded(types);
    else
        Q_EMIT failed(error);
}

void CatalogWorker::disconnect()
{
    m_reader.reset();
    m_connection.reset();
}

} // namespace Stagecraft
