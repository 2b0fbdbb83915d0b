// What depends on a table, read from the catalog (CatalogReader::listDependents) on real servers:
// each kind made by the test, the whole list compared exactly. Also how a body's text is read for
// the table (DependentText), without a server.

#include "catalog/catalogreader.h"
#include "catalog/dependenttext_p.h"
#include "connection/databaseconnection.h"
#include "testservers.h"

#include <QElapsedTimer>
#include <QTest>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

class TestDependents : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanupTestCase();
    void bodyUse_data();
    void bodyUse();
    void expandsAll_data();
    void expandsAll();
    void dependents_data();
    void dependents();
    void unreadableRoutine();
    void manyObjects();
};

void TestDependents::cleanupTestCase()
{
    TestServers::stopAll();
}

void TestDependents::bodyUse_data()
{
    QTest::addColumn<Engine>("engine");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("defaultSchema");
    QTest::addColumn<bool>("names");
    QTest::addColumn<bool>("positional");
    QTest::addColumn<bool>("star");
    const Engine pg = Engine::PostgreSQL;
    const Engine my = Engine::MySQL;
    const Engine sq = Engine::SQLite;
    QTest::newRow("pg bare") << pg << "SELECT count(*) FROM orders" << "" << true << false << false;
    QTest::newRow("pg qualified") << pg << "SELECT id FROM shop.orders" << "" << true << false << false;
    QTest::newRow("pg other schema") << pg << "SELECT id FROM other.orders" << "" << false << false << false;
    QTest::newRow("pg quoted case") << pg << "SELECT id FROM \"Orders\"" << "" << false << false << false;
    QTest::newRow("pg folded case") << pg << "SELECT id FROM ORDERS" << "" << true << false << false;
    QTest::newRow("pg longer name") << pg << "SELECT id FROM orders_archive" << "" << false << false << false;
    QTest::newRow("pg string") << pg << "RETURN 'orders'" << "" << false << false << false;
    QTest::newRow("pg comment") << pg << "-- orders\nRETURN 1" << "" << false << false << false;
    QTest::newRow("pg column of the qualified table") << pg << "SELECT shop.orders.id FROM x" << "" << false << false << false;
    QTest::newRow("pg star") << pg << "SELECT * INTO r FROM orders" << "" << true << false << true;
    QTest::newRow("pg t.star") << pg << "SELECT o.* FROM orders o" << "" << true << false << true;
    QTest::newRow("pg product") << pg << "SELECT qty * 2 FROM orders" << "" << true << false << false;
    QTest::newRow("pg count star") << pg << "SELECT count(*) FROM orders" << "" << true << false << false;
    QTest::newRow("my positional values") << my << "INSERT INTO orders VALUES (1, 2)" << "deps" << true << true << false;
    QTest::newRow("my positional select") << my << "INSERT IGNORE orders SELECT * FROM a" << "deps" << true << true << false;
    QTest::newRow("my positional parenthesised select") << my << "INSERT INTO orders (SELECT 1, 2)" << "deps" << true << true << false;
    QTest::newRow("my column list") << my << "INSERT INTO orders (id, qty) VALUES (1, 2)" << "deps" << true << false << false;
    QTest::newRow("my set") << my << "INSERT INTO orders SET id = 1" << "deps" << true << false << false;
    QTest::newRow("my replace") << my << "REPLACE INTO `deps`.`orders` VALUES (1)" << "other" << true << true << false;
    QTest::newRow("my partition") << my << "INSERT INTO orders PARTITION (p0) VALUES (1)" << "deps" << true << true << false;
    QTest::newRow("my unqualified elsewhere") << my << "INSERT INTO orders VALUES (1)" << "other" << false << false << false;
    QTest::newRow("my into another") << my << "INSERT INTO orders_archive SELECT * FROM orders" << "deps" << true << false << true;
    QTest::newRow("my case") << my << "DELETE FROM ORDERS" << "deps" << true << false << false;
    QTest::newRow("my c.star of another table") << my << "BEGIN SELECT c.* FROM customers c; UPDATE orders SET qty = 1; END" << "deps" << true << false << false;
    QTest::newRow("my star of another table, then the table") << my << "BEGIN SELECT * FROM customers; DELETE FROM orders WHERE id = 1; END" << "deps" << true << false << false;
    QTest::newRow("my star, the table in a subquery") << my << "SELECT * FROM customers WHERE id IN (SELECT customer_id FROM orders)" << "deps" << true << false << false;
    QTest::newRow("my star into variables") << my << "BEGIN DECLARE n INT; SELECT * INTO a, b FROM orders WHERE id = n; END" << "deps" << true << false << true;
    QTest::newRow("my cursor over a join") << my << "DECLARE c CURSOR FOR SELECT * FROM customers c JOIN deps.orders o ON o.cid = c.id;" << "deps" << true << false << true;
    QTest::newRow("my alias star") << my << "SELECT o.* FROM customers c JOIN orders AS o ON o.cid = c.id" << "deps" << true << false << true;
    QTest::newRow("my qualified star") << my << "SELECT deps.orders.* FROM deps.orders" << "other" << true << false << true;
    QTest::newRow("my count star and product") << my << "SELECT count(*), qty * price, 2 * (qty) FROM orders" << "deps" << true << false << false;
    QTest::newRow("my product after a comma") << my << "SELECT id, qty * 2 FROM orders" << "deps" << true << false << false;
    QTest::newRow("sqlite or replace") << sq << "INSERT OR REPLACE INTO orders VALUES (1)" << "" << true << true << false;
    QTest::newRow("sqlite default values") << sq << "INSERT INTO orders DEFAULT VALUES" << "" << true << false << false;
    QTest::newRow("sqlite string name") << sq << "SELECT 'orders'" << "" << false << false << false;
}

