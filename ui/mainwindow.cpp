#include "mainwindow.h"

#include "catalog/catalogworker.h"
#include "columndesigner.h"
#include "catalog/catalogreader.h"
#include "confirmrundialog.h"
#include "report/reportwriter.h"
#include "plan/planexport.h"
#include "connectdialog.h"
#include "connection/connectionbook.h"
#include "run/journal.h"
#include "planstepsmodel.h"
#include "runcontroller.h"
#include "runpanel.h"
#include "settingsdialog.h"

#include <QCloseEvent>
#include <QSettings>
#include "plan/planworker.h"
#include "planview.h"
#include "columnsmodel.h"
#include "indexesmodel.h"
#include "demo/demodatabase.h"
#include "schemamodel.h"
#include "sqlpreview.h"

#include <QApplication>
#include <QFile>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QTabWidget>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QTreeView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace Stagecraft {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_schemaModel(new SchemaModel(this))
    , m_columnsModel(new ColumnsModel(this))
    , m_indexesModel(new IndexesModel(this))
    , m_constraintsModel(new ConstraintsModel(this))
{
    registerCatalogTypes();
    m_book = new ConnectionBook(nullptr, this);

    setWindowTitle(tr("Stagecraft"));
    resize(1280, 800);

    m_banner = new QLabel(this);
    m_banner->setObjectName(QStringLiteral("errorBanner"));
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->setMargin(8);
    m_banner->setStyleSheet(QStringLiteral("QLabel { background: #f8d7da; color: #58151c; border-radius: 4px; }"));
    m_banner->hide();

    // Filter as you type: a table stays when its name matches, its schema with it.
    m_treeProxy = new QSortFilterProxyModel(this);
    m_treeProxy->setSourceModel(m_schemaModel);
    m_treeProxy->setRecursiveFilteringEnabled(true);
    m_treeProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("tableFilter"));
    m_filter->setPlaceholderText(tr("Filter tables…"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_treeProxy->setFilterFixedString(text);
        m_tree->expandAll();
    });
    m_tree = new QTreeView(this);
    m_tree->setObjectName(QStringLiteral("schemaTree"));
    m_tree->setModel(m_treeProxy);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(SchemaModel::NameColumn, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(SchemaModel::RowsColumn, QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(SchemaModel::SizeColumn, QHeaderView::ResizeToContents);

    m_tableTitle = new QLabel(this);
    QFont titleFont = m_tableTitle->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    titleFont.setBold(true);
    m_tableTitle->setFont(titleFont);

    m_columns = new QTableView(this);
    m_columns->setObjectName(QStringLiteral("columnsView"));
    m_columns->setModel(m_columnsModel);
    m_columns->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_columns->setAlternatingRowColors(true);
    m_columns->verticalHeader()->hide();
    m_columns->verticalHeader()->setDefaultSectionSize(m_columns->fontMetrics().height() + 8);
    m_columns->horizontalHeader()->setStretchLastSection(true);

    m_preview = new SqlPreview(this);
    m_preview->setObjectName(QStringLiteral("sqlPreview"));

    // Columns, indexes and constraints of the selected table, one tab each.
    auto *detailTabs = new QTabWidget(this);
    detailTabs->setObjectName(QStringLiteral("tableTabs"));
    detailTabs->addTab(m_columns, tr("Columns"));
    for (auto [model, name, title] : {std::tuple{static_cast<QAbstractItemModel *>(m_indexesModel), "indexesView", tr("Indexes")},
                                      std::tuple{static_cast<QAbstractItemModel *>(m_constraintsModel), "constraintsView", tr("Constraints")}}) {
        auto *view = new QTableView(this);
        view->setObjectName(QLatin1String(name));
        view->setModel(model);
        view->setSelectionBehavior(QAbstractItemView::SelectRows);
        view->verticalHeader()->hide();
        view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 8);
        view->horizontalHeader()->setStretchLastSection(true);
        detailTabs->addTab(view, title);
    }
    auto *detailSplitter = new QSplitter(Qt::Vertical, this);
    detailSplitter->addWidget(detailTabs);
    detailSplitter->addWidget(m_preview);
    detailSplitter->setStretchFactor(0, 1);
    detailSplitter->setStretchFactor(1, 1);

    auto *detail = new QWidget(this);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addWidget(m_tableTitle);
    detailLayout->addWidget(detailSplitter, 1);

    auto *browser = new QWidget(this);
    auto *browserLayout = new QVBoxLayout(browser);
    browserLayout->setContentsMargins(0, 0, 0, 0);
    browserLayout->addWidget(m_filter);
    browserLayout->addWidget(m_tree, 1);
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(browser);
    splitter->addWidget(detail);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    splitter->setSizes({460, 820});

    m_planView = new PlanView(this);
    m_planView->setObjectName(QStringLiteral("planView"));
    m_designer = new ColumnDesigner(this);
    m_designer->setObjectName(QStringLiteral("columnDesigner"));
    auto *planSplitter = new QSplitter(Qt::Horizontal, this);
    planSplitter->addWidget(m_designer);
    planSplitter->addWidget(m_planView);
    planSplitter->setStretchFactor(0, 2);
    planSplitter->setStretchFactor(1, 5);
    m_tabs = new QTabWidget(this);
    m_tabs->addTab(splitter, tr("Schema"));
    m_tabs->addTab(planSplitter, tr("Plan"));
    m_runPanel = new RunPanel(this);
    m_runPanel->setObjectName(QStringLiteral("runPanel"));
    m_tabs->addTab(m_runPanel, tr("Run"));
    m_resumeBar = new QLabel(this);
    m_resumeBar->setObjectName(QStringLiteral("resumeBar"));
    m_resumeBar->setWordWrap(true);
    m_resumeBar->setMargin(8);
    m_resumeBar->setStyleSheet(QStringLiteral("QLabel { background: #cfe2ff; color: #052c65; border-radius: 4px; }"));
    m_resumeBar->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    m_resumeBar->hide();
    m_runs = new RunController(m_runPanel, this);
    connect(m_resumeBar, &QLabel::linkActivated, this, [this](const QString &link) {
        if (link == QLatin1String("rollback"))
            m_runs->requestRollback(m_runs->interrupted().runId, m_runs->interrupted().plan);
        else
            resumeInterruptedRun();
    });
    connect(m_runs, &RunController::journalChecked, this, [this] {
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
    });
    connect(m_runs, &RunController::started, this, [this] {
        m_resumeBar->hide();
        m_tabs->setCurrentWidget(m_runPanel);
    });
    connect(m_runs, &RunController::ended, this, [this] {
        m_planView->runButton()->setEnabled(false); // the plan on screen is spent; edit or re-plan for another
        if (!m_details.table.name.isEmpty()) // show the table as it is now
            QMetaObject::invokeMethod(m_worker, "loadTable", Qt::QueuedConnection, Q_ARG(Stagecraft::TableRef, m_details.table));
        Q_EMIT runEnded();
        if (m_closeAfterRun)
            close();
    });
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->addWidget(m_banner);
    layout->addWidget(m_resumeBar);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);

    m_statusLabel = new QLabel(tr("Not connected"), this);
    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(240);
    m_progress->hide();
    statusBar()->addWidget(m_statusLabel, 1);
    statusBar()->addPermanentWidget(m_progress);

    buildMenus();
    // Where the window was, as the user left it.
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());

    m_worker = new CatalogWorker;
    m_worker->moveToThread(&m_catalogThread);
    connect(&m_catalogThread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &CatalogWorker::connected, this, &MainWindow::onConnected);
    connect(m_worker, &CatalogWorker::tablesLoaded, this, &MainWindow::onTablesLoaded);
    connect(m_worker, &CatalogWorker::tableLoaded, this, &MainWindow::onTableLoaded);
    connect(m_worker, &CatalogWorker::failed, this, &MainWindow::onFailed);
    connect(m_worker, &CatalogWorker::typesLoaded, this, [this](const QList<TypeInfo> &types) { m_types = types; });
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &MainWindow::onTableSelected);
    m_catalogThread.setObjectName(QStringLiteral("catalog"));
    m_catalogThread.start();

    qRegisterMetaType<ColumnSpec>();
    qRegisterMetaType<Plan>();
    qRegisterMetaType<QList<SpecProblem>>();
    qRegisterMetaType<RunSettings>();
    m_planWorker = new PlanWorker;
    m_planWorker->moveToThread(&m_planThread);
    connect(&m_planThread, &QThread::finished, m_planWorker, &QObject::deleteLater);
    connect(m_planWorker, &PlanWorker::planned, this, [this](const Plan &plan) {
        if (!takePlanAnswer())
            return; // planned on the connection before: it must not come back to the Plan tab
        clearBusy();
        m_planView->setPlan(plan, m_server.versionNumber);
        m_designer->showPlan(plan);
        m_exportMenu->setEnabled(!plan.steps.isEmpty());
        if (m_tabs->currentWidget() != m_runPanel) // never pull the user away from a run
            m_tabs->setCurrentIndex(1);
        m_statusLabel->setText(tr("Planned %1 steps; writes blocked about %2 s in all")
                                   .arg(plan.steps.size())
                                   .arg(plan.secondsWritesBlocked(), 0, 'f', 2));
        Q_EMIT planShown();
    });
    connect(m_planWorker, &PlanWorker::rejected, this, [this](const QList<SpecProblem> &problems) {
        if (!takePlanAnswer())
            return;
        clearBusy();
        m_planView->showProblems(problems);
        m_designer->showProblems(problems);
        m_exportMenu->setEnabled(false);
        m_statusLabel->setText(tr("The column cannot be planned (problems to fix: %1); each is shown beside its field")
                                   .arg(problems.size()));
        if (m_tabs->currentWidget() != m_runPanel)
            m_tabs->setCurrentIndex(1);
        Q_EMIT planShown();
    });
    connect(m_designer, &ColumnDesigner::specEdited, this, [this](const ColumnSpec &spec) { planColumn(spec); });
    connect(m_designer, &ColumnDesigner::referencedTableChosen, this, [this](const TableRef &table) {
        m_pendingReference = table;
        QMetaObject::invokeMethod(m_worker, "loadTable", Qt::QueuedConnection, Q_ARG(Stagecraft::TableRef, table));
    });
    connect(m_planWorker, &PlanWorker::failed, this, [this](const ConnectionError &error) {
        if (takePlanAnswer())
            onFailed(error);
    });
    connect(m_planView, &PlanView::targetVersionChosen, this, [this](int version) { planColumn(m_spec, version); });
    connect(m_planView, &PlanView::runRequested, this, &MainWindow::requestRun);
    connect(m_planView, &PlanView::dataCheckRequested, this, &MainWindow::checkData);
    m_planThread.setObjectName(QStringLiteral("planner"));
    m_planThread.start();
}

