// Query performance between stages. Pure: each statement's mean per phase from the runner's
// snapshots (before, backfill, enforce and index; too few calls; a reset; a resume after the
// backfill), the summary's lines, the slowdown gate's verdict and the journal's JSON. On real servers
// that time statements (PostgreSQL 17 with pg_stat_statements, MariaDB 11.8 with statement digests):
// an application statement slowed on purpose during the backfill only (it calls a function that
// sleeps while a flag table says so) stops a run with a slowdown gate of 2x before its enforce
// stage, changing nothing more; the resume passes the gate, finishes, and its summary (and the
// journal, for History) shows the statement slower during the backfill than before and after. A
// server that keeps no statistics gets the line saying how to turn them on, once. Pure too: where the
// gate sits (after the last backfill step, whatever comes next: plans without enforce or index
// steps), its verdict (could not measure; passed once, not judged again on a later resume) and the
// snapshots trimmed to the statements with the most time, still matched by id.

#include "connection/databaseconnection.h"
#include "run/journal.h"
#include "run/runhistory.h"
#include "run/runner.h"
#include "run/stagetimings.h"
#include "livewriter.h"
#include "specplan.h"
#include "testservers.h"

#include <QHash>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

#include <array>
#include <optional>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

class TestStageTimings : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanupTestCase() { TestServers::stopAll(); }
    void phases_data();
    void phases();
    void gateStep_data();
    void gateStep();
    void gateVerdict_data();
    void gateVerdict();
    void keptStatements();
    void slowedStatementStopsBeforeEnforce_data();
    void slowedStatementStopsBeforeEnforce();
    void serverWithoutStatistics_data();
    void serverWithoutStatistics();
};

namespace {

using Point = StageTimings::Point;
using Snapshots = QList<QPair<int, QList<StatementStat>>>; // point, statements

StatementStat stat(const QString &id, qint64 calls, double totalMs)
{
    return {id, id == QLatin1String("u") ? QStringLiteral("UPDATE t SET v = v + $1\n  WHERE id = $2") : QStringLiteral("SELECT v FROM t WHERE id = $1"),
            calls, totalMs, calls};
}

const QString header3 = QStringLiteral("Query performance between stages, mean per call before the run (since the statistics were last "
                                       "reset) -> during the backfill -> during enforce and index:");

} // namespace

