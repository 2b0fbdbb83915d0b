// The harness itself: throwaway servers start, answer, and leave nothing behind.

#include "connection/databaseconnection.h"
#include "livewriter.h"
#include "sql/quoting.h"
#include "testservers.h"

#include <QDir>
#include <QElapsedTimer>
#include <QSqlError>
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
    void liveWriter_data();
    void liveWriter();
    void liveWriterSeesDroppedTable_data();
    void liveWriterSeesDroppedTable();
    void liveWriterWithoutConnection();
    void liveWriterWaitsForLocks_data();
    void liveWriterWaitsForLocks();
    void staleRows_data();
    void staleRows();
};

namespace {

void engines()
{
    QTest::addColumn<QString>("engine");
    QTest::newRow("sqlite") << "sqlite";
    QTest::newRow("postgresql") << "postgresql";
    QTest::newRow("mariadb") << "mariadb";
}

// CREATE TABLE name (id bigint PRIMARY KEY, customer_id int, total_cents int) with rows 1..rows.
QStringList orders(Engine engine, const QString &name, int rows)
{
    const QString t = quoteIdentifier(engine, name);
    QStringList values;
    for (int id = 1; id <= rows; ++id)
        values << QStringLiteral("(%1, %2, %3)").arg(id).arg(id % 97).arg(id * 7);
    return {QStringLiteral("DROP TABLE IF EXISTS %1").arg(t),
            QStringLiteral("CREATE TABLE %1 (id bigint PRIMARY KEY, customer_id int, total_cents int)").arg(t),
            QStringLiteral("INSERT INTO %1 (id, customer_id, total_cents) VALUES %2").arg(t, values.join(QLatin1String(", ")))};
}

std::unique_ptr<LiveWriter> ordersWriter(const ConnectionProfile &profile, const QString &name, int rows, int rate)
{
    const QString t = quoteIdentifier(profile.engine, name);
    return std::make_unique<LiveWriter>(profile,
                                        QStringLiteral("INSERT INTO %1 (id, customer_id, total_cents) VALUES (%2, %2 % 97, %2 * 7)")
                                            .arg(t, QStringLiteral("%1")),
                                        QStringLiteral("UPDATE %1 SET total_cents = total_cents + 1 WHERE id = %2").arg(t, QStringLiteral("%1")),
                                        rows, 1000000, rate);
}

} // namespace

void TestTestServers::lifecycle_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<int>("expectedEngine");
    QTest::addColumn<int>("minimumVersion");
    QTest::addColumn<int>("maximumVersion"); // below this
    QTest::newRow("postgresql") << "postgresql" << int(Engine::PostgreSQL) << 170000 << 180000;
    QTest::newRow("postgresql-15") << "postgresql-15" << int(Engine::PostgreSQL) << 150000 << 160000;
    QTest::newRow("postgresql-18") << "postgresql-18" << int(Engine::PostgreSQL) << 180000 << 190000;
    QTest::newRow("mariadb") << "mariadb" << int(Engine::MariaDB) << 110800 << 110900;
    QTest::newRow("mariadb-10.11") << "mariadb-10.11" << int(Engine::MariaDB) << 101100 << 101200;
    QTest::newRow("mysql") << "mysql" << int(Engine::MySQL) << 90700 << 90800;
}

