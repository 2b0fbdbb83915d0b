// History: past runs read from the journal (an older journal's too), their outcomes, steps, times
// and report, in the History tab, refreshed after every run. On copies of the SQLite demo database.

#include "confirmrundialog.h"
#include "connection/databaseconnection.h"
#include "demo/demodatabase.h"
#include "historyview.h"
#include "mainwindow.h"
#include "plan/costmodel.h"
#include "plan/planformat.h"
#include "plan/planner.h"
#include "plan/specvalidator.h"
#include "planview.h"
#include "run/journal.h"
#include "run/runhistory.h"
#include "run/runner.h"
#include "runhistorymodel.h"
#include "runstepsmodel.h"

#include "eurostable.h"
#include "specplan.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QFile>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace Stagecraft;

namespace {

const QByteArray Note = R"j({"table": "orders", "column": {"name": "note", "type": "text"}})j";
const QByteArray TotalEur = R"j({"table": "orders", "column": {"name": "total_eur", "type": "NUMERIC(12,2)",
    "backfill": "total_cents / 100.0", "check": "total_eur >= 0", "index": true}})j";
// Fails at the unique index's guard (duplicates), after the column was added and filled.
const QByteArray Code = R"j({"table": "orders", "column": {"name": "code", "type": "integer", "backfill": "total_cents % 10", "unique": true}})j";

struct Demo
{
    QTemporaryDir dir;
    ConnectionProfile profile;

    bool make()
    {
        const QString path = dir.filePath(QStringLiteral("shop.sqlite"));
        QString error;
        if (!DemoDatabase::ensure(DemoDatabase::defaultPath(), &error) || !QFile::copy(DemoDatabase::defaultPath(), path))
            return false;
        profile.engine = Engine::SQLite;
        profile.database = path;
        return true;
    }

    bool plan(const QByteArray &json, Plan *plan, QString *why) const
    {
        RunSettings settings;
        settings.firstBatchRows = settings.minBatchRows = settings.maxBatchRows = 5000;
        return Testing::planSpec(profile, json, settings, plan, why);
    }

    bool execute(const QStringList &statements, const QVariantList &values = {}) const
    {
        DatabaseConnection c(profile);
        ConnectionError e;
        if (!c.open(&e))
            return false;
        for (const QString &sql : statements) {
            QSqlQuery q(c.database());
            if (!q.prepare(sql))
                return false;
            for (const QVariant &v : values)
                if (sql.contains(QLatin1Char('?')))
                    q.addBindValue(v);
            if (!q.exec()) {
                qWarning("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
                return false;
            }
        }
        return true;
    }
};

// Runs on this thread; the outcome and the run's id.
RunOutcome runOnce(const ConnectionProfile &profile, const Plan &plan, QString *runId, int cancelAfterRows = -1)
{
    Runner runner(profile);
    runner.setPassGates(true);
    RunOutcome outcome = RunOutcome::Failed;
    QObject::connect(&runner, &Runner::runStarted, &runner, [&](const QString &id, int) { *runId = id; });
    QObject::connect(&runner, &Runner::backfillProgressed, &runner, [&](const BackfillProgress &p) {
        if (cancelAfterRows >= 0 && p.rowsDone >= cancelAfterRows)
            runner.stopAfterBatch();
    });
    QObject::connect(&runner, &Runner::runFinished, &runner, [&](RunOutcome o, const QString &) { outcome = o; });
    runner.run(plan);
    return outcome;
}

RunOutcome rollBack(const ConnectionProfile &profile, const QString &runId)
{
    Runner runner(profile);
    RunOutcome outcome = RunOutcome::Failed;
    QObject::connect(&runner, &Runner::runFinished, &runner, [&](RunOutcome o, const QString &) { outcome = o; });
    runner.rollbackRun(runId);
    return outcome;
}

} // namespace

class TestHistory : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<Plan>();
        qRegisterMetaType<BackfillProgress>();
        qRegisterMetaType<RunOutcome>();
    }
    void olderJournalGainsStepTimes();
    void estimatesBesideActuals();
    void versusEstimate_data();
    void versusEstimate();
    void outcomesStepsAndReport();
    void refreshedAfterEveryRun();
};

