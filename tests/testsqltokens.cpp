#include "sql/sqltokens.h"

#include <QTest>

using namespace Stagecraft;

// The shared tokenizer: each token written as kind:text, joined by spaces.
class TestSqlTokens : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void split_data();
    void split();
    void names_data();
    void names();
};

void TestSqlTokens::split_data()
{
    QTest::addColumn<int>("engine");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("tokens");
    const int pg = int(Engine::PostgreSQL), my = int(Engine::MySQL), maria = int(Engine::MariaDB),
              lite = int(Engine::SQLite);
    QTest::newRow("pg insert") << pg << "INSERT INTO public.\"Orders\" VALUES ($1, 'a''b')"
                               << "w:INSERT w:INTO w:public s:. q:Orders w:VALUES s:( w:$1 s:, t:a'b s:)";
    QTest::newRow("pg comments") << pg << "SELECT 1 -- x\n/* y */ FROM t" << "w:SELECT w:1 w:FROM w:t";
    QTest::newRow("pg dollar quote") << pg << "SELECT $f$ it's \"x\" $f$, $$y$$" << "w:SELECT t: it's \"x\"  s:, t:y";
    QTest::newRow("pg backslash is text") << pg << "SELECT 'a\\' , b" << "w:SELECT t:a\\ s:, w:b";
    QTest::newRow("mysql backticks") << my << "SELECT * FROM `db`.`o``x` WHERE a = \"s\\\"q\" # c"
                                     << "w:SELECT s:* w:FROM q:db s:. q:o`x w:WHERE w:a s:= t:s\"q";
    QTest::newRow("mariadb hash comment") << maria << "SELECT a#x\n, b" << "w:SELECT w:a s:, w:b";
    QTest::newRow("sqlite double quotes are names") << lite << "SELECT \"a\" FROM `t`" << "w:SELECT q:a w:FROM q:t";
    QTest::newRow("unclosed quote runs to the end") << pg << "SELECT 'abc" << "w:SELECT t:abc";
}

void TestSqlTokens::split()
{
    QFETCH(int, engine);
    QFETCH(QString, text);
    QFETCH(QString, tokens);
    QStringList out;
    for (const SqlToken &t : SqlTokens::split(Engine(engine), text)) {
        const char *kind = t.kind == SqlToken::Kind::Word ? "w" : t.kind == SqlToken::Kind::Quoted ? "q" : t.kind == SqlToken::Kind::String ? "t" : "s";
        out << QLatin1String(kind) + QLatin1Char(':') + t.text;
    }
    QCOMPARE(out.join(QLatin1Char(' ')), tokens);
}

void TestSqlTokens::names_data()
{
    QTest::addColumn<int>("engine");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("names");
    const int pg = int(Engine::PostgreSQL), my = int(Engine::MySQL);
    QTest::newRow("pg bare folds") << pg << "Orders" << "orders" << true;
    QTest::newRow("pg bare does not match upper") << pg << "Orders" << "Orders" << false;
    QTest::newRow("pg quoted exact") << pg << "\"Orders\"" << "Orders" << true;
    QTest::newRow("pg quoted not folded") << pg << "\"Orders\"" << "orders" << false;
    QTest::newRow("pg non-ascii not folded") << pg << "ÉTÉ" << "été" << false;
    QTest::newRow("mysql without case") << my << "`ORDERS`" << "orders" << true;
    QTest::newRow("a string is no name") << my << "'orders'" << "orders" << false;
}

void TestSqlTokens::names()
{
    QFETCH(int, engine);
    QFETCH(QString, text);
    QFETCH(QString, name);
    QFETCH(bool, names);
    const QList<SqlToken> t = SqlTokens::split(Engine(engine), text);
    QCOMPARE(t.size(), 1);
    QCOMPARE(SqlTokens::names(Engine(engine), t.first(), name), names);
}

QTEST_GUILESS_MAIN(TestSqlTokens)
#include "testsqltokens.moc"
