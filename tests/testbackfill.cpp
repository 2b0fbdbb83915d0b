// The backfill description and the run settings, as exact strings: no server needed.

#include "plan/backfill.h"
#include "plan/planformat.h"
#include "plan/runsettings.h"

#include <QJsonDocument>
#include <QTest>

using namespace Stagecraft;

Q_DECLARE_METATYPE(Stagecraft::Backfill)

class TestBackfill : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void statements_data();
    void statements();
    void valuesAsLiterals_data();
    void valuesAsLiterals();
    void expressionWithMarkers();
    void valueForExistingRows_data();
    void valueForExistingRows();
    void sessionSql_data();
    void sessionSql();
    void settingsRoundTrip();
    void fixedBatchRows();
    void journaledPlanWithoutSettings();
};

using S = Backfill::Statement;

void TestBackfill::statements_data()
{
    QTest::addColumn<Backfill>("backfill");
    QTest::addColumn<QStringList>("expected");
    const QString pgTable = QStringLiteral("\"public\".\"orders\"");
    QTest::newRow("postgresql, one key")
        << Backfill{Engine::PostgreSQL, pgTable, QStringLiteral("eur"), QStringLiteral("cents / 100"), {QStringLiteral("id")}, false}
        << QStringList{
               QStringLiteral("SELECT key_1 FROM (SELECT \"id\" AS key_1 FROM \"public\".\"orders\" ORDER BY \"id\" LIMIT :batch_size) AS batch "
                              "ORDER BY key_1 DESC LIMIT 1"),
               QStringLiteral("UPDATE \"public\".\"orders\" SET \"eur\" = cents / 100 WHERE \"id\" <= :to AND \"eur\" IS NULL"),
               QStringLiteral("SELECT key_1 FROM (SELECT \"id\" AS key_1 FROM \"public\".\"orders\" WHERE \"id\" > :from ORDER BY \"id\" "
                              "LIMIT :batch_size) AS batch ORDER BY key_1 DESC LIMIT 1"),
               QStringLiteral("UPDATE \"public\".\"orders\" SET \"eur\" = cents / 100 WHERE \"id\" > :from AND \"id\" <= :to AND \"eur\" IS NULL")};
    QTest::newRow("mariadb, composite key")
        << Backfill{Engine::MariaDB, QStringLiteral("`shop`.`lines`"), QStringLiteral("eur"), QStringLiteral("1"),
                    {QStringLiteral("order_id"), QStringLiteral("line")}, false}
        << QStringList{QStringLiteral("SELECT key_1, key_2 FROM (SELECT `order_id` AS key_1, `line` AS key_2 FROM `shop`.`lines` ORDER BY "
                                      "`order_id`, `line` LIMIT :batch_size) AS batch ORDER BY key_1 DESC, key_2 DESC LIMIT 1"),
                       QStringLiteral("UPDATE `shop`.`lines` SET `eur` = 1 WHERE (`order_id`, `line`) <= (:to_1, :to_2) AND `eur` IS NULL"),
                       QStringLiteral("SELECT key_1, key_2 FROM (SELECT `order_id` AS key_1, `line` AS key_2 FROM `shop`.`lines` WHERE "
                                      "(`order_id`, `line`) > (:from_1, :from_2) ORDER BY `order_id`, `line` LIMIT :batch_size) AS batch "
                                      "ORDER BY key_1 DESC, key_2 DESC LIMIT 1"),
                       QStringLiteral("UPDATE `shop`.`lines` SET `eur` = 1 WHERE (`order_id`, `line`) > (:from_1, :from_2) AND "
                                      "(`order_id`, `line`) <= (:to_1, :to_2) AND `eur` IS NULL")};
    QTest::newRow("sqlite, rowid")
        << Backfill{Engine::SQLite, QStringLiteral("\"orders\""), QStringLiteral("eur"), QStringLiteral("2"), {QStringLiteral("rowid")}, false}
        << QStringList{QStringLiteral("SELECT key_1 FROM (SELECT rowid AS key_1 FROM \"orders\" ORDER BY rowid LIMIT :batch_size) AS batch "
                                      "ORDER BY key_1 DESC LIMIT 1"),
                       QStringLiteral("UPDATE \"orders\" SET \"eur\" = 2 WHERE rowid <= :to AND \"eur\" IS NULL"),
                       QStringLiteral("SELECT key_1 FROM (SELECT rowid AS key_1 FROM \"orders\" WHERE rowid > :from ORDER BY rowid LIMIT "
                                      ":batch_size) AS batch ORDER BY key_1 DESC LIMIT 1"),
                       QStringLiteral("UPDATE \"orders\" SET \"eur\" = 2 WHERE rowid > :from AND rowid <= :to AND \"eur\" IS NULL")};
    QTest::newRow("sqlite, _rowid_ (a column took rowid)")
        << Backfill{Engine::SQLite, QStringLiteral("\"t\""), QStringLiteral("c"), QStringLiteral("2"), {QStringLiteral("_rowid_")}, false}
        << QStringList{QStringLiteral("SELECT key_1 FROM (SELECT \"_rowid_\" AS key_1 FROM \"t\" ORDER BY \"_rowid_\" LIMIT :batch_size) "
                                      "AS batch ORDER BY key_1 DESC LIMIT 1"),
                       QStringLiteral("UPDATE \"t\" SET \"c\" = 2 WHERE \"_rowid_\" <= :to AND \"c\" IS NULL"),
                       QStringLiteral("SELECT key_1 FROM (SELECT \"_rowid_\" AS key_1 FROM \"t\" WHERE \"_rowid_\" > :from ORDER BY "
                                      "\"_rowid_\" LIMIT :batch_size) AS batch ORDER BY key_1 DESC LIMIT 1"),
                       QStringLiteral("UPDATE \"t\" SET \"c\" = 2 WHERE \"_rowid_\" > :from AND \"_rowid_\" <= :to AND \"c\" IS NULL")};
    QTest::newRow("postgresql, no key")
        << Backfill{Engine::PostgreSQL, pgTable, QStringLiteral("eur"), QStringLiteral("cents / 100"), {}, false}
        << QStringList{QStringLiteral("UPDATE \"public\".\"orders\" SET \"eur\" = cents / 100 WHERE ctid = ANY (ARRAY(SELECT ctid FROM "
                                      "\"public\".\"orders\" WHERE \"eur\" IS NULL AND (cents / 100) IS NOT NULL LIMIT :batch_size))")};
    QTest::newRow("postgresql, no key, partitioned")
        << Backfill{Engine::PostgreSQL, pgTable, QStringLiteral("eur"), QStringLiteral("1"), {}, true}
        << QStringList{QStringLiteral("UPDATE \"public\".\"orders\" SET \"eur\" = 1 WHERE ctid = ANY (ARRAY(SELECT ctid FROM "
                                      "\"public\".\"orders\" WHERE \"eur\" IS NULL AND (1) IS NOT NULL LIMIT :batch_size)) AND \"eur\" IS NULL")};
    QTest::newRow("mysql, no key")
        << Backfill{Engine::MySQL, QStringLiteral("`shop`.`orders`"), QStringLiteral("eur"), QStringLiteral("uuid()"), {}, false}
        << QStringList{QStringLiteral("UPDATE `shop`.`orders` SET `eur` = uuid() WHERE `eur` IS NULL AND (uuid()) IS NOT NULL LIMIT :batch_size")};
}