// A journal made by an older Stagecraft (no origin, no step start times): its runs are read as
// they are, with no step times; the next run adds the column and records them.
void TestHistory::olderJournalGainsStepTimes()
{
    Demo demo;
    QVERIFY(demo.make());
    Plan old;
    QString why;
    QVERIFY2(demo.plan(Note, &old, &why), qPrintable(why));
    QVERIFY(demo.execute({QStringLiteral("CREATE TABLE stagecraft_runs (run_id varchar(40) NOT NULL PRIMARY KEY, table_name varchar(300) NOT NULL, "
                                         "column_name varchar(300) NOT NULL, state varchar(16) NOT NULL, plan text NOT NULL, "
                                         "started_at varchar(40) NOT NULL, updated_at varchar(40) NOT NULL)"),
                          QStringLiteral("CREATE TABLE stagecraft_steps (run_id varchar(40) NOT NULL, step integer NOT NULL, "
                                         "state varchar(16) NOT NULL, rows_done bigint NOT NULL DEFAULT 0, last_key text, "
                                         "attempts integer NOT NULL DEFAULT 0, error text, updated_at varchar(40) NOT NULL, "
                                         "PRIMARY KEY (run_id, step))")}));
    QVERIFY(demo.execute({QStringLiteral("INSERT INTO stagecraft_runs VALUES ('old-run', 'main.orders', 'note', 'cancelled', ?, "
                                         "'2026-01-05T10:00:00.000Z', '2026-01-05T10:00:42.500Z')")},
                         {QString::fromUtf8(PlanFormat::toJson(old))}));
    QVERIFY(demo.execute({QStringLiteral("INSERT INTO stagecraft_steps (run_id, step, state, updated_at) VALUES ('old-run', 0, 'pending', "
                                         "'2026-01-05T10:00:42.500Z')")}));

    QList<Journal::RunRecord> runs;
    ConnectionError error;
    QVERIFY2(RunHistory::read(demo.profile, &runs, &error), qPrintable(error.text()));
    QCOMPARE(runs.size(), 1);
    QCOMPARE(runs.first().runId, QStringLiteral("old-run"));
    QCOMPARE(RunHistory::outcome(runs.first()), QStringLiteral("cancelled"));
    QCOMPARE(RunHistory::seconds(runs.first().startedAt, RunHistory::ended(runs.first())), 42.5);
    QVERIFY(!runs.first().steps.first().startedAt.isValid());
    // No estimates recorded: the plan's are shown; no actual time.
    QCOMPARE(runs.first().steps.first().estimatedSeconds, old.steps.first().estimatedSeconds);
    QCOMPARE(runs.first().steps.first().actualSeconds, -1.0);

    Plan plan;
    QVERIFY2(demo.plan(TotalEur, &plan, &why), qPrintable(why));
    QString runId;
    QCOMPARE(runOnce(demo.profile, plan, &runId), RunOutcome::Done);
    QVERIFY2(RunHistory::read(demo.profile, &runs, &error), qPrintable(error.text()));
    QCOMPARE(runs.size(), 2);
    QCOMPARE(runs.first().runId, runId); // newest first
    QCOMPARE(RunHistory::outcome(runs.first()), QStringLiteral("done"));
    QCOMPARE(runs.first().steps.size(), plan.steps.size());
    for (const Journal::StepRecord &s : std::as_const(runs.first().steps)) {
        QCOMPARE(RunHistory::stepOutcome(s.state), QStringLiteral("done"));
        QVERIFY(s.startedAt.isValid());
        QVERIFY(s.startedAt >= runs.first().startedAt);
        QVERIFY(s.startedAt <= s.updatedAt);
    }
    QCOMPARE(RunHistory::stepsApplied(runs.first()), int(plan.steps.size()));
    QCOMPARE(runs.at(1).runId, QStringLiteral("old-run")); // still there, as it was
    QVERIFY(!runs.at(1).steps.first().startedAt.isValid());
}

