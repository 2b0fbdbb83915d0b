#include "planworkspace.h"

#include "catalog/catalogreader.h"
#include "columndesigner.h"
#include "connection/databaseconnection.h"
#include "connectioncontroller.h"
#include "plan/backfillpreviewworker.h"
#include "plan/planexport.h"
#include "plan/planformat.h"
#include "plan/planworker.h"
#include "plan/specvalidator.h"
#include "planstepsmodel.h"
#include "planview.h"
#include "report/reportwriter.h"
#include "sessionsignaldialog.h"
#include "settingsdialog.h"
#include "statusreporter.h"

#include <QDateTime>
#include <QFile>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QMenu>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QtConcurrent/QtConcurrentRun>

#include <limits>

namespace Stagecraft {

PlanWorkspace::PlanWorkspace(ConnectionController *connection, StatusReporter *status, QWidget *parent)
    : QWidget(parent)
    , m_connection(connection)
    , m_status(status)
{
    m_planView = new PlanView(this);
    m_planView->setObjectName(QStringLiteral("planView"));
    m_designer = new ColumnDesigner(this);
    m_designer->setObjectName(QStringLiteral("columnDesigner"));
    // The form scrolls rather than making the window taller than a 700 px screen.
    auto *scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("columnDesignerScroll"));
    scroll->setWidget(m_designer);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // As wide as the form needs (as before it scrolled): only its height scrolls.
    scroll->setMinimumWidth(m_designer->minimumSizeHint().width() + scroll->verticalScrollBar()->sizeHint().width());
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(scroll);
    splitter->addWidget(m_planView);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 5);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    m_exportMenu = new QMenu(tr("&Export Plan"), this);
    QAction *pdf = m_exportMenu->addAction(tr("Review Report (&PDF)…"), this, [this] { promptForExport(QStringLiteral("pdf")); });
    pdf->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_exportMenu->addAction(tr("Review Report (&Markdown)…"), this, [this] { promptForExport(QStringLiteral("markdown")); });
    m_exportMenu->addSeparator();
    m_exportMenu->addAction(tr("&SQL by Stage…"), this, [this] { promptForExport(QStringLiteral("sql-stages")); });
    m_exportMenu->addAction(tr("&Flyway Migrations…"), this, [this] { promptForExport(QStringLiteral("flyway")); });
    m_exportMenu->addAction(tr("&Liquibase Changelog…"), this, [this] { promptForExport(QStringLiteral("liquibase")); });
    m_exportMenu->addAction(tr("&golang-migrate Files…"), this, [this] { promptForExport(QStringLiteral("golang-migrate")); });
    m_exportMenu->setEnabled(false);

    connect(m_designer, &ColumnDesigner::specEdited, this, [this](const ColumnSpec &spec) {
        requestPlan(spec, 0, PlanRequest::Source::Designer);
        previewBackfill(spec);
    });
    connect(m_designer, &ColumnDesigner::referencedTableChosen, m_connection, &ConnectionController::loadReferencedTable);
    connect(m_connection, &ConnectionController::referencedTableLoaded, m_designer, &ColumnDesigner::setReferencedColumns);
    connect(m_planView, &PlanView::targetVersionChosen, this,
            [this](int version) { requestPlan(m_spec, version, PlanRequest::Source::Designer); });
    connect(m_planView, &PlanView::dataCheckRequested, this, &PlanWorkspace::checkData);
    connect(m_planView, &PlanView::sessionSignalRequested, this, &PlanWorkspace::signalSession);
    startPlanner();
}

PlanWorkspace::~PlanWorkspace()
{
    m_previewWorker->supersede(std::numeric_limits<quint64>::max()); // whatever is queued need not run
    m_previewThread.quit();
    m_thread.quit();
    m_previewThread.wait();
    m_thread.wait();
}

void PlanWorkspace::startPreviewer()
{
    qRegisterMetaType<BackfillPreviewResult>();
    qRegisterMetaType<TableDetails>();
    m_previewWorker = new BackfillPreviewWorker;
    m_previewWorker->moveToThread(&m_previewThread);
    connect(&m_previewThread, &QThread::finished, m_previewWorker, &QObject::deleteLater);
    connect(m_previewWorker, &BackfillPreviewWorker::previewed, this, [this](quint64 request, const BackfillPreviewResult &result) {
        if (request != m_previewRequest)
            return; // an answer to a spec typed over since, or of the connection before
        m_designer->showBackfillPreview(result);
        Q_EMIT backfillPreviewed();
    });
    m_previewThread.setObjectName(QStringLiteral("backfill preview"));
    m_previewThread.start();
}

