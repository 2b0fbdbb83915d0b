// Bad specs of every kind on the real servers: each problem named by its field, all at once, and
// nothing changed in the database.

#include "catalog/catalogreader.h"
#include "connection/databaseconnection.h"
#include "plan/specvalidator.h"
#include "sql/quoting.h"
#include "mariadbtestserver.h"
#include "mysqltestserver.h"
#include "testservers.h"

#include <QSqlError>
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
    void userFacing_data();
    void userFacing();
    void warnings_data();
    void warnings();
    void refusedTargets_data();
    void refusedTargets() { problems(); }
    void typeRewrite_data();
    void typeRewrite();
    void typeNames_data();
    void typeNames();
    void syncNeedsTriggerPrivilege_data();
    void syncNeedsTriggerPrivilege();
};

// Tables that are not the application's: Stagecraft's journal where each engine keeps it, and on
// SQLite the tables SQLite makes itself (sqlite_sequence for AUTOINCREMENT, sqlite_stat1 by
// ANALYZE) and a WITHOUT ROWID table, whose columns may be called rowid.
static QStringList ownTables(Engine e)
{
    if (e == Engine::PostgreSQL)
        return {QStringLiteral("CREATE SCHEMA IF NOT EXISTS stagecraft"),
                QStringLiteral("CREATE TABLE IF NOT EXISTS stagecraft.runs (run_id varchar(40) PRIMARY KEY)"),
                QStringLiteral("CREATE TABLE IF NOT EXISTS stagecraft.steps (run_id varchar(40), step integer, PRIMARY KEY (run_id, step))")};
    QStringList sql{QStringLiteral("CREATE TABLE IF NOT EXISTS stagecraft_runs (run_id varchar(40) PRIMARY KEY)"),
                    QStringLiteral("CREATE TABLE IF NOT EXISTS stagecraft_steps (run_id varchar(40), step integer, PRIMARY KEY (run_id, step))")};
    if (e == Engine::SQLite)
        sql << QStringLiteral("CREATE TABLE IF NOT EXISTS tickets (id INTEGER PRIMARY KEY AUTOINCREMENT, note TEXT)")
            << QStringLiteral("INSERT INTO tickets (note) VALUES ('a')") << QStringLiteral("ANALYZE")
            << QStringLiteral("CREATE TABLE IF NOT EXISTS codes (code TEXT PRIMARY KEY, note TEXT) WITHOUT ROWID");
    return sql;
}

static QStringList fixture(Engine e)
{
    const QString pk = e == Engine::SQLite ? QStringLiteral("INTEGER PRIMARY KEY") : QStringLiteral("bigint PRIMARY KEY");
    QStringList sql{QStringLiteral("CREATE TABLE IF NOT EXISTS parents (id %1, code varchar(10))").arg(pk),
                    QStringLiteral("CREATE TABLE IF NOT EXISTS items (id %1, parent_id bigint, amount int)").arg(pk),
                    QStringLiteral("DELETE FROM items"),
                    QStringLiteral("INSERT INTO items (id, parent_id, amount) VALUES (1, 1, 10), (2, 1, 20)")};
    if (e == Engine::PostgreSQL) // partitioned tables, one of them two levels deep
        sql << QStringLiteral("CREATE TABLE IF NOT EXISTS events (id bigint PRIMARY KEY, parent_id bigint) PARTITION BY RANGE (id)")
            << QStringLiteral("CREATE TABLE IF NOT EXISTS events_low PARTITION OF events FOR VALUES FROM (MINVALUE) TO (100)")
            << QStringLiteral("CREATE TABLE IF NOT EXISTS events_high PARTITION OF events FOR VALUES FROM (100) TO (MAXVALUE)")
            << QStringLiteral("CREATE TABLE IF NOT EXISTS nested (id bigint PRIMARY KEY) PARTITION BY RANGE (id)")
            << QStringLiteral("CREATE TABLE IF NOT EXISTS nested_low PARTITION OF nested FOR VALUES FROM (MINVALUE) TO (100)")
            << QStringLiteral("CREATE TABLE IF NOT EXISTS nested_high PARTITION OF nested FOR VALUES FROM (100) TO (MAXVALUE) "
                              "PARTITION BY RANGE (id)")
            << QStringLiteral("CREATE TABLE IF NOT EXISTS nested_high_1 PARTITION OF nested_high FOR VALUES FROM (100) TO (MAXVALUE)");
    return sql + ownTables(e);
}

