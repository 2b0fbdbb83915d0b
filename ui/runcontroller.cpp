#include "runcontroller.h"

#include "confirmrundialog.h"
#include "connection/databaseconnection.h"
#include "run/journal.h"
#include "run/planorigin.h"
#include "runpanel.h"
#include "settingsdialog.h"

#include <QFutureWatcher>
#include <QWidget>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace Stagecraft {

RunController::RunController(RunPanel *panel, QWidget *dialogParent)
    : QObject(dialogParent)
    , m_panel(panel)
    , m_dialogParent(dialogParent)
{
    qRegisterMetaType<BackfillProgress>();
    qRegisterMetaType<RunOutcome>();
    qRegisterMetaType<Plan>();
    m_thread.setObjectName(QStringLiteral("runner"));
    m_thread.start();
    connect(m_panel, &RunPanel::rollbackRequested, this, &RunController::requestRollback);
    connect(m_panel, &RunPanel::resumeRequested, this, &RunController::requestResume);
    connect(m_panel, &RunPanel::continueRequested, this, &RunController::continuePastGate);
}

RunController::~RunController()
{
    m_thread.quit();
    m_thread.wait();
}

void RunController::setConnection(const ConnectionProfile &profile, const QString &serverName)
{
    m_profile = profile;
    m_serverName = serverName;
    m_interrupted = {};
    ++m_generation;
    m_panel->setConnection(profile);
}

void RunController::checkJournal()
{
    // Off the GUI thread, on a connection of its own.
    m_interrupted = {};
    const ConnectionProfile profile = m_profile;
    const quint64 generation = m_generation;
    auto *watcher = new QFutureWatcher<Interrupted>(this);
    connect(watcher, &QFutureWatcher<Interrupted>::finished, this, [this, watcher, generation] {
        const Interrupted found = watcher->result();
        watcher->deleteLater();
        if (generation != m_generation)
            return;
        m_interrupted = found;
        Q_EMIT journalChecked();
    });
    watcher->setFuture(QtConcurrent::run([profile] {
        DatabaseConnection connection(profile);
        ConnectionError error;
        Interrupted found;
        if (!connection.open(&error))
            return found;
        Journal journal(connection);
        QList<Journal::RunRecord> runs;
        if (!journal.exists() || !journal.unfinished(&runs, &error) || runs.isEmpty())
            return found;
        const PlanOrigin here = PlanOrigin::of(connection);
        const auto resumable = std::find_if(runs.cbegin(), runs.cend(),
                                            [&](const Journal::RunRecord &r) { return r.origin.journaledRefusal(here).isEmpty(); });
        const Journal::RunRecord &run = resumable != runs.cend() ? *resumable : runs.first();
        found.runId = run.runId;
        found.plan = run.plan;
        found.refusal = run.origin.journaledRefusal(here);
        return found;
    }));
}

void RunController::requestRun(const Plan &plan)
{
    if (plan.steps.isEmpty())
        return;
    const bool rewrites = std::any_of(plan.steps.cbegin(), plan.steps.cend(), [](const PlanStep &s) { return s.rewritesTable; });
    confirm(plan, QString(), Kind::Run,
            tr("%1 steps; writes blocked about %2 s in all, reads about %3 s%4.")
                .arg(plan.steps.size())
                .arg(plan.secondsWritesBlocked(), 0, 'f', 2)
                .arg(plan.secondsReadsBlocked(), 0, 'f', 2)
                .arg(rewrites ? tr("; the table is rewritten") : QString()));
}

void RunController::requestResume(const QString &runId, const Plan &plan)
{
    if (runId == m_interrupted.runId && !m_interrupted.refusal.isEmpty())
        return; // made elsewhere: the runner would refuse it too
    confirm(plan, runId, Kind::Resume,
            tr("Resumes run %1 (adding %2) from where it stopped, from the journal: the steps it applied are not run again, "
               "a backfill continues after its last committed batch.")
                .arg(runId, plan.spec.name));
}