void PlanWorkspace::previewBackfill(const ColumnSpec &spec)
{
    // Only what changes the values asks the server again: the expression, the type, the table.
    const auto key = [](const ColumnSpec &s) {
        return QStringList{s.table.schema, s.table.name, s.name, s.type, s.backfill, QString::number(int(s.defaultKind)), s.defaultValue};
    };
    if (m_previewRequest != 0 && key(spec) == m_previewedKey)
        return;
    m_previewedKey = key(spec);
    m_previewWorker->supersede(++m_previewRequest);
    const TableDetails &details = m_connection->details();
    if (details.table != spec.table || Backfill::valueForExistingRows(m_connection->server().engine, spec).isEmpty()) {
        m_designer->showBackfillPreview({});
        return;
    }
    m_designer->showBackfillPreviewBusy();
    QMetaObject::invokeMethod(m_previewWorker, "preview", Qt::QueuedConnection, Q_ARG(quint64, m_previewRequest),
                              Q_ARG(Stagecraft::ConnectionProfile, m_connection->profile()), Q_ARG(Stagecraft::ColumnSpec, spec),
                              Q_ARG(Stagecraft::TableDetails, details), Q_ARG(int, BackfillPreview::DefaultRows));
}

void PlanWorkspace::startPlanner()
{
    qRegisterMetaType<ColumnSpec>();
    qRegisterMetaType<Plan>();
    qRegisterMetaType<QList<SpecProblem>>();
    qRegisterMetaType<RunSettings>();
    m_worker = new PlanWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &PlanWorker::planned, this, &PlanWorkspace::onPlanned);
    connect(m_worker, &PlanWorker::rejected, this, &PlanWorkspace::onRejected);
    connect(m_worker, &PlanWorker::failed, this, [this](const ConnectionError &error) {
        if (takePlanAnswer())
            m_connection->showFailure(error);
    });
    m_thread.setObjectName(QStringLiteral("planner"));
    m_thread.start();
    startPreviewer();
}

void PlanWorkspace::onPlanned(const Plan &plan)
{
    if (!takePlanAnswer())
        return; // planned on the connection before: it must not come back to the Plan tab
    m_status->clearBusy();
    m_planView->setPlan(plan, m_connection->server().versionNumber);
    m_designer->showPlan(plan);
    // The warnings on the designer's fields (also in the plan's warnings), on the table planned.
    if (m_connection->details().table == plan.table)
        m_designer->showWarnings(SpecValidator::warnings(plan.engine, plan.spec, m_connection->details()));
    m_exportMenu->setEnabled(!plan.steps.isEmpty());
    m_status->showStatus(tr("Planned %1 steps; writes blocked about %2 s in all")
                             .arg(plan.steps.size())
                             .arg(plan.secondsWritesBlocked(), 0, 'f', 2));
    Q_EMIT planShown();
}

void PlanWorkspace::onRejected(const QList<SpecProblem> &problems)
{
    PlanRequest request;
    if (!takePlanAnswer(&request))
        return;
    m_status->clearBusy();
    m_designer->showProblems(problems);
    // From the designer, the problems the user can see so far (the fields edited); asked for
    // directly (planColumn), all of them.
    QList<SpecProblem> shown;
    const QStringList fields = m_designer->invalidFields();
    for (const SpecProblem &p : problems) {
        if (request.source == PlanRequest::Source::Asked || fields.contains(p.field))
            shown << p;
    }
    const Plan onScreen = m_planView->model()->plan();
    if (request.source == PlanRequest::Source::Designer && !onScreen.steps.isEmpty() && onScreen.table == request.table) {
        // The last valid plan stays, marked out of date, while a field is being fixed.
        m_planView->showOutOfDate(shown.isEmpty() ? problems : shown);
    } else if (shown.isEmpty()) {
        m_planView->clear(); // a new form: nothing the user has edited is wrong yet
    } else {
        m_planView->showProblems(shown);
    }
    m_exportMenu->setEnabled(false);
    if (shown.isEmpty())
        m_status->showStatus(tr("Fill in the column to see its plan"));
    else
        m_status->showStatus(tr("The column cannot be planned (problems to fix: %1); each is shown beside its field")
                                 .arg(shown.size()));
    Q_EMIT planShown();
}