void TestDependents::bodyUse()
{
    QFETCH(Engine, engine);
    QFETCH(QString, text);
    QFETCH(QString, defaultSchema);
    QFETCH(bool, names);
    QFETCH(bool, positional);
    QFETCH(bool, star);
    const TableRef table{engine == Engine::PostgreSQL ? QStringLiteral("shop")
                         : engine == Engine::SQLite  ? QStringLiteral("main")
                                                     : QStringLiteral("deps"),
                         QStringLiteral("orders")};
    const BodyUse use = DependentText::read(engine, text, table, defaultSchema);
    QCOMPARE(use.namesTable, names);
    QCOMPARE(use.positionalInsert, positional);
    QCOMPARE(use.selectsStar, star);
}

void TestDependents::expandsAll_data()
{
    QTest::addColumn<QStringList>("view");
    QTest::addColumn<QStringList>("table");
    QTest::addColumn<bool>("caseless");
    QTest::addColumn<bool>("expected");
    QTest::newRow("same") << QStringList{"id", "qty"} << QStringList{"id", "qty"} << false << true;
    QTest::newRow("run among others") << QStringList{"x", "id", "qty", "y"} << QStringList{"id", "qty"} << false << true;
    QTest::newRow("other order") << QStringList{"qty", "id"} << QStringList{"id", "qty"} << false << false;
    QTest::newRow("subset") << QStringList{"id"} << QStringList{"id", "qty"} << false << false;
    QTest::newRow("not one after another") << QStringList{"id", "x", "qty"} << QStringList{"id", "qty"} << false << false;
    QTest::newRow("case, caseless") << QStringList{"ID", "Qty"} << QStringList{"id", "qty"} << true << true;
    QTest::newRow("case, exact") << QStringList{"ID", "Qty"} << QStringList{"id", "qty"} << false << false;
}

void TestDependents::expandsAll()
{
    QFETCH(QStringList, view);
    QFETCH(QStringList, table);
    QFETCH(bool, caseless);
    QFETCH(bool, expected);
    QCOMPARE(DependentText::expandsAll(view, table, caseless), expected);
}

// The impacts, as the reader writes them.
static const QString ViewStar = QStringLiteral(
    "its SELECT * was expanded when the view was made: the view will not show the new column until it is made again "
    "(CREATE OR REPLACE VIEW)");
static const QString Judged = QStringLiteral(": all of the table's columns in its order, so judged a SELECT * that was "
                                             "expanded when the view was made");
static const QString RowTrigger = QStringLiteral(
    "fires for every row the backfill updates: the backfill costs what the trigger does, row by row");