void TestBackfill::statements()
{
    QFETCH(Backfill, backfill);
    QTEST(backfill.statements(), "expected");
    // What the JSON keeps makes the same statements.
    QCOMPARE(Backfill::fromJson(backfill.engine, backfill.toJson()), backfill);
}

void TestBackfill::valuesAsLiterals_data()
{
    QTest::addColumn<int>("engine");
    QTest::addColumn<int>("statement");
    QTest::addColumn<QStringList>("from");
    QTest::addColumn<QStringList>("to");
    QTest::addColumn<QString>("expected");
    // PostgreSQL and MySQL give a quoted literal the key column's type; SQLite compares by type, so
    // only text an integer prints back to goes in as a number ('01000' stays text).
    QTest::newRow("postgresql") << int(Engine::PostgreSQL) << int(S::NextFill) << QStringList{QStringLiteral("10")}
                                << QStringList{QStringLiteral("o'k")}
                                << QStringLiteral("UPDATE t SET \"c\" = 1 WHERE \"k\" > '10' AND \"k\" <= 'o''k' AND \"c\" IS NULL");
    QTest::newRow("mariadb backslash") << int(Engine::MariaDB) << int(S::FirstFill) << QStringList{} << QStringList{QStringLiteral("a\\b")}
                                       << QStringLiteral("UPDATE t SET `c` = 1 WHERE `k` <= 'a\\\\b' AND `c` IS NULL");
    QTest::newRow("sqlite integer") << int(Engine::SQLite) << int(S::NextBound) << QStringList{QStringLiteral("1000")} << QStringList{}
                                    << QStringLiteral("SELECT key_1 FROM (SELECT \"k\" AS key_1 FROM t WHERE \"k\" > 1000 ORDER BY \"k\" LIMIT 250) "
                                                      "AS batch ORDER BY key_1 DESC LIMIT 1");
    QTest::newRow("sqlite zero-padded text") << int(Engine::SQLite) << int(S::FirstFill) << QStringList{} << QStringList{QStringLiteral("01000")}
                                             << QStringLiteral("UPDATE t SET \"c\" = 1 WHERE \"k\" <= '01000' AND \"c\" IS NULL");
}

