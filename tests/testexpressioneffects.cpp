// Issue 12, items 1 and 7: planning never runs what a default, backfill or CHECK calls outside a READ
// ONLY transaction under a short timeout, and a function with side effects outside the row (a
// sequence, a sleep, another session, another connection, a lock, a function of the user's own) is
// refused, naming it, unless the spec accepts it in "side_effects"; then the plan warns where it runs.
// Each row checks that the database (a sequence, a canary table, another session) is as it was.

#include "connection/databaseconnection.h"
#include "plan/specvalidator.h"
#include "testservers.h"

#include <QElapsedTimer>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTest>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

class TestExpressionEffects : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanupTestCase() { TestServers::stopAll(); }
    void refused_data();
    void refused();
    void accepted_data();
    void accepted();

private:
    // The engine's profile with the fixture in place: fx_orders (its id from a sequence the
    // application uses), fx_canary, a function of the user's own that writes to it.
    bool prepare(const QString &engine, ConnectionProfile *profile, QString *why);
};

bool TestExpressionEffects::prepare(const QString &engine, ConnectionProfile *profile, QString *why)
{
    static QMap<QString, ConnectionProfile> prepared;
    if (prepared.contains(engine)) {
        *profile = prepared.value(engine);
        return true;
    }
    QStringList sql;
    if (engine == QLatin1String("postgresql"))
        sql = {QStringLiteral("CREATE TABLE fx_orders (id serial PRIMARY KEY, amount int)"),
               QStringLiteral("INSERT INTO fx_orders (amount) VALUES (10), (20), (30)"),
               QStringLiteral("CREATE TABLE fx_canary (n int)"),
               QStringLiteral("CREATE FUNCTION fx_audit() RETURNS int LANGUAGE plpgsql VOLATILE AS "
                              "$$BEGIN INSERT INTO fx_canary VALUES (1); RETURN 1; END$$"),
               // Labels the server does not hold a function to: a STABLE one that moves a sequence.
               QStringLiteral("CREATE FUNCTION fx_stable_setval() RETURNS bigint LANGUAGE plpgsql STABLE AS "
                              "$$BEGIN RETURN setval('fx_orders_id_seq', 1); END$$"),
               QStringLiteral("CREATE FUNCTION fx_double(a int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT a * 2'"),
               QStringLiteral("CREATE EXTENSION IF NOT EXISTS pgcrypto"), // native functions, known by name
               QStringLiteral("CREATE SEQUENCE fx_own_seq"), // no column uses it: the new column's own
               QStringLiteral("CREATE DOMAIN fx_counted AS int CHECK (VALUE IS NULL OR nextval('fx_orders_id_seq') > 0)")};
    else if (engine == QLatin1String("sqlite"))
        sql = {QStringLiteral("CREATE TABLE fx_orders (id INTEGER PRIMARY KEY AUTOINCREMENT, amount INTEGER)"),
               QStringLiteral("INSERT INTO fx_orders (amount) VALUES (10), (20), (30)")};
    else
        sql = {QStringLiteral("CREATE TABLE fx_orders (id bigint AUTO_INCREMENT PRIMARY KEY, amount int)"),
               QStringLiteral("INSERT INTO fx_orders (amount) VALUES (10), (20), (30)"),
               QStringLiteral("CREATE TABLE fx_canary (n int)"),
               QStringLiteral("CREATE FUNCTION fx_audit() RETURNS INT MODIFIES SQL DATA BEGIN INSERT INTO fx_canary VALUES (1); "
                              "RETURN 1; END"),
               QStringLiteral("CREATE FUNCTION fx_pure(a INT) RETURNS INT DETERMINISTIC NO SQL RETURN a + 1"),
               // Declared NO SQL, and writes all the same: MariaDB does not hold it to that.
               QStringLiteral("CREATE FUNCTION fx_liar() RETURNS INT NO SQL BEGIN INSERT INTO fx_canary VALUES (1); "
                              "RETURN 1; END"),
               QStringLiteral("CREATE SEQUENCE fx_seq")};
    if (!TestServers::execute(*profile, sql, why))
        return false;
    prepared.insert(engine, *profile);
    return true;
}

