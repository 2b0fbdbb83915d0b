// The application's live statements on a table, read from the server's statement statistics
// (PostgreSQL's pg_stat_statements, MariaDB's and MySQL's performance_schema digests) on a server
// of the test's own: each statement run on the table is found with its exact number of calls and
// the fates the planned column gives it, and statements on orders_archive are not. A server that
// keeps no statistics (the shared ones, SQLite) gives the note that says how to turn them on.

#include "catalog/catalogreader.h"
#include "connection/connectionerror.h"
#include "connection/databaseconnection.h"
#include "plan/statementimpact.h"
#include "specplan.h"
#include "testservers.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

class TestLiveStatements : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanupTestCase() { TestServers::stopAll(); }
    void found_data();
    void found();
    void noStatistics_data();
    void noStatistics();
};

namespace {

} // namespace

void TestLiveStatements::found_data()
{
    QTest::addColumn<QString>("server");
    // What each statement run on orders gets, by its number of calls: "severity: what".
    QTest::addColumn<QStringList>("positional"); // 3 calls
    QTest::addColumn<QStringList>("columnList"); // 4 calls
    QTest::addColumn<QStringList>("selectStar"); // 5 calls
    QTest::addColumn<QStringList>("updateRead"); // 6 calls
    const QString add = QStringLiteral("step 1 (Add column total_eur)");
    const auto span = [](int end) {
        return QStringLiteral("from step 2 (Keep total_eur filled for writers that do not know it) until step %1 (Stop filling "
                              "total_eur: the application writes it)").arg(end);
    };
    const auto filled = [&](int end, const QString &how) {
        return QStringLiteral("cost: the sync trigger orders_total_eur_sync_insert computes total_eur for each row it inserts (%2), %1")
            .arg(span(end), how);
    };
    const auto fails = [](const QString &step, const QString &how) {
        return QStringLiteral("breaks: fails from %1: %2, and from there on total_eur is NOT NULL with no default and nothing fills it")
            .arg(step, how);
    };
    const auto rejected = [&](const QString &engine) {
        return QStringLiteral("breaks: fails from %1: %2 rejects an INSERT without a column list once the table has another column "
                              "(Column count doesn't match value count at row 1)").arg(add, engine);
    };
    const auto recomputed = [&](int end) {
        return QStringLiteral("cost: the sync trigger orders_total_eur_sync_update computes total_eur again for each row it updates "
                              "where total_cents changes, %1").arg(span(end));
    };
    const QString star = QStringLiteral("info: returns one more column from %1: code that reads columns by position or maps every "
                                        "column sees it").arg(add);
    const QString leaves = QStringLiteral("it leaves total_eur out");
    const QString positional = QStringLiteral("without a column list, it leaves total_eur out");
    const QString stop = QStringLiteral("step 8 (Stop filling total_eur: the application writes it)");
    QTest::newRow("postgresql") << "postgresql" << QStringList{filled(8, positional), fails(stop, positional)}
                                << QStringList{filled(8, leaves), fails(stop, leaves)} << QStringList{star} << QStringList{recomputed(8)};
    // MariaDB makes the column NOT NULL once the sync has ended (the planner's mariadb.not-null.after-sync).
    QTest::newRow("mariadb") << "mariadb" << QStringList{rejected(QStringLiteral("MariaDB"))}
                             << QStringList{filled(5, leaves), fails(QStringLiteral("step 6 (Make total_eur NOT NULL)"), leaves)}
                             << QStringList{star} << QStringList{recomputed(5)};
    QTest::newRow("mysql") << "mysql" << QStringList{rejected(QStringLiteral("MySQL"))}
                           << QStringList{filled(6, leaves), fails(QStringLiteral("step 6 (Stop filling total_eur: the application writes it)"), leaves)}
                           << QStringList{star} << QStringList{recomputed(6)};
}