void TestStageTimings::phases_data()
{
    QTest::addColumn<Snapshots>("snapshots");
    QTest::addColumn<QString>("unavailable");
    QTest::addColumn<QStringList>("lines");
    QTest::addColumn<QString>("slowedOver2"); // the statement the 2x gate names; empty: none
    const int start = int(Point::Start), backfill = int(Point::Backfill), resumed = int(Point::Resumed), index = int(Point::Index);
    // u: 0.2 ms before; 40 calls at 0.5 ms in the backfill; 40 at 0.3 ms after. s: steady 1 ms, most time.
    QTest::newRow("three phases")
        << Snapshots{{start, {stat("u", 100, 20), stat("s", 50, 50)}},
                     {backfill, {stat("u", 140, 40), stat("s", 80, 80)}},
                     {index, {stat("u", 180, 52), stat("s", 110, 110)}}}
        << QString()
        << QStringList{header3, QStringLiteral("  SELECT v FROM t WHERE id = $1: 1.00 ms -> 1.00 ms (1.0x) -> 1.00 ms (1.0x)"),
                       QStringLiteral("  UPDATE t SET v = v + $1 WHERE id = $2: 0.20 ms -> 0.50 ms (2.5x) -> 0.30 ms (1.5x)")}
        << "u";
    // A one-off (a schema change, a set-up statement) has too few calls in every phase: not listed.
    QTest::newRow("one-offs left out")
        << Snapshots{{start, {stat("u", 100, 20), stat("s", 1, 500)}}, {backfill, {stat("u", 140, 40), stat("s", 2, 900)}},
                     {index, {stat("u", 180, 52), stat("s", 3, 1300)}}}
        << QString()
        << QStringList{header3, QStringLiteral("  UPDATE t SET v = v + $1 WHERE id = $2: 0.20 ms -> 0.50 ms (2.5x) -> 0.30 ms (1.5x)")}
        << "u";
    QTest::newRow("too few calls in a phase")
        << Snapshots{{start, {stat("u", 100, 20)}}, {backfill, {stat("u", 110, 40)}}, {index, {stat("u", 150, 52)}}} << QString()
        << QStringList{header3, QStringLiteral("  UPDATE t SET v = v + $1 WHERE id = $2: 0.20 ms -> too few calls (10) -> 0.30 ms (1.5x)")}
        << "";
    QTest::newRow("too few calls before")
        << Snapshots{{start, {stat("u", 5, 1)}}, {backfill, {stat("u", 45, 21)}}, {index, {stat("u", 85, 33)}}} << QString()
        << QStringList{header3, QStringLiteral("  UPDATE t SET v = v + $1 WHERE id = $2: too few calls (5) -> 0.50 ms -> 0.30 ms")} << "";
    QTest::newRow("new during the run")
        << Snapshots{{start, {}}, {backfill, {stat("u", 40, 20)}}, {index, {stat("u", 80, 32)}}} << QString()
        << QStringList{header3, QStringLiteral("  UPDATE t SET v = v + $1 WHERE id = $2: no calls -> 0.50 ms -> 0.30 ms")} << "";
    QTest::newRow("no backfill stage")
        << Snapshots{{start, {stat("u", 100, 20)}}, {index, {stat("u", 140, 32)}}} << QString()
        << QStringList{QStringLiteral("Query performance between stages, mean per call before the run (since the statistics were last "
                                      "reset) -> during enforce and index:"),
                       QStringLiteral("  UPDATE t SET v = v + $1 WHERE id = $2: 0.20 ms -> 0.30 ms (1.5x)")}
        << "";
    QTest::newRow("stopped before enforce")
        << Snapshots{{start, {stat("u", 100, 20)}}, {backfill, {stat("u", 140, 140)}}} << QString()
        << QStringList{QStringLiteral("Query performance between stages, mean per call before the run (since the statistics were last "
                                      "reset) -> during the backfill:"),
                       QStringLiteral("  UPDATE t SET v = v + $1 WHERE id = $2: 0.20 ms -> 3.00 ms (15.0x)")}
        << "u";
    // Resumed after the backfill: the enforce phase counts from the resume, not from the stop.
    QTest::newRow("resumed after the backfill")
        << Snapshots{{start, {stat("u", 100, 20)}}, {backfill, {stat("u", 140, 40)}}, {resumed, {stat("u", 500, 1000)}},
                     {index, {stat("u", 540, 1012)}}}
        << QString() << QStringList{header3, QStringLiteral("  UPDATE t SET v = v + $1 WHERE id = $2: 0.20 ms -> 0.50 ms (2.5x) -> 0.30 ms (1.5x)")}
        << "u";
    QTest::newRow("statistics reset during the run")
        << Snapshots{{start, {stat("u", 100, 20)}}, {backfill, {stat("u", 140, 40)}}, {index, {stat("u", 30, 9)}}} << QString()
        << QStringList{header3, QStringLiteral("  UPDATE t SET v = v + $1 WHERE id = $2: 0.20 ms -> 0.50 ms (2.5x) -> no calls")} << "u";
    QTest::newRow("nothing timed") << Snapshots{{start, {}}, {backfill, {}}, {index, {}}} << QString()
                                   << QStringList{QStringLiteral("Query performance between stages: no statement of the application's on the "
                                                                 "table was timed.")}
                                   << "";
    QTest::newRow("no statistics")
        << Snapshots{} << "The server does not time statements: start it with performance_schema = ON."
        << QStringList{QStringLiteral("Query performance between stages was not measured. The server does not time statements: start it "
                                      "with performance_schema = ON.")}
        << "";
}

void TestStageTimings::phases()
{
    QFETCH(Snapshots, snapshots);
    QFETCH(QString, unavailable);
    QFETCH(QStringList, lines);
    QFETCH(QString, slowedOver2);
    StageTimings timings;
    for (const auto &[point, statements] : snapshots)
        timings.setSnapshot(Point(point), statements);
    timings.setUnavailable(unavailable);
    QCOMPARE(timings.lines(), lines);
    const std::optional<StageTimings::Statement> slowed = timings.slowedOver(2);
    QCOMPARE(slowed ? slowed->id : QString(), slowedOver2);
    QVERIFY(!timings.slowedOver(0)); // off
    QVERIFY(!timings.slowedOver(20));
    // Journaled and read back alike (History, a resume).
    StageTimings back;
    QVERIFY(StageTimings::fromJson(timings.toJson(), &back));
    QCOMPARE(back, timings);
    QCOMPARE(back.lines(), lines);
}

