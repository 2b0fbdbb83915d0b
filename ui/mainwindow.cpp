#include "mainwindow.h"

#include "columndesigner.h"
#include "connectionchip.h"
#include "connectioncontroller.h"
#include "historyview.h"
#include "planstepsmodel.h"
#include "planview.h"
#include "planworkspace.h"
#include "rehearsaldialog.h"
#include "runcontroller.h"
#include "runpanel.h"
#include "schemabrowser.h"
#include "settingsdialog.h"
#include "statusreporter.h"
#include "themecolors.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QVBoxLayout>

namespace Stagecraft {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("Stagecraft"));
    resize(1280, 800);

    // Made in this order (the browser, then the plan, the tabs, the resume bar) for the keyboard's focus chain.
    m_status = new StatusReporter(this);
    m_browser = new SchemaBrowser(this);
    m_connection = new ConnectionController(m_browser, m_status, this);
    m_plan = new PlanWorkspace(m_connection, m_status, this);
    buildLayout();
    buildMenus();
    // Where the window was, as the user left it.
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    connectFeatures();
    connectRuns();
}

// The features stop their own threads: the catalog worker's, the planner's, the runner's.
MainWindow::~MainWindow() = default;

void MainWindow::buildLayout()
{
    m_tabs = new QTabWidget(this);
    m_tabs->addTab(m_browser, tr("Schema"));
    m_tabs->addTab(m_plan, tr("Plan"));
    m_runPanel = new RunPanel(this);
    m_runPanel->setObjectName(QStringLiteral("runPanel"));
    m_tabs->addTab(m_runPanel, tr("Run"));
    m_history = new HistoryView(this);
    m_history->setObjectName(QStringLiteral("historyView"));
    m_tabs->addTab(m_history, tr("History"));
    m_resumeBar = new QLabel(this);
    m_resumeBar->setObjectName(QStringLiteral("resumeBar"));
    m_resumeBar->setWordWrap(true);
    m_resumeBar->setMargin(8);
    ThemeColors::setBanner(m_resumeBar, ThemeColors::Info);
    m_resumeBar->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    m_resumeBar->hide();
    m_runs = new RunController(m_runPanel, this);
    m_chip = new ConnectionChip(this);
    m_chip->setObjectName(QStringLiteral("connectionChip"));
    m_tabs->setCornerWidget(m_chip, Qt::TopRightCorner);
    connect(m_tabs, &QTabWidget::currentChanged, this, &MainWindow::updateChip);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->addWidget(m_status->banner());
    layout->addWidget(m_resumeBar);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);
}

void MainWindow::connectFeatures()
{
    connect(m_status, &StatusReporter::errorShown, m_connection, &ConnectionController::markReady);
    connect(m_connection, &ConnectionController::ready, this, &MainWindow::ready);
    connect(m_connection, &ConnectionController::opening, this, &MainWindow::onOpening);
    connect(m_connection, &ConnectionController::connected, this, &MainWindow::onConnected);
    connect(m_connection, &ConnectionController::tableShown, this, &MainWindow::onTableShown);
    connect(m_connection, &ConnectionController::refreshing, this,
            [this] { m_plan->planView()->markFindingsStale(tr("the tables were read again")); });
    connect(m_connection, &ConnectionController::ready, this, &MainWindow::updateChip);
    connect(m_plan->planView(), &PlanView::planAgainRequested, m_plan, &PlanWorkspace::planAgain);
    connect(m_plan, &PlanWorkspace::planShown, this, [this] {
        updateChip();
        showPlanTab();
        Q_EMIT planShown();
    });
    connect(m_plan, &PlanWorkspace::specFileRejected, this, [this] {
        m_tabs->setCurrentIndex(1);
        Q_EMIT planShown();
    });
    connect(m_plan, &PlanWorkspace::dataChecked, this, &MainWindow::dataChecked);
    connect(m_plan->planView(), &PlanView::runRequested, this, &MainWindow::requestRun);
    connect(m_plan->planView(), &PlanView::rehearseRequested, this, &MainWindow::requestRehearsal);
}

