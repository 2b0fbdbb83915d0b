#include "runpanel.h"

#include "gatecard.h"
#include "runchart.h"
#include "plan/planformat.h"
#include "run/rollbackplan.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTime>
#include <QVBoxLayout>

namespace Stagecraft {

RunPanel::RunPanel(QWidget *parent)
    : QWidget(parent)
{
    m_title = new QLabel(tr("No run yet: plan a column, then choose Run."), this);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_overall = new QProgressBar(this);
    m_overall->setObjectName(QStringLiteral("overallProgress"));
    m_overall->setFormat(tr("step %v of %m"));
    m_stepLabel = new QLabel(this);
    m_step = new QProgressBar(this);
    m_step->setObjectName(QStringLiteral("stepProgress"));
    m_rate = new QLabel(this);
    m_rate->setObjectName(QStringLiteral("rate"));
    m_chart = new RunChart(this);
    m_chart->hide(); // until a backfill reports its first batch
    m_log = new QPlainTextEdit(this);
    m_log->setObjectName(QStringLiteral("runLog"));
    m_log->setReadOnly(true);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_pause = new QPushButton(tr("&Pause"), this);
    m_pause->setObjectName(QStringLiteral("pauseButton"));
    m_cancel = new QPushButton(tr("&Cancel"), this);
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_rollback = new QPushButton(tr("Roll &Back…"), this);
    m_rollback->setObjectName(QStringLiteral("rollbackButton"));
    m_rollback->setToolTip(tr("Undo what this run applied, last step first, under the same lock timeout and retries."));
    m_rollback->hide();
    m_resume = new QPushButton(tr("Resume &Run…"), this);
    m_resume->setObjectName(QStringLiteral("resumeRunButton"));
    m_resume->setToolTip(tr("Continue this run from where it stopped, from the journal, on the same connection: "
                            "the steps it applied are not run again."));
    m_resume->hide();
    m_pause->setEnabled(false);
    m_cancel->setEnabled(false);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("runSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_gateCard = new GateCard(this);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_pause);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_resume);
    buttons->addWidget(m_rollback);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_overall);
    layout->addWidget(m_stepLabel);
    layout->addWidget(m_step);
    layout->addWidget(m_rate);
    layout->addWidget(m_chart);
    layout->addLayout(buttons);
    layout->addWidget(m_summary);
    layout->addWidget(m_gateCard);
    layout->addWidget(m_log, 1);

    connect(m_pause, &QPushButton::clicked, this, [this] {
        if (!m_runner)
            return;
        if (m_runner->isPaused()) {
            m_runner->resume();
            m_pause->setText(tr("&Pause"));
            log(tr("resumed"));
        } else {
            m_runner->pause();
            m_pause->setText(tr("&Resume"));
            m_rate->setText(tr("Pausing after the current batch or step…"));
            log(tr("pausing after the current batch or step"));
        }
    });
    connect(m_rollback, &QPushButton::clicked, this, [this] {
        if (!m_runner && !m_runId.isEmpty())
            Q_EMIT rollbackRequested(m_runId, m_plan);
    });
    connect(m_resume, &QPushButton::clicked, this, [this] {
        if (m_runner || m_runId.isEmpty())
            return;
        const QString runId = m_runId; // copies: the resume starts by clearing this panel's run
        const Plan plan = m_plan;
        Q_EMIT resumeRequested(runId, plan);
    });
    connect(m_gateCard, &GateCard::continueRequested, this, [this] {
        if (m_runner || m_runId.isEmpty())
            return;
        log(tr("continuing past the gate at step %1").arg(m_gateCard->step() + 1));
        // Copies: the resume that follows starts by clearing this panel's run.
        const QString runId = m_runId;
        const Plan plan = m_plan;
        Q_EMIT continueRequested(runId, plan);
    });
    connect(m_gateCard, &GateCard::rollbackRequested, this, [this] {
        if (m_runner || m_runId.isEmpty())
            return;
        const QString runId = m_runId;
        const Plan plan = m_plan;
        Q_EMIT rollbackRequested(runId, plan);
    });
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_runner) {
            m_runner->cancel();
            m_cancel->setEnabled(false);
            log(tr("cancelling: the current batch or statement is stopped"));
        }
    });
}

