#pragma once

#include "catalog/catalogtypes.h"
#include "connection/connectionprofile.h"
#include "backfillprogress.h"
#include "journal.h"
#include "stagetimings.h"
#include "plan/plan.h"

#include <QObject>
#include <QSqlDatabase>
#include <QSqlError>

#include <atomic>
#include <memory>
#include <optional>

namespace Stagecraft {

class RunLock;
class StageTimer;

class DatabaseConnection;



// Done: every step applied and the table read back keeps every promise. VerificationFailed: every
// step applied, but the read-back found a promise broken (a "✗" in the summary). ConnectionLost:
// stopped because the server went away (or could not be reached); the journal has the step as
// interrupted when the server could be reached again to say so.
// WaitingAtGate: stopped at a deploy gate, changing nothing more; a resume continues past it.
enum class RunOutcome { Done, Cancelled, Failed, RolledBack, VerificationFailed, ConnectionLost, WaitingAtGate };

// Runs a plan: each step after an "already applied?" check, a guard and a pre-flight for blocking
// sessions, under a short lock timeout with retries; backfills in keyset batches whose progress
// commits with them in the journal, so a run killed at any point resumes with no row skipped or
// done twice. Lives on a worker thread (or runs in a command-line tool's own thread) with a
// connection of its own; pause(), resume() and cancel() may be called from any thread and take
// effect within one batch; a cancel also cancels the statement in flight on the server.
class Runner : public QObject
{
    Q_OBJECT
public:
    // A run goes by the settings its plan was made with (Plan::settings, its session statements
    // included); settings given here replace them, for a resume or rollback with other flags.
    explicit Runner(ConnectionProfile profile, std::optional<RunSettings> settings = std::nullopt, QObject *parent = nullptr);
    ~Runner() override;

    void pause();
    void resume();
    void cancel();
    // Only raises the cancel flag: safe in a signal handler (Ctrl-C); the run stops after the batch.
    void stopAfterBatch() noexcept { m_cancelled = true; }
    [[nodiscard]] bool isPaused() const { return m_paused; }
    // Runs past every deploy gate instead of stopping there (a pipeline that deploys in between).
    void setPassGates(bool pass) { m_passGates = pass; }
    // Where the journal lives on PostgreSQL (a rehearsal's scratch schema); empty: "stagecraft".
    void setJournalSchema(const QString &schema) { m_journalSchema = schema; }
    // A blocking session in one line for a log: who, what it is doing, what it holds on the table
    // (or that it holds no lock there: an old transaction a concurrent index build waits for).
    [[nodiscard]] static QString describe(const BlockingSession &session);
    // The slowdown gate's step: the first after the last backfill step, past any deploy gates there,
    // whatever its stage; -1 when the plan has no backfill step or nothing after it.
    [[nodiscard]] static int slowdownGateStep(const Plan &plan);
    // The slowdown gate's verdict on the timings (factor: RunSettings::maxSlowdownFactor): why it
    // stops, or empty. Passes when off, when passed before (StageTimings::gatePassed) or when the
    // server keeps no statistics (StageTimings::unavailable, noted at the start); stops, saying it
    // could not measure, when the snapshots before and after the backfill are not both there.
    [[nodiscard]] static QString slowdownVerdict(const StageTimings &timings, double factor);

public Q_SLOTS:
    // A new run of the plan. Plans the spec again on this connection first and refuses, changing
    // nothing, unless the fresh plan has this plan's fingerprint (a plan made on another engine,
    // database or table, or one the table no longer fits). Creates the journal if needed; refuses
    // while another run is active on the same table and column.
    void run(const Stagecraft::Plan &plan);
    // Continues a journaled run from where it stopped.
    void resumeRun(const QString &runId);
    // Undoes what an unfinished (failed or cancelled) run applied, last step first, under the same
    // lock timeout and retries; refused when a step past the point of no return was applied. The
    // run is then finished in the journal as rolled back, and the table is as before it.
    void rollbackRun(const QString &runId);

Q_SIGNALS:
    void runStarted(const QString &runId, int steps);
    void stepStarted(int step, const QString &title);
    void stepSkipped(int step, const QString &reason);
    void stepFinished(int step, double seconds);
    void stepFailed(int step, const QString &error);
    void retrying(int step, int attempt, const QString &reason, double waitSeconds);
    void blockersFound(int step, const QList<Stagecraft::BlockingSession> &sessions);
    // The run lock is held by a session in the middle of a statement (a killed runner's, most
    // likely): the run waits for that statement to end.
    void waitingForRunLock(qint64 session, const QString &statement, double seconds);
    void backfillProgressed(const Stagecraft::BackfillProgress &progress);
    // A line for the run's log about how the step goes (what the pacing cannot watch, and why).
    void noted(int step, const QString &message);
    // The run has stopped for a pause (between batches or steps), or goes on after it. The time
    // paused counts neither in a step's time nor in the backfill's rate.
    void pausedChanged(bool paused);
    // A resumed run: the steps the runs before it applied (they count as done).
    void resumedAfter(const QList<int> &appliedSteps);
    // The run stopped at a deploy gate (PlanStep::gate): `why` says what to deploy before resuming.
    void gateReached(int step, const QString &gate, const QString &why);
    void runFinished(Stagecraft::RunOutcome outcome, const QString &summary);

private:
    // Tests only (tests/support/runnertesthook.h): runs a hand-made plan, which no planner makes,
    // without planning it again first.
    friend class RunnerTestHook;

