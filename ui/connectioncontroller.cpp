#include "connectioncontroller.h"

#include "catalog/catalogworker.h"
#include "connectdialog.h"
#include "connection/connectionbook.h"
#include "demo/demodatabase.h"
#include "run/journal.h"
#include "schemabrowser.h"
#include "schemamodel.h"
#include "statusreporter.h"

#include <QFutureWatcher>
#include <QWidget>
#include <QtConcurrent/QtConcurrentRun>

#include <utility>

namespace Stagecraft {

ConnectionController::ConnectionController(SchemaBrowser *browser, StatusReporter *status, QWidget *dialogParent)
    : QObject(dialogParent)
    , m_browser(browser)
    , m_status(status)
    , m_dialogParent(dialogParent)
{
    registerCatalogTypes();
    m_book = new ConnectionBook(nullptr, this);

    m_worker = new CatalogWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &CatalogWorker::connected, this, &ConnectionController::onConnected);
    connect(m_worker, &CatalogWorker::tablesLoaded, this, &ConnectionController::onTablesLoaded);
    connect(m_worker, &CatalogWorker::tableLoaded, this, &ConnectionController::onTableLoaded);
    connect(m_worker, &CatalogWorker::failed, this, &ConnectionController::showFailure);
    connect(m_worker, &CatalogWorker::typesLoaded, this, [this](const QList<TypeInfo> &types) { m_types = types; });
    connect(m_browser, &SchemaBrowser::tableSelected, this, &ConnectionController::onTableSelected);
    m_thread.setObjectName(QStringLiteral("catalog"));
    m_thread.start();
}

ConnectionController::~ConnectionController()
{
    // The connection belongs to the worker's thread: close it there, then stop the thread.
    QMetaObject::invokeMethod(m_worker, &CatalogWorker::disconnect, Qt::QueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void ConnectionController::openDemo()
{
    const QString path = DemoDatabase::defaultPath();
    ConnectionProfile profile;
    profile.engine = Engine::SQLite;
    profile.database = path;
    // Even checking whether the demo is current opens a database: off the GUI thread, like the rest.
    m_status->showBusy(tr("Opening the demo database…"));
    QPointer<StatusReporter> status(m_status);
    auto *watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, profile] {
        const QString error = watcher->result();
        watcher->deleteLater();
        if (!error.isEmpty())
            m_status->showError(tr("The demo database could not be created"), error);
        else
            openConnection(profile);
    });
    watcher->setFuture(QtConcurrent::run([path, status] {
        QString error;
        const bool ok = DemoDatabase::ensure(path, &error, [status](int done, int total) {
            QMetaObject::invokeMethod(
                status, [status, done, total] {
                    if (status)
                        status->showBusy(tr("Generating the demo database (first run)…"), done, total);
                },
                Qt::QueuedConnection);
        });
        return ok ? QString() : error;
    }));
}

void ConnectionController::openUrl(const QString &url)
{
    ConnectionProfile profile;
    QString why;
    if (!ConnectionProfile::fromUrl(url, &profile, &why)) {
        m_status->showError(tr("Not a valid connection URL"), why);
        return;
    }
    openConnection(profile);
}

void ConnectionController::openConnection(const ConnectionProfile &profile)
{
    ++m_generation;
    m_profile = profile;
    m_server = {};
    m_keepTable = {};
    m_refreshing = false;
    m_readySent = false;
    m_status->clearError();
    m_browser->clear();
    m_details = {};
    m_tables.clear();
    m_types.clear();
    m_pendingReference = {};
    Q_EMIT opening(profile);
    m_status->showBusy(tr("Connecting to %1…").arg(profile.displayName()));
    QMetaObject::invokeMethod(m_worker, "connectTo", Qt::QueuedConnection,
                              Q_ARG(Stagecraft::ConnectionProfile, profile));
}

void ConnectionController::refresh()
{
    if (m_profile.database.isEmpty())
        return;
    if (m_server.version.isEmpty()) {
        openConnection(m_profile); // it never opened: try again from the start
        return;
    }
    reload(true);
}

void ConnectionController::reloadCatalog()
{
    if (!m_server.version.isEmpty())
        reload(false);
}

void ConnectionController::reload(bool reconnect)
{
    // The same connection: the plan and the runs stay; the tree comes back with the same table selected.
    const TableRef selected = m_browser->selectedTable();
    m_keepTable = selected.name.isEmpty() ? m_details.table : selected;
    m_refreshing = true;
    m_readySent = false;
    m_status->clearError();
    Q_EMIT refreshing();
    m_status->showBusy(tr("Reading the tables of %1 again…").arg(m_profile.displayName()));
    if (reconnect) // a new session: a server restarted or a connection dropped since is no matter
        QMetaObject::invokeMethod(m_worker, "connectTo", Qt::QueuedConnection, Q_ARG(Stagecraft::ConnectionProfile, m_profile));
    else
        QMetaObject::invokeMethod(m_worker, &CatalogWorker::loadTables, Qt::QueuedConnection);
}