void TestStageTimings::gateStep_data()
{
    QTest::addColumn<QString>("stages"); // e: expand, b: backfill, n: enforce, i: index, c: contract, v: verify; G: a deploy gate
    QTest::addColumn<int>("gate");
    QTest::newRow("enforce after the backfill") << "eebnniv" << 3;
    QTest::newRow("pg17-backfill-no-key: past the deploy gate") << "eebGcv" << 4;
    QTest::newRow("mysql8.4-no-key-backfill / expression-default") << "eebv" << 3;
    QTest::newRow("mariadb11.8-fulltext-not-null") << "ebbcv" << 3;
    QTest::newRow("no backfill") << "eniv" << -1;
    QTest::newRow("nothing after the backfill but gates") << "ebG" << -1;
}

void TestStageTimings::gateStep()
{
    QFETCH(QString, stages);
    QFETCH(int, gate);
    Plan plan;
    for (QChar c : std::as_const(stages)) {
        PlanStep step;
        const int at = QStringLiteral("ebnicvG").indexOf(c);
        step.stage = std::array{Stage::Expand, Stage::Backfill, Stage::Enforce, Stage::Index, Stage::Contract, Stage::Verify, Stage::Contract}.at(at);
        if (c == u'G')
            step.gate = QStringLiteral("before-contract");
        plan.steps << step;
    }
    QCOMPARE(Runner::slowdownGateStep(plan), gate);
}

void TestStageTimings::gateVerdict_data()
{
    QTest::addColumn<Snapshots>("snapshots");
    QTest::addColumn<bool>("passed");
    QTest::addColumn<QString>("verdict"); // its start
    const int start = int(Point::Start), backfill = int(Point::Backfill);
    const Snapshots slowed{{start, {stat("u", 100, 100)}}, {backfill, {stat("u", 200, 600)}}};
    QTest::newRow("slowed") << slowed << false << "the application's statement UPDATE t SET v = v + $1 WHERE id = $2 took 5.00 ms";
    // Issue 17: passed by a resume, then the step after it failed; the next resume does not stop again.
    QTest::newRow("slowed, passed before") << slowed << true << "";
    QTest::newRow("not slowed") << Snapshots{{start, {stat("u", 100, 100)}}, {backfill, {stat("u", 200, 200)}}} << false << "";
    QTest::newRow("after-backfill snapshot unread")
        << Snapshots{{start, {stat("u", 100, 100)}}} << false
        << "the slowdown gate could not measure the application's statements: the statistics after the backfill could not be read";
    QTest::newRow("unread, passed before") << Snapshots{{start, {stat("u", 100, 100)}}} << true << "";
}

void TestStageTimings::gateVerdict()
{
    QFETCH(Snapshots, snapshots);
    QFETCH(bool, passed);
    QFETCH(QString, verdict);
    StageTimings timings;
    for (const auto &[point, statements] : snapshots)
        timings.setSnapshot(Point(point), statements);
    timings.setGatePassed(passed);
    // The journal keeps it, so a later resume reads it back.
    StageTimings read;
    QVERIFY(StageTimings::fromJson(timings.toJson(), &read));
    QCOMPARE(read, timings);
    const QString why = Runner::slowdownVerdict(read, 2);
    QVERIFY2(verdict.isEmpty() ? why.isEmpty() : why.startsWith(verdict), qPrintable(why));
    QVERIFY(Runner::slowdownVerdict(read, 0).isEmpty());
}