// Objects that take the names Stagecraft would generate for some columns (table_column_suffix), on
// other columns or tables. Statements that fail on a second run (already there) or on purpose
// (the invalid index) are run without checking.
static QStringList takenNames(Engine e)
{
    if (e == Engine::PostgreSQL)
        return {QStringLiteral("ALTER TABLE items ADD CONSTRAINT items_flag_check CHECK (amount > 0)"),
                QStringLiteral("ALTER TABLE items ADD CONSTRAINT items_req_not_null CHECK (amount IS NOT NULL)"),
                QStringLiteral("CREATE INDEX IF NOT EXISTS items_tag_idx ON items (amount)"),
                QStringLiteral("CREATE INDEX IF NOT EXISTS items_ref_idx ON parents (code)"), // another table, same schema
                QStringLiteral("CREATE TABLE IF NOT EXISTS items_code_key (id int)"),
                // A failed concurrent build leaves an INVALID index, which a plan would drop and rebuild.
                QStringLiteral("INSERT INTO parents VALUES (1, 'a') ON CONFLICT DO NOTHING"),
                QStringLiteral("CREATE INDEX CONCURRENTLY IF NOT EXISTS items_dup_idx ON parents ((1 / (id - id)))"),
                QStringLiteral("CREATE INDEX IF NOT EXISTS events_low_seq_idx ON events_low (parent_id)")};
    if (e == Engine::MariaDB)
        return {QStringLiteral("ALTER TABLE items ADD CONSTRAINT items_flag_check CHECK (amount > 0)"),
                QStringLiteral("CREATE INDEX IF NOT EXISTS items_tag_idx ON items (amount)"),
                QStringLiteral("ALTER TABLE parents ADD CONSTRAINT items_ref_fkey FOREIGN KEY (id) REFERENCES parents (id)")};
    return {QStringLiteral("CREATE INDEX IF NOT EXISTS items_tag_idx ON items (amount)"),
            QStringLiteral("CREATE TRIGGER IF NOT EXISTS items_seen_default AFTER INSERT ON parents BEGIN SELECT 1; END"),
            QStringLiteral("CREATE TABLE IF NOT EXISTS stagecraft_new_parents (id int)")};
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
    QTest::addColumn<QString>("table");
    QTest::addColumn<QString>("column");
    QTest::addColumn<QStringList>("expected"); // "field: message start", in order
    const QStringList engines = {"postgresql", "mariadb", "sqlite"};
    for (const QString &engine : engines) {
        auto row = [&](const char *name, const char *column, const QStringList &expected, const char *table = "items") {
            QTest::newRow(qPrintable(engine + QLatin1Char('/') + QLatin1String(name)))
                << engine << QString::fromUtf8(table) << QString::fromUtf8(column) << expected;
        };
        const bool pg = engine == QLatin1String("postgresql"), maria = engine == QLatin1String("mariadb");
        row("valid", R"j({"name": "note", "type": "varchar(40)", "default": {"literal": "x"}})j", {});
        row("name taken", R"j({"name": "AMOUNT", "type": "int"})j",
            pg ? QStringList{} : QStringList{"name: items already has a column amount"});
        // Issue 15: the CHECK's probe added the taken column again, and the server's refusal named the
        // probe's temporary table under CHECK; the name's own problem is the one said.
        row("name taken, with a CHECK", R"j({"name": "amount", "type": "int", "check": "amount > 0"})j",
            {"name: items already has a column amount"});
        row("no name, no type", R"j({"name": "", "type": ""})j", {"name: is missing", "type: is missing"});
        row("statement in a default", R"j({"name": "x", "type": "int", "default": {"expression": "1); DROP TABLE parents; --"}})j",
            {"default: closes a parenthesis it never opened"});
        // Issue 13's hostile probe: the sync's function cannot resolve a schema-qualified column, and
        // every write of the application failed; the server says so before the plan is offered.
        if (pg) {
            row("sync cannot read a schema-qualified column", R"j({"name": "x", "type": "int", "backfill": "public.items.amount * 2"})j",
                {"backfill: the sync computes it for each row an application writes, where the server refuses it (invalid reference "
                 "to FROM-clause entry for table \"items\"): name the row's columns alone or as items.column, or set \"sync\": false"});
            row("sync off reads a schema-qualified column", R"j({"name": "x", "type": "int", "backfill": "public.items.amount * 2", "sync": false})j", {});
            row("sync reads the whole row", R"j({"name": "x", "type": "text", "backfill": "md5(items::text)"})j", {});
        }
        row("sync without a backfill", R"j({"name": "x", "type": "int", "sync": true})j",
            {"sync: needs a backfill expression: the sync computes it for the rows an application writes without the column"});
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
            row("partitioned index", R"j({"name": "x", "type": "int", "index": true})j", {}, "events");
            row("a partition", R"j({"name": "x", "type": "int"})j",
                {"table: events_low is a partition: PostgreSQL adds columns to its partitioned table"}, "events_low");
            row("partitioned unique", R"j({"name": "x", "type": "int", "unique": true})j",
                {"unique: events is partitioned: a unique index there must include the partition key"}, "events");
            row("partitioned foreign key", R"j({"name": "x", "type": "bigint", "references": {"table": "parents", "column": "id"}})j",
                {"references: events is partitioned: PostgreSQL before 18 cannot add a foreign key NOT VALID there"}, "events");
            row("sub-partitioned index", R"j({"name": "x", "type": "int", "index": true})j",
                {"index: partition nested_high of nested is itself partitioned"}, "nested");
            row("generated name: constraint on the table", R"j({"name": "flag", "type": "int", "check": "flag > 0"})j",
                {"check: Stagecraft names the CHECK constraint items_flag_check, but items already has a constraint of that "
                 "name, which is not this column's"});
            row("generated name: not null helper", R"j({"name": "req", "type": "int", "nullable": false, "backfill": "amount"})j",
                {"nullable: Stagecraft names the NOT NULL constraint items_req_not_null, but items already has a constraint"});
            row("generated name: not needed with a fast default", R"j({"name": "req", "type": "int", "nullable": false, "default": {"literal": "0"}})j", {});
            row("generated name: index of another column", R"j({"name": "tag", "type": "int", "index": true})j",
                {"index: Stagecraft names the index items_tag_idx, but schema public already has an index of that name"});
            row("generated name: index on another table", R"j({"name": "ref", "type": "bigint", "references": {"table": "parents", "column": "id"}})j",
                {"references: Stagecraft names the foreign key's index items_ref_idx, but schema public already has an index"});
            row("generated name: a table", R"j({"name": "code", "type": "text", "unique": true})j",
                {"unique: Stagecraft names the unique index items_code_key, but schema public already has a table of that name"});
            row("generated name: an invalid index", R"j({"name": "dup", "type": "int", "index": true})j",
                {"index: Stagecraft names the index items_dup_idx, but schema public already has an index of that name"});
            row("generated name: a partition's index", R"j({"name": "seq", "type": "int", "index": true})j",
                {"index: Stagecraft names the index on partition events_low events_low_seq_idx, but schema public already has an index"},
                "events");
            // Issue 12, item 4: cut to 63 bytes, the CHECK, the NOT NULL helper and the index had one name.
            row("generated name: a 63-byte column", R"j({"name": "a_column_name_of_sixty_three_bytes_which_postgresql_just_allows", "type": "int",
                "nullable": false, "backfill": "amount", "check": "amount > 0", "index": true})j", {});
        }
        if (maria) {
            row("unknown type", R"j({"name": "x", "type": "integr"})j",
                {"type: Unknown data type: 'integr'"});
            row("literal does not fit", R"j({"name": "x", "type": "int", "default": {"literal": "abc"}})j",
                {"default: Invalid default value for 'x'"});
            row("decimal scale", R"j({"name": "x", "type": "decimal(10,12)"})j",
                {"type: scale 12 is larger than precision 10"});
            row("after a missing column", R"j({"name": "x", "type": "int", "after": "nope"})j", {"after: items has no column nope"});
            row("generated name: constraint on the table", R"j({"name": "flag", "type": "int", "check": "flag > 0"})j",
                {"check: Stagecraft names the CHECK constraint items_flag_check, but items already has a check constraint of that name"});
            row("generated name: index of another column", R"j({"name": "tag", "type": "int", "index": true})j",
                {"index: Stagecraft names the index items_tag_idx, but items already has an index of that name"});
            row("generated name: foreign key of another table", R"j({"name": "ref", "type": "bigint", "references": {"table": "parents", "column": "id"}})j",
                {"references: Stagecraft names the foreign key items_ref_fkey, but schema stagecraft_test already has a foreign key "
                 "constraint on parents of that name"});
        }
        if (engine == QLatin1String("sqlite")) {
            // A NOT NULL column with an expression default is added by a rebuild whose CREATE TABLE keeps
            // the DEFAULT: SQLite takes a constant expression there, nothing else.
            row("not null, constant expression default", R"j({"name": "stamp", "type": "TEXT", "nullable": false, "default": {"expression": "datetime('now')"}})j", {});
            row("not null, random default", R"j({"name": "token", "type": "INTEGER", "nullable": false, "default": {"expression": "random()"}})j", {});
            row("not null, sub-query default", R"j({"name": "stamp", "type": "INTEGER", "nullable": false, "default": {"expression": "(SELECT max(id) FROM parents)"}})j",
                {"default: SQLite keeps a default for a NOT NULL column only as a constant expression (no sub-query, column, "
                 "parameter or double-quoted string) that is not NULL: default value of column [x] is not constant"});
            row("not null, default that is NULL", R"j({"name": "stamp", "type": "TEXT", "nullable": false, "default": {"expression": "nullif(1, 1)"}})j",
                {"default: SQLite keeps a default for a NOT NULL column only as a constant expression (no sub-query, column, "
                 "parameter or double-quoted string) that is not NULL: NOT NULL constraint failed: items.stamp"});
            // A nullable column takes a sub-query through the trigger and the backfill.
            row("nullable, sub-query default", R"j({"name": "stamp", "type": "INTEGER", "default": {"expression": "(SELECT max(id) FROM parents)"}})j", {});
            // SELECT count(*) works, but no UPDATE can set a column to an aggregate: the trigger would make every INSERT fail.
            row("aggregate default", R"j({"name": "stamp", "type": "INTEGER", "default": {"expression": "count(*)"}})j",
                {"default: SQLite cannot set a column to it: misuse of aggregate function count()"});
            row("generated name: index of another column", R"j({"name": "tag", "type": "INTEGER", "index": true})j",
                {"index: Stagecraft names the index items_tag_idx, but the database already has an index of that name"});
            row("generated name: case differs", R"j({"name": "TAG", "type": "INTEGER", "unique": false, "index": true})j",
                {"index: Stagecraft names the index items_TAG_idx, but the database already has an index of that name"});
            row("generated name: default trigger", R"j({"name": "seen", "type": "TEXT", "default": {"expression": "CURRENT_TIMESTAMP"}})j",
                {"default: Stagecraft names the default trigger items_seen_default, but the database already has a trigger"});
            // The rebuild gives new rows their default itself and creates no trigger: the name is free to
            // have (issue 11: it was reserved all the same).
            row("generated name: no trigger on the rebuild", R"j({"name": "seen", "type": "TEXT", "nullable": false, "default": {"expression": "CURRENT_TIMESTAMP"}})j", {});
            row("generated name: no trigger on the rebuild, backfilled", R"j({"name": "seen", "type": "TEXT", "nullable": false, "default": {"literal": "x"}, "backfill": "'y'"})j", {});
            // A rebuild would copy into that table after dropping it: the user's table is refused instead.
            row("generated name: the rebuild's table", R"j({"name": "req", "type": "INTEGER", "nullable": false, "backfill": "1"})j",
                {"table: Stagecraft names the table for the rebuild stagecraft_new_parents, but the database already has a table"},
                "parents");
        }
    }
}

