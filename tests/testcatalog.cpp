// The catalog readers against real servers: every feature the planner relies on, created by the
// test with awkward names, read back and compared exactly.

#include "catalog/catalogreader.h"
#include "connection/databaseconnection.h"
#include "testservers.h"

#include <QFile>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

class TestCatalog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanupTestCase();
    void tables_data();
    void tables();
    void columns_data();
    void columns();
    void indexes_data();
    void indexes();
    void constraints_data();
    void constraints();
    void sizes_data();
    void sizes();
    void listedFigures_data();
    void listedFigures();
    void partitions();
    void definition_data();
    void definition();
    void types_data();
    void types();
    void settings_data();
    void settings();
    void blockingSessions_data();
    void blockingSessions();
    void metadataLocksWithPerformanceSchema();
    void probeDefault_data();
    void probeDefault();
    void probeRefusesStatements();
    void probeTypeRewrite_data();
    void probeTypeRewrite();
    void connectionErrors_data();
    void connectionErrors();
    void tlsRequired();
    void serverKilledMidLoad();
    void invalidIndexIsRead();
    void vanishedTable();
    void sqliteRebuildFacts_data();
    void sqliteRebuildFacts();

private:
    // The fixture for an engine, created once per run: a connection with the shop schema in place.
    DatabaseConnection *fixture(const QString &engine, QString *why);
    std::map<QString, std::unique_ptr<DatabaseConnection>> m_connections;
};

static void addEngineColumn()
{
    QTest::addColumn<QString>("engine");
}

#define FIXTURE(engine)                                                                                              \
    QString fixtureWhy_;                                                                                             \
    DatabaseConnection *connection = fixture((engine), &fixtureWhy_);                                                \
    STAGECRAFT_REQUIRE(connection, (engine), fixtureWhy_);                                                           \
    auto reader = CatalogReader::create(*connection)

// The table every engine gets, and what it depends on.
static QStringList fixtureSql(const QString &engine)
{
    if (engine == QLatin1String("postgresql"))
        return {
            "CREATE SCHEMA \"Sales Ünit\"",
            "CREATE TYPE \"Sales Ünit\".\"Mood\" AS ENUM ('sad', 'ok', 'happy')",
            "CREATE DOMAIN \"Sales Ünit\".positive_int AS integer CHECK (VALUE > 0)",
            "CREATE TABLE \"Sales Ünit\".customers (id integer PRIMARY KEY, email text UNIQUE)",
            "INSERT INTO \"Sales Ünit\".customers VALUES (1, 'a@x'), (2, 'b@x')",
            "CREATE TABLE \"Sales Ünit\".\"Order \"\"Lines\"\"\" ("
            "id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
            "\"select\" text NOT NULL DEFAULT 'it''s', "
            "\"Qty\" numeric(10,2) CONSTRAINT \"qty positive\" CHECK (\"Qty\" > 0), "
            "created timestamptz(3) DEFAULT now(), "
            "doubled numeric GENERATED ALWAYS AS (\"Qty\" * 2) STORED, "
            "label varchar(40) COLLATE \"C\", "
            "tags integer[], "
            "mood \"Sales Ünit\".\"Mood\" DEFAULT 'ok', "
            "customer_id integer, "
            "code \"Sales Ünit\".positive_int, "
            "CONSTRAINT \"one label\" UNIQUE (label))",
            "COMMENT ON COLUMN \"Sales Ünit\".\"Order \"\"Lines\"\"\".label IS 'what the customer sees'",
            "ALTER TABLE \"Sales Ünit\".\"Order \"\"Lines\"\"\" ADD CONSTRAINT customer_fk FOREIGN KEY (customer_id) "
            "REFERENCES \"Sales Ünit\".customers (id) ON DELETE CASCADE NOT VALID",
            "ALTER TABLE \"Sales Ünit\".\"Order \"\"Lines\"\"\" ADD CONSTRAINT \"no big codes\" CHECK (code < 1000) NOT VALID",
            "CREATE INDEX \"qty idx\" ON \"Sales Ünit\".\"Order \"\"Lines\"\"\" (\"Qty\") WHERE \"Qty\" > 1",
            "CREATE INDEX lower_label ON \"Sales Ünit\".\"Order \"\"Lines\"\"\" (lower(label), id)",
            "CREATE INDEX mood_hash ON \"Sales Ünit\".\"Order \"\"Lines\"\"\" USING hash (mood)",
            "INSERT INTO \"Sales Ünit\".\"Order \"\"Lines\"\"\" (\"Qty\", label, customer_id) "
            "VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 1)",
            "ANALYZE \"Sales Ünit\".\"Order \"\"Lines\"\"\"",
            "CREATE TABLE \"Sales Ünit\".events (id bigint, at date NOT NULL) PARTITION BY RANGE (at)",
            "CREATE TABLE \"Sales Ünit\".events_2025 PARTITION OF \"Sales Ünit\".events "
            "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
            "CREATE VIEW \"Sales Ünit\".big_orders AS SELECT * FROM \"Sales Ünit\".\"Order \"\"Lines\"\"\" WHERE \"Qty\" > 2",
        };
    if (engine == QLatin1String("mariadb"))
        return {
            "CREATE TABLE customers (id int PRIMARY KEY, email varchar(100) UNIQUE) ENGINE=InnoDB",
            "INSERT INTO customers VALUES (1, 'a@x'), (2, 'b@x')",
            "CREATE TABLE `Order \"Lines\" ``x``` ("
            "id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, "
            "`select` varchar(20) NOT NULL DEFAULT 'it''s', "
            "`Qty` decimal(10,2), "
            "created datetime(3) DEFAULT current_timestamp(3), "
            "doubled decimal(12,2) AS (`Qty` * 2) PERSISTENT, "
            "label varchar(40) COLLATE utf8mb4_bin COMMENT 'what the customer sees', "
            "mood enum('sad','ok','happy') DEFAULT 'ok', "
            "customer_id int, "
            "notes text, "
            "KEY `qty idx` (`Qty`), "
            "UNIQUE KEY `one label` (label), "
            "FULLTEXT KEY notes_ft (notes), "
            "CONSTRAINT `qty positive` CHECK (`Qty` > 0), "
            "CONSTRAINT customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE"
            ") ENGINE=InnoDB ROW_FORMAT=DYNAMIC",
            "INSERT INTO `Order \"Lines\" ``x``` (`Qty`, label, customer_id) VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 1)",
            "ANALYZE TABLE `Order \"Lines\" ``x```",
            "CREATE VIEW big_orders AS SELECT * FROM `Order \"Lines\" ``x``` WHERE `Qty` > 2",
        };
    return {
        "PRAGMA foreign_keys = ON",
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT UNIQUE)",
        "INSERT INTO customers VALUES (1, 'a@x'), (2, 'b@x')",
        "CREATE TABLE \"Order \"\"Lines\"\"\" ("
        "id INTEGER PRIMARY KEY, "
        "\"select\" TEXT NOT NULL DEFAULT 'it''s', "
        "\"Qty\" NUMERIC(10,2) CONSTRAINT \"qty positive\" CHECK (\"Qty\" > 0), "
        "created TEXT DEFAULT CURRENT_TIMESTAMP, "
        "doubled NUMERIC GENERATED ALWAYS AS (\"Qty\" * 2) STORED, "
        "label VARCHAR(40) COLLATE NOCASE, "
        "customer_id INTEGER REFERENCES customers (id) ON DELETE CASCADE, "
        "CONSTRAINT \"one label\" UNIQUE (label), "
        "CHECK (length(label) < 30 AND \"select\" <> ')'))",
        "CREATE INDEX \"qty idx\" ON \"Order \"\"Lines\"\"\" (\"Qty\") WHERE \"Qty\" > 1",
        "INSERT INTO \"Order \"\"Lines\"\"\" (\"Qty\", label, customer_id) VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 1)",
        "CREATE VIEW big_orders AS SELECT * FROM \"Order \"\"Lines\"\"\" WHERE \"Qty\" > 2",
    };
}

