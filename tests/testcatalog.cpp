// The catalog readers against real servers: tables with awkward names, read back exactly.

#include "catalog/catalogreader.h"
#include "connection/databaseconnection.h"
#include "testservers.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

class TestCatalog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanupTestCase() { TestServers::stopAll(); }
    void readsTables_data();
    void readsTables();
    void connectionErrors_data();
    void connectionErrors();
    void serverKilledMidLoad();
    void vanishedTable();
};

static QStringList setupFor(const QString &engine)
{
    if (engine == QLatin1String("postgresql"))
        return {
            QStringLiteral("CREATE SCHEMA \"Sales Ünit\""),
            QStringLiteral("CREATE TABLE \"Sales Ünit\".\"Order \"\"Lines\"\"\" ("
                           "id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                           "\"select\" text NOT NULL DEFAULT 'it''s', "
                           "\"Qty\" numeric(10,2) CONSTRAINT \"qty positive\" CHECK (\"Qty\" > 0), "
                           "created timestamptz DEFAULT now(), "
                           "doubled numeric GENERATED ALWAYS AS (\"Qty\" * 2) STORED)"),
            QStringLiteral("CREATE INDEX \"qty idx\" ON \"Sales Ünit\".\"Order \"\"Lines\"\"\" (\"Qty\")"),
            QStringLiteral("INSERT INTO \"Sales Ünit\".\"Order \"\"Lines\"\"\" (\"Qty\") VALUES (1), (2), (3)"),
            QStringLiteral("ANALYZE \"Sales Ünit\".\"Order \"\"Lines\"\"\""),
        };
    if (engine == QLatin1String("mariadb"))
        return {
            QStringLiteral("CREATE TABLE `Order \"Lines\" ``x``` ("
                           "id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, "
                           "`select` varchar(20) NOT NULL DEFAULT 'it''s', "
                           "`Qty` decimal(10,2), "
                           "created datetime DEFAULT current_timestamp(), "
                           "doubled decimal(12,2) AS (`Qty` * 2) PERSISTENT, "
                           "KEY `qty idx` (`Qty`), CONSTRAINT `qty positive` CHECK (`Qty` > 0)) ENGINE=InnoDB"),
            QStringLiteral("INSERT INTO `Order \"Lines\" ``x``` (`Qty`) VALUES (1), (2), (3)"),
            QStringLiteral("ANALYZE TABLE `Order \"Lines\" ``x```"),
        };
    return {
        QStringLiteral("CREATE TABLE \"Order \"\"Lines\"\"\" ("
                       "id INTEGER PRIMARY KEY, "
                       "\"select\" TEXT NOT NULL DEFAULT 'it''s', "
                       "\"Qty\" NUMERIC(10,2) CONSTRAINT \"qty positive\" CHECK (\"Qty\" > 0), "
                       "created TEXT DEFAULT CURRENT_TIMESTAMP, "
                       "doubled NUMERIC GENERATED ALWAYS AS (\"Qty\" * 2) STORED)"),
        QStringLiteral("CREATE INDEX \"qty idx\" ON \"Order \"\"Lines\"\"\" (\"Qty\")"),
        QStringLiteral("INSERT INTO \"Order \"\"Lines\"\"\" (\"Qty\") VALUES (1), (2), (3)"),
    };
}

void TestCatalog::readsTables_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<QString>("schema");
    QTest::addColumn<QString>("table");
    QTest::addColumn<QStringList>("columns"); // name|type|null or not null|default|pk|generated
    QTest::addColumn<QString>("definition");

    QTest::newRow("postgresql")
        << "postgresql" << QStringLiteral("Sales Ünit") << "Order \"Lines\""
        << QStringList{"id|bigint|not null||pk|identity always", "select|text|not null|'it''s'::text||",
                       "Qty|numeric(10,2)|null|||", "created|timestamp with time zone|null|now()||",
                       "doubled|numeric|null|||stored"}
        << QStringLiteral("CREATE TABLE \"Sales Ünit\".\"Order \"\"Lines\"\"\" (\n"
                          "    \"id\" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,\n"
                          "    \"select\" text DEFAULT 'it''s'::text NOT NULL,\n"
                          "    \"Qty\" numeric(10,2),\n"
                          "    \"created\" timestamp with time zone DEFAULT now(),\n"
                          "    \"doubled\" numeric GENERATED ALWAYS AS ((\"Qty\" * (2)::numeric)) STORED,\n"
                          "    CONSTRAINT \"Order \"\"Lines\"\"_pkey\" PRIMARY KEY (id),\n"
                          "    CONSTRAINT \"qty positive\" CHECK ((\"Qty\" > (0)::numeric))\n"
                          ");\n"
                          "CREATE INDEX \"qty idx\" ON \"Sales Ünit\".\"Order \"\"Lines\"\"\" USING btree "
                          "(\"Qty\");\n");
    QTest::newRow("mariadb")
        << "mariadb" << QStringLiteral("stagecraft_test") << "Order \"Lines\" `x`"
        << QStringList{"id|bigint(20)|not null||pk|auto_increment", "select|varchar(20)|not null|'it''s'||",
                       "Qty|decimal(10,2)|null|||", "created|datetime|null|current_timestamp()||",
                       "doubled|decimal(12,2)|null|||stored"}
        << QStringLiteral("CREATE TABLE `Order \"Lines\" ``x``` (\n"
                          "  `id` bigint(20) NOT NULL AUTO_INCREMENT,\n"
                          "  `select` varchar(20) NOT NULL DEFAULT 'it''s',\n"
                          "  `Qty` decimal(10,2) DEFAULT NULL,\n"
                          "  `created` datetime DEFAULT current_timestamp(),\n"
                          "  `doubled` decimal(12,2) GENERATED ALWAYS AS (`Qty` * 2) STORED,\n"
                          "  PRIMARY KEY (`id`),\n"
                          "  KEY `qty idx` (`Qty`),\n"
                          "  CONSTRAINT `qty positive` CHECK (`Qty` > 0)\n"
                          ") ENGINE=InnoDB AUTO_INCREMENT=4 DEFAULT CHARSET=utf8mb4 "
                          "COLLATE=utf8mb4_unicode_ci;\n");
    QTest::newRow("sqlite")
        << "sqlite" << QStringLiteral("main") << "Order \"Lines\""
        << QStringList{"id|INTEGER|null||pk|", "select|TEXT|not null|'it''s'||", "Qty|NUMERIC(10,2)|null|||",
                       "created|TEXT|null|CURRENT_TIMESTAMP||", "doubled|NUMERIC|null|||stored"}
        << QStringLiteral("CREATE TABLE \"Order \"\"Lines\"\"\" (id INTEGER PRIMARY KEY, \"select\" TEXT NOT NULL "
                          "DEFAULT 'it''s', \"Qty\" NUMERIC(10,2) CONSTRAINT \"qty positive\" CHECK (\"Qty\" > 0), "
                          "created TEXT DEFAULT CURRENT_TIMESTAMP, doubled NUMERIC GENERATED ALWAYS AS (\"Qty\" * 2) "
                          "STORED);\n"
                          "CREATE INDEX \"qty idx\" ON \"Order \"\"Lines\"\"\" (\"Qty\");\n");
}