MainWindow::~MainWindow()
{
    // The connection belongs to the worker's thread: close it there, then stop the thread.
    QMetaObject::invokeMethod(m_worker, &CatalogWorker::disconnect, Qt::QueuedConnection);
    m_catalogThread.quit();
    m_catalogThread.wait();
    m_planThread.quit();
    m_planThread.wait();
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *demo = file->addAction(tr("Open &Demo Database"), this, &MainWindow::openDemo);
    demo->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    QAction *connectTo = file->addAction(tr("&Connect…"), this, [this] { static_cast<void>(showConnectDialog()); });
    connectTo->setShortcut(QKeySequence::Open);
    QAction *refresh = file->addAction(tr("&Refresh"), this, [this] {
        if (!m_profile.database.isEmpty())
            openConnection(m_profile);
    });
    refresh->setShortcut(QKeySequence::Refresh);
    m_addColumn = file->addAction(tr("&Add Column…"), this, &MainWindow::addColumn);
    m_addColumn->setShortcut(QKeySequence::New);
    m_addColumn->setEnabled(false);
    QAction *plan = file->addAction(tr("&Plan Column from Spec File…"), this, &MainWindow::promptForSpecFile);
    plan->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    m_exportMenu = file->addMenu(tr("&Export Plan"));
    QAction *pdf = m_exportMenu->addAction(tr("Review Report (&PDF)…"), this, [this] { promptForExport(QStringLiteral("pdf")); });
    pdf->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_exportMenu->addAction(tr("Review Report (&Markdown)…"), this, [this] { promptForExport(QStringLiteral("markdown")); });
    m_exportMenu->addSeparator();
    m_exportMenu->addAction(tr("&SQL by Stage…"), this, [this] { promptForExport(QStringLiteral("sql-stages")); });
    m_exportMenu->addAction(tr("&Flyway Migrations…"), this, [this] { promptForExport(QStringLiteral("flyway")); });
    m_exportMenu->addAction(tr("&Liquibase Changelog…"), this, [this] { promptForExport(QStringLiteral("liquibase")); });
    m_exportMenu->addAction(tr("&golang-migrate Files…"), this, [this] { promptForExport(QStringLiteral("golang-migrate")); });
    m_exportMenu->setEnabled(false);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *edit = menuBar()->addMenu(tr("&Settings"));
    QAction *preferences = edit->addAction(tr("&Preferences…"), this, &MainWindow::showSettings);
    preferences->setShortcuts({QKeySequence(QKeySequence::Preferences), QKeySequence(Qt::CTRL | Qt::Key_Comma)});
    preferences->setMenuRole(QAction::PreferencesRole);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Stagecraft"), this, &MainWindow::showAbout);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::showBusy(const QString &message, int done, int total)
{
    m_statusLabel->setText(message);
    m_progress->setRange(0, total); // 0..0: a busy indicator
    m_progress->setValue(done);
    m_progress->show();
}

void MainWindow::clearBusy()
{
    m_progress->hide();
}

void MainWindow::showError(const QString &title, const QString &message)
{
    m_lastError = message;
    m_banner->setText(QStringLiteral("<b>%1</b><br>%2").arg(title.toHtmlEscaped(),
                                                            message.toHtmlEscaped().replace(QLatin1Char('\n'),
                                                                                            QLatin1String("<br>"))));
    m_banner->show();
    clearBusy();
    // Window-modal and non-blocking: no nested event loop.
    auto *box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    box->open();
    if (!m_readySent) {
        m_readySent = true;
        Q_EMIT ready();
    }
}

void MainWindow::openDemo()
{
    const QString path = DemoDatabase::defaultPath();
    ConnectionProfile profile;
    profile.engine = Engine::SQLite;
    profile.database = path;
    // Even checking whether the demo is current opens a database: off the GUI thread, like the rest.
    showBusy(tr("Opening the demo database…"));
    QPointer<MainWindow> self(this);
    auto *watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, profile] {
        const QString error = watcher->result();
        watcher->deleteLater();
        if (!error.isEmpty())
            showError(tr("The demo database could not be created"), error);
        else
            openConnection(profile);
    });
    watcher->setFuture(QtConcurrent::run([path, self] {
        QString error;
        const bool ok = DemoDatabase::ensure(path, &error, [self](int done, int total) {
            QMetaObject::invokeMethod(
                self, [self, done, total] {
                    if (self)
                        self->showBusy(tr("Generating the demo database (first run)…"), done, total);
                },
                Qt::QueuedConnection);
        });
        return ok ? QString() : error;
    }));
}