void TestTestServers::lifecycle()
{
    QFETCH(QString, engine);
    QFETCH(int, expectedEngine);
    QFETCH(int, minimumVersion);
    QFETCH(int, maximumVersion);

    std::unique_ptr<TestServer> server = TestServers::make(engine);
    QVERIFY(server);
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
        QVERIFY2(connection.server().versionNumber >= minimumVersion && connection.server().versionNumber < maximumVersion,
                 qPrintable(connection.server().version));
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

    // Oracle MySQL and the other versions come from roots scripts/dev makes: the message says how to get them.
    qputenv("STAGECRAFT_SERVER_ROOTS", "/nonexistent/roots");
    MySqlTestServer mysql;
    PostgresTestServer postgres15(15);
    MariaDbTestServer mariadb1011(QStringLiteral("10.11"));
    QString pgError, mariaError;
    QVERIFY(!mysql.start(&error));
    QVERIFY(!postgres15.start(&pgError));
    QVERIFY(!mariadb1011.start(&mariaError));
    qunsetenv("STAGECRAFT_SERVER_ROOTS");
    QVERIFY2(error.startsWith(QLatin1String("no mysql server in /nonexistent/roots (none at all). `scripts/dev test`")), qPrintable(error));
    QVERIFY2(pgError.startsWith(QLatin1String("no postgresql-15 server in /nonexistent/roots")), qPrintable(pgError));
    QVERIFY2(mariaError.startsWith(QLatin1String("no mariadb-10.11 server in /nonexistent/roots")), qPrintable(mariaError));
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

void TestTestServers::liveWriter_data()
{
    engines();
}

// For a second at 50 writes a second: the rate held, both kinds of write done, none failed, and
// the inserted rows really in the table.
void TestTestServers::liveWriter()
{
    QFETCH(QString, engine);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    const QString table = QStringLiteral("live_orders");
    QString error;
    QVERIFY2(TestServers::execute(profile, orders(profile.engine, table, 100), &error), qPrintable(error));

    const int rate = 50;
    auto writer = ordersWriter(profile, table, 100, rate);
    QElapsedTimer sinceStart;
    sinceStart.start();
    writer->start();
    QVERIFY2(writer->waitForWrites(1, 15000), qPrintable(writer->result().firstErrors.join(QLatin1Char('\n'))));
    QElapsedTimer window;
    window.start();
    const qint64 before = writer->result().writes();
    QThread::msleep(1000);
    const qint64 during = writer->result().writes() - before;
    const double windowSeconds = window.nsecsElapsed() / 1e9;
    writer->stop();
    const double totalSeconds = sinceStart.nsecsElapsed() / 1e9;
    const LiveWriter::Result r = writer->result();

    QVERIFY2(r.errors == 0, qPrintable(r.firstErrors.join(QLatin1Char('\n'))));
    QList<double> ms = r.latenciesMs;
    std::sort(ms.begin(), ms.end());
    qInfo("%lld writes in %.2f s, latency p50 %.1f ms, max %.1f ms", r.writes(), totalSeconds, ms.value(ms.size() / 2), ms.value(ms.size() - 1));
    QVERIFY(r.inserts > 0);
    QVERIFY(r.updates > 0);
    QVERIFY(qAbs(r.inserts - r.updates) <= 1); // they alternate
    QCOMPARE(r.latenciesMs.size(), qsizetype(r.writes()));
    // About the rate: never ahead of its schedule (one write is due at once), and not far behind
    // while nothing else holds the table.
    QVERIFY2(r.writes() <= qint64(rate * totalSeconds) + 1, qPrintable(QString::number(r.writes())));
    QVERIFY2(during >= qint64(0.6 * rate * windowSeconds), qPrintable(QStringLiteral("%1 writes in %2 s").arg(during).arg(windowSeconds)));

    DatabaseConnection connection(profile);
    ConnectionError e;
    QVERIFY2(connection.open(&e), qPrintable(e.text()));
    QSqlQuery q(connection.database());
    QVERIFY2(q.exec(QStringLiteral("SELECT count(*) FROM %1").arg(quoteIdentifier(profile.engine, table))) && q.next(),
             qPrintable(q.lastError().text()));
    QCOMPARE(q.value(0).toLongLong(), 100 + r.inserts);
}

void TestTestServers::liveWriterSeesDroppedTable_data()
{
    engines();
}

// The table dropped under the writer: its writes fail from then on, and the result says how.
void TestTestServers::liveWriterSeesDroppedTable()
{
    QFETCH(QString, engine);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    const QString table = QStringLiteral("live_dropped");
    QString error;
    QVERIFY2(TestServers::execute(profile, orders(profile.engine, table, 20), &error), qPrintable(error));

    // 20 a second: on SQLite each write syncs the disk, and a writer behind its schedule writes
    // back to back, holding the lock so often that the DROP's connection (5 s busy timeout) starves.
    auto writer = ordersWriter(profile, table, 20, 20);
    writer->start();
    QVERIFY(writer->waitForWrites(4, 15000));
    QCOMPARE(writer->result().errors, qint64(0));
    QVERIFY2(TestServers::execute(profile, {QStringLiteral("DROP TABLE %1").arg(quoteIdentifier(profile.engine, table))}, &error),
             qPrintable(error));
    QVERIFY(writer->waitForWrites(4, 15000));
    writer->stop();
    const LiveWriter::Result r = writer->result();

    QVERIFY(r.errors > 0);
    QVERIFY(r.writes() >= 4);
    QVERIFY(!r.firstErrors.isEmpty());
    QVERIFY(r.firstErrors.size() <= 5);
    // The server's words name the missing table; the failed statement follows in brackets.
    const QString first = r.firstErrors.first();
    QVERIFY2(first.section(QLatin1String(" ["), 0, 0).contains(table), qPrintable(first));
    QVERIFY2(first.contains(QLatin1String(" [INSERT INTO ")) || first.contains(QLatin1String(" [UPDATE ")), qPrintable(first));
}

// A writer that cannot connect counts that as its one error, and waiting for writes ends at once.
void TestTestServers::liveWriterWithoutConnection()
{
    ConnectionProfile profile;
    profile.engine = Engine::SQLite;
    profile.database = QDir::temp().filePath(QStringLiteral("stagecraft-no-such-folder/none.db"));
    LiveWriter writer(profile, QStringLiteral("INSERT INTO t VALUES (%1)"), QStringLiteral("UPDATE t SET x = 1 WHERE id = %1"), 10, 11, 100);
    writer.start();
    QElapsedTimer timer;
    timer.start();
    QVERIFY(!writer.waitForWrites(1, 10000));
    QVERIFY(timer.elapsed() < 5000);
    writer.stop();
    const LiveWriter::Result r = writer.result();
    QCOMPARE(r.errors, qint64(1));
    QCOMPARE(r.writes(), qint64(0));
    QCOMPARE(r.firstErrors.size(), qsizetype(1));
    QVERIFY2(r.firstErrors.first().contains(QLatin1String("[(connecting)]")), qPrintable(r.firstErrors.first()));
}

void TestTestServers::liveWriterWaitsForLocks_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<int>("holdMs");
    // SQLite beyond the 5 s busy timeout of Stagecraft's own connections: only the writer's own
    // busy timeout keeps its writes from failing while the lock is held.
    QTest::newRow("sqlite") << "sqlite" << 6000;
    QTest::newRow("postgresql") << "postgresql" << 1000;
    QTest::newRow("mariadb") << "mariadb" << 1000;
}

