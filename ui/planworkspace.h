#pragma once

#include "plan/columnspec.h"
#include "plan/plan.h"
#include "run/sessionsignal.h"

#include <QList>
#include <QThread>
#include <QWidget>

class QMenu;

namespace Stagecraft {

class BackfillPreviewWorker;
class ColumnDesigner;
class ConnectionController;
class PlanView;
class PlanWorker;
class StatusReporter;

// The Plan tab: the column designer beside the plan review. Validation and planning run on a
// PlanWorker on a thread of its own, on the open connection; an answer that comes back for the
// connection before is dropped. Spec files open in the designer, the plan on screen can be
// exported (File > Export Plan) and its pre-flight checks run off the GUI thread.
class PlanWorkspace : public QWidget
{
    Q_OBJECT
public:
    explicit PlanWorkspace(ConnectionController *connection, StatusReporter *status, QWidget *parent = nullptr);
    ~PlanWorkspace() override;

    [[nodiscard]] PlanView *planView() const { return m_planView; }
    [[nodiscard]] ColumnDesigner *designer() const { return m_designer; }
    // File > Export Plan, enabled while a plan is on screen.
    [[nodiscard]] QMenu *exportMenu() const { return m_exportMenu; }

    // Plans a column on the open connection (targetVersion 0: the connected server's).
    void planColumn(const ColumnSpec &spec, int targetVersion = 0);
    // Plans the column last planned again, for the same version (the run settings changed).
    void planAgain();
    // Reads a spec file (the JSON of `stagecraft-cli plan --spec`) and opens it in the designer on
    // its table, or shows why it cannot be read.
    void planSpecFile(const QString &path);
    void promptForSpecFile();
    // A spec file's column that waits for its table to be shown: taken (and forgotten) when table is it.
    [[nodiscard]] bool takePendingSpec(const TableRef &table, ColumnSpec *spec);
    // The designer on the table last read on the connection, with the server's types and tables.
    void designSelectedTable();
    // Empties the tab (plan, pre-flight findings, the designer): it belonged to the connection before.
    void clear();
    // Checks the existing rows against the planned column's constraints (on a worker).
    void checkData();
    // Writes the plan on screen: kind is "pdf" or "markdown" (path: a file), or "sql-stages",
    // "flyway", "liquibase", "golang-migrate" (path: a folder). False with *error on failure.
    bool exportPlan(const QString &kind, const QString &path, QString *error);

Q_SIGNALS:
    // A plan, or the spec's problems, came back from the planner and is on screen.
    void planShown();
    // A spec file that could not be read as a column: its problems are on screen.
    void specFileRejected();
    void dataChecked();
    // The backfill preview under the designer's Backfill field shows the answer to the last edit.
    void backfillPreviewed();

private:
    // One request to the planner: the connection it was made on, and whether the designer's edits
    // made it (their problems show as the fields are touched; a plan on screen goes out of date) or
    // it was asked for whole (every problem shows).
    struct PlanRequest
    {
        enum class Source { Designer, Asked };
        quint64 generation = 0;
        Source source = Source::Asked;
        TableRef table;
        bool dropped = false; // a new form or connection since: its answer is not shown
    };
    void startPlanner();
    void startPreviewer();
    void requestPlan(const ColumnSpec &spec, int targetVersion, PlanRequest::Source source);
    void previewBackfill(const ColumnSpec &spec);
    void onPlanned(const Plan &plan);
    void onRejected(const QList<SpecProblem> &problems);
    // Whether the planner's next answer is to be shown: made on the open connection, not dropped
    // since (it answers each request once, in order).
    [[nodiscard]] bool takePlanAnswer(PlanRequest *request = nullptr);
    void promptForExport(const QString &kind);
    // Confirms (typing the session's number), then signals the session from a connection of its own
    // and runs the pre-flight again to show what is left.
    void signalSession(const BlockingSession &session, SessionSignal::Action action);

    ConnectionController *m_connection;
    StatusReporter *m_status;
    PlanView *m_planView = nullptr;
    ColumnDesigner *m_designer = nullptr;
    QMenu *m_exportMenu = nullptr;
    QThread m_thread;
    PlanWorker *m_worker = nullptr; // lives on m_thread
    ColumnSpec m_spec; // the column last planned, for re-planning on another version
    int m_targetVersion = 0; // the version it was last planned for (0: the server's)
    ColumnSpec m_pendingSpec; // a spec file's column, shown in the designer once its table is loaded
    QList<PlanRequest> m_planRequests; // each request the planner has not answered yet
    QThread m_previewThread;
    BackfillPreviewWorker *m_previewWorker = nullptr; // lives on m_previewThread
    quint64 m_previewRequest = 0; // the last preview asked for; only its answer is shown
    QStringList m_previewedKey; // what the last preview was of (see previewBackfill)
};

} // namespace Stagecraft