void MainWindow::openUrl(const QString &url)
{
    ConnectionProfile profile;
    QString why;
    if (!ConnectionProfile::fromUrl(url, &profile, &why)) {
        showError(tr("Not a valid connection URL"), why);
        return;
    }
    openConnection(profile);
}

void MainWindow::openConnection(const ConnectionProfile &profile)
{
    ++m_generation;
    m_profile = profile;
    m_readySent = false;
    m_lastError.clear();
    m_banner->hide();
    m_schemaModel->clear();
    m_columnsModel->setRows({});
    m_indexesModel->setRows({});
    m_constraintsModel->setRows({});
    m_details = {};
    m_tables.clear();
    m_types.clear();
    m_addColumn->setEnabled(false);
    m_preview->clear();
    m_tableTitle->clear();
    // The plan on screen was made on the connection before: it must not be run on this one.
    clearPlan();
    setWindowTitle(tr("Stagecraft — %1").arg(profile.displayName()));
    showBusy(tr("Connecting to %1…").arg(profile.displayName()));
    QMetaObject::invokeMethod(m_worker, "connectTo", Qt::QueuedConnection,
                              Q_ARG(Stagecraft::ConnectionProfile, profile));
}

void MainWindow::clearPlan()
{
    m_planView->clear();
    m_designer->clear();
    m_spec = {};
    m_pendingSpec = {};
    m_pendingReference = {};
    m_exportMenu->setEnabled(false);
}

