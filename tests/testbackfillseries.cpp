// The backfill's series (app/run/backfillseries), its chart (app/report/runchartpainter) and its
// record in the journal: rates per interval, downsampling that keeps the worst waits and lag, the
// JSON round trip, the panes drawn in a light and a dark palette, and the journal's pacing column on
// SQLite (also a journal made before it) and PostgreSQL.

#include "connection/databaseconnection.h"
#include "demo/demodatabase.h"
#include "report/runchartpainter.h"
#include "run/backfillseries.h"
#include "run/journal.h"
#include "specplan.h"
#include "testservers.h"

#include <QFile>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace Stagecraft;
using Stagecraft::Testing::TestServers;

namespace {

const QByteArray TotalEur = R"j({"table": "orders", "column": {"name": "total_eur", "type": "NUMERIC(12,2)", "backfill": "total_cents / 100.0"}})j";

BackfillProgress at(double seconds, qint64 rows, int batchSize, int writers = 0, double waitMs = 0, double lag = -1, QString throttle = {})
{
    BackfillProgress p;
    p.step = 2;
    p.seconds = seconds;
    p.rowsDone = rows;
    p.rowsPerSecond = seconds > 0 ? rows / seconds : 0;
    p.batchSize = batchSize;
    p.batches = int(rows / 100);
    p.writersWaiting = writers;
    p.longestWaitMs = waitMs;
    p.replicaLagSeconds = lag;
    p.laggingReplica = lag >= 0 ? QStringLiteral("standby1") : QString();
    p.throttle = throttle;
    return p;
}

QPalette lightPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0xef, 0xef, 0xef));
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::Text, Qt::black);
    p.setColor(QPalette::WindowText, Qt::black);
    return p;
}

QPalette darkPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    p.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    p.setColor(QPalette::Text, QColor(0xe0, 0xe0, 0xe0));
    p.setColor(QPalette::WindowText, QColor(0xe0, 0xe0, 0xe0));
    return p;
}

// Pixels of a colour close to c inside r.
int pixelsNear(const QImage &image, const QRectF &r, const QColor &c)
{
    int n = 0;
    const QRect inner = r.toAlignedRect().adjusted(1, 1, -1, -1) & image.rect();
    for (int y = inner.top(); y <= inner.bottom(); ++y) {
        for (int x = inner.left(); x <= inner.right(); ++x) {
            const QColor p = image.pixelColor(x, y);
            if (std::abs(p.red() - c.red()) + std::abs(p.green() - c.green()) + std::abs(p.blue() - c.blue()) < 40)
                ++n;
        }
    }
    return n;
}

// Pixels that are not the background inside r.
int inked(const QImage &image, const QRectF &r, const QColor &background)
{
    int n = 0;
    const QRect inner = r.toAlignedRect().adjusted(2, 2, -2, -2) & image.rect();
    for (int y = inner.top(); y <= inner.bottom(); ++y) {
        for (int x = inner.left(); x <= inner.right(); ++x) {
            if (image.pixelColor(x, y) != background)
                ++n;
        }
    }
    return n;
}

BackfillSeries sampleSeries(bool replica)
{
    BackfillSeries s;
    qint64 rows = 0;
    for (int i = 1; i <= 120; ++i) {
        rows += i < 60 ? 1000 : 400;
        const bool waiting = replica && i >= 80 && i < 90;
        s.add(at(i * 0.5, rows, i < 60 ? 1000 : 300, i % 7 == 0 ? 3 : 0, i % 7 == 0 ? 35 : 0, replica ? (waiting ? 1.6 : 0.2) : -1,
                 waiting ? QStringLiteral("replica standby1 is 1.6 s behind, over 1 s") : QString()));
    }
    return s;
}

} // namespace

class TestBackfillSeries : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void ratesAreOverEachInterval();
    void downsamplingKeepsTheWorst();
    void jsonRoundTrip();
    void figures();
    void painterDrawsThePanes_data();
    void painterDrawsThePanes();
    void journalRoundTrip_data();
    void journalRoundTrip();
    void olderJournalGetsThePacingColumn();
};