// 250 statements: each snapshot keeps the 200 with the most time, plus those an earlier one kept.
void TestStageTimings::keptStatements()
{
    QList<StatementStat> start, backfill, index;
    for (int i = 0; i < 250; ++i) {
        const QString id = QString::number(i);
        start << StatementStat{id, QStringLiteral("SELECT %1 FROM t").arg(i), 100, 1000.0 - i, 100};
        // During the backfill the least-timed statements before (i >= 200) took the most time.
        backfill << StatementStat{id, QStringLiteral("SELECT %1 FROM t").arg(i), 200, 1000.0 - i + (i >= 200 ? 5000 : 0), 200};
        index << StatementStat{id, backfill.constLast().text, 300, backfill.constLast().totalMs + 100, 300};
    }
    StageTimings timings;
    timings.setSnapshot(Point::Start, start);
    timings.setSnapshot(Point::Backfill, backfill);
    timings.setSnapshot(Point::Index, index);
    QCOMPARE(timings.snapshot(Point::Start).size(), StageTimings::KeptStatements);
    QCOMPARE(timings.snapshot(Point::Start).constFirst().id, QStringLiteral("0"));
    QCOMPARE(timings.snapshot(Point::Start).constLast().id, QStringLiteral("199"));
    QCOMPARE(timings.snapshot(Point::Backfill).size(), 250); // its own top 200, and the start's
    StageTimings read;
    QVERIFY(StageTimings::fromJson(timings.toJson(), &read));
    QCOMPARE(read, timings);
    QHash<QString, StageTimings::Statement> by;
    for (const StageTimings::Statement &s : read.statements(1000))
        by.insert(s.id, s);
    // Kept at both ends: matched by id, the phase's own mean.
    QCOMPARE(by.value(QStringLiteral("0")).backfill.ms, 0.0);
    QCOMPARE(by.value(QStringLiteral("199")).backfill.calls, qint64(100));
    // Left out at the start: no mean rather than the cumulative one taken for the phase's.
    QVERIFY(by.value(QStringLiteral("249")).enforce.known());
    QVERIFY(!by.value(QStringLiteral("249")).backfill.known());
    QVERIFY(!by.value(QStringLiteral("249")).before.known());
}

void TestStageTimings::slowedStatementStopsBeforeEnforce_data()
{
    QTest::addColumn<QString>("server");
    for (const char *name : {"postgresql", "mariadb"})
        if (TestServers::wanted(QLatin1String(name)))
            QTest::newRow(name) << QString::fromLatin1(name);
}