static QString tableName(const QString &engine)
{
    return engine == QLatin1String("mariadb") ? QStringLiteral("Order \"Lines\" `x`") : QStringLiteral("Order \"Lines\"");
}

static QString schemaName(const QString &engine)
{
    if (engine == QLatin1String("postgresql"))
        return QStringLiteral("Sales Ünit");
    return engine == QLatin1String("mariadb") ? QStringLiteral("stagecraft_test") : QStringLiteral("main");
}

DatabaseConnection *TestCatalog::fixture(const QString &engine, QString *why)
{
    auto found = m_connections.find(engine);
    if (found != m_connections.end())
        return found->second.get();
    ConnectionProfile profile;
    if (!TestServers::profileFor(engine, &profile, why))
        return nullptr;
    auto connection = std::make_unique<DatabaseConnection>(profile);
    ConnectionError error;
    if (!connection->open(&error)) {
        *why = error.text();
        return nullptr;
    }
    QSqlQuery q(connection->database());
    for (const QString &sql : fixtureSql(engine)) {
        if (!q.exec(sql)) {
            *why = sql + QLatin1String(": ") + q.lastError().text();
            return nullptr;
        }
    }
    return m_connections.emplace(engine, std::move(connection)).first->second.get();
}

void TestCatalog::cleanupTestCase()
{
    m_connections.clear();
    TestServers::stopAll();
}

static TableDetails describe(CatalogReader &reader, const QString &engine)
{
    TableDetails details;
    ConnectionError error;
    if (!reader.describeTable({schemaName(engine), tableName(engine)}, &details, &error))
        qWarning("%s", qPrintable(error.text()));
    return details;
}

// Compares line by line, printing the whole actual list on a mismatch (to review and paste).
#define COMPARE_LINES(actual, expected)                                                                              \
    do {                                                                                                             \
        if ((actual) != (expected)) {                                                                                \
            for (const QString &line : (actual))                                                                     \
                qInfo().noquote() << "    << \"" + QString(line).replace(QLatin1Char('"'), QLatin1String("\\\"")) + "\"";   \
        }                                                                                                            \
        QCOMPARE(actual, expected);                                                                                  \
    } while (false)

static QString kindName(RelationKind kind)
{
    switch (kind) {
    case RelationKind::Table: return QStringLiteral("table");
    case RelationKind::PartitionedTable: return QStringLiteral("partitioned");
    case RelationKind::Partition: return QStringLiteral("partition");
    case RelationKind::View: return QStringLiteral("view");
    }
    return {};
}

void TestCatalog::tables_data()
{
    addEngineColumn();
    QTest::addColumn<QStringList>("expected"); // schema|name|kind|parent|rows|exact
    QTest::newRow("postgresql") << "postgresql"
                                << QStringList{"Sales Ünit|Order \"Lines\"|table||3|inexact",
                                               "Sales Ünit|big_orders|view||-1|inexact",
                                               "Sales Ünit|customers|table||-1|inexact",
                                               "Sales Ünit|events|partitioned||-1|inexact",
                                               "Sales Ünit|events_2025|partition|Sales Ünit.events|-1|inexact"};
    QTest::newRow("mariadb") << "mariadb"
                             << QStringList{"stagecraft_test|Order \"Lines\" `x`|table||3|inexact",
                                            "stagecraft_test|big_orders|view||-1|inexact",
                                            "stagecraft_test|customers|table||2|inexact"};
    QTest::newRow("sqlite") << "sqlite"
                            << QStringList{"main|Order \"Lines\"|table||3|exact", "main|big_orders|view||-1|inexact",
                                           "main|customers|table||2|exact"};
}

void TestCatalog::tables()
{
    QFETCH(QString, engine);
    QFETCH(QStringList, expected);
    FIXTURE(engine);
    QList<TableSummary> tables;
    ConnectionError error;
    QVERIFY2(reader->listTables(&tables, &error), qPrintable(error.text()));
    QStringList actual;
    for (const TableSummary &t : std::as_const(tables)) {
        if (t.table.schema != schemaName(engine))
            continue;
        actual << QStringList{t.table.schema, t.table.name, kindName(t.kind),
                              t.parent.name.isEmpty() ? QString() : t.parent.schema + QLatin1Char('.') + t.parent.name,
                              QString::number(t.estimatedRows), t.rowCountExact ? "exact" : "inexact"}
                      .join(QLatin1Char('|'));
    }
    // MariaDB estimates small tables loosely until they grow: only the one analysed table is exact.
    COMPARE_LINES(actual, expected);

    QStringList schemas;
    QVERIFY(reader->listSchemas(&schemas, &error));
    QVERIFY2(schemas.contains(schemaName(engine)), qPrintable(schemas.join(QLatin1Char(','))));
    QVERIFY(!schemas.contains(QStringLiteral("pg_catalog")) && !schemas.contains(QStringLiteral("mysql")));
}

// The list's row estimates and sizes are the ones each table's own description gives (MariaDB's
// list reads them from InnoDB's persistent statistics instead of opening every table): a partitioned
// table sums its partitions, a table named like another's partition keeps its own, tables without
// persistent statistics (another engine, STATS_PERSISTENT=0) and views are read as before.
void TestCatalog::listedFigures_data()
{
    QTest::addColumn<QString>("server");
    QTest::newRow("mariadb") << "mariadb";
    QTest::newRow("mariadb-10.11") << "mariadb-10.11";
    QTest::newRow("mysql") << "mysql";
}