void TestBackfillSeries::ratesAreOverEachInterval()
{
    BackfillSeries s;
    s.add(at(1, 1000, 1000));
    s.add(at(2, 3000, 2000)); // 2000 rows in 1 s
    s.add(at(4, 3000, 2000, 0, 0, 2.5, QStringLiteral("replica standby1 is 2.5 s behind"))); // waited: no rows
    s.add(at(4.5, 4000, 2000)); // 1000 rows in 0.5 s
    QCOMPARE(s.points().size(), 4);
    QCOMPARE(s.points().at(0).rowsPerSecond, 1000.0);
    QCOMPARE(s.points().at(1).rowsPerSecond, 2000.0); // not the average (1500)
    QCOMPARE(s.points().at(2).rowsPerSecond, 0.0);
    QVERIFY(s.points().at(2).throttled);
    QVERIFY(!s.points().at(3).throttled);
    QCOMPARE(s.points().at(3).rowsPerSecond, 2000.0);
    QCOMPARE(s.points().at(2).replicaLagSeconds, 2.5);
    // A new step starts a new series.
    BackfillProgress other = at(1, 10, 10);
    other.step = 5;
    s.add(other);
    QCOMPARE(s.points().size(), 1);
    QCOMPARE(s.step(), 5);
}

void TestBackfillSeries::downsamplingKeepsTheWorst()
{
    BackfillSeries s;
    qint64 rows = 0;
    for (int i = 1; i <= 5000; ++i) {
        rows += 100;
        const bool spike = i == 3333;
        s.add(at(i * 0.1, rows, 100, spike ? 9 : (i % 2), spike ? 812.5 : 5, i == 4001 ? 7.25 : 0.1));
    }
    QVERIFY2(s.points().size() <= BackfillSeries::maxPoints, qPrintable(QString::number(s.points().size())));
    QVERIFY(s.points().size() >= BackfillSeries::maxPoints / 2);
    int writers = 0;
    double wait = 0, lag = 0;
    for (const auto &p : s.points()) {
        writers = std::max(writers, p.writersWaiting);
        wait = std::max(wait, p.longestWaitMs);
        lag = std::max(lag, p.replicaLagSeconds);
        QVERIFY2(qAbs(p.rowsPerSecond - 1000) < 1e-6, qPrintable(QString::number(p.rowsPerSecond))); // the rows are kept
    }
    QCOMPARE(writers, 9);
    QCOMPARE(wait, 812.5);
    QCOMPARE(lag, 7.25);
    QCOMPARE(s.points().constLast().seconds, 500.0);
    // Time only goes forward.
    for (int i = 1; i < s.points().size(); ++i)
        QVERIFY(s.points().at(i).seconds > s.points().at(i - 1).seconds);
}

void TestBackfillSeries::jsonRoundTrip()
{
    const BackfillSeries s = sampleSeries(true);
    BackfillSeries back;
    QVERIFY(BackfillSeries::fromJson(s.toJson(), &back));
    QCOMPARE(back.toJson(), s.toJson());
    QCOMPARE(back.points().size(), s.points().size());
    QCOMPARE(back.step(), 2);
    QCOMPARE(back.figures().laggingReplica, QStringLiteral("standby1"));
    QVERIFY(back.watchedReplicas());
    QVERIFY(!BackfillSeries::fromJson("not json", &back));
    QVERIFY(!BackfillSeries::fromJson(R"({"points": [[1, 2]]})", &back));
}

void TestBackfillSeries::figures()
{
    const BackfillSeries s = sampleSeries(true);
    const auto f = s.figures();
    QCOMPARE(f.batches, 120 * 0 + int((59 * 1000 + 61 * 400) / 100));
    QCOMPARE(f.maxBatchSize, 1000);
    QCOMPARE(f.medianBatchSize, 300); // 61 of the 120 batches were given 300 rows
    QCOMPARE(f.maxWritersWaiting, 3);
    QCOMPARE(f.longestWaitMs, 35.0);
    QCOMPARE(f.maxReplicaLagSeconds, 1.6);
    QCOMPARE(f.seconds, 60.0);
    const auto quiet = sampleSeries(false).figures();
    QCOMPARE(quiet.maxReplicaLagSeconds, -1.0);
}

void TestBackfillSeries::painterDrawsThePanes_data()
{
    QTest::addColumn<bool>("dark");
    QTest::addColumn<bool>("replica");
    QTest::newRow("light") << false << false;
    QTest::newRow("light, replica") << false << true;
    QTest::newRow("dark") << true << false;
    QTest::newRow("dark, replica") << true << true;
}