void TestSpecValidator::problems()
{
    QFETCH(QString, engine);
    QFETCH(QString, table);
    QFETCH(QString, column);
    QFETCH(QStringList, expected);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    static QMap<QString, ConnectionProfile> prepared; // one SQLite file per run, set up once per engine
    if (!prepared.contains(engine)) {
        QString why;
        QVERIFY2(TestServers::execute(profile, fixture(profile.engine), &why), qPrintable(why));
        DatabaseConnection setup(profile);
        ConnectionError error;
        QVERIFY(setup.open(&error));
        for (const QString &sql : takenNames(profile.engine))
            static_cast<void>(QSqlQuery(setup.database()).exec(sql));
        prepared.insert(engine, profile);
    }
    profile = prepared.value(engine);
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY(connection.open(&error));
    const QString before = fingerprint(connection);

    ColumnSpec spec;
    QList<SpecProblem> problems;
    QVERIFY(ColumnSpec::fromJson(QStringLiteral(R"j({"table": "%1", "column": %2})j").arg(table, column).toUtf8(), &spec, &problems));
    PlannerInput input;
    const bool ok = SpecValidator(connection).validate(spec, &input, &problems);
    QStringList actual;
    for (const SpecProblem &p : std::as_const(problems)) {
        actual << p.field + QLatin1String(": ") + p.message;
        QVERIFY2(!p.message.contains(QLatin1String("stagecraft_probe")), qPrintable(p.message)); // the user's names only
    }
    QCOMPARE(ok, expected.isEmpty());
    QCOMPARE(actual.size(), expected.size());
    for (int i = 0; i < expected.size(); ++i)
        QVERIFY2(actual.at(i).startsWith(expected.at(i)), qPrintable(actual.at(i) + QLatin1String("\n  expected: ") + expected.at(i)));
    QCOMPARE(fingerprint(connection), before);
    QSqlQuery q(connection.database());
    QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM parents")) && q.next()); // the attack in a default did nothing
}