// Each step's estimate is journaled when the run starts and its time when it ends: History's steps,
// the report and `stagecraft-cli history` (text and JSON) show them side by side.
void TestHistory::estimatesBesideActuals()
{
    Demo demo;
    QVERIFY(demo.make());
    Plan plan;
    QString why, runId;
    QVERIFY2(demo.plan(TotalEur, &plan, &why), qPrintable(why));
    QVERIFY(plan.estimatedRows > 0);
    QCOMPARE(runOnce(demo.profile, plan, &runId), RunOutcome::Done);

    QList<Journal::RunRecord> runs;
    ConnectionError error;
    QVERIFY2(RunHistory::read(demo.profile, &runs, &error), qPrintable(error.text()));
    QCOMPARE(runs.size(), 1);
    const Journal::RunRecord &run = runs.first();
    QCOMPARE(run.steps.size(), plan.steps.size());
    int backfill = -1;
    for (int i = 0; i < plan.steps.size(); ++i) {
        const Journal::StepRecord &s = run.steps.at(i);
        const PlanStep &p = plan.steps.at(i);
        QCOMPARE(s.estimatedSeconds, p.gate.isEmpty() ? p.estimatedSeconds : 0.0);
        QCOMPARE(s.estimatedRows, plan.estimatedRowsOf(p));
        if (!p.gate.isEmpty()) { // a gate passed: no work, no time of its own
            QCOMPARE(s.actualSeconds, -1.0);
            continue;
        }
        QVERIFY2(s.actualSeconds >= 0 && s.actualSeconds <= RunHistory::seconds(run.startedAt, run.updatedAt) + 0.001,
                 qPrintable(QString::number(s.actualSeconds)));
        if (!p.backfill.isNull())
            backfill = i;
    }
    QVERIFY(backfill > 0);
    const Journal::StepRecord &filled = run.steps.at(backfill);
    QCOMPARE(filled.estimatedRows, plan.estimatedRows);
    QCOMPARE(filled.rowsDone, plan.estimatedRows); // SQLite's count is exact
    QVERIFY(RunHistory::versusEstimate(filled) > 0);

    // History's steps.
    RunStepsModel steps;
    steps.setRun(run);
    QCOMPARE(steps.index(backfill, RunStepsModel::EstimateColumn).data().toString(), CostModel::rangeText(plan.steps.at(backfill).estimatedSeconds));
    QCOMPARE(steps.index(backfill, RunStepsModel::VersusColumn).data().toString(), RunHistory::versusText(RunHistory::versusEstimate(filled)));
    QCOMPARE(steps.index(backfill, RunStepsModel::EstimatedRowsColumn).data().toString(), QLocale().toString(plan.estimatedRows));
    QCOMPARE(steps.index(backfill, RunStepsModel::RowsColumn).data().toString(), QLocale().toString(plan.estimatedRows));
    // The report.
    const QString report = RunHistory::report(run);
    QVERIFY2(report.contains(QStringLiteral("| %1 | %2 | done |").arg(backfill + 1).arg(plan.steps.at(backfill).title)), qPrintable(report));
    QVERIFY(report.contains(QStringLiteral("| estimate | time | vs estimate | rows estimated | rows done |")));

    // stagecraft-cli history, as text.
    const QString url = QStringLiteral("sqlite://") + demo.profile.database;
    const Testing::CliResult text = Testing::runCli({QStringLiteral("history"), QStringLiteral("-c"), url});
    QCOMPARE(text.code, 0);
    const QStringList lines = text.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QVERIFY2(lines.value(0).startsWith(QStringLiteral("# run %1 on main.orders.total_eur: done, started ").arg(runId)), qPrintable(text.out));
    QCOMPARE(lines.value(1), QStringLiteral("step\ttitle\toutcome\testimate\tactual\tvs estimate\trows estimated\trows done"));
    QCOMPARE(lines.size(), 2 + plan.steps.size());
    const QStringList backfillLine = lines.value(2 + backfill).split(QLatin1Char('\t'));
    QCOMPARE(backfillLine.value(0), QString::number(backfill + 1));
    QCOMPARE(backfillLine.value(2), QStringLiteral("done"));
    QCOMPARE(backfillLine.value(3), CostModel::rangeText(plan.steps.at(backfill).estimatedSeconds));
    QVERIFY2(backfillLine.value(4).endsWith(QLatin1String(" s")), qPrintable(backfillLine.value(4)));
    QCOMPARE(backfillLine.value(5), RunHistory::versusText(RunHistory::versusEstimate(filled)));
    QCOMPARE(backfillLine.value(6), QString::number(plan.estimatedRows));
    QCOMPARE(backfillLine.value(7), QString::number(plan.estimatedRows));

    // And as JSON, one run picked.
    const Testing::CliResult json =
        Testing::runCli({QStringLiteral("history"), QStringLiteral("-c"), url, QStringLiteral("--format"), QStringLiteral("json"), QStringLiteral("--run"), runId});
    QCOMPARE(json.code, 0);
    const QJsonArray list = QJsonDocument::fromJson(json.out.toUtf8()).array();
    QCOMPARE(list.size(), 1);
    const QJsonObject o = list.first().toObject();
    QCOMPARE(o.value(QStringLiteral("run_id")).toString(), runId);
    QCOMPARE(o.value(QStringLiteral("outcome")).toString(), QStringLiteral("done"));
    const QJsonArray jsonSteps = o.value(QStringLiteral("steps")).toArray();
    QCOMPARE(jsonSteps.size(), plan.steps.size());
    const QJsonObject b = jsonSteps.at(backfill).toObject();
    QCOMPARE(b.value(QStringLiteral("estimated_rows")).toInteger(), plan.estimatedRows);
    QCOMPARE(b.value(QStringLiteral("rows_done")).toInteger(), plan.estimatedRows);
    QVERIFY(qAbs(b.value(QStringLiteral("estimated_seconds")).toDouble() - plan.steps.at(backfill).estimatedSeconds) < 0.001);
    QVERIFY(qAbs(b.value(QStringLiteral("actual_seconds")).toDouble() - filled.actualSeconds) < 0.001);
    QVERIFY(b.value(QStringLiteral("versus_estimate")).toDouble() > 0);

    // Bad input: a clear error, exit 2.
    const Testing::CliResult badFormat = Testing::runCli({QStringLiteral("history"), QStringLiteral("-c"), url, QStringLiteral("--format"), QStringLiteral("xml")});
    QCOMPARE(badFormat.code, 2);
    QVERIFY2(badFormat.err.contains(QLatin1String("history --format is text or json")), qPrintable(badFormat.err));
    const Testing::CliResult noRun = Testing::runCli({QStringLiteral("history"), QStringLiteral("-c"), url, QStringLiteral("--run"), QStringLiteral("nope")});
    QCOMPARE(noRun.code, 2);
    QVERIFY2(noRun.err.contains(QLatin1String("no run nope in the journal")), qPrintable(noRun.err));
}

