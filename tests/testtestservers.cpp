// The harness itself: throwaway servers start, answer, and leave nothing behind.

#include "connection/databaseconnection.h"
#include "testservers.h"

#include <QDir>
#include <QSqlQuery>
#include <QTest>

#include <signal.h>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

class TestTestServers : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void lifecycle_data();
    void lifecycle();
    void missingInstallationIsExplained();
    void sqliteProfilesAreFresh();
};

void TestTestServers::lifecycle_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<int>("expectedEngine");
    QTest::addColumn<int>("minimumVersion");
    QTest::newRow("postgresql") << "postgresql" << int(Engine::PostgreSQL) << 170000;
    QTest::newRow("mariadb") << "mariadb" << int(Engine::MariaDB) << 110800;
    QTest::newRow("mysql") << "mysql" << int(Engine::MySQL) << 90700;
}

void TestTestServers::lifecycle()
{
    QFETCH(QString, engine);
    QFETCH(int, expectedEngine);
    QFETCH(int, minimumVersion);

    std::unique_ptr<TestServer> server;
    if (engine == QLatin1String("postgresql"))
        server = std::make_unique<PostgresTestServer>();
    else if (engine == QLatin1String("mysql"))
        server = std::make_unique<MySqlTestServer>();
    else
        server = std::make_unique<MariaDbTestServer>();
    STAGECRAFT_REQUIRE_STARTED(*server);
    const QString folder = server->directory();
    const ConnectionProfile profile = server->profile();
    QVERIFY(QDir(folder).exists());
    QCOMPARE(profile.host, QStringLiteral("127.0.0.1"));
    QVERIFY(profile.port > 1024);

    {
        DatabaseConnection connection(profile);
        ConnectionError e;
        QVERIFY2(connection.open(&e), qPrintable(e.text()));
        QCOMPARE(int(connection.server().engine), expectedEngine);
        QVERIFY2(connection.server().versionNumber >= minimumVersion, qPrintable(connection.server().version));
        QSqlQuery q(connection.database());
        QVERIFY(q.exec(QStringLiteral("CREATE TABLE harness_probe (id int PRIMARY KEY)")));
    }

    // A killed server refuses connections; a destroyed one leaves no folder behind.
    const qint64 pid = server->pid();
    server->kill();
    QVERIFY(!server->isRunning());
    QCOMPARE(::kill(pid_t(pid), 0), -1);
    {
        DatabaseConnection connection(profile);
        ConnectionError e;
        QVERIFY(!connection.open(&e));
        QCOMPARE(int(e.kind), int(ConnectionError::Kind::Refused));
    }
    server.reset();
    QVERIFY(!QDir(folder).exists());
}

void TestTestServers::missingInstallationIsExplained()
{
    qputenv("STAGECRAFT_PG_BINDIR", "/nonexistent/bin");
    PostgresTestServer server;
    QString error;
    QVERIFY(!server.start(&error));
    qunsetenv("STAGECRAFT_PG_BINDIR");
    QVERIFY2(error.contains(QLatin1String("/nonexistent/bin/initdb")), qPrintable(error));

    // Oracle MySQL comes from a root scripts/dev makes: the message says how to get it.
    qputenv("STAGECRAFT_MYSQL_ROOT", "/nonexistent/root");
    MySqlTestServer mysql;
    QVERIFY(!mysql.start(&error));
    qunsetenv("STAGECRAFT_MYSQL_ROOT");
    QVERIFY2(error.contains(QLatin1String("no /nonexistent/root/usr/sbin/mysqld. `scripts/dev test`")), qPrintable(error));
}

void TestTestServers::sqliteProfilesAreFresh()
{
    ConnectionProfile a, b;
    QString error;
    QVERIFY(TestServers::profileFor(QStringLiteral("sqlite"), &a, &error));
    QVERIFY(TestServers::profileFor(QStringLiteral("sqlite"), &b, &error));
    QVERIFY(a.database != b.database);
    DatabaseConnection connection(a);
    ConnectionError e;
    QVERIFY2(connection.open(&e), qPrintable(e.text()));
    QCOMPARE(int(connection.engine()), int(Engine::SQLite));
}

QTEST_GUILESS_MAIN(TestTestServers)
#include "testtestservers.moc"
