// The application's latency as the server measures it: which statement texts count as the
// application's on the table (pure, with the texts pg_stat_statements and performance_schema digests
// hold), the mean between two reads, and on real servers that time statements (PostgreSQL with
// pg_stat_statements, MariaDB and MySQL with performance_schema) an interval of slowed statements
// reads slower than one of fast ones, while statements on a table with a similar name, statements
// naming the new column and the journal's are left out; servers that do not time statements say
// how to turn it on.

#include "connection/databaseconnection.h"
#include "run/applatency.h"
#include "testservers.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

class TestAppLatency : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanupTestCase() { TestServers::stopAll(); }
    void counts_data();
    void counts();
    void mean_data();
    void mean();
    void unavailable_data();
    void unavailable();
    void slowedStatementsReadSlower_data();
    void slowedStatementsReadSlower();
};

void TestAppLatency::counts_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<QString>("statement"); // as the server normalised it
    QTest::addColumn<bool>("counted");
    // The table public.orders (PostgreSQL) or shop.orders (MySQL, MariaDB); the new column note_copy.
    const QString pg = QStringLiteral("postgresql");
    // The backfill's bound statement (prepared: its PREPARE text) is Stagecraft's own.
    QTest::newRow("pg backfill bound") << pg << "SELECT key_1 FROM (SELECT \"id\" AS key_1 FROM \"public\".\"orders\" WHERE \"id\" > $1 ORDER BY \"id\" LIMIT $2) AS batch ORDER BY key_1 DESC LIMIT $3" << false;
    QTest::newRow("pg bare") << pg << "SELECT v FROM orders WHERE id = $1" << true;
    QTest::newRow("pg parenthesised") << pg << "(SELECT v FROM orders) UNION (SELECT v FROM orders_archive)" << true;
    QTest::newRow("pg with") << pg << "WITH o AS (SELECT * FROM orders) SELECT count(*) FROM o" << true;
    QTest::newRow("pg copy") << pg << "COPY orders (id, v) FROM STDIN" << true;
    QTest::newRow("pg DDL is not the application's") << pg << "CREATE VIEW order_list AS SELECT * FROM orders" << false;
    QTest::newRow("pg a step's DDL") << pg << "ALTER TABLE public.orders VALIDATE CONSTRAINT orders_total_check" << false;
    QTest::newRow("pg maintenance") << pg << "ANALYZE orders" << false;
    QTest::newRow("pg folded") << pg << "select v from ORDERS where id = $1" << true;
    QTest::newRow("pg qualified") << pg << "SELECT v FROM public.orders WHERE id = $1" << true;
    QTest::newRow("pg quoted, qualified") << pg << "SELECT v FROM \"public\".\"orders\" o WHERE o.id = $1" << true;
    QTest::newRow("pg qualifying a column") << pg << "SELECT orders.id FROM orders JOIN customers c ON c.id = orders.customer_id"
                                            << true;
    QTest::newRow("pg quoted in capitals: another table") << pg << "SELECT * FROM \"Orders\"" << false;
    QTest::newRow("pg similar name") << pg << "SELECT * FROM orders_archive WHERE id = $1" << false;
    QTest::newRow("pg another schema's") << pg << "SELECT * FROM archive.orders WHERE id = $1" << false;
    QTest::newRow("pg a schema called orders") << pg << "SELECT * FROM mydb.orders.things" << false;
    QTest::newRow("pg in a string") << pg << "SELECT 'orders' AS kind FROM customers" << false;
    QTest::newRow("pg in a comment") << pg << "SELECT * FROM customers -- orders\n" << false;
    QTest::newRow("pg in a dollar quote") << pg << "DO $body$ BEGIN PERFORM 1 FROM orders; END $body$" << false;
    QTest::newRow("pg names the new column") << pg << "UPDATE orders SET note_copy = note WHERE id BETWEEN $1 AND $2" << false;
    QTest::newRow("pg the journal") << pg << "INSERT INTO stagecraft_journal (run, batch) SELECT $1, count(*) FROM orders" << false;
    QTest::newRow("pg the monitor's read")
        << pg << "SELECT query, calls, total_exec_time FROM pg_stat_statements WHERE strpos(lower(query), lower($1)) > $2" << false;
    const QString my = QStringLiteral("mysql");
    QTest::newRow("mysql digest") << my << "SELECT `v` FROM `orders` WHERE `id` = ?" << true;
    QTest::newRow("mysql replace") << my << "REPLACE INTO `orders` VALUES (...)" << true;
    QTest::newRow("mysql DDL") << my << "ALTER TABLE `orders` ADD COLUMN `x` INTEGER" << false;
    QTest::newRow("mysql qualified") << my << "SELECT `v` FROM `shop` . `orders` WHERE `id` = ?" << true;
    QTest::newRow("mysql without case") << my << "SELECT * FROM `ORDERS` WHERE `id` = ?" << true;
    QTest::newRow("mysql slept") << my << "SELECT `v` FROM `orders` WHERE `id` = ? AND `SLEEP` (?) = ?" << true;
    QTest::newRow("mysql similar name") << my << "SELECT * FROM `orders_archive` WHERE `id` = ?" << false;
    QTest::newRow("mysql another schema's") << my << "SELECT `v` FROM `other` . `orders`" << false;
    QTest::newRow("mysql a string") << my << "SELECT \"orders\" FROM `customers`" << false;
    QTest::newRow("mysql names the new column") << my << "UPDATE `orders` SET `note_copy` = `note` WHERE `id` BETWEEN ? AND ?"
                                                << false;
    QTest::newRow("mysql the journal") << my << "SELECT * FROM `stagecraft_journal` JOIN `orders` USING ( `id` )" << false;
    QTest::newRow("mysql the monitor's read")
        << my << "SELECT `DIGEST_TEXT` , `COUNT_STAR` , `SUM_TIMER_WAIT` FROM `performance_schema` . "
                 "`events_statements_summary_by_digest` WHERE `SCHEMA_NAME` = ? AND LOCATE ( LOWER (?) , LOWER ( `DIGEST_TEXT` ) ) > ?"
        << false;
    QTest::newRow("mariadb digest") << "mariadb" << "UPDATE `orders` SET `v` = `v` + ? WHERE `id` = ?" << true;
}