// One answer of a query on a connection of its own, as text: the state a row must leave as it was.
static QString state(const ConnectionProfile &profile, const QString &sql)
{
    DatabaseConnection connection(profile);
    ConnectionError error;
    if (!connection.open(&error))
        return error.text();
    QSqlQuery q(connection.database());
    if (!q.exec(sql))
        return q.lastError().text();
    QStringList values;
    while (q.next()) {
        for (int i = 0; i < q.record().count(); ++i)
            values << q.value(i).toString();
    }
    return values.join(QLatin1Char('|'));
}

void TestExpressionEffects::refused_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<QString>("column");
    QTest::addColumn<QString>("expected"); // "field: the start of the problem"
    QTest::addColumn<QString>("stateSql"); // answers the same before and after validation
    auto row = [](const char *engine, const char *name, const char *column, const char *expected, const char *stateSql) {
        QTest::newRow(qPrintable(QLatin1String(engine) + QLatin1Char('/') + QLatin1String(name)))
            << QString::fromLatin1(engine) << QString::fromUtf8(column) << QString::fromUtf8(expected) << QString::fromUtf8(stateSql);
    };
    const char *sequence = "SELECT last_value, is_called FROM fx_orders_id_seq";
    const char *canary = "SELECT count(*) FROM fx_canary";
    row("postgresql", "setval default", R"j({"name": "x", "type": "bigint", "default": {"expression": "setval('fx_orders_id_seq', 1)"}})j",
        "default: setval changes sequence public.fx_orders_id_seq, which the application uses for public.fx_orders.id; every new row",
        sequence);
    row("postgresql", "setval backfill", R"j({"name": "x", "type": "bigint", "backfill": "setval('fx_orders_id_seq', amount)"})j",
        "backfill: setval changes sequence public.fx_orders_id_seq, which the application uses for public.fx_orders.id; every row the "
        "backfill touches would call it. Stagecraft refuses it unless the spec says it means it: add \"setval\" to \"side_effects\"",
        sequence);
    row("postgresql", "nextval of the application's sequence", R"j({"name": "x", "type": "bigint", "default": {"expression": "nextval('fx_orders_id_seq')"}})j",
        "default: nextval takes a value from sequence public.fx_orders_id_seq, which the application uses for public.fx_orders.id",
        sequence);
    row("postgresql", "pg_sleep default", R"j({"name": "x", "type": "int", "default": {"expression": "length(pg_sleep(5)::text)"}})j",
        "default: pg_sleep sleeps, holding the statement's locks while it waits", "SELECT 1");
    row("postgresql", "pg_sleep backfill", R"j({"name": "x", "type": "int", "backfill": "amount + length(pg_sleep(5)::text)"})j",
        "backfill: pg_sleep sleeps", "SELECT 1");
    row("postgresql", "pg_sleep check", R"j({"name": "x", "type": "int", "check": "x > 0 OR pg_sleep(5)::text = ''"})j",
        "check: pg_sleep sleeps, holding the statement's locks while it waits; every INSERT and UPDATE of the table would call it",
        "SELECT 1");
    row("postgresql", "terminate another session", R"j({"name": "x", "type": "boolean", "default": {"expression": "pg_terminate_backend($PID)"}})j",
        "default: pg_terminate_backend ends another session", "SELECT 1");
    row("postgresql", "advisory lock", R"j({"name": "x", "type": "int", "backfill": "CASE WHEN pg_try_advisory_lock(42) THEN 1 END"})j",
        "backfill: pg_try_advisory_lock takes an advisory lock", "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'");
    row("postgresql", "a function of the user's own", R"j({"name": "x", "type": "int", "default": {"expression": "fx_audit()"}})j",
        "default: public.fx_audit is a function of your own (declared VOLATILE): it may have side effects Stagecraft cannot see",
        canary);
    row("postgresql", "a STABLE function of the user's own that moves a sequence",
        R"j({"name": "x", "type": "bigint", "backfill": "fx_stable_setval()"})j",
        "backfill: public.fx_stable_setval is a function of your own (declared STABLE): it may have side effects Stagecraft cannot "
        "see, and PostgreSQL does not hold a function to its declaration", sequence);
    row("postgresql", "an IMMUTABLE function of the user's own", R"j({"name": "x", "type": "int", "check": "x <> fx_double(amount)"})j",
        "check: public.fx_double is a function of your own (declared IMMUTABLE)", "SELECT 1");
    row("postgresql", "SQL run from text", R"j({"name": "x", "type": "int", "backfill":
        "length(query_to_xml('SELECT setval(''fx_orders_id_seq'', 1)', true, true, '')::text)"})j",
        "backfill: query_to_xml runs SQL given as text, which Stagecraft cannot see", sequence);
    row("postgresql", "dblink_exec", R"j({"name": "x", "type": "text", "default": {"expression": "dblink_exec($CONNINFO, 'INSERT INTO fx_canary VALUES (2)')"}})j",
        "default: dblink_exec runs SQL on another connection", canary);
    // A literal is cast by the server, which runs the domain's CHECK: only in a READ ONLY transaction.
    row("postgresql", "a literal cast through a domain CHECK", R"j({"name": "x", "type": "fx_counted", "default": {"literal": "5"}})j",
        "default: '5' does not fit fx_counted: cannot execute nextval() in a read-only transaction", sequence);
    row("mariadb", "SLEEP backfill", R"j({"name": "x", "type": "int", "backfill": "amount + SLEEP(5)"})j",
        "backfill: sleep sleeps, holding the statement's locks while it waits", "SELECT 1");
    row("mariadb", "GET_LOCK backfill", R"j({"name": "x", "type": "int", "backfill": "GET_LOCK('fx_lock', 0)"})j",
        "backfill: get_lock takes a user lock the application may use", "SELECT IS_FREE_LOCK('fx_lock')");
    row("mariadb", "stored function MODIFIES SQL DATA", R"j({"name": "x", "type": "int", "backfill": "fx_audit()"})j",
        "backfill: stagecraft_test.fx_audit is a stored function declared MODIFIES SQL DATA", canary);
    row("mariadb", "stored function NO SQL that writes", R"j({"name": "x", "type": "int", "backfill": "COALESCE(NULL, fx_liar())"})j",
        "backfill: stagecraft_test.fx_liar is a stored function declared NO SQL: it may have side effects Stagecraft cannot see, "
        "and MariaDB does not hold a function to its declaration", canary);
    row("mariadb", "NEXTVAL", R"j({"name": "x", "type": "bigint", "backfill": "NEXTVAL(fx_seq)"})j",
        "backfill: nextval takes a value from sequence stagecraft_test.fx_seq", "SELECT next_not_cached_value FROM fx_seq");
    row("mariadb", "NEXT VALUE FOR", R"j({"name": "x", "type": "bigint", "default": {"expression": "NEXT VALUE FOR fx_seq"}})j",
        "default: nextval takes a value from sequence stagecraft_test.fx_seq", "SELECT next_not_cached_value FROM fx_seq");
}

