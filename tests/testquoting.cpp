#include "sql/quoting.h"

#include <QTest>

using namespace Stagecraft;

class TestQuoting : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void identifiers_data();
    void identifiers();
    void literals_data();
    void literals();
};

void TestQuoting::identifiers_data()
{
    QTest::addColumn<int>("engine");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("quoted");
    QTest::newRow("pg plain") << int(Engine::PostgreSQL) << "orders" << "\"orders\"";
    QTest::newRow("pg capitals") << int(Engine::PostgreSQL) << "Orders" << "\"Orders\"";
    QTest::newRow("pg double quote") << int(Engine::PostgreSQL) << "say \"hi\"" << "\"say \"\"hi\"\"\"";
    QTest::newRow("pg reserved") << int(Engine::PostgreSQL) << "select" << "\"select\"";
    QTest::newRow("pg unicode") << int(Engine::PostgreSQL) << QStringLiteral("größe") << QStringLiteral("\"größe\"");
    QTest::newRow("sqlite backtick stays") << int(Engine::SQLite) << "a`b" << "\"a`b\"";
    QTest::newRow("mysql backtick") << int(Engine::MySQL) << "a`b" << "`a``b`";
    QTest::newRow("mariadb double quote stays") << int(Engine::MariaDB) << "a\"b" << "`a\"b`";
    QTest::newRow("mariadb space") << int(Engine::MariaDB) << "order items" << "`order items`";
}

void TestQuoting::identifiers()
{
    QFETCH(int, engine);
    QFETCH(QString, name);
    QTEST(quoteIdentifier(Engine(engine), name), "quoted");
}

void TestQuoting::literals_data()
{
    QTest::addColumn<int>("engine");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("quoted");
    QTest::newRow("pg quote") << int(Engine::PostgreSQL) << "O'Brien" << "'O''Brien'";
    QTest::newRow("pg backslash literal") << int(Engine::PostgreSQL) << "C:\\x" << "'C:\\x'";
    QTest::newRow("mysql backslash") << int(Engine::MySQL) << "C:\\x" << "'C:\\\\x'";
    QTest::newRow("mariadb both") << int(Engine::MariaDB) << "it\\'s" << "'it\\\\''s'";
    QTest::newRow("sqlite empty") << int(Engine::SQLite) << "" << "''";
}

void TestQuoting::literals()
{
    QFETCH(int, engine);
    QFETCH(QString, value);
    QTEST(quoteLiteral(Engine(engine), value), "quoted");
}

QTEST_GUILESS_MAIN(TestQuoting)
#include "testquoting.moc"