void TestAppLatency::counts()
{
    QFETCH(QString, engine);
    QFETCH(QString, statement);
    QFETCH(bool, counted);
    const Engine e = TestServers::engineOf(engine);
    const AppLatencyReader reader(e, {e == Engine::PostgreSQL ? QStringLiteral("public") : QStringLiteral("shop"), QStringLiteral("orders")},
                                  QStringLiteral("note_copy"));
    QCOMPARE(reader.counts(statement), counted);
}

void TestAppLatency::mean_data()
{
    QTest::addColumn<StatementTiming>("before");
    QTest::addColumn<StatementTiming>("after");
    QTest::addColumn<qint64>("minCalls");
    QTest::addColumn<double>("mean"); // -1: none
    QTest::newRow("enough calls") << StatementTiming{100, 250} << StatementTiming{140, 450} << qint64(20) << 5.0;
    QTest::newRow("too few calls") << StatementTiming{100, 250} << StatementTiming{119, 450} << qint64(20) << -1.0;
    QTest::newRow("exactly the minimum") << StatementTiming{0, 0} << StatementTiming{20, 30} << qint64(20) << 1.5;
    QTest::newRow("counters reset") << StatementTiming{500, 900} << StatementTiming{40, 80} << qint64(20) << -1.0;
    QTest::newRow("no calls, no minimum") << StatementTiming{5, 10} << StatementTiming{5, 10} << qint64(0) << -1.0;
}