void MainWindow::connectRuns()
{
    connect(m_resumeBar, &QLabel::linkActivated, this, [this](const QString &link) {
        if (link == QLatin1String("rollback"))
            m_runs->requestRollback(m_runs->interrupted().runId, m_runs->interrupted().plan);
        else
            resumeInterruptedRun();
    });
    connect(m_runs, &RunController::journalChecked, this, &MainWindow::onJournalChecked);
    connect(m_runs, &RunController::started, this, [this] {
        m_resumeBar->hide();
        m_runConnection = m_connection->summary();
        m_lastOutcome.reset();
        m_tabs->setCurrentWidget(m_runPanel);
        updateChip();
    });
    connect(m_runPanel, &RunPanel::finished, this, [this](RunOutcome outcome) { m_lastOutcome = outcome; });
    connect(m_runs, &RunController::ended, this, &MainWindow::onRunEnded);
}

static QString outcomeText(RunOutcome outcome)
{
    switch (outcome) {
    case RunOutcome::Done: return MainWindow::tr("done");
    case RunOutcome::Cancelled: return MainWindow::tr("cancelled");
    case RunOutcome::Failed: return MainWindow::tr("failed");
    case RunOutcome::RolledBack: return MainWindow::tr("rolled back");
    case RunOutcome::VerificationFailed: return MainWindow::tr("verification failed");
    case RunOutcome::ConnectionLost: return MainWindow::tr("connection lost");
    case RunOutcome::WaitingAtGate: return MainWindow::tr("waiting at a deploy gate");
    }
    return {};
}

void MainWindow::onRunEnded()
{
    const Plan &ran = m_runPanel->plan();
    const Plan &shown = m_plan->planView()->model()->plan();
    // The plan on view is spent once its run ended (a new plan is made from the table as it is now);
    // a resume or rollback of another column leaves it as it is.
    if (ran.table == shown.table && ran.spec.name == shown.spec.name)
        m_plan->planView()->markRun(m_lastOutcome ? outcomeText(*m_lastOutcome) : tr("ended"), QDateTime::currentDateTime(),
                                    m_lastOutcome == RunOutcome::WaitingAtGate);
    else
        m_plan->planView()->markFindingsStale(tr("another run"));
    // Whatever the outcome, the run changed the table (or may have): the tree, the columns, the
    // indexes, the constraints and the SQL are read again, the same table kept selected.
    m_connection->reloadCatalog();
    m_history->refresh();
    Q_EMIT runEnded();
    if (m_closeAfterRun)
        close();
}