QString RunPanel::summary() const
{
    return m_summary->text();
}

void RunPanel::log(const QString &line)
{
    m_log->appendPlainText(QTime::currentTime().toString(QStringLiteral("HH:mm:ss  ")) + line);
}

void RunPanel::setConnection(const ConnectionProfile &profile)
{
    if (!(profile == m_profile)) {
        // The stopped run shown here was the connection before's: not offered on this one.
        m_resume->hide();
        m_rollback->hide();
    }
    m_profile = profile;
    m_gateCard->close(); // its run and probe belong to the connection before
}

void RunPanel::follow(Runner *runner, const Plan &plan, bool rollback)
{
    m_gateCard->close();
    m_gateStep = -1;
    m_slowdown.clear();
    m_runner = runner;
    // The chart of the backfill stays for a resume (or a rollback) of the same plan: a run stopped
    // at a deploy gate goes on past the backfill it drew.
    const bool samePlan = !m_plan.steps.isEmpty() && PlanFormat::fingerprint(m_plan) == PlanFormat::fingerprint(plan);
    m_plan = plan;
    m_runId.clear();
    m_finished.clear();
    m_done.clear();
    m_running = -1;
    m_total = int(plan.steps.size());
    m_rollingBack = rollback;
    m_paused = false;
    m_pausedMs = 0;
    m_progress.reset();
    if (!samePlan) {
        m_chart->clear();
        m_chart->hide();
    }
    m_chart->setMaxReplicaLagMs(plan.settings.maxReplicaLagMs);
    m_rollback->hide();
    m_resume->hide();
    m_stepsDone = 0;
    m_clock.start();
    m_log->clear();
    m_summary->clear();
    m_title->setText(rollback ? tr("Rolling back %1 from %2.%3").arg(plan.spec.name, plan.table.schema, plan.table.name)
                              : tr("Adding %1 to %2.%3").arg(plan.spec.name, plan.table.schema, plan.table.name));
    m_overall->setProperty("state", QStringLiteral("running"));
    m_overall->setRange(0, m_total);
    m_overall->setValue(0);
    m_overall->setFormat(tr("starting…"));
    m_stepLabel->clear();
    m_step->setProperty("state", QStringLiteral("running"));
    m_step->setRange(0, 0);
    m_step->setFormat(QStringLiteral("%p%"));
    m_rate->clear();
    m_pause->setEnabled(true);
    m_pause->setText(tr("&Pause"));
    m_cancel->setEnabled(true);
    connectRunner(runner);
}

void RunPanel::showOverall(const QString &state)
{
    m_stepsDone = int(m_done.size());
    m_overall->setRange(0, std::max(1, m_total));
    m_overall->setValue(std::min(m_stepsDone, m_total));
    if (!state.isEmpty()) {
        m_overall->setFormat(state);
        return;
    }
    if (m_running < 0) {
        m_overall->setFormat(tr("%1 of %2 steps done").arg(m_stepsDone).arg(m_total));
        return;
    }
    // The step running now, by its number in the plan (a rollback's by its place among those it undoes).
    m_overall->setFormat(m_rollingBack ? tr("undoing step %1 (%2 of %3)").arg(m_running + 1).arg(m_stepsDone + 1).arg(m_total)
                                       : tr("step %1 of %2").arg(m_running + 1).arg(m_total));
}

QString RunPanel::rateText(const BackfillProgress &p) const
{
    const qint64 total = std::max(p.rowsTotal, p.rowsDone);
    const QLocale locale;
    return tr("%1 of about %2 rows — %3 rows/s — ETA %4 s — batch %5, in batches of %6 rows")
        .arg(locale.toString(p.rowsDone), locale.toString(total), locale.toString(qint64(p.rowsPerSecond)),
             locale.toString(qint64(std::max(0.0, p.etaSeconds))), locale.toString(p.batches), locale.toString(p.batchSize))
        + pacingText(p);
}

