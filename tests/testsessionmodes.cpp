// Runs under server settings that change what SQL means: PostgreSQL with standard_conforming_strings
// off, MariaDB with NO_BACKSLASH_ESCAPES or a non-strict sql_mode, set for every new session of the
// test's user as an administrator would. Stagecraft's sessions set the modes they rely on, so a
// literal is stored as written and a NULL is never turned into a value. The settings are changed
// for the whole server, so these tests have an executable (and servers) of their own.

#include "connection/databaseconnection.h"
#include "plan/planner.h"
#include "plan/specvalidator.h"
#include "run/runner.h"
#include "sql/quoting.h"
#include "testservers.h"

#include <QRegularExpression>
#include <QScopeGuard>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QThread>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

class TestSessionModes : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanupTestCase() { TestServers::stopAll(); }
    void literalStoredAsWritten_data();
    void literalStoredAsWritten();
    void nullsNeverBecomeValues();

private:
    // Sets the server-wide setting every new session of the test's user starts with; the returned
    // statements put it back.
    [[nodiscard]] static bool setServerMode(const ConnectionProfile &profile, const QString &mode, QStringList *restore, QString *why);
};

namespace {

const int Rows = 400;

bool makeTable(const ConnectionProfile &profile, const QString &table, QString *why)
{
    const QString t = quoteIdentifier(profile.engine, table);
    const QString fill = profile.engine == Engine::PostgreSQL
        ? QStringLiteral("INSERT INTO %1 SELECT g, g * 7 FROM generate_series(1, %2) g")
        : QStringLiteral("INSERT INTO %1 SELECT seq, seq * 7 FROM seq_1_to_%2");
    return TestServers::execute(profile, {QStringLiteral("CREATE TABLE %1 (id bigint PRIMARY KEY, total_cents int NOT NULL)").arg(t),
                                          fill.arg(t).arg(Rows)},
                                why);
}

bool planFor(DatabaseConnection &connection, const QString &table, const QString &column, Plan *plan, QString *why)
{
    const QString schema = connection.engine() == Engine::PostgreSQL ? QStringLiteral("public") : connection.profile().database;
    ColumnSpec spec;
    QList<SpecProblem> problems;
    PlannerInput input;
    if (!ColumnSpec::fromJson(QStringLiteral(R"j({"table": "%1.%2", "column": %3})j").arg(schema, table, column).toUtf8(), &spec, &problems)
        || !SpecValidator(connection).validate(spec, &input, &problems)) {
        *why = problems.isEmpty() ? QStringLiteral("?") : problems.first().field + QLatin1String(": ") + problems.first().message;
        return false;
    }
    *plan = Planner::plan(input);
    return true;
}

QString text(QSqlDatabase db, const QString &sql)
{
    QSqlQuery q(db);
    return q.exec(sql) && q.next() ? q.value(0).toString() : QStringLiteral("(%1: %2)").arg(sql, q.lastError().text());
}

} // namespace

bool TestSessionModes::setServerMode(const ConnectionProfile &profile, const QString &mode, QStringList *restore, QString *why)
{
    if (profile.engine == Engine::PostgreSQL) {
        *restore = {QStringLiteral("ALTER ROLE %1 RESET ALL").arg(quoteIdentifier(profile.engine, profile.user))};
        return TestServers::execute(profile, {QStringLiteral("ALTER ROLE %1 SET %2").arg(quoteIdentifier(profile.engine, profile.user), mode)}, why);
    }
    DatabaseConnection c(profile);
    ConnectionError e;
    if (!c.open(&e)) {
        *why = e.text();
        return false;
    }
    *restore = {QStringLiteral("SET GLOBAL sql_mode = %1").arg(quoteLiteral(profile.engine, text(c.database(), QStringLiteral("SELECT @@GLOBAL.sql_mode"))))};
    return TestServers::execute(profile, {QStringLiteral("SET GLOBAL sql_mode = %1").arg(quoteLiteral(profile.engine, mode))}, why);
}

void TestSessionModes::literalStoredAsWritten_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<QString>("serverMode"); // PostgreSQL: ALTER ROLE ... SET <this>; MariaDB: the global sql_mode
    QTest::addColumn<QString>("literal");
    const struct {
        const char *tag, *engine, *mode;
    } settings[] = {{"postgresql/standard_conforming_strings off", "postgresql", "standard_conforming_strings = off"},
                    {"mariadb/NO_BACKSLASH_ESCAPES", "mariadb", "STRICT_TRANS_TABLES,NO_BACKSLASH_ESCAPES"},
                    {"mariadb/not strict", "mariadb", ""},
                    {"mariadb/ANSI", "mariadb", "ANSI,NO_BACKSLASH_ESCAPES"}};
    for (const auto &s : settings) {
        QTest::addRow("%s/backslashes", s.tag) << s.engine << s.mode << QStringLiteral("C:\\new\\dir");
        QTest::addRow("%s/quote", s.tag) << s.engine << s.mode << QStringLiteral("it's \\'quoted\\'");
    }
}