void MainWindow::updateChip()
{
    const QWidget *tab = m_tabs->currentWidget();
    if (tab == m_runPanel)
        m_chip->setConnection(tr("Run on"), m_runConnection.isEmpty() ? m_connection->summary() : m_runConnection);
    else if (tab == m_plan)
        m_chip->setConnection(tr("Plan on"), m_connection->summary());
    else
        m_chip->setConnection(tr("Connected to"), m_connection->summary());
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *demo = file->addAction(tr("Open &Demo Database"), this, &MainWindow::openDemo);
    demo->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    QAction *connectTo = file->addAction(tr("&Connect…"), this, [this] { static_cast<void>(showConnectDialog()); });
    connectTo->setShortcut(QKeySequence::Open);
    QAction *refresh = file->addAction(tr("&Refresh"), m_connection, &ConnectionController::refresh);
    refresh->setShortcut(QKeySequence::Refresh);
    m_addColumn = file->addAction(tr("&Add Column…"), this, &MainWindow::addColumn);
    m_addColumn->setShortcut(QKeySequence::New);
    m_addColumn->setEnabled(false);
    QAction *plan = file->addAction(tr("&Plan Column from Spec File…"), m_plan, &PlanWorkspace::promptForSpecFile);
    plan->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    file->addMenu(m_plan->exportMenu());
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *planMenu = menuBar()->addMenu(tr("&Plan"));
    planMenu->setObjectName(QStringLiteral("planMenu"));
    QAction *rehearse = planMenu->addAction(tr("&Rehearse on a Copy…"), this, &MainWindow::requestRehearsal);
    rehearse->setObjectName(QStringLiteral("rehearseAction"));
    rehearse->setEnabled(false);
    connect(planMenu, &QMenu::aboutToShow, this, [this, rehearse] { rehearse->setEnabled(m_plan->planView()->rehearseButton()->isEnabled()); });

    QMenu *edit = menuBar()->addMenu(tr("&Settings"));
    QAction *preferences = edit->addAction(tr("&Preferences…"), this, &MainWindow::showSettings);
    preferences->setShortcuts({QKeySequence(QKeySequence::Preferences), QKeySequence(Qt::CTRL | Qt::Key_Comma)});
    preferences->setMenuRole(QAction::PreferencesRole);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Stagecraft"), this, &MainWindow::showAbout);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::openDemo()
{
    m_connection->openDemo();
}

void MainWindow::openUrl(const QString &url)
{
    m_connection->openUrl(url);
}

void MainWindow::openConnection(const ConnectionProfile &profile)
{
    m_connection->openConnection(profile);
}

ConnectDialog *MainWindow::showConnectDialog()
{
    return m_connection->showConnectDialog();
}

bool MainWindow::selectTable(const TableRef &table)
{
    return m_connection->selectTable(table);
}

void MainWindow::onOpening(const ConnectionProfile &profile)
{
    m_addColumn->setEnabled(false);
    // The plan on screen was made on the connection before: it must not be run on this one.
    m_plan->clear();
    m_history->clearConnection(); // the runs of the database before are not this one's
    setWindowTitle(tr("Stagecraft — %1").arg(profile.displayName()));
    updateChip();
}

void MainWindow::onConnected(const ServerInfo &server)
{
    m_serverName = server.displayName();
    m_runs->setConnection(m_connection->profile(), server.displayName());
    m_history->setConnection(m_connection->profile());
    m_history->refresh();
    m_resumeBar->hide();
    m_runs->checkJournal();
}

void MainWindow::onTableShown(const TableDetails &details)
{
    m_addColumn->setEnabled(details.kind != RelationKind::View);
    ColumnSpec spec;
    if (m_plan->takePendingSpec(details.table, &spec)) {
        addColumn();
        m_plan->designer()->setSpec(spec); // the designer asks for the plan, as for any edit
    }
}

void MainWindow::onJournalChecked()
{
    const RunController::Interrupted &found = m_runs->interrupted();
    if (!found.runId.isEmpty() && !found.refusal.isEmpty()) {
        // Made elsewhere: said, not offered.
        m_resumeBar->setText(tr("An interrupted run was found: adding <b>%1</b> to <b>%2.%3</b>. It can be neither resumed nor "
                                "rolled back on this connection: %4.")
                                 .arg(found.plan.spec.name.toHtmlEscaped(), found.plan.table.schema.toHtmlEscaped(),
                                      found.plan.table.name.toHtmlEscaped(), found.refusal.toHtmlEscaped()));
        m_resumeBar->show();
    } else if (!found.runId.isEmpty()) {
        m_resumeBar->setText(tr("An interrupted run was found: adding <b>%1</b> to <b>%2.%3</b>. <a href=\"resume\">Resume it</a> "
                                "or <a href=\"rollback\">roll it back</a>")
                                 .arg(found.plan.spec.name.toHtmlEscaped(), found.plan.table.schema.toHtmlEscaped(),
                                      found.plan.table.name.toHtmlEscaped()));
        m_resumeBar->show();
    }
    Q_EMIT journalChecked();
}

void MainWindow::showPlanTab()
{
    if (m_tabs->currentWidget() != m_runPanel) // never pull the user away from a run
        m_tabs->setCurrentIndex(1);
}

void MainWindow::addColumn()
{
    if (m_connection->details().table.name.isEmpty())
        return;
    m_plan->designSelectedTable();
    m_tabs->setCurrentIndex(1);
    m_plan->designer()->setFocus();
}

void MainWindow::planColumn(const ColumnSpec &spec, int targetVersion)
{
    m_plan->planColumn(spec, targetVersion);
}

void MainWindow::planSpecFile(const QString &path)
{
    m_plan->planSpecFile(path);
}

void MainWindow::checkData()
{
    m_plan->checkData();
}

bool MainWindow::exportPlan(const QString &kind, const QString &path, QString *error)
{
    return m_plan->exportPlan(kind, path, error);
}

void MainWindow::requestRun()
{
    m_runs->requestRun(m_plan->planView()->model()->plan());
}

void MainWindow::requestRehearsal()
{
    const Plan plan = m_plan->planView()->model()->plan();
    if (plan.steps.isEmpty())
        return;
    // stagecraft-cli, installed beside the application, is the guard that drops the copy should this process die.
    const QString guard = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("stagecraft-cli"));
    auto *dialog = new RehearsalDialog(m_connection->profile(), m_serverName, plan, QFileInfo::exists(guard) ? guard : QString(), this);
    dialog->setObjectName(QStringLiteral("rehearsal"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::resumeInterruptedRun()
{
    m_runs->requestResume(m_runs->interrupted().runId, m_runs->interrupted().plan);
}

QString MainWindow::resumableRun() const
{
    return m_runs->interrupted().refusal.isEmpty() ? m_runs->interrupted().runId : QString();
}

void MainWindow::showSettings()
{
    auto *dialog = new SettingsDialog(this);
    dialog->setObjectName(QStringLiteral("settingsDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // The plan states the settings it runs with: a plan on view is made again with the new ones.
    connect(dialog, &QDialog::accepted, this, [this] {
        if (!m_runs->isRunning())
            m_plan->planAgain();
    });
    dialog->open();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_runs->isRunning()) {
        // Closing must not leave a run behind without a word, nor wait for it on the GUI thread:
        // ask; a stop ends the run after its current batch (the journal keeps it for a resume),
        // and the window closes when the runner has said it stopped.
        event->ignore();
        if (m_closeAfterRun || findChild<QMessageBox *>(QStringLiteral("closeDuringRun")))
            return;
        auto *box = new QMessageBox(QMessageBox::Warning, tr("A run is in progress"),
                                    tr("Stagecraft is adding %1 to %2.%3 on %4. Stop the run after the current batch and close?")
                                        .arg(m_runPanel->plan().spec.name, m_runPanel->plan().table.schema,
                                             m_runPanel->plan().table.name, m_connection->profile().displayName()),
                                    QMessageBox::NoButton, this);
        box->setObjectName(QStringLiteral("closeDuringRun"));
        box->setInformativeText(tr("What is done stays done and is kept in the journal; the run is offered for resume "
                                   "the next time you connect to this database."));
        QPushButton *stop = box->addButton(tr("&Stop and Close"), QMessageBox::DestructiveRole);
        box->addButton(tr("&Keep Running"), QMessageBox::RejectRole);
        box->setAttribute(Qt::WA_DeleteOnClose);
        connect(box, &QMessageBox::buttonClicked, this, [this, stop](QAbstractButton *clicked) {
            if (clicked != stop || !m_runs->isRunning())
                return;
            m_closeAfterRun = true;
            m_runs->cancel();
            statusBar()->showMessage(tr("Stopping the run after its current batch…"));
        });
        box->open();
        return;
    }
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    QMainWindow::closeEvent(event);
}

void MainWindow::showAbout()
{
    auto *box = new QMessageBox(QMessageBox::Information, tr("About Stagecraft"),
                                tr("<h3>Stagecraft %1</h3><p>Design a new column, see the lock impact of every "
                                   "step, and run the staged migration without downtime on PostgreSQL, MySQL, "
                                   "MariaDB and SQLite.</p>")
                                    .arg(QStringLiteral(STAGECRAFT_VERSION)),
                                QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

PlanView *MainWindow::planView() const
{
    return m_plan->planView();
}

ColumnDesigner *MainWindow::designer() const
{
    return m_plan->designer();
}

SchemaModel *MainWindow::schemaModel() const
{
    return m_browser->schemaModel();
}

ColumnsModel *MainWindow::columnsModel() const
{
    return m_browser->columnsModel();
}

IndexesModel *MainWindow::indexesModel() const
{
    return m_browser->indexesModel();
}

ConstraintsModel *MainWindow::constraintsModel() const
{
    return m_browser->constraintsModel();
}

SqlPreview *MainWindow::sqlPreview() const
{
    return m_browser->sqlPreview();
}

QString MainWindow::lastError() const
{
    return m_status->lastError();
}

} // namespace Stagecraft