void TestCatalog::listedFigures()
{
    QFETCH(QString, server);
    if (!TestServers::wanted(server))
        QSKIP("not among STAGECRAFT_TEST_SERVERS");
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(server, profile);
    QString why;
    QVERIFY2(TestServers::execute(profile, {QStringLiteral("DROP DATABASE IF EXISTS figures"), QStringLiteral("CREATE DATABASE figures")}, &why),
             qPrintable(why));
    profile.database = QStringLiteral("figures");
    const QString otherEngine = server == QLatin1String("mysql") ? QStringLiteral("MyISAM") : QStringLiteral("Aria");
    QStringList setup{
        QStringLiteral("CREATE TABLE plain (id int PRIMARY KEY, v varchar(400), KEY v (v))"),
        QStringLiteral("CREATE TABLE parted (id int PRIMARY KEY, v varchar(400)) PARTITION BY HASH (id) PARTITIONS 3"),
        QStringLiteral("CREATE TABLE twin (id int PRIMARY KEY, v varchar(400))"),
        QStringLiteral("CREATE TABLE `twin#P#p0` (id int PRIMARY KEY)"),
        QStringLiteral("CREATE TABLE `Odd \"name\" ``x``` (id int PRIMARY KEY, v varchar(400))"),
        QStringLiteral("CREATE TABLE other_engine (id int PRIMARY KEY, v varchar(400)) ENGINE=%1").arg(otherEngine),
        QStringLiteral("CREATE TABLE transient (id int PRIMARY KEY, v varchar(400)) STATS_PERSISTENT=0"),
        QStringLiteral("CREATE VIEW seen AS SELECT id FROM plain"),
    };
    // Rows enough to take several pages (WITH RECURSIVE: MySQL stops at 1,000 by default), then statistics recalculated (InnoDB's in memory and
    // persistent figures agree after ANALYZE TABLE, as they do after its own recalculations).
    for (const char *table : {"plain", "parted", "twin", "`Odd \"name\" ``x```", "other_engine", "transient"}) {
        setup << QStringLiteral("INSERT INTO %1 (id, v) WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) "
                                "SELECT i, REPEAT('x', 300) FROM n").arg(QString::fromUtf8(table))
              << QStringLiteral("ANALYZE TABLE %1").arg(QString::fromUtf8(table));
    }
    QVERIFY2(TestServers::execute(profile, setup, &why), qPrintable(why));

    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY2(connection.open(&error), qPrintable(error.text()));
    auto reader = CatalogReader::create(connection);
    QList<TableSummary> tables;
    // MariaDB lists without opening the tables InnoDB keeps statistics of (opening them all is what
    // took seconds with 10,000 tables): only the two without persistent statistics, beyond what
    // reading the statistics opens.
    const bool mariadb = connection.engine() == Engine::MariaDB;
    QSqlQuery status(connection.database());
    auto openedTables = [&] {
        return status.exec(QStringLiteral("SHOW SESSION STATUS LIKE 'Opened_tables'")) && status.next() ? status.value(1).toInt() : -1;
    };
    // What reading the statistics opens itself (MariaDB 11.8: the statistics table; 10.11: 4).
    QVERIFY(status.exec(QStringLiteral("FLUSH TABLES")));
    int statisticsOpen = openedTables();
    QSqlQuery statistics(connection.database());
    QVERIFY(!mariadb || statistics.exec(QStringLiteral("SELECT table_name FROM mysql.innodb_table_stats WHERE database_name = DATABASE()")));
    statisticsOpen = openedTables() - statisticsOpen;
    QVERIFY(status.exec(QStringLiteral("FLUSH TABLES")));
    const int openedBefore = openedTables();
    QVERIFY2(reader->listTables(&tables, &error), qPrintable(error.text()));
    if (mariadb)
        QCOMPARE(openedTables() - openedBefore, statisticsOpen + 2);
    QStringList listed, described;
    for (const TableSummary &t : std::as_const(tables)) {
        TableDetails details;
        QVERIFY2(reader->describeTable(t.table, &details, &error), qPrintable(error.text()));
        listed << QStringLiteral("%1|%2|%3").arg(t.table.name).arg(t.estimatedRows).arg(t.totalBytes);
        described << QStringLiteral("%1|%2|%3").arg(t.table.name).arg(details.estimatedRows).arg(details.totalBytes);
        if (t.kind == RelationKind::View) {
            QCOMPARE(t.estimatedRows, qint64(-1));
            QCOMPARE(t.totalBytes, qint64(-1));
        } else if (t.table.name != QLatin1String("twin#P#p0")) {
            // Estimates, but of 1,000 rows of 300 bytes.
            QVERIFY2(t.estimatedRows > 500 && t.estimatedRows < 2000, qPrintable(listed.last()));
            QVERIFY2(t.totalBytes > 1000 * 300, qPrintable(listed.last()));
        }
    }
    QCOMPARE(listed.size(), 8);
    QCOMPARE(listed, described);
}

void TestCatalog::columns_data()
{
    addEngineColumn();
    // name|type|base|length|precision|scale|array|nullable|default|pk|generated|generation|collation|comment
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("postgresql") << "postgresql" << QStringList{
        "id|bigint|bigint|-1|-1|-1||not null||pk|identity always|||",
        "select|text|text|-1|-1|-1||not null|'it''s'::text|||||",
        "Qty|numeric(10,2)|numeric|-1|10|2||null||||||",
        "created|timestamp(3) with time zone|timestamp with time zone|-1|3|-1||null|now()|||||",
        "doubled|numeric|numeric|-1|-1|-1||null|||stored|(\"Qty\" * (2)::numeric)||",
        "label|character varying(40)|character varying|40|-1|-1||null|||||C|what the customer sees",
        "tags|integer[]|integer|-1|-1|-1|array|null||||||",
        "mood|\"Sales Ünit\".\"Mood\"|\"Sales Ünit\".\"Mood\"|-1|-1|-1||null|'ok'::\"Sales Ünit\".\"Mood\"|||||",
        "customer_id|integer|integer|-1|-1|-1||null||||||",
        "code|\"Sales Ünit\".positive_int|\"Sales Ünit\".positive_int|-1|-1|-1||null||||||"};
    QTest::newRow("mariadb") << "mariadb" << QStringList{
        "id|bigint(20)|bigint|-1|-1|-1||not null||pk|auto_increment|||",
        "select|varchar(20)|varchar|20|-1|-1||not null|'it''s'|||||",
        "Qty|decimal(10,2)|decimal|-1|10|2||null||||||",
        "created|datetime(3)|datetime|-1|3|-1||null|current_timestamp(3)|||||",
        "doubled|decimal(12,2)|decimal|-1|12|2||null|||stored|`Qty` * 2||",
        "label|varchar(40)|varchar|40|-1|-1||null|||||utf8mb4_bin|what the customer sees",
        "mood|enum('sad','ok','happy')|enum|-1|-1|-1||null|'ok'|||||",
        "customer_id|int(11)|int|-1|-1|-1||null||||||",
        "notes|text|text|-1|-1|-1||null||||||"};
    QTest::newRow("sqlite") << "sqlite" << QStringList{
        "id|INTEGER|INTEGER|-1|-1|-1||not null||pk||||",
        "select|TEXT|TEXT|-1|-1|-1||not null|'it''s'|||||",
        "Qty|NUMERIC(10,2)|NUMERIC|-1|10|2||null||||||",
        "created|TEXT|TEXT|-1|-1|-1||null|CURRENT_TIMESTAMP|||||",
        "doubled|NUMERIC|NUMERIC|-1|-1|-1||null|||stored|||",
        "label|VARCHAR(40)|VARCHAR|40|-1|-1||null||||||",
        "customer_id|INTEGER|INTEGER|-1|-1|-1||null||||||"};
}

void TestCatalog::columns()
{
    QFETCH(QString, engine);
    QFETCH(QStringList, expected);
    FIXTURE(engine);
    const TableDetails details = describe(*reader, engine);
    QStringList actual;
    for (const ColumnInfo &c : details.columns)
        actual << QStringList{c.name, c.type, c.baseType, QString::number(c.length), QString::number(c.precision),
                              QString::number(c.scale), c.isArray ? "array" : "", c.nullable ? "null" : "not null",
                              c.defaultExpression, c.primaryKey ? "pk" : "", c.generated, c.generationExpression,
                              c.collation, c.comment}
                      .join(QLatin1Char('|'));
    COMPARE_LINES(actual, expected);
}

void TestCatalog::indexes_data()
{
    addEngineColumn();
    QTest::addColumn<QStringList>("expected"); // name|columns|unique|primary|method|predicate|valid|constraint
    QTest::newRow("postgresql") << "postgresql" << QStringList{
        "Order \"Lines\"_pkey|id|unique|primary|btree||valid|Order \"Lines\"_pkey",
        "lower_label|lower(label::text),id|||btree||valid|",
        "mood_hash|mood|||hash||valid|",
        "one label|label|unique||btree||valid|one label",
        "qty idx|Qty|||btree|(\"Qty\" > (1)::numeric)|valid|"};
    QTest::newRow("mariadb") << "mariadb" << QStringList{
        "PRIMARY|id|unique|primary|BTREE||valid|PRIMARY",
        "customer_fk|customer_id|||BTREE||valid|",
        "notes_ft|notes|||FULLTEXT||valid|",
        "one label|label|unique||BTREE||valid|one label",
        "qty idx|Qty|||BTREE||valid|"};
    QTest::newRow("sqlite") << "sqlite" << QStringList{
        "qty idx|Qty|||btree|\"Qty\" > 1|valid|",
        "sqlite_autoindex_Order \"Lines\"_1|label|unique||btree||valid|sqlite_autoindex_Order \"Lines\"_1"};
}

void TestCatalog::indexes()
{
    QFETCH(QString, engine);
    QFETCH(QStringList, expected);
    FIXTURE(engine);
    const TableDetails details = describe(*reader, engine);
    QStringList actual;
    for (const IndexInfo &i : details.indexes)
        actual << QStringList{i.name, i.columns.join(QLatin1Char(',')), i.unique ? "unique" : "", i.primary ? "primary" : "",
                              i.method, i.predicate, i.valid ? "valid" : "INVALID", i.constraintName}
                      .join(QLatin1Char('|'));
    COMPARE_LINES(actual, expected);
    QCOMPARE(details.hasFulltextIndex, engine == QLatin1String("mariadb"));
}