// What the pacing saw, after the rate: why the run waits between batches, and the writers the
// last batch made wait.
QString RunPanel::pacingText(const BackfillProgress &p)
{
    QString text;
    if (!p.throttle.isEmpty())
        text += tr(" — waiting: %1").arg(p.throttle);
    if (p.writersWaiting > 0)
        text += p.writersWaiting == 1 ? tr(" — 1 writer waited up to %1 ms").arg(QLocale().toString(qRound(p.longestWaitMs)))
                                      : tr(" — %1 writers waited up to %2 ms").arg(p.writersWaiting).arg(QLocale().toString(qRound(p.longestWaitMs)));
    return text;
}

void RunPanel::showPaused(bool paused)
{
    m_paused = paused;
    const QString state = paused ? QStringLiteral("paused") : QStringLiteral("running");
    m_overall->setProperty("state", state);
    m_step->setProperty("state", state);
    if (paused) {
        m_pausedClock.start();
        // No busy stripes while nothing happens: the bar stays where the step is.
        if (m_step->maximum() == 0) {
            m_step->setRange(0, 1);
            m_step->setValue(0);
        }
        m_step->setFormat(m_progress ? tr("Paused at %p%") : tr("Paused"));
        showOverall(m_running >= 0 ? tr("Paused at step %1 of %2").arg(m_running + 1).arg(m_total)
                                   : tr("Paused: %1 of %2 steps done").arg(int(m_done.size())).arg(m_total));
        m_rate->setText(m_progress ? tr("Paused after %1 of about %2 rows: no rate or ETA while paused.")
                                         .arg(QLocale().toString(m_progress->rowsDone),
                                              QLocale().toString(std::max(m_progress->rowsTotal, m_progress->rowsDone)))
                                   : tr("Paused: the run goes on when you resume."));
        m_stepLabel->setText(m_stepLabel->text() + tr(" — paused"));
        log(tr("paused"));
    } else {
        if (m_pausedClock.isValid())
            m_pausedMs += m_pausedClock.elapsed();
        m_pausedClock.invalidate();
        m_step->setFormat(QStringLiteral("%p%"));
        m_stepLabel->setText(m_stepLabel->text().remove(tr(" — paused")));
        showOverall();
        m_rate->setText(m_progress ? tr("Resumed: rate and ETA with the next batch.") : QString());
        log(tr("resumed"));
    }
    Q_EMIT pausedChanged(paused);
}

void RunPanel::showStopped(RunOutcome outcome, const QString &word)
{
    const QString state = outcome == RunOutcome::Done || outcome == RunOutcome::RolledBack ? QStringLiteral("done")
                          : outcome == RunOutcome::WaitingAtGate                           ? QStringLiteral("waiting")
                                                                                           : QStringLiteral("stopped");
    m_overall->setProperty("state", state);
    m_step->setProperty("state", state);
    if (m_pausedClock.isValid())
        m_pausedMs += m_pausedClock.elapsed();
    m_pausedClock.invalidate();
    if (m_paused) // cancelled while paused: the run is stopped now, not paused
        m_stepLabel->setText(m_stepLabel->text().remove(tr(" — paused")));
    m_paused = false;
    if (outcome == RunOutcome::Done || outcome == RunOutcome::RolledBack) {
        // Every step is done, those a resumed run's predecessors did included.
        m_overall->setRange(0, std::max(1, m_total));
        m_overall->setValue(m_overall->maximum());
        m_overall->setFormat(outcome == RunOutcome::Done ? tr("all %1 steps done").arg(m_total) : tr("all %1 steps undone").arg(m_total));
        m_stepsDone = m_total;
        m_running = -1;
        return;
    }
    if (outcome == RunOutcome::WaitingAtGate) {
        showOverall(tr("waiting at step %1 of %2").arg(m_gateStep + 1).arg(m_total));
        return;
    }
    // Stopped: the bars stand where it stopped, no busy stripes.
    if (m_step->maximum() == 0) {
        m_step->setRange(0, 1);
        m_step->setValue(0);
    }
    m_step->setFormat(m_progress ? tr("%1 at %v of %m rows").arg(word) : word);
    showOverall(m_running >= 0 ? tr("%1 at step %2 of %3 (%4 done)").arg(word).arg(m_running + 1).arg(m_total).arg(int(m_done.size()))
                               : tr("%1 after %2 of %3 steps").arg(word).arg(int(m_done.size())).arg(m_total));
}

