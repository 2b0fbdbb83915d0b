// The backfill chart (ui/runchart) offscreen: in the run panel, shown and filled by a real run on a
// copy of the SQLite demo and kept after it ends; in History and the run's report once journaled;
// and the rate line's pacing text (why the run waits, the writers the last batch made wait).

#include "connection/databaseconnection.h"
#include "demo/demodatabase.h"
#include "historyview.h"
#include "report/runchartpainter.h"
#include "run/journal.h"
#include "run/runner.h"
#include "runchart.h"
#include "runpanel.h"
#include "specplan.h"

#include <QFile>
#include <QImage>
#include <QLabel>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace Stagecraft;

namespace {

const QByteArray TotalEur = R"j({"table": "orders", "column": {"name": "total_eur", "type": "NUMERIC(12,2)",
    "backfill": "total_cents / 100.0"}})j";

QString rateText(RunPanel &panel)
{
    return panel.findChild<QLabel *>(QStringLiteral("rate"))->text();
}

// Pixels of the widget that are not its base colour.
int inked(QWidget *widget)
{
    const QImage image = widget->grab().toImage();
    const QColor base = widget->palette().color(QPalette::Base);
    int n = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            if (image.pixelColor(x, y) != base)
                ++n;
        }
    }
    return n;
}

} // namespace

class TestRunChart : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void realRunFillsTheChart();
    void rateLineSaysWhyTheRunWaits_data();
    void rateLineSaysWhyTheRunWaits();
};

void TestRunChart::realRunFillsTheChart()
{
    QTemporaryDir dir;
    ConnectionProfile profile;
    profile.engine = Engine::SQLite;
    profile.database = dir.filePath(QStringLiteral("shop.sqlite"));
    QString why;
    QVERIFY(DemoDatabase::ensure(DemoDatabase::defaultPath(), &why));
    QVERIFY(QFile::copy(DemoDatabase::defaultPath(), profile.database));
    RunSettings settings;
    settings.firstBatchRows = settings.minBatchRows = settings.maxBatchRows = 5000;
    Plan plan;
    QVERIFY2(Testing::planSpec(profile, TotalEur, settings, &plan, &why), qPrintable(why));

    RunPanel panel;
    panel.resize(1024, 700);
    panel.show();
    RunChart *chart = panel.chart();
    QVERIFY(chart);
    QVERIFY(!chart->isVisible()); // nothing to draw before a backfill

    auto *runner = new Runner(profile);
    runner->setPassGates(true);
    QThread thread;
    runner->moveToThread(&thread);
    connect(&thread, &QThread::finished, runner, &QObject::deleteLater);
    thread.start();
    panel.follow(runner, plan);
    int progressed = 0;
    connect(runner, &Runner::backfillProgressed, &panel, [&](const BackfillProgress &) { ++progressed; });
    QSignalSpy finished(&panel, &RunPanel::finished);
    QMetaObject::invokeMethod(runner, "run", Qt::QueuedConnection, Q_ARG(Stagecraft::Plan, plan));
    QVERIFY(finished.wait(120000));
    thread.quit();
    thread.wait();
    QVERIFY2(panel.summary().startsWith(QLatin1String("<b>Done</b>")), qPrintable(panel.summary()));

    // Kept after the run: one point a batch.
    QVERIFY(chart->isVisible());
    QCOMPARE(chart->series().points().size(), progressed);
    QVERIFY2(progressed >= 40, qPrintable(QString::number(progressed))); // 200,000 orders, 5,000 a batch
    QCOMPARE(chart->series().figures().batches, progressed);
    QCOMPARE(chart->series().figures().maxBatchSize, 5000);
    QVERIFY(!chart->series().watchedReplicas()); // SQLite has none
    QVERIFY(chart->width() > 900);
    QCOMPARE(chart->height(), RunChartPainter::preferredHeight(chart->series()));
    QVERIFY2(inked(chart) > 2000, qPrintable(QString::number(inked(chart))));

    // Recorded in the journal as the runner does when the step ends; History draws it and its
    // report carries it (the chart beside the Markdown, the figures in a table).
    const int backfill = chart->series().step();
    QVERIFY(backfill >= 0 && backfill < plan.steps.size());
    {
        DatabaseConnection connection(profile);
        ConnectionError error;
        QVERIFY2(connection.open(&error), qPrintable(error.text()));
        Journal journal(connection);
        QList<Journal::RunRecord> runs;
        QVERIFY2(journal.history(&runs, &error), qPrintable(error.text()));
        QCOMPARE(runs.size(), 1);
        QVERIFY2(journal.recordSeries(runs.first().runId, backfill, chart->series(), &error), qPrintable(error.text()));
    }
    HistoryView history;
    history.resize(1024, 700);
    history.show();
    QSignalSpy loaded(&history, &HistoryView::loaded);
    history.setConnection(profile);
    history.refresh();
    QVERIFY(loaded.wait(30000));
    QTRY_VERIFY(history.chart()->isVisible()); // the newest run is selected
    QCOMPARE(history.chart()->series().toJson(), chart->series().toJson());
    QCOMPARE(history.chart()->height(), RunChartPainter::preferredHeight(chart->series()));
    QVERIFY2(inked(history.chart()) > 2000, qPrintable(QString::number(inked(history.chart()))));
    const QString report = dir.filePath(QStringLiteral("run.md"));
    QVERIFY2(history.saveReport(report, &why), qPrintable(why));
    const QImage picture(dir.filePath(QStringLiteral("run-backfill.png")));
    QCOMPARE(picture.width(), 1024);
    QFile markdown(report);
    QVERIFY(markdown.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(markdown.readAll());
    QVERIFY2(text.contains(QStringLiteral("### Backfill pacing (step %1)").arg(backfill + 1)), qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("](run-backfill.png)")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("| %1 | 5000 rows | 5000 rows | not watched | not watched | no replica watched |").arg(progressed)),
             qPrintable(text));

    // A resume of the same plan keeps the chart (it goes on past the backfill); another plan's run starts a new one.
    auto *second = new Runner(profile);
    panel.follow(second, plan);
    QVERIFY(!chart->series().isEmpty());
    QVERIFY(chart->isVisible());
    Plan other;
    QVERIFY2(Testing::planSpec(profile, R"j({"table": "customers", "column": {"name": "tier", "type": "integer", "backfill": "1"}})j", settings, &other, &why),
             qPrintable(why));
    panel.follow(second, other);
    QVERIFY(chart->series().isEmpty());
    QVERIFY(!chart->isVisible());
    delete second;
}