bool MainWindow::takePlanAnswer()
{
    return !m_planRequests.isEmpty() && m_planRequests.takeFirst() == m_generation;
}

void MainWindow::onConnected(const ServerInfo &server)
{
    m_server = server;
    if (m_profile.database != DemoDatabase::defaultPath())
        m_book->addRecent(m_profile); // the demo has a button of its own
    showBusy(tr("Reading the tables of %1…").arg(m_profile.displayName()));
    QMetaObject::invokeMethod(m_worker, &CatalogWorker::loadTables, Qt::QueuedConnection);
    QMetaObject::invokeMethod(m_worker, &CatalogWorker::loadTypes, Qt::QueuedConnection);
    m_runs->setConnection(m_profile, server.displayName());
    m_resumeBar->hide();
    m_runs->checkJournal();
}

void MainWindow::onTablesLoaded(const QList<TableSummary> &tables)
{
    clearBusy();
    m_tables = tables;
    m_schemaModel->setTables(tables);
    m_tree->expandAll();
    m_statusLabel->setText(connectedText());
    if (tables.isEmpty()) {
        m_tableTitle->setText(tr("This database has no tables yet."));
        if (!m_readySent) {
            m_readySent = true;
            Q_EMIT ready();
        }
        return;
    }
    selectTable(tables.first().table);
}

