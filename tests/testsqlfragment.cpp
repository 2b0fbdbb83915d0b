#include "sql/sqlfragment.h"

#include <QTest>

using namespace Stagecraft;

class TestSqlFragment : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void check_data();
    void check();
    void columnsRead_data();
    void columnsRead();
    void findOutside_data();
    void findOutside();
    void oneRowProblem_data();
    void oneRowProblem();
};

void TestSqlFragment::check_data()
{
    QTest::addColumn<int>("engine");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("problem"); // empty: accepted
    const int pg = int(Engine::PostgreSQL), my = int(Engine::MySQL), maria = int(Engine::MariaDB),
              lite = int(Engine::SQLite);
    QTest::newRow("constant") << pg << "0" << "";
    QTest::newRow("function") << pg << "gen_random_uuid()" << "";
    QTest::newRow("nested") << pg << "coalesce(lower(trim(' x ')), 'y')" << "";
    QTest::newRow("semicolon in string") << pg << "'a;b'" << "";
    QTest::newRow("quote in string") << pg << "'it''s; fine'" << "";
    QTest::newRow("dash in string") << pg << "'--not a comment'" << "";
    QTest::newRow("semicolon in quoted name") << pg << "\"we;ird\"()" << "";
    QTest::newRow("dollar quote") << pg << "$$a;b)$$" << "";
    QTest::newRow("tagged dollar quote") << pg << "$tag$x $$ ; $tag$" << "";
    QTest::newRow("parameter is no quote") << pg << "$1 + 1" << "";
    QTest::newRow("type with parameters") << pg << "numeric(10,2)" << "";
    QTest::newRow("multi-line") << pg << "CASE\n  WHEN true THEN 1\n  ELSE 2\nEND" << "";
    QTest::newRow("statement") << pg << "0; DROP TABLE t" << "contains ';': write one expression, not statements";
    QTest::newRow("closes our parenthesis") << pg << "0) , (1" << "closes a parenthesis it never opened";
    QTest::newRow("leaves one open") << pg << "lower((x)" << "leaves 1 parenthesis(es) open";
    QTest::newRow("line comment") << pg << "0 -- hide the rest" << "contains a comment";
    QTest::newRow("block comment") << pg << "0 /* x */" << "contains a comment";
    QTest::newRow("unclosed string") << pg << "'abc" << "has an unclosed string";
    QTest::newRow("unclosed name") << pg << "\"abc" << "has an unclosed quoted name";
    QTest::newRow("unclosed dollar") << pg << "$q$abc" << "has an unclosed $-quoted string";
    QTest::newRow("control character") << pg << QStringLiteral("0") + QChar(0x07) << "contains a control character";
    QTest::newRow("empty") << pg << "  " << "is empty";
    QTest::newRow("mysql backslash escape") << my << "'it\\'s; fine'" << "";
    QTest::newRow("mysql backtick") << maria << "`a;b`" << "";
    QTest::newRow("mysql hash comment") << maria << "0 # x" << "contains a comment";
    QTest::newRow("pg backslash is literal") << pg << "'a\\'; DROP TABLE t; --'" << "contains ';': write one expression, not statements";
    QTest::newRow("sqlite expression") << lite << "(strftime('%s','now'))" << "";
}

void TestSqlFragment::check()
{
    QFETCH(int, engine);
    QFETCH(QString, text);
    QFETCH(QString, problem);
    QString why;
    const bool ok = SqlFragment::check(Engine(engine), text, &why);
    QCOMPARE(ok, problem.isEmpty());
    QCOMPARE(why, problem);
}

void TestSqlFragment::columnsRead_data()
{
    QTest::addColumn<int>("engine");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("read"); // the columns of orders(id, total, Note, currency) read, comma-separated
    const int pg = int(Engine::PostgreSQL), my = int(Engine::MySQL), maria = int(Engine::MariaDB), lite = int(Engine::SQLite);
    QTest::newRow("constant") << pg << "'EUR'" << "";
    QTest::newRow("arithmetic") << pg << "total * 1.1" << "total";
    QTest::newRow("case") << pg << "CASE WHEN total >= 50 THEN 'high' ELSE 'low' END" << "total";
    QTest::newRow("two, in the table's order") << pg << "currency || ':' || total" << "total,currency";
    QTest::newRow("qualified by the table") << pg << "orders.total + 1" << "total";
    QTest::newRow("qualified by another table") << pg << "(SELECT max(r.total) FROM rates r)" << "";
    QTest::newRow("a function of that name") << pg << "total(3)" << "";
    QTest::newRow("the whole row") << pg << "md5(orders::text)" << "id,total,Note,currency";
    QTest::newRow("the whole row as an argument") << pg << "score(orders)" << "id,total,Note,currency";
    QTest::newRow("in a string") << pg << "'total'" << "";
    QTest::newRow("in a dollar quote") << pg << "$$total$$" << "";
    QTest::newRow("pg folds bare names") << pg << "TOTAL + 1" << "total";
    QTest::newRow("pg quoted is exact") << pg << "\"Note\" || \"TOTAL\"" << "Note";
    QTest::newRow("pg bare does not reach a capital") << pg << "Note" << "";
    QTest::newRow("number with a name's letters") << pg << "1e5 + 2" << "";
    QTest::newRow("mysql without case") << my << "`NOTE` + Total" << "total,Note";
    QTest::newRow("mysql double quotes are a string") << maria << "\"total\"" << "";
    QTest::newRow("sqlite brackets") << lite << "[total] * 2" << "total";
    QTest::newRow("sqlite without case") << lite << "CURRENCY" << "currency";
}