void TestRunChart::rateLineSaysWhyTheRunWaits_data()
{
    QTest::addColumn<QString>("throttle");
    QTest::addColumn<int>("writers");
    QTest::addColumn<double>("waitMs");
    QTest::addColumn<QString>("tail");
    QTest::newRow("quiet") << "" << 0 << 0.0 << "in batches of 800 rows";
    QTest::newRow("not watched") << "" << -1 << -1.0 << "in batches of 800 rows";
    QTest::newRow("replica") << "replica standby1 is 3.2 s behind, over 1 s" << 0 << 0.0
                             << "in batches of 800 rows — waiting: replica standby1 is 3.2 s behind, over 1 s";
    QTest::newRow("one writer") << "" << 1 << 12.4 << "in batches of 800 rows — 1 writer waited up to 12 ms";
    QTest::newRow("writers and replica") << "replica r2 is 2 s behind" << 4 << 1250.0
                                         << "in batches of 800 rows — waiting: replica r2 is 2 s behind — 4 writers waited up to 1,250 ms";
}

void TestRunChart::rateLineSaysWhyTheRunWaits()
{
    QFETCH(QString, throttle);
    QFETCH(int, writers);
    QFETCH(double, waitMs);
    QFETCH(QString, tail);
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    Plan plan;
    plan.table = {QStringLiteral("main"), QStringLiteral("orders")};
    plan.spec.name = QStringLiteral("total_eur");
    RunPanel panel;
    Runner runner(ConnectionProfile{});
    panel.follow(&runner, plan);
    BackfillProgress p;
    p.step = 1;
    p.rowsDone = 1600;
    p.rowsTotal = 10000;
    p.rowsPerSecond = 800;
    p.etaSeconds = 10.5;
    p.batchSize = 800;
    p.batches = 2;
    p.seconds = 2;
    p.writersWaiting = writers;
    p.longestWaitMs = waitMs;
    p.throttle = throttle;
    Q_EMIT runner.backfillProgressed(p);
    const QString text = rateText(panel);
    QVERIFY2(text.endsWith(tail), qPrintable(text));
    QVERIFY2(text.startsWith(QLatin1String("1,600 of about 10,000 rows")), qPrintable(text));
    QVERIFY(panel.chart()->isVisibleTo(&panel));
    QCOMPARE(panel.chart()->series().points().size(), 1);
    QCOMPARE(panel.chart()->series().points().constFirst().throttled, !throttle.isEmpty());
}

QTEST_MAIN(TestRunChart)
#include "testrunchart.moc"