void TestStageTimings::slowedStatementStopsBeforeEnforce()
{
    QFETCH(QString, server);
    std::unique_ptr<TestServer> own = TestServers::make(server);
    QVERIFY(own);
    const bool postgres = server == QLatin1String("postgresql");
    if (postgres)
        static_cast<PostgresTestServer *>(own.get())->setStatementStatistics(true);
    else
        static_cast<MariaDbTestServer *>(own.get())->setStatementDigests(true);
    STAGECRAFT_REQUIRE_STARTED(*own);
    const ConnectionProfile profile = own->profile();
    const int rows = 20000;
    // The application's UPDATE calls slow_down(), which sleeps 10 ms while app_flag says so.
    QStringList setup{QStringLiteral("CREATE TABLE orders (id bigint PRIMARY KEY, v int NOT NULL)"),
                      QStringLiteral("CREATE TABLE app_flag (slow int NOT NULL)"), QStringLiteral("INSERT INTO app_flag VALUES (0)")};
    if (postgres) {
        setup.prepend(QStringLiteral("CREATE EXTENSION pg_stat_statements"));
        setup << QStringLiteral("INSERT INTO orders (id, v) SELECT g, g % 100 FROM generate_series(1, %1) g").arg(rows)
              << QStringLiteral("CREATE FUNCTION slow_down() RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$ BEGIN "
                                "IF (SELECT slow FROM app_flag) = 1 THEN PERFORM pg_sleep(0.01); END IF; RETURN true; END $$");
    } else {
        setup << QStringLiteral("INSERT INTO orders (id, v) SELECT seq, seq % 100 FROM seq_1_to_%1").arg(rows)
              << QStringLiteral("CREATE FUNCTION slow_down() RETURNS int NOT DETERMINISTIC READS SQL DATA "
                                "RETURN IF((SELECT slow FROM app_flag) = 1, SLEEP(0.01) + 1, 1)");
    }
    QString why;
    QVERIFY2(TestServers::execute(profile, setup, &why), qPrintable(why));
    RunSettings settings;
    settings.maxSlowdownFactor = 2;
    Plan plan;
    const QByteArray spec = QStringLiteral(R"j({"table": "%1orders", "column": {"name": "doubled", "type": "bigint", "backfill": "v * 2",
                                              "check": "doubled >= 0", "index": true}})j")
                                .arg(postgres ? QStringLiteral("public.") : QString())
                                .toUtf8();
    QVERIFY2(planSpec(profile, spec, settings, &plan, &why), qPrintable(why));
    const auto firstOf = [&plan](Stage stage) {
        for (int i = 0; i < plan.steps.size(); ++i)
            if (plan.steps.at(i).stage == stage)
                return i;
        return -1;
    };
    const int backfillStep = firstOf(Stage::Backfill);
    const int enforceStep = firstOf(Stage::Enforce);
    QVERIFY(backfillStep >= 0 && enforceStep > backfillStep && firstOf(Stage::Index) > enforceStep);

    LiveWriter writer(profile, QStringLiteral("INSERT INTO orders (id, v) VALUES (%1, 7)"),
                      QStringLiteral("UPDATE orders SET v = v + 1 WHERE id = %1 AND %2").arg(QStringLiteral("%1"), postgres ? QStringLiteral("slow_down()")
                                                                                                                      : QStringLiteral("slow_down() = 1")),
                      rows, rows + 1, 200);
    writer.start();
    QVERIFY(writer.waitForWrites(60, 20000)); // before the run: over 20 calls of each
    DatabaseConnection control(profile);
    ConnectionError error;
    QVERIFY2(control.open(&error), qPrintable(error.text()));
    QSqlQuery flag(control.database());
    // The runner runs on this thread: its signals come in the middle of the run. The backfill waits
    // for slowed writes first, the enforce stage for fast ones, so each phase has its calls.
    const auto follow = [&](Runner &runner) {
        connect(&runner, &Runner::stepStarted, this, [&](int step, const QString &) {
            if (step == backfillStep) {
                QVERIFY(flag.exec(QStringLiteral("UPDATE app_flag SET slow = 1")));
                QVERIFY(writer.waitForWrites(60, 20000));
            } else if (step == enforceStep) {
                QVERIFY(writer.waitForWrites(60, 20000));
            }
        });
        connect(&runner, &Runner::stepFinished, this, [&](int step, double) {
            if (step == backfillStep)
                QVERIFY(flag.exec(QStringLiteral("UPDATE app_flag SET slow = 0")));
        });
    };

    // Passing deploy gates (a pipeline) does not pass the slowdown gate.
    Runner first(profile);
    first.setPassGates(true);
    follow(first);
    std::optional<RunOutcome> outcome;
    QString summary, runId, gate, gateWhy;
    int gateStep = -1;
    connect(&first, &Runner::runStarted, this, [&](const QString &id, int) { runId = id; });
    connect(&first, &Runner::gateReached, this, [&](int step, const QString &id, const QString &w) { gateStep = step; gate = id; gateWhy = w; });
    connect(&first, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    first.run(plan);
    QVERIFY2(outcome == RunOutcome::WaitingAtGate, qPrintable(summary));
    QCOMPARE(gateStep, enforceStep);
    QCOMPARE(gate, QStringLiteral("slowdown"));
    QVERIFY2(gateWhy.contains(QLatin1String("UPDATE")) && gateWhy.contains(QLatin1String("slow_down"))
                 && gateWhy.contains(QLatin1String("during the backfill")) && gateWhy.contains(QLatin1String("more than the 2x allowed")),
             qPrintable(gateWhy));
    QVERIFY2(summary.contains(QLatin1String("before the run (since the statistics were last reset) -> during the backfill:")), qPrintable(summary));
    // Nothing of the enforce stage, or after it, is applied.
    for (int i = enforceStep; i < plan.steps.size(); ++i) {
        if (plan.steps.at(i).appliedSql.isEmpty())
            continue;
        QSqlQuery applied(control.database());
        QVERIFY2(applied.exec(plan.steps.at(i).appliedSql) && applied.next(), qPrintable(applied.lastError().text()));
        QVERIFY2(!applied.value(0).toBool(), qPrintable(QStringLiteral("step %1 is in place").arg(i + 1)));
    }

    // The resume passes the gate and finishes; the earlier snapshots are kept.
    Runner second(profile);
    second.setPassGates(true);
    follow(second);
    outcome.reset();
    connect(&second, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    second.resumeRun(runId);
    writer.stop();
    QVERIFY2(outcome == RunOutcome::Done, qPrintable(summary));
    QVERIFY2(summary.contains(QLatin1String("\n") + header3 + QLatin1String("\n")), qPrintable(summary));
    QCOMPARE(writer.result().errors, 0);

    Journal journal(control);
    QList<Journal::RunRecord> runs;
    QVERIFY2(journal.history(&runs, &error), qPrintable(error.text()));
    QVERIFY(!runs.isEmpty() && runs.first().runId == runId);
    const StageTimings &timings = runs.first().timings;
    for (Point p : {Point::Start, Point::Backfill, Point::Resumed, Point::Index})
        QVERIFY(timings.has(p));
    // What the summary shows is what History shows.
    for (const QString &line : timings.lines())
        QVERIFY2(summary.contains(line), qPrintable(line));
    QVERIFY(RunHistory::report(runs.first()).contains(QLatin1String("### Query performance between stages")));
    bool found = false;
    for (const StageTimings::Statement &s : timings.statements()) {
        if (!s.text.contains(QLatin1String("slow_down")))
            continue;
        found = true;
        QVERIFY2(s.before.known() && s.backfill.known() && s.enforce.known(),
                 qPrintable(QStringLiteral("%1 / %2 / %3").arg(StageTimings::meanText(s.before), StageTimings::meanText(s.backfill),
                                                               StageTimings::meanText(s.enforce))));
        qInfo("%s: %s -> %s -> %s", qPrintable(server), qPrintable(StageTimings::meanText(s.before)), qPrintable(StageTimings::meanText(s.backfill)),
              qPrintable(StageTimings::meanText(s.enforce)));
        QVERIFY(s.backfill.ms > 2 * s.before.ms);
        QVERIFY(s.backfill.ms > 2 * s.enforce.ms);
    }
    QVERIFY2(found, qPrintable(summary));
}

void TestStageTimings::serverWithoutStatistics_data()
{
    QTest::addColumn<QString>("server");
    QTest::addColumn<QString>("why");
    if (TestServers::wanted(QStringLiteral("postgresql")))
        QTest::newRow("postgresql") << "postgresql"
                                    << "The server does not time statements: add pg_stat_statements to shared_preload_libraries (then "
                                       "restart it) and run CREATE EXTENSION pg_stat_statements in the database postgres.";
    if (TestServers::wanted(QStringLiteral("mariadb")))
        QTest::newRow("mariadb") << "mariadb" << "The server does not time statements: start it with performance_schema = ON.";
}

// The shared servers keep no statement statistics: the summary says how to turn them on, once, and
// the slowdown gate does not stop the run.
void TestStageTimings::serverWithoutStatistics()
{
    QFETCH(QString, server);
    QFETCH(QString, why);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(server, profile);
    QString error;
    QVERIFY2(TestServers::execute(profile, {QStringLiteral("DROP TABLE IF EXISTS untimed"), QStringLiteral("CREATE TABLE untimed (id int PRIMARY KEY, v int)"),
                                            QStringLiteral("INSERT INTO untimed VALUES (1, 1), (2, 2)")},
                                  &error),
             qPrintable(error));
    RunSettings settings;
    settings.maxSlowdownFactor = 2;
    Plan plan;
    const QByteArray spec = QStringLiteral(R"j({"table": "%1untimed", "column": {"name": "doubled", "type": "bigint", "backfill": "v * 2",
                                              "check": "doubled >= 0"}})j")
                                .arg(profile.engine == Engine::PostgreSQL ? QStringLiteral("public.") : QString())
                                .toUtf8();
    QVERIFY2(planSpec(profile, spec, settings, &plan, &error), qPrintable(error));
    Runner runner(profile);
    runner.setPassGates(true);
    std::optional<RunOutcome> outcome;
    QString summary;
    QStringList notes;
    connect(&runner, &Runner::noted, this, [&](int, const QString &n) { notes << n; });
    connect(&runner, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    runner.run(plan);
    QVERIFY2(outcome == RunOutcome::Done, qPrintable(summary));
    const QString line = QStringLiteral("Query performance between stages was not measured. ") + why;
    QCOMPARE(summary.count(line), 1);
    QCOMPARE(summary.count(QLatin1String("Query performance")), 1);
    QVERIFY2(notes.contains(QStringLiteral("the slowdown gate cannot judge the application's statements: ") + why), qPrintable(notes.join(u'\n')));
    QVERIFY(TestServers::execute(profile, {QStringLiteral("DROP TABLE untimed")}, &error));
}

QTEST_GUILESS_MAIN(TestStageTimings)
#include "teststagetimings.moc"