void TestLiveStatements::found()
{
    QFETCH(QString, server);
    QFETCH(QStringList, positional);
    QFETCH(QStringList, columnList);
    QFETCH(QStringList, selectStar);
    QFETCH(QStringList, updateRead);
    if (!TestServers::wanted(server))
        QSKIP("not among STAGECRAFT_TEST_SERVERS");
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
    const bool postgres = profile.engine == Engine::PostgreSQL;
    const QString schema = postgres ? QStringLiteral("public") : profile.database;

    QString why;
    QStringList setup{QStringLiteral("CREATE TABLE orders (id int PRIMARY KEY, customer_id int, total_cents int)"),
                      QStringLiteral("CREATE TABLE orders_archive (id int PRIMARY KEY, customer_id int, total_cents int)")};
    if (postgres)
        setup.prepend(QStringLiteral("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"));
    QVERIFY2(TestServers::execute(profile, setup, &why), qPrintable(why));
    Plan plan;
    const QByteArray spec = QStringLiteral(R"j({"table": "%1.orders", "column": {"name": "total_eur", "type": "%2", "nullable": false, "backfill": "total_cents / 100"}})j")
                                .arg(schema, postgres ? QStringLiteral("numeric(12,2)") : QStringLiteral("decimal(12,2)"))
                                .toUtf8();
    QVERIFY2(planSpec(profile, spec, RunSettings(), &plan, &why), qPrintable(why));
    QVERIFY(plan.sync.enabled);

    DatabaseConnection reader(profile);
    DatabaseConnection client(profile);
    ConnectionError error;
    QVERIFY2(reader.open(&error), qPrintable(error.text()));
    QVERIFY2(client.open(&error), qPrintable(error.text()));
    TableDetails table;
    QVERIFY2(CatalogReader::create(reader)->describeTable(plan.table, &table, &error), qPrintable(error.text()));

    // Counted from here: what planning read is forgotten.
    QSqlQuery q(client.database());
    QVERIFY2(q.exec(postgres ? QStringLiteral("SELECT pg_stat_statements_reset()")
                             : QStringLiteral("TRUNCATE TABLE performance_schema.events_statements_summary_by_digest")),
             qPrintable(q.lastError().text()));
    QStringList workload;
    for (int i = 1; i <= 3; ++i)
        workload << QStringLiteral("INSERT INTO orders VALUES (%1, 7, %2)").arg(i).arg(i * 100);
    for (int i = 11; i <= 14; ++i)
        workload << QStringLiteral("INSERT INTO orders (id, total_cents) VALUES (%1, %2)").arg(i).arg(i * 100);
    for (int i = 1; i <= 5; ++i)
        workload << QStringLiteral("SELECT * FROM orders WHERE id = %1").arg(i);
    for (int i = 1; i <= 6; ++i)
        workload << QStringLiteral("UPDATE orders SET total_cents = total_cents + %1 WHERE id = %2").arg(i).arg(i % 3 + 1);
    // (With the whole column list in the table's order, PostgreSQL would count it as the positional
    // INSERT: pg_stat_statements tells statements apart by their parsed form, keeping the first text.)
    // Look-alikes: another table whose name starts like it, and the name in a string.
    for (int i = 1; i <= 2; ++i)
        workload << QStringLiteral("INSERT INTO orders_archive VALUES (%1, 7, 100)").arg(i);
    for (int i = 1; i <= 7; ++i)
        workload << QStringLiteral("SELECT * FROM orders_archive WHERE id = %1").arg(i);
    workload << QStringLiteral("SELECT 'orders' AS kind");
    for (const QString &sql : std::as_const(workload))
        QVERIFY2(q.exec(sql), qPrintable(sql + QLatin1String(": ") + q.lastError().text()));

    QList<StatementUse> statements;
    QString note = QStringLiteral("not cleared");
    QVERIFY2(StatementImpact::read(reader, plan, table, &statements, &note, &error), qPrintable(error.text()));
    QCOMPARE(note, QString());
    QMap<qint64, QStringList> byCalls;
    QStringList texts;
    for (const StatementUse &s : std::as_const(statements)) {
        texts << QStringLiteral("%1 × %2").arg(s.calls).arg(s.text);
        QStringList fates;
        for (const StatementFate &f : s.fates)
            fates << severityName(f.severity) + QLatin1String(": ") + f.what;
        byCalls.insert(s.calls, fates);
        texts << fates;
        QVERIFY2(!s.text.contains(QLatin1String("orders_archive")), qPrintable(s.text));
        QVERIFY(s.meanMs >= 0);
        QVERIFY(!s.id.isEmpty());
    }
    qInfo().noquote() << texts.join(QLatin1String("\n"));
    QCOMPARE(byCalls.keys(), (QList<qint64>{3, 4, 5, 6}));
    QCOMPARE(statements.size(), 4);
    const auto show = [](const QStringList &l) { return l.join(QLatin1String("\n")); };
    QVERIFY2(byCalls.value(3) == positional, qPrintable(show(byCalls.value(3))));
    QVERIFY2(byCalls.value(4) == columnList, qPrintable(show(byCalls.value(4))));
    QVERIFY2(byCalls.value(5) == selectStar, qPrintable(show(byCalls.value(5))));
    QVERIFY2(byCalls.value(6) == updateRead, qPrintable(show(byCalls.value(6))));

    // What the positional INSERT's fate says, on the server: after step 1 MySQL and MariaDB refuse it,
    // PostgreSQL takes it (the new column is nullable until the enforce stage).
    for (const QString &sql : plan.steps.first().sql)
        QVERIFY2(q.exec(sql), qPrintable(sql + QLatin1String(": ") + q.lastError().text()));
    const bool inserted = q.exec(QStringLiteral("INSERT INTO orders VALUES (100, 7, 100)"));
    QCOMPARE(inserted, postgres);
    if (!postgres)
        QVERIFY2(q.lastError().databaseText().contains(QLatin1String("Column count doesn't match value count at row 1")),
                 qPrintable(q.lastError().text()));
}