void TestBackfill::valuesAsLiterals()
{
    QFETCH(int, engine);
    QFETCH(int, statement);
    QFETCH(QStringList, from);
    QFETCH(QStringList, to);
    const Backfill b{Engine(engine), QStringLiteral("t"), QStringLiteral("c"), QStringLiteral("1"), {QStringLiteral("k")}, false};
    QTEST(b.sql(S(statement), from, to, 250), "expected");
}

void TestBackfill::expressionWithMarkers()
{
    // The user's expression goes in once, whatever it holds: no '%1' taken for a marker, no ':to'
    // taken for a parameter.
    const Backfill b{Engine::PostgreSQL, QStringLiteral("t"), QStringLiteral("c"), QStringLiteral("format('%1 :to', a)"),
                     {QStringLiteral("id")}, false};
    QCOMPARE(b.sql(S::NextFill, {QStringLiteral("1")}, {QStringLiteral("9")}, 10),
             QStringLiteral("UPDATE t SET \"c\" = format('%1 :to', a) WHERE \"id\" > '1' AND \"id\" <= '9' AND \"c\" IS NULL"));
}

void TestBackfill::valueForExistingRows_data()
{
    QTest::addColumn<QString>("backfill");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("expected");
    QTest::newRow("backfill wins") << QStringLiteral("a * 2") << int(ColumnSpec::DefaultKind::Literal) << QStringLiteral("0") << QStringLiteral("a * 2");
    QTest::newRow("literal, quoted") << QString() << int(ColumnSpec::DefaultKind::Literal) << QStringLiteral("it's") << QStringLiteral("'it''s'");
    QTest::newRow("expression, parenthesised") << QString() << int(ColumnSpec::DefaultKind::Expression) << QStringLiteral("now()")
                                               << QStringLiteral("(now())");
    QTest::newRow("nothing") << QString() << int(ColumnSpec::DefaultKind::None) << QString() << QString();
}

void TestBackfill::valueForExistingRows()
{
    QFETCH(QString, backfill);
    QFETCH(int, kind);
    QFETCH(QString, value);
    ColumnSpec spec;
    spec.backfill = backfill;
    spec.defaultKind = ColumnSpec::DefaultKind(kind);
    spec.defaultValue = value;
    QTEST(Backfill::valueForExistingRows(Engine::PostgreSQL, spec), "expected");
}