static QString constraintKindName(ConstraintKind kind)
{
    switch (kind) {
    case ConstraintKind::PrimaryKey: return QStringLiteral("pk");
    case ConstraintKind::Unique: return QStringLiteral("unique");
    case ConstraintKind::ForeignKey: return QStringLiteral("fk");
    case ConstraintKind::Check: return QStringLiteral("check");
    case ConstraintKind::Exclusion: return QStringLiteral("exclusion");
    }
    return {};
}

void TestCatalog::constraints_data()
{
    addEngineColumn();
    // name|kind|columns|definition|validated|referenced|referenced columns|on delete|on update
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("postgresql") << "postgresql" << QStringList{
        "Order \"Lines\"_pkey|pk|id|PRIMARY KEY (id)|validated||||",
        "customer_fk|fk|customer_id|FOREIGN KEY (customer_id) REFERENCES \"Sales Ünit\".customers(id) ON DELETE CASCADE NOT VALID|NOT VALID|Sales Ünit.customers|id|CASCADE|NO ACTION",
        "no big codes|check|code|CHECK (((code)::integer < 1000)) NOT VALID|NOT VALID||||",
        "one label|unique|label|UNIQUE (label)|validated||||",
        "qty positive|check|Qty|CHECK ((\"Qty\" > (0)::numeric))|validated||||"};
    QTest::newRow("mariadb") << "mariadb" << QStringList{
        "PRIMARY|pk|id|PRIMARY KEY (`id`)|validated||||",
        "customer_fk|fk|customer_id|FOREIGN KEY (`customer_id`) REFERENCES `stagecraft_test`.`customers` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT|validated|stagecraft_test.customers|id|CASCADE|RESTRICT",
        "one label|unique|label|UNIQUE (`label`)|validated||||",
        "qty positive|check||CHECK (`Qty` > 0)|validated||||"};
    QTest::newRow("sqlite") << "sqlite" << QStringList{
        "|pk|id|PRIMARY KEY (\"id\")|validated||||",
        "|unique|label|UNIQUE (\"label\")|validated||||",
        "|fk|customer_id|FOREIGN KEY (\"customer_id\") REFERENCES \"customers\" (\"id\") ON DELETE CASCADE ON UPDATE NO ACTION|validated|main.customers|id|CASCADE|NO ACTION",
        "qty positive|check||CHECK (\"Qty\" > 0)|validated||||",
        "|check||CHECK (length(label) < 30 AND \"select\" <> ')')|validated||||"};
}

void TestCatalog::constraints()
{
    QFETCH(QString, engine);
    QFETCH(QStringList, expected);
    FIXTURE(engine);
    const TableDetails details = describe(*reader, engine);
    QStringList actual;
    for (const ConstraintInfo &k : details.constraints)
        actual << QStringList{k.name, constraintKindName(k.kind), k.columns.join(QLatin1Char(',')), k.definition,
                              k.validated ? "validated" : "NOT VALID",
                              k.referencedTable.name.isEmpty() ? QString()
                                                               : k.referencedTable.schema + QLatin1Char('.') + k.referencedTable.name,
                              k.referencedColumns.join(QLatin1Char(',')), k.onDelete, k.onUpdate}
                      .join(QLatin1Char('|'));
    COMPARE_LINES(actual, expected);
    QCOMPARE(details.primaryKey(), QStringList{QStringLiteral("id")});
}

void TestCatalog::sizes_data()
{
    addEngineColumn();
    QTest::addColumn<QString>("rowFormat");
    QTest::newRow("postgresql") << "postgresql" << "";
    QTest::newRow("mariadb") << "mariadb" << "Dynamic";
    QTest::newRow("sqlite") << "sqlite" << "";
}

void TestCatalog::sizes()
{
    QFETCH(QString, engine);
    FIXTURE(engine);
    const TableDetails details = describe(*reader, engine);
    QCOMPARE(details.estimatedRows, 3);
    QCOMPARE(details.rowCountExact, engine == QLatin1String("sqlite"));
    QVERIFY(details.heapBytes > 0);
    QVERIFY(details.indexBytes > 0);
    QCOMPARE(details.totalBytes >= details.heapBytes + details.indexBytes, true);
    QTEST(details.rowFormat, "rowFormat");
    QCOMPARE(details.fileNode > 0, engine == QLatin1String("postgresql"));
    QCOMPARE(details.instantRowVersions, -1); // only MySQL 8.0.29+ counts them
}

void TestCatalog::partitions()
{
    FIXTURE(QStringLiteral("postgresql"));
    TableDetails details;
    ConnectionError error;
    QVERIFY2(reader->describeTable({QStringLiteral("Sales Ünit"), QStringLiteral("events")}, &details, &error), qPrintable(error.text()));
    QCOMPARE(int(details.kind), int(RelationKind::PartitionedTable));
    QCOMPARE(details.partitions.size(), 1);
    QCOMPARE(details.partitions.first().table, (TableRef{QStringLiteral("Sales Ünit"), QStringLiteral("events_2025")}));
    QVERIFY(!details.partitions.first().partitioned && !details.partitions.first().foreign);
    QVERIFY(details.partitions.first().heapBytes >= 0);
    QCOMPARE(details.heapBytes, details.partitions.first().heapBytes); // the rows are in the partitions
    QVERIFY2(reader->describeTable({QStringLiteral("Sales Ünit"), QStringLiteral("events_2025")}, &details, &error), qPrintable(error.text()));
    QVERIFY(details.partitions.isEmpty()); // a partition has none of its own
}