bool MainWindow::selectTable(const TableRef &table)
{
    const QModelIndex source = m_schemaModel->indexOf(table);
    if (!source.isValid())
        return false;
    QModelIndex shown = m_treeProxy->mapFromSource(source);
    if (!shown.isValid()) {
        m_filter->clear();
        shown = m_treeProxy->mapFromSource(source);
    }
    m_tree->setCurrentIndex(shown);
    return true;
}

QString MainWindow::connectedText() const
{
    const int count = m_schemaModel->tableCount();
    return tr("%1 — %2 — %3").arg(m_server.displayName(), m_profile.displayName(),
                                  count == 1 ? tr("1 table") : tr("%1 tables").arg(count));
}

void MainWindow::onTableSelected()
{
    const QModelIndex current = m_tree->currentIndex();
    const QVariant ref = current.siblingAtColumn(0).data(SchemaModel::TableRefRole);
    if (!ref.isValid())
        return;
    const TableRef table = ref.value<TableRef>();
    m_tableTitle->setText(table.name);
    showBusy(tr("Reading table %1…").arg(table.name));
    QMetaObject::invokeMethod(m_worker, "loadTable", Qt::QueuedConnection, Q_ARG(Stagecraft::TableRef, table));
}

void MainWindow::onTableLoaded(const TableDetails &details)
{
    if (!m_pendingReference.name.isEmpty() && details.table == m_pendingReference) {
        // The designer's foreign key picker asked for this table's columns.
        QStringList columns;
        for (const ColumnInfo &c : details.columns)
            columns << c.name;
        m_designer->setReferencedColumns(details.table, columns);
        m_pendingReference = {};
        return;
    }
    const QVariant current = m_tree->currentIndex().siblingAtColumn(0).data(SchemaModel::TableRefRole);
    if (!current.isValid() || current.value<TableRef>() != details.table)
        return; // the user has moved on to another table
    clearBusy();
    m_statusLabel->setText(connectedText());
    m_tableTitle->setText(details.table.schema == QLatin1String("main")
                              ? details.table.name
                              : details.table.schema + QLatin1Char('.') + details.table.name);
    m_columnsModel->setRows(details.columns);
    m_columns->resizeColumnsToContents();
    m_indexesModel->setRows(details.indexes);
    m_constraintsModel->setRows(details.constraints);
    m_details = details;
    m_addColumn->setEnabled(details.kind != RelationKind::View);
    if (!m_pendingSpec.table.name.isEmpty() && m_pendingSpec.table == details.table) {
        const ColumnSpec spec = m_pendingSpec;
        m_pendingSpec = {};
        addColumn();
        m_designer->setSpec(spec); // the designer asks for the plan, as for any edit
    }
    m_preview->setSql(details.definitionSql, m_server.engine);
    if (!m_readySent) {
        m_readySent = true;
        Q_EMIT ready();
    }
}

