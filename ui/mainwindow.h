#pragma once

#include "catalog/catalogtypes.h"
#include "connection/connectionerror.h"
#include "connection/connectionprofile.h"
#include "connection/databaseconnection.h"
#include "connectionsummary.h"
#include "plan/columnspec.h"
#include "plan/plan.h"
#include "run/runner.h"

#include <QMainWindow>
#include <QPointer>

#include <optional>

class QAction;
class QLabel;
class QTabWidget;

namespace Stagecraft {

class ColumnDesigner;
class ColumnsModel;
class ConnectionChip;
class ConnectDialog;
class ConnectionController;
class ConstraintsModel;
class HistoryView;
class IndexesModel;
class PlanView;
class PlanWorkspace;
class RunController;
class RunPanel;
class SchemaBrowser;
class SchemaModel;
class SqlPreview;
class StatusReporter;

// Stagecraft's main window. It composes the features, each in its own class: the schema browser
// (SchemaBrowser, filled by the ConnectionController, whose CatalogWorker reads the catalog on a
// thread of its own), the column designer beside the plan review (PlanWorkspace, with its
// PlanWorker for validation, planning and pre-flight checks), and the run panel (RunPanel, driven
// by the RunController's runner). The window itself keeps the menus, the tabs, the status bar and
// error banner (StatusReporter), the interrupted-run bar, and asks before closing during a run.
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
    [[nodiscard]] PlanView *planView() const;
    [[nodiscard]] ColumnDesigner *designer() const;
    // Selects a table in the tree (clearing a filter that hides it); its details load off the GUI thread.
    bool selectTable(const TableRef &table);
    // Opens the column designer for the selected table (File > Add Column…).
    void addColumn();
    // Asks for confirmation (the table's name), then runs the plan on screen.
    void requestRun();
    // Plan > Rehearse: the Rehearse dialog for the plan on screen.
    void requestRehearsal();
    [[nodiscard]] RunPanel *runPanel() const { return m_runPanel; }
    [[nodiscard]] HistoryView *historyView() const { return m_history; }
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

    [[nodiscard]] SchemaModel *schemaModel() const;
    [[nodiscard]] ColumnsModel *columnsModel() const;
    [[nodiscard]] IndexesModel *indexesModel() const;
    [[nodiscard]] ConstraintsModel *constraintsModel() const;
    [[nodiscard]] SqlPreview *sqlPreview() const;
    // The chip beside the tabs naming the connection of the tab on view.
    [[nodiscard]] ConnectionChip *connectionChip() const { return m_chip; }
    [[nodiscard]] QString lastError() const;

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
    void buildLayout();
    void buildMenus();
    void connectFeatures();
    void connectRuns();
    void onOpening(const ConnectionProfile &profile);
    void onConnected(const ServerInfo &server);
    void onTableShown(const TableDetails &details);
    void onJournalChecked();
    // Brings the Plan tab forward, unless a run is on view (never pull the user away from a run).
    void showPlanTab();
    void showAbout();
    // The chip names the connection of the tab on view: the open one, or the one the run was started on.
    void updateChip();
    // The run that just ended ran the plan on view: Run… says why it is disabled.
    void onRunEnded();

    StatusReporter *m_status = nullptr; // the status line, its progress bar and the error banner
    SchemaBrowser *m_browser = nullptr;
    ConnectionController *m_connection = nullptr; // the catalog worker's thread, the connection shown
    PlanWorkspace *m_plan = nullptr; // the designer and the plan review, the planner's thread
    QTabWidget *m_tabs = nullptr;
    RunPanel *m_runPanel = nullptr;
    RunController *m_runs = nullptr; // confirmations and the runner's thread
    HistoryView *m_history = nullptr; // the past runs, from the journal
    QLabel *m_resumeBar = nullptr;
    QString m_serverName; // the connected server, as the confirmations name it
    ConnectionChip *m_chip = nullptr;
    ConnectionSummary m_runConnection; // where the last run was started
    std::optional<RunOutcome> m_lastOutcome; // how the last run ended (RunPanel::finished)
    QAction *m_addColumn = nullptr;
    bool m_closeAfterRun = false; // the user chose to stop the run and close
};

} // namespace Stagecraft