// Another session holds the table's write lock for a while, as a migration step might: the
// writer's writes wait for it, as an application's would, and none fails; the wait shows in the
// latency, timed from when the write was due.
void TestTestServers::liveWriterWaitsForLocks()
{
    QFETCH(QString, engine);
    QFETCH(int, holdMs);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    const QString table = QStringLiteral("live_locked");
    const QString t = quoteIdentifier(profile.engine, table);
    QString error;
    QVERIFY2(TestServers::execute(profile, orders(profile.engine, table, 20), &error), qPrintable(error));
    QStringList lock, unlock;
    switch (profile.engine) {
    case Engine::SQLite: lock << QStringLiteral("BEGIN IMMEDIATE"); unlock << QStringLiteral("COMMIT"); break;
    case Engine::PostgreSQL: lock << QStringLiteral("BEGIN") << QStringLiteral("LOCK TABLE %1 IN EXCLUSIVE MODE").arg(t); unlock << QStringLiteral("COMMIT"); break;
    default: lock << QStringLiteral("LOCK TABLES %1 WRITE").arg(t); unlock << QStringLiteral("UNLOCK TABLES"); break;
    }
    DatabaseConnection holder(profile);
    ConnectionError e;
    QVERIFY2(holder.open(&e), qPrintable(e.text()));
    QSqlQuery q(holder.database());

    auto writer = ordersWriter(profile, table, 20, 20);
    writer->start();
    QVERIFY(writer->waitForWrites(2, 15000));
    for (const QString &sql : std::as_const(lock))
        QVERIFY2(q.exec(sql), qPrintable(q.lastError().text()));
    QThread::msleep(holdMs);
    for (const QString &sql : std::as_const(unlock))
        QVERIFY2(q.exec(sql), qPrintable(q.lastError().text()));
    QVERIFY(writer->waitForWrites(2, 15000));
    writer->stop();
    const LiveWriter::Result r = writer->result();

    QVERIFY2(r.errors == 0, qPrintable(r.firstErrors.join(QLatin1Char('\n'))));
    QVERIFY(r.writes() >= 4);
    const double longest = *std::max_element(r.latenciesMs.cbegin(), r.latenciesMs.cend());
    QVERIFY2(longest >= 0.8 * holdMs, qPrintable(QStringLiteral("longest write %1 ms").arg(longest)));
}