static const QString Subscribers = QStringLiteral(
    "subscribers must have the new column before the publisher sends it: add it on every subscriber first, or their "
    "replication stops at the first row that carries it");
static const QString MyPositional = QStringLiteral(
    "its INSERT into the table has no column list: it fails once the column is added (\"Column count doesn't match "
    "value count\"); give it a column list first");

static QString line(const TableDependent &d)
{
    return QStringList{dependentKindName(d.kind), d.name, d.detail, d.impact}.join(QLatin1Char('|'));
}

void TestDependents::dependents_data()
{
    QTest::addColumn<QString>("server");
    QTest::addColumn<QStringList>("setup");
    QTest::addColumn<QString>("table");
    QTest::addColumn<QStringList>("expected"); // kind|name|detail|impact

    const QStringList pgReset{
        "DROP PUBLICATION IF EXISTS deps_all, deps_cols, deps_plain, deps_schema",
        "DROP SCHEMA IF EXISTS shop CASCADE",
        "CREATE SCHEMA shop",
    };
    // This machine's 17 and the harness's other versions: the catalog queries differ by version.
    for (const char *pg : {"postgresql", "postgresql-15", "postgresql-18"}) {
        QTest::addRow("%s", pg)
            << pg
            << pgReset + QStringList{
                   "CREATE TABLE shop.customers (id int PRIMARY KEY)",
                   "CREATE TABLE shop.orders (id int PRIMARY KEY, customer_id int CONSTRAINT orders_customer REFERENCES "
                   "shop.customers (id) ON DELETE CASCADE, qty int, note text)",
                   "CREATE TABLE shop.lines (order_id int CONSTRAINT lines_order REFERENCES shop.orders (id), n int)",
                   "CREATE TABLE shop.orders_archive (id int)",
                   "CREATE VIEW shop.all_orders AS SELECT * FROM shop.orders",
                   "CREATE VIEW shop.order_qty AS SELECT id, qty FROM shop.orders WHERE note <> ''",
                   "CREATE MATERIALIZED VIEW shop.order_totals AS SELECT customer_id, sum(qty) AS total FROM shop.orders "
                   "GROUP BY customer_id",
                   "CREATE FUNCTION shop.touch_orders() RETURNS trigger LANGUAGE plpgsql AS "
                   "$$BEGIN NEW.qty := coalesce(NEW.qty, 0); RETURN NEW; END$$",
                   "CREATE TRIGGER orders_touch BEFORE INSERT OR UPDATE ON shop.orders FOR EACH ROW EXECUTE FUNCTION shop.touch_orders()",
                   "CREATE FUNCTION shop.order_count() RETURNS bigint LANGUAGE plpgsql AS "
                   "$$BEGIN RETURN (SELECT count(*) FROM shop.orders); END$$",
                   "CREATE FUNCTION shop.archive_count() RETURNS bigint LANGUAGE plpgsql AS "
                   "$$BEGIN RETURN (SELECT count(*) FROM shop.orders_archive); END$$",
                   "CREATE FUNCTION shop.says_orders() RETURNS text LANGUAGE plpgsql AS $$BEGIN RETURN 'orders'; END$$",
                   "CREATE FUNCTION shop.last_order() RETURNS shop.orders LANGUAGE plpgsql AS "
                   "$$DECLARE r shop.orders; BEGIN SELECT * INTO r FROM shop.orders ORDER BY id DESC LIMIT 1; RETURN r; END$$",
                   "CREATE FUNCTION shop.first_orders() RETURNS SETOF shop.orders LANGUAGE sql BEGIN ATOMIC SELECT * FROM shop.orders; END",
                   "CREATE PROCEDURE shop.archive_orders() LANGUAGE plpgsql AS "
                   "$$BEGIN INSERT INTO shop.orders_archive SELECT id FROM shop.orders; END$$",
                   "CREATE RULE orders_log AS ON DELETE TO shop.orders DO ALSO NOTIFY orders_deleted",
                   "CREATE RULE keep AS ON INSERT TO shop.orders_archive DO ALSO INSERT INTO shop.orders (id) VALUES (NEW.id)",
                   "CREATE PUBLICATION deps_cols FOR TABLE shop.orders (id, qty)",
                   "CREATE PUBLICATION deps_plain FOR TABLE shop.orders",
                   "CREATE PUBLICATION deps_schema FOR TABLES IN SCHEMA shop",
                   "CREATE PUBLICATION deps_all FOR ALL TABLES WITH (publish = 'insert')",
                   "ALTER TABLE shop.orders REPLICA IDENTITY FULL",
               }
            << "shop.orders"
            << QStringList{
                   "view|shop.all_orders|columns (id, customer_id, qty, note)" + Judged + "|" + ViewStar,
                   "view|shop.order_qty|columns (id, qty)|",
                   "materialized view|shop.order_totals|columns (customer_id, total)|",
                   "function|shop.first_orders()|sql function, its SQL-standard body depends on the table|",
                   "function|shop.last_order()|plpgsql function, its body names the table|its body has a SELECT *: whatever "
                   "takes those rows (RETURN QUERY, a row variable, INTO a list) gets the new column too; check that it still fits",
                   "function|shop.order_count()|plpgsql function, its body names the table|",
                   "procedure|shop.archive_orders()|plpgsql procedure, its body names the table|",
                   "trigger|shop.orders.orders_touch|BEFORE INSERT OR UPDATE, for each row, runs shop.touch_orders()|" + RowTrigger,
                   "rule|shop.orders.orders_log|ON DELETE DO ALSO|",
                   "rule|shop.orders_archive.keep|ON INSERT to shop.orders_archive DO ALSO; its action names the table|",
                   "publication|deps_all|FOR ALL TABLES; publishes insert|" + Subscribers,
                   "publication|deps_cols|the table, columns (id, qty); publishes insert, update, delete, truncate|has a column "
                   "list: the new column is not published until it is added to it (ALTER PUBLICATION \"deps_cols\" SET TABLE ... "
                   "with the column)",
                   "publication|deps_plain|the table, all columns; publishes insert, update, delete, truncate|" + Subscribers,
                   "publication|deps_schema|FOR TABLES IN SCHEMA shop; publishes insert, update, delete, truncate|" + Subscribers,
                   "replica identity|shop.orders|FULL: an UPDATE or DELETE sends the whole old row|every UPDATE, the backfill's "
                   "too, writes the whole old row to the WAL and sends it to subscribers: expect the backfill to make more WAL "
                   "and replication traffic",
                   "foreign key in|shop.lines.lines_order|shop.lines (order_id) -> (id)|",
                   "foreign key out|shop.orders.orders_customer|(customer_id) -> shop.customers (id) ON DELETE CASCADE|",
               };
        const QStringList pgPartitions = pgReset + QStringList{
            "CREATE TABLE shop.events (id bigint, at date NOT NULL) PARTITION BY RANGE (at)",
            "CREATE TABLE shop.events_2025 PARTITION OF shop.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
            "CREATE TABLE shop.events_2026 PARTITION OF shop.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
            "CREATE PUBLICATION deps_plain FOR TABLE shop.events",
        };
        QTest::addRow("%s partitioned", pg)
            << pg << pgPartitions << "shop.events"
            << QStringList{
                   "publication|deps_plain|the table, all columns; publishes insert, update, delete, truncate|" + Subscribers,
                   "replica identity|shop.events|DEFAULT without a primary key: an UPDATE or DELETE sends nothing of the old "
                   "row|the table is published for updates without a replica identity: its UPDATEs, the backfill's too, fail "
                   "until it has one (ALTER TABLE ... REPLICA IDENTITY)",
                   "partition|shop.events_2025|FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')|",
                   "partition|shop.events_2026|FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')|",
               };
        QTest::addRow("%s partition", pg)
            << pg << pgPartitions << "shop.events_2025"
            << QStringList{
                   "publication|deps_plain|through shop.events, all columns; publishes insert, update, delete, truncate|" + Subscribers,
                   "replica identity|shop.events_2025|DEFAULT without a primary key: an UPDATE or DELETE sends nothing of the "
                   "old row|the table is published for updates without a replica identity: its UPDATEs, the backfill's too, "
                   "fail until it has one (ALTER TABLE ... REPLICA IDENTITY)",
                   "partition|shop.events|the partitioned table this table is a partition of (PARTITION BY RANGE (at); this "
                   "one FOR VALUES FROM ('2025-01-01') TO ('2026-01-01'))|a partition cannot have a column of its own: add the "
                   "column to shop.events, which adds it to every partition",
               };
    }

    const QStringList mySetup{
        "DROP DATABASE IF EXISTS deps",
        "CREATE DATABASE deps",
        "USE deps",
        "CREATE TABLE customers (id int PRIMARY KEY)",
        "CREATE TABLE orders (id int PRIMARY KEY, customer_id int, qty int, note varchar(20), CONSTRAINT orders_customer "
        "FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE)",
        "CREATE TABLE order_lines (order_id int, n int, CONSTRAINT lines_order FOREIGN KEY (order_id) REFERENCES orders (id))",
        "CREATE TABLE orders_archive (id int, customer_id int, qty int, note varchar(20))",
        "CREATE VIEW all_orders AS SELECT * FROM orders",
        "CREATE VIEW order_qty AS SELECT id, qty FROM orders",
        "CREATE VIEW archived AS SELECT * FROM orders_archive",
        "CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW SET NEW.qty = COALESCE(NEW.qty, 0)",
        "CREATE TRIGGER archive_copy AFTER INSERT ON orders_archive FOR EACH ROW "
        "INSERT INTO orders VALUES (NEW.id, NULL, NEW.qty, NEW.note)",
        "CREATE PROCEDURE restore_order(IN wanted int) INSERT INTO orders SELECT * FROM orders_archive WHERE id = wanted",
        "CREATE PROCEDURE archive_only() INSERT INTO orders_archive (id) VALUES (1)",
        "CREATE FUNCTION says_orders() RETURNS varchar(10) DETERMINISTIC RETURN 'orders'",
        "CREATE FUNCTION order_count() RETURNS int READS SQL DATA RETURN (SELECT count(*) FROM orders)",
        "CREATE EVENT purge_orders ON SCHEDULE EVERY 1 DAY DO DELETE FROM orders WHERE qty = 0",
        "CREATE TABLE parted (id int) PARTITION BY RANGE (id) (PARTITION p0 VALUES LESS THAN (100), "
        "PARTITION p1 VALUES LESS THAN MAXVALUE)",
    };
    const QStringList myExpected{
        "view|deps.all_orders|columns (id, customer_id, qty, note)" + Judged + "|" + ViewStar,
        "view|deps.order_qty|columns (id, qty)|",
        "function|deps.order_count|function, its body names the table|",
        "procedure|deps.restore_order|procedure, its body names the table|" + MyPositional,
        "trigger|deps.archive_copy|AFTER INSERT on deps.orders_archive, for each row; its body names the table|" + MyPositional,
        "trigger|deps.orders_touch|BEFORE UPDATE, for each row|" + RowTrigger,
        "foreign key in|deps.order_lines.lines_order|deps.order_lines (order_id) -> (id)|",
        "foreign key out|deps.orders.orders_customer|(customer_id) -> deps.customers (id) ON DELETE CASCADE|",
        "event|deps.purge_orders|runs every 1 DAY, enabled; its body names the table|",
    };
    const QStringList myPartitions{
        "partition|deps.parted.p0|RANGE (`id`): VALUES LESS THAN (100)|",
        "partition|deps.parted.p1|RANGE (`id`): VALUES LESS THAN (MAXVALUE)|",
    };
    for (const char *server : {"mariadb", "mariadb-10.11", "mysql"}) {
        QTest::addRow("%s", server) << server << mySetup << "deps.orders" << myExpected;
        QTest::addRow("%s partitioned", server) << server << mySetup << "deps.parted" << myPartitions;
    }

    QTest::newRow("sqlite")
        << "sqlite"
        << QStringList{
               "PRAGMA foreign_keys = ON",
               "CREATE TABLE customers (id INTEGER PRIMARY KEY)",
               "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers (id) ON DELETE CASCADE, qty INTEGER)",
               "CREATE TABLE order_lines (order_id INTEGER REFERENCES orders (id), n INTEGER)",
               "CREATE TABLE orders_archive (id INTEGER, customer_id INTEGER, qty INTEGER)",
               "CREATE VIEW all_orders AS SELECT * FROM orders",
               "CREATE VIEW order_qty AS SELECT id, qty FROM orders",
               "CREATE VIEW says_orders AS SELECT 'orders' AS word",
               "CREATE VIEW archived AS SELECT * FROM orders_archive",
               "CREATE TRIGGER archive_copy AFTER INSERT ON orders_archive BEGIN "
               "INSERT INTO orders VALUES (NEW.id, NEW.customer_id, NEW.qty); END",
               "CREATE TRIGGER archive_listed AFTER DELETE ON orders_archive BEGIN "
               "INSERT INTO orders (id) VALUES (OLD.id); END",
               "CREATE TRIGGER orders_touch AFTER UPDATE OF qty ON orders BEGIN "
               "UPDATE orders_archive SET qty = NEW.qty WHERE id = NEW.id; END",
               "CREATE TRIGGER orders_stamp UPDATE ON orders BEGIN SELECT 1; END",
           }
        << "main.orders"
        << QStringList{
               "view|main.all_orders|columns (id, customer_id, qty) as they are now: SQLite keeps the view's text and "
               "expands its SELECT * each time the view is read|its SELECT * is expanded each time the view is read: the "
               "view will show the new column, and its readers get one more column",
               "view|main.order_qty|columns (id, qty)|",
               "trigger|main.archive_copy|AFTER INSERT on main.orders_archive, for each row; its body names the table|its "
               "INSERT into the table has no column list: it fails once the column is added (\"table has N columns but M "
               "values were supplied\"); give it a column list first",
               "trigger|main.archive_listed|AFTER DELETE on main.orders_archive, for each row; its body names the table|",
               "trigger|main.orders_stamp|BEFORE UPDATE, for each row|" + RowTrigger,
               "trigger|main.orders_touch|AFTER UPDATE OF qty, for each row|",
               "foreign key in|main.order_lines|main.order_lines (order_id) -> (id)|",
               "foreign key out|main.customers|(customer_id) -> main.customers (id) ON DELETE CASCADE|",
           };
}