void TestSpecValidator::userFacing_data()
{
    QTest::addColumn<QString>("server");
    QTest::addColumn<QString>("shown");
    QTest::newRow("postgresql column") << R"(column "total" of relation "stagecraft_probe" already exists)"
                                       << R"(column "total" of table "orders" already exists)";
    QTest::newRow("postgresql temporary schema") << R"(relation "pg_temp_3.stagecraft_probe" does not exist)"
                                                 << R"(table "orders" does not exist)";
    QTest::newRow("probe column") << R"(column "stagecraft_probe_value" is of type integer)" << R"(column "total_eur" is of type integer)";
    QTest::newRow("probe constraint") << R"(check constraint "stagecraft_probe_check" is violated)"
                                      << R"(check constraint the CHECK is violated)";
    QTest::newRow("mariadb backticks") << "Duplicate column name 'total' in `stagecraft_probe`" << "Duplicate column name 'total' in `orders`";
    QTest::newRow("sqlite probe column") << "NOT NULL constraint failed: stagecraft_probe.x" << "NOT NULL constraint failed: orders.total_eur";
    QTest::newRow("bare") << "no such table: stagecraft_probe" << "no such table: orders";
    QTest::newRow("nothing to map") << "Unknown column 'nope' in 'SELECT'" << "Unknown column 'nope' in 'SELECT'";
    QTest::newRow("a longer name is the user's") << "column stagecraft_probes does not exist" << "column stagecraft_probes does not exist";
}

void TestSpecValidator::userFacing()
{
    QFETCH(QString, server);
    QFETCH(QString, shown);
    ColumnSpec spec;
    spec.table = {QStringLiteral("shop"), QStringLiteral("orders")};
    spec.name = QStringLiteral("total_eur");
    QCOMPARE(SpecValidator::userFacing(server, spec), shown);
}