void MainWindow::onFailed(const ConnectionError &error)
{
    m_statusLabel->setText(tr("Not connected"));
    showError(error.kind == ConnectionError::Kind::Query || error.kind == ConnectionError::Kind::Lost
                  ? tr("Reading the catalog failed")
                  : tr("Could not connect"),
              error.text());
}

ConnectDialog *MainWindow::showConnectDialog()
{
    if (m_connectDialog) {
        m_connectDialog->raise();
        m_connectDialog->activateWindow();
        return m_connectDialog;
    }
    auto *dialog = new ConnectDialog(m_book, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_connectDialog = dialog;
    connect(dialog, &ConnectDialog::connectRequested, this, &MainWindow::openConnection);
    connect(dialog, &ConnectDialog::demoRequested, this, &MainWindow::openDemo);
    dialog->open();
    return dialog;
}

void MainWindow::addColumn()
{
    if (m_details.table.name.isEmpty())
        return;
    m_designer->setContext(m_server.engine, m_details, m_types, m_tables);
    m_tabs->setCurrentIndex(1);
    m_designer->setFocus();
}

void MainWindow::checkData()
{
    const Plan plan = m_planView->model()->plan();
    if (plan.steps.isEmpty())
        return;
    ColumnSpec spec = m_spec;
    spec.table = plan.table;
    if (spec.hasForeignKey() && spec.referencedTable.schema.isEmpty())
        spec.referencedTable.schema = plan.table.schema;
    const QStringList keys = m_details.table == plan.table ? m_details.primaryKey() : QStringList();
    const ConnectionProfile profile = m_profile;
    showBusy(tr("Pre-flight: checking the existing rows of %1 and the sessions using it…").arg(plan.table.name));
    struct Result
    {
        QList<DataFinding> findings;
        QList<BlockingSession> sessions;
        QString error;
    };
    auto *watcher = new QFutureWatcher<Result>(this);
    const quint64 generation = m_generation;
    connect(watcher, &QFutureWatcher<Result>::finished, this, [this, watcher, generation] {
        const Result result = watcher->result();
        watcher->deleteLater();
        if (generation != m_generation)
            return; // the findings of a table on the connection before
        clearBusy();
        m_statusLabel->setText(connectedText());
        if (!result.error.isEmpty())
            showError(tr("The pre-flight checks failed"), result.error);
        else
            m_planView->showFindings(result.findings, result.sessions);
        Q_EMIT dataChecked();
    });
    watcher->setFuture(QtConcurrent::run([profile, spec, keys] {
        DatabaseConnection connection(profile);
        ConnectionError error;
        Result result;
        if (!connection.open(&error) || !DataChecks::run(connection, spec, keys, &result.findings, &error)
            || !CatalogReader::create(connection)->blockingSessions(spec.table, &result.sessions, &error))
            result.error = error.text();
        return result;
    }));
}

void MainWindow::requestRun()
{
    m_runs->requestRun(m_planView->model()->plan());
}

void MainWindow::resumeInterruptedRun()
{
    m_runs->requestResume(m_runs->interrupted().runId, m_runs->interrupted().plan);
}

QString MainWindow::resumableRun() const
{
    return m_runs->interrupted().refusal.isEmpty() ? m_runs->interrupted().runId : QString();
}

void MainWindow::planColumn(const ColumnSpec &spec, int targetVersion)
{
    if (m_profile.database.isEmpty()) {
        showError(tr("No database is open"), tr("Open a database first, then plan a column on one of its tables."));
        return;
    }
    m_spec = spec;
    m_targetVersion = targetVersion;
    m_planRequests << m_generation;
    showBusy(tr("Checking and planning column %1…").arg(spec.name));
    QMetaObject::invokeMethod(m_planWorker, "plan", Qt::QueuedConnection, Q_ARG(Stagecraft::ConnectionProfile, m_profile),
                              Q_ARG(Stagecraft::ColumnSpec, spec), Q_ARG(int, targetVersion),
                              Q_ARG(Stagecraft::RunSettings, SettingsDialog::runSettings()));
}

void MainWindow::planSpecFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        showError(tr("Cannot read the spec"), tr("%1: %2").arg(path, file.errorString()));
        return;
    }
    ColumnSpec spec;
    QList<SpecProblem> problems;
    if (!ColumnSpec::fromJson(file.readAll(), &spec, &problems) && spec.table.name.isEmpty()) {
        m_planView->showProblems(problems);
        m_tabs->setCurrentIndex(1);
        Q_EMIT planShown();
        return;
    }
    // Show the spec in the designer on its table, so it can be edited; the plan follows from there.
    TableRef table = spec.table;
    if (table.schema.isEmpty())
        table.schema = m_server.engine == Engine::PostgreSQL ? QStringLiteral("public")
                       : m_server.engine == Engine::SQLite   ? QStringLiteral("main")
                                                             : m_profile.database;
    if (!m_schemaModel->indexOf(table).isValid()) {
        planColumn(spec); // the validator says which table is missing
        return;
    }
    spec.table = table;
    m_pendingSpec = spec;
    if (m_details.table == table) {
        onTableLoaded(m_details);
        return;
    }
    selectTable(table);
}

