#include "runner.h"

#include "backfillbatch.h"
#include "backfillsender.h"
#include "loadmonitor.h"
#include "pacer.h"
#include "catalog/catalogreader.h"
#include "connection/databaseconnection.h"
#include "connection/poolerprobe.h"
#include "journal.h"
#include "planorigin.h"
#include "resumecheck.h"
#include "rollbackplan.h"
#include "runlock.h"
#include "servercancel.h"
#include "stagetimer.h"
#include "verification.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QSqlError>
#include <QScopeGuard>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QThread>
#include <QUuid>

#include <cmath>

namespace Stagecraft {

// The rows a statement that must answer none did answer (q is on the first): how many, and the
// first few as name=value, so the user can find them.
static QString unexpectedRows(QSqlQuery &q, const PlanStep &step)
{
    QStringList first;
    qint64 count = 0;
    do {
        if (++count > 3)
            continue;
        QStringList fields;
        const QSqlRecord record = q.record();
        for (int i = 0; i < record.count(); ++i)
            fields << record.fieldName(i) + QLatin1Char('=') + (q.isNull(i) ? QStringLiteral("NULL") : q.value(i).toString());
        first << fields.join(QLatin1String(", "));
    } while (q.next());
    return QStringLiteral("%1 answered %2 row(s), each %3 (%4%5): the step was rolled back and changed nothing")
        .arg(step.failIfRowsSql).arg(count).arg(step.failIfRowsMessage, first.join(QLatin1String("; ")),
                                                 count > 3 ? QStringLiteral("; …") : QString());
}

// The last step of a stage, or -1 when the plan has none.
static int lastOf(const Plan &plan, Stage stage)
{
    for (qsizetype i = plan.steps.size() - 1; i >= 0; --i)
        if (plan.steps.at(i).stage == stage)
            return int(i);
    return -1;
}

Runner::Runner(ConnectionProfile profile, std::optional<RunSettings> settings, QObject *parent)
    : QObject(parent)
    , m_profile(std::move(profile))
    , m_override(std::move(settings))
    , m_settings(m_override.value_or(RunSettings{}))
{
}

Runner::~Runner()
{
    m_stageTimer.reset();
    m_lock.reset();
    m_journal.reset();
    m_connection.reset();
}

void Runner::pause()
{
    m_paused = true;
}

void Runner::resume()
{
    m_paused = false;
}

void Runner::cancel()
{
    m_cancelled = true;
    m_paused = false;
    // A statement may be running for minutes (a VALIDATE, an index build): the server cancels it.
    ServerCancel::cancelLater(m_profile, m_backendId);
}

std::optional<bool> Runner::inPlace(const PlanStep &step)
{
    if (step.appliedSql.isEmpty())
        return std::nullopt;
    QSqlQuery q(m_connection->database());
    if (!q.exec(step.appliedSql) || !q.next())
        return std::nullopt;
    return q.value(0).toBool(); // the query closes with q: no read left open on the table
}

QString Runner::replicaRefusal()
{
    // A replica accepts the run's reads and refuses its first write, or (MySQL, MariaDB with a
    // privileged user) takes writes that break its replication: neither is a place to run.
    const Engine engine = m_connection->engine();
    if (engine == Engine::SQLite)
        return {};
    QSqlQuery q(m_connection->database());
    if (!q.exec(engine == Engine::PostgreSQL ? QStringLiteral("SELECT pg_is_in_recovery()") : QStringLiteral("SELECT @@global.read_only"))
        || !q.next())
        return {};
    // PostgreSQL says t or f; MySQL and MariaDB 0 or 1, MariaDB 12 OFF, ON or NO_LOCK... (an ENUM).
    const QString value = q.value(0).toString();
    if (value.compare(QLatin1String("f"), Qt::CaseInsensitive) == 0 || value.compare(QLatin1String("false"), Qt::CaseInsensitive) == 0
        || value == QLatin1String("0") || value.compare(QLatin1String("OFF"), Qt::CaseInsensitive) == 0 || value.isEmpty())
        return {};
    return engine == Engine::PostgreSQL
               ? QStringLiteral("this server is a standby (in recovery): connect to the primary, or, after a failover, promote this "
                                "one first (pg_ctl promote, or SELECT pg_promote())")
               : QStringLiteral("this server is read-only (read_only is ON: a replica?): connect to the primary, or, after a "
                                "failover, make this one writable first (SET GLOBAL read_only = OFF)");
}

bool Runner::connect(QString *error)
{
    m_journal.reset(); // its statements belong to the connection before
    m_connection = std::make_unique<DatabaseConnection>(m_profile);
    ConnectionError e;
    if (!m_connection->open(&e)) {
        *error = e.text();
        return false;
    }
    m_backendId = ServerCancel::sessionOf(*m_connection);
    m_journal = std::make_unique<Journal>(*m_connection, m_journalSchema);
    return true;
}

bool Runner::startSession(const Plan &plan)
{
    m_settings = m_override.value_or(plan.settings);
    // What the plan shows, unless other settings were given; a plan journaled before it showed its
    // session gets the one its settings make.
    // A plan made for another engine gets this engine's form here, until the check that the plan is
    // this connection's refuses it.
    const bool planned = !m_override && !plan.sessionSql.isEmpty() && plan.engine == m_connection->engine();
    const QStringList session = planned ? plan.sessionSql : m_settings.sessionSql(m_connection->engine());
    QSqlQuery q(m_connection->database());
    for (const QString &sql : session) {
        if (!q.exec(sql)) {
            Q_EMIT runFinished(RunOutcome::Failed, QStringLiteral("Could not set up the session (%1): %2").arg(sql, q.lastError().text()));
            return false;
        }
    }
    return true;
}

bool Runner::isLockTimeout(const QString &code, const QString &text) const
{
    switch (m_connection->engine()) {
    case Engine::PostgreSQL: return code == QLatin1String("55P03") || code == QLatin1String("40P01");
    case Engine::MySQL:
    case Engine::MariaDB:
        // Lock wait timeout, deadlock, and a snapshot conflict: all retried.
        return code == QLatin1String("1205") || code == QLatin1String("1213") || code == QLatin1String("1020");
    case Engine::SQLite: return text.contains(QLatin1String("database is locked")) || code == QLatin1String("5");
    }
    return false;
}

bool Runner::waitWhilePaused()
{
    if (!m_paused || m_cancelled)
        return !m_cancelled;
    QElapsedTimer paused;
    paused.start();
    Q_EMIT pausedChanged(true);
    while (m_paused && !m_cancelled)
        QThread::msleep(50);
    m_pausedMs += paused.elapsed();
    if (!m_cancelled) // a cancel ends the pause, and the run with it
        Q_EMIT pausedChanged(false);
    return !m_cancelled;
}

QString Runner::describe(const BlockingSession &s)
{
    QStringList what;
    if (!s.state.isEmpty())
        what << s.state;
    if (s.transactionSeconds >= 0)
        what << QStringLiteral("transaction open for %1 s").arg(s.transactionSeconds, 0, 'f', 1);
    what << (s.locks.isEmpty() ? QStringLiteral("holds no lock on the table") : QStringLiteral("holds %1").arg(s.locks.join(QLatin1String(", "))));
    if (s.waiting)
        what << QStringLiteral("waiting for a lock");
    QStringList who;
    for (const QString &name : {s.user, s.application})
        if (!name.isEmpty())
            who << name;
    const QString session = s.pid ? QStringLiteral("session %1").arg(s.pid) : QStringLiteral("another connection");
    const QString query = s.query.simplified();
    return QStringLiteral("%1%2: %3%4")
        .arg(session, who.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(who.join(QLatin1String(", "))), what.join(QLatin1String("; ")),
             query.isEmpty() ? QString() : QStringLiteral("; last statement: %1").arg(query.left(120)));
}

bool Runner::begin()
{
    QString error;
    m_cancelled = false;
    m_applied.clear();
    m_pacingSummary.clear();
    m_timings = {};
    m_stageTimer.reset();
    m_pausedMs = 0;
    // An SQLite application writing without pause can hold the file's lock through a whole busy
    // timeout (rollback-journal mode, where a writer waiting to commit keeps readers out): that is
    // a lock timeout like any other, retried after a backoff.
    for (int attempt = 0; !connect(&error); ++attempt) {
        if (!error.contains(QLatin1String("database is locked")) || attempt >= m_settings.maxRetries || m_cancelled)
            break;
        QThread::msleep(std::min(5000, m_settings.retryBaseMs << std::min(attempt, 4))); // not a step's retry: nothing to report
    }
    if (!m_connection || !m_connection->isOpen()) {
        Q_EMIT runFinished(RunOutcome::ConnectionLost, QStringLiteral("Could not connect: ") + error);
        return false;
    }
    // A pooler that hands the server session to other clients between transactions would lose the
    // lock timeout, the run lock and the prepared batches: refused before anything is set or taken.
    const PoolerProbe::Result pooler = PoolerProbe::probe(*m_connection);
    if (const QString refusal = PoolerProbe::refusal(pooler); !refusal.isEmpty()) {
        Q_EMIT runFinished(RunOutcome::Failed, QStringLiteral("Nothing was run, nothing was changed: %1.").arg(refusal));
        return false;
    }
    m_poolerNote = PoolerProbe::note(pooler);
    return true;
}

bool Runner::connectionLost(QString *why)
{
    if (!m_connection || m_connection->engine() == Engine::SQLite)
        return false;
    QSqlError gone;
    if (m_connection->answers(&gone))
        return false;
    if (why)
        *why = gone.text().trimmed();
    return true;
}

bool Runner::recordInterrupted(int step, const QString &reason)
{
    // The run lock and the journal belong to the lost session: the server let go of the lock with it.
    m_lock.reset();
    m_journal.reset();
    QElapsedTimer waited;
    waited.start();
    QString error;
    while (!connect(&error)) {
        if (waited.elapsed() > 15000 || m_cancelled)
            return false;
        QThread::msleep(250);
    }
    ConnectionError e;
    return m_journal->setStep(m_runId, step, Journal::StepState::Interrupted, reason, &e)
        && m_journal->setRunState(m_runId, QStringLiteral("interrupted"), &e);
}

bool Runner::lockRun(const TableRef &table, const QString &column)
{
    m_lock = std::make_unique<RunLock>(*m_connection);
    const RunLock::Acquisition a = m_lock->acquire(
        table, column, m_settings.runLockWaitSeconds, [this] { return m_cancelled.load(); },
        [this](const RunLock::Holder &holder) { Q_EMIT waitingForRunLock(holder.session, holder.statement, holder.seconds); });
    const QString who = a.holder.session ? QStringLiteral(" (session %1)").arg(a.holder.session) : QString();
    switch (a.outcome) {
    case RunLock::Outcome::Taken: return true;
    case RunLock::Outcome::Failed: Q_EMIT runFinished(RunOutcome::Failed, a.error.text()); break;
    case RunLock::Outcome::HeldByAnother:
        Q_EMIT runFinished(RunOutcome::Failed, QStringLiteral("Another Stagecraft is adding %1 to %2.%3 right now%4; this one changed nothing.")
                                                   .arg(column, table.schema, table.name, who));
        break;
    case RunLock::Outcome::Cancelled:
        Q_EMIT runFinished(RunOutcome::Cancelled, QStringLiteral("Cancelled while waiting for the run lock; nothing was changed."));
        break;
    case RunLock::Outcome::TimedOut:
        Q_EMIT runFinished(RunOutcome::Failed,
                           QStringLiteral("Session %1 still holds the run lock for %2 to %3.%4 after %5 s, running: %6. If it is a "
                                          "Stagecraft that was killed, the server lets go once that statement ends (or when the "
                                          "session is terminated); nothing was changed.")
                               .arg(QString::number(a.holder.session), column, table.schema, table.name,
                                    QString::number(m_settings.runLockWaitSeconds), a.holder.statement.left(200)));
        break;
    }
    return false;
}

void Runner::run(const Plan &plan)
{
    start(plan, true);
}

void Runner::start(const Plan &plan, bool planAgain)
{
    if (!begin())
        return;
    if (const QString refusal = replicaRefusal(); !refusal.isEmpty()) {
        Q_EMIT runFinished(RunOutcome::Failed, QStringLiteral("Not run, nothing was changed: %1.\nApplied steps: none.").arg(refusal));
        return;
    }
    if (!startSession(plan) || !lockRun(plan.table, plan.spec.name))
        return;
    ConnectionError e;
    // Asked before the plan is checked, without creating the journal: a run that stopped half-way
    // has added the column, and "resume it" says more than "the column exists".
    const QString active = m_journal->exists() ? m_journal->activeRunOn(plan.table, plan.spec.name, &e) : QString();
    if (!active.isEmpty()) {
        m_lock->release(); // held until the runner is gone, it would refuse the very resume it asks for
        Q_EMIT runFinished(RunOutcome::Failed, QStringLiteral("Run %1 is already adding %2 to %3.%4; resume it or wait for it.")
                                                   .arg(active, plan.spec.name, plan.table.schema, plan.table.name));
        return;
    }
    // A plan runs only where it was made: planned again here, under the run lock, before the
    // journal is created or anything else changes.
    if (const QString refusal = planAgain ? PlanOrigin::planRefusal(*m_connection, plan) : QString(); !refusal.isEmpty()) {
        m_lock->release();
        Q_EMIT runFinished(RunOutcome::Failed, QStringLiteral("Not run, nothing was changed: %1.\nApplied steps: none.").arg(refusal));
        return;
    }
    if (!m_journal->ensure(&e)) {
        m_lock->release();
        Q_EMIT runFinished(RunOutcome::Failed, e.text());
        return;
    }
    m_runId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    if (!m_journal->startRun(m_runId, plan, PlanOrigin::of(*m_connection), &e)) {
        m_lock->release();
        Q_EMIT runFinished(RunOutcome::Failed, e.text());
        return;
    }
    Q_EMIT runStarted(m_runId, int(plan.steps.size()));
    if (!m_poolerNote.isEmpty())
        Q_EMIT noted(0, m_poolerNote);
    beginTimings(plan, false, 0);
    execute(plan, 0, {}, 0);
}

bool Runner::beginJournaled(const QString &runId, Journal::RunRecord *run)
{
    if (!begin())
        return false;
    QList<Journal::RunRecord> runs;
    ConnectionError e;
    if (!m_journal->exists() || !m_journal->unfinished(&runs, &e)) {
        Q_EMIT runFinished(RunOutcome::Failed, QStringLiteral("There is no journal of Stagecraft runs in this database."));
        return false;
    }
    const auto found = std::find_if(runs.cbegin(), runs.cend(), [&](const Journal::RunRecord &r) { return r.runId == runId; });
    if (found == runs.cend()) {
        Q_EMIT runFinished(RunOutcome::Failed, QStringLiteral("No unfinished run %1 in the journal.").arg(runId));
        return false;
    }
    // Resumed or rolled back only where it was recorded: elsewhere its plan's SQL is not this
    // database's (and the journal entry may be a copy of another database's).
    if (const QString refusal = found->origin.journaledRefusal(PlanOrigin::of(*m_connection)); !refusal.isEmpty()) {
        Q_EMIT runFinished(RunOutcome::Failed, QStringLiteral("Run %1 is neither resumed nor rolled back here, nothing was changed: %2. "
                                                              "Connect to where it was made to resume or roll it back.")
                                                   .arg(runId, refusal));
        return false;
    }
    if (const QString refusal = replicaRefusal(); !refusal.isEmpty()) {
        Q_EMIT runFinished(RunOutcome::Failed, QStringLiteral("Run %1 is neither resumed nor rolled back here, nothing was changed: %2.")
                                                   .arg(runId, refusal));
        return false;
    }
    *run = *found;
    return true;
}

void Runner::resumeRun(const QString &runId)
{
    Journal::RunRecord found;
    if (!beginJournaled(runId, &found))
        return;
    ConnectionError e;
    if (!startSession(found.plan) || !lockRun(found.plan.table, found.plan.spec.name))
        return;
    m_runId = runId;
    int first = 0;
    while (first < found.steps.size()
           && (found.steps.at(first).state == Journal::StepState::Done || found.steps.at(first).state == Journal::StepState::Skipped)) {
        if (found.steps.at(first).state == Journal::StepState::Done)
            m_applied << first;
        ++first;
    }
    // Every step the journal says is done is asked again whether it is here: after a failover the
    // journal is the promoted replica's, and a journal apart from its schema must not be trusted.
    const ResumeCheck::Result recheck = ResumeCheck::check(found.plan, found.steps, first, [this](const PlanStep &s) { return inPlace(s); });
    if (const QString refusal = ResumeCheck::refusal(found.plan, recheck); !refusal.isEmpty()) {
        m_lock->release();
        Q_EMIT runFinished(RunOutcome::Failed, QStringLiteral("Run %1 was not resumed, nothing was changed: %2.").arg(runId, refusal));
        return;
    }
    if (!m_journal->setRunState(runId, QStringLiteral("running"), &e)) {
        m_lock->release();
        Q_EMIT runFinished(RunOutcome::Failed, e.text());
        return;
    }
    Q_EMIT runStarted(m_runId, int(found.plan.steps.size()));
    Q_EMIT resumedAfter(m_applied);
    // Recorded at another address: a failover's promoted server, or the same one by another route.
    if (const PlanOrigin here = PlanOrigin::of(*m_connection); !found.origin.server.isEmpty() && found.origin.server != here.server)
        Q_EMIT noted(first, QStringLiteral("the run was recorded at %1 and resumes at %2 (after a failover, the promoted server; "
                                           "or the same server by another address)")
                                .arg(found.origin.server, here.server));
    if (const QString note = ResumeCheck::note(recheck); !note.isEmpty())
        Q_EMIT noted(first, note);
    if (!m_poolerNote.isEmpty())
        Q_EMIT noted(first, m_poolerNote);
    m_timings = found.timings; // the snapshots the runs before it took
    beginTimings(found.plan, true, first);
    const Journal::StepRecord resumeFrom = first < found.steps.size() ? found.steps.at(first) : Journal::StepRecord{};
    execute(found.plan, first, resumeFrom.lastKey, resumeFrom.rowsDone, resumeFrom.state);
}

void Runner::rollbackRun(const QString &runId)
{
    Journal::RunRecord found;
    if (!beginJournaled(runId, &found))
        return;
    ConnectionError e;
    const Plan &plan = found.plan;
    const QList<int> touched = RollbackPlan::touchedSteps(found.steps);
    if (const QString refusal = RollbackPlan::refusal(plan, found.steps); !refusal.isEmpty()) {
        Q_EMIT runFinished(RunOutcome::Failed, QStringLiteral("Rollback refused, nothing was changed: %1.").arg(refusal));
        return;
    }
    if (!startSession(plan) || !lockRun(plan.table, plan.spec.name))
        return;
    m_runId = runId;
    Q_EMIT runStarted(m_runId, int(touched.size()));
    QStringList undone;
    for (auto it = touched.crbegin(); it != touched.crend(); ++it) {
        const int i = *it;
        const PlanStep &step = plan.steps.at(i);
        if (m_cancelled) {
            finish(plan, RunOutcome::Cancelled, QStringLiteral("Rollback cancelled before undoing step %1; undone so far: %2.")
                                                    .arg(i + 1).arg(undone.isEmpty() ? QStringLiteral("none") : undone.join(QLatin1String(", "))), -1);
            return;
        }
        Q_EMIT stepStarted(i, QStringLiteral("Undo: %1").arg(step.title));
        QElapsedTimer timer;
        timer.start();
        // PostgreSQL's rollback statements say IF EXISTS; elsewhere a step the kill caught before it
        // took effect has nothing to undo, which its "applied?" query tells.
        const bool absent = m_connection->engine() != Engine::PostgreSQL && inPlace(step) == false;
        if (step.rollbackSql.isEmpty() || absent) {
            static_cast<void>(m_journal->setStep(m_runId, i, Journal::StepState::RolledBack, QStringLiteral("nothing to undo"), &e));
            Q_EMIT stepSkipped(i, step.rollbackSql.isEmpty() ? QStringLiteral("nothing to undo (the column's removal takes it along)")
                                                              : QStringLiteral("not in place: nothing to undo"));
            continue;
        }
        PlanStep undo;
        undo.sql = step.rollbackSql;
        undo.transactional = step.transactional; // DROP INDEX CONCURRENTLY, like its CREATE, outside a transaction
        QString error;
        const StepResult result = runStatements(undo, i, &error);
        if (result != StepResult::Done) {
            const QString why = result == StepResult::Cancelled ? QStringLiteral("cancelled") : error;
            Q_EMIT stepFailed(i, why);
            m_applied.clear();
            for (int j : touched)
                if (j <= i)
                    m_applied << j;
            finish(plan, result == StepResult::Cancelled ? RunOutcome::Cancelled : RunOutcome::Failed,
                   QStringLiteral("Undoing step %1 (%2) failed: %3. Undone: %4.")
                       .arg(i + 1).arg(step.title, why, undone.isEmpty() ? QStringLiteral("none") : undone.join(QLatin1String(", "))),
                   i);
            return;
        }
        static_cast<void>(m_journal->setStep(m_runId, i, Journal::StepState::RolledBack, {}, &e));
        undone << QStringLiteral("%1 (%2)").arg(i + 1).arg(step.title);
        Q_EMIT stepFinished(i, timer.elapsed() / 1000.0);
    }
    // Read back: nothing the run added is left.
    QStringList left;
    for (int i : touched) {
        const PlanStep &step = plan.steps.at(i);
        if (!step.rollbackSql.isEmpty() && inPlace(step).value_or(false))
            left << QStringLiteral("%1 (%2)").arg(i + 1).arg(step.title);
    }
    if (!left.isEmpty()) {
        static_cast<void>(m_journal->setRunState(m_runId, QStringLiteral("failed"), &e));
        m_lock->release();
        Q_EMIT runFinished(RunOutcome::Failed, QStringLiteral("The rollback ran, but these steps are still in place: %1.").arg(left.join(QLatin1String(", "))));
        return;
    }
    static_cast<void>(m_journal->setRunState(m_runId, QStringLiteral("rolled_back"), &e));
    m_lock->release();
    Q_EMIT runFinished(RunOutcome::RolledBack,
                       QStringLiteral("Rolled back: %1. Checked on the table: nothing the run added is left; %2.%3 is as before the run.")
                           .arg(undone.isEmpty() ? QStringLiteral("nothing needed undoing") : undone.join(QLatin1String(", ")),
                                plan.table.schema, plan.table.name));
}

void Runner::execute(const Plan &plan, int firstStep, const QStringList &resumeKey, qint64 resumeRows,
                     std::optional<Journal::StepState> resumed)
{
    ConnectionError e;
    if (m_settings.maxSlowdownFactor > 0 && !resumed && m_connection->engine() != Engine::SQLite && slowdownGateStep(plan) < 0)
        Q_EMIT noted(firstStep, QStringLiteral("the slowdown gate has nothing to judge: the plan has no backfill step followed by another"));
    for (int i = firstStep; i < plan.steps.size(); ++i) {
        if (!waitWhilePaused()) {
            finish(plan, RunOutcome::Cancelled, QStringLiteral("Cancelled before step %1.").arg(i + 1), -1);
            return;
        }
        const PlanStep &step = plan.steps.at(i);
        QString error;
        QElapsedTimer timer;
        timer.start();
        const qint64 pausedBefore = m_pausedMs; // a pause within the step is not its time
        // The slowdown gate: passed by the resume that starts at it, like a deploy gate, and then
        // journaled as passed, so that a later resume (after a failed step) does not judge again.
        if (i == firstStep && resumed == Journal::StepState::Waiting && i == slowdownGateStep(plan) && m_settings.maxSlowdownFactor > 0
            && !m_timings.gatePassed()) {
            m_timings.setGatePassed(true);
            static_cast<void>(m_journal->recordTimings(m_runId, m_timings, &e));
        }
        if (const QString why = i == firstStep && resumed == Journal::StepState::Waiting ? QString() : slowdown(plan, i); !why.isEmpty()) {
            static_cast<void>(m_journal->setStep(m_runId, i, Journal::StepState::Waiting, why, &e));
            Q_EMIT gateReached(i, QStringLiteral("slowdown"), why);
            finish(plan, RunOutcome::WaitingAtGate,
                   QStringLiteral("Stopped before step %1 (%2), changing nothing more: %3.").arg(i + 1).arg(step.title, why), -1);
            return;
        }
        if (!step.gate.isEmpty()) {
            // A gate stops the run unless this resume starts at it (the user resumed: deployed) or
            // the run was told to pass gates.
            if (m_passGates || (i == firstStep && resumed == Journal::StepState::Waiting)) {
                Q_EMIT stepStarted(i, step.title);
                static_cast<void>(m_journal->setStep(m_runId, i, Journal::StepState::Done,
                                                     m_passGates ? QStringLiteral("passed without stopping") : QStringLiteral("resumed"), &e));
                m_applied << i;
                Q_EMIT stepFinished(i, 0);
                continue;
            }
            static_cast<void>(m_journal->setStep(m_runId, i, Journal::StepState::Waiting, {}, &e));
            Q_EMIT gateReached(i, step.gate, step.why);
            finish(plan, RunOutcome::WaitingAtGate,
                   QStringLiteral("Waiting at step %1: %2.\n%3").arg(i + 1).arg(step.title, step.why), -1);
            return;
        }
        Q_EMIT stepStarted(i, step.title);
        // An interrupted step may have left part of its work (a NOT VALID constraint whose VALIDATE
        // never ran): removed first, so that it runs again from its start.
        // (A step the slowdown gate stopped before never ran.)
        if (i == firstStep && resumed && resumed != Journal::StepState::Pending && resumed != Journal::StepState::Waiting
            && !step.onFailureSql.isEmpty()
            && !inPlace(step).value_or(false) && !removeAdded(step, i, &error)) {
            static_cast<void>(m_journal->setStep(m_runId, i, Journal::StepState::Failed, error, &e));
            Q_EMIT stepFailed(i, error);
            finish(plan, RunOutcome::Failed, QStringLiteral("Step %1 (%2) could not start again: %3").arg(i + 1).arg(step.title, error), i);
            return;
        }
        static_cast<void>(m_journal->setStep(m_runId, i, Journal::StepState::Running, {}, &e));
        const StepResult result = runStep(plan, i, i == firstStep ? resumeKey : QStringList(), i == firstStep ? resumeRows : 0, &error);
        // The time it ran, beside its estimate in History: every attempt and resume adds its part.
        const double ran = (timer.elapsed() - (m_pausedMs - pausedBefore)) / 1000.0;
        static_cast<void>(m_journal->addStepTime(m_runId, i, ran, &e)); // on a lost connection it fails, as the step did
        switch (result) {
        case StepResult::Done:
            m_applied << i;
            static_cast<void>(m_journal->setStep(m_runId, i, Journal::StepState::Done, {}, &e));
            Q_EMIT stepFinished(i, ran);
            break;
        case StepResult::Skipped:
            static_cast<void>(m_journal->setStep(m_runId, i, Journal::StepState::Skipped, error, &e));
            Q_EMIT stepSkipped(i, error);
            break;
        case StepResult::Cancelled:
            static_cast<void>(m_journal->setStep(m_runId, i, Journal::StepState::Pending, QStringLiteral("cancelled"), &e));
            finish(plan, RunOutcome::Cancelled, QStringLiteral("Cancelled during step %1 (%2); its work so far is kept and a resume "
                                                               "continues it.").arg(i + 1).arg(plan.steps.at(i).title), -1);
            return;
        case StepResult::Failed:
            if (QString lost; connectionLost(&lost)) {
                // Issue 12: the step "failed" with the driver's empty message, and the journal,
                // on the lost connection, kept it "running".
                const QString reason = QStringLiteral("the connection to the server was lost: %1")
                                           .arg(!error.trimmed().isEmpty() ? error.trimmed()
                                                : !lost.isEmpty()          ? lost
                                                                           : QStringLiteral("the server no longer answers"));
                const bool recorded = recordInterrupted(i, reason);
                Q_EMIT stepFailed(i, reason);
                finish(plan, RunOutcome::ConnectionLost,
                       QStringLiteral("Step %1 (%2) was interrupted: %3%4").arg(i + 1).arg(plan.steps.at(i).title, reason,
                           recorded ? QStringLiteral("\nThe journal records the step as interrupted.")
                                    : QStringLiteral("\nThe server could not be reached again to record it: the journal still "
                                                     "shows the step running.")),
                       i);
                return;
            }
            static_cast<void>(m_journal->setStep(m_runId, i, Journal::StepState::Failed, error, &e));
            Q_EMIT stepFailed(i, error);
            finish(plan, RunOutcome::Failed, QStringLiteral("Step %1 (%2) failed: %3").arg(i + 1).arg(plan.steps.at(i).title, error), i);
            return;
        }
        // Done or found in place: the end of the backfill, or of the index stage, is a snapshot.
        if (i == lastOf(plan, Stage::Backfill))
            takeTimings(StageTimings::Point::Backfill, i);
        if (i == lastOf(plan, Stage::Index))
            takeTimings(StageTimings::Point::Index, i);
    }
    if (lastOf(plan, Stage::Index) < 0) // no index stage: the enforce phase lasts to the end
        takeTimings(StageTimings::Point::Index, int(plan.steps.size()) - 1);
    finish(plan, RunOutcome::Done, QStringLiteral("All %1 steps done.").arg(plan.steps.size()), -1);
}

void Runner::finish(const Plan &plan, RunOutcome outcome, const QString &reason, int)
{
    ConnectionError e;
    const QString state = outcome == RunOutcome::Done             ? QStringLiteral("done")
                          : outcome == RunOutcome::WaitingAtGate  ? QStringLiteral("waiting")
                          : outcome == RunOutcome::Cancelled      ? QStringLiteral("cancelled")
                          : outcome == RunOutcome::ConnectionLost ? QStringLiteral("interrupted")
                                                                  : QStringLiteral("failed");
    if (m_journal && m_connection && m_connection->isOpen())
        static_cast<void>(m_journal->setRunState(m_runId, state, &e));
    QString summary = reason;
    if (!m_pacingSummary.isEmpty())
        summary += QStringLiteral("\nPacing: %1.").arg(m_pacingSummary.join(QStringLiteral("; ")));
    if (const QStringList timings = m_timings.lines(); !timings.isEmpty())
        summary += QLatin1Char('\n') + timings.join(QLatin1Char('\n'));
    m_stageTimer.reset();
    if (outcome == RunOutcome::Done && m_connection && m_connection->isOpen()) {
        // Read the table back: is the column there as designed?
        QList<VerificationCheck> checks;
        ConnectionError verifyError;
        if (Verification::verify(*m_connection, plan, &checks, &verifyError)) {
            const bool allOk = std::all_of(checks.cbegin(), checks.cend(), [](const VerificationCheck &c) { return c.ok; });
            summary += (allOk ? QStringLiteral("\nVerified on the table:\n") : QStringLiteral("\nVerification found problems:\n"))
                       + Verification::format(checks);
            // Every step ran, but the table does not keep a promise: never reported as done (issue 12).
            if (!allOk)
                outcome = RunOutcome::VerificationFailed;
        } else {
            summary += QStringLiteral("\nThe result could not be verified: %1").arg(verifyError.text());
        }
    }
    if (outcome != RunOutcome::Done && outcome != RunOutcome::VerificationFailed) {
        QStringList applied;
        for (int i : std::as_const(m_applied))
            applied << QStringLiteral("%1 (%2)").arg(i + 1).arg(plan.steps.at(i).title);
        summary += QStringLiteral("\nApplied steps: %1.").arg(applied.isEmpty() ? QStringLiteral("none") : applied.join(QLatin1String(", ")));
        const QStringList rollback = RollbackPlan::sql(plan, m_applied);
        const QString refusal = RollbackPlan::refusal(plan, m_applied);
        if (!rollback.isEmpty())
            summary += QStringLiteral("\nTo undo them: %1;").arg(rollback.join(QLatin1String("; ")));
        if (!refusal.isEmpty())
            summary += QStringLiteral("\nNo rollback: %1.").arg(refusal);
        const QString resume = outcome == RunOutcome::WaitingAtGate ? QStringLiteral("continues past the gate") : QStringLiteral("continues it");
        summary += refusal.isEmpty() && !m_applied.isEmpty()
            ? QStringLiteral("\nRun id %1: `stagecraft-cli resume` %2, `stagecraft-cli rollback` undoes it.").arg(m_runId, resume)
            : QStringLiteral("\nRun id %1: `stagecraft-cli resume` %2.").arg(m_runId, resume);
    }
    if (m_lock)
        m_lock->release();
    Q_EMIT runFinished(outcome, summary);
}

void Runner::beginTimings(const Plan &plan, bool resuming, int step)
{
    // SQLite times nothing, and there is nothing to turn on: no line about it.
    if (m_connection->engine() == Engine::SQLite)
        return;
    m_stageTimer = std::make_unique<StageTimer>(m_profile, plan.table, plan.spec.name);
    QString why;
    if (!m_stageTimer->begin(&why)) {
        m_stageTimer.reset();
        m_timings.setUnavailable(why);
        if (m_settings.maxSlowdownFactor > 0)
            Q_EMIT noted(step, QStringLiteral("the slowdown gate cannot judge the application's statements: %1").arg(why));
    } else {
        m_timings.setUnavailable({});
        if (!m_timings.has(StageTimings::Point::Start))
            takeTimings(StageTimings::Point::Start, step);
        else if (resuming && m_timings.has(StageTimings::Point::Backfill) && !m_timings.has(StageTimings::Point::Index))
            takeTimings(StageTimings::Point::Resumed, step); // the time stopped counts in no phase
    }
    ConnectionError e;
    static_cast<void>(m_journal->recordTimings(m_runId, m_timings, &e));
}

void Runner::takeTimings(StageTimings::Point point, int step)
{
    if (!m_stageTimer)
        return;
    QString error;
    const std::optional<QList<StatementStat>> statements = m_stageTimer->read(&error);
    if (!statements) {
        Q_EMIT noted(step, QStringLiteral("the application's statement statistics could not be read: %1").arg(error));
        return;
    }
    m_timings.setSnapshot(point, *statements);
    ConnectionError e;
    static_cast<void>(m_journal->recordTimings(m_runId, m_timings, &e));
}

int Runner::slowdownGateStep(const Plan &plan)
{
    const int backfill = lastOf(plan, Stage::Backfill);
    if (backfill < 0)
        return -1;
    int step = backfill + 1;
    while (step < plan.steps.size() && !plan.steps.at(step).gate.isEmpty())
        ++step;
    return step < plan.steps.size() ? step : -1;
}

QString Runner::slowdownVerdict(const StageTimings &timings, double factor)
{
    if (factor <= 0 || timings.gatePassed() || !timings.unavailable().isEmpty())
        return {};
    if (!timings.has(StageTimings::Point::Start) || !timings.has(StageTimings::Point::Backfill))
        return QStringLiteral("the slowdown gate could not measure the application's statements: the statistics %1 could not be read "
                              "(see the notes); resume to continue without the check")
            .arg(timings.has(StageTimings::Point::Start) ? QStringLiteral("after the backfill") : QStringLiteral("before the run"));
    const std::optional<StageTimings::Statement> slowed = timings.slowedOver(factor);
    if (!slowed)
        return {};
    return QStringLiteral("the application's statement %1 took %2 per call during the backfill against %3 before the run, %4x slower "
                          "(more than the %5x allowed)")
        .arg(StageTimings::shortened(slowed->text), StageTimings::meanText(slowed->backfill), StageTimings::meanText(slowed->before))
        .arg(slowed->backfill.ms / slowed->before.ms, 0, 'f', 1)
        .arg(factor);
}

QString Runner::slowdown(const Plan &plan, int index) const
{
    // SQLite times nothing: no gate there.
    if (m_settings.maxSlowdownFactor <= 0 || m_connection->engine() == Engine::SQLite || index != slowdownGateStep(plan))
        return {};
    return slowdownVerdict(m_timings, m_settings.maxSlowdownFactor);
}

Runner::StepResult Runner::runStep(const Plan &plan, int index, const QStringList &resumeKey, qint64 resumeRows, QString *error)
{
    const PlanStep &step = plan.steps.at(index);
    if (inPlace(step).value_or(false)) {
        *error = QStringLiteral("already in place");
        return StepResult::Skipped;
    }
    QSqlQuery q(m_connection->database());
    if (!step.guardSql.isEmpty()) {
        if (!q.exec(step.guardSql) || !q.next()) {
            *error = q.lastError().text();
            return StepResult::Failed;
        }
        if (q.value(0).toLongLong() > 0) {
            *error = QStringLiteral("%1 %2: fix the data first").arg(q.value(0).toLongLong()).arg(step.guardMessage);
            return StepResult::Failed;
        }
    }
    q.finish(); // an open read cursor would keep SQLite from dropping or altering the table
    if (!step.backfill.isNull())
        return runBackfill(plan, index, resumeKey, resumeRows, error);
    // Pre-flight: who would make this DDL queue; then proceed, wait for them, or stop, as chosen.
    auto reader = CatalogReader::create(*m_connection);
    QList<BlockingSession> sessions;
    ConnectionError e;
    QElapsedTimer waited;
    waited.start();
    for (;;) {
        e = {};
        if (!reader->blockingSessions(plan.table, &sessions, &e)) {
            // Not read this time (a view that changed under the read): under "wait" or "stop",
            // reading again rather than taking it for no blocker; the step's lock timeout still
            // guards it when the read keeps failing.
            if (m_settings.onBlockers == BlockerPolicy::Proceed || waited.elapsed() > m_settings.blockerWaitSeconds * 1000) {
                Q_EMIT noted(index, QStringLiteral("could not tell who holds locks on the table (%1): the step runs under its lock "
                                                   "timeout")
                                        .arg(e.text()));
                break;
            }
            for (int i = 0; i < 10 && !m_cancelled; ++i)
                QThread::msleep(20);
            if (m_cancelled)
                return StepResult::Cancelled;
            continue;
        }
        if (sessions.isEmpty())
            break;
        Q_EMIT blockersFound(index, sessions);
        if (m_settings.onBlockers == BlockerPolicy::Proceed)
            break;
        QStringList pids;
        for (const BlockingSession &s : std::as_const(sessions))
            pids << QString::number(s.pid);
        if (m_settings.onBlockers == BlockerPolicy::Stop) {
            *error = QStringLiteral("sessions %1 hold or wait for locks on the table, and the run was set to stop then")
                         .arg(pids.join(QLatin1String(", ")));
            return StepResult::Failed;
        }
        if (waited.elapsed() > m_settings.blockerWaitSeconds * 1000) {
            *error = QStringLiteral("sessions %1 still block the table after %2 s").arg(pids.join(QLatin1String(", "))).arg(m_settings.blockerWaitSeconds);
            return StepResult::Failed;
        }
        for (int i = 0; i < 50 && !m_cancelled; ++i)
            QThread::msleep(20);
        if (m_cancelled)
            return StepResult::Cancelled;
    }
    StepResult result = runStatements(step, index, error);
    // Verify the effect, not just the absence of an error: a validated constraint, a valid index.
    if (result == StepResult::Done && !step.appliedSql.isEmpty() && !inPlace(step).value_or(false)) {
        *error = QStringLiteral("the step ran, but its effect is not in place (checked with: %1)").arg(step.appliedSql);
        result = StepResult::Failed;
    }
    // Issue 13: a NOT VALID constraint left behind by a failed VALIDATE kept failing the
    // application's writes until someone rolled back. What the step added goes with it.
    if (result != StepResult::Done && !step.onFailureSql.isEmpty() && !(result == StepResult::Failed && connectionLost(nullptr))) {
        QString left;
        const bool removed = removeAdded(step, index, &left);
        if (result == StepResult::Failed)
            *error += removed ? QStringLiteral(" What the step added was removed again (%1).").arg(step.onFailureSql.join(QLatin1String("; ")))
                              : QStringLiteral(" Removing what the step added failed, so it is still in place: %1").arg(left);
    }
    return result;
}

Runner::StepResult Runner::runStatements(const PlanStep &step, int index, QString *error)
{
    QSqlDatabase db = m_connection->database();
    for (int attempt = 0;; ++attempt) {
        if (m_cancelled)
            return StepResult::Cancelled;
        QSqlQuery q(db);
        QSqlError failure;
        bool ok = !step.transactional || beginWrite(db, &failure);
        for (const QString &sql : step.sql) {
            if (!ok)
                break;
            ok = q.exec(sql);
            if (!ok) {
                failure = q.lastError();
            } else if (sql == step.failIfRowsSql && q.next()) {
                failure = QSqlError(unexpectedRows(q, step), QString(), QSqlError::StatementError);
                ok = false;
            }
        }
        if (ok && step.transactional) {
            ok = db.commit();
            if (!ok)
                failure = db.lastError();
        }
        if (ok)
            return StepResult::Done;
        q.finish(); // close a read still open (the rows of a failed check) before rolling back
        if (step.transactional)
            db.rollback();
        else if (m_connection->engine() == Engine::SQLite)
            static_cast<void>(QSqlQuery(db).exec(QStringLiteral("ROLLBACK"))); // the rebuild's own transaction
        if (m_cancelled)
            return StepResult::Cancelled;
        if (!isLockTimeout(failure.nativeErrorCode(), failure.text()) || attempt >= m_settings.maxRetries) {
            *error = failure.text();
            return StepResult::Failed;
        }
        backOff(index, attempt, failure.text());
        // Its statements run again from the first: what they added before the timeout goes first.
        if (!step.onFailureSql.isEmpty() && !m_cancelled && !removeAdded(step, index, error))
            return StepResult::Failed;
    }
}

bool Runner::beginWrite(QSqlDatabase db, QSqlError *error)
{
    if (m_connection->engine() != Engine::SQLite) {
        if (db.transaction())
            return true;
        *error = db.lastError();
        return false;
    }
    // IMMEDIATE: the write lock is taken at BEGIN, waiting out the busy timeout. A deferred
    // transaction that reads first (a batch's bound) and writes then would be refused at once
    // while the application's writer holds the lock (SQLite does not wait where waiting could
    // deadlock). Qt's commit() and rollback() only send COMMIT and ROLLBACK.
    QSqlQuery begin(db);
    if (begin.exec(QStringLiteral("BEGIN IMMEDIATE")))
        return true;
    *error = begin.lastError();
    return false;
}

bool Runner::removeAdded(const PlanStep &step, int index, QString *error)
{
    QSqlQuery q(m_connection->database());
    for (const QString &sql : step.onFailureSql) {
        for (int attempt = 0;; ++attempt) {
            if (q.exec(sql))
                break;
            const QSqlError failure = q.lastError();
            // A lock timeout, or the server-side cancel of the statement before arriving late: again.
            const bool again = isLockTimeout(failure.nativeErrorCode(), failure.text()) || failure.nativeErrorCode() == QLatin1String("57014")
                || failure.nativeErrorCode() == QLatin1String("1317");
            if (!again || attempt >= m_settings.maxRetries) {
                *error = QStringLiteral("%1: %2").arg(sql, failure.text());
                return false;
            }
            const bool cancelled = m_cancelled.exchange(false); // the backoff must not be cut short here
            backOff(index, attempt, failure.text());
            m_cancelled = cancelled;
        }
    }
    return true;
}

void Runner::backOff(int step, int attempt, const QString &reason)
{
    // Exponential, with jitter, so retries from several runners do not line up; at most 30 s.
    const double wait = std::min(30.0, m_settings.retryBaseMs / 1000.0 * std::pow(2.0, attempt))
        * (0.5 + QRandomGenerator::global()->generateDouble());
    Q_EMIT retrying(step, attempt + 1, reason.section(QLatin1Char('\n'), 0, 0), wait);
    QElapsedTimer slept;
    slept.start();
    while (slept.elapsed() < wait * 1000 && !m_cancelled)
        QThread::msleep(20);
}

Runner::StepResult Runner::runBackfill(const Plan &plan, int index, QStringList lastKey, qint64 rowsDone, QString *error)
{
    const PlanStep &step = plan.steps.at(index);
    QSqlDatabase db = m_connection->database();
    Pacer pacer(m_settings);
    int batch = pacer.firstBatch();
    BackfillSender sender(db, step.backfill);
    // Beside the run, on connections of its own: who waits for the batches' row locks, the
    // replicas' lag, the application's statement times (LoadMonitor).
    std::unique_ptr<LoadMonitor> monitor;
    bool watchesWaits = false;
    if (m_settings.maxWriterWaitMs > 0 || m_settings.maxReplicaLagMs > 0 || m_settings.maxLatencyFactor > 0) {
        monitor = std::make_unique<LoadMonitor>(m_profile, m_settings, m_backendId, plan.table, step.backfill.column);
        QString why;
        watchesWaits = monitor->begin(&why);
        if (!watchesWaits && m_settings.maxWriterWaitMs > 0)
            Q_EMIT noted(index, QStringLiteral("writers' waits are not watched (%1): the batches follow their time alone").arg(why));
        for (const QString &line : monitor->notes())
            Q_EMIT noted(index, line);
        if (!monitor->isRunning())
            monitor.reset();
    }
    QElapsedTimer total;
    total.start();
    const qint64 pausedBefore = m_pausedMs; // the rate counts the time it worked, not the time paused
    const qint64 rowsAtStart = rowsDone;
    int batches = 0;
    int retries = 0; // of the batch at hand
    int shrinks = 0; // batches the pacing shrank for writers' waits or the application's latency
    double longestWait = 0; // the longest writer wait seen
    qint64 throttledMs = 0; // waited for replicas (and for Galera's flow control)
    qint64 flowControlMs = 0; // waited for Galera's flow control
    double worstLag = -1;
    QString worstLagName;
    // waitingMs: the wait for replicas going on now, left out of the rate like those before it.
    const auto progress = [&](int nextBatch, qint64 waitingMs = 0) {
        BackfillProgress p;
        p.step = index;
        p.rowsDone = rowsDone;
        p.rowsTotal = plan.estimatedRows;
        const double seconds = std::max(0.001, (total.elapsed() - throttledMs - waitingMs - (m_pausedMs - pausedBefore)) / 1000.0);
        p.rowsPerSecond = (rowsDone - rowsAtStart) / seconds;
        p.etaSeconds = p.rowsTotal > rowsDone && p.rowsPerSecond > 0 ? (p.rowsTotal - rowsDone) / p.rowsPerSecond : 0;
        p.batchSize = nextBatch;
        p.batches = batches;
        p.seconds = seconds;
        p.throttledSeconds = throttledMs / 1000.0;
        if (monitor) {
            const ReplicaLag lag = monitor->worstReplica();
            p.replicaLagSeconds = lag.name.isEmpty() ? -1 : lag.seconds;
            p.laggingReplica = lag.name;
            const LoadMonitor::Latency latency = monitor->latency();
            p.appLatencyMs = latency.meanMs;
            p.appLatencyBaselineMs = latency.baselineMs;
        }
        return p;
    };
    // The step's chart (rows/s, batch size, waits, lag), journaled when the step ends, however it ends.
    BackfillSeries series;
    const auto journalSeries = qScopeGuard([&] {
        if (series.isEmpty() || !m_journal || !m_connection || !m_connection->isOpen())
            return;
        ConnectionError seriesError;
        static_cast<void>(m_journal->recordSeries(m_runId, index, series, &seriesError));
    });
    // What the pacing did, for the run's summary.
    const auto summarize = qScopeGuard([&] {
        QStringList lines;
        if (watchesWaits)
            lines << (longestWait > 0 ? QStringLiteral("writers waited for the backfill's batches up to %1 ms (target %2 ms); the batches shrank %3 times")
                                            .arg(longestWait, 0, 'f', 0).arg(m_settings.maxWriterWaitMs).arg(shrinks)
                                      : QStringLiteral("no writer waited for the backfill's batches"));
        if (flowControlMs > 0)
            lines << QStringLiteral("waited %1 s between batches while flow control paused the Galera cluster").arg(flowControlMs / 1000.0, 0, 'f', 1);
        if (throttledMs > flowControlMs)
            lines << QStringLiteral("waited %1 s between batches for replicas over %2 s behind or not replaying (%3 up to %4 s)")
                         .arg((throttledMs - flowControlMs) / 1000.0, 0, 'f', 1).arg(m_settings.maxReplicaLagMs / 1000.0).arg(worstLagName).arg(worstLag, 0, 'f', 1);
        else if (worstLag >= 0)
            lines << QStringLiteral("replicas stayed within %1 s (%2 up to %3 s)").arg(m_settings.maxReplicaLagMs / 1000.0).arg(worstLagName).arg(worstLag, 0, 'f', 1);
        for (const QString &line : std::as_const(lines))
            m_pacingSummary << QStringLiteral("step %1: %2").arg(index + 1).arg(line);
    });
    // Waits while `reason` gives one: says it once in the log, shows it on the progress line and in
    // the chart; the time waited (ms), or -1 when the run was cancelled meanwhile.
    const auto waitWhile = [&](const auto &reason, int pollMs) -> qint64 {
        QElapsedTimer waiting;
        for (QString why = reason(); !why.isEmpty(); why = reason()) {
            if (m_cancelled)
                return -1;
            if (!waiting.isValid()) {
                waiting.start();
                Q_EMIT noted(index, QStringLiteral("waiting between batches: %1").arg(why));
            }
            BackfillProgress p = progress(batch, waiting.elapsed());
            p.throttle = why;
            p.throttledSeconds = (throttledMs + waiting.elapsed()) / 1000.0;
            series.add(p);
            Q_EMIT backfillProgressed(p);
            QThread::msleep(pollMs);
        }
        return waiting.isValid() ? waiting.elapsed() : 0;
    };
    // Waits while a replica is over the lag allowed (or not replaying and out of reach), then while
    // flow control pauses a Galera cluster (no more write-sets for the slow node until it has caught
    // up: every node's writes wait meanwhile); false when the run was cancelled meanwhile.
    const auto waitForReplicas = [&]() {
        if (!monitor || m_settings.maxReplicaLagMs <= 0)
            return true;
        const qint64 lagging = waitWhile(
            [&] {
                const std::optional<ReplicaLag> over = monitor->replicaOverLimit();
                if (!over)
                    return QString();
                if (over->seconds > worstLag) {
                    worstLag = over->seconds;
                    worstLagName = over->name;
                }
                return over->seconds * 1000 > m_settings.maxReplicaLagMs
                    ? QStringLiteral("replica %1 is %2 s behind, over %3 s (%4)").arg(over->name).arg(over->seconds, 0, 'f', 1)
                          .arg(m_settings.maxReplicaLagMs / 1000.0).arg(over->state)
                    : over->seconds >= 0 ? QStringLiteral("replica %1 is behind and not replaying: %2 (at least %3 s behind)")
                                               .arg(over->name, over->state).arg(over->seconds, 0, 'f', 1)
                                         : QStringLiteral("replica %1: %2").arg(over->name, over->state);
            },
            250);
        if (lagging < 0)
            return false;
        if (lagging > 0) {
            throttledMs += lagging;
            Q_EMIT noted(index, QStringLiteral("the replicas caught up after %1 s: going on").arg(lagging / 1000.0, 0, 'f', 1));
        }
        const qint64 paused = waitWhile([&] { return monitor->flowControl(); }, 100);
        if (paused < 0)
            return false;
        if (paused > 0) {
            throttledMs += paused;
            flowControlMs += paused;
            Q_EMIT noted(index, QStringLiteral("flow control let go of the cluster after %1 s: going on").arg(paused / 1000.0, 0, 'f', 1));
        }
        return true;
    };
    for (;;) {
        if (!waitWhilePaused())
            return StepResult::Cancelled;
        if (!waitForReplicas())
            return StepResult::Cancelled;
        if (m_paused)
            continue; // asked while it waited for a replica: the pause first
        if (monitor)
            static_cast<void>(monitor->takeWaits()); // what it saw between batches is not this batch's doing
        QElapsedTimer timer;
        timer.start();
        // A transaction that could not begin (SQLite: another writer held the lock past the busy
        // timeout) is a batch that failed: retried smaller after a lock timeout, like one that met a row lock.
        BackfillBatch done;
        if (beginWrite(db, &done.failure))
            done = sender.fill(lastKey, batch);
        const bool last = done.last;
        const int affected = done.affected;
        const QStringList &upper = done.upper;
        const QSqlError &failure = done.failure;
        bool ok = done.ok();
        ConnectionError je;
        // The batch's progress commits with the batch: after a crash, it is either done and recorded or neither.
        if (ok)
            ok = m_journal->recordBatch(m_runId, index, rowsDone + std::max(0, affected), last ? lastKey : upper, &je);
        if (ok)
            ok = db.commit();
        const LoadMonitor::Waits waits = monitor ? monitor->takeWaits() : LoadMonitor::Waits{};
        if (!ok) {
            db.rollback();
            if (m_cancelled)
                return StepResult::Cancelled;
            // A batch that met a row lock (or a deadlock) is retried, smaller, after a backoff; one
            // that keeps meeting it gives up, its work so far kept for a resume.
            if (isLockTimeout(failure.nativeErrorCode(), failure.text())) {
                if (retries >= m_settings.maxRetries) {
                    *error = QStringLiteral("a batch still waited for a row lock after %1 retries: %2")
                                 .arg(retries).arg(failure.text().section(QLatin1Char('\n'), 0, 0));
                    return StepResult::Failed;
                }
                backOff(index, retries++, failure.text());
                if (m_cancelled)
                    return StepResult::Cancelled;
                batch = m_settings.boundedBatchRows(batch / 2);
                continue;
            }
            *error = failure.text().isEmpty() ? (je.text().isEmpty() ? db.lastError().text() : je.text()) : failure.text();
            return StepResult::Failed;
        }
        retries = 0;
        ++batches;
        rowsDone += std::max(0, affected);
        if (!last)
            lastKey = upper;
        // The next batch's size: from this one's time, the waits it caused and the application's
        // statement times (Pacer).
        const double elapsedMs = timer.nsecsElapsed() / 1e6;
        const double latencyFactor = monitor ? monitor->latency().factor() : 0;
        batch = pacer.next({batch, elapsedMs, waits.longestMs, latencyFactor});
        if (pacer.shrank())
            ++shrinks;
        longestWait = std::max(longestWait, waits.longestMs);
        BackfillProgress p = progress(batch);
        p.batchSeconds = elapsedMs / 1000.0;
        p.writersWaiting = watchesWaits ? waits.most : -1;
        p.longestWaitMs = watchesWaits ? waits.longestMs : -1;
        if (p.replicaLagSeconds > worstLag) {
            worstLag = p.replicaLagSeconds;
            worstLagName = p.laggingReplica;
        }
        series.add(p);
        Q_EMIT backfillProgressed(p);
        if (monitor)
            for (const QString &line : monitor->notes())
                Q_EMIT noted(index, line);
        if (last)
            return StepResult::Done;
        if (m_cancelled)
            return StepResult::Cancelled;
        if (m_settings.pauseBetweenBatchesMs > 0)
            QThread::msleep(m_settings.pauseBetweenBatchesMs);
    }
}

} // namespace Stagecraft