void TestSessionModes::literalStoredAsWritten()
{
    // A default literal reaches every existing row and every new one exactly as written.
    QFETCH(QString, engine);
    QFETCH(QString, serverMode);
    QFETCH(QString, literal);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    QString why;
    QStringList restore;
    QVERIFY2(setServerMode(profile, serverMode, &restore, &why), qPrintable(why));
    const auto reset = qScopeGuard([&] { QVERIFY2(TestServers::execute(profile, restore, &why), qPrintable(why)); });
    const QString table = QStringLiteral("lit_%1").arg(QTest::currentDataTag()).toLower().replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("_"));
    QVERIFY2(makeTable(profile, table, &why), qPrintable(why));

    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY2(connection.open(&error), qPrintable(error.text()));
    Plan plan;
    const QString spec = QStringLiteral(R"j({"name": "path", "type": "varchar(40)", "default": {"literal": "%1"}})j")
                             .arg(QString(literal).replace(QLatin1Char('\\'), QLatin1String("\\\\")));
    QVERIFY2(planFor(connection, table, spec, &plan, &why), qPrintable(why));
    Runner runner(profile);
    runner.setPassGates(true); // gates have tests of their own
    RunOutcome outcome = RunOutcome::Failed;
    QString summary;
    connect(&runner, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    runner.run(plan);
    QVERIFY2(outcome == RunOutcome::Done, qPrintable(summary));

    // Read back: the rows there before the run, and one inserted after it without the column.
    const QString t = quoteIdentifier(profile.engine, table);
    QVERIFY2(TestServers::execute(profile, {QStringLiteral("INSERT INTO %1 (id, total_cents) VALUES (0, 0)").arg(t)}, &why), qPrintable(why));
    QCOMPARE(text(connection.database(), QStringLiteral("SELECT path FROM %1 WHERE id = 1").arg(t)), literal);
    QCOMPARE(text(connection.database(), QStringLiteral("SELECT path FROM %1 WHERE id = 0").arg(t)), literal);
    QCOMPARE(text(connection.database(), QStringLiteral("SELECT count(*) FROM %1 WHERE path = %2").arg(t, quoteLiteral(profile.engine, literal))),
             QString::number(Rows + 1));
    QVERIFY2(!summary.contains(QStringLiteral("✗")), qPrintable(summary));
}

void TestSessionModes::nullsNeverBecomeValues()
{
    // MariaDB with a non-strict sql_mode: the application writes NULLs into the new column after the
    // NOT NULL step's guard looked (here: while the step's pre-flight finds its open transaction).
    // Under the server's mode, MODIFY ... NOT NULL turned them into 0.00 and the run said done; in
    // Stagecraft's strict session the step fails, and the rows keep what the application wrote.
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("mariadb"), profile);
    QString why;
    QStringList restore;
    QVERIFY2(setServerMode(profile, QStringLiteral("NO_ENGINE_SUBSTITUTION"), &restore, &why), qPrintable(why));
    const auto reset = qScopeGuard([&] { QVERIFY2(TestServers::execute(profile, restore, &why), qPrintable(why)); });
    QVERIFY2(makeTable(profile, QStringLiteral("null_writer"), &why), qPrintable(why));
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY2(connection.open(&error), qPrintable(error.text()));
    Plan plan;
    QVERIFY2(planFor(connection, QStringLiteral("null_writer"),
                     QStringLiteral(R"j({"name": "total_eur", "type": "numeric(12,2)", "nullable": false, "backfill": "total_cents / 100.0"})j"),
                     &plan, &why),
             qPrintable(why));
    const auto notNull = std::find_if(plan.steps.cbegin(), plan.steps.cend(), [](const PlanStep &s) {
        return s.backfill.isNull() && s.sql.join(QLatin1Char(' ')).contains(QLatin1String("NOT NULL"));
    });
    QVERIFY(notNull != plan.steps.cend());
    const int notNullStep = int(notNull - plan.steps.cbegin());
    QVERIFY(std::any_of(plan.steps.cbegin(), notNull, [](const PlanStep &s) { return !s.backfill.isNull(); }));

    // The application: a transaction open on the table when the step starts (the pre-flight finds
    // it), and NULLs written and committed in the moment before the ALTER.
    DatabaseConnection application(profile);
    QVERIFY2(application.open(&error), qPrintable(error.text()));
    QSqlQuery holder(application.database());
    int written = -1;
    Runner runner(profile);
    runner.setPassGates(true); // gates have tests of their own
    connect(&runner, &Runner::stepStarted, this, [&](int step) {
        if (step != notNullStep)
            return;
        QVERIFY(holder.exec(QStringLiteral("BEGIN")) && holder.exec(QStringLiteral("SELECT count(*) FROM null_writer")));
        QThread::msleep(300); // InnoDB shows a transaction in INNODB_TRX within 100 ms of its start

    });
    connect(&runner, &Runner::blockersFound, this, [&](int step) {
        if (step != notNullStep || written >= 0)
            return;
        QSqlQuery w(application.database());
        QVERIFY2(w.exec(QStringLiteral("UPDATE null_writer SET total_eur = NULL WHERE id % 3 = 0")), qPrintable(w.lastError().text()));
        written = w.numRowsAffected();
        QVERIFY(w.exec(QStringLiteral("COMMIT")));
    });
    RunOutcome outcome = RunOutcome::Done;
    QString summary;
    connect(&runner, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    runner.run(plan);
    QCOMPARE(written, Rows / 3);
    QCOMPARE(text(connection.database(), QStringLiteral("SELECT count(*) FROM null_writer WHERE total_eur IS NULL")), QString::number(written));
    QCOMPARE(text(connection.database(), QStringLiteral("SELECT count(*) FROM null_writer WHERE total_eur = 0")), QStringLiteral("0"));
    QVERIFY2(outcome == RunOutcome::Failed, qPrintable(summary));
    QVERIFY2(summary.contains(QStringLiteral("Step %1 (%2) failed: ").arg(notNullStep + 1).arg(notNull->title)), qPrintable(summary));
    QCOMPARE(text(connection.database(), QStringLiteral("SELECT IS_NULLABLE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
                                                         "AND TABLE_NAME = 'null_writer' AND COLUMN_NAME = 'total_eur'")),
             QStringLiteral("YES"));
}

QTEST_GUILESS_MAIN(TestSessionModes)
#include "testsessionmodes.moc"
