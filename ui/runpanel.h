#pragma once

#include "connection/connectionprofile.h"
#include "plan/plan.h"
#include "run/runner.h"

#include <QElapsedTimer>
#include <QWidget>

#include <optional>

class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace Stagecraft {

class GateCard;
class RunChart;

// The run screen: overall and per-step progress, rows per second, ETA, lock-timeout retries and a
// log, with pause / resume / cancel, fed by a Runner's signals; a summary when it ends. A run that
// stops at a deploy gate shows a card (GateCard) to continue past it or roll back.
class RunPanel : public QWidget
{
    Q_OBJECT
public:
    explicit RunPanel(QWidget *parent = nullptr);

    // Follows a runner (which lives on another thread) through one run of the plan, or through
    // the rollback of one.
    void follow(Runner *runner, const Plan &plan, bool rollback = false);
    // The database runs go to: the gate card's probe opens its own connection there. Closes a
    // card left from the connection before.
    void setConnection(const ConnectionProfile &profile);
    [[nodiscard]] GateCard *gateCard() const { return m_gateCard; }
    // The backfill's chart: shown once a backfill reports its first batch, kept after the run ends.
    [[nodiscard]] RunChart *chart() const { return m_chart; }
    [[nodiscard]] QString summary() const;
    [[nodiscard]] int stepsDone() const { return m_stepsDone; }
    // The plan being run, for what a dialog says about it.
    [[nodiscard]] const Plan &plan() const { return m_plan; }
    // Whether the runner has stopped for a pause (not only been asked to).
    [[nodiscard]] bool isPaused() const { return m_paused; }

Q_SIGNALS:
    void finished(Stagecraft::RunOutcome outcome);
    // The user asks to undo what the run that just stopped applied.
    void rollbackRequested(const QString &runId, const Stagecraft::Plan &plan);
    // The user continues a run waiting at a deploy gate (the application is deployed).
    void continueRequested(const QString &runId, const Stagecraft::Plan &plan);
    // The user resumes the run that just stopped (cancelled, failed, lost its connection) from the journal.
    void resumeRequested(const QString &runId, const Stagecraft::Plan &plan);
    // The runner stopped for a pause, or went on (the panel shows it).
    void pausedChanged(bool paused);

private:
    void log(const QString &line);
    void connectRunner(Runner *runner);
    // The overall bar's value and text: the step running now, the steps done, or where it stopped.
    void showOverall(const QString &state = QString());
    void showPaused(bool paused);
    void showStopped(RunOutcome outcome, const QString &word);
    [[nodiscard]] QString rateText(const BackfillProgress &p) const;
    [[nodiscard]] static QString pacingText(const BackfillProgress &p);

    Runner *m_runner = nullptr;
    Plan m_plan;
    ConnectionProfile m_profile;
    int m_gateStep = -1; // the gate the run stopped at (gateReached)
    QString m_slowdown; // why it stopped there, when it is the slowdown gate (not a deploy)
    QString m_runId;
    QList<int> m_finished; // the steps this run applied, and those the runs it resumed applied
    QList<int> m_done; // the steps done, skipped, or done before a resume (the overall bar counts them)
    int m_running = -1; // the step running now (its index in the plan)
    int m_total = 0; // the steps of this run (a rollback's: those it undoes)
    bool m_rollingBack = false;
    bool m_paused = false;
    int m_stepsDone = 0;
    std::optional<BackfillProgress> m_progress; // the running step's last, when it is a backfill
    QElapsedTimer m_clock;
    QElapsedTimer m_pausedClock; // since the runner stopped for the pause in progress
    qint64 m_pausedMs = 0; // paused in all, in this run
    QLabel *m_title = nullptr;
    QProgressBar *m_overall = nullptr;
    QLabel *m_stepLabel = nullptr;
    QProgressBar *m_step = nullptr;
    QLabel *m_rate = nullptr;
    QPlainTextEdit *m_log = nullptr;
    QPushButton *m_pause = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_rollback = nullptr;
    QPushButton *m_resume = nullptr; // resumes a stopped run
    QLabel *m_summary = nullptr;
    GateCard *m_gateCard = nullptr;
    RunChart *m_chart = nullptr;
};

} // namespace Stagecraft