void TestSpecValidator::warnings_data()
{
    QTest::addColumn<int>("engine");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("check");
    QTest::addColumn<bool>("warned");
    const int pg = int(Engine::PostgreSQL), my = int(Engine::MySQL), lite = int(Engine::SQLite);
    QTest::newRow("mentions it") << pg << "total_eur" << "total_eur >= 0" << false;
    QTest::newRow("other columns only") << pg << "total_eur" << "total_cents >= 0" << true;
    QTest::newRow("in a string only") << pg << "total_eur" << "status <> 'total_eur'" << true;
    QTest::newRow("as a function's name") << pg << "total_eur" << "total_eur(total_cents) > 0" << true;
    QTest::newRow("quoted, exact") << pg << "Total" << R"("Total" > 0)" << false;
    QTest::newRow("bare folds to lower case: another column") << pg << "Total" << "Total > 0" << true;
    QTest::newRow("mysql backticks, any case") << my << "Total" << "`total` > 0" << false;
    QTest::newRow("sqlite any case") << lite << "total_eur" << "TOTAL_EUR > 0" << false;
    QTest::newRow("qualified by the table") << pg << "total_eur" << "orders.total_eur > 0" << false;
    QTest::newRow("no check") << pg << "total_eur" << "" << false;
}

void TestSpecValidator::warnings()
{
    QFETCH(int, engine);
    QFETCH(QString, name);
    QFETCH(QString, check);
    QFETCH(bool, warned);
    ColumnSpec spec;
    spec.table = {QStringLiteral("shop"), QStringLiteral("orders")};
    spec.name = name;
    spec.check = check;
    TableDetails table;
    table.table = spec.table;
    for (const char *c : {"id", "total_cents", "status"}) {
        ColumnInfo info;
        info.name = QLatin1String(c);
        table.columns << info;
    }
    const QList<SpecProblem> found = SpecValidator::warnings(Engine(engine), spec, table);
    if (!warned) {
        QCOMPARE(found, QList<SpecProblem>());
        return;
    }
    QCOMPARE(found, (QList<SpecProblem>{{QStringLiteral("check"),
                                          QStringLiteral("CHECK (%1) does not mention %2: it constrains other columns, and fails writes "
                                                         "of the application that break it").arg(check, name)}}));
}

// Issue 12, item 9: the system catalogs and Stagecraft's own journal were accepted as targets (a NOT
// NULL column added to the journal broke every later run), and so was a system column's name
// (ctid), which the run then failed on. Each is refused on its field, saying why.
void TestSpecValidator::refusedTargets_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<QString>("table");
    QTest::addColumn<QString>("column");
    QTest::addColumn<QStringList>("expected");
    const QString x = QStringLiteral(R"j({"name": "x", "type": "int"})j");
    auto target = [&](const char *engine, const char *table, const QString &message) {
        QTest::newRow(qPrintable(QStringLiteral("%1/table %2").arg(QLatin1String(engine), QLatin1String(table))))
            << QString::fromLatin1(engine) << QString::fromUtf8(table) << x << QStringList{QStringLiteral("table: ") + message};
    };
    auto column = [&](const char *engine, const char *table, const char *name, const QString &message) {
        QTest::newRow(qPrintable(QStringLiteral("%1/column %2 on %3").arg(QLatin1String(engine), QString::fromUtf8(name), QLatin1String(table))))
            << QString::fromLatin1(engine) << QString::fromUtf8(table)
            << QStringLiteral(R"j({"name": "%1", "type": "int"})j").arg(QString::fromUtf8(name))
            << (message.isEmpty() ? QStringList{} : QStringList{QStringLiteral("name: ") + message});
    };
    const QString pgSystem = QStringLiteral("%1 is in %2, a system schema of PostgreSQL: Stagecraft adds columns to the application's tables only");
    target("postgresql", "pg_catalog.pg_class", pgSystem.arg(QStringLiteral("pg_catalog.pg_class"), QStringLiteral("pg_catalog")));
    target("postgresql", "information_schema.sql_features",
           pgSystem.arg(QStringLiteral("information_schema.sql_features"), QStringLiteral("information_schema")));
    target("postgresql", "pg_toast.pg_toast_1255", pgSystem.arg(QStringLiteral("pg_toast.pg_toast_1255"), QStringLiteral("pg_toast")));
    target("postgresql", "pg_temp_3.scratch", pgSystem.arg(QStringLiteral("pg_temp_3.scratch"), QStringLiteral("pg_temp_3")));
    const QString journal = QStringLiteral("%1 is Stagecraft's own journal of runs: a column added there would break every later run");
    target("postgresql", "stagecraft.runs", journal.arg(QStringLiteral("stagecraft.runs")));
    target("postgresql", "stagecraft.steps", journal.arg(QStringLiteral("stagecraft.steps")));
    const QString pgColumn = QStringLiteral("%1 is the name of a system column every PostgreSQL table has: name the column differently");
    for (const char *name : {"ctid", "xmin", "xmax", "cmin", "cmax", "tableoid"})
        column("postgresql", "items", name, pgColumn.arg(QLatin1String(name)));
    column("postgresql", "items", "oid", QString()); // a system column before PostgreSQL 12 only
    column("postgresql", "items", "CTID", QString()); // quoted, another name than ctid

    const QString mySystem = QStringLiteral("%1 is in %2, a system schema of MariaDB: Stagecraft adds columns to the application's tables only");
    target("mariadb", "mysql.db", mySystem.arg(QStringLiteral("mysql.db"), QStringLiteral("mysql")));
    target("mariadb", "information_schema.TABLES", mySystem.arg(QStringLiteral("information_schema.TABLES"), QStringLiteral("information_schema")));
    target("mariadb", "performance_schema.threads", mySystem.arg(QStringLiteral("performance_schema.threads"), QStringLiteral("performance_schema")));
    target("mariadb", "sys.sys_config", mySystem.arg(QStringLiteral("sys.sys_config"), QStringLiteral("sys")));
    target("mariadb", "stagecraft_runs", journal.arg(QStringLiteral("stagecraft_test.stagecraft_runs")));
    target("mariadb", "stagecraft_steps", journal.arg(QStringLiteral("stagecraft_test.stagecraft_steps")));
    const QString innodb = QStringLiteral("%1 is the name of one of InnoDB's hidden system columns, which the server refuses "
                                          "(Incorrect column name): name the column differently");
    for (const char *name : {"DB_ROW_ID", "db_trx_id", "DB_ROLL_PTR"})
        column("mariadb", "items", name, innodb.arg(QLatin1String(name)));

    const QString sqliteOwn = QStringLiteral("%1 is a table SQLite keeps for itself: Stagecraft adds columns to the application's tables only");
    for (const char *table : {"sqlite_sequence", "sqlite_stat1", "sqlite_master", "sqlite_schema", "SQLITE_SEQUENCE"})
        target("sqlite", table, sqliteOwn.arg(QLatin1String(table)));
    target("sqlite", "stagecraft_runs", journal.arg(QStringLiteral("main.stagecraft_runs")));
    target("sqlite", "stagecraft_steps", journal.arg(QStringLiteral("main.stagecraft_steps")));
    const QString rowid = QStringLiteral("%1 names the rowid of %2, which a column of that name would hide from everything that "
                                         "finds rows by it: name the column differently");
    for (const char *name : {"rowid", "OID", "_rowid_"})
        column("sqlite", "tickets", name, rowid.arg(QLatin1String(name), QStringLiteral("tickets")));
    column("sqlite", "codes", "rowid", QString()); // a WITHOUT ROWID table has none to hide
}