void MainWindow::promptForSpecFile()
{
    auto *dialog = new QFileDialog(this, tr("Plan a Column"), QString(), tr("Column specs (*.json)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    connect(dialog, &QFileDialog::fileSelected, this, &MainWindow::planSpecFile);
    dialog->open();
}

void MainWindow::showSettings()
{
    auto *dialog = new SettingsDialog(this);
    dialog->setObjectName(QStringLiteral("settingsDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // The plan states the settings it runs with: a plan on view is made again with the new ones.
    connect(dialog, &QDialog::accepted, this, [this] {
        if (!m_spec.name.isEmpty() && !m_runs->isRunning())
            planColumn(m_spec, m_targetVersion);
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
                                             m_runPanel->plan().table.name, m_profile.displayName()),
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

bool MainWindow::exportPlan(const QString &kind, const QString &path, QString *error)
{
    const Plan plan = m_planView->model()->plan();
    if (plan.steps.isEmpty()) {
        *error = tr("There is no plan to export.");
        return false;
    }
    // The pre-flight findings, when they were checked for this plan.
    const QString findings = m_planView->findingsText();
    if (kind == QLatin1String("pdf"))
        return ReportWriter::writePdf(plan, findings, path, error);
    if (kind == QLatin1String("markdown"))
        return ReportWriter::writeMarkdown(plan, findings, path, error);
    PlanExport::Format format;
    if (!PlanExport::formatFromName(kind, &format)) {
        *error = tr("Unknown export format %1.").arg(kind);
        return false;
    }
    QStringList written;
    return PlanExport::write(plan, format, path, QDateTime::currentDateTimeUtc(), &written, error);
}

void MainWindow::promptForExport(const QString &kind)
{
    const bool report = kind == QLatin1String("pdf") || kind == QLatin1String("markdown");
    const Plan plan = m_planView->model()->plan();
    auto *dialog = new QFileDialog(this, report ? tr("Export the Review Report") : tr("Export Migrations into a Folder"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (report) {
        dialog->setAcceptMode(QFileDialog::AcceptSave);
        const QString suffix = kind == QLatin1String("pdf") ? QStringLiteral("pdf") : QStringLiteral("md");
        dialog->setDefaultSuffix(suffix);
        dialog->setNameFilter(kind == QLatin1String("pdf") ? tr("PDF (*.pdf)") : tr("Markdown (*.md)"));
        dialog->selectFile(QStringLiteral("%1-%2-review.%3").arg(plan.table.name, plan.spec.name, suffix));
    } else {
        dialog->setFileMode(QFileDialog::Directory);
        dialog->setOption(QFileDialog::ShowDirsOnly);
    }
    connect(dialog, &QFileDialog::fileSelected, this, [this, kind](const QString &path) {
        QString error;
        if (exportPlan(kind, path, &error))
            m_statusLabel->setText(tr("Exported to %1").arg(path));
        else
            showError(tr("The plan could not be exported"), error);
    });
    dialog->open();
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

} // namespace Stagecraft