void TestExpressionEffects::refused()
{
    QFETCH(QString, engine);
    QFETCH(QString, column);
    QFETCH(QString, expected);
    QFETCH(QString, stateSql);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    QString why;
    QVERIFY2(prepare(engine, &profile, &why), qPrintable(why));

    // Another session that must survive, and a connection string for dblink.
    DatabaseConnection bystander(profile);
    ConnectionError error;
    QVERIFY(bystander.open(&error));
    if (column.contains(QLatin1String("$PID"))) {
        QSqlQuery pid(bystander.database());
        QVERIFY(pid.exec(QStringLiteral("SELECT pg_backend_pid()")) && pid.next());
        column.replace(QLatin1String("$PID"), pid.value(0).toString());
    }
    if (column.contains(QLatin1String("$CONNINFO"))) {
        QSqlQuery extension(bystander.database());
        if (!extension.exec(QStringLiteral("CREATE EXTENSION IF NOT EXISTS dblink")))
            QSKIP(qPrintable(QStringLiteral("the dblink extension is not available here: ") + extension.lastError().text()));
        column.replace(QLatin1String("$CONNINFO"), QStringLiteral("'host=%1 port=%2 dbname=%3 user=%4 password=%5'")
                                                       .arg(profile.host, QString::number(profile.port), profile.database,
                                                            profile.user, profile.password));
    }

    ColumnSpec spec;
    QList<SpecProblem> problems;
    const bool read = ColumnSpec::fromJson(QStringLiteral(R"j({"table": "fx_orders", "column": %1})j").arg(column).toUtf8(), &spec, &problems);
    QVERIFY2(read, qPrintable(problems.isEmpty() ? QString() : problems.first().field + QLatin1String(": ") + problems.first().message));
    const QString before = state(profile, stateSql);
    DatabaseConnection connection(profile);
    QVERIFY(connection.open(&error));
    SpecValidator validator(connection);
    PlannerInput input;
    QElapsedTimer timer;
    timer.start();
    const bool ok = validator.validate(spec, &input, &problems);
    const qint64 ms = timer.elapsed();
    QStringList actual;
    for (const SpecProblem &p : std::as_const(problems))
        actual << p.field + QLatin1String(": ") + p.message;
    // Nothing ran: no sleep, no value taken, no lock held (the validating connection still open), no
    // row written, no session ended. Then the refusal, naming the function and what it would do.
    QVERIFY2(ms < 2500, qPrintable(QStringLiteral("validation took %1 ms").arg(ms)));
    QCOMPARE(state(profile, stateSql), before);
    QSqlQuery alive(bystander.database());
    QVERIFY2(alive.exec(QStringLiteral("SELECT 1")), qPrintable(alive.lastError().text()));
    QVERIFY2(!ok, "validation passed");
    QVERIFY2(std::any_of(actual.cbegin(), actual.cend(), [&](const QString &p) { return p.startsWith(expected); }),
             qPrintable(actual.join(QLatin1Char('\n'))));
}

