// Plans exported for migration tools: each format follows its tool's documented rules, and the
// exported migrations, applied the way the tool applies them, do on the real servers what the plan
// does; the down migrations undo it.

#include "connection/databaseconnection.h"
#include "plan/planexport.h"
#include "plan/planner.h"
#include "plan/specvalidator.h"
#include "run/verification.h"
#include "sql/quoting.h"
#include "testservers.h"

#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

class TestExport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanupTestCase() { TestServers::stopAll(); }
    void formats_data();
    void formats();
    void appliedLikeTheTools_data();
    void appliedLikeTheTools();
    void percentInExpression();
};

static const QDateTime Stamp(QDate(2026, 11, 22), QTime(8, 15, 0), QTimeZone::UTC);

// A table of `rows` rows with a primary key of keyColumns columns, and a plan for a NOT NULL
// column filled from another, checked and indexed.
static bool prepare(const ConnectionProfile &profile, const QString &table, int keyColumns, int rows, Plan *plan,
                    QString *why)
{
    const Engine e = profile.engine;
    const QString t = quoteIdentifier(e, table);
    QStringList setup;
    if (keyColumns == 1)
        setup << QStringLiteral("CREATE TABLE %1 (id bigint PRIMARY KEY, cents int NOT NULL)").arg(t);
    else
        setup << QStringLiteral("CREATE TABLE %1 (region int, id bigint, cents int NOT NULL, PRIMARY KEY (region, id))").arg(t);
    const QString columns = keyColumns == 1 ? QStringLiteral("g, g * 7") : QStringLiteral("g % 3, g, g * 7");
    if (e == Engine::PostgreSQL)
        setup << QStringLiteral("INSERT INTO %1 SELECT %2 FROM generate_series(1, %3) g").arg(t, columns).arg(rows);
    else
        setup << QStringLiteral("INSERT INTO %1 SELECT %2 FROM (SELECT seq AS g FROM seq_1_to_%3) s").arg(t, columns).arg(rows);
    if (!TestServers::execute(profile, setup, why))
        return false;
    DatabaseConnection connection(profile);
    ConnectionError error;
    if (!connection.open(&error)) {
        *why = error.text();
        return false;
    }
    const QString schema = e == Engine::PostgreSQL ? QStringLiteral("public") : profile.database;
    ColumnSpec spec;
    QList<SpecProblem> problems;
    PlannerInput input;
    if (!ColumnSpec::fromJson(QStringLiteral(R"j({"table": "%1.%2", "column": {"name": "euros", "type": "bigint", "nullable": false, "backfill": "cents * 2", "check": "euros >= 0", "index": true}})j")
                                  .arg(schema, table)
                                  .toUtf8(),
                              &spec, &problems)
        || !SpecValidator(connection).validate(spec, &input, &problems)) {
        *why = problems.isEmpty() ? QStringLiteral("?") : problems.first().field + QLatin1String(": ") + problems.first().message;
        return false;
    }
    *plan = Planner::plan(input);
    return true;
}

void TestExport::formats_data()
{
    QTest::addColumn<QString>("engine");
    QTest::newRow("postgresql") << "postgresql";
    QTest::newRow("mariadb") << "mariadb";
}