// What validation learns from the server for the planner: whether the type itself rewrites the table.
void TestSpecValidator::typeRewrite_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<bool>("rewrites");
    QTest::newRow("integer") << "integer" << false;
    QTest::newRow("domain with a check") << "nonnegative" << true;
    QTest::newRow("domain without constraints") << "plain_number" << false;
}

void TestSpecValidator::typeRewrite()
{
    QFETCH(QString, type);
    QFETCH(bool, rewrites);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("postgresql"), profile);
    QString why;
    QVERIFY2(TestServers::execute(profile, fixture(profile.engine) + QStringList{
                                      QStringLiteral("DO $$ BEGIN CREATE DOMAIN nonnegative AS integer CHECK (VALUE >= 0); "
                                                     "CREATE DOMAIN plain_number AS integer; "
                                                     "EXCEPTION WHEN duplicate_object THEN NULL; END $$")},
                                  &why),
             qPrintable(why));
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY(connection.open(&error));
    ColumnSpec spec;
    QList<SpecProblem> problems;
    QVERIFY(ColumnSpec::fromJson(QStringLiteral(R"j({"table": "items", "column": {"name": "x", "type": "%1"}})j").arg(type).toUtf8(),
                                 &spec, &problems));
    PlannerInput input;
    input.typeRewritesTable = !rewrites;
    QVERIFY(SpecValidator(connection).validate(spec, &input, &problems));
    QCOMPARE(input.typeRewritesTable, rewrites);
}

