#pragma once

#include "plan/columnspec.h"
#include "plan/datachecks.h"
#include "plan/plan.h"
#include "run/sessionsignal.h"

#include <QDateTime>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QTabWidget;
class QTreeView;

namespace Stagecraft {

class BlockingSessionsModel;
class ImpactModel;
class LockTimeline;
class PlanStepsModel;
class SqlPreview;

// Plan review: the steps grouped by stage with their lock badges, the lock timeline with the naive
// statement beside it, the SQL of the selected step (or the whole plan), warnings, and a switcher
// that re-plans for another server version.
class PlanView : public QWidget
{
    Q_OBJECT
public:
    explicit PlanView(QWidget *parent = nullptr);

    void setPlan(const Plan &plan, int connectedVersion);
    // No plan: what was shown belonged to a connection that is gone (Run and the checks disabled).
    void clear();
    void showProblems(const QList<SpecProblem> &problems);
    // The plan on screen no longer matches the designer's fields, which have these problems: it
    // stays, greyed, under a banner naming the invalid fields; Run and the checks are off until
    // setPlan() brings a plan for valid fields.
    void showOutOfDate(const QList<SpecProblem> &problems);
    [[nodiscard]] bool isOutOfDate() const;
    [[nodiscard]] PlanStepsModel *model() const { return m_model; }
    [[nodiscard]] LockTimeline *timeline() const { return m_timeline; }
    [[nodiscard]] SqlPreview *sqlPreview() const { return m_sql; }
    [[nodiscard]] ImpactModel *impactModel() const { return m_impactModel; }
    // Under the steps: the selected step's SQL, and who uses the table.
    enum DetailTab { StepTab, ImpactTab };
    [[nodiscard]] QTabWidget *detailTabs() const { return m_detailTabs; }
    // The warning banner's line about who uses the table ("2 of the application's statements will
    // fail, 1 dependent(s) need attention"); empty when nothing needs acting on or it was not read.
    [[nodiscard]] static QString impactSummary(const Impact &impact);
    [[nodiscard]] QComboBox *versionSwitcher() const { return m_versions; }
    [[nodiscard]] QPushButton *runButton() const { return m_run; }
    [[nodiscard]] QPushButton *rehearseButton() const { return m_rehearse; }
    [[nodiscard]] QPushButton *checkDataButton() const { return m_checkData; }
    // Pre-flight: the existing rows against the column's constraints, and the sessions that would
    // make the run's schema changes wait.
    void showFindings(const QList<DataFinding> &findings, const QList<BlockingSession> &sessions);
    [[nodiscard]] QString findingsText() const;
    // The sessions the last pre-flight found, each of which can be cancelled or terminated.
    [[nodiscard]] BlockingSessionsModel *sessionsModel() const { return m_sessionsModel; }
    [[nodiscard]] QTreeView *sessionsView() const { return m_sessions; }
    // The findings on screen were read before `event` (a run ended, the catalog was read again):
    // they are shown as of their time, with a word to check again. Nothing when none are shown.
    void markFindingsStale(const QString &event);
    // The plan on screen has run (its run ended with outcome, e.g. "done", at `when`; or it waits
    // at a deploy gate): Run… stays disabled, and the view says why and offers to plan again.
    void markRun(const QString &outcome, const QDateTime &when, bool waitingAtGate = false);
    [[nodiscard]] QString runStateText() const;
    // Versions worth comparing for an engine, as (label, version number).
    [[nodiscard]] static QList<QPair<QString, int>> comparableVersions(Engine engine);

Q_SIGNALS:
    // The user picked another server version to plan for (0: the connected server's).
    void targetVersionChosen(int version);
    // The user asked to run the plan on screen (the window confirms first).
    void runRequested();
    // The user asked to rehearse the plan on a scratch copy of the table (the window confirms first).
    void rehearseRequested();
    // The user asked to check the existing rows against the new column's constraints.
    void dataCheckRequested();
    // The user asked to cancel a blocking session's statement or terminate it (confirmed elsewhere).
    void sessionSignalRequested(const Stagecraft::BlockingSession &session, Stagecraft::SessionSignal::Action action);
    // The user asked for a new plan of the same column (the one on screen has run).
    void planAgainRequested();

private:
    void buildSessions();
    void showStep(int step);
    void showImpact(const Impact &impact);
    void showCurrent(); // the out-of-date banner and greying gone
    void showFindingsText();
    // Gives the step's title the room: the other columns as wide as their contents where there is
    // room, narrower (elided, whole in their tooltips) where there is not.
    void fitStepColumns();
    bool eventFilter(QObject *watched, QEvent *event) override;

    QLabel *m_title = nullptr;
    QComboBox *m_versions = nullptr;
    QPushButton *m_run = nullptr;
    QPushButton *m_rehearse = nullptr;
    QPushButton *m_checkData = nullptr;
    QLabel *m_findings = nullptr;
    QWidget *m_sessionsBox = nullptr;
    QTreeView *m_sessions = nullptr;
    BlockingSessionsModel *m_sessionsModel = nullptr;
    QPushButton *m_cancelSession = nullptr;
    QPushButton *m_terminateSession = nullptr;
    QString m_findingsBody; // the findings as checked (what the report prints)
    QDateTime m_findingsAt; // when they were checked
    QString m_findingsStaleAfter; // what happened since ("" while they are current)
    bool m_findingsClean = false;
    QLabel *m_runState = nullptr; // why Run… is disabled after a run, with Plan Again
    QLabel *m_warnings = nullptr;
    QLabel *m_summary = nullptr; // the plan's totals beside the single statement's, and its notes
    QLabel *m_problems = nullptr;
    QLabel *m_outOfDate = nullptr; // the banner over a plan kept from before the fields went invalid
    LockTimeline *m_timeline = nullptr;
    QTreeView *m_steps = nullptr;
    PlanStepsModel *m_model = nullptr;
    SqlPreview *m_sql = nullptr;
    QLabel *m_why = nullptr;
    QTabWidget *m_detailTabs = nullptr;
    QTreeView *m_impact = nullptr;
    ImpactModel *m_impactModel = nullptr;
    QLabel *m_impactProblems = nullptr; // what could not be read
};

} // namespace Stagecraft