void TestBackfillSeries::painterDrawsThePanes()
{
    QFETCH(bool, dark);
    QFETCH(bool, replica);
    const QPalette palette = dark ? darkPalette() : lightPalette();
    const BackfillSeries s = sampleSeries(replica);
    const QSize size(1024, RunChartPainter::preferredHeight(s));
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    QPainter painter(&image);
    const auto panes = RunChartPainter::paint(painter, QRectF(QPointF(0, 0), QSizeF(size)), s, palette, 1000);
    painter.end();
    if (qEnvironmentVariableIsSet("STAGECRAFT_CHART_PNG"))
        image.save(QStringLiteral("%1/chart-%2%3.png").arg(qEnvironmentVariable("STAGECRAFT_CHART_PNG"), dark ? QStringLiteral("dark") : QStringLiteral("light"),
                                                             replica ? QStringLiteral("-replica") : QString()));
    const QColor base = palette.color(QPalette::Base);
    QVERIFY(panes.rate.width() > 800);
    QVERIFY(panes.rate.height() > 50);
    QVERIFY(panes.waits.height() > 50);
    QCOMPARE(panes.lag.isEmpty(), !replica);
    QVERIFY(panes.rate.bottom() <= panes.waits.top());
    QVERIFY(panes.legend.top() >= (replica ? panes.lag : panes.waits).bottom());
    QVERIFY(panes.legend.bottom() <= size.height());
    // The rate pane: its rate line (blue) and its batch size (violet).
    const QColor rate = dark ? QColor(0x6c, 0xb4, 0xff) : QColor(0x1f, 0x5f, 0xbf);
    const QColor batch = dark ? QColor(0xd0, 0xa0, 0xff) : QColor(0x7b, 0x3f, 0xb5);
    QVERIFY2(pixelsNear(image, panes.rate, rate) > 200, qPrintable(QString::number(pixelsNear(image, panes.rate, rate))));
    QVERIFY(pixelsNear(image, panes.rate, batch) > 200);
    QCOMPARE(pixelsNear(image, panes.waits, rate), 0);
    // The writers' bars in the waits pane.
    const QColor writers = dark ? QColor(0xff, 0xb3, 0x4d) : QColor(0xc2, 0x6a, 0x00);
    QVERIFY(inked(image, panes.waits, base) > 300);
    const auto blend = [&](int a, int b) { return (a * 170 + b * 85) / 255; }; // the bars are drawn at alpha 170
    const QColor bars(blend(writers.red(), base.red()), blend(writers.green(), base.green()), blend(writers.blue(), base.blue()));
    QVERIFY2(pixelsNear(image, panes.waits, bars) > 100, qPrintable(QString::number(pixelsNear(image, panes.waits, bars))));
    if (replica) {
        const QColor lag = dark ? QColor(0x5f, 0xd3, 0x8d) : QColor(0x1e, 0x7f, 0x45);
        QVERIFY(pixelsNear(image, panes.lag, lag) > 100);
        // The threshold line (dashed, the wait colour) crosses the lag pane.
        const QColor threshold = dark ? QColor(0xff, 0x7a, 0x7a) : QColor(0xc0, 0x24, 0x24);
        QVERIFY(pixelsNear(image, panes.lag, threshold) > 100);
    }
    QVERIFY(inked(image, panes.legend, base) > 200);
    // Nothing of the rate's colour was drawn in the legend but its swatch.
    QVERIFY(pixelsNear(image, panes.legend, rate) > 10);
    // Empty: a line of text, no panes.
    BackfillSeries empty;
    const QImage blank = RunChartPainter::render(empty, QSize(1024, 240), palette, 1000);
    QVERIFY(inked(blank, QRectF(0, 0, 1024, 240), base) > 50);
}

void TestBackfillSeries::journalRoundTrip_data()
{
    QTest::addColumn<QString>("server");
    QTest::newRow("sqlite") << "sqlite";
    QTest::newRow("postgresql") << "postgresql";
}