void TestCatalog::definition_data()
{
    addEngineColumn();
    QTest::addColumn<QString>("expected");
    QTest::newRow("postgresql") << "postgresql" << QStringLiteral(
        "CREATE TABLE \"Sales Ünit\".\"Order \"\"Lines\"\"\" (\n"
        "    \"id\" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,\n"
        "    \"select\" text DEFAULT 'it''s'::text NOT NULL,\n"
        "    \"Qty\" numeric(10,2),\n"
        "    \"created\" timestamp(3) with time zone DEFAULT now(),\n"
        "    \"doubled\" numeric GENERATED ALWAYS AS ((\"Qty\" * (2)::numeric)) STORED,\n"
        "    \"label\" character varying(40) COLLATE \"C\",\n"
        "    \"tags\" integer[],\n"
        "    \"mood\" \"Sales Ünit\".\"Mood\" DEFAULT 'ok'::\"Sales Ünit\".\"Mood\",\n"
        "    \"customer_id\" integer,\n"
        "    \"code\" \"Sales Ünit\".positive_int,\n"
        "    CONSTRAINT \"Order \"\"Lines\"\"_pkey\" PRIMARY KEY (id),\n"
        "    CONSTRAINT \"customer_fk\" FOREIGN KEY (customer_id) REFERENCES \"Sales Ünit\".customers(id) ON DELETE CASCADE NOT VALID,\n"
        "    CONSTRAINT \"no big codes\" CHECK (((code)::integer < 1000)) NOT VALID,\n"
        "    CONSTRAINT \"one label\" UNIQUE (label),\n"
        "    CONSTRAINT \"qty positive\" CHECK ((\"Qty\" > (0)::numeric))\n"
        ");\n"
        "CREATE INDEX lower_label ON \"Sales Ünit\".\"Order \"\"Lines\"\"\" USING btree (lower((label)::text), id);\n"
        "CREATE INDEX mood_hash ON \"Sales Ünit\".\"Order \"\"Lines\"\"\" USING hash (mood);\n"
        "CREATE INDEX \"qty idx\" ON \"Sales Ünit\".\"Order \"\"Lines\"\"\" USING btree (\"Qty\") WHERE (\"Qty\" > (1)::numeric);\n"
        "COMMENT ON COLUMN \"Sales Ünit\".\"Order \"\"Lines\"\"\".\"label\" IS 'what the customer sees';\n");
    QTest::newRow("mariadb") << "mariadb" << QStringLiteral(
        "CREATE TABLE `Order \"Lines\" ``x``` (\n"
        "  `id` bigint(20) NOT NULL AUTO_INCREMENT,\n"
        "  `select` varchar(20) NOT NULL DEFAULT 'it''s',\n"
        "  `Qty` decimal(10,2) DEFAULT NULL,\n"
        "  `created` datetime(3) DEFAULT current_timestamp(3),\n"
        "  `doubled` decimal(12,2) GENERATED ALWAYS AS (`Qty` * 2) STORED,\n"
        "  `label` varchar(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL COMMENT 'what the customer sees',\n"
        "  `mood` enum('sad','ok','happy') DEFAULT 'ok',\n"
        "  `customer_id` int(11) DEFAULT NULL,\n"
        "  `notes` text DEFAULT NULL,\n"
        "  PRIMARY KEY (`id`),\n"
        "  UNIQUE KEY `one label` (`label`),\n"
        "  KEY `qty idx` (`Qty`),\n"
        "  KEY `customer_fk` (`customer_id`),\n"
        "  FULLTEXT KEY `notes_ft` (`notes`),\n"
        "  CONSTRAINT `customer_fk` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE CASCADE,\n"
        "  CONSTRAINT `qty positive` CHECK (`Qty` > 0)\n"
        ") ENGINE=InnoDB AUTO_INCREMENT=4 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci ROW_FORMAT=DYNAMIC;\n");
    QTest::newRow("sqlite") << "sqlite" << QStringLiteral(
        "CREATE TABLE \"Order \"\"Lines\"\"\" (id INTEGER PRIMARY KEY, \"select\" TEXT NOT NULL DEFAULT 'it''s', \"Qty\" NUMERIC(10,2) CONSTRAINT \"qty positive\" CHECK (\"Qty\" > 0), created TEXT DEFAULT CURRENT_TIMESTAMP, doubled NUMERIC GENERATED ALWAYS AS (\"Qty\" * 2) STORED, label VARCHAR(40) COLLATE NOCASE, customer_id INTEGER REFERENCES customers (id) ON DELETE CASCADE, CONSTRAINT \"one label\" UNIQUE (label), CHECK (length(label) < 30 AND \"select\" <> ')'));\n"
        "CREATE INDEX \"qty idx\" ON \"Order \"\"Lines\"\"\" (\"Qty\") WHERE \"Qty\" > 1;\n");
}

void TestCatalog::definition()
{
    QFETCH(QString, engine);
    QFETCH(QString, expected);
    FIXTURE(engine);
    const TableDetails details = describe(*reader, engine);
    COMPARE_LINES(details.definitionSql.split(QLatin1Char('\n')), expected.split(QLatin1Char('\n')));
    if (engine != QLatin1String("postgresql"))
        return;
    // The definition is SQL the engine accepts: it recreates the table in another schema.
    QSqlQuery q(connection->database());
    QVERIFY(q.exec(QStringLiteral("CREATE SCHEMA copy_check")));
    QString copy = details.definitionSql;
    copy.replace(QStringLiteral("\"Sales Ünit\".\"Order"), QStringLiteral("copy_check.\"Order"));
    copy.replace(QStringLiteral("ON \"Sales Ünit\".\"Order"), QStringLiteral("ON copy_check.\"Order"));
    for (const QString &statement : copy.split(QLatin1String(";\n"), Qt::SkipEmptyParts))
        QVERIFY2(q.exec(statement), qPrintable(statement + QLatin1String(": ") + q.lastError().text()));
}


void TestCatalog::types_data()
{
    addEngineColumn();
    QTest::addColumn<QStringList>("mustHave"); // schema|name|category|parameters|labels or base
    QTest::addColumn<QStringList>("mustNotHave"); // names
    QTest::newRow("postgresql") << "postgresql"
                                << QStringList{"|integer|builtin|none|", "|numeric|builtin|precision,scale|",
                                               "|character varying|builtin|length|",
                                               "|timestamp with time zone|builtin|precision|", "|uuid|builtin|none|",
                                               "|jsonb|builtin|none|", "Sales Ünit|Mood|enum|none|sad,ok,happy",
                                               "Sales Ünit|positive_int|domain|none|integer"}
                                << QStringList{"oid", "regclass", "name", "customers", "int2vector"};
    QTest::newRow("mariadb") << "mariadb"
                             << QStringList{"|int|builtin|none|", "|decimal|builtin|precision,scale|",
                                            "|varchar|builtin|length|", "|datetime|builtin|precision|",
                                            "|enum|enum|none|", "|uuid|builtin|none|"}
                             << QStringList{"customers"};
    QTest::newRow("sqlite") << "sqlite"
                            << QStringList{"|INTEGER|builtin|none|", "|TEXT|builtin|none|", "|VARCHAR|builtin|length|",
                                           "|DECIMAL|builtin|precision,scale|"}
                            << QStringList{"customers"};
}

void TestCatalog::types()
{
    QFETCH(QString, engine);
    QFETCH(QStringList, mustHave);
    QFETCH(QStringList, mustNotHave);
    FIXTURE(engine);
    QList<TypeInfo> types;
    ConnectionError error;
    QVERIFY2(reader->listTypes(&types, &error), qPrintable(error.text()));
    QStringList actual, names;
    for (const TypeInfo &t : std::as_const(types)) {
        static const QMap<TypeCategory, QString> categories = {
            {TypeCategory::BuiltIn, "builtin"}, {TypeCategory::Enum, "enum"}, {TypeCategory::Domain, "domain"},
            {TypeCategory::Composite, "composite"}, {TypeCategory::Range, "range"}, {TypeCategory::Other, "other"}};
        static const QMap<TypeInfo::Parameters, QString> parameters = {
            {TypeInfo::Parameters::None, "none"}, {TypeInfo::Parameters::Length, "length"},
            {TypeInfo::Parameters::Precision, "precision"}, {TypeInfo::Parameters::PrecisionScale, "precision,scale"}};
        actual << QStringList{t.schema, t.name, categories.value(t.category), parameters.value(t.parameters),
                              t.category == TypeCategory::Domain ? t.baseType : t.enumLabels.join(QLatin1Char(','))}
                      .join(QLatin1Char('|'));
        names << t.name;
    }
    for (const QString &line : std::as_const(mustHave))
        QVERIFY2(actual.contains(line), qPrintable(line));
    for (const QString &name : std::as_const(mustNotHave))
        QVERIFY2(!names.contains(name), qPrintable(name));
}

void TestCatalog::settings_data()
{
    addEngineColumn();
    QTest::addColumn<QStringList>("expected"); // name=value, a subset of what is read
    QTest::newRow("postgresql") << "postgresql"
                                << QStringList{"lock_timeout=0ms", "statement_timeout=0ms", "server_encoding=UTF8"};
    QTest::newRow("mariadb") << "mariadb" << QStringList{"lock_wait_timeout=86400", "innodb_lock_wait_timeout=50",
                                                         "foreign_key_checks=ON", "performance_schema=OFF"};
    QTest::newRow("sqlite") << "sqlite" << QStringList{"journal_mode=delete", "foreign_keys=0", "busy_timeout=5000"};
}

void TestCatalog::settings()
{
    QFETCH(QString, engine);
    QFETCH(QStringList, expected);
    FIXTURE(engine);
    // Settings are read when a connection opens, as that session sees them.
    DatabaseConnection fresh(connection->profile());
    ConnectionError error;
    QVERIFY(fresh.open(&error));
    const auto &settings = fresh.server().settings;
    for (const QString &pair : std::as_const(expected)) {
        const QString name = pair.section(QLatin1Char('='), 0, 0);
        QCOMPARE(name + QLatin1Char('=') + settings.value(name), pair);
    }
    if (engine == QLatin1String("mariadb"))
        QVERIFY(fresh.server().settings.value(QStringLiteral("sql_mode")).contains(QLatin1String("STRICT_TRANS_TABLES")));
}

