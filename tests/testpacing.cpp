// Pacing the backfill on the live workload, against real servers: the monitor connection sees the
// sessions waiting for the runner's row locks (and those queued behind them) and how long they
// waited; a run whose batches make writers wait longer than the target shrinks them at once, and a
// run on a quiet table keeps its big batches.

#include "connection/databaseconnection.h"
#include "run/journal.h"
#include "run/loadmonitor.h"
#include "run/runner.h"
#include "livewriter.h"
#include "replicapair.h"
#include "specplan.h"
#include "testservers.h"
#include "threadedsession.h"

#include <QScopeGuard>
#include <QSqlDatabase>
#include <QThread>
#include <QTest>

#include <algorithm>
#include <optional>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

class TestPacing : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<BackfillProgress>(); }
    void cleanupTestCase() { TestServers::stopAll(); }
    void monitorSeesWaiters_data();
    void monitorSeesWaiters();
    void batchesShrinkWhileWritersWait_data();
    void batchesShrinkWhileWritersWait();
    void runWaitsForAPausedReplica_data();
    void runWaitsForAPausedReplica();
};

namespace {

void servers()
{
    QTest::addColumn<QString>("server");
    for (const char *name : {"postgresql", "mariadb", "mysql"})
        if (TestServers::wanted(QLatin1String(name)))
            QTest::newRow(name) << QString::fromLatin1(name);
}

QString begin(Engine engine)
{
    return engine == Engine::PostgreSQL ? QStringLiteral("BEGIN") : QStringLiteral("START TRANSACTION");
}

// A table of rows with a key and a value the backfill reads.
QStringList tableSql(const QString &table, int rows, Engine engine)
{
    QStringList sql{QStringLiteral("DROP TABLE IF EXISTS %1").arg(table),
                    QStringLiteral("CREATE TABLE %1 (id bigint PRIMARY KEY, v int NOT NULL)").arg(table)};
    switch (engine) {
    case Engine::PostgreSQL:
        return sql << QStringLiteral("INSERT INTO %1 (id, v) SELECT g, g % 100 FROM generate_series(1, %2) g").arg(table).arg(rows);
    case Engine::MariaDB:
        // The Sequence engine: one statement a replica replays alike (a session's recursion limit is not replicated).
        return sql << QStringLiteral("INSERT INTO %1 (id, v) SELECT seq, seq % 100 FROM seq_1_to_%2").arg(table).arg(rows);
    case Engine::MySQL: sql << QStringLiteral("SET SESSION cte_max_recursion_depth = 10000000"); break;
    case Engine::SQLite: break;
    }
    return sql << QStringLiteral("INSERT INTO %1 (id, v) WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < %2) "
                                 "SELECT n, MOD(n, 100) FROM g").arg(table).arg(rows);
}

} // namespace

void TestPacing::monitorSeesWaiters_data()
{
    servers();
}

