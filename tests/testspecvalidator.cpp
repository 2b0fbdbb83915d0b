// Bad specs of every kind on the real servers: each problem named by its field, all at once, and
// nothing changed in the database.

#include "catalog/catalogreader.h"
#include "connection/databaseconnection.h"
#include "plan/specvalidator.h"
#include "sql/quoting.h"
#include "testservers.h"

#include <QSqlQuery>
#include <QTest>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

class TestSpecValidator : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanupTestCase() { TestServers::stopAll(); }
    void problems_data();
    void problems();
};

static QStringList fixture(Engine e)
{
    const QString pk = e == Engine::SQLite ? QStringLiteral("INTEGER PRIMARY KEY") : QStringLiteral("bigint PRIMARY KEY");
    return {QStringLiteral("CREATE TABLE IF NOT EXISTS parents (id %1, code varchar(10))").arg(pk),
            QStringLiteral("CREATE TABLE IF NOT EXISTS items (id %1, parent_id bigint, amount int)").arg(pk),
            QStringLiteral("DELETE FROM items"),
            QStringLiteral("INSERT INTO items (id, parent_id, amount) VALUES (1, 1, 10), (2, 1, 20)")};
}

// What a spec change could have touched: the tables, their columns and constraints.
static QString fingerprint(DatabaseConnection &connection)
{
    auto reader = CatalogReader::create(connection);
    QList<TableSummary> tables;
    ConnectionError error;
    if (!reader->listTables(&tables, &error))
        return error.text();
    QStringList parts;
    for (const TableSummary &t : std::as_const(tables)) {
        TableDetails d;
        if (!reader->describeTable(t.table, &d, &error))
            return error.text();
        parts << d.definitionSql;
    }
    return parts.join(QLatin1Char('\n'));
}