void TestCatalog::blockingSessions_data()
{
    addEngineColumn();
    QTest::addColumn<QString>("expectedLocks");
    QTest::addColumn<QString>("expectedState");
    QTest::newRow("postgresql") << "postgresql" << "RowExclusiveLock" << "idle in transaction";
    QTest::newRow("mariadb") << "mariadb" << "metadata lock (open transaction)" << "idle in transaction";
    QTest::newRow("sqlite") << "sqlite" << "RESERVED" << "holds the write lock";
}

void TestCatalog::blockingSessions()
{
    QFETCH(QString, engine);
    QFETCH(QString, expectedLocks);
    QFETCH(QString, expectedState);
    FIXTURE(engine);
    const TableRef table{schemaName(engine), tableName(engine)};
    QList<BlockingSession> sessions;
    ConnectionError error;
    QVERIFY2(reader->blockingSessions(table, &sessions, &error), qPrintable(error.text()));
    QVERIFY2(sessions.isEmpty(), "nobody blocks before the test opens a transaction");

    // Another session opens a transaction that touches the table and then idles, as an
    // application that forgot to commit would.
    DatabaseConnection other(connection->profile());
    QVERIFY(other.open(&error));
    QSqlQuery q(other.database());
    const QString update = engine == QLatin1String("mariadb")
        ? QStringLiteral("UPDATE `Order \"Lines\" ``x``` SET label = 'held' WHERE id = 1")
        : engine == QLatin1String("postgresql") ? QStringLiteral("UPDATE \"Sales Ünit\".\"Order \"\"Lines\"\"\" SET label = 'held' WHERE id = 1")
                                                : QStringLiteral("UPDATE \"Order \"\"Lines\"\"\" SET label = 'held' WHERE id = 1");
    if (engine == QLatin1String("sqlite"))
        QVERIFY(q.exec(QStringLiteral("BEGIN IMMEDIATE")));
    else
        QVERIFY(other.database().transaction());
    QVERIFY2(q.exec(update), qPrintable(q.lastError().text()));
    // InnoDB refreshes what INNODB_TRX shows at most every 100 ms.
    QThread::msleep(150);

    QVERIFY2(reader->blockingSessions(table, &sessions, &error), qPrintable(error.text()));
    QCOMPARE(sessions.size(), 1);
    const BlockingSession &s = sessions.first();
    QCOMPARE(s.locks.join(QLatin1Char(',')), expectedLocks);
    QCOMPARE(s.state, expectedState);
    QVERIFY(!s.waiting);
    if (engine != QLatin1String("sqlite")) {
        QVERIFY(s.pid > 0);
        QVERIFY2(s.transactionSeconds >= 0.05 && s.transactionSeconds < 30, qPrintable(QString::number(s.transactionSeconds)));
        QCOMPARE(s.user, connection->profile().user);
    }
    if (engine == QLatin1String("postgresql"))
        QCOMPARE(s.query, update);
    if (engine == QLatin1String("sqlite"))
        QVERIFY(q.exec(QStringLiteral("ROLLBACK")));
    else
        QVERIFY(other.database().rollback());
    QThread::msleep(150);
    QVERIFY(reader->blockingSessions(table, &sessions, &error));
    QVERIFY(sessions.isEmpty());
}

void TestCatalog::metadataLocksWithPerformanceSchema()
{
    // A server of its own with performance_schema's metadata-lock instrument on, as MySQL 8 has by
    // default: the session holding the table's metadata lock is named exactly, and a session with an
    // open transaction on another table is not.
    MariaDbTestServer server;
    server.setExtraArguments({QStringLiteral("--performance-schema=ON"),
                              QStringLiteral("--performance-schema-instrument=wait/lock/metadata/sql/mdl=ON")});
    STAGECRAFT_REQUIRE_STARTED(server);
    DatabaseConnection connection(server.profile());
    ConnectionError error;
    QVERIFY2(connection.open(&error), qPrintable(error.text()));
    QCOMPARE(connection.server().settings.value(QStringLiteral("performance_schema")), QStringLiteral("ON"));
    QSqlQuery q(connection.database());
    QVERIFY(q.exec(QStringLiteral("CREATE TABLE watched (id int PRIMARY KEY)")));
    QVERIFY(q.exec(QStringLiteral("CREATE TABLE elsewhere (id int PRIMARY KEY)")));

    DatabaseConnection holder(server.profile()), bystander(server.profile());
    QVERIFY(holder.open(&error) && bystander.open(&error));
    QVERIFY(holder.database().transaction());
    QVERIFY(QSqlQuery(holder.database()).exec(QStringLiteral("SELECT * FROM watched")));
    QVERIFY(bystander.database().transaction());
    QVERIFY(QSqlQuery(bystander.database()).exec(QStringLiteral("SELECT * FROM elsewhere")));
    QThread::msleep(150);

    QList<BlockingSession> sessions;
    auto reader = CatalogReader::create(connection);
    QVERIFY2(reader->blockingSessions({QStringLiteral("stagecraft_test"), QStringLiteral("watched")}, &sessions, &error),
             qPrintable(error.text()));
    QCOMPARE(sessions.size(), 1);
    QSqlQuery id(holder.database());
    QVERIFY(id.exec(QStringLiteral("SELECT CONNECTION_ID()")) && id.next());
    QCOMPARE(sessions.first().pid, id.value(0).toLongLong());
    QCOMPARE(sessions.first().locks, QStringList{QStringLiteral("metadata lock SHARED_READ")});
    QCOMPARE(sessions.first().state, QStringLiteral("idle in transaction"));
    QVERIFY(holder.database().rollback() && bystander.database().rollback());
}

void TestCatalog::probeDefault_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("expression");
    QTest::addColumn<int>("volatility");
    QTest::addColumn<bool>("rewrites");
    QTest::addColumn<QString>("failure");
    using V = DefaultProbe::Volatility;
    QTest::newRow("constant") << "integer" << "0" << int(V::Immutable) << false << "";
    QTest::newRow("arithmetic") << "numeric(10,2)" << "1.5 * 2" << int(V::Immutable) << false << "";
    QTest::newRow("now() is stable") << "timestamptz" << "now()" << int(V::Stable) << false << "";
    QTest::newRow("current_timestamp") << "timestamp with time zone" << "CURRENT_TIMESTAMP" << int(V::Stable) << false << "";
    QTest::newRow("gen_random_uuid") << "uuid" << "gen_random_uuid()" << int(V::Volatile) << true << "";
    QTest::newRow("clock_timestamp") << "timestamptz" << "clock_timestamp()" << int(V::Volatile) << true << "";
    QTest::newRow("random") << "double precision" << "random()" << int(V::Volatile) << true << "";
    QTest::newRow("enum literal") << "\"Sales Ünit\".\"Mood\"" << "'happy'" << int(V::Immutable) << false << "";
    // Read from the catalog, not from an index that json cannot have: a literal is immutable.
    QTest::newRow("json literal") << "json" << "'{}'" << int(V::Immutable) << false << "";
    QTest::newRow("unknown function") << "integer" << "no_such_function()" << 0 << false
                                      << "The server rejects the default expression for type integer.";
    QTest::newRow("wrong type") << "integer" << "'abc'" << 0 << false
                                << "The server rejects the default expression for type integer.";
    QTest::newRow("bad enum label") << "\"Sales Ünit\".\"Mood\"" << "'furious'" << 0 << false
                                    << "The server rejects the default expression for type \"Sales Ünit\".\"Mood\".";
}

