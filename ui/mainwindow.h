#pragma once

#include "catalog/catalogtypes.h"
#include "connection/connectionerror.h"
#include "connection/connectionprofile.h"
#include "connection/databaseconnection.h"
#include "plan/columnspec.h"
#include "plan/plan.h"

#include <QMainWindow>
#include <QPointer>
#include <QThread>

class QLabel;
class QMenu;
class QLineEdit;
class QProgressBar;
class QSortFilterProxyModel;
class QTableView;
class QTabWidget;
class QTreeView;

namespace Stagecraft {

class CatalogWorker;
class ColumnDesigner;
class ConnectDialog;
class ConnectionBook;
class ColumnsModel;
class ConstraintsModel;
class IndexesModel;
class PlanView;
class PlanWorker;
class RunController;
class RunPanel;
class SchemaModel;
class SqlPreview;

// Stagecraft's main window: the schema browser (tables with row counts and sizes, a table's
// columns, indexes, constraints and definition), the column designer beside the plan review, and
// the run panel. Every database call goes to a worker on its own thread: the CatalogWorker for
// the catalog, the PlanWorker for validation, planning and pre-flight checks, the RunController's
// runner for runs.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Opens the demo database, generating it first if needed (off the GUI thread).
    void openDemo();
    void openConnection(const ConnectionProfile &profile);
    // File > Connect…: saved and recent connections, a form, Test Connection, the demo (opened, not exec'd).
    ConnectDialog *showConnectDialog();
    // Opens a connection given as a URL; a bad URL is reported like a failed connection.
    void openUrl(const QString &url);
    // Plans a column on the open connection and shows the plan review (validation and planning
    // run on a worker thread). targetVersion 0: the connected server's.
    void planColumn(const ColumnSpec &spec, int targetVersion = 0);
    // Reads a spec file (the JSON of `stagecraft-cli plan --spec`) and plans it.
    void planSpecFile(const QString &path);
    [[nodiscard]] PlanView *planView() const { return m_planView; }
    [[nodiscard]] ColumnDesigner *designer() const { return m_designer; }
    // Selects a table in the tree (clearing a filter that hides it); its details load off the GUI thread.
    bool selectTable(const TableRef &table);
    // Opens the column designer for the selected table (File > Add Column…).
    void addColumn();
    // Asks for confirmation (the table's name), then runs the plan on screen.
    void requestRun();
    [[nodiscard]] RunPanel *runPanel() const { return m_runPanel; }
    // An interrupted run found in the journal on connect, offered for resume ("" if none, or if it
    // was made on another engine or database: the resume bar says so instead).
    [[nodiscard]] QString resumableRun() const;
    void resumeInterruptedRun();
    // Settings > Preferences… (non-modal to the event loop: opened, not exec'd).
    void showSettings();
    // Checks the existing rows against the planned column's constraints (on a worker).
    void checkData();
    // Writes the plan on screen: kind is "pdf" or "markdown" (path: a file), or "sql-stages",
    // "flyway", "liquibase", "golang-migrate" (path: a folder). False with *error on failure.
    bool exportPlan(const QString &kind, const QString &path, QString *error);

    [[nodiscard]] SchemaModel *schemaModel() const { return m_schemaModel; }
    [[nodiscard]] ColumnsModel *columnsModel() const { return m_columnsModel; }
    [[nodiscard]] IndexesModel *indexesModel() const { return m_indexesModel; }
    [[nodiscard]] ConstraintsModel *constraintsModel() const { return m_constraintsModel; }
    [[nodiscard]] SqlPreview *sqlPreview() const { return m_preview; }
    [[nodiscard]] QString lastError() const { return m_lastError; }

Q_SIGNALS:
    // The window has shown what it was asked to open: the tables and the first table's details,
    // or an error. Screenshots and tests wait for it.
    void ready();
    // A plan (or the spec's problems) is on screen.
    void planShown();
    // A run (started from the window) ended.
    void runEnded();
    // The journal was checked after connecting (resumableRun() tells whether a run can be resumed).
    void journalChecked();
    void dataChecked();

protected:
    void closeEvent(QCloseEvent *event) override;

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
    // Empties the Plan tab (plan, pre-flight findings, the designer): it belonged to the connection before.
    void clearPlan();
    // Whether the planner's next answer is for the open connection (it answers each request once, in order).
    [[nodiscard]] bool takePlanAnswer();
    void promptForSpecFile();
    void showAbout();
    void promptForExport(const QString &kind);

    QThread m_catalogThread;
    QThread m_planThread;
    PlanWorker *m_planWorker = nullptr; // lives on m_planThread
    PlanView *m_planView = nullptr;
    QTabWidget *m_tabs = nullptr;
    ColumnSpec m_spec; // the column last planned, for re-planning on another version
    int m_targetVersion = 0; // the version it was last planned for (0: the server's)
    ColumnDesigner *m_designer = nullptr;
    QAction *m_addColumn = nullptr;
    QMenu *m_exportMenu = nullptr;
    TableDetails m_details; // the selected table, as last loaded
    QList<TableSummary> m_tables;
    QList<TypeInfo> m_types;
    TableRef m_pendingReference; // a table whose columns the designer's key picker waits for
    ColumnSpec m_pendingSpec; // a spec file's column, shown in the designer once its table is loaded
    RunPanel *m_runPanel = nullptr;
    RunController *m_runs = nullptr; // confirmations and the runner's thread
    bool m_closeAfterRun = false; // the user chose to stop the run and close
    QLabel *m_resumeBar = nullptr;
    CatalogWorker *m_worker = nullptr; // lives on m_catalogThread
    ConnectionProfile m_profile;
    ServerInfo m_server;
    SchemaModel *m_schemaModel = nullptr;
    ColumnsModel *m_columnsModel = nullptr;
    IndexesModel *m_indexesModel = nullptr;
    ConstraintsModel *m_constraintsModel = nullptr;
    QTreeView *m_tree = nullptr;
    QLineEdit *m_filter = nullptr;
    QSortFilterProxyModel *m_treeProxy = nullptr;
    QTableView *m_columns = nullptr;
    SqlPreview *m_preview = nullptr;
    QLabel *m_banner = nullptr;
    QLabel *m_tableTitle = nullptr;
    QLabel *m_statusLabel = nullptr;
    QProgressBar *m_progress = nullptr;
    QString m_lastError;
    QPointer<ConnectDialog> m_connectDialog;
    ConnectionBook *m_book = nullptr; // saved connections and keychain passwords: outlives the dialogs
    bool m_readySent = false;
    quint64 m_generation = 0; // bumped per connection, so late answers for an old one are ignored
    QList<quint64> m_planRequests; // the connection generation of each request the planner has not answered yet
};

} // namespace Stagecraft
