#include "progressprinter.h"

#include "common.h"

#include <QJsonDocument>

#include <algorithm>

namespace Stagecraft::Cli {

ProgressPrinter::ProgressPrinter(bool json, bool bar)
    : m_json(json)
    , m_bar(bar)
{
}

void ProgressPrinter::attach(Runner &runner)
{
    attachSteps(runner);
    attachWaits(runner);
    QObject::connect(&runner, &Runner::backfillProgressed, [this](const BackfillProgress &p) { backfillProgressed(p); });
    attachFinish(runner);
}

void ProgressPrinter::event(const QJsonObject &o, const QString &text) const
{
    if (m_json)
        out() << QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)) << "\n" << Qt::flush;
    else
        out() << text << "\n" << Qt::flush;
}

// Steps are numbered from 1 for people (and in JSON), from 0 in the runner.
void ProgressPrinter::attachSteps(Runner &runner)
{
    QObject::connect(&runner, &Runner::runStarted, [this](const QString &id, int steps) {
        event({{QStringLiteral("event"), QStringLiteral("run_started")}, {QStringLiteral("run_id"), id}, {QStringLiteral("steps"), steps}},
              QStringLiteral("run %1: %2 steps").arg(id).arg(steps));
    });
    QObject::connect(&runner, &Runner::stepStarted, [this](int step, const QString &title) {
        event({{QStringLiteral("event"), QStringLiteral("step_started")}, {QStringLiteral("step"), step + 1}, {QStringLiteral("title"), title}},
              QStringLiteral("step %1: %2").arg(step + 1).arg(title));
    });
    QObject::connect(&runner, &Runner::stepSkipped, [this](int step, const QString &why) {
        event({{QStringLiteral("event"), QStringLiteral("step_skipped")}, {QStringLiteral("step"), step + 1}, {QStringLiteral("reason"), why}},
              QStringLiteral("step %1 skipped: %2").arg(step + 1).arg(why));
    });
    QObject::connect(&runner, &Runner::stepFinished, [this](int step, double seconds) {
        if (m_bar) // end the progress bar's line
            out() << "\n";
        event({{QStringLiteral("event"), QStringLiteral("step_finished")}, {QStringLiteral("step"), step + 1}, {QStringLiteral("seconds"), seconds}},
              QStringLiteral("step %1 done in %2 s").arg(step + 1).arg(seconds, 0, 'f', 2));
    });
    QObject::connect(&runner, &Runner::stepFailed, [this](int step, const QString &error) {
        event({{QStringLiteral("event"), QStringLiteral("step_failed")}, {QStringLiteral("step"), step + 1}, {QStringLiteral("error"), error}},
              QStringLiteral("step %1 failed: %2").arg(step + 1).arg(error));
    });
    QObject::connect(&runner, &Runner::retrying, [this](int step, int attempt, const QString &reason, double wait) {
        event({{QStringLiteral("event"), QStringLiteral("retry")}, {QStringLiteral("step"), step + 1}, {QStringLiteral("attempt"), attempt},
               {QStringLiteral("reason"), reason}, {QStringLiteral("wait_seconds"), wait}},
              QStringLiteral("step %1: %2; retry %3 in %4 s").arg(step + 1).arg(reason).arg(attempt).arg(wait, 0, 'f', 1));
    });
}

// What keeps a step waiting: another Stagecraft's run lock, or sessions on the table.
void ProgressPrinter::attachWaits(Runner &runner)
{
    QObject::connect(&runner, &Runner::waitingForRunLock, [this](qint64 session, const QString &statement, double seconds) {
        event({{QStringLiteral("event"), QStringLiteral("waiting_for_run_lock")}, {QStringLiteral("session"), double(session)},
               {QStringLiteral("statement"), statement}, {QStringLiteral("seconds"), seconds}},
              QStringLiteral("waiting for session %1, which holds the run lock and has been running this for %2 s "
                             "(a Stagecraft killed mid-statement keeps it until the server finishes): %3")
                  .arg(session).arg(seconds, 0, 'f', 1).arg(statement.left(120)));
    });
    QObject::connect(&runner, &Runner::noted, [this](int step, const QString &message) {
        event({{QStringLiteral("event"), QStringLiteral("note")}, {QStringLiteral("step"), step + 1}, {QStringLiteral("message"), message}},
              QStringLiteral("step %1: %2").arg(step + 1).arg(message));
    });
    QObject::connect(&runner, &Runner::blockersFound, [this](int step, const QList<BlockingSession> &sessions) {
        for (const BlockingSession &s : sessions)
            event({{QStringLiteral("event"), QStringLiteral("blocker")}, {QStringLiteral("step"), step + 1}, {QStringLiteral("pid"), s.pid},
                   {QStringLiteral("state"), s.state}, {QStringLiteral("transaction_seconds"), s.transactionSeconds},
                   {QStringLiteral("locks"), s.locks.join(QLatin1Char(','))}, {QStringLiteral("query"), s.query}},
                  QStringLiteral("step %1 may wait for %2").arg(step + 1).arg(Runner::describe(s)));
    });
}