void TestExpressionEffects::accepted_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<QString>("column");
    QTest::addColumn<QString>("warning"); // the start of a plan warning; empty: none about side effects
    QTest::addColumn<QString>("stateSql");
    auto row = [](const char *engine, const char *name, const char *column, const char *warning, const char *stateSql = "SELECT 1") {
        QTest::newRow(qPrintable(QLatin1String(engine) + QLatin1Char('/') + QLatin1String(name)))
            << QString::fromLatin1(engine) << QString::fromUtf8(column) << QString::fromUtf8(warning) << QString::fromUtf8(stateSql);
    };
    // Volatile but harmless: no problem.
    row("postgresql", "gen_random_uuid", R"j({"name": "x", "type": "uuid", "default": {"expression": "gen_random_uuid()"}})j", "");
    row("postgresql", "now", R"j({"name": "x", "type": "timestamptz", "default": {"expression": "now()"}})j", "");
    row("postgresql", "random", R"j({"name": "x", "type": "double precision", "backfill": "random() * amount"})j", "");
    row("postgresql", "the column's own sequence", R"j({"name": "x", "type": "bigint", "default": {"expression": "nextval('fx_own_seq')"}})j", "");
    // Accepted in side_effects: planned, with a warning naming where it runs; still not run at plan time.
    row("postgresql", "setval accepted", R"j({"name": "x", "type": "bigint", "default": {"expression": "setval('fx_orders_id_seq', 1)"},
        "side_effects": ["setval"]})j",
        "The default calls setval, accepted in side_effects: it changes sequence public.fx_orders_id_seq, which the application "
        "uses for public.fx_orders.id; every new row inserted without a value, and every existing row it fills, would call it. Runs in step 1",
        "SELECT last_value, is_called FROM fx_orders_id_seq");
    row("postgresql", "own function accepted by schema.name", R"j({"name": "x", "type": "int", "backfill": "fx_audit()",
        "side_effects": ["public.fx_audit"]})j",
        "The backfill calls public.fx_audit, accepted in side_effects: it is a function of your own (declared VOLATILE)",
        "SELECT count(*) FROM fx_canary");
    row("postgresql", "an IMMUTABLE function of your own accepted", R"j({"name": "x", "type": "int", "backfill": "fx_double(amount)",
        "side_effects": ["fx_double"]})j",
        "The backfill calls public.fx_double, accepted in side_effects: it is a function of your own (declared IMMUTABLE)");
    // An extension's native functions are known by name, as the server's own are.
    row("postgresql", "pgcrypto's digest", R"j({"name": "x", "type": "bytea", "backfill": "digest(amount::text, 'sha256')"})j", "");
    // SQLite compiles the default (EXPLAIN) instead of running it: one that counts to 20
    // million is not counted at plan time.
    row("sqlite", "slow default", R"j({"name": "x", "type": "INTEGER", "default": {"expression":
        "(WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 20000000) SELECT count(*) FROM c)"}})j", "");
    row("mariadb", "UUID", R"j({"name": "x", "type": "char(36)", "default": {"expression": "UUID()"}})j", "");
    row("mariadb", "RAND", R"j({"name": "x", "type": "double", "backfill": "RAND() * amount"})j", "");
    row("mariadb", "a NO SQL stored function accepted", R"j({"name": "x", "type": "int", "backfill": "fx_pure(amount)",
        "side_effects": ["fx_pure"]})j",
        "The backfill calls stagecraft_test.fx_pure, accepted in side_effects: it is a stored function declared NO SQL");
    row("mariadb", "SLEEP accepted", R"j({"name": "x", "type": "int", "backfill": "amount + SLEEP(5)", "side_effects": ["SLEEP"]})j",
        "The backfill calls sleep, accepted in side_effects: it sleeps, holding the statement's locks while it waits; every row the "
        "backfill touches would call it. Runs in step");
    row("mariadb", "NEXTVAL accepted", R"j({"name": "x", "type": "bigint", "backfill": "NEXTVAL(fx_seq)", "side_effects": ["nextval"]})j",
        "The backfill calls nextval, accepted in side_effects: it takes a value from sequence stagecraft_test.fx_seq",
        "SELECT next_not_cached_value FROM fx_seq");
}