void TestDependents::dependents()
{
    QFETCH(QString, server);
    QFETCH(QStringList, setup);
    QFETCH(QString, table);
    QFETCH(QStringList, expected);
    if (!TestServers::wanted(server))
        QSKIP("not among STAGECRAFT_TEST_SERVERS");
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(server, profile);
    QString why;
    QVERIFY2(TestServers::execute(profile, setup, &why), qPrintable(why));
    if (profile.engine == Engine::MySQL || profile.engine == Engine::MariaDB)
        profile.database = QStringLiteral("deps");
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY2(connection.open(&error), qPrintable(error.text()));
    auto reader = CatalogReader::create(connection);
    const qsizetype dot = table.indexOf(QLatin1Char('.'));
    QList<TableDependent> dependents;
    QVERIFY2(reader->listDependents({table.left(dot), table.mid(dot + 1)}, &dependents, &error), qPrintable(error.text()));
    QStringList actual;
    for (const TableDependent &d : std::as_const(dependents))
        actual << line(d);
    if (actual != expected) {
        for (const QString &l : std::as_const(actual))
            qInfo().noquote() << "    " + l;
    }
    QCOMPARE(actual, expected);

    // A table that is not there fails the read.
    QVERIFY(!reader->listDependents({table.left(dot), QStringLiteral("no_such_table")}, &dependents, &error));
    QVERIFY2(error.explanation.contains(QLatin1String("does not exist")), qPrintable(error.text()));
}