// A session holds a row; two more wait for it (the second behind the first). The monitor, told the
// holder's session, sees both waiting and how long; once the holder commits, nobody.
void TestPacing::monitorSeesWaiters()
{
    QFETCH(QString, server);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(server, profile);
    QString why;
    QVERIFY2(TestServers::execute(profile, tableSql(QStringLiteral("pacing_hold"), 10, profile.engine), &why), qPrintable(why));
    ThreadedSession holder(profile, {});
    ThreadedSession first(profile, {});
    ThreadedSession second(profile, {});
    QVERIFY2(holder.waitReady(&why) && first.waitReady(&why) && second.waitReady(&why), qPrintable(why));
    holder.run({begin(profile.engine), QStringLiteral("UPDATE pacing_hold SET v = v + 1 WHERE id = 1")});
    QVERIFY(holder.waitIdle(10000));
    QVERIFY2(holder.takeErrors().isEmpty(), "the holder's update failed");

    LoadMonitor monitor(profile, RunSettings{}, holder.connectionId());
    QVERIFY2(monitor.begin(&why), qPrintable(why));
    QTest::qWait(300);
    LoadMonitor::Waits waits = monitor.takeWaits();
    QCOMPARE(waits.most, 0);
    QCOMPARE(waits.longestMs, 0.0);

    first.run({QStringLiteral("UPDATE pacing_hold SET v = v + 10 WHERE id = 1")});
    QTest::qWait(100);
    second.run({QStringLiteral("UPDATE pacing_hold SET v = v + 100 WHERE id = 1")});
    QTest::qWait(400);
    waits = monitor.takeWaits();
    QVERIFY2(waits.most == 2, qPrintable(QStringLiteral("%1 waiting").arg(waits.most)));
    // The first waited about half a second when it was read; 10 ms polls, a loaded machine.
    QVERIFY2(waits.longestMs >= 450 && waits.longestMs < 5000, qPrintable(QString::number(waits.longestMs)));
    // Sessions not held by this one are not counted: a monitor for another session sees nobody
    // (MySQL without performance_schema, as the test server runs, names no blocker: it counts every
    // other session's wait, here the first writer's).
    LoadMonitor other(profile, RunSettings{}, second.connectionId());
    QVERIFY2(other.begin(&why), qPrintable(why));
    QTest::qWait(300);
    QCOMPARE(other.takeWaits().most, other.namesBlockers() ? 0 : 1);
    // One reader at a time: InnoDB's cache of its lock views refreshes only after 0.1 s unread.
    other.end();

    holder.run({QStringLiteral("COMMIT")});
    QVERIFY(first.waitIdle(10000));
    QVERIFY(second.waitIdle(10000));
    QVERIFY(first.takeErrors().isEmpty());
    QVERIFY(second.takeErrors().isEmpty());
    static_cast<void>(monitor.takeWaits());
    QTest::qWait(300);
    waits = monitor.takeWaits();
    QCOMPARE(waits.most, 0);
    monitor.end();
    QVERIFY(TestServers::execute(profile, {QStringLiteral("DROP TABLE pacing_hold")}, &why));
}

void TestPacing::batchesShrinkWhileWritersWait_data()
{
    servers();
}