    enum class StepResult { Done, Skipped, Cancelled, Failed };
    // run(), with or without planning again first.
    void start(const Plan &plan, bool planAgain);
    // From firstStep on; `resumed` is the journal's record of firstStep when a run is resumed (a gate
    // it waited at is passed, what an interrupted step added is removed before it runs again).
    void execute(const Plan &plan, int firstStep, const QStringList &resumeKey, qint64 resumeRows,
                 std::optional<Journal::StepState> resumed = std::nullopt);
    [[nodiscard]] StepResult runStep(const Plan &plan, int index, const QStringList &resumeKey, qint64 resumeRows, QString *error);
    [[nodiscard]] StepResult runStatements(const PlanStep &step, int index, QString *error);
    // Runs the step's onFailureSql, each statement retried after a lock timeout (or a cancel meant
    // for the statement before it); false with *error when something it added is still there.
    [[nodiscard]] bool removeAdded(const PlanStep &step, int index, QString *error);
    // Begins a transaction that will write: on SQLite one that takes the write lock at once.
    [[nodiscard]] bool beginWrite(QSqlDatabase db, QSqlError *error);
    [[nodiscard]] StepResult runBackfill(const Plan &plan, int index, QStringList lastKey, qint64 rowsDone, QString *error);
    // Whether the step's effect is in place, by its "applied?" query; nullopt when it has none or
    // the query could not answer.
    [[nodiscard]] std::optional<bool> inPlace(const PlanStep &step);
    // Why this server may not be run on (a standby, a read-only replica); empty when it may.
    [[nodiscard]] QString replicaRefusal();
    // Reports a retry and sleeps before it (cancel cuts the sleep short).
    void backOff(int step, int attempt, const QString &reason);
    [[nodiscard]] bool isLockTimeout(const QString &nativeCode, const QString &text) const;
    [[nodiscard]] bool waitWhilePaused();
    [[nodiscard]] bool connect(QString *error);
    // Whether the server no longer answers on this run's connection (never for SQLite); *why is
    // what the driver says then.
    [[nodiscard]] bool connectionLost(QString *why);
    // After a lost connection: connects again (for a few seconds, as a restarting server comes
    // back) and records the step as interrupted and the run as such; false if the server stayed away.
    [[nodiscard]] bool recordInterrupted(int step, const QString &reason);
    // Takes the run's settings (the plan's, or those given to the constructor) and sends the
    // plan's session statements; on failure reports runFinished(Failed).
    [[nodiscard]] bool startSession(const Plan &plan);
    // Resets the run state and connects; on failure reports runFinished(Failed).
    [[nodiscard]] bool begin();
    // begin(), then the unfinished run from the journal, if it was recorded on this engine and
    // database; otherwise reports runFinished(Failed).
    [[nodiscard]] bool beginJournaled(const QString &runId, Journal::RunRecord *run);
    void finish(const Plan &plan, RunOutcome outcome, const QString &reason, int failedStep);
    // The application's statements between the stages (StageTimings): connects the stage timer and
    // takes the start snapshot (kept from the journal on a resume; a resume after the backfill takes
    // a fresh base for the enforce and index phase), or records how to turn statistics on.
    void beginTimings(const Plan &plan, bool resuming, int step);
    // Takes one snapshot and journals the timings; a read that fails is noted on the step.
    void takeTimings(StageTimings::Point point, int step);
    // The slowdown gate before step index (RunSettings::maxSlowdownFactor): why it stops, or empty.
    [[nodiscard]] QString slowdown(const Plan &plan, int index) const;
    // Takes the run lock; on failure or when another Stagecraft holds it, reports runFinished(Failed).
    [[nodiscard]] bool lockRun(const TableRef &table, const QString &column);

    ConnectionProfile m_profile;
    std::optional<RunSettings> m_override;
    RunSettings m_settings; // this run's
    std::unique_ptr<DatabaseConnection> m_connection;
    std::unique_ptr<Journal> m_journal;
    std::unique_ptr<RunLock> m_lock; // this runner's claim on the table and column, for the run
    QString m_runId;
    QList<int> m_applied;
    QStringList m_pacingSummary; // what the pacing of each backfill did, for the summary
    StageTimings m_timings; // this run's statement snapshots (a resumed run's from the journal first)
    std::unique_ptr<StageTimer> m_stageTimer; // while the server keeps statement statistics
    std::atomic<bool> m_paused{false};
    qint64 m_pausedMs = 0; // time spent paused in this run (the runner's thread only)
    std::atomic<bool> m_cancelled{false};
    bool m_passGates = false;
    QString m_journalSchema;
    QString m_poolerNote; // the log's line when the connection goes through a session pool (PoolerProbe)
    std::atomic<qint64> m_backendId{0}; // the server session running our statements, for a server-side cancel
};

} // namespace Stagecraft

Q_DECLARE_METATYPE(Stagecraft::RunOutcome)