// MySQL: a routine whose body the role may not read is listed as such, with what is known.
void TestDependents::unreadableRoutine()
{
    const QString server = QStringLiteral("mysql");
    if (!TestServers::wanted(server))
        QSKIP("not among STAGECRAFT_TEST_SERVERS");
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(server, profile);
    QString why;
    QVERIFY2(TestServers::execute(profile,
                                  {"DROP DATABASE IF EXISTS hidden", "CREATE DATABASE hidden", "USE hidden",
                                   "CREATE TABLE orders (id int PRIMARY KEY)",
                                   "CREATE PROCEDURE clear_orders() DELETE FROM orders",
                                   "CREATE PROCEDURE says_nothing() SELECT 1",
                                   "DROP USER IF EXISTS 'deps_reader'@'%'",
                                   "CREATE USER 'deps_reader'@'%' IDENTIFIED BY 'deps-reader-1'",
                                   "GRANT SELECT, EXECUTE ON hidden.* TO 'deps_reader'@'%'"},
                                  &why),
             qPrintable(why));
    profile.database = QStringLiteral("hidden");
    profile.user = QStringLiteral("deps_reader");
    profile.password = QStringLiteral("deps-reader-1");
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY2(connection.open(&error), qPrintable(error.text()));
    auto reader = CatalogReader::create(connection);
    QList<TableDependent> dependents;
    QVERIFY2(reader->listDependents({QStringLiteral("hidden"), QStringLiteral("orders")}, &dependents, &error),
             qPrintable(error.text()));
    QStringList actual;
    for (const TableDependent &d : std::as_const(dependents))
        actual << line(d);
    QCOMPARE(actual, (QStringList{QStringLiteral("procedure|hidden.clear_orders|a procedure of the table's database; its "
                                                 "text is not readable by this role (it takes being its definer, or SHOW "
                                                 "VIEW / SHOW_ROUTINE / EVENT): whether it names the table is not known|"
                                                 "read it as its definer: it may name the table"),
                                  QStringLiteral("procedure|hidden.says_nothing|a procedure of the table's database; its "
                                                 "text is not readable by this role (it takes being its definer, or SHOW "
                                                 "VIEW / SHOW_ROUTINE / EVENT): whether it names the table is not known|"
                                                 "read it as its definer: it may name the table")}));
}

