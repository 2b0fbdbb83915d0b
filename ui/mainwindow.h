#pragma once

#include "catalog/catalogtypes.h"
#include "connection/connectionerror.h"
#include "connection/connectionprofile.h"
#include "connection/databaseconnection.h"

#include <QMainWindow>
#include <QThread>

class QLabel;
class QProgressBar;
class QTableView;
class QTreeView;

namespace Stagecraft {

class CatalogWorker;
class ColumnsModel;
class SchemaModel;
class SqlPreview;

// Stagecraft's main window: the schema browser (tables with row counts, a table's columns and
// its definition). Every database call goes to a CatalogWorker on its own thread.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Opens the demo database, generating it first if needed (off the GUI thread).
    void openDemo();
    void openConnection(const ConnectionProfile &profile);
    // Opens a connection given as a URL; a bad URL is reported like a failed connection.
    void openUrl(const QString &url);

    [[nodiscard]] SchemaModel *schemaModel() const { return m_schemaModel; }
    [[nodiscard]] ColumnsModel *columnsModel() const { return m_columnsModel; }
    [[nodiscard]] SqlPreview *sqlPreview() const { return m_preview; }
    [[nodiscard]] QString lastError() const { return m_lastError; }

Q_SIGNALS:
    // The window has shown what it was asked to open: the tables and the first table's details,
    // or an error. Screenshots and tests wait for it.
    void ready();

private:
    void buildMenus();
    void showBusy(const QString &message, int done = 0, int total = 0);
    void clearBusy();
    void showError(const QString &title, const QString &message);
    void onConnected(const ServerInfo &server);
    void onTablesLoaded(const QList<TableSummary> &tables);
    void onTableLoaded(const TableDetails &details);
    void onFailed(const ConnectionError &error);
    void onTableSelected();
    [[nodiscard]] QString connectedText() const;
    void promptForUrl();
    void showAbout();

    QThread m_catalogThread;
    CatalogWorker *m_worker = nullptr; // lives on m_catalogThread
    ConnectionProfile m_profile;
    ServerInfo m_server;
    SchemaModel *m_schemaModel = nullptr;
    ColumnsModel *m_columnsModel = nullptr;
    QTreeView *m_tree = nullptr;
    QTableView *m_columns = nullptr;
    SqlPreview *m_preview = nullptr;
    QLabel *m_banner = nullptr;
    QLabel *m_tableTitle = nullptr;
    QLabel *m_statusLabel = nullptr;
    QProgressBar *m_progress = nullptr;
    QString m_lastError;
    bool m_readySent = false;
    quint64 m_generation = 0; // bumped per connection, so late answers for an old one are ignored
};

} // namespace Stagecraft