bool PlanWorkspace::takePlanAnswer(PlanRequest *taken)
{
    if (m_planRequests.isEmpty())
        return false;
    const PlanRequest request = m_planRequests.takeFirst();
    if (taken)
        *taken = request;
    return !request.dropped && request.generation == m_connection->generation();
}

void PlanWorkspace::planColumn(const ColumnSpec &spec, int targetVersion)
{
    requestPlan(spec, targetVersion, PlanRequest::Source::Asked);
}

void PlanWorkspace::requestPlan(const ColumnSpec &spec, int targetVersion, PlanRequest::Source source)
{
    if (m_connection->profile().database.isEmpty()) {
        m_status->showError(tr("No database is open"), tr("Open a database first, then plan a column on one of its tables."));
        return;
    }
    m_spec = spec;
    m_targetVersion = targetVersion;
    m_planRequests << PlanRequest{m_connection->generation(), source, spec.table, false};
    m_status->showBusy(tr("Checking and planning column %1…").arg(spec.name));
    QMetaObject::invokeMethod(m_worker, "plan", Qt::QueuedConnection, Q_ARG(Stagecraft::ConnectionProfile, m_connection->profile()),
                              Q_ARG(Stagecraft::ColumnSpec, spec), Q_ARG(int, targetVersion),
                              Q_ARG(Stagecraft::RunSettings, SettingsDialog::runSettings()));
}

void PlanWorkspace::planAgain()
{
    if (!m_spec.name.isEmpty())
        planColumn(m_spec, m_targetVersion);
}

void PlanWorkspace::planSpecFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        m_status->showError(tr("Cannot read the spec"), tr("%1: %2").arg(path, file.errorString()));
        return;
    }
    ColumnSpec spec;
    QList<SpecProblem> problems;
    // A file with problems of its own (a key not known or given twice, a value of the wrong kind)
    // is not loaded half-read: the designer could not show what was dropped.
    if (!ColumnSpec::fromJson(file.readAll(), &spec, &problems)) {
        m_planView->showProblems(problems);
        Q_EMIT specFileRejected();
        return;
    }
    // Show the spec in the designer on its table, so it can be edited; the plan follows from there.
    const Engine engine = m_connection->server().engine;
    TableRef table = spec.table;
    if (table.schema.isEmpty())
        table.schema = engine == Engine::PostgreSQL ? QStringLiteral("public")
                       : engine == Engine::SQLite   ? QStringLiteral("main")
                                                    : m_connection->profile().database;
    if (!m_connection->hasTable(table)) {
        planColumn(spec); // the validator says which table is missing
        return;
    }
    spec.table = table;
    m_pendingSpec = spec;
    if (m_connection->details().table == table) {
        m_connection->showTableAgain();
        return;
    }
    m_connection->selectTable(table);
}