void TestBackfill::sessionSql_data()
{
    QTest::addColumn<int>("engine");
    QTest::addColumn<int>("lockTimeoutMs");
    QTest::addColumn<QStringList>("expected");
    // The modes Stagecraft's SQL is read in come first: no server or role setting changes a literal.
    QTest::newRow("postgresql") << int(Engine::PostgreSQL) << 750
                                << QStringList{QStringLiteral("SET standard_conforming_strings = on"), QStringLiteral("SET lock_timeout = '750ms'")};
    // Whole seconds, never shorter than asked.
    QTest::newRow("mariadb rounds up") << int(Engine::MariaDB) << 1500
                                       << QStringList{QStringLiteral("SET SESSION sql_mode = 'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'"),
                                                      QStringLiteral("SET SESSION lock_wait_timeout = 2"),
                                                      QStringLiteral("SET SESSION innodb_lock_wait_timeout = 2"),
                                                      QStringLiteral("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")};
    QTest::newRow("mysql at least 1 s") << int(Engine::MySQL) << 200
                                        << QStringList{QStringLiteral("SET SESSION sql_mode = 'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'"),
                                                       QStringLiteral("SET SESSION lock_wait_timeout = 1"),
                                                       QStringLiteral("SET SESSION innodb_lock_wait_timeout = 1"),
                                                       QStringLiteral("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")};
    QTest::newRow("sqlite") << int(Engine::SQLite) << 2000 << QStringList{QStringLiteral("PRAGMA busy_timeout = 2000")};
}

void TestBackfill::sessionSql()
{
    QFETCH(int, engine);
    QFETCH(int, lockTimeoutMs);
    RunSettings s;
    s.lockTimeoutMs = lockTimeoutMs;
    QTEST(s.sessionSql(Engine(engine)), "expected");
}

void TestBackfill::settingsRoundTrip()
{
    RunSettings s;
    s.lockTimeoutMs = 1234;
    s.maxRetries = 3;
    s.batchTargetMs = 50;
    s.minBatchRows = 10;
    s.maxBatchRows = 900;
    s.firstBatchRows = 20;
    s.pauseBetweenBatchesMs = 7;
    s.onBlockers = BlockerPolicy::Wait;
    s.blockerWaitSeconds = 11;
    s.runLockWaitSeconds = 12;
    s.retryBaseMs = 13;
    QCOMPARE(RunSettings::fromJson(s.toJson()), s);
    QCOMPARE(RunSettings::fromJson({}), RunSettings{}); // a plan journaled before the settings were kept
}

void TestBackfill::fixedBatchRows()
{
    // What a batch time fills at the cost model's rate, within the bounds.
    RunSettings s;
    QCOMPARE(s.fixedBatchRows(), 20000);
    s.batchTargetMs = 20;
    QCOMPARE(s.fixedBatchRows(), 2000);
    s.maxBatchRows = 500;
    QCOMPARE(s.fixedBatchRows(), 500);
    s.batchTargetMs = 0;
    QCOMPARE(s.fixedBatchRows(), s.minBatchRows);
    // Pauses between batches count in the estimate.
    RunSettings paused;
    paused.pauseBetweenBatchesMs = 100;
    QCOMPARE(paused.backfillSeconds(Engine::PostgreSQL, 200000) - RunSettings{}.backfillSeconds(Engine::PostgreSQL, 200000), 10 * 0.1);
}

void TestBackfill::journaledPlanWithoutSettings()
{
    // A plan journaled by an earlier version: no settings, no session, a backfill without its table.
    const QByteArray old = R"({"engine": "PostgreSQL", "table": {"name": "public.orders"}, "column": "eur",
        "steps": [{"stage": "backfill", "title": "Fill", "sql": [], "backfill": {"expression": "1", "key_columns": ["id"]}}]})";
    Plan plan;
    QVERIFY(PlanFormat::fromJson(old, &plan));
    QCOMPARE(plan.settings, RunSettings{});
    QVERIFY(plan.sessionSql.isEmpty()); // the runner then sends what the settings make
    const Backfill &b = plan.steps.first().backfill;
    QCOMPARE(b.table, QStringLiteral("\"public\".\"orders\""));
    QCOMPARE(b.column, QStringLiteral("eur"));
    QCOMPARE(b.sql(S::FirstFill, {}, {QStringLiteral("5")}, 10),
             QStringLiteral("UPDATE \"public\".\"orders\" SET \"eur\" = 1 WHERE \"id\" <= '5' AND \"eur\" IS NULL"));
}

QTEST_GUILESS_MAIN(TestBackfill)
#include "testbackfill.moc"