void TestBackfillSeries::journalRoundTrip()
{
    QFETCH(QString, server);
    if (!TestServers::wanted(server))
        QSKIP("not among STAGECRAFT_TEST_SERVERS");
    // A plan of the demo's (the journal keeps it as JSON; it runs nowhere here).
    QTemporaryDir dir;
    ConnectionProfile demo;
    demo.engine = Engine::SQLite;
    demo.database = dir.filePath(QStringLiteral("shop.sqlite"));
    QString why;
    QVERIFY(DemoDatabase::ensure(DemoDatabase::defaultPath(), &why));
    QVERIFY(QFile::copy(DemoDatabase::defaultPath(), demo.database));
    Plan plan;
    QVERIFY2(Testing::planSpec(demo, TotalEur,
                               RunSettings{}, &plan, &why),
             qPrintable(why));

    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(server, profile);
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY2(connection.open(&error), qPrintable(error.text()));
    Journal journal(connection);
    QVERIFY2(journal.ensure(&error), qPrintable(error.text()));
    const QString runId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    QVERIFY2(journal.startRun(runId, plan, PlanOrigin{}, &error), qPrintable(error.text()));
    const BackfillSeries series = sampleSeries(true);
    QVERIFY2(journal.recordSeries(runId, 1, series, &error), qPrintable(error.text()));
    QList<Journal::RunRecord> runs;
    QVERIFY2(journal.history(&runs, &error), qPrintable(error.text()));
    const auto run = std::find_if(runs.cbegin(), runs.cend(), [&](const Journal::RunRecord &r) { return r.runId == runId; });
    QVERIFY(run != runs.cend());
    QCOMPARE(run->steps.size(), plan.steps.size());
    QCOMPARE(run->steps.at(1).pacing.toJson(), series.toJson());
    QVERIFY(run->steps.at(0).pacing.isEmpty());
}

void TestBackfillSeries::olderJournalGetsThePacingColumn()
{
    if (!TestServers::wanted(QStringLiteral("sqlite")))
        QSKIP("not among STAGECRAFT_TEST_SERVERS");
    QTemporaryDir dir;
    ConnectionProfile demo;
    demo.engine = Engine::SQLite;
    demo.database = dir.filePath(QStringLiteral("shop.sqlite"));
    QString why;
    QVERIFY(DemoDatabase::ensure(DemoDatabase::defaultPath(), &why));
    QVERIFY(QFile::copy(DemoDatabase::defaultPath(), demo.database));
    // The journal as Stagecraft made it before the pacing column (and before started_at).
    QVERIFY2(TestServers::execute(demo,
                                  {QStringLiteral("CREATE TABLE stagecraft_runs (run_id varchar(40) NOT NULL PRIMARY KEY, table_name varchar(300) NOT NULL, "
                                                  "column_name varchar(300) NOT NULL, state varchar(16) NOT NULL, plan text NOT NULL, "
                                                  "started_at varchar(40) NOT NULL, updated_at varchar(40) NOT NULL)"),
                                   QStringLiteral("CREATE TABLE stagecraft_steps (run_id varchar(40) NOT NULL, step integer NOT NULL, "
                                                  "state varchar(16) NOT NULL, rows_done bigint NOT NULL DEFAULT 0, last_key text, "
                                                  "attempts integer NOT NULL DEFAULT 0, error text, updated_at varchar(40) NOT NULL, "
                                                  "PRIMARY KEY (run_id, step))")},
                                  &why),
             qPrintable(why));
    Plan plan;
    QVERIFY2(Testing::planSpec(demo, TotalEur,
                               RunSettings{}, &plan, &why),
             qPrintable(why));
    DatabaseConnection connection(demo);
    ConnectionError error;
    QVERIFY2(connection.open(&error), qPrintable(error.text()));
    {
        // Read before ensure(): the history still reads, without the pacing.
        Journal before(connection);
        QList<Journal::RunRecord> runs;
        QVERIFY2(before.history(&runs, &error), qPrintable(error.text()));
    }
    Journal journal(connection);
    QVERIFY2(journal.ensure(&error), qPrintable(error.text()));
    QVERIFY2(journal.startRun(QStringLiteral("r1"), plan, PlanOrigin{}, &error), qPrintable(error.text()));
    const BackfillSeries series = sampleSeries(false);
    QVERIFY2(journal.recordSeries(QStringLiteral("r1"), 1, series, &error), qPrintable(error.text()));
    QList<Journal::RunRecord> runs;
    QVERIFY2(journal.history(&runs, &error), qPrintable(error.text()));
    QCOMPARE(runs.size(), 1);
    QCOMPARE(runs.first().steps.at(1).pacing.toJson(), series.toJson());
}

QTEST_MAIN(TestBackfillSeries)
#include "testbackfillseries.moc"