void TestExport::formats()
{
    QFETCH(QString, engine);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    Plan plan;
    QString why;
    QVERIFY2(prepare(profile, QStringLiteral("rules_") + engine, 1, 100, &plan, &why), qPrintable(why));
    QVERIFY(plan.steps.size() >= 3);

    // Flyway: V<version>__<description>.sql, the version's parts separated by "_"; a migration that
    // cannot run in a transaction gets <script>.conf with executeInTransaction=false.
    const QList<ExportFile> flyway = PlanExport::files(plan, PlanExport::Format::Flyway, Stamp);
    const QRegularExpression flywayName(QStringLiteral("^V[0-9]+(_[0-9]+)*__[A-Za-z0-9_]+\\.sql$"));
    int migrations = 0;
    for (int i = 0; i < flyway.size(); ++i) {
        const ExportFile &f = flyway.at(i);
        if (f.name.endsWith(QLatin1String(".conf"))) {
            QCOMPARE(f.text, QStringLiteral("executeInTransaction=false\n"));
            QVERIFY(i > 0 && flyway.at(i - 1).name + QLatin1String(".conf") == f.name);
            continue;
        }
        QVERIFY2(flywayName.match(f.name).hasMatch(), qPrintable(f.name));
        const PlanStep &step = plan.steps.at(migrations++);
        const bool conf = i + 1 < flyway.size() && flyway.at(i + 1).name == f.name + QLatin1String(".conf");
        QCOMPARE(conf, PlanExport::needsNoTransaction(plan, step));
        QVERIFY2(f.text.contains(QLatin1String("-- Fingerprint: sha256:")), qPrintable(f.text));
        // A schema change waits for its lock at most the timeout, set just before it.
        const QString timeout = engine == QLatin1String("postgresql") ? QStringLiteral("SET lock_timeout = '2000ms';\n")
                                                                      : QStringLiteral("SET SESSION lock_wait_timeout = 2;\n");
        // A deploy gate has no statement of its own: nothing waits for a lock there.
        const bool wantTimeout = step.gate.isEmpty() && step.backfill.isNull() && (step.transactional || engine != QLatin1String("postgresql"));
        // A MySQL trigger's body holds semicolons: Flyway reads it under another delimiter.
        const QString first = step.sql.value(0).startsWith(QLatin1String("CREATE TRIGGER")) && engine != QLatin1String("postgresql")
            ? QLatin1String("DELIMITER //\n") + step.sql.value(0) + QLatin1String("//\n")
            : step.sql.value(0) + QLatin1String(";\n");
        QCOMPARE(f.text.contains(timeout + first), wantTimeout);
        QCOMPARE(f.text.contains(timeout), wantTimeout);
    }
    QCOMPARE(migrations, int(plan.steps.size()));
    QVERIFY(flyway.first().name.startsWith(QLatin1String("V20261122081500_01__expand_")));

    // Liquibase formatted SQL: the header line first; "--changeset author:id" with attributes;
    // runInTransaction:false where the step needs it; a rollback for every changeset.
    const QList<ExportFile> liquibase = PlanExport::files(plan, PlanExport::Format::Liquibase, Stamp);
    QCOMPARE(liquibase.size(), 1);
    const QString changelog = liquibase.first().text;
    QVERIFY(changelog.startsWith(QLatin1String("--liquibase formatted sql\n")));
    const QStringList changesets = changelog.split(QStringLiteral("\n--changeset ")).mid(1);
    QVERIFY(changesets.size() >= plan.steps.size());
    const QRegularExpression changesetLine(QStringLiteral("^stagecraft:[0-9]+-[0-9]+( runInTransaction:false)?( splitStatements:false)?$"));
    QSet<QString> ids;
    int nonTransactional = 0;
    for (const QString &c : changesets) {
        const QString first = c.section(QLatin1Char('\n'), 0, 0);
        QVERIFY2(changesetLine.match(first).hasMatch(), qPrintable(first));
        QVERIFY(!ids.contains(first.section(QLatin1Char(' '), 0, 0)));
        ids.insert(first.section(QLatin1Char(' '), 0, 0));
        QVERIFY2(c.contains(QLatin1String("\n--rollback ")), qPrintable(c));
        nonTransactional += first.contains(QLatin1String("runInTransaction:false")) ? 1 : 0;
        // Outside a transaction exactly where the step it comes from needs it (its title in the comment).
        const QString title = c.section(QLatin1String("\n--comment: "), 1).section(QStringLiteral(" — "), 0, 0);
        const auto step = std::find_if(plan.steps.cbegin(), plan.steps.cend(), [&title](const PlanStep &s) { return s.title == title; });
        QVERIFY2(step != plan.steps.cend(), qPrintable(c));
        QCOMPARE(first.contains(QLatin1String("runInTransaction:false")), PlanExport::needsNoTransaction(plan, *step));
        // A body with semicolons inside (DO block, procedure) is never split by Liquibase.
        if (c.contains(QLatin1String("DO $stagecraft$")) || c.contains(QLatin1String("CREATE PROCEDURE"))
            || (engine != QLatin1String("postgresql") && c.contains(QLatin1String("CREATE TRIGGER"))))
            QVERIFY2(first.contains(QLatin1String("splitStatements:false")), qPrintable(first));
    }
    QVERIFY(nonTransactional >= 1);

    // golang-migrate: {version}_{title}.up.sql and .down.sql, versions unique and increasing; on
    // PostgreSQL a statement that cannot run in a transaction is alone in its file.
    const QList<ExportFile> golang = PlanExport::files(plan, PlanExport::Format::GolangMigrate, Stamp);
    const QRegularExpression golangName(QStringLiteral("^([0-9]+)_([a-z0-9_]+)\\.(up|down)\\.sql$"));
    QList<qulonglong> versions;
    for (const ExportFile &f : golang) {
        const QRegularExpressionMatch m = golangName.match(f.name);
        QVERIFY2(m.hasMatch(), qPrintable(f.name));
        if (m.captured(3) == QLatin1String("up")) {
            versions << m.captured(1).toULongLong();
            const QString down = QStringLiteral("%1_%2.down.sql").arg(m.captured(1), m.captured(2));
            QVERIFY2(std::any_of(golang.cbegin(), golang.cend(), [&down](const ExportFile &g) { return g.name == down; }),
                     qPrintable(down));
            if (engine == QLatin1String("postgresql") && f.text.contains(QLatin1String("CONCURRENTLY")))
                QCOMPARE(f.text.count(QStringLiteral(";\n")), 1);
            if (engine == QLatin1String("postgresql") && f.text.contains(QLatin1String("DO $stagecraft$"))) {
                QCOMPARE(f.text.count(QStringLiteral("DO $stagecraft$")), 1);
                QVERIFY(f.text.endsWith(QLatin1String("END\n$stagecraft$;\n")));
            }
        }
    }
    for (int i = 1; i < versions.size(); ++i)
        QVERIFY(versions.at(i) > versions.at(i - 1));

    // SQL by stage: one file per stage, in stage order.
    const QList<ExportFile> stages = PlanExport::files(plan, PlanExport::Format::SqlByStage, Stamp);
    QVERIFY(stages.first().name.startsWith(QLatin1String("01-expand")));
    QVERIFY(std::any_of(stages.cbegin(), stages.cend(), [](const ExportFile &f) { return f.name == QLatin1String("02-backfill.sql"); }));
}