void TestHistory::versusEstimate_data()
{
    QTest::addColumn<double>("estimated");
    QTest::addColumn<double>("actual");
    QTest::addColumn<int>("state");
    QTest::addColumn<QString>("text");
    const int done = int(Journal::StepState::Done);
    QTest::newRow("within") << 10.0 << 13.0 << done << QStringLiteral("1.30x");
    QTest::newRow("slower") << 10.0 << 26.0 << done << QStringLiteral("2.60x: slower than the range");
    QTest::newRow("faster") << 10.0 << 4.0 << done << QStringLiteral("0.40x: faster than the range");
    QTest::newRow("far slower") << 1.0 << 42.0 << done << QStringLiteral("42x: slower than the range");
    QTest::newRow("catalog change in milliseconds") << 0.01 << 0.2 << done << QString();
    QTest::newRow("catalog change that waited") << 0.01 << 3.0 << done << QStringLiteral("300x: slower than the range");
    QTest::newRow("not done") << 10.0 << 3.0 << int(Journal::StepState::Failed) << QString();
    QTest::newRow("no actual") << 10.0 << -1.0 << done << QString();
    QTest::newRow("no estimate") << -1.0 << 3.0 << done << QString();
}

void TestHistory::versusEstimate()
{
    QFETCH(double, estimated);
    QFETCH(double, actual);
    QFETCH(int, state);
    QFETCH(QString, text);
    Journal::StepRecord s;
    s.state = Journal::StepState(state);
    s.estimatedSeconds = estimated;
    s.actualSeconds = actual;
    QCOMPARE(RunHistory::versusText(RunHistory::versusEstimate(s)), text);
}