void TestLiveStatements::noStatistics_data()
{
    QTest::addColumn<QString>("server"); // the shared servers, which keep no statement statistics
    QTest::addColumn<QString>("note");
    QTest::newRow("postgresql") << "postgresql"
                                << "The server does not time statements: add pg_stat_statements to shared_preload_libraries "
                                   "(then restart it) and run CREATE EXTENSION pg_stat_statements in the database postgres.";
    QTest::newRow("mariadb") << "mariadb" << "The server does not time statements: start it with performance_schema = ON.";
    QTest::newRow("mysql") << "mysql" << "The server does not time statements: start it with performance_schema = ON.";
    QTest::newRow("sqlite") << "sqlite"
                            << "SQLite keeps no statement statistics: the application's statements on the table cannot be listed.";
}

void TestLiveStatements::noStatistics()
{
    QFETCH(QString, server);
    QFETCH(QString, note);
    if (!TestServers::wanted(server))
        QSKIP("not among STAGECRAFT_TEST_SERVERS");
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(server, profile);
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY2(connection.open(&error), qPrintable(error.text()));
    Plan plan;
    plan.engine = profile.engine;
    plan.table = {profile.engine == Engine::PostgreSQL ? QStringLiteral("public") : QStringLiteral("main"), QStringLiteral("orders")};
    QList<StatementUse> statements{StatementUse{}};
    QString actual;
    QVERIFY2(StatementImpact::read(connection, plan, TableDetails(), &statements, &actual, &error), qPrintable(error.text()));
    QCOMPARE(actual, note);
    QVERIFY(statements.isEmpty());
    QVERIFY(!error.isError());
}

QTEST_GUILESS_MAIN(TestLiveStatements)
#include "testlivestatements.moc"