void TestAppLatency::mean()
{
    QFETCH(StatementTiming, before);
    QFETCH(StatementTiming, after);
    QFETCH(qint64, minCalls);
    QFETCH(double, mean);
    const std::optional<double> actual = meanBetween(before, after, minCalls);
    QCOMPARE(actual.value_or(-1), mean);
}

void TestAppLatency::unavailable_data()
{
    QTest::addColumn<QString>("server"); // the shared servers, as every other test has them
    QTest::addColumn<QString>("why");
    QTest::newRow("postgresql") << "postgresql"
                                << "The server does not time statements: add pg_stat_statements to shared_preload_libraries "
                                   "(then restart it) and run CREATE EXTENSION pg_stat_statements in the database postgres.";
    QTest::newRow("mariadb") << "mariadb" << "The server does not time statements: start it with performance_schema = ON.";
    QTest::newRow("mysql") << "mysql" << "The server does not time statements: start it with performance_schema = ON.";
    QTest::newRow("sqlite") << "sqlite" << "SQLite does not time statements.";
}

void TestAppLatency::unavailable()
{
    QFETCH(QString, server);
    QFETCH(QString, why);
    if (!TestServers::wanted(server))
        QSKIP("not among STAGECRAFT_TEST_SERVERS");
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(server, profile);
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY2(connection.open(&error), qPrintable(error.text()));
    AppLatencyReader reader(profile.engine, {QStringLiteral("main"), QStringLiteral("orders")}, QStringLiteral("note_copy"));
    QString actual;
    QVERIFY(!reader.available(connection.database(), &actual));
    QCOMPARE(actual, why);
}

void TestAppLatency::slowedStatementsReadSlower_data()
{
    QTest::addColumn<QString>("server");
    QTest::newRow("postgresql") << "postgresql";
    QTest::newRow("mariadb") << "mariadb";
    QTest::newRow("mysql") << "mysql";
}