ConnectDialog *ConnectionController::showConnectDialog()
{
    if (m_connectDialog) {
        m_connectDialog->raise();
        m_connectDialog->activateWindow();
        return m_connectDialog;
    }
    auto *dialog = new ConnectDialog(m_book, m_dialogParent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_connectDialog = dialog;
    connect(dialog, &ConnectDialog::connectRequested, this, &ConnectionController::openConnection);
    connect(dialog, &ConnectDialog::demoRequested, this, &ConnectionController::openDemo);
    dialog->open();
    return dialog;
}

bool ConnectionController::selectTable(const TableRef &table)
{
    return m_browser->selectTable(table);
}

bool ConnectionController::hasTable(const TableRef &table) const
{
    return m_browser->schemaModel()->indexOf(table).isValid();
}

void ConnectionController::showTableAgain()
{
    onTableLoaded(m_details);
}

void ConnectionController::loadReferencedTable(const TableRef &table)
{
    m_pendingReference = table;
    QMetaObject::invokeMethod(m_worker, "loadTable", Qt::QueuedConnection, Q_ARG(Stagecraft::TableRef, table));
}

void ConnectionController::showFailure(const ConnectionError &error)
{
    m_status->showStatus(tr("Not connected"));
    m_status->showError(error.kind == ConnectionError::Kind::Query || error.kind == ConnectionError::Kind::Lost
                            ? tr("Reading the catalog failed")
                            : tr("Could not connect"),
                        error.text());
}

void ConnectionController::markReady()
{
    if (!m_readySent) {
        m_readySent = true;
        Q_EMIT ready();
    }
}

QString ConnectionController::connectedText() const
{
    const int count = m_browser->schemaModel()->tableCount();
    return tr("%1 — %2 — %3").arg(m_server.displayName(), m_profile.displayName(),
                                  count == 1 ? tr("1 table") : tr("%1 tables").arg(count));
}

ConnectionSummary ConnectionController::summary() const
{
    if (m_server.version.isEmpty())
        return {};
    QString savedName;
    ConnectionProfile opened = m_profile;
    opened.password.clear();
    for (const SavedConnection &c : m_book->saved()) {
        if (c.profile == opened) {
            savedName = c.name;
            break;
        }
    }
    return ConnectionSummary::of(m_profile, m_server, savedName);
}

void ConnectionController::onConnected(const ServerInfo &server)
{
    m_server = server;
    if (m_refreshing) {
        // The same database on a new session: read it again, without telling the window it is another.
        QMetaObject::invokeMethod(m_worker, &CatalogWorker::loadTables, Qt::QueuedConnection);
        QMetaObject::invokeMethod(m_worker, &CatalogWorker::loadTypes, Qt::QueuedConnection);
        return;
    }
    if (m_profile.database != DemoDatabase::defaultPath())
        m_book->addRecent(m_profile); // the demo has a button of its own
    m_status->showBusy(tr("Reading the tables of %1…").arg(m_profile.displayName()));
    QMetaObject::invokeMethod(m_worker, &CatalogWorker::loadTables, Qt::QueuedConnection);
    QMetaObject::invokeMethod(m_worker, &CatalogWorker::loadTypes, Qt::QueuedConnection);
    Q_EMIT connected(server);
}

void ConnectionController::onTablesLoaded(const QList<TableSummary> &tables)
{
    if (m_server.version.isEmpty())
        return; // read for the connection before (a reload after a run), answered after another was asked for
    m_status->clearBusy();
    // Stagecraft's own journal is no table to add a column to: neither in the tree nor in a picker.
    m_tables.clear();
    for (const TableSummary &t : tables) {
        if (!Journal::isJournalTable(m_server.engine, t.table))
            m_tables << t;
    }
    // The table to select again: the one asked for by a refresh, else the one selected now (two
    // reloads may cross: the second finds the first's selection), else the first.
    TableRef keep = std::exchange(m_keepTable, TableRef());
    if (keep.name.isEmpty())
        keep = m_browser->selectedTable();
    m_browser->setTables(summary(), m_tables);
    m_status->showStatus(connectedText());
    m_refreshing = false;
    if (m_tables.isEmpty()) {
        m_details = {};
        m_browser->showNoTables();
        markReady();
        return;
    }
    if (keep.name.isEmpty() || !m_browser->selectTable(keep))
        m_browser->selectTable(m_tables.first().table);
}

void ConnectionController::onTableSelected(const TableRef &table)
{
    m_status->showBusy(tr("Reading table %1…").arg(table.name));
    QMetaObject::invokeMethod(m_worker, "loadTable", Qt::QueuedConnection, Q_ARG(Stagecraft::TableRef, table));
}

void ConnectionController::onTableLoaded(const TableDetails &details)
{
    if (!m_pendingReference.name.isEmpty() && details.table == m_pendingReference) {
        // The designer's foreign key picker asked for this table's columns.
        QStringList columns;
        for (const ColumnInfo &c : details.columns)
            columns << c.name;
        Q_EMIT referencedTableLoaded(details.table, columns);
        m_pendingReference = {};
        return;
    }
    if (!m_browser->isSelected(details.table))
        return; // the user has moved on to another table
    m_status->clearBusy();
    m_status->showStatus(connectedText());
    m_browser->showTable(details, m_server.engine);
    m_details = details;
    Q_EMIT tableShown(details); // the window enables Add Column, a spec file's column opens in the designer
    markReady();
}

} // namespace Stagecraft