void RunPanel::connectRunner(Runner *runner)
{
    const auto markDone = [this](int step) {
        if (!m_done.contains(step))
            m_done << step;
    };
    // Queued: the runner emits from its own thread.
    connect(runner, &Runner::runStarted, this, [this](const QString &id, int steps) {
        m_runId = id;
        m_total = steps;
        showOverall();
        log(m_rollingBack ? tr("rollback of run %1 started: %2 steps to undo").arg(id).arg(steps)
                          : tr("run %1 started: %2 steps").arg(id).arg(steps));
    });
    connect(runner, &Runner::resumedAfter, this, [this, markDone](const QList<int> &applied) {
        for (int step : applied) {
            markDone(step);
            if (!m_finished.contains(step))
                m_finished << step;
        }
        showOverall();
        if (!applied.isEmpty())
            log(tr("resumed: %1 steps were applied by the run before").arg(applied.size()));
    });
    connect(runner, &Runner::stepStarted, this, [this, markDone](int step, const QString &title) {
        // A resumed run starts part-way: the steps before it were done (or skipped) by the run before.
        if (!m_rollingBack) {
            for (int i = 0; i < step; ++i)
                markDone(i);
        }
        m_running = step;
        m_progress.reset();
        showOverall();
        m_stepLabel->setText(tr("Step %1: %2").arg(step + 1).arg(title));
        m_step->setRange(0, 0); // busy until a backfill reports rows
        m_step->setFormat(QStringLiteral("%p%"));
        m_rate->clear(); // the rate of a backfill before belongs to its step
        log(tr("step %1: %2").arg(step + 1).arg(title));
    });
    connect(runner, &Runner::stepSkipped, this, [this, markDone](int step, const QString &why) {
        markDone(step);
        m_running = -1;
        showOverall();
        m_step->setRange(0, 1);
        m_step->setValue(1);
        log(tr("step %1 skipped: %2").arg(step + 1).arg(why));
    });
    connect(runner, &Runner::stepFinished, this, [this, markDone](int step, double seconds) {
        m_finished << step;
        markDone(step);
        m_running = -1;
        showOverall();
        m_step->setRange(0, 1);
        m_step->setValue(1);
        log(tr("step %1 done in %2 s").arg(step + 1).arg(seconds, 0, 'f', 2));
    });
    connect(runner, &Runner::stepFailed, this, [this](int step, const QString &error) { log(tr("step %1 failed: %2").arg(step + 1).arg(error)); });
    connect(runner, &Runner::retrying, this, [this](int step, int attempt, const QString &reason, double wait) {
        log(tr("step %1: %2 — retry %3 in %4 s").arg(step + 1).arg(reason).arg(attempt).arg(wait, 0, 'f', 1));
    });
    connect(runner, &Runner::noted, this, [this](int step, const QString &message) { log(tr("step %1: %2").arg(step + 1).arg(message)); });
    connect(runner, &Runner::waitingForRunLock, this, [this](qint64 session, const QString &statement, double seconds) {
        log(tr("waiting for session %1, which holds the run lock and has been running this for %2 s "
               "(a Stagecraft stopped mid-statement keeps it until the server finishes): %3")
                .arg(session).arg(seconds, 0, 'f', 1).arg(statement.left(120)));
    });
    connect(runner, &Runner::blockersFound, this, [this](int step, const QList<BlockingSession> &sessions) {
        for (const BlockingSession &s : sessions)
            log(tr("step %1 may wait for %2").arg(step + 1).arg(Runner::describe(s)));
    });
    connect(runner, &Runner::pausedChanged, this, &RunPanel::showPaused);
    connect(runner, &Runner::backfillProgressed, this, [this](const BackfillProgress &p) {
        m_progress = p;
        const qint64 total = std::max(p.rowsTotal, p.rowsDone);
        m_step->setRange(0, int(std::min<qint64>(total, std::numeric_limits<int>::max())));
        m_step->setValue(int(std::min<qint64>(p.rowsDone, std::numeric_limits<int>::max())));
        m_chart->addProgress(p);
        m_chart->show();
        if (!m_paused)
            m_rate->setText(rateText(p));
    });
    connect(runner, &Runner::gateReached, this, [this](int step, const QString &gate, const QString &why) {
        m_gateStep = step;
        m_running = -1;
        const bool slowdown = gate == QLatin1String("slowdown"); // RunSettings::maxSlowdownFactor, not a deploy
        m_slowdown = slowdown ? why : QString();
        m_stepLabel->setText(slowdown ? tr("Step %1: stopped at the slowdown gate").arg(step + 1)
                                      : tr("Step %1: waiting at the deploy gate %2").arg(step + 1).arg(gate));
        m_step->setRange(0, 1);
        m_step->setValue(0);
        m_step->setFormat(slowdown ? tr("stopped: statements slower") : tr("waiting for a deploy"));
        m_rate->clear(); // the backfill's rate belongs to a step before
        log(slowdown ? tr("step %1: slowdown gate reached: %2; the run waits until you continue").arg(step + 1).arg(why)
                     : tr("step %1: deploy gate %2 reached; the run waits until you continue").arg(step + 1).arg(gate));
    });
    connect(runner, &Runner::runFinished, this, [this](RunOutcome outcome, const QString &summary) {
        m_pause->setEnabled(false);
        m_pause->setText(tr("&Pause"));
        m_cancel->setEnabled(false);
        const QString word = outcome == RunOutcome::Done                 ? tr("Done")
                             : outcome == RunOutcome::Cancelled          ? tr("Cancelled")
                             : outcome == RunOutcome::RolledBack         ? tr("Rolled back")
                             : outcome == RunOutcome::VerificationFailed ? tr("Failed verification")
                             : outcome == RunOutcome::ConnectionLost     ? tr("Connection lost")
                             : outcome == RunOutcome::WaitingAtGate      ? (m_slowdown.isEmpty() ? tr("Waiting at a deploy gate")
                                                                                                     : tr("Stopped at the slowdown gate"))
                                                                         : tr("Failed");
        showStopped(outcome, word);
        // A run that stopped half-way can be resumed from the journal, and undone when it applied
        // something (the runner refuses past the point of no return).
        const bool stopped = outcome == RunOutcome::Failed || outcome == RunOutcome::Cancelled || outcome == RunOutcome::ConnectionLost;
        const bool journaled = stopped && !m_runId.isEmpty() && !m_rollingBack;
        m_resume->setVisible(journaled);
        m_rollback->setVisible(journaled && !m_finished.isEmpty() && RollbackPlan::refusal(m_plan, m_finished).isEmpty());
        const double seconds = m_clock.elapsed() / 1000.0;
        const QString paused = m_pausedMs > 0 ? tr(" (%1 s of it paused)").arg(m_pausedMs / 1000.0, 0, 'f', 1) : QString();
        m_summary->setText(tr("<b>%1</b> after %2 s%3. %4").arg(word).arg(seconds, 0, 'f', 1).arg(paused)
                               .arg(summary.toHtmlEscaped().replace(QLatin1Char('\n'), QLatin1String("<br>"))));
        log(word + QLatin1String(": ") + summary);
        if (outcome == RunOutcome::WaitingAtGate && m_gateStep >= 0)
            m_gateCard->open(m_profile, m_plan, m_gateStep, !m_runId.isEmpty() && RollbackPlan::refusal(m_plan, m_finished).isEmpty(),
                             m_slowdown);
        m_runner = nullptr;
        Q_EMIT finished(outcome);
    });
}

} // namespace Stagecraft