void TestSqlFragment::columnsRead()
{
    QFETCH(int, engine);
    QFETCH(QString, text);
    QFETCH(QString, read);
    const QStringList columns = {QStringLiteral("id"), QStringLiteral("total"), QStringLiteral("Note"), QStringLiteral("currency")};
    QCOMPARE(SqlFragment::columnsRead(Engine(engine), text, QStringLiteral("orders"), columns).join(QLatin1Char(',')), read);
}

void TestSqlFragment::oneRowProblem_data()
{
    QTest::addColumn<int>("engine");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("problem"); // "": none; else the first word of the reason's topic
    const int my = int(Engine::MySQL), maria = int(Engine::MariaDB);
    QTest::newRow("arithmetic") << maria << "total_cents / 100" << "";
    QTest::newRow("case") << maria << "CASE WHEN total >= 50 THEN 'high' ELSE 'low' END" << "";
    QTest::newRow("qualified by the table") << maria << "orders.total + 1" << "";
    QTest::newRow("quoted, qualified by the table") << my << "`orders` . `total` + 1" << "";
    QTest::newRow("a decimal number after a name") << my << "total * 1.10" << "";
    QTest::newRow("select in a string") << maria << "concat('select ', total)" << "";
    QTest::newRow("select in double quotes (a string)") << maria << "\"SELECT\"" << "";
    QTest::newRow("select in a quoted name") << my << "`select` + 1" << "";
    QTest::newRow("a column named like a keyword's start") << my << "selected + 1" << "";
    QTest::newRow("subquery") << maria << "(SELECT max(rate) FROM rates)" << "subquery";
    QTest::newRow("subquery, lower case") << my << "total * (select 2)" << "subquery";
    QTest::newRow("schema-qualified") << maria << "shop.orders.total + 1" << "schema";
    QTest::newRow("schema-qualified, quoted and spaced") << my << "`shop`. `orders` .total" << "schema";
    QTest::newRow("two qualified names") << maria << "orders.total + orders.id" << "";
}

void TestSqlFragment::oneRowProblem()
{
    QFETCH(int, engine);
    QFETCH(QString, text);
    QFETCH(QString, problem);
    const QString why = SqlFragment::oneRowProblem(Engine(engine), text);
    QVERIFY2(problem.isEmpty() ? why.isEmpty() : why.contains(problem), qPrintable(why));
}

// The first space, comma or ')' outside quotes and parentheses, as the MySQL verification and
// catalog read SHOW CREATE TABLE's lines.
void TestSqlFragment::findOutside_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("expected");
    QTest::newRow("plain") << "uuid() NOT NULL" << 6;
    QTest::newRow("parentheses") << "(concat('a', 'b')) NOT NULL" << 18;
    QTest::newRow("quoted space and comma") << "'a, b' COMMENT" << 6;
    QTest::newRow("escaped quote") << R"('it\'s x', y)" << 9;
    QTest::newRow("doubled quote") << "'it''s x' y" << 9;
    QTest::newRow("backticks") << "`a b` c" << 5;
    QTest::newRow("closing parenthesis") << "length(`x)`)) rest" << 12;
    QTest::newRow("none") << "(a b)" << -1;
    QTest::newRow("unclosed quote") << "'a b" << -1;
}

void TestSqlFragment::findOutside()
{
    QFETCH(QString, text);
    QFETCH(int, expected);
    const auto stop = [&](qsizetype i) { return text.at(i) == u' ' || text.at(i) == u',' || text.at(i) == u')'; };
    QCOMPARE(SqlFragment::findOutside(Engine::MySQL, text, 0, stop), qsizetype(expected));
}

QTEST_GUILESS_MAIN(TestSqlFragment)
#include "testsqlfragment.moc"
