#pragma once

#include "catalogtypes.h"
#include "connection/connectionerror.h"
#include "connection/connectionprofile.h"
#include "connection/databaseconnection.h"

#include <QObject>

#include <memory>

namespace Stagecraft {

class CatalogReader;

// Registers the catalog's value types for queued signals; call once before using a CatalogWorker.
void registerCatalogTypes();

// Browses a database's catalog off the GUI thread. Move it to a QThread and call its slots by
// queued invocation; it opens its own connection there and answers by signals, so the caller
// never waits on the database. Requests are served in order.
class CatalogWorker : public QObject
{
    Q_OBJECT
public:
    explicit CatalogWorker(QObject *parent = nullptr);
    ~CatalogWorker() override;

public Q_SLOTS:
    // Opens (or reopens) the connection; answers connected() or failed().
    void connectTo(const Stagecraft::ConnectionProfile &profile);
    void loadTables();
    void loadTable(const Stagecraft::TableRef &table);
    // The types the server offers, for the designer's type picker.
    void loadTypes();
    // Closes the connection on the worker's thread; call before stopping the thread.
    void disconnect();

Q_SIGNALS:
    void connected(const Stagecraft::ServerInfo &server);
    void tablesLoaded(const QList<Stagecraft::TableSummary> &tables);
    void tableLoaded(const Stagecraft::TableDetails &details);
    void typesLoaded(const QList<Stagecraft::TypeInfo> &types);
    void failed(const Stagecraft::ConnectionError &error);

private:
    std::unique_ptr<DatabaseConnection> m_connection;
    std::unique_ptr<CatalogReader> m_reader;
};

} // namespace Stagecraft

Q_DECLARE_METATYPE(Stagecraft::ConnectionProfile)
Q_DECLARE_METATYPE(Stagecraft::ServerInfo)
Q_DECLARE_METATYPE(Stagecraft::ConnectionError)
