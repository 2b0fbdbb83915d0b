// History shows a run's statement times between the stages (StageTimings, from the journal): a table
// of the top statements with their mean per phase under the steps, checked with
// QAbstractItemModelTester, and the same in the run's report; a run on a server that kept no
// statistics shows how to turn them on instead. On a copy of the SQLite demo database, whose journal
// is given the timings a server that times statements would have recorded.

#include "connection/databaseconnection.h"
#include "demo/demodatabase.h"
#include "historyview.h"
#include "run/journal.h"
#include "run/runner.h"
#include "stagetimingsmodel.h"

#include "specplan.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace Stagecraft;

class TestStageTimingsView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void historyShowsThePhases();
};

void TestStageTimingsView::historyShowsThePhases()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("shop.sqlite"));
    QString why;
    QVERIFY(DemoDatabase::ensure(DemoDatabase::defaultPath(), &why) && QFile::copy(DemoDatabase::defaultPath(), path));
    ConnectionProfile profile;
    profile.engine = Engine::SQLite;
    profile.database = path;
    Plan plan;
    QVERIFY2(Testing::planSpec(profile, R"j({"table": "orders", "column": {"name": "note", "type": "text"}})j", RunSettings{}, &plan, &why),
             qPrintable(why));
    Runner runner(profile);
    QString runId, summary;
    connect(&runner, &Runner::runStarted, this, [&](const QString &id, int) { runId = id; });
    connect(&runner, &Runner::runFinished, this, [&](RunOutcome, const QString &s) { summary = s; });
    runner.run(plan);
    QVERIFY2(!summary.contains(QLatin1String("Query performance")), qPrintable(summary)); // SQLite times nothing: no line

    // What a server timing statements would have recorded for it.
    StageTimings timings;
    timings.setSnapshot(StageTimings::Point::Start, {{QStringLiteral("1"), QStringLiteral("UPDATE orders SET v = $1 WHERE id = $2"), 100, 20, 100}});
    timings.setSnapshot(StageTimings::Point::Backfill, {{QStringLiteral("1"), QStringLiteral("UPDATE orders SET v = $1 WHERE id = $2"), 140, 40, 140}});
    timings.setSnapshot(StageTimings::Point::Index, {{QStringLiteral("1"), QStringLiteral("UPDATE orders SET v = $1 WHERE id = $2"), 180, 52, 180}});
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY2(connection.open(&error), qPrintable(error.text()));
    Journal journal(connection);
    QVERIFY2(journal.recordTimings(runId, timings, &error), qPrintable(error.text()));

    HistoryView view;
    view.resize(1024, 700);
    view.show();
    QAbstractItemModelTester tester(view.timingsModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy loaded(&view, &HistoryView::loaded);
    view.setConnection(profile);
    view.refresh();
    QVERIFY(loaded.wait(30000));
    StageTimingsModel *model = view.timingsModel();
    QCOMPARE(model->rowCount(), 1);
    const auto cell = [&](int column) { return model->index(0, column).data().toString(); };
    QCOMPARE(cell(StageTimingsModel::StatementColumn), QStringLiteral("UPDATE orders SET v = $1 WHERE id = $2"));
    QCOMPARE(cell(StageTimingsModel::BeforeColumn), QStringLiteral("0.20 ms"));
    QCOMPARE(cell(StageTimingsModel::BackfillColumn), QStringLiteral("0.50 ms (2.5x)"));
    QCOMPARE(cell(StageTimingsModel::EnforceColumn), QStringLiteral("0.30 ms (1.5x)"));
    QVERIFY(view.timingsView()->isVisible());
    QVERIFY2(view.timingsView()->height() > 60, qPrintable(QString::number(view.timingsView()->height()))); // not squeezed out
    QVERIFY2(view.timingsText().startsWith(QLatin1String("Query performance between stages: ")), qPrintable(view.timingsText()));
    const QString report = path + QStringLiteral(".md");
    QVERIFY2(view.saveReport(report, &why), qPrintable(why));
    QFile file(report);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(file.readAll());
    QVERIFY2(text.contains(QLatin1String("### Query performance between stages\n")), qPrintable(text.left(2000)));
    QVERIFY2(text.contains(QLatin1String("| `UPDATE orders SET v = $1 WHERE id = $2` | 0.20 ms | 0.50 ms (2.5x) | 0.30 ms (1.5x) |\n")),
             qPrintable(text.left(2000)));

    // A server that kept no statistics: how to turn them on, no table.
    StageTimings none;
    none.setUnavailable(QStringLiteral("The server does not time statements: start it with performance_schema = ON."));
    QVERIFY2(journal.recordTimings(runId, none, &error), qPrintable(error.text()));
    view.refresh();
    QVERIFY(loaded.wait(30000));
    QCOMPARE(model->rowCount(), 0);
    QVERIFY(!view.timingsView()->isVisible());
    QCOMPARE(view.timingsText(), QStringLiteral("Query performance between stages was not measured. The server does not time statements: "
                                                "start it with performance_schema = ON."));
}

QTEST_MAIN(TestStageTimingsView)
#include "teststagetimingsview.moc"
