#include "runpanel.h"

#include "gatecard.h"
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
    buttons->addWidget(m_rollback);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_overall);
    layout->addWidget(m_stepLabel);
    layout->addWidget(m_step);
    layout->addWidget(m_rate);
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
            log(tr("pausing after the current batch"));
        }
    });
    connect(m_rollback, &QPushButton::clicked, this, [this] {
        if (!m_runner && !m_runId.isEmpty())
            Q_EMIT rollbackRequested(m_runId, m_plan);
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
    m_profile = profile;
    m_gateCard->close(); // its run and probe belong to the connection before
}

void RunPanel::follow(Runner *runner, const Plan &plan, bool rollback)
{
    m_gateCard->close();
    m_gateStep = -1;
    m_runner = runner;
    m_plan = plan;
    m_runId.clear();
    m_finished.clear();
    m_rollingBack = rollback;
    m_rollback->hide();
    m_stepsDone = 0;
    m_clock.start();
    m_log->clear();
    m_summary->clear();
    m_title->setText(rollback ? tr("Rolling back %1 from %2.%3").arg(plan.spec.name, plan.table.schema, plan.table.name)
                              : tr("Adding %1 to %2.%3").arg(plan.spec.name, plan.table.schema, plan.table.name));
    m_overall->setRange(0, int(plan.steps.size()));
    m_overall->setValue(0);
    m_step->setRange(0, 0);
    m_rate->clear();
    m_pause->setEnabled(true);
    m_pause->setText(tr("&Pause"));
    m_cancel->setEnabled(true);
    // Queued: the runner emits from its own thread.
    connect(runner, &Runner::runStarted, this, [this](const QString &id, int steps) {
        m_runId = id;
        m_overall->setRange(0, steps);
        log(m_rollingBack ? tr("rollback of run %1 started: %2 steps to undo").arg(id).arg(steps)
                          : tr("run %1 started: %2 steps").arg(id).arg(steps));
    });
    connect(runner, &Runner::stepStarted, this, [this](int step, const QString &title) {
        // A resumed run starts part-way: the steps before it were done by the run before.
        if (!m_rollingBack && step > m_stepsDone) {
            m_stepsDone = step;
            m_overall->setValue(m_stepsDone);
        }
        m_stepLabel->setText(tr("Step %1: %2").arg(step + 1).arg(title));
        m_step->setRange(0, 0); // busy until a backfill reports rows
        m_step->setFormat(QStringLiteral("%p%"));
        log(tr("step %1: %2").arg(step + 1).arg(title));
    });
    connect(runner, &Runner::stepSkipped, this, [this](int step, const QString &why) {
        m_overall->setValue(++m_stepsDone);
        log(tr("step %1 skipped: %2").arg(step + 1).arg(why));
    });
    connect(runner, &Runner::stepFinished, this, [this](int step, double seconds) {
        m_finished << step;
        m_overall->setValue(++m_stepsDone);
        m_step->setRange(0, 1);
        m_step->setValue(1);
        log(tr("step %1 done in %2 s").arg(step + 1).arg(seconds, 0, 'f', 2));
    });
    connect(runner, &Runner::stepFailed, this, [this](int step, const QString &error) { log(tr("step %1 failed: %2").arg(step + 1).arg(error)); });
    connect(runner, &Runner::retrying, this, [this](int step, int attempt, const QString &reason, double wait) {
        log(tr("step %1: %2 — retry %3 in %4 s").arg(step + 1).arg(reason).arg(attempt).arg(wait, 0, 'f', 1));
    });
    connect(runner, &Runner::waitingForRunLock, this, [this](qint64 session, const QString &statement, double seconds) {
        log(tr("waiting for session %1, which holds the run lock and has been running this for %2 s "
               "(a Stagecraft stopped mid-statement keeps it until the server finishes): %3")
                .arg(session).arg(seconds, 0, 'f', 1).arg(statement.left(120)));
    });
    connect(runner, &Runner::blockersFound, this, [this](int step, const QList<BlockingSession> &sessions) {
        for (const BlockingSession &s : sessions)
            log(tr("step %1: session %2 (%3, holds %4) may delay it: %5")
                    .arg(step + 1).arg(s.pid).arg(s.state, s.locks.join(QLatin1String(", ")), s.query.left(80)));
    });
    connect(runner, &Runner::backfillProgressed, this, [this](const BackfillProgress &p) {
        const qint64 total = std::max(p.rowsTotal, p.rowsDone);
        m_step->setRange(0, int(std::min<qint64>(total, std::numeric_limits<int>::max())));
        m_step->setValue(int(std::min<qint64>(p.rowsDone, std::numeric_limits<int>::max())));
        m_rate->setText(tr("%1 of about %2 rows — %3 rows/s — ETA %4 s — batch %5")
                            .arg(QLocale().toString(p.rowsDone), QLocale().toString(total), QLocale().toString(qint64(p.rowsPerSecond)))
                            .arg(p.etaSeconds, 0, 'f', 0)
                            .arg(p.batchSize));
    });
    connect(runner, &Runner::gateReached, this, [this](int step, const QString &gate, const QString &) {
        m_gateStep = step;
        m_stepLabel->setText(tr("Step %1: waiting at the deploy gate %2").arg(step + 1).arg(gate));
        m_step->setRange(0, 1);
        m_step->setValue(0);
        m_step->setFormat(tr("waiting for a deploy"));
        m_rate->clear(); // the backfill's rate belongs to a step before
        log(tr("step %1: deploy gate %2 reached; the run waits until you continue").arg(step + 1).arg(gate));
    });
    connect(runner, &Runner::runFinished, this, [this](RunOutcome outcome, const QString &summary) {
        m_pause->setEnabled(false);
        m_cancel->setEnabled(false);
        const QString word = outcome == RunOutcome::Done                 ? tr("Done")
                             : outcome == RunOutcome::Cancelled          ? tr("Cancelled")
                             : outcome == RunOutcome::RolledBack         ? tr("Rolled back")
                             : outcome == RunOutcome::VerificationFailed ? tr("Failed verification")
                             : outcome == RunOutcome::ConnectionLost     ? tr("Connection lost")
                             : outcome == RunOutcome::WaitingAtGate      ? tr("Waiting at a deploy gate")
                                                                         : tr("Failed");
        // A run that stopped half-way can be undone (the runner refuses past the point of no return).
        const bool stopped = outcome == RunOutcome::Failed || outcome == RunOutcome::Cancelled || outcome == RunOutcome::ConnectionLost;
        m_rollback->setVisible(stopped && !m_runId.isEmpty() && !m_rollingBack && RollbackPlan::refusal(m_plan, m_finished).isEmpty());
        m_summary->setText(tr("<b>%1</b> after %2 s. %3").arg(word).arg(m_clock.elapsed() / 1000.0, 0, 'f', 1)
                               .arg(summary.toHtmlEscaped().replace(QLatin1Char('\n'), QLatin1String("<br>"))));
        log(word + QLatin1String(": ") + summary);
        if (outcome == RunOutcome::WaitingAtGate && m_gateStep >= 0)
            m_gateCard->open(m_profile, m_plan, m_gateStep, !m_runId.isEmpty() && RollbackPlan::refusal(m_plan, m_finished).isEmpty());
        m_runner = nullptr;
        Q_EMIT finished(outcome);
    });
}

} // namespace Stagecraft