void TestTestServers::staleRows_data()
{
    engines();
}

// A derived column with 3 wrong values and 2 NULLs among 10 rows: exactly 5 stale, and none
// before they were spoilt. The column's name needs quoting on PostgreSQL (mixed case).
void TestTestServers::staleRows()
{
    QFETCH(QString, engine);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    const Engine e = profile.engine;
    const QString t = quoteIdentifier(e, QStringLiteral("live_stale"));
    const QString c = quoteIdentifier(e, QStringLiteral("Euros"));
    const QString expression = QStringLiteral("cents / 100.0");
    QStringList values;
    for (int id = 1; id <= 10; ++id)
        values << QStringLiteral("(%1, %2)").arg(id).arg(id * 37);
    QString error;
    QVERIFY2(TestServers::execute(profile,
                                  {QStringLiteral("DROP TABLE IF EXISTS %1").arg(t),
                                   QStringLiteral("CREATE TABLE %1 (id bigint PRIMARY KEY, cents int NOT NULL, %2 numeric(12,2))").arg(t, c),
                                   QStringLiteral("INSERT INTO %1 (id, cents) VALUES %2").arg(t, values.join(QLatin1String(", "))),
                                   QStringLiteral("UPDATE %1 SET %2 = %3").arg(t, c, expression)},
                                  &error),
             qPrintable(error));
    DatabaseConnection connection(profile);
    ConnectionError ce;
    QVERIFY2(connection.open(&ce), qPrintable(ce.text()));
    QCOMPARE(LiveWriter::staleRows(connection.database(), e, t, QStringLiteral("Euros"), expression, &error), qint64(0));

    QVERIFY2(TestServers::execute(profile,
                                  {QStringLiteral("UPDATE %1 SET %2 = %2 + 1 WHERE id IN (1, 2, 3)").arg(t, c),
                                   QStringLiteral("UPDATE %1 SET %2 = NULL WHERE id IN (4, 5)").arg(t, c)},
                                  &error),
             qPrintable(error));
    const qint64 stale = LiveWriter::staleRows(connection.database(), e, t, QStringLiteral("Euros"), expression, &error);
    QVERIFY2(stale >= 0, qPrintable(error));
    QCOMPARE(stale, qint64(5));

    // A count that cannot be made says why, with its SQL.
    QCOMPARE(LiveWriter::staleRows(connection.database(), e, t, QStringLiteral("no_such_column"), expression, &error), qint64(-1));
    QVERIFY2(error.contains(QLatin1String("no_such_column")), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestTestServers)
#include "testtestservers.moc"