void TestExpressionEffects::accepted()
{
    QFETCH(QString, engine);
    QFETCH(QString, column);
    QFETCH(QString, warning);
    QFETCH(QString, stateSql);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    QString why;
    QVERIFY2(prepare(engine, &profile, &why), qPrintable(why));
    ColumnSpec spec;
    QList<SpecProblem> problems;
    const bool read = ColumnSpec::fromJson(QStringLiteral(R"j({"table": "fx_orders", "column": %1})j").arg(column).toUtf8(), &spec, &problems);
    QVERIFY2(read, qPrintable(problems.isEmpty() ? QString() : problems.first().field + QLatin1String(": ") + problems.first().message));
    const QString before = state(profile, stateSql);
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY(connection.open(&error));
    SpecValidator validator(connection);
    PlannerInput input;
    Plan plan;
    QElapsedTimer timer;
    timer.start();
    const bool ok = validator.validate(spec, &input, &problems, &plan);
    QStringList actual;
    for (const SpecProblem &p : std::as_const(problems))
        actual << p.field + QLatin1String(": ") + p.message;
    QVERIFY2(ok, qPrintable(actual.join(QLatin1Char('\n'))));
    QVERIFY2(timer.elapsed() < 2500, qPrintable(QStringLiteral("validation took %1 ms").arg(timer.elapsed())));
    QVERIFY(!plan.steps.isEmpty());
    const QStringList effects = plan.warnings.filter(QStringLiteral("side_effects"));
    if (warning.isEmpty()) {
        QVERIFY2(effects.isEmpty(), qPrintable(effects.join(QLatin1Char('\n'))));
    } else {
        QCOMPARE(effects.size(), 1);
        QVERIFY2(effects.first().startsWith(warning), qPrintable(effects.first()));
    }
    QCOMPARE(state(profile, stateSql), before);
}

QTEST_GUILESS_MAIN(TestExpressionEffects)
#include "testexpressioneffects.moc"