// The same backfill twice: on a quiet table the batches grow to the batch time; while an
// application updates random rows, a batch that made a writer wait longer than the target is
// followed by one at most half its size, and the writer never fails.
void TestPacing::batchesShrinkWhileWritersWait()
{
    QFETCH(QString, server);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(server, profile);
    const int rows = 100000;
    RunSettings settings;
    settings.maxWriterWaitMs = 20;
    QString why;
    struct Seen
    {
        QList<BackfillProgress> progress;
        LiveWriter::Result writes;
    };
    const auto backfill = [&](const QString &table, int writesPerSecond, Seen *seen) {
        QVERIFY2(TestServers::execute(profile, tableSql(table, rows, profile.engine), &why), qPrintable(why));
        Plan plan;
        const QByteArray spec = QStringLiteral(R"j({"table": "%1", "column": {"name": "doubled", "type": "bigint", "backfill": "v * 2"}})j")
                                    .arg(profile.engine == Engine::PostgreSQL ? QStringLiteral("public.") + table : table)
                                    .toUtf8();
        QVERIFY2(planSpec(profile, spec, settings, &plan, &why), qPrintable(why));
        std::unique_ptr<LiveWriter> writer;
        if (writesPerSecond > 0) {
            writer = std::make_unique<LiveWriter>(profile, QStringLiteral("INSERT INTO %1 (id, v) VALUES (%2, 7)").arg(table, QStringLiteral("%1")),
                                                  QStringLiteral("UPDATE %1 SET v = v + 1 WHERE id = %2").arg(table, QStringLiteral("%1")), rows,
                                                  rows + 1, writesPerSecond);
            writer->start();
            QVERIFY(writer->waitForWrites(50, 20000));
        }
        Runner runner(profile);
        runner.setPassGates(true);
        RunOutcome outcome = RunOutcome::Failed;
        QString summary;
        connect(&runner, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
        connect(&runner, &Runner::backfillProgressed, this, [&](const BackfillProgress &p) { seen->progress << p; });
        runner.run(plan);
        if (writer) {
            writer->stop();
            seen->writes = writer->result();
        }
        QVERIFY2(outcome == RunOutcome::Done, qPrintable(summary));
        QVERIFY(TestServers::execute(profile, {QStringLiteral("DROP TABLE %1").arg(table)}, &why));
    };

    Seen quiet;
    backfill(QStringLiteral("pacing_quiet"), 0, &quiet);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(!quiet.progress.isEmpty());
    int quietLargest = 0;
    for (const BackfillProgress &p : std::as_const(quiet.progress)) {
        QVERIFY2(p.longestWaitMs >= 0, "the monitor did not watch the quiet run");
        QVERIFY2(p.longestWaitMs <= settings.maxWriterWaitMs, qPrintable(QStringLiteral("a wait of %1 ms on a quiet table").arg(p.longestWaitMs)));
        quietLargest = std::max(quietLargest, p.batchSize);
    }

    Seen busy;
    backfill(QStringLiteral("pacing_busy"), 400, &busy);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(busy.writes.errors, 0);
    int shrinks = 0;
    int size = settings.firstBatchRows;
    QList<int> sizes;
    for (const BackfillProgress &p : std::as_const(busy.progress)) {
        if (p.longestWaitMs > settings.maxWriterWaitMs) {
            ++shrinks;
            QVERIFY2(p.batchSize <= std::max(settings.minBatchRows, size / 2 + 1),
                     qPrintable(QStringLiteral("a writer waited %1 ms behind a batch of %2 rows, and the next takes %3")
                                    .arg(p.longestWaitMs).arg(size).arg(p.batchSize)));
        }
        size = p.batchSize;
        sizes << size;
    }
    std::sort(sizes.begin(), sizes.end());
    const int median = sizes.at(sizes.size() / 2);
    qInfo("%s: quiet run up to %d rows a batch in %lld batches; busy run: %d shrinks after waits, median %d rows in %lld batches, "
          "%lld writes, p99 %.1f ms",
          qPrintable(server), quietLargest, qint64(quiet.progress.size()), shrinks, median, qint64(busy.progress.size()),
          busy.writes.writes(), [&] {
              QList<double> l = busy.writes.latenciesMs;
              std::sort(l.begin(), l.end());
              return l.isEmpty() ? 0.0 : l.at(int(l.size() * 0.99));
          }());
    QVERIFY2(shrinks > 0, "no writer ever waited longer than the target behind a batch");
    QVERIFY2(median < quietLargest, qPrintable(QStringLiteral("busy median %1, quiet largest %2").arg(median).arg(quietLargest)));
}

void TestPacing::runWaitsForAPausedReplica_data()
{
    QTest::addColumn<int>("engine");
    if (TestServers::wanted(QStringLiteral("postgresql")))
        QTest::newRow("postgresql") << int(Engine::PostgreSQL);
    if (TestServers::wanted(QStringLiteral("mariadb")))
        QTest::newRow("mariadb") << int(Engine::MariaDB);
}

// A primary and a real replica whose replay is paused: the run waits between batches and says which
// replica it waits for and how far behind it is; once replay resumes, it goes on and finishes, and
// the summary says how long it waited.
void TestPacing::runWaitsForAPausedReplica()
{
    QFETCH(int, engine);
    ReplicaPair pair{Engine(engine)};
    QString why;
    STAGECRAFT_REQUIRE(pair.start(&why), Engine(engine) == Engine::PostgreSQL ? QStringLiteral("postgresql") : QStringLiteral("mariadb"), why);
    const ConnectionProfile profile = pair.primaryProfile();
    const QString replica = Engine(engine) == Engine::PostgreSQL ? ReplicaPair::applicationName() + QStringLiteral(" (127.0.0.1)")
                                                                 : QStringLiteral("127.0.0.1:%1").arg(pair.replica()->port());
    QVERIFY2(TestServers::execute(profile, tableSql(QStringLiteral("lagging"), 20000, Engine(engine)), &why), qPrintable(why));
    QVERIFY2(pair.waitCaughtUp(30000, &why), qPrintable(why));
    RunSettings settings; // replicas at most 1 s behind
    QCOMPARE(settings.maxReplicaLagMs, 1000);
    Plan plan;
    const QByteArray spec = QStringLiteral(R"j({"table": "%1lagging", "column": {"name": "doubled", "type": "bigint", "backfill": "v * 2"}})j")
                                .arg(Engine(engine) == Engine::PostgreSQL ? QStringLiteral("public.") : QString())
                                .toUtf8();
    QVERIFY2(planSpec(profile, spec, settings, &plan, &why), qPrintable(why));

    // Replay paused while the primary writes: the replica falls behind.
    QVERIFY2(pair.pauseReplay(&why), qPrintable(why));
    const auto resume = qScopeGuard([&pair] {
        QString ignored;
        static_cast<void>(pair.resumeReplay(&ignored));
    });
    QVERIFY2(TestServers::execute(profile, {QStringLiteral("UPDATE lagging SET v = v + 1 WHERE id <= 10")}, &why), qPrintable(why));
    QTest::qWait(1500);

    QThread thread;
    auto *runner = new Runner(profile);
    runner->setPassGates(true);
    runner->moveToThread(&thread);
    connect(&thread, &QThread::finished, runner, &QObject::deleteLater);
    thread.start();
    std::optional<RunOutcome> outcome;
    const auto stopThread = qScopeGuard([&thread, runner, &outcome] {
        if (!outcome)
            runner->cancel();
        thread.quit();
        thread.wait();
    });
    QString summary;
    QStringList notes;
    std::optional<BackfillProgress> waiting;
    qint64 rowsDone = 0;
    connect(runner, &Runner::noted, this, [&](int, const QString &m) { notes << m; });
    connect(runner, &Runner::backfillProgressed, this, [&](const BackfillProgress &p) {
        rowsDone = p.rowsDone;
        if (!p.throttle.isEmpty())
            waiting = p;
    });
    connect(runner, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    QMetaObject::invokeMethod(runner, "run", Qt::QueuedConnection, Q_ARG(Stagecraft::Plan, plan));

    QTRY_VERIFY_WITH_TIMEOUT(waiting.has_value() || outcome.has_value(), 30000);
    QVERIFY2(!outcome, qPrintable(QStringLiteral("the run ended without waiting: ") + summary));
    QVERIFY2(waiting->throttle.contains(replica) && waiting->throttle.contains(QLatin1String("behind")), qPrintable(waiting->throttle));
    QVERIFY2(waiting->laggingReplica == replica, qPrintable(waiting->laggingReplica));
    // Behind and not replaying: waited for whatever its lag (PostgreSQL's reader knows it from the
    // replica's reports, over 1 s; MariaDB's counts from when it first saw the primary ahead).
    QVERIFY2(waiting->replicaLagSeconds >= 0, qPrintable(QString::number(waiting->replicaLagSeconds)));
    QVERIFY2(std::any_of(notes.cbegin(), notes.cend(), [&](const QString &n) { return n.startsWith(QLatin1String("waiting between batches: replica ")); }),
             qPrintable(notes.join(QLatin1Char('\n'))));
    // It waits: no batch while replay stays paused.
    const qint64 rowsWhenWaiting = rowsDone;
    QTest::qWait(1500);
    QVERIFY(!outcome);
    QCOMPARE(rowsDone, rowsWhenWaiting);
    QVERIFY2(waiting->throttledSeconds >= 1.0, qPrintable(QString::number(waiting->throttledSeconds)));

    QVERIFY2(pair.resumeReplay(&why), qPrintable(why));
    QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 60000);
    QVERIFY2(*outcome == RunOutcome::Done, qPrintable(summary));
    QVERIFY2(std::any_of(notes.cbegin(), notes.cend(), [](const QString &n) { return n.startsWith(QLatin1String("the replicas caught up after ")); }),
             qPrintable(notes.join(QLatin1Char('\n'))));
    QVERIFY2(summary.contains(QLatin1String("between batches for replicas over 1 s behind or not replaying (") + replica), qPrintable(summary));
    // Journaled with the run: the backfill's series, its wait for the replica and the lag seen.
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY2(connection.open(&error), qPrintable(error.text()));
    Journal journal(connection);
    QList<Journal::RunRecord> runs;
    QVERIFY2(journal.history(&runs, &error), qPrintable(error.text()));
    QVERIFY(!runs.isEmpty());
    bool journaled = false;
    for (const Journal::StepRecord &step : std::as_const(runs.first().steps)) {
        if (step.pacing.isEmpty())
            continue;
        const BackfillSeries::Figures f = step.pacing.figures();
        QVERIFY2(f.throttledSeconds >= 1.0, qPrintable(QString::number(f.throttledSeconds)));
        QCOMPARE(f.laggingReplica, replica);
        QVERIFY(std::any_of(step.pacing.points().cbegin(), step.pacing.points().cend(), [](const BackfillSeries::Point &p) { return p.throttled; }));
        journaled = true;
    }
    QVERIFY2(journaled, "no backfill series in the journal");
    QVERIFY2(pair.waitCaughtUp(30000, &why), qPrintable(why));
}

QTEST_GUILESS_MAIN(TestPacing)
#include "testpacing.moc"
