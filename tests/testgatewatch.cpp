// The deploy gate's probe: its counts in words (pure), and a GateWatch polling a real PostgreSQL
// while a run waits at the gate before the contract stage and a writer that does not know the new
// column inserts a row (the sync fills it), then one that sets it (the application writes it).

#include "connection/databaseconnection.h"
#include "plan/planner.h"
#include "plan/specvalidator.h"
#include "run/gatewatch.h"
#include "run/runner.h"
#include "testservers.h"

#include <QLocale>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QThread>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

class TestGateWatch : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanupTestCase() { TestServers::stopAll(); }
    void describe_data();
    void describe();
    void countsMoveOnPostgres();
};

static GateReading reading(qint64 filled, qint64 written, double seconds, bool syncCounted = true)
{
    GateReading r;
    r.filled = filled;
    r.written = written;
    r.seconds = seconds;
    r.syncCounted = syncCounted;
    return r;
}

void TestGateWatch::describe_data()
{
    QTest::addColumn<GateReading>("reading");
    QTest::addColumn<QString>("text");
    const QLocale l;
    QTest::newRow("first probe") << reading(3, 10, 0) << "Counting the writes to orders; the next probe compares.";
    QTest::newRow("still filled") << reading(12, 340, 30)
                                  << "The sync filled 12 of the last 340 rows written (last 30 s): a writer still leaves total_eur out.";
    QTest::newRow("writes itself") << reading(0, 1200, 29.6)
                                   << QStringLiteral("The application now writes total_eur itself: the sync filled none of the last %1 writes (last 30 s).")
                                          .arg(l.toString(1200));
    QTest::newRow("no writes") << reading(0, 0, 30)
                               << "No row written to orders in the last 30 s: nothing yet tells whether the application writes total_eur itself.";
    QTest::newRow("cannot tell fills")
        << reading(-1, 340, 30)
        << "This server cannot tell cheaply how often the sync still fills total_eur (PostgreSQL: set track_functions = 'pl'). "
           "340 rows written to orders in the last 30 s.";
    QTest::newRow("after expand") << reading(-1, 340, 30, false) << "340 rows written to orders in the last 30 s.";
}

void TestGateWatch::describe()
{
    QFETCH(GateReading, reading);
    QFETCH(QString, text);
    QCOMPARE(reading.describe(Engine::PostgreSQL, QStringLiteral("total_eur"), QStringLiteral("orders")), text);
}

static qlonglong scalar(QSqlDatabase db, const QString &sql)
{
    QSqlQuery q(db);
    return q.exec(sql) && q.next() ? q.value(0).toLongLong() : -1;
}