void TestAppLatency::slowedStatementsReadSlower()
{
    QFETCH(QString, server);
    if (!TestServers::wanted(server))
        QSKIP("not among STAGECRAFT_TEST_SERVERS");
    // A server of the test's own, timing statements.
    std::unique_ptr<TestServer> own = TestServers::make(server);
    QVERIFY(own);
    if (auto *postgres = dynamic_cast<PostgresTestServer *>(own.get()))
        postgres->setStatementStatistics(true);
    else if (auto *mariadb = dynamic_cast<MariaDbTestServer *>(own.get()))
        mariadb->setStatementDigests(true);
    else
        own->setExtraArguments({QStringLiteral("--performance-schema=ON")}); // the harness turns it off
    STAGECRAFT_REQUIRE_STARTED(*own);
    const ConnectionProfile profile = own->profile();
    const Engine e = profile.engine;
    const bool postgres = e == Engine::PostgreSQL;
    const TableRef table{postgres ? QStringLiteral("public") : profile.database, QStringLiteral("orders")};

    DatabaseConnection monitor(profile);
    DatabaseConnection client(profile);
    ConnectionError error;
    QVERIFY2(monitor.open(&error), qPrintable(error.text()));
    QVERIFY2(client.open(&error), qPrintable(error.text()));
    AppLatencyReader reader(e, table, QStringLiteral("note_copy"));
    QString why;
    QStringList setup{QStringLiteral("CREATE TABLE orders (id int PRIMARY KEY, v int, note_copy int)"),
                      QStringLiteral("CREATE TABLE orders_archive (id int PRIMARY KEY, v int)"),
                      QStringLiteral("CREATE TABLE stagecraft_journal (id int PRIMARY KEY)"),
                      QStringLiteral("INSERT INTO orders (id, v) VALUES (1, 1), (2, 2), (3, 3)"),
                      QStringLiteral("INSERT INTO orders_archive VALUES (1, 1)"),
                      QStringLiteral("INSERT INTO stagecraft_journal VALUES (1)")};
    if (postgres) {
        // Preloaded but not yet in this database.
        QVERIFY(!reader.available(monitor.database(), &why));
        QCOMPARE(why, QStringLiteral("The server does not time statements in this database: run CREATE EXTENSION "
                                     "pg_stat_statements in the database postgres."));
        setup.prepend(QStringLiteral("CREATE EXTENSION pg_stat_statements"));
    } else {
        // The digest consumer off: the server says how to turn it on.
        setup.prepend(QStringLiteral("UPDATE performance_schema.setup_consumers SET ENABLED = 'NO' WHERE NAME = 'statements_digest'"));
    }
    QVERIFY2(TestServers::execute(profile, setup, &why), qPrintable(why));
    if (!postgres) {
        QVERIFY(!reader.available(monitor.database(), &why));
        QVERIFY2(why.startsWith(QLatin1String("The server does not time statements by digest: enable the global_instrumentation "
                                              "and statements_digest consumers")),
                 qPrintable(why));
        QVERIFY2(TestServers::execute(profile, {QStringLiteral("UPDATE performance_schema.setup_consumers SET ENABLED = 'YES' "
                                                               "WHERE NAME = 'statements_digest'")},
                                      &why),
                 qPrintable(why));
    }
    QVERIFY2(reader.available(monitor.database(), &why), qPrintable(why));

    const QString sleep = postgres ? QStringLiteral("(SELECT 1 FROM pg_sleep(0.02)) = 1") : QStringLiteral("SLEEP(0.02) = 0");
    QSqlQuery q(client.database());
    auto runAll = [&](const QStringList &statements) {
        for (const QString &sql : statements)
            if (!q.exec(sql))
                return sql + QLatin1String(": ") + q.lastError().text();
        return QString();
    };
    const int n = 25;
    QStringList fast, slow, notCounted;
    for (int i = 0; i < n; ++i) {
        fast << QStringLiteral("SELECT v FROM orders WHERE id = %1").arg(i % 3 + 1);
        slow << QStringLiteral("SELECT v FROM orders WHERE id = %1 AND %2").arg(i % 3 + 1).arg(sleep);
    }
    // Slowed too, so that counting them would show in the mean as well as in the calls.
    for (int i = 0; i < 5; ++i)
        notCounted << QStringLiteral("SELECT v FROM orders_archive WHERE id = 1 AND %1").arg(sleep)
                   << QStringLiteral("SELECT note_copy FROM orders WHERE id = 1 AND %1").arg(sleep)
                   << QStringLiteral("SELECT o.v FROM stagecraft_journal j JOIN orders o ON o.id = j.id WHERE %1").arg(sleep);

    const std::optional<StatementTiming> before = reader.read(monitor.database(), &why);
    QVERIFY2(before, qPrintable(why));
    QString failed = runAll(fast + notCounted);
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
    const std::optional<StatementTiming> middle = reader.read(monitor.database(), &why);
    QVERIFY2(middle, qPrintable(why));
    failed = runAll(slow + notCounted);
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
    const std::optional<StatementTiming> after = reader.read(monitor.database(), &why);
    QVERIFY2(after, qPrintable(why));

    QCOMPARE(middle->calls - before->calls, qint64(n));
    QCOMPARE(after->calls - middle->calls, qint64(n));
    const std::optional<double> fastMean = meanBetween(*before, *middle);
    const std::optional<double> slowMean = meanBetween(*middle, *after);
    QVERIFY(fastMean && slowMean);
    QVERIFY2(*fastMean < 10, qPrintable(QString::number(*fastMean)));
    QVERIFY2(*slowMean >= 19 && *slowMean < 200, qPrintable(QString::number(*slowMean)));
    QVERIFY(!meanBetween(*before, *middle, n + 1));
}

QTEST_GUILESS_MAIN(TestAppLatency)
#include "testapplatency.moc"
