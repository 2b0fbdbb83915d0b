// The pacing of a backfill (Pacer): each batch's size from the last one's time and the waits it
// caused the live workload. Pure arithmetic: batches are described, not run.

#include "run/pacer.h"

#include <QTest>

#include <cmath>

using namespace Stagecraft;

Q_DECLARE_METATYPE(Stagecraft::RunSettings)
Q_DECLARE_METATYPE(QList<Stagecraft::Pacer::Batch>)

class TestPacer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void nextBatch_data();
    void nextBatch();
    void growsBackSlowly();
    void shrinksToTheFloorAndNoFurther();
};

namespace {

RunSettings settings(int maxWaitMs, double latencyFactor = 0)
{
    RunSettings s;
    s.maxWriterWaitMs = maxWaitMs;
    s.maxLatencyFactor = latencyFactor;
    return s; // 200 ms batches of 100-50,000 rows, 1,000 first
}

} // namespace

void TestPacer::nextBatch_data()
{
    QTest::addColumn<RunSettings>("settings");
    QTest::addColumn<QList<Pacer::Batch>>("batches");
    QTest::addColumn<int>("rows"); // the size after the last batch
    QTest::addColumn<double>("allowedMs");
    QTest::addColumn<bool>("shrank");

    // Nobody waits: toward the 200 ms target, at most doubling.
    QTest::newRow("quiet-doubles") << settings(20) << QList<Pacer::Batch>{{1000, 10, 0, 0}} << 2000 << 200.0 << false;
    QTest::newRow("quiet-toward-target") << settings(20) << QList<Pacer::Batch>{{20000, 150, 0, 0}} << 26666 << 200.0 << false;
    QTest::newRow("quiet-halves-at-most") << settings(20) << QList<Pacer::Batch>{{20000, 1000, 0, 0}} << 10000 << 200.0 << false;
    // A wait under the target is no reason to shrink.
    QTest::newRow("wait-under-target") << settings(20) << QList<Pacer::Batch>{{20000, 150, 15, 0}} << 26666 << 200.0 << false;
    // A writer waited 120 ms behind a 150 ms batch: at once to the 20 ms allowed, further than halving.
    QTest::newRow("wait-over-target") << settings(20) << QList<Pacer::Batch>{{20000, 150, 120, 0}} << 2666 << 20.0 << true;
    // Again at 20 ms: halved.
    QTest::newRow("wait-again") << settings(20) << QList<Pacer::Batch>{{20000, 150, 120, 0}, {2666, 20, 25, 0}} << 1333 << 10.0 << true;
    // Then a quiet 10 ms batch grows the time allowed by a quarter per second of work: barely.
    QTest::newRow("quiet-after-wait") << settings(20) << QList<Pacer::Batch>{{20000, 150, 120, 0}, {2666, 20, 25, 0}, {1333, 10, 0, 0}}
                                      << 1335 << 10.0 * std::pow(1.25, 0.01) << false;
    // Not watched (0): any wait is ignored, the batch follows its time alone.
    QTest::newRow("not-watched") << settings(0) << QList<Pacer::Batch>{{20000, 150, 500, 0}} << 26666 << 200.0 << false;
    // The application's statements 3x slower with a limit of 2x: shrink by half.
    QTest::newRow("latency-over") << settings(20, 2) << QList<Pacer::Batch>{{20000, 150, 0, 3}} << 10000 << 75.0 << true;
    QTest::newRow("latency-under") << settings(20, 2) << QList<Pacer::Batch>{{20000, 150, 0, 1.5}} << 26666 << 200.0 << false;
    QTest::newRow("latency-not-watched") << settings(20, 0) << QList<Pacer::Batch>{{20000, 150, 0, 9}} << 26666 << 200.0 << false;
    // Within the batch bounds.
    QTest::newRow("at-most-max") << settings(20) << QList<Pacer::Batch>{{40000, 50, 0, 0}} << 50000 << 200.0 << false;
    QTest::newRow("at-least-min") << settings(20) << QList<Pacer::Batch>{{150, 400, 300, 0}} << 100 << 20.0 << true;
}

void TestPacer::nextBatch()
{
    QFETCH(RunSettings, settings);
    QFETCH(QList<Pacer::Batch>, batches);
    QFETCH(int, rows);
    QFETCH(double, allowedMs);
    QFETCH(bool, shrank);
    Pacer pacer(settings);
    QCOMPARE(pacer.firstBatch(), 1000);
    int next = 0;
    for (const Pacer::Batch &b : batches)
        next = pacer.next(b);
    QCOMPARE(next, rows);
    QVERIFY2(qAbs(pacer.allowedMs() - allowedMs) < 1e-6, qPrintable(QString::number(pacer.allowedMs())));
    QCOMPARE(pacer.shrank(), shrank);
}

// After a wait, quiet batches take the time allowed from 20 ms back to the 200 ms target in about
// ten seconds of work (1.25 per second: ln 10 / ln 1.25 = 10.3 s), not in a few batches.
void TestPacer::growsBackSlowly()
{
    Pacer pacer(settings(20));
    const double rowsPerMs = 100;
    int rows = pacer.next({20000, 150, 120, 0});
    QCOMPARE(pacer.allowedMs(), 20.0);
    double workedMs = 0;
    int batches = 0;
    while (pacer.allowedMs() < 200 && batches < 100000) {
        const double ms = rows / rowsPerMs;
        workedMs += ms;
        rows = pacer.next({rows, ms, 0, 0});
        ++batches;
    }
    QVERIFY2(workedMs > 9000 && workedMs < 12000, qPrintable(QStringLiteral("%1 ms in %2 batches").arg(workedMs).arg(batches)));
    // And the batches are back at the target's size.
    QVERIFY2(qAbs(rows - 200 * rowsPerMs) <= 200 * rowsPerMs * 0.02, qPrintable(QString::number(rows)));
}

void TestPacer::shrinksToTheFloorAndNoFurther()
{
    Pacer pacer(settings(20));
    int rows = 20000;
    for (int i = 0; i < 20; ++i)
        rows = pacer.next({rows, std::max(1.0, rows / 300.0), 50, 0});
    QCOMPARE(pacer.allowedMs(), Pacer::FloorMs);
    QCOMPARE(rows, 600); // 2 ms at 300 rows/ms
}

QTEST_GUILESS_MAIN(TestPacer)
#include "testpacer.moc"