void ProgressPrinter::backfillProgressed(const BackfillProgress &p) const
{
    const QString eta = p.etaSeconds >= 0 ? QStringLiteral("%1 s").arg(p.etaSeconds, 0, 'f', 0) : QStringLiteral("?");
    if (m_bar) {
        const int width = 30;
        const int filled = p.rowsTotal > 0 ? int(width * std::min<double>(1.0, double(p.rowsDone) / p.rowsTotal)) : 0;
        out() << "\r  [" << QString(filled, QLatin1Char('#')) << QString(width - filled, QLatin1Char('.')) << "] " << p.rowsDone
              << "/" << p.rowsTotal << " rows, " << qint64(p.rowsPerSecond) << " rows/s, ETA " << eta << ", batches of " << p.batchSize << " rows"
              << pacingText(p) << "   " << Qt::flush;
        return;
    }
    event({{QStringLiteral("event"), QStringLiteral("progress")}, {QStringLiteral("step"), p.step + 1},
           {QStringLiteral("rows_done"), double(p.rowsDone)}, {QStringLiteral("rows_total"), double(p.rowsTotal)},
           {QStringLiteral("rows_per_second"), p.rowsPerSecond}, {QStringLiteral("eta_seconds"), p.etaSeconds},
           {QStringLiteral("batch_size"), p.batchSize}, {QStringLiteral("batches"), p.batches},
           {QStringLiteral("seconds"), p.seconds}, {QStringLiteral("batch_seconds"), p.batchSeconds},
           {QStringLiteral("writers_waiting"), p.writersWaiting}, {QStringLiteral("longest_wait_ms"), p.longestWaitMs},
           {QStringLiteral("replica_lag_seconds"), p.replicaLagSeconds}, {QStringLiteral("lagging_replica"), p.laggingReplica},
           {QStringLiteral("app_latency_ms"), p.appLatencyMs}, {QStringLiteral("app_latency_baseline_ms"), p.appLatencyBaselineMs},
           {QStringLiteral("throttled_seconds"), p.throttledSeconds}, {QStringLiteral("throttle"), p.throttle}},
          QStringLiteral("step %1: %2/%3 rows, %4 rows/s, ETA %5").arg(p.step + 1).arg(p.rowsDone).arg(p.rowsTotal)
              .arg(qint64(p.rowsPerSecond)).arg(eta) + pacingText(p));
}

// What the pacing saw, after the rate: why the run waits, and the waits the last batch caused.
QString ProgressPrinter::pacingText(const BackfillProgress &p)
{
    QString text;
    if (!p.throttle.isEmpty())
        text += QStringLiteral("; waiting: %1").arg(p.throttle);
    if (p.writersWaiting > 0)
        text += QStringLiteral("; %1 writers waited up to %2 ms").arg(p.writersWaiting).arg(qRound(p.longestWaitMs));
    return text;
}

void ProgressPrinter::attachFinish(Runner &runner)
{
    QObject::connect(&runner, &Runner::gateReached, [this](int step, const QString &gate, const QString &why) {
        event({{QStringLiteral("event"), QStringLiteral("gate")}, {QStringLiteral("step"), step + 1}, {QStringLiteral("gate"), gate},
               {QStringLiteral("why"), why}},
              gate == QLatin1String("slowdown") ? QStringLiteral("step %1: stopped at the slowdown gate: %2").arg(step + 1).arg(why)
                                                : QStringLiteral("step %1: waiting at deploy gate %2").arg(step + 1).arg(gate));
    });
    QObject::connect(&runner, &Runner::runFinished, [this](RunOutcome o, const QString &summary) {
        m_outcome = o;
        const QString name = o == RunOutcome::Done                 ? QStringLiteral("done")
                             : o == RunOutcome::Cancelled          ? QStringLiteral("cancelled")
                             : o == RunOutcome::RolledBack         ? QStringLiteral("rolled_back")
                             : o == RunOutcome::VerificationFailed ? QStringLiteral("verification_failed")
                             : o == RunOutcome::ConnectionLost     ? QStringLiteral("connection_lost")
                             : o == RunOutcome::WaitingAtGate      ? QStringLiteral("waiting_at_gate")
                                                                   : QStringLiteral("failed");
        event({{QStringLiteral("event"), QStringLiteral("run_finished")}, {QStringLiteral("outcome"), name}, {QStringLiteral("summary"), summary}},
              QStringLiteral("run %1: %2").arg(name, summary));
    });
}

} // namespace Stagecraft::Cli