void TestExport::appliedLikeTheTools_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<int>("keyColumns");
    QTest::newRow("postgresql") << "postgresql" << 1;
    QTest::newRow("postgresql composite key") << "postgresql" << 2;
    QTest::newRow("mariadb") << "mariadb" << 1;
    QTest::newRow("mariadb composite key") << "mariadb" << 2;
}

// Each golang-migrate file in order, as the tool sends it: the whole file in one call (on
// PostgreSQL the simple query protocol runs it as one implicit transaction; on MariaDB the
// server runs the statements one after the other). Then the table holds the column as planned; the down files in reverse remove it.
void TestExport::appliedLikeTheTools()
{
    QFETCH(QString, engine);
    QFETCH(int, keyColumns);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    const QString table = QStringLiteral("applied_%1_%2").arg(engine).arg(keyColumns);
    Plan plan;
    QString why;
    const int rows = 12345; // more than two batches of 5,000
    QVERIFY2(prepare(profile, table, keyColumns, rows, &plan, &why), qPrintable(why));
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY(connection.open(&error));
    QSqlQuery q(connection.database());
    const QList<ExportFile> files = PlanExport::files(plan, PlanExport::Format::GolangMigrate, Stamp);
    const auto apply = [&](const QString &direction) {
        QList<ExportFile> chosen;
        for (const ExportFile &f : files)
            if (f.name.endsWith(QLatin1Char('.') + direction + QLatin1String(".sql")))
                chosen << f;
        if (direction == QLatin1String("down"))
            std::reverse(chosen.begin(), chosen.end());
        for (const ExportFile &f : chosen) {
            if (engine == QLatin1String("postgresql")) {
                if (!q.exec(f.text))
                    return f.name + QLatin1String(": ") + q.lastError().text();
            } else {
                // golang-migrate's MySQL driver (multiStatements=true) sends the file in one call, the
                // server runs its statements in order; each result is read to find a failing one.
                if (!q.exec(f.text))
                    return f.name + QLatin1String(": ") + q.lastError().text();
                while (q.nextResult()) {
                }
                if (q.lastError().isValid())
                    return f.name + QLatin1String(": ") + q.lastError().text();
                q.finish();
            }
        }
        return QString();
    };
    QString failure = apply(QStringLiteral("up"));
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    const QString t = quoteIdentifier(profile.engine, table);
    QVERIFY(q.exec(QStringLiteral("SELECT count(*), sum(CASE WHEN euros = cents * 2 THEN 1 ELSE 0 END) FROM %1").arg(t)) && q.next());
    QCOMPARE(q.value(0).toInt(), rows);
    QCOMPARE(q.value(1).toInt(), rows);
    q.finish();
    QList<VerificationCheck> checks;
    QVERIFY2(Verification::verify(connection, plan, &checks, &error), qPrintable(error.text()));
    const QString report = Verification::format(checks);
    QVERIFY2(!report.contains(QStringLiteral("✗")), qPrintable(report));

    failure = apply(QStringLiteral("down"));
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    QVERIFY(!q.exec(QStringLiteral("SELECT euros FROM %1").arg(t)));
}

// A '%' in the user's expression survives the export (no second substitution pass).
void TestExport::percentInExpression()
{
    Plan plan;
    plan.engine = Engine::PostgreSQL;
    plan.targetVersion = 170000;
    plan.table = {QStringLiteral("public"), QStringLiteral("t")};
    plan.spec.name = QStringLiteral("c");
    PlanStep step;
    step.stage = Stage::Backfill;
    step.backfill = {Engine::PostgreSQL, QStringLiteral("\"public\".\"t\""), QStringLiteral("c"), QStringLiteral("(a %2 7) || '%1'"),
                     {QStringLiteral("id")}, false};
    const QString sql = PlanExport::statements(plan, step).join(QLatin1Char('\n'));
    QVERIFY2(sql.contains(QLatin1String("SET \"c\" = (a %2 7) || '%1' WHERE")), qPrintable(sql));
    QVERIFY(sql.contains(QStringLiteral("LIMIT %1").arg(plan.settings.fixedBatchRows())));
    plan.engine = Engine::MariaDB;
    step.backfill.engine = Engine::MariaDB;
    step.backfill.table = QStringLiteral("`public`.`t`");
    const QString my = PlanExport::statements(plan, step).join(QLatin1Char('\n'));
    QVERIFY2(my.contains(QLatin1String("SET `c` = (a %2 7) || '%1' WHERE")), qPrintable(my));
}

QTEST_GUILESS_MAIN(TestExport)
#include "testexport.moc"