// A catalog with thousands of views and functions, none but one about the table (half of them
// naming a table whose name starts like it): the reader filters on the server, so the read stays
// well under a second and finds exactly the one.
void TestDependents::manyObjects()
{
    const QString server = QStringLiteral("postgresql");
    if (!TestServers::wanted(server))
        QSKIP("not among STAGECRAFT_TEST_SERVERS");
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(server, profile);
    QString why;
    QVERIFY2(TestServers::execute(
                 profile,
                 {"DROP SCHEMA IF EXISTS crowd CASCADE", "CREATE SCHEMA crowd",
                  "CREATE TABLE crowd.orders (id int PRIMARY KEY, qty int)",
                  "CREATE TABLE crowd.orders_archive (id int PRIMARY KEY, qty int)",
                  "CREATE TABLE crowd.other (id int PRIMARY KEY)",
                  "DO $$BEGIN FOR i IN 1..2000 LOOP "
                  "EXECUTE format('CREATE VIEW crowd.v%s AS SELECT id FROM crowd.%s', i, "
                  "CASE WHEN i % 2 = 0 THEN 'orders_archive' ELSE 'other' END); "
                  "EXECUTE format('CREATE FUNCTION crowd.f%s() RETURNS bigint LANGUAGE plpgsql AS "
                  "$f$BEGIN RETURN (SELECT count(*) FROM crowd.%s); END$f$', i, "
                  "CASE WHEN i % 2 = 0 THEN 'orders_archive' ELSE 'other' END); END LOOP; END$$",
                  "CREATE VIEW crowd.seen AS SELECT qty FROM crowd.orders"},
                 &why),
             qPrintable(why));
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY2(connection.open(&error), qPrintable(error.text()));
    auto reader = CatalogReader::create(connection);
    QList<TableDependent> dependents;
    QElapsedTimer timer;
    timer.start();
    QVERIFY2(reader->listDependents({QStringLiteral("crowd"), QStringLiteral("orders")}, &dependents, &error),
             qPrintable(error.text()));
    const qint64 ms = timer.elapsed();
    qInfo("listDependents over 4,000 views and functions: %lld ms", ms);
    QStringList actual;
    for (const TableDependent &d : std::as_const(dependents))
        actual << line(d);
    QCOMPARE(actual, (QStringList{"view|crowd.seen|columns (qty)|",
                                  "replica identity|crowd.orders|DEFAULT: an UPDATE or DELETE sends the old row's primary key|"}));
    QVERIFY2(ms < 1000, qPrintable(QString::number(ms)));
    // The schema stays: dropping 4,000 objects in one transaction takes more locks than the
    // server has room for, and the server is this run's own.
}

QTEST_GUILESS_MAIN(TestDependents)
#include "testdependents.moc"