void TestCatalog::probeDefault()
{
    QFETCH(QString, type);
    QFETCH(QString, expression);
    QFETCH(QString, failure);
    FIXTURE(QStringLiteral("postgresql"));
    DefaultProbe probe;
    ConnectionError error;
    const bool ok = reader->probeDefault(type, expression, &probe, &error);
    if (!failure.isEmpty()) {
        QVERIFY(!ok);
        QCOMPARE(error.explanation, failure);
        QVERIFY(!error.serverMessage.isEmpty());
    } else {
        QVERIFY2(ok, qPrintable(error.text()));
        QTEST(int(probe.volatility), "volatility");
        QTEST(probe.rewritesTable, "rewrites");
    }
    // Nothing is left behind, and the connection is usable (not stuck in a failed transaction).
    QSqlQuery q(connection->database());
    QVERIFY2(q.exec(QStringLiteral("SELECT to_regclass('pg_temp.stagecraft_probe') IS NULL")) && q.next(),
             qPrintable(q.lastError().text()));
    QVERIFY(q.value(0).toBool());
}

void TestCatalog::probeRefusesStatements()
{
    FIXTURE(QStringLiteral("postgresql"));
    QSqlQuery q(connection->database());
    QVERIFY(q.exec(QStringLiteral("CREATE TABLE public.victim (id int)")));
    const QStringList attacks = {
        "0); COMMIT; DROP TABLE public.victim; --",
        "0) -- comment",
        "(0",
        "0)) , (1",
        "'unclosed",
    };
    for (const QString &attack : attacks) {
        DefaultProbe probe;
        ConnectionError error;
        QVERIFY2(!reader->probeDefault(QStringLiteral("integer"), attack, &probe, &error), qPrintable(attack));
        QVERIFY2(error.explanation.startsWith(QLatin1String("The default expression ")), qPrintable(error.explanation));
        QVERIFY(error.serverMessage.isEmpty()); // refused before anything reached the server
    }
    DefaultProbe probe;
    ConnectionError error;
    QVERIFY(!reader->probeDefault(QStringLiteral("integer; DROP TABLE public.victim"), QStringLiteral("0"), &probe, &error));
    QCOMPARE(error.explanation, QStringLiteral("The type contains ';': write one expression, not statements."));
    QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM public.victim")));
    // A dollar-quoted string may hold anything, a semicolon included.
    QVERIFY2(reader->probeDefault(QStringLiteral("text"), QStringLiteral("$x$a;b$x$"), &probe, &error), qPrintable(error.text()));
    QCOMPARE(int(probe.volatility), int(DefaultProbe::Volatility::Immutable));
}

void TestCatalog::probeTypeRewrite_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<bool>("rewrites");
    QTest::newRow("integer") << "integer" << false;
    QTest::newRow("varchar") << "character varying(20)" << false;
    QTest::newRow("enum") << "\"Sales Ünit\".\"Mood\"" << false;
    QTest::newRow("domain with a check") << "\"Sales Ünit\".positive_int" << true;
    QTest::newRow("domain without constraints") << "\"Sales Ünit\".plain_int" << false;
    QTest::newRow("domain not null") << "\"Sales Ünit\".required_int" << true; // the table is empty: no failure
    QTest::newRow("domain over a checked domain") << "\"Sales Ünit\".small_positive" << true;
    QTest::newRow("array of a checked domain") << "\"Sales Ünit\".positive_int[]" << false;
}

void TestCatalog::probeTypeRewrite()
{
    QFETCH(QString, type);
    QFETCH(bool, rewrites);
    FIXTURE(QStringLiteral("postgresql"));
    QSqlQuery q(connection->database());
    // Created here, after types() has listed the fixture's types; once per run.
    QVERIFY2(q.exec(QStringLiteral("DO $$ BEGIN "
                                   "CREATE DOMAIN \"Sales Ünit\".plain_int AS integer; "
                                   "CREATE DOMAIN \"Sales Ünit\".required_int AS integer NOT NULL; "
                                   "CREATE DOMAIN \"Sales Ünit\".small_positive AS \"Sales Ünit\".positive_int; "
                                   "EXCEPTION WHEN duplicate_object THEN NULL; END $$")),
             qPrintable(q.lastError().text()));
    bool actual = !rewrites; // the probe must set it either way
    ConnectionError error;
    QVERIFY2(reader->probeTypeRewrite(type, &actual, &error), qPrintable(error.text()));
    QCOMPARE(actual, rewrites);
    QVERIFY2(q.exec(QStringLiteral("SELECT to_regclass('pg_temp.stagecraft_probe') IS NULL")) && q.next(),
             qPrintable(q.lastError().text()));
    QVERIFY(q.value(0).toBool()); // nothing left behind, the connection usable
    QVERIFY(!reader->probeTypeRewrite(QStringLiteral("int); DROP TABLE public.victim; --"), &actual, &error));
    QVERIFY(error.serverMessage.isEmpty()); // refused before anything reached the server
}

void TestCatalog::connectionErrors_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<QString>("change"); // what is wrong with the profile
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("explanation");
    QTest::newRow("postgresql no database") << "postgresql" << "database" << int(ConnectionError::Kind::NoSuchDatabase)
                                            << "PostgreSQL at 127.0.0.1:%1 has no database named 'nope'.";
    QTest::newRow("postgresql refused") << "postgresql" << "port" << int(ConnectionError::Kind::Refused)
                                        << "Could not reach PostgreSQL at 127.0.0.1:%1: no server is listening "
                                           "there, or the host name is wrong.";
    QTest::newRow("mariadb no database") << "mariadb" << "database" << int(ConnectionError::Kind::NoSuchDatabase)
                                         << "MariaDB at 127.0.0.1:%1 has no database named 'nope'.";
    QTest::newRow("mariadb wrong password") << "mariadb" << "password" << int(ConnectionError::Kind::WrongPassword)
                                            << "MariaDB at 127.0.0.1:%1 refused the user name or password for "
                                               "'stagecraft'.";
    QTest::newRow("mariadb refused") << "mariadb" << "port" << int(ConnectionError::Kind::Refused)
                                     << "Could not reach MariaDB at 127.0.0.1:%1: no server is listening there, "
                                        "or the host name is wrong.";
    QTest::newRow("sqlite missing file") << "sqlite" << "database" << int(ConnectionError::Kind::NoSuchDatabase)
                                         << "There is no SQLite database file at /nonexistent/nope.";
}

void TestCatalog::connectionErrors()
{
    QFETCH(QString, engine);
    QFETCH(QString, change);
    QFETCH(int, kind);
    QFETCH(QString, explanation);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    if (change == QLatin1String("database"))
        profile.database = engine == QLatin1String("sqlite") ? QStringLiteral("/nonexistent/nope") : QStringLiteral("nope");
    else if (change == QLatin1String("password"))
        profile.password = QStringLiteral("wrong");
    else if (change == QLatin1String("port"))
        profile.port = freeLoopbackPort();
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY(!connection.open(&error));
    QCOMPARE(int(error.kind), kind);
    QCOMPARE(error.explanation, explanation.contains(QLatin1String("%1")) ? explanation.arg(profile.port) : explanation);
    QVERIFY(engine == QLatin1String("sqlite") || !error.serverMessage.isEmpty());
    QVERIFY(!connection.isOpen());
    QVERIFY(!QFile::exists(QStringLiteral("/nonexistent/nope")));
}

void TestCatalog::tlsRequired()
{
    PostgresTestServer server;
    server.setRequireTls(true);
    STAGECRAFT_REQUIRE_STARTED(server);
    DatabaseConnection connection(server.profile());
    ConnectionError error;
    QVERIFY(!connection.open(&error));
    QCOMPARE(int(error.kind), int(ConnectionError::Kind::TlsRequired));
    QCOMPARE(error.explanation, QStringLiteral("PostgreSQL at 127.0.0.1:%1 only accepts encrypted connections: set "
                                               "the TLS mode to 'require'.").arg(server.port()));
    QVERIFY2(error.serverMessage.contains(QLatin1String("no encryption")), qPrintable(error.serverMessage));
}

