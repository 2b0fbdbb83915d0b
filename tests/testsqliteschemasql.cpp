// Reading SQLite's schema SQL: where a new column goes in a CREATE TABLE, and which views and
// triggers name a table. Strings, quoted names, comments and nested parentheses must never be taken
// for structure.

#include "sql/sqliteschemasql.h"

#include <QTest>

using namespace Stagecraft;

class TestSqliteSchemaSql : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parseCreateTable_data();
    void parseCreateTable();
    void names_data();
    void names();
};

void TestSqliteSchemaSql::parseCreateTable_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QString>("marked"); // sql with @ where the new column goes; empty: not readable
    QTest::addColumn<bool>("withoutRowid");
    QTest::addColumn<QString>("why");
    auto row = [](const char *name, const QString &marked, bool withoutRowid = false) {
        QString sql = marked;
        QTest::newRow(name) << sql.remove(QLatin1Char('@')) << marked << withoutRowid << QString();
    };
    row("columns only", "CREATE TABLE t (a INT, b TEXT@)");
    row("composite primary key", "CREATE TABLE order_items (order_id INTEGER NOT NULL, line_no INTEGER NOT NULL@, PRIMARY KEY (order_id, line_no))");
    row("check constraint, lower case", "create table t (a int@, check (a > 0))");
    row("named constraint", "CREATE TABLE t (a INT@, CONSTRAINT t_pk PRIMARY KEY (a))");
    row("unique and foreign key", "CREATE TABLE t (a INT, b INT@, UNIQUE (a), FOREIGN KEY (b) REFERENCES p (id))");
    row("constraint words inside a column", "CREATE TABLE t (a INT CONSTRAINT nn NOT NULL PRIMARY KEY CHECK (a > 0) UNIQUE@)");
    row("quoted names that look like keywords", "CREATE TABLE t (\"primary\" INT, [check] INT, `unique` INT@, PRIMARY KEY (\"primary\"))");
    row("nested parentheses and strings", "CREATE TABLE t (a NUMERIC(10, 2) DEFAULT (round(1.5, 0)), b TEXT DEFAULT ',)'' (x'@)");
    row("comment after the last column", "CREATE TABLE t (\n  a INT,\n  b INT@ -- the last, (b)\n)");
    row("block comment before the constraints", "CREATE TABLE t (a INT@ /* a, (b */, PRIMARY KEY (a))");
    row("parenthesis in the table name", "CREATE TABLE \"we(ird\" (\"a)\" INT@)");
    row("bracketed and backquoted names", "CREATE TABLE [x y] ([a,b] INT, `c)` INT@)");
    row("schema and IF NOT EXISTS", "CREATE TABLE IF NOT EXISTS main.t (a@)");
    row("generated column", "CREATE TABLE t (a INT, b INT GENERATED ALWAYS AS (a * 2) STORED@, CHECK (b > 0))");
    row("without rowid", "CREATE TABLE t (a TEXT PRIMARY KEY, b INT@) WITHOUT ROWID", true);
    row("strict, without rowid", "CREATE TABLE t (a TEXT PRIMARY KEY@) STRICT, without  rowid", true);
    row("without rowid only in a comment", "CREATE TABLE t (a INT@) /* WITHOUT ROWID */");
    row("without rowid in a name", "CREATE TABLE without_rowid (\"WITHOUT ROWID\" INT@)");
    auto bad = [](const char *name, const char *sql, const char *why) {
        QTest::newRow(name) << QString::fromUtf8(sql) << QString() << false << QString::fromUtf8(why);
    };
    bad("no column list", "CREATE TABLE t AS SELECT 1", "there is no column list");
    bad("unclosed string", "CREATE TABLE t (a DEFAULT 'x)", "a string is not closed");
    bad("unclosed quoted name", "CREATE TABLE t (\"a INT)", "a quoted name is not closed");
    bad("unclosed column list", "CREATE TABLE t (a INT, b NUMERIC(10, 2)", "the column list is not closed");
    bad("constraints only", "CREATE TABLE t (PRIMARY KEY (a))", "there is no column definition");
}

void TestSqliteSchemaSql::parseCreateTable()
{
    QFETCH(QString, sql);
    QFETCH(QString, marked);
    QFETCH(bool, withoutRowid);
    QFETCH(QString, why);
    SqliteSchemaSql::TableParts parts;
    QString problem;
    const bool ok = SqliteSchemaSql::parseCreateTable(sql, &parts, &problem);
    QCOMPARE(problem, why);
    QCOMPARE(ok, !marked.isEmpty());
    if (!ok)
        return;
    QCOMPARE(QString(sql).insert(parts.columnsEnd, QLatin1Char('@')), marked);
    QCOMPARE(sql.at(parts.open), QLatin1Char('('));
    QCOMPARE(sql.at(parts.close), QLatin1Char(')'));
    QVERIFY(parts.open < parts.columnsEnd && parts.columnsEnd <= parts.close);
    QCOMPARE(parts.withoutRowid, withoutRowid);
}

void TestSqliteSchemaSql::names_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("names");
    QTest::newRow("bare") << "CREATE VIEW v AS SELECT * FROM orders" << "orders" << true;
    QTest::newRow("other case, quoted") << "CREATE VIEW v AS SELECT * FROM \"Orders\"" << "orders" << true;
    QTest::newRow("qualified, bracketed") << "CREATE VIEW v AS SELECT * FROM main.[ORDERS]" << "orders" << true;
    QTest::newRow("as a string") << "CREATE VIEW v AS SELECT * FROM 'orders'" << "orders" << true;
    QTest::newRow("doubled quote") << "CREATE VIEW v AS SELECT * FROM \"a\"\"b\"" << "a\"b" << true;
    QTest::newRow("in a trigger body") << "CREATE TRIGGER t AFTER DELETE ON customers BEGIN DELETE FROM orders WHERE customer_id = OLD.id; END"
                                       << "orders" << true;
    QTest::newRow("a longer name") << "CREATE VIEW v AS SELECT * FROM orders_archive" << "orders" << false;
    QTest::newRow("only in a comment") << "CREATE VIEW v AS SELECT 1 -- orders\n" << "orders" << false;
    QTest::newRow("only in a block comment") << "CREATE VIEW v AS SELECT /* orders */ 1" << "orders" << false;
    QTest::newRow("case folds ASCII only") << "CREATE VIEW v AS SELECT * FROM \u00c9t\u00e9" << "\u00e9t\u00e9" << false;
    QTest::newRow("unreadable counts as naming") << "CREATE VIEW v AS SELECT 'x" << "orders" << true;
}

void TestSqliteSchemaSql::names()
{
    QFETCH(QString, sql);
    QFETCH(QString, name);
    QTEST(SqliteSchemaSql::names(sql, name), "names");
}

QTEST_GUILESS_MAIN(TestSqliteSchemaSql)
#include "testsqliteschemasql.moc"