// The type is pasted into DDL as written: only a type name gets through, however the rest is spelt.
void TestSpecValidator::typeNames_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("expected"); // the problem on "type" (its start), empty: accepted
    auto row = [](const char *engine, const char *type, const char *expected = "") {
        QTest::newRow(qPrintable(QStringLiteral("%1: %2").arg(QLatin1String(engine), QString::fromUtf8(type))))
            << QString::fromLatin1(engine) << QString::fromUtf8(type) << QString::fromUtf8(expected);
    };
    const char *const trailing = "has '";
    for (const char *engine : {"postgresql", "mariadb", "sqlite"}) {
        row(engine, "text NOT NULL DEFAULT 1", "has 'NOT NULL DEFAULT 1' after the type name: write only the type");
        row(engine, "text REFERENCES parents", "has 'REFERENCES parents' after the type name");
        row(engine, "int, y int", "has ', y int' after the type name");
        row(engine, "int DEFAULT 0", trailing);
        row(engine, "int CHECK (1 = 1)", trailing);
        row(engine, "int PRIMARY KEY", trailing);
        row(engine, "(int)", "must start with a type name");
        row(engine, "int4 %TYPE", "has '%TYPE' after the type name");
        row(engine, "numeric(12 2)", "has '2' in its parameter list where ',' or ')' belongs");
        row(engine, "numeric(12, = 2)", "has '=' among its parameters");
    }
    // PostgreSQL: multi-word names, parameters in their place, arrays, quoted and qualified user types.
    for (const char *good : {"integer", "double precision", "character varying(20)", "char varying(3)", "bit varying(8)",
                             "timestamp with time zone", "timestamp(3) without time zone", "time(0) with time zone", "timestamptz(3)",
                             "interval", "interval(2)", "interval day to second(3)", "interval year to month", "numeric(12,2)",
                             "float(24)", "bit(3)", "text[]", "integer[3][]", "varchar(10)[]", "\"Shop Ünit\".\"Mood\"",
                             "\"Shop Ünit\".\"Mood\"[]", "public.nonnegative", "pg_catalog.int8", "\"char\""})
        row("postgresql", good);
    row("postgresql", "text COLLATE \"C\"", "has 'COLLATE \"C\"' after the type name");
    row("postgresql", "int GENERATED ALWAYS AS IDENTITY", trailing);
    row("postgresql", "int[", "has an array bracket that does not close");
    row("postgresql", "int unsigned", "has 'unsigned' after the type name");
    row("postgresql", "timestamp with time zone(3)", "has '(3)' after the type name");
    row("postgresql", "enum('a')", "has ''a'' among its parameters, which takes only numbers");
    row("postgresql", "integer ARRAY", trailing);
    row("postgresql", "a.b.c.d", "has '.d' after the type name");
    row("postgresql", "pg_catalog.timestamp with time zone", "has 'with time zone' after the type name");
    // MariaDB: the attributes that belong to a type, ENUM/SET values; no arrays, no SERIAL.
    for (const char *good : {"int", "int unsigned zerofill", "decimal(10,2) unsigned", "double precision", "national varchar(10)",
                             "enum('new', 'paid', 'it''s')", "set('a','b')", "varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
                             "char(3) binary", "text charset latin1", "bigint(20) signed"})
        row("mariadb", good);
    row("mariadb", "int AUTO_INCREMENT", "has 'AUTO_INCREMENT' after the type name");
    row("mariadb", "SERIAL", "SERIAL stands for BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE");
    row("mariadb", "int[]", "has '[]' after the type name");
    row("mariadb", "varchar(10) CHARACTER SET", "names no character set or collation after SET");
    row("mariadb", "int unsigned NULL", "has 'NULL' after the type name");
    row("mariadb", "enum('a') DEFAULT 'a'", "has 'DEFAULT 'a'' after the type name");
    // SQLite: any words make a type name, up to one that starts a constraint.
    for (const char *good : {"TEXT", "UNSIGNED BIG INT", "VARYING CHARACTER(255)", "DECIMAL(10, 5)", "DOUBLE PRECISION", "NATIVE CHARACTER(70)"})
        row("sqlite", good);
    row("sqlite", "TEXT COLLATE NOCASE", "has 'COLLATE NOCASE' after the type name");
    row("sqlite", "INTEGER AS (1)", "has 'AS (1)' after the type name");
    row("sqlite", "INTEGER NULL", trailing);
    row("sqlite", "DECIMAL(1, 2, 3)", "has '3' among its parameters, which takes only numbers");
}