void RunController::requestRollback(const QString &runId, const Plan &plan)
{
    if (runId == m_interrupted.runId && !m_interrupted.refusal.isEmpty())
        return;
    confirm(plan, runId, Kind::Rollback, rollbackImpact(runId, plan));
}

QString RunController::rollbackImpact(const QString &runId, const Plan &plan)
{
    // What the steps before the point of no return made (a rollback is refused past it).
    QStringList made;
    for (int i = 0; i < plan.steps.size() && (plan.pointOfNoReturn < 0 || i < plan.pointOfNoReturn); ++i) {
        for (const CreatedObject &o : plan.steps.at(i).creates) {
            if (o.kind != CreatedObject::Kind::Table)
                made << tr("%1 %2").arg(createdKindName(o.kind), o.name);
        }
    }
    const QString table = plan.table.schema + QLatin1Char('.') + plan.table.name;
    QString text = tr("Undoes what run %1 applied, last step first, each under the lock timeout with retries. "
                      "It drops the column %2 from %3, and every value in it, the backfilled values included: they are lost.")
                       .arg(runId, plan.spec.name, table);
    if (!made.isEmpty())
        text += QLatin1Char(' ') + tr("It also drops what the run made, where it got to them: %1.").arg(made.join(QLatin1String(", ")));
    text += QLatin1Char(' ') + tr("What stays: the rows of %1, its other columns, and the indexes, constraints and triggers it had before the run.")
                                  .arg(table);
    return text;
}

void RunController::continuePastGate(const QString &runId, const Plan &plan)
{
    if (m_runner || runId.isEmpty())
        return;
    start(plan, runId, Kind::Resume);
}

void RunController::cancel()
{
    if (m_runner)
        m_runner->cancel();
}

void RunController::confirm(const Plan &plan, const QString &runId, Kind kind, const QString &impact)
{
    if (m_runner || (kind != Kind::Run && runId.isEmpty()))
        return;
    auto *dialog = new ConfirmRunDialog(m_serverName + QLatin1String(" at ") + m_profile.displayName(), m_profile.database,
                                        plan.table.name, impact, m_dialogParent);
    dialog->setObjectName(QStringLiteral("confirmRun"));
    if (kind == Kind::Rollback)
        dialog->setAction(tr("Roll back %1 on %2?").arg(plan.spec.name, plan.table.name), tr("Roll Back"));
    else if (kind == Kind::Resume)
        dialog->setAction(tr("Resume adding %1 to %2?").arg(plan.spec.name, plan.table.name), tr("Resume"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, plan, runId, kind] { start(plan, runId, kind); });
    dialog->open();
}

void RunController::start(const Plan &plan, const QString &runId, Kind kind)
{
    if (m_runner)
        return;
    if (kind != Kind::Run)
        m_interrupted = {};
    // A run goes by the settings its plan was made with (Preferences at planning time); a resume or
    // rollback by those of the run's own journaled plan.
    auto *runner = new Runner(m_profile);
    runner->moveToThread(&m_thread);
    m_runner = runner;
    m_panel->follow(runner, plan, kind == Kind::Rollback);
    connect(runner, &Runner::runFinished, this, [this, runner] {
        runner->deleteLater();
        m_runner = nullptr;
        Q_EMIT ended();
    });
    Q_EMIT started();
    switch (kind) {
    case Kind::Run: QMetaObject::invokeMethod(runner, "run", Qt::QueuedConnection, Q_ARG(Stagecraft::Plan, plan)); break;
    case Kind::Resume: QMetaObject::invokeMethod(runner, "resumeRun", Qt::QueuedConnection, Q_ARG(QString, runId)); break;
    case Kind::Rollback: QMetaObject::invokeMethod(runner, "rollbackRun", Qt::QueuedConnection, Q_ARG(QString, runId)); break;
    }
}

} // namespace Stagecraft
