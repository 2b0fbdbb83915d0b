#include "gatecard.h"

#include "sparkline.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QThread>
#include <QVBoxLayout>

namespace Stagecraft {

GateCard::GateCard(QWidget *parent)
    : QFrame(parent)
{
    qRegisterMetaType<GateReading>();
    setObjectName(QStringLiteral("gateCard"));
    setFrameShape(QFrame::StyledPanel);
    // Its own light tint and dark text in either theme: it is the one thing to act on.
    setStyleSheet(QStringLiteral("#gateCard { background: #e3f2fd; border: 1px solid #64b5f6; border-radius: 6px; }"
                                 "#gateCard QLabel { color: #0d2a4a; }"));
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("gateTitle"));
    QFont bold = m_title->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.1);
    m_title->setFont(bold);
    m_title->setWordWrap(true);
    m_why = new QLabel(this);
    m_why->setObjectName(QStringLiteral("gateWhy"));
    m_why->setWordWrap(true);
    m_probe = new QLabel(this);
    m_probe->setObjectName(QStringLiteral("gateProbe"));
    m_probe->setWordWrap(true);
    m_probe->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_sparkline = new Sparkline(this);
    m_sparkline->setObjectName(QStringLiteral("gateSparkline"));
    m_continue = new QPushButton(tr("Co&ntinue past the gate"), this);
    m_continue->setObjectName(QStringLiteral("continuePastGate"));
    m_continue->setToolTip(tr("The application is deployed: the run goes on from this gate."));
    m_rollback = new QPushButton(tr("Roll &Back…"), this);
    m_rollback->setObjectName(QStringLiteral("gateRollback"));
    m_rollback->setToolTip(tr("Undo what this run applied, last step first."));

    auto *probeRow = new QHBoxLayout;
    probeRow->addWidget(m_probe, 1);
    probeRow->addWidget(m_sparkline, 0, Qt::AlignBottom);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_rollback);
    buttons->addWidget(m_continue);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_why);
    layout->addLayout(probeRow);
    layout->addLayout(buttons);

    connect(m_continue, &QPushButton::clicked, this, &GateCard::continueRequested);
    connect(m_rollback, &QPushButton::clicked, this, &GateCard::rollbackRequested);
    hide();
}

GateCard::~GateCard()
{
    stopWatching();
}

void GateCard::setProbeTiming(int intervalMs, int windowMs)
{
    m_intervalMs = intervalMs;
    m_windowMs = windowMs;
}

QString GateCard::titleText() const
{
    return m_title->text();
}

QString GateCard::whyText() const
{
    return m_why->text();
}

QString GateCard::probeText() const
{
    return m_probe->text();
}

void GateCard::open(const ConnectionProfile &profile, const Plan &plan, int step, bool canRollBack, const QString &slowdown)
{
    stopWatching();
    if (step < 0 || step >= plan.steps.size())
        return;
    const PlanStep &gate = plan.steps.at(step);
    m_step = step;
    m_engine = plan.engine;
    m_column = plan.spec.name;
    m_table = plan.table.name;
    m_title->setText(slowdown.isEmpty() ? tr("Waiting at step %1 — %2").arg(step + 1).arg(gate.title)
                                        : tr("Stopped before step %1 — %2").arg(step + 1).arg(gate.title));
    m_why->setText(slowdown.isEmpty() ? gate.why : slowdown);
    m_sparkline->clear();
    m_sparkline->setVisible(slowdown.isEmpty() && gate.gate == QLatin1String("before-contract"));
    m_probe->setStyleSheet(QString());
    if (!slowdown.isEmpty()) {
        m_probe->setText(tr("Nothing more was changed. Continue runs the step once the application's statements are fast again."));
        m_rollback->setVisible(canRollBack);
        show();
        return;
    }
    m_probe->setText(gate.gateProbeSql.isEmpty() ? tr("The server cannot tell cheaply whether the application writes %1 yet.").arg(m_column)
                                                 : tr("Asking the server how %1 is being written…").arg(m_table));
    m_rollback->setVisible(canRollBack);
    show();
    if (gate.gateProbeSql.isEmpty())
        return;
    // The probe runs on a thread and connection of its own: the GUI thread never waits on it.
    auto *thread = new QThread;
    thread->setObjectName(QStringLiteral("gatewatch"));
    auto *watch = new GateWatch(profile, gate, m_intervalMs, m_windowMs);
    watch->moveToThread(thread);
    connect(thread, &QThread::started, watch, &GateWatch::start);
    connect(thread, &QThread::finished, watch, &QObject::deleteLater);
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    const QPointer<QThread> current = thread;
    // A reading still queued from a watch that was stopped is dropped.
    connect(watch, &GateWatch::probed, this, [this, current](const GateReading &reading) {
        if (current && current == m_thread)
            showReading(reading);
    });
    connect(watch, &GateWatch::failed, this, [this, current](const QString &error) {
        if (current && current == m_thread)
            m_probe->setText(tr("The probe could not ask the server: %1").arg(error));
    });
    m_thread = thread;
    thread->start();
}

void GateCard::close()
{
    stopWatching();
    m_step = -1;
    hide();
}

void GateCard::stopWatching()
{
    // No wait: the thread ends after the probe in flight, then deletes the watch (closing its
    // connection there) and itself.
    if (m_thread)
        m_thread->quit();
    m_thread = nullptr;
}

void GateCard::showReading(const GateReading &reading)
{
    m_probe->setText(reading.describe(m_engine, m_column, m_table));
    // Green once the application fills the column itself; amber while the sync still does.
    const bool writesItself = reading.syncCounted && reading.seconds > 0 && reading.filled == 0 && reading.written > 0;
    const bool stillFilled = reading.syncCounted && reading.filled > 0;
    m_probe->setStyleSheet(writesItself ? QStringLiteral("QLabel { color: #1b5e20; font-weight: bold; }")
                           : stillFilled ? QStringLiteral("QLabel { color: #8a4b00; }")
                                         : QString());
    if (reading.filledSinceLast >= 0)
        m_sparkline->append(reading.filledSinceLast);
    Q_EMIT probeShown(reading);
}

} // namespace Stagecraft
