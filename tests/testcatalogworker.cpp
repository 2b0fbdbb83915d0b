// CatalogWorker on its own thread: it opens its own connection there and answers by signals.

#include "catalog/catalogworker.h"
#include "testservers.h"

#include <QScopeGuard>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTest>
#include <QThread>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

class TestCatalogWorker : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase() { TestServers::stopAll(); }
    void browse_data();
    void browse();
    void failure();
};

void TestCatalogWorker::initTestCase()
{
    registerCatalogTypes();
}

void TestCatalogWorker::browse_data()
{
    QTest::addColumn<QString>("engine");
    QTest::newRow("postgresql") << "postgresql";
    QTest::newRow("mariadb") << "mariadb";
    QTest::newRow("sqlite") << "sqlite";
}

void TestCatalogWorker::browse()
{
    QFETCH(QString, engine);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    QString why;
    QVERIFY2(TestServers::execute(profile, {QStringLiteral("CREATE TABLE worker_probe (id int PRIMARY KEY)")}, &why),
             qPrintable(why));

    QThread thread;
    auto *worker = new CatalogWorker;
    worker->moveToThread(&thread);
    connect(&thread, &QThread::finished, worker, &QObject::deleteLater);
    thread.start();
    const auto stopThread = qScopeGuard([&thread] {
        thread.quit();
        thread.wait();
    });

    QThread *answeredFrom = nullptr;
    connect(worker, &CatalogWorker::connected, worker, [&answeredFrom] { answeredFrom = QThread::currentThread(); },
            Qt::DirectConnection);
    QSignalSpy connected(worker, &CatalogWorker::connected);
    QSignalSpy tables(worker, &CatalogWorker::tablesLoaded);
    QSignalSpy table(worker, &CatalogWorker::tableLoaded);
    QSignalSpy failed(worker, &CatalogWorker::failed);

    QMetaObject::invokeMethod(worker, "connectTo", Qt::QueuedConnection, Q_ARG(Stagecraft::ConnectionProfile, profile));
    // The worker answers from its own thread: the signal may come before a wait() could start.
    QTRY_VERIFY2_WITH_TIMEOUT(!connected.isEmpty() || !failed.isEmpty(), "no answer", 30000);
    QVERIFY2(!connected.isEmpty(), failed.isEmpty() ? "no answer" : qPrintable(failed.first().first().value<ConnectionError>().text()));
    QCOMPARE(answeredFrom, &thread); // the database work happened on the worker's thread
    QCOMPARE(int(connected.first().first().value<ServerInfo>().engine) == int(Engine::SQLite),
             engine == QLatin1String("sqlite"));

    QMetaObject::invokeMethod(worker, &CatalogWorker::loadTables, Qt::QueuedConnection);
    // The worker answers from its own thread: the signal may come before a wait() could start.
    QTRY_VERIFY2_WITH_TIMEOUT(!tables.isEmpty() || !failed.isEmpty(), "no answer", 30000);
    QVERIFY2(!tables.isEmpty(), failed.isEmpty() ? "no answer" : qPrintable(failed.first().first().value<ConnectionError>().text()));
    const auto list = tables.first().first().value<QList<TableSummary>>();
    const auto found = std::find_if(list.cbegin(), list.cend(),
                                    [](const TableSummary &t) { return t.table.name == QLatin1String("worker_probe"); });
    QVERIFY(found != list.cend());

    QMetaObject::invokeMethod(worker, "loadTable", Qt::QueuedConnection, Q_ARG(Stagecraft::TableRef, found->table));
    // The worker answers from its own thread: the signal may come before a wait() could start.
    QTRY_VERIFY2_WITH_TIMEOUT(!table.isEmpty() || !failed.isEmpty(), "no answer", 30000);
    QVERIFY2(!table.isEmpty(), failed.isEmpty() ? "no answer" : qPrintable(failed.first().first().value<ConnectionError>().text()));
    QCOMPARE(table.first().first().value<TableDetails>().columns.size(), 1);
    QCOMPARE(failed.count(), 0);

    QMetaObject::invokeMethod(worker, &CatalogWorker::disconnect, Qt::QueuedConnection);
}

void TestCatalogWorker::failure()
{
    QThread thread;
    auto *worker = new CatalogWorker;
    worker->moveToThread(&thread);
    connect(&thread, &QThread::finished, worker, &QObject::deleteLater);
    thread.start();
    const auto stopThread = qScopeGuard([&thread] {
        thread.quit();
        thread.wait();
    });
    QSignalSpy failed(worker, &CatalogWorker::failed);
    ConnectionProfile profile;
    profile.engine = Engine::PostgreSQL;
    profile.host = QStringLiteral("127.0.0.1");
    profile.port = freeLoopbackPort();
    profile.database = QStringLiteral("nope");
    QMetaObject::invokeMethod(worker, "connectTo", Qt::QueuedConnection, Q_ARG(Stagecraft::ConnectionProfile, profile));
    QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 30000);
    QCOMPARE(int(failed.first().first().value<ConnectionError>().kind), int(ConnectionError::Kind::Refused));
}

QTEST_GUILESS_MAIN(TestCatalogWorker)
#include "testcatalogworker.moc"