void TestGateWatch::countsMoveOnPostgres()
{
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("postgresql"), profile);
    QString why;
    // Every new session of the database counts PL/pgSQL calls: the sync's fills become countable.
    QVERIFY2(TestServers::execute(profile, {QStringLiteral("ALTER DATABASE %1 SET track_functions = 'pl'").arg(profile.database),
                                            QStringLiteral("CREATE TABLE gated (id bigint PRIMARY KEY, total int NOT NULL)"),
                                            QStringLiteral("INSERT INTO gated SELECT g, g * 7 FROM generate_series(1, 500) g")},
                                  &why),
             qPrintable(why));
    const auto reset = qScopeGuard([&] {
        QString ignored;
        static_cast<void>(TestServers::execute(profile, {QStringLiteral("ALTER DATABASE %1 RESET track_functions").arg(profile.database)}, &ignored));
    });
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY2(connection.open(&error), qPrintable(error.text()));
    ColumnSpec spec;
    QList<SpecProblem> problems;
    PlannerInput input;
    QVERIFY(ColumnSpec::fromJson(R"j({"table": "public.gated", "column": {"name": "doubled", "type": "bigint", "backfill": "total * 2"}})j", &spec,
                                 &problems));
    QVERIFY2(SpecValidator(connection).validate(spec, &input, &problems), qPrintable(problems.isEmpty() ? QString() : problems.first().message));
    const Plan plan = Planner::plan(input);
    QVERIFY2(plan.sync.enabled, qPrintable(plan.sync.reason));
    int gateStep = -1;
    for (int i = 0; i < plan.steps.size(); ++i)
        if (plan.steps.at(i).gate == QLatin1String("before-contract"))
            gateStep = i;
    QVERIFY(gateStep > 0);
    QVERIFY(!plan.steps.at(gateStep).gateProbeSql.isEmpty());

    // Up to the gate: the sync's triggers are in place.
    qRegisterMetaType<RunOutcome>();
    Runner runner(profile);
    QSignalSpy finished(&runner, &Runner::runFinished);
    runner.run(plan);
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.first().first().value<RunOutcome>(), RunOutcome::WaitingAtGate);

    qRegisterMetaType<GateReading>();
    QThread thread;
    auto *watch = new GateWatch(profile, plan.steps.at(gateStep), 200, 1500);
    watch->moveToThread(&thread);
    connect(&thread, &QThread::started, watch, &GateWatch::start);
    connect(&thread, &QThread::finished, watch, &QObject::deleteLater);
    GateReading last;
    int readings = 0;
    QObject receiver; // goes before the counts it writes: a reading still queued is dropped with it
    connect(watch, &GateWatch::probed, &receiver, [&](const GateReading &r) {
        last = r;
        ++readings;
    });
    QSignalSpy failed(watch, &GateWatch::failed);
    thread.start();
    const auto stop = qScopeGuard([&] {
        thread.quit();
        thread.wait();
    });
    QTRY_VERIFY_WITH_TIMEOUT(readings >= 2, 10000);
    QVERIFY2(failed.isEmpty(), qPrintable(failed.isEmpty() ? QString() : failed.first().first().toString()));
    QVERIFY(last.syncCounted);
    QCOMPARE(last.filled, qint64(0)); // tracked, and nothing written since the gate

    // A writer that does not know the column: the sync fills it, and the probe sees it.
    DatabaseConnection writer(profile);
    QVERIFY2(writer.open(&error), qPrintable(error.text()));
    QSqlQuery w(writer.database());
    QVERIFY2(w.exec(QStringLiteral("INSERT INTO gated (id, total) VALUES (10001, 5)")), qPrintable(w.lastError().text()));
    QCOMPARE(scalar(writer.database(), QStringLiteral("SELECT doubled FROM gated WHERE id = 10001")), 10);
    // Statistics reach the shared counters when a session goes idle, at most once a second: ask
    // for the next report to flush (PostgreSQL 15 and later), otherwise wait for it.
    const bool forced = w.exec(QStringLiteral("SELECT pg_stat_force_next_flush()"));
    if (!forced)
        QTest::qWait(1200);
    QTRY_VERIFY2_WITH_TIMEOUT(last.filled >= 1 && last.written >= 1, qPrintable(last.describe(Engine::PostgreSQL, QStringLiteral("doubled"), QStringLiteral("gated"))),
                              15000);
    QVERIFY(last.describe(Engine::PostgreSQL, QStringLiteral("doubled"), QStringLiteral("gated")).startsWith(QLatin1String("The sync filled 1 of the last")));

    // The deployed application sets the column itself: written moves, filled does not. Once the
    // insert without it has left the window (1.5 s), the card says the application writes it.
    QTest::qWait(1700);
    QVERIFY(w.exec(QStringLiteral("INSERT INTO gated (id, total, doubled) VALUES (10002, 5, 10)")));
    static_cast<void>(w.exec(QStringLiteral("SELECT pg_stat_force_next_flush()")));
    QTRY_VERIFY2_WITH_TIMEOUT(last.filled == 0 && last.written >= 1,
                              qPrintable(last.describe(Engine::PostgreSQL, QStringLiteral("doubled"), QStringLiteral("gated"))), 15000);
    QVERIFY(last.describe(Engine::PostgreSQL, QStringLiteral("doubled"), QStringLiteral("gated"))
                .startsWith(QLatin1String("The application now writes doubled itself: the sync filled none of the last")));
}

QTEST_GUILESS_MAIN(TestGateWatch)
#include "testgatewatch.moc"