void TestCatalog::readsTables()
{
    QFETCH(QString, engine);
    QFETCH(QString, schema);
    QFETCH(QString, table);
    QFETCH(QStringList, columns);
    QFETCH(QString, definition);

    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY2(connection.open(&error), qPrintable(error.text()));
    QSqlQuery q(connection.database());
    for (const QString &sql : setupFor(engine))
        QVERIFY2(q.exec(sql), qPrintable(sql + QLatin1String(": ") + q.lastError().text()));

    auto reader = CatalogReader::create(connection);
    QList<TableSummary> tables;
    QVERIFY2(reader->listTables(&tables, &error), qPrintable(error.text()));
    const auto found = std::find_if(tables.cbegin(), tables.cend(),
                                    [&](const TableSummary &t) { return t.table == TableRef{schema, table}; });
    QVERIFY2(found != tables.cend(), "the table is not listed");
    QCOMPARE(found->estimatedRows, 3);
    QCOMPARE(found->rowCountExact, engine == QLatin1String("sqlite"));
    if (engine != QLatin1String("sqlite")) // SQLite's size needs the optional dbstat module
        QVERIFY(found->totalBytes > 0);

    TableDetails details;
    QVERIFY2(reader->describeTable({schema, table}, &details, &error), qPrintable(error.text()));
    QStringList actual;
    for (const ColumnInfo &c : std::as_const(details.columns))
        actual << QStringList{c.name, c.type, c.nullable ? QStringLiteral("null") : QStringLiteral("not null"),
                              c.defaultExpression, c.primaryKey ? QStringLiteral("pk") : QString(), c.generated}
                      .join(QLatin1Char('|'));
    QCOMPARE(actual, columns);
    QCOMPARE(details.definitionSql, definition);

    // The definition is SQL the engine accepts: it recreates the table under another schema or name.
    if (engine == QLatin1String("postgresql")) {
        QVERIFY(q.exec(QStringLiteral("CREATE SCHEMA copy_check")));
        QString copy = definition;
        copy.replace(QStringLiteral("\"Sales Ünit\""), QStringLiteral("copy_check"));
        copy.replace(QStringLiteral("\"qty idx\""), QStringLiteral("\"qty idx copy\""));
        for (const QString &statement : copy.split(QLatin1String(";\n"), Qt::SkipEmptyParts))
            QVERIFY2(q.exec(statement), qPrintable(statement + QLatin1String(": ") + q.lastError().text()));
    }
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
}

void TestCatalog::serverKilledMidLoad()
{
    // A server of its own: this test kills it.
    PostgresTestServer server;
    QString why;
    if (!server.start(&why)) {
        if (TestServers::serversRequired())
            QFAIL(qPrintable(why));
        QSKIP(qPrintable(why));
    }
    DatabaseConnection connection(server.profile());
    ConnectionError error;
    QVERIFY2(connection.open(&error), qPrintable(error.text()));
    auto reader = CatalogReader::create(connection);
    QList<TableSummary> tables;
    QVERIFY(reader->listTables(&tables, &error));
    server.kill();
    QVERIFY(!reader->listTables(&tables, &error));
    QCOMPARE(int(error.kind), int(ConnectionError::Kind::Lost));
    QCOMPARE(error.explanation, QStringLiteral("The connection to the server was lost while listing the tables."));
}

void TestCatalog::vanishedTable()
{
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("postgresql"), profile);
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY(connection.open(&error));
    TableDetails details;
    QVERIFY(!CatalogReader::create(connection)->describeTable({QStringLiteral("public"), QStringLiteral("gone")},
                                                               &details, &error));
    QCOMPARE(error.explanation, QStringLiteral("Table \"public\".\"gone\" no longer exists."));
}

QTEST_GUILESS_MAIN(TestCatalog)
#include "testcatalog.moc"