// Runs that failed and were rolled back, were cancelled, and were done: each with its outcome and
// steps applied in the History tab's models, its steps below, and its report.
void TestHistory::outcomesStepsAndReport()
{
    Demo demo;
    QVERIFY(demo.make());
    QString why, failed, cancelled, done;
    Plan code, totalEur, note;
    QVERIFY2(demo.plan(Code, &code, &why), qPrintable(why));
    QCOMPARE(runOnce(demo.profile, code, &failed), RunOutcome::Failed);
    QCOMPARE(rollBack(demo.profile, failed), RunOutcome::RolledBack);
    QVERIFY2(demo.plan(TotalEur, &totalEur, &why), qPrintable(why));
    QCOMPARE(runOnce(demo.profile, totalEur, &cancelled, 20000), RunOutcome::Cancelled);
    QVERIFY2(demo.plan(Note, &note, &why), qPrintable(why));
    QCOMPARE(runOnce(demo.profile, note, &done), RunOutcome::Done);

    HistoryView view;
    view.resize(1024, 700);
    view.show();
    QAbstractItemModelTester runsTester(view.runsModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester stepsTester(view.stepsModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy loaded(&view, &HistoryView::loaded);
    view.setConnection(demo.profile);
    view.refresh();
    QVERIFY(loaded.wait(30000));
    QCOMPARE(view.statusText(), QStringLiteral("3 runs on this database, newest first, from its journal."));
    RunHistoryModel *runs = view.runsModel();
    QCOMPARE(runs->rowCount(), 3);
    const auto cell = [&](int row, int column) { return runs->index(row, column).data().toString(); };
    // Newest first.
    QCOMPARE(runs->index(0, 0).data(RunHistoryModel::RunIdRole).toString(), done);
    QCOMPARE(runs->index(1, 0).data(RunHistoryModel::RunIdRole).toString(), cancelled);
    QCOMPARE(runs->index(2, 0).data(RunHistoryModel::RunIdRole).toString(), failed);
    QCOMPARE(cell(0, RunHistoryModel::TableColumn), QStringLiteral("main.orders"));
    QCOMPARE(cell(0, RunHistoryModel::ColumnColumn), QStringLiteral("note"));
    QCOMPARE(cell(0, RunHistoryModel::OutcomeColumn), QStringLiteral("done"));
    QCOMPARE(cell(0, RunHistoryModel::StepsColumn), QStringLiteral("%1 of %1").arg(note.steps.size()));
    QCOMPARE(cell(1, RunHistoryModel::ColumnColumn), QStringLiteral("total_eur"));
    QCOMPARE(cell(1, RunHistoryModel::OutcomeColumn), QStringLiteral("cancelled"));
    QCOMPARE(cell(2, RunHistoryModel::ColumnColumn), QStringLiteral("code"));
    QCOMPARE(cell(2, RunHistoryModel::OutcomeColumn), QStringLiteral("rolled back"));
    QCOMPARE(cell(2, RunHistoryModel::StepsColumn), QStringLiteral("0 of %1").arg(code.steps.size())); // all undone
    for (int row = 0; row < 3; ++row) {
        QVERIFY(cell(row, RunHistoryModel::StartedColumn) != QLatin1String("—"));
        QVERIFY(cell(row, RunHistoryModel::EndedColumn) != QLatin1String("—"));
        QVERIFY2(cell(row, RunHistoryModel::DurationColumn).endsWith(QLatin1String(" s")), qPrintable(cell(row, RunHistoryModel::DurationColumn)));
    }

    // The newest is selected; another row shows its steps.
    RunStepsModel *steps = view.stepsModel();
    QCOMPARE(steps->rowCount(), note.steps.size());
    view.runsView()->selectRow(1);
    QCOMPARE(steps->rowCount(), totalEur.steps.size());
    QStringList outcomes;
    int cancelledAt = -1;
    for (int i = 0; i < steps->rowCount(); ++i) {
        QCOMPARE(steps->index(i, RunStepsModel::StepColumn).data().toString(), totalEur.steps.at(i).title);
        outcomes << steps->index(i, RunStepsModel::OutcomeColumn).data().toString();
        if (cancelledAt < 0 && !totalEur.steps.at(i).backfill.isNull())
            cancelledAt = i;
    }
    QVERIFY(cancelledAt > 0);
    for (int i = 0; i < cancelledAt; ++i) {
        QCOMPARE(outcomes.at(i), QStringLiteral("done"));
        QVERIFY(steps->index(i, RunStepsModel::StartedColumn).data().toString() != QLatin1String("—"));
        QVERIFY(steps->index(i, RunStepsModel::TimeColumn).data().toString().endsWith(QLatin1String(" s")));
    }
    QCOMPARE(outcomes.at(cancelledAt), QStringLiteral("not run")); // cancelled: pending again, its rows kept for a resume
    QVERIFY(steps->index(cancelledAt, RunStepsModel::RowsColumn).data().toString() != QString());
    QCOMPARE(steps->index(cancelledAt, RunStepsModel::MessageColumn).data().toString(), QStringLiteral("cancelled"));

    // Its report: the plan's Markdown with the outcome and every step.
    QVERIFY(view.saveReportButton()->isEnabled());
    QTemporaryDir out;
    const QString path = out.filePath(QStringLiteral("report.md"));
    QString error;
    QVERIFY2(view.saveReport(path, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QString report = QString::fromUtf8(file.readAll());
    QVERIFY2(report.startsWith(QStringLiteral("# Add column `total_eur` to `main.orders`\n\n## Outcome: cancelled\n\nRun `%1` on SQLite").arg(cancelled)),
             qPrintable(report.left(300)));
    QVERIFY(report.contains(QStringLiteral("%1 of %2 steps applied.").arg(cancelledAt).arg(totalEur.steps.size())));
    for (int i = 0; i < totalEur.steps.size(); ++i)
        QVERIFY2(report.contains(QStringLiteral("| %1 | %2 | %3 |").arg(i + 1).arg(totalEur.steps.at(i).title, outcomes.at(i))), qPrintable(report));
    for (const PlanStep &s : std::as_const(totalEur.steps))
        for (const QString &sql : s.sql)
            QVERIFY2(report.contains(sql), qPrintable(sql)); // the plan itself, whole
}

// The History tab is read on connect and again after every run.
void TestHistory::refreshedAfterEveryRun()
{
    Demo demo;
    QVERIFY(demo.make());
    const QString specPath = demo.dir.filePath(QStringLiteral("note.json"));
    QFile spec(specPath);
    QVERIFY(spec.open(QIODevice::WriteOnly));
    spec.write(Note);
    spec.close();
    MainWindow window;
    window.show();
    HistoryView *history = window.historyView();
    QVERIFY(history);
    QSignalSpy loaded(history, &HistoryView::loaded);
    QSignalSpy ready(&window, &MainWindow::ready);
    window.openUrl(QStringLiteral("sqlite://") + demo.profile.database);
    QVERIFY(ready.wait(60000));
    QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), 30000);
    QCOMPARE(history->runsModel()->rowCount(), 0);
    QCOMPARE(history->statusText(), QStringLiteral("No run was made on this database yet."));

    QSignalSpy shown(&window, &MainWindow::planShown);
    window.planSpecFile(specPath);
    QVERIFY(shown.wait(60000));
    QTRY_VERIFY_WITH_TIMEOUT(window.planView()->runButton()->isEnabled(), 30000);
    QSignalSpy ended(&window, &MainWindow::runEnded);
    window.planView()->runButton()->click();
    ConfirmRunDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = window.findChild<ConfirmRunDialog *>(QStringLiteral("confirmRun"))));
    QTest::keyClicks(dialog->confirmationEdit(), QStringLiteral("orders"));
    dialog->runButton()->click();
    QVERIFY(ended.wait(120000));
    QTRY_COMPARE_WITH_TIMEOUT(history->runsModel()->rowCount(), 1, 30000);
    QCOMPARE(history->runsModel()->index(0, RunHistoryModel::OutcomeColumn).data().toString(), QStringLiteral("done"));
    QCOMPARE(history->runsModel()->index(0, RunHistoryModel::ColumnColumn).data().toString(), QStringLiteral("note"));
}

QTEST_MAIN(TestHistory)
#include "testhistory.moc"