void PlanWorkspace::promptForSpecFile()
{
    auto *dialog = new QFileDialog(window(), tr("Plan a Column"), QString(), tr("Column specs (*.json)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    connect(dialog, &QFileDialog::fileSelected, this, &PlanWorkspace::planSpecFile);
    dialog->open();
}

bool PlanWorkspace::takePendingSpec(const TableRef &table, ColumnSpec *spec)
{
    if (m_pendingSpec.table.name.isEmpty() || m_pendingSpec.table != table)
        return false;
    *spec = m_pendingSpec;
    m_pendingSpec = {};
    return true;
}

void PlanWorkspace::designSelectedTable()
{
    // A new column: a fresh form, and no plan of the column designed before (nor its answers still
    // on the way) in the plan view.
    for (PlanRequest &r : m_planRequests)
        r.dropped = true;
    m_planView->clear();
    m_exportMenu->setEnabled(false);
    m_spec = {};
    m_designer->setContext(m_connection->server().engine, m_connection->details(), m_connection->types(),
                           m_connection->tables());
    m_previewWorker->supersede(++m_previewRequest);
    m_previewedKey.clear();
    m_designer->showBackfillPreview({});
}

void PlanWorkspace::clear()
{
    for (PlanRequest &r : m_planRequests)
        r.dropped = true;
    m_previewWorker->supersede(++m_previewRequest);
    m_previewedKey.clear();
    m_planView->clear();
    m_designer->clear();
    m_spec = {};
    m_pendingSpec = {};
    m_exportMenu->setEnabled(false);
}

void PlanWorkspace::checkData()
{
    const Plan plan = m_planView->model()->plan();
    if (plan.steps.isEmpty() || m_planView->isOutOfDate())
        return; // only a plan the validator passed is checked: its expressions, never the fields being typed
    ColumnSpec spec = plan.spec;
    spec.table = plan.table;
    if (spec.hasForeignKey() && spec.referencedTable.schema.isEmpty())
        spec.referencedTable.schema = plan.table.schema;
    const TableDetails &details = m_connection->details();
    const QStringList keys = details.table == plan.table ? details.primaryKey() : QStringList();
    const ConnectionProfile profile = m_connection->profile();
    m_status->showBusy(tr("Pre-flight: checking the existing rows of %1 and the sessions using it…").arg(plan.table.name));
    struct Result
    {
        QList<DataFinding> findings;
        QList<BlockingSession> sessions;
        QString error;
    };
    auto *watcher = new QFutureWatcher<Result>(this);
    const quint64 generation = m_connection->generation();
    const QString checked = PlanFormat::fingerprint(plan);
    connect(watcher, &QFutureWatcher<Result>::finished, this, [this, watcher, generation, checked] {
        const Result result = watcher->result();
        watcher->deleteLater();
        if (generation != m_connection->generation())
            return; // the findings of a table on the connection before
        m_status->clearBusy();
        if (m_planView->isOutOfDate() || PlanFormat::fingerprint(m_planView->model()->plan()) != checked) {
            // Another plan is on screen now: these findings were of the one before.
            m_status->showStatus(tr("The pre-flight finished for the plan before; Pre-flight Checks checks this one"));
            Q_EMIT dataChecked();
            return;
        }
        m_status->showStatus(m_connection->connectedText());
        if (!result.error.isEmpty())
            m_status->showError(tr("The pre-flight checks failed"), result.error);
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

void PlanWorkspace::signalSession(const BlockingSession &session, SessionSignal::Action action)
{
    const ConnectionProfile profile = m_connection->profile();
    auto *dialog = new SessionSignalDialog(profile.displayName(), profile.database, session, action, this);
    dialog->setObjectName(QStringLiteral("sessionSignalDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const quint64 generation = m_connection->generation();
    connect(dialog, &QDialog::accepted, this, [this, profile, session, action, generation] {
        if (generation != m_connection->generation())
            return; // the connection changed while the dialog was open: the session was another server's
        const QString what = action == SessionSignal::Action::Terminate ? tr("Terminating session %1…").arg(session.pid)
                                                                        : tr("Cancelling the statement of session %1…").arg(session.pid);
        m_status->showBusy(what);
        auto *watcher = new QFutureWatcher<QString>(this);
        connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, session, action, generation] {
            const QString error = watcher->result();
            watcher->deleteLater();
            if (generation != m_connection->generation())
                return;
            m_status->clearBusy();
            if (!error.isEmpty()) {
                m_status->showError(tr("Session %1 was not signalled").arg(session.pid), error);
                return;
            }
            m_status->showStatus(action == SessionSignal::Action::Terminate
                                     ? tr("Session %1 terminated; checking the table's sessions again").arg(session.pid)
                                     : tr("Session %1's statement cancelled; checking the table's sessions again").arg(session.pid));
            checkData();
        });
        watcher->setFuture(QtConcurrent::run([profile, session, action] {
            DatabaseConnection connection(profile);
            ConnectionError error;
            if (!connection.open(&error) || !SessionSignal::send(connection, session, action, &error))
                return error.text();
            return QString();
        }));
    });
    dialog->open();
}

bool PlanWorkspace::exportPlan(const QString &kind, const QString &path, QString *error)
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

void PlanWorkspace::promptForExport(const QString &kind)
{
    const bool report = kind == QLatin1String("pdf") || kind == QLatin1String("markdown");
    const Plan plan = m_planView->model()->plan();
    auto *dialog = new QFileDialog(window(), report ? tr("Export the Review Report") : tr("Export Migrations into a Folder"));
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
            m_status->showStatus(tr("Exported to %1").arg(path));
        else
            m_status->showError(tr("The plan could not be exported"), error);
    });
    dialog->open();
}

} // namespace Stagecraft