void TestSpecValidator::typeNames()
{
    QFETCH(QString, engine);
    QFETCH(QString, type);
    QFETCH(QString, expected);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    static QMap<QString, ConnectionProfile> prepared;
    if (!prepared.contains(engine)) {
        QStringList sql = fixture(profile.engine);
        if (profile.engine == Engine::PostgreSQL)
            sql << QStringLiteral("DO $$ BEGIN CREATE SCHEMA \"Shop Ünit\"; CREATE TYPE \"Shop Ünit\".\"Mood\" AS ENUM ('sad', 'ok'); "
                                  "EXCEPTION WHEN duplicate_schema OR duplicate_object THEN NULL; END $$")
                << QStringLiteral("DO $$ BEGIN CREATE DOMAIN public.nonnegative AS integer CHECK (VALUE >= 0); "
                                  "EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        QString why;
        QVERIFY2(TestServers::execute(profile, sql, &why), qPrintable(why));
        prepared.insert(engine, profile);
    }
    profile = prepared.value(engine);
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY(connection.open(&error));
    ColumnSpec spec;
    QList<SpecProblem> problems;
    spec.table = {QString(), QStringLiteral("items")};
    spec.name = QStringLiteral("x");
    spec.type = type;
    PlannerInput input;
    const bool ok = SpecValidator(connection).validate(spec, &input, &problems);
    QStringList typeProblems;
    for (const SpecProblem &p : std::as_const(problems)) {
        QVERIFY2(p.field == QLatin1String("type"), qPrintable(p.field + QLatin1String(": ") + p.message));
        typeProblems << p.message;
    }
    if (expected.isEmpty()) {
        QVERIFY2(ok, qPrintable(typeProblems.join(QLatin1String("; "))));
        QCOMPARE(input.spec.type, type); // kept as written
    } else {
        QVERIFY(!ok);
        QCOMPARE(typeProblems.size(), 1);
        QVERIFY2(typeProblems.first().startsWith(expected), qPrintable(typeProblems.first() + QLatin1String("\n  expected: ") + expected));
    }
}

// Issue 13, notes Q6: with binary logging on, a user without SUPER cannot create a trigger unless
// log_bin_trust_function_creators is 1 (1419). A plan with a sync is then refused on "sync",
// naming the fixes; without a sync, with SUPER, or with the variable set, it is offered. A server
// of its own: the shared ones run without a binary log.
void TestSpecValidator::syncNeedsTriggerPrivilege_data()
{
    QTest::addColumn<QString>("engine");
    QTest::newRow("mariadb") << "mariadb";
    QTest::newRow("mysql") << "mysql";
}

void TestSpecValidator::syncNeedsTriggerPrivilege()
{
    QFETCH(QString, engine);
    const bool maria = engine == QLatin1String("mariadb");
    MariaDbTestServer mariadb;
    MySqlTestServer mysql;
    const QStringList binaryLog{QStringLiteral("--log-bin"), QStringLiteral("--server-id=1")};
    mariadb.setExtraArguments(binaryLog);
    mysql.setExtraArguments(binaryLog);
    TestServer &server = maria ? static_cast<TestServer &>(mariadb) : static_cast<TestServer &>(mysql);
    STAGECRAFT_REQUIRE_STARTED(server);
    const ConnectionProfile super = server.profile(); // ALL PRIVILEGES ON *.*, SUPER among them
    ConnectionProfile limited = super;
    limited.user = QStringLiteral("limited");
    limited.password = QStringLiteral("limited");
    QString why;
    QVERIFY2(TestServers::execute(super, {QStringLiteral("CREATE TABLE orders (id bigint PRIMARY KEY, total_cents int NOT NULL)"),
                                          QStringLiteral("CREATE USER 'limited'@'%' IDENTIFIED BY 'limited'"),
                                          QStringLiteral("GRANT ALL PRIVILEGES ON stagecraft_test.* TO 'limited'@'%'")},
                                  &why),
             qPrintable(why));
    const auto problemsOf = [](const ConnectionProfile &profile, const char *column, QString *failure) {
        DatabaseConnection connection(profile);
        ConnectionError error;
        if (!connection.open(&error)) {
            *failure = error.text();
            return QStringList();
        }
        ColumnSpec spec;
        QList<SpecProblem> problems;
        if (!ColumnSpec::fromJson(QStringLiteral(R"j({"table": "orders", "column": %1})j").arg(QLatin1String(column)).toUtf8(), &spec, &problems))
            *failure = QStringLiteral("spec not read");
        PlannerInput input;
        static_cast<void>(SpecValidator(connection).validate(spec, &input, &problems));
        QStringList out;
        for (const SpecProblem &p : std::as_const(problems))
            out << p.field + QLatin1String(": ") + p.message;
        return out;
    };
    const char *derived = R"j({"name": "total_eur", "type": "decimal(12,2)", "backfill": "total_cents / 100"})j";
    const char *unsynced = R"j({"name": "total_eur", "type": "decimal(12,2)", "backfill": "total_cents / 100", "sync": false})j";

    // The premise, on this server: binary logging is on and the limited user's CREATE TRIGGER fails.
    DatabaseConnection asLimited(limited);
    ConnectionError error;
    QVERIFY2(asLimited.open(&error), qPrintable(error.text()));
    QSqlQuery q(asLimited.database());
    QVERIFY(q.exec(QStringLiteral("SELECT @@log_bin")) && q.next());
    QCOMPARE(q.value(0).toInt(), 1);
    QVERIFY(!q.exec(QStringLiteral("CREATE TRIGGER probe BEFORE INSERT ON orders FOR EACH ROW SET @x = 1")));
    QCOMPARE(q.lastError().nativeErrorCode(), QStringLiteral("1419"));

    QStringList problems = problemsOf(limited, derived, &why);
    QVERIFY2(why.isEmpty(), qPrintable(why));
    QCOMPARE(problems.size(), 1);
    QVERIFY2(problems.first().startsWith(QLatin1String("sync: the sync needs triggers")), qPrintable(problems.first()));
    for (const char *fix : {"1419", "Grant SUPER", "log_bin_trust_function_creators = 1", "\"sync\": false"})
        QVERIFY2(problems.first().contains(QLatin1String(fix)), qPrintable(problems.first()));
    QCOMPARE(problems.first().contains(QLatin1String("or drop")), maria); // MySQL lets anyone with TRIGGER drop
    QCOMPARE(problemsOf(limited, unsynced, &why), QStringList());
    QCOMPARE(problemsOf(super, derived, &why), QStringList());
    QVERIFY2(TestServers::execute(super, {QStringLiteral("SET GLOBAL log_bin_trust_function_creators = 1")}, &why), qPrintable(why));
    QCOMPARE(problemsOf(limited, derived, &why), QStringList());
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

QTEST_GUILESS_MAIN(TestSpecValidator)
#include "testspecvalidator.moc"
