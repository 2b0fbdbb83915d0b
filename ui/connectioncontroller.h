#pragma once

#include "catalog/catalogtypes.h"
#include "connection/connectionerror.h"
#include "connection/connectionprofile.h"
#include "connection/databaseconnection.h"
#include "connectionsummary.h"

#include <QObject>
#include <QPointer>
#include <QThread>

class QWidget;

namespace Stagecraft {

class CatalogWorker;
class ConnectDialog;
class ConnectionBook;
class SchemaBrowser;
class StatusReporter;

// The open connection: the catalog worker on a thread of its own (connecting, the tables, a
// table's details, the server's types), the schema browser it fills, the saved and recent
// connections with the Connect dialog, and the demo database. Each connection bumps a
// generation, so that answers still on their way for the one before can be told apart.
class ConnectionController : public QObject
{
    Q_OBJECT
public:
    // The Connect dialog and error boxes are opened on dialogParent.
    ConnectionController(SchemaBrowser *browser, StatusReporter *status, QWidget *dialogParent);
    ~ConnectionController() override;

    // Opens the demo database, generating it first if needed (off the GUI thread).
    void openDemo();
    // Opens a connection given as a URL; a bad URL is reported like a failed connection.
    void openUrl(const QString &url);
    void openConnection(const ConnectionProfile &profile);
    // Reads the open connection's catalog again on a new session (File > Refresh), keeping the
    // selected table; opens it anew when it never opened; nothing when none is open.
    void refresh();
    // Reads the table list and the selected table again, on the same session (a run changed them).
    void reloadCatalog();
    // File > Connect…: opened, not exec'd; the one already open is raised instead.
    ConnectDialog *showConnectDialog();
    // Selects a table in the browser (its details are read off the GUI thread); false if it is not there.
    bool selectTable(const TableRef &table);
    [[nodiscard]] bool hasTable(const TableRef &table) const;
    // Shows the table last read again, as when it was read (tableShown() follows).
    void showTableAgain();
    // Reads a table's columns for the designer's foreign key picker: referencedTableLoaded().
    void loadReferencedTable(const TableRef &table);
    // Reports a failed connection or catalog read: the status line, the banner and a box.
    void showFailure(const ConnectionError &error);
    // Emits ready(), once per connection.
    void markReady();

    [[nodiscard]] const ConnectionProfile &profile() const { return m_profile; }
    [[nodiscard]] const ServerInfo &server() const { return m_server; }
    [[nodiscard]] quint64 generation() const { return m_generation; }
    [[nodiscard]] const TableDetails &details() const { return m_details; } // the selected table, as last read
    [[nodiscard]] const QList<TableSummary> &tables() const { return m_tables; }
    [[nodiscard]] const QList<TypeInfo> &types() const { return m_types; }
    // The status line when idle: server, connection, number of tables.
    [[nodiscard]] QString connectedText() const;
    // The open connection as the tree's root and the tabs' chip name it (empty until connected).
    [[nodiscard]] ConnectionSummary summary() const;

Q_SIGNALS:
    // A connection is being opened: everything shown for the one before is gone.
    void opening(const Stagecraft::ConnectionProfile &profile);
    void connected(const Stagecraft::ServerInfo &server);
    // The catalog is being read again for the same connection (File > Refresh, or after a run):
    // what was read from it before (the pre-flight findings) is now of an earlier time.
    void refreshing();
    // The selected table's details are on screen.
    void tableShown(const Stagecraft::TableDetails &details);
    void referencedTableLoaded(const Stagecraft::TableRef &table, const QStringList &columns);
    // What was asked to open is shown: the tables and the first table's details, or an error.
    void ready();

private:
    void onConnected(const ServerInfo &server);
    void onTablesLoaded(const QList<TableSummary> &tables);
    void onTableSelected(const TableRef &table);
    void onTableLoaded(const TableDetails &details);
    void reload(bool reconnect);

    SchemaBrowser *m_browser;
    StatusReporter *m_status;
    QWidget *m_dialogParent;
    QThread m_thread;
    CatalogWorker *m_worker = nullptr; // lives on m_thread
    ConnectionBook *m_book = nullptr; // saved connections and keychain passwords: outlives the dialogs
    QPointer<ConnectDialog> m_connectDialog;
    ConnectionProfile m_profile;
    ServerInfo m_server;
    TableDetails m_details;
    QList<TableSummary> m_tables;
    QList<TypeInfo> m_types;
    TableRef m_pendingReference; // a table whose columns the designer's key picker waits for
    TableRef m_keepTable; // the table to select again once the tables are read again (refresh)
    bool m_refreshing = false; // the catalog is read again for the same connection
    bool m_readySent = false;
    quint64 m_generation = 0;
};

} // namespace Stagecraft