// A CREATE UNIQUE INDEX CONCURRENTLY that met duplicates leaves an INVALID index behind: read as such.
void TestCatalog::invalidIndexIsRead()
{
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("postgresql"), profile);
    QString why;
    QVERIFY2(TestServers::execute(profile, {QStringLiteral("CREATE TABLE half_indexed (id int PRIMARY KEY, code int)"),
                                            QStringLiteral("INSERT INTO half_indexed VALUES (1, 7), (2, 7)")},
                                  &why),
             qPrintable(why));
    QVERIFY(!TestServers::execute(profile, {QStringLiteral("CREATE UNIQUE INDEX CONCURRENTLY half_indexed_code_key ON half_indexed (code)")}, &why));
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY2(connection.open(&error), qPrintable(error.text()));
    TableDetails details;
    QVERIFY2(CatalogReader::create(connection)->describeTable({QStringLiteral("public"), QStringLiteral("half_indexed")}, &details, &error),
             qPrintable(error.text()));
    const auto index = std::find_if(details.indexes.cbegin(), details.indexes.cend(),
                                    [](const IndexInfo &i) { return i.name == QLatin1String("half_indexed_code_key"); });
    QVERIFY(index != details.indexes.cend());
    QVERIFY(index->unique);
    QVERIFY(!index->valid);
    QCOMPARE(index->columns, QStringList{QStringLiteral("code")});
}

void TestCatalog::serverKilledMidLoad()
{
    // A server of its own: this test kills it.
    PostgresTestServer server;
    STAGECRAFT_REQUIRE_STARTED(server);
    QString why;
    DatabaseConnection connection(server.profile());
    ConnectionError error;
    QVERIFY2(connection.open(&error), qPrintable(error.text()));
    auto reader = CatalogReader::create(connection);
    QList<TableSummary> tables;
    QVERIFY(reader->listTables(&tables, &error));
    // In the middle of a load: another session holds the table, so reading its sizes waits in the
    // server, and the server is killed while the reader waits for its answer.
    QVERIFY2(TestServers::execute(server.profile(), {QStringLiteral("CREATE TABLE held (id int PRIMARY KEY)")}, &why), qPrintable(why));
    DatabaseConnection holder(server.profile());
    QVERIFY2(holder.open(&error), qPrintable(error.text()));
    QSqlQuery lock(holder.database());
    QVERIFY(lock.exec(QStringLiteral("BEGIN")) && lock.exec(QStringLiteral("LOCK TABLE held IN ACCESS EXCLUSIVE MODE")));
    std::atomic<bool> loading{false};
    auto load = QtConcurrent::run([&] {
        DatabaseConnection c(server.profile());
        ConnectionError e;
        if (!c.open(&e))
            return e;
        TableDetails details;
        loading = true;
        if (CatalogReader::create(c)->describeTable({QStringLiteral("public"), QStringLiteral("held")}, &details, &e))
            e = {}; // it should not have succeeded
        return e;
    });
    QTRY_VERIFY(loading);
    QThread::msleep(300); // waiting for the lock inside the server
    QVERIFY(!load.isFinished());
    server.kill();
    QVERIFY(QTest::qWaitFor([&] { return load.isFinished(); }, 10000));
    const ConnectionError midLoad = load.result();
    QCOMPARE(int(midLoad.kind), int(ConnectionError::Kind::Lost));
    QVERIFY2(midLoad.explanation.startsWith(QLatin1String("The connection to the server was lost while ")), qPrintable(midLoad.explanation));
    // And the next load on a connection opened before the kill says the same.
    QVERIFY(!reader->listTables(&tables, &error));
    QCOMPARE(int(error.kind), int(ConnectionError::Kind::Lost));
    QCOMPARE(error.explanation, QStringLiteral("The connection to the server was lost while listing the tables."));
}

void TestCatalog::vanishedTable()
{
    FIXTURE(QStringLiteral("postgresql"));
    TableDetails details;
    ConnectionError error;
    QVERIFY(!reader->describeTable({QStringLiteral("public"), QStringLiteral("gone")}, &details, &error));
    QCOMPARE(error.explanation, QStringLiteral("Table \"public\".\"gone\" does not exist (any more)."));
}

void TestCatalog::sqliteRebuildFacts_data()
{
    QTest::addColumn<QStringList>("sql"); // made first, in the shared SQLite fixture
    QTest::addColumn<QString>("table");
    QTest::addColumn<QStringList>("primaryKey");
    QTest::addColumn<bool>("withoutRowid");
    QTest::addColumn<int>("triggers"); // the table's own
    QTest::addColumn<QStringList>("dependents"); // "type name", in the order they were made
    QTest::newRow("the fixture's view") << QStringList{} << "Order \"Lines\"" << QStringList{"id"} << false << 0
                                        << QStringList{"view big_orders"};
    QTest::newRow("without rowid, keyed out of column order")
        << QStringList{"CREATE TABLE wr (a TEXT NOT NULL, b INTEGER NOT NULL, c TEXT, PRIMARY KEY (b, a)) WITHOUT ROWID"} << "wr"
        << QStringList{"b", "a"} << true << 0 << QStringList{};
    // A view on the table, a view on that view with an INSTEAD OF trigger, another table's trigger
    // that writes to it, the table's own trigger written with its name in capitals; not a view that
    // only says the name in a comment, nor one on a table whose name starts the same.
    QTest::newRow("views and triggers that name it")
        << QStringList{"CREATE TABLE deps (id INTEGER PRIMARY KEY, n INTEGER)",
                       "CREATE TABLE deps_parent (id INTEGER PRIMARY KEY)",
                       "CREATE VIEW deps_v AS SELECT id, n FROM main.\"deps\"",
                       "CREATE VIEW unrelated AS SELECT 1 AS n -- deps\n",
                       "CREATE VIEW deps_vv AS SELECT * FROM [DEPS_V] WHERE n > 1",
                       "CREATE VIEW parents_only AS SELECT * FROM deps_parent",
                       "CREATE TRIGGER deps_vv_insert INSTEAD OF INSERT ON deps_vv BEGIN SELECT 1; END",
                       "CREATE TRIGGER deps_parent_gone AFTER DELETE ON deps_parent BEGIN DELETE FROM 'deps' WHERE id = OLD.id; END",
                       "CREATE TRIGGER deps_touch AFTER UPDATE ON DEPS BEGIN SELECT 1; END"}
        << "deps" << QStringList{"id"} << false << 1
        << QStringList{"view deps_v", "view deps_vv", "trigger deps_vv_insert", "trigger deps_parent_gone"};
}

// What a SQLite rebuild needs to know about a table: its key in the key's order, whether it has a
// rowid, and every view and trigger that would break the rename (SQLite records no dependencies).
void TestCatalog::sqliteRebuildFacts()
{
    QFETCH(QStringList, sql);
    QFETCH(QString, table);
    FIXTURE(QStringLiteral("sqlite"));
    QSqlQuery q(connection->database());
    for (const QString &statement : std::as_const(sql))
        QVERIFY2(q.exec(statement), qPrintable(statement + QLatin1String(": ") + q.lastError().text()));
    TableDetails details;
    ConnectionError error;
    QVERIFY2(reader->describeTable({QStringLiteral("main"), table}, &details, &error), qPrintable(error.text()));
    QTEST(details.primaryKey(), "primaryKey");
    QTEST(details.withoutRowid, "withoutRowid");
    QTEST(int(details.triggers.size()), "triggers");
    QStringList dependents;
    for (const SchemaObject &o : std::as_const(details.dependents))
        dependents << o.type + QLatin1Char(' ') + o.name;
    QTEST(dependents, "dependents");
    QVERIFY(details.createSql.startsWith(QLatin1String("CREATE TABLE")));
}

QTEST_GUILESS_MAIN(TestCatalog)
#include "testcatalog.moc"