void TestSpecValidator::problems_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<QString>("column");
    QTest::addColumn<QStringList>("expected"); // "field: message start", in order
    const QStringList engines = {"postgresql", "mariadb", "sqlite"};
    for (const QString &engine : engines) {
        auto row = [&](const char *name, const char *column, const QStringList &expected) {
            QTest::newRow(qPrintable(engine + QLatin1Char('/') + QLatin1String(name))) << engine << QString::fromUtf8(column) << expected;
        };
        const bool pg = engine == QLatin1String("postgresql"), maria = engine == QLatin1String("mariadb");
        row("valid", R"j({"name": "note", "type": "varchar(40)", "default": {"literal": "x"}})j", {});
        row("name taken", R"j({"name": "AMOUNT", "type": "int"})j",
            pg ? QStringList{} : QStringList{"name: items already has a column amount"});
        row("no name, no type", R"j({"name": "", "type": ""})j", {"name: is missing", "type: is missing"});
        row("statement in a default", R"j({"name": "x", "type": "int", "default": {"expression": "1); DROP TABLE parents; --"}})j",
            {"default: closes a parenthesis it never opened"});
        row("not null without a value", R"j({"name": "x", "type": "int", "nullable": false})j",
            {"nullable: existing rows need a value for a NOT NULL column: give a default or a backfill expression"});
        row("bad references", R"j({"name": "x", "type": "bigint", "references": {"table": "parents", "column": "code"}})j",
            {pg || maria ? "references: parents.code has no primary key or unique constraint of its own, so it cannot be referenced"
                         : "references: parents.code has no primary key or unique constraint of its own, so it cannot be referenced",
             pg ? "references: parents.code is character varying(10), the new column is bigint: the types must match"
                : maria ? "references: parents.code is varchar(10), the new column is bigint: the types must match"
                        : "references: parents.code is varchar(10), the new column is bigint: the types must match"});
        row("check naming nothing", R"j({"name": "x", "type": "int", "check": "no_such_column > 0"})j",
            {pg ? "check: column \"no_such_column\" does not exist"
                : maria ? "check: Unknown column 'no_such_column' in 'CHECK'" : "check: no such column: no_such_column"});
        row("backfill naming nothing", R"j({"name": "x", "type": "int", "backfill": "amount * nope"})j",
            {pg ? "backfill: column \"nope\" does not exist"
                : maria ? "backfill: Unknown column 'nope' in 'SELECT'" : "backfill: no such column: nope"});
        // SQLite has no column comments: one would be dropped without a word, so it is refused.
        row("comment", R"j({"name": "x", "type": "int", "comment": "kept?"})j",
            pg || maria ? QStringList{} : QStringList{"comment: SQLite has nowhere to keep a column comment, so it would be lost: leave it empty"});
        if (pg) {
            row("unknown type", R"j({"name": "x", "type": "integr"})j", {"type: type \"integr\" does not exist"});
            row("literal does not fit", R"j({"name": "x", "type": "int", "default": {"literal": "abc"}})j",
                {"default: 'abc' does not fit int: invalid input syntax for type integer: \"abc\""});
            row("volatile expression unknown function", R"j({"name": "x", "type": "uuid", "default": {"expression": "gen_uuid()"}})j",
                {"default: function gen_uuid() does not exist"});
            row("varchar too long", R"j({"name": "x", "type": "varchar(20000000)"})j",
                {"type: length 20000000 is out of range: PostgreSQL allows 1 to 10485760"});
            row("name too long", R"j({"name": "a_name_that_is_far_too_long_for_postgresql_which_stops_at_sixty_three_bytes", "type": "int"})j",
                {"name: is 75 bytes long; PostgreSQL allows 63"});
            row("after", R"j({"name": "x", "type": "int", "after": "id"})j",
                {"after: only MySQL and MariaDB place a column; PostgreSQL adds it last"});
        }
        if (maria) {
            row("unknown type", R"j({"name": "x", "type": "integr"})j",
                {"type: Unknown data type: 'integr'"});
            row("literal does not fit", R"j({"name": "x", "type": "int", "default": {"literal": "abc"}})j",
                {"default: Invalid default value for 'x'"});
            row("decimal scale", R"j({"name": "x", "type": "decimal(10,12)"})j",
                {"type: scale 12 is larger than precision 10"});
            row("after a missing column", R"j({"name": "x", "type": "int", "after": "nope"})j", {"after: items has no column nope"});
        }
    }
}

void TestSpecValidator::problems()
{
    QFETCH(QString, engine);
    QFETCH(QString, column);
    QFETCH(QStringList, expected);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    static QMap<QString, ConnectionProfile> prepared; // one SQLite file per run, set up once per engine
    if (!prepared.contains(engine)) {
        QString why;
        QVERIFY2(TestServers::execute(profile, fixture(profile.engine), &why), qPrintable(why));
        prepared.insert(engine, profile);
    }
    profile = prepared.value(engine);
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY(connection.open(&error));
    const QString before = fingerprint(connection);

    ColumnSpec spec;
    QList<SpecProblem> problems;
    QVERIFY(ColumnSpec::fromJson(QStringLiteral(R"j({"table": "items", "column": %1})j").arg(column).toUtf8(), &spec, &problems));
    PlannerInput input;
    const bool ok = SpecValidator(connection).validate(spec, &input, &problems);
    QStringList actual;
    for (const SpecProblem &p : std::as_const(problems))
        actual << p.field + QLatin1String(": ") + p.message;
    QCOMPARE(ok, expected.isEmpty());
    QCOMPARE(actual.size(), expected.size());
    for (int i = 0; i < expected.size(); ++i)
        QVERIFY2(actual.at(i).startsWith(expected.at(i)), qPrintable(actual.at(i) + QLatin1String("\n  expected: ") + expected.at(i)));
    QCOMPARE(fingerprint(connection), before);
    QSqlQuery q(connection.database());
    QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM parents")) && q.next()); // the attack in a default did nothing
}

QTEST_GUILESS_MAIN(TestSpecValidator)
#include "testspecvalidator.moc"
