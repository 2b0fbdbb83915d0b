// The Run tab offscreen, driven by real runs on copies of the SQLite demo database: which step the
// bars name, pause, a stopped run's bars and buttons, resume and rollback from the panel and what
// their confirmations say.

#include "confirmrundialog.h"
#include "connection/databaseconnection.h"
#include "demo/demodatabase.h"
#include "gatecard.h"
#include "plan/planner.h"
#include "plan/specvalidator.h"
#include "run/runner.h"
#include "runcontroller.h"
#include "runnertesthook.h"
#include "runpanel.h"

#include "specplan.h"
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSqlQuery>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace Stagecraft;

namespace {

// A copy of the demo database (these tests change it) and plans for it.
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

    // The plan of a spec ({"table": ..., "column": ...}), made with these settings.
    bool plan(const QByteArray &json, const RunSettings &settings, Plan *plan, QString *why) const
    {
        return Testing::planSpec(profile, json, settings, plan, why);
    }

    qlonglong scalar(const QString &sql) const
    {
        DatabaseConnection c(profile);
        ConnectionError e;
        if (!c.open(&e))
            return -1;
        QSqlQuery q(c.database());
        return q.exec(sql) && q.next() ? q.value(0).toLongLong() : -1;
    }
};

const QByteArray TotalEur = R"j({"table": "orders", "column": {"name": "total_eur", "type": "NUMERIC(12,2)",
    "backfill": "total_cents / 100.0", "check": "total_eur >= 0", "index": true}})j";
// Fails at the unique index's guard (duplicates), after the column was added and filled.
const QByteArray Code = R"j({"table": "main.orders", "column": {"name": "code", "type": "integer", "backfill": "total_cents % 10", "unique": true}})j";

// Small batches with a pause after each: a backfill of a few seconds on the demo's orders.
RunSettings slowBatches()
{
    RunSettings s;
    s.firstBatchRows = s.minBatchRows = s.maxBatchRows = 4000;
    s.pauseBetweenBatchesMs = 40;
    return s;
}

// A runner on a thread of its own, followed by a panel, as RunController does it (without the confirmation).
class Followed
{
public:
    Followed(RunPanel &panel, const ConnectionProfile &profile, const Plan &plan, std::optional<RunSettings> settings = std::nullopt)
        : runner(new Runner(profile, settings))
    {
        runner->setPassGates(true);
        runner->moveToThread(&m_thread);
        // Deleted on its thread: its connection belongs there.
        QObject::connect(&m_thread, &QThread::finished, runner, &QObject::deleteLater);
        m_thread.start();
        panel.follow(runner, plan);
    }
    ~Followed()
    {
        m_thread.quit();
        m_thread.wait();
    }
    void run(const Plan &plan) { QMetaObject::invokeMethod(runner, "run", Qt::QueuedConnection, Q_ARG(Stagecraft::Plan, plan)); }
    void runAsGiven(const Plan &plan)
    {
        Runner *r = runner;
        QMetaObject::invokeMethod(runner, [r, plan] { RunnerTestHook::runAsGiven(*r, plan); }, Qt::QueuedConnection);
    }

    Runner *runner;

private:
    QThread m_thread;
};

QProgressBar *bar(RunPanel &panel, const char *name)
{
    return panel.findChild<QProgressBar *>(QLatin1String(name));
}

QPushButton *button(RunPanel &panel, const char *name)
{
    return panel.findChild<QPushButton *>(QLatin1String(name));
}

QString rateText(RunPanel &panel)
{
    return panel.findChild<QLabel *>(QStringLiteral("rate"))->text();
}

// The confirmation a controller opened on parent; nullptr when none appears.
ConfirmRunDialog *confirmation(QWidget &parent)
{
    ConfirmRunDialog *dialog = nullptr;
    static_cast<void>(QTest::qWaitFor([&] { return (dialog = parent.findChild<ConfirmRunDialog *>(QStringLiteral("confirmRun"))) != nullptr; }, 5000));
    return dialog;
}

QString dialogText(ConfirmRunDialog *dialog)
{
    QStringList texts;
    for (QLabel *label : dialog->findChildren<QLabel *>())
        texts << label->text();
    return texts.join(QLatin1Char('\n'));
}

bool confirm(QWidget &parent, const QString &table)
{
    ConfirmRunDialog *dialog = confirmation(parent);
    if (!dialog)
        return false;
    QTest::keyClicks(dialog->confirmationEdit(), table);
    if (!dialog->runButton()->isEnabled())
        return false;
    dialog->runButton()->click();
    return true;
}

// Until the run ends: deploy gates passed with the card's Continue, as a user who deployed would.
// A finish the spy recorded while the test was looking at something else counts: only finishes
// after `seen` (the spy's count when the run was started) are waited for. On a timeout the panel's
// state and log are printed.
bool waitForEnd(RunPanel &panel, QSignalSpy &finished, qsizetype seen = -1)
{
    if (seen < 0)
        seen = finished.count();
    for (int i = 0; i < 4; ++i) {
        if (finished.count() <= seen && !finished.wait(120000)) {
            const auto *log = panel.findChild<QPlainTextEdit *>(QStringLiteral("runLog"));
            qWarning("no end after 120 s: %s | %s\n%s", qPrintable(bar(panel, "overallProgress")->format()), qPrintable(panel.summary()),
                     log ? qPrintable(log->toPlainText().right(3000)) : "");
            return false;
        }
        seen = finished.count();
        if (finished.last().at(0).value<RunOutcome>() != RunOutcome::WaitingAtGate)
            return true;
        panel.gateCard()->continueButton()->click();
    }
    return false;
}

} // namespace

class TestRunPanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<Plan>();
        qRegisterMetaType<BackfillProgress>();
        qRegisterMetaType<RunOutcome>();
    }
    void barsNameTheStepRunning();
    void pauseIsShownAndNotCounted();
    void failedRunStopsTheBars();
    void failedBeforeAnythingOffersNoRollBack();
    void rollBackConfirmationSaysWhatIsDropped();
    void cancelThenResumeFromThePanel();
};

// While step i runs, the overall bar says "step i+1 of N" and counts the i steps before it done;
// when done, all N. The rate line names the batch size as a size, beside the batch's number.
void TestRunPanel::barsNameTheStepRunning()
{
    Demo demo;
    QVERIFY(demo.make());
    Plan plan;
    QString why;
    QVERIFY2(demo.plan(TotalEur, slowBatches(), &plan, &why), qPrintable(why));
    RunPanel panel;
    panel.resize(1024, 700);
    panel.show();
    Followed followed(panel, demo.profile, plan);
    QStringList seen, expected;
    QStringList rates;
    // Connected after the panel: each runs after the panel has shown the step.
    connect(followed.runner, &Runner::stepStarted, &panel, [&](int step, const QString &) {
        seen << QStringLiteral("%1 %2").arg(bar(panel, "overallProgress")->format()).arg(bar(panel, "overallProgress")->value());
        expected << QStringLiteral("step %1 of %2 %3").arg(step + 1).arg(plan.steps.size()).arg(step);
    });
    connect(followed.runner, &Runner::backfillProgressed, &panel, [&](const BackfillProgress &) { rates << rateText(panel); });
    QSignalSpy finished(&panel, &RunPanel::finished);
    followed.run(plan);
    QVERIFY(finished.wait(120000));
    QVERIFY2(panel.summary().startsWith(QLatin1String("<b>Done</b>")), qPrintable(panel.summary()));
    QCOMPARE(seen, expected);
    QVERIFY(seen.size() == plan.steps.size());
    QProgressBar *overall = bar(panel, "overallProgress");
    QCOMPARE(overall->value(), overall->maximum());
    QCOMPARE(overall->maximum(), int(plan.steps.size()));
    QCOMPARE(overall->format(), QStringLiteral("all %1 steps done").arg(plan.steps.size()));
    QCOMPARE(overall->property("state").toString(), QStringLiteral("done"));
    QVERIFY(!rates.isEmpty());
    static const QRegularExpression rate(QStringLiteral("^[\\d,]+ of about [\\d,]+ rows — [\\d,]+ rows/s — ETA [\\d,]+ s — batch (\\d+), in batches of 4,000 rows$"));
    QStringList numbers;
    for (const QString &r : std::as_const(rates)) {
        const QRegularExpressionMatch m = rate.match(r);
        QVERIFY2(m.hasMatch(), qPrintable(r));
        numbers << m.captured(1);
    }
    QCOMPARE(numbers.first(), QStringLiteral("1"));
    QCOMPARE(numbers.last(), QString::number(rates.size())); // counted, one by one
    QVERIFY(!button(panel, "resumeRunButton")->isVisible());
    QVERIFY(!button(panel, "rollbackButton")->isVisible());
}

// Paused: the bars and the rate line say so (no frozen rate or ETA); after the resume the rate and
// the step's time leave the pause out.
void TestRunPanel::pauseIsShownAndNotCounted()
{
    Demo demo;
    QVERIFY(demo.make());
    Plan plan;
    QString why;
    QVERIFY2(demo.plan(TotalEur, slowBatches(), &plan, &why), qPrintable(why));
    RunPanel panel;
    panel.show();
    Followed followed(panel, demo.profile, plan);
    QList<BackfillProgress> progress;
    int backfillStep = -1;
    QElapsedTimer stepClock;
    qint64 stepWallMs = -1;
    double stepSeconds = -1;
    connect(followed.runner, &Runner::backfillProgressed, &panel, [&](const BackfillProgress &p) {
        progress << p;
        if (backfillStep < 0) {
            backfillStep = p.step;
            stepClock.start();
        }
    });
    connect(followed.runner, &Runner::stepFinished, &panel, [&](int step, double seconds) {
        if (step == backfillStep) {
            stepSeconds = seconds;
            stepWallMs = stepClock.elapsed();
        }
    });
    QSignalSpy finished(&panel, &RunPanel::finished);
    QSignalSpy paused(&panel, &RunPanel::pausedChanged);
    followed.run(plan);
    // About a second of backfill, then Pause.
    QTRY_VERIFY_WITH_TIMEOUT(stepClock.isValid() && stepClock.elapsed() > 800, 60000);
    QVERIFY(finished.isEmpty());
    QPushButton *pause = button(panel, "pauseButton");
    pause->click();
    QCOMPARE(pause->text(), QStringLiteral("&Resume"));
    QVERIFY(paused.wait(10000));
    QVERIFY(panel.isPaused());
    const BackfillProgress before = progress.last();
    QProgressBar *overall = bar(panel, "overallProgress");
    QProgressBar *step = bar(panel, "stepProgress");
    QCOMPARE(overall->property("state").toString(), QStringLiteral("paused"));
    QCOMPARE(step->property("state").toString(), QStringLiteral("paused"));
    QCOMPARE(overall->format(), QStringLiteral("Paused at step %1 of %2").arg(backfillStep + 1).arg(plan.steps.size()));
    QCOMPARE(step->format(), QStringLiteral("Paused at %p%"));
    QVERIFY(step->maximum() > 0); // not busy
    QCOMPARE(rateText(panel), QStringLiteral("Paused after %1 of about %2 rows: no rate or ETA while paused.")
                                  .arg(QLocale().toString(before.rowsDone), QLocale().toString(std::max(before.rowsTotal, before.rowsDone))));
    const qsizetype whilePaused = progress.size();
    QTest::qWait(2000);
    QCOMPARE(progress.size(), whilePaused); // nothing moves while paused
    pause->click();
    QVERIFY(paused.wait(10000));
    QVERIFY(!panel.isPaused());
    QCOMPARE(overall->property("state").toString(), QStringLiteral("running"));
    QVERIFY2(!overall->format().startsWith(QLatin1String("Paused")), qPrintable(overall->format()));
    QTRY_VERIFY_WITH_TIMEOUT(progress.size() > whilePaused, 10000);
    const BackfillProgress after = progress.at(whilePaused);
    // With the 2 s pause counted the rate would drop to about a third; left out, it stays near.
    qInfo("rate before the pause %.0f rows/s, after %.0f rows/s", before.rowsPerSecond, after.rowsPerSecond);
    QVERIFY2(after.rowsPerSecond > 0.6 * before.rowsPerSecond,
             qPrintable(QStringLiteral("%1 then %2").arg(before.rowsPerSecond).arg(after.rowsPerSecond)));
    QVERIFY(finished.wait(120000));
    QVERIFY2(panel.summary().startsWith(QLatin1String("<b>Done</b>")), qPrintable(panel.summary()));
    qInfo("backfill step: %.2f s reported, %lld ms on the wall clock", stepSeconds, stepWallMs);
    QVERIFY(stepSeconds > 0);
    QVERIFY2(stepSeconds * 1000 < stepWallMs - 1500, qPrintable(QStringLiteral("%1 s of %2 ms").arg(stepSeconds).arg(stepWallMs)));
    static const QRegularExpression pausedPart(QStringLiteral("^<b>Done</b> after [\\d.]+ s \\((\\d+\\.\\d) s of it paused\\)\\. "));
    const QRegularExpressionMatch m = pausedPart.match(panel.summary());
    QVERIFY2(m.hasMatch(), qPrintable(panel.summary()));
    QVERIFY(m.captured(1).toDouble() >= 1.9);
}

// A failed run: the bars stop where it stopped (no busy stripes), and it offers Resume and, as it
// applied steps, Roll Back.
void TestRunPanel::failedRunStopsTheBars()
{
    Demo demo;
    QVERIFY(demo.make());
    Plan plan;
    QString why;
    QVERIFY2(demo.plan(Code, RunSettings{}, &plan, &why), qPrintable(why));
    RunPanel panel;
    panel.show();
    Followed followed(panel, demo.profile, plan);
    int failedStep = -1;
    connect(followed.runner, &Runner::stepFailed, &panel, [&](int step, const QString &) { failedStep = step; });
    QSignalSpy finished(&panel, &RunPanel::finished);
    followed.run(plan);
    QVERIFY(finished.wait(120000));
    QVERIFY2(panel.summary().startsWith(QLatin1String("<b>Failed</b>")), qPrintable(panel.summary()));
    QVERIFY(failedStep > 0);
    QProgressBar *overall = bar(panel, "overallProgress");
    QProgressBar *step = bar(panel, "stepProgress");
    QCOMPARE(overall->property("state").toString(), QStringLiteral("stopped"));
    QCOMPARE(step->property("state").toString(), QStringLiteral("stopped"));
    QVERIFY(step->maximum() > 0); // determinate
    QVERIFY(overall->maximum() > 0);
    QCOMPARE(overall->value(), failedStep);
    QCOMPARE(overall->format(), QStringLiteral("Failed at step %1 of %2 (%3 done)").arg(failedStep + 1).arg(plan.steps.size()).arg(failedStep));
    QCOMPARE(step->format(), QStringLiteral("Failed"));
    QVERIFY(button(panel, "resumeRunButton")->isVisible());
    QVERIFY(button(panel, "rollbackButton")->isVisible());
    QVERIFY(!button(panel, "pauseButton")->isEnabled());
}

// A run that fails at its first step applied nothing: nothing to roll back, so no Roll Back; the
// run may be resumed (after fixing what failed).
void TestRunPanel::failedBeforeAnythingOffersNoRollBack()
{
    Demo demo;
    QVERIFY(demo.make());
    Plan plan;
    QString why;
    QVERIFY2(demo.plan(Code, RunSettings{}, &plan, &why), qPrintable(why));
    // The same plan, its first step replaced by one SQLite refuses.
    plan.steps.first().sql = QStringList{QStringLiteral("SELECT no_such_function(1)")};
    plan.steps.first().appliedSql.clear();
    RunPanel panel;
    panel.show();
    Followed followed(panel, demo.profile, plan);
    QSignalSpy finished(&panel, &RunPanel::finished);
    followed.runAsGiven(plan);
    QVERIFY(finished.wait(120000));
    QVERIFY2(panel.summary().startsWith(QLatin1String("<b>Failed</b>")), qPrintable(panel.summary()));
    QVERIFY2(panel.summary().contains(QLatin1String("Applied steps: none.")), qPrintable(panel.summary()));
    QProgressBar *overall = bar(panel, "overallProgress");
    QProgressBar *step = bar(panel, "stepProgress");
    QVERIFY(step->maximum() > 0);
    QCOMPARE(step->value(), 0);
    QCOMPARE(overall->value(), 0);
    QCOMPARE(overall->format(), QStringLiteral("Failed at step 1 of %1 (0 done)").arg(plan.steps.size()));
    QVERIFY(!button(panel, "rollbackButton")->isVisible());
    QVERIFY(button(panel, "resumeRunButton")->isVisible());
}

// Roll Back… from the panel: a confirmation of its own, named for the rollback, that says what is
// dropped (the column, its values, what the run made) and what stays; the Resume Run… button's
// confirmation is named for the resume.
void TestRunPanel::rollBackConfirmationSaysWhatIsDropped()
{
    Demo demo;
    QVERIFY(demo.make());
    Plan plan;
    QString why;
    QVERIFY2(demo.plan(Code, RunSettings{}, &plan, &why), qPrintable(why));
    QWidget window;
    auto *panel = new RunPanel(&window);
    window.resize(1024, 700);
    window.show();
    RunController controller(panel, &window);
    controller.setConnection(demo.profile, QStringLiteral("SQLite 3"));
    QSignalSpy finished(panel, &RunPanel::finished);
    controller.requestRun(plan);
    ConfirmRunDialog *dialog = confirmation(window);
    QVERIFY(dialog);
    QCOMPARE(dialog->windowTitle(), QStringLiteral("Run the migration?"));
    QCOMPARE(dialog->runButton()->text(), QStringLiteral("Run"));
    QVERIFY(confirm(window, QStringLiteral("orders")));
    QVERIFY(finished.wait(120000));
    QVERIFY2(panel->summary().startsWith(QLatin1String("<b>Failed</b>")), qPrintable(panel->summary()));
    QTRY_VERIFY(!window.findChild<ConfirmRunDialog *>(QStringLiteral("confirmRun"))); // the first one closed
    // The panel says Failed before the controller has let its runner go; until then it confirms nothing.
    QTRY_VERIFY(!controller.isRunning());

    button(*panel, "rollbackButton")->click();
    QVERIFY((dialog = confirmation(window)));
    QCOMPARE(dialog->windowTitle(), QStringLiteral("Roll back code on orders?"));
    QCOMPARE(dialog->runButton()->text(), QStringLiteral("Roll Back"));
    const QString text = dialogText(dialog);
    QVERIFY2(text.contains(QStringLiteral("on <b>SQLite 3 at %1</b>").arg(demo.profile.displayName().toHtmlEscaped())), qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("It drops the column code from main.orders, and every value in it, the backfilled values "
                                         "included: they are lost.")),
             qPrintable(text));
    QStringList made;
    for (int i = 0; i < plan.steps.size() && (plan.pointOfNoReturn < 0 || i < plan.pointOfNoReturn); ++i)
        for (const CreatedObject &o : plan.steps.at(i).creates)
            if (o.kind != CreatedObject::Kind::Table)
                made << o.name;
    for (const QString &name : std::as_const(made))
        QVERIFY2(text.contains(name), qPrintable(name + QLatin1String(" not named in: ") + text));
    QVERIFY2(text.contains(QLatin1String("What stays: the rows of main.orders, its other columns, and the indexes, constraints and "
                                         "triggers it had before the run.")),
             qPrintable(text));
    QVERIFY(!dialog->runButton()->isEnabled());
    dialog->reject();
    QTRY_VERIFY(!window.findChild<ConfirmRunDialog *>(QStringLiteral("confirmRun")));
    QCOMPARE(demo.scalar(QStringLiteral("SELECT count(*) FROM pragma_table_info('orders') WHERE name = 'code'")), 1); // nothing ran

    button(*panel, "resumeRunButton")->click();
    QVERIFY((dialog = confirmation(window)));
    QCOMPARE(dialog->windowTitle(), QStringLiteral("Resume adding code to orders?"));
    QCOMPARE(dialog->runButton()->text(), QStringLiteral("Resume"));
    dialog->reject();
    QTRY_VERIFY(!window.findChild<ConfirmRunDialog *>(QStringLiteral("confirmRun")));

    // Confirmed, the rollback runs: the column is gone.
    button(*panel, "rollbackButton")->click();
    QVERIFY(confirm(window, QStringLiteral("orders")));
    QVERIFY(finished.wait(120000));
    QVERIFY2(panel->summary().startsWith(QLatin1String("<b>Rolled back</b>")), qPrintable(panel->summary()));
    QCOMPARE(demo.scalar(QStringLiteral("SELECT count(*) FROM pragma_table_info('orders') WHERE name = 'code'")), 0);
}

// Cancel, then Resume Run… on the panel: the run continues from the journal on the same
// connection, names the step it resumes at, and ends with every step done (those of the run
// before included).
void TestRunPanel::cancelThenResumeFromThePanel()
{
    Demo demo;
    QVERIFY(demo.make());
    Plan plan;
    QString why;
    QVERIFY2(demo.plan(TotalEur, slowBatches(), &plan, &why), qPrintable(why));
    QWidget window;
    auto *panel = new RunPanel(&window);
    window.show();
    RunController controller(panel, &window);
    controller.setConnection(demo.profile, QStringLiteral("SQLite 3"));
    QSignalSpy finished(panel, &RunPanel::finished);
    controller.requestRun(plan);
    QVERIFY(confirm(window, QStringLiteral("orders")));
    QProgressBar *step = bar(*panel, "stepProgress");
    QTRY_VERIFY_WITH_TIMEOUT(step->maximum() > 0 && step->value() >= 20000, 60000);
    const QString runningAt = bar(*panel, "overallProgress")->format();
    button(*panel, "cancelButton")->click();
    QVERIFY(finished.wait(60000));
    QVERIFY2(panel->summary().startsWith(QLatin1String("<b>Cancelled</b>")), qPrintable(panel->summary()));
    QProgressBar *overall = bar(*panel, "overallProgress");
    const int doneBefore = overall->value();
    QVERIFY(doneBefore > 0);
    QCOMPARE(overall->format(), QStringLiteral("Cancelled at step %1 of %2 (%3 done)").arg(doneBefore + 1).arg(plan.steps.size()).arg(doneBefore));
    QVERIFY2(runningAt == QStringLiteral("step %1 of %2").arg(doneBefore + 1).arg(plan.steps.size()), qPrintable(runningAt));
    QPushButton *resume = button(*panel, "resumeRunButton");
    QVERIFY(resume->isVisible());
    QVERIFY(button(*panel, "rollbackButton")->isVisible()); // the column was added
    const qlonglong filled = demo.scalar(QStringLiteral("SELECT count(*) FROM orders WHERE total_eur IS NOT NULL"));
    QVERIFY(filled >= 20000);

    QTRY_VERIFY(!controller.isRunning()); // as above: the runner let go before a confirmation
    const qsizetype finishedBefore = finished.count();
    resume->click();
    QVERIFY(confirm(window, QStringLiteral("orders")));
    QVERIFY(!resume->isVisible());
    // The resumed run counts the steps the run before applied as done.
    QTRY_VERIFY_WITH_TIMEOUT(overall->format().startsWith(QLatin1String("step ")), 30000);
    QCOMPARE(overall->format(), QStringLiteral("step %1 of %2").arg(doneBefore + 1).arg(plan.steps.size()));
    QCOMPARE(overall->value(), doneBefore);
    QVERIFY(waitForEnd(*panel, finished, finishedBefore));
    QVERIFY2(panel->summary().startsWith(QLatin1String("<b>Done</b>")), qPrintable(panel->summary()));
    QCOMPARE(overall->value(), overall->maximum());
    QCOMPARE(overall->maximum(), int(plan.steps.size()));
    QCOMPARE(overall->format(), QStringLiteral("all %1 steps done").arg(plan.steps.size()));
    QVERIFY(!resume->isVisible());
    QCOMPARE(demo.scalar(QStringLiteral("SELECT count(*) FROM orders WHERE total_eur IS NULL OR total_eur <> total_cents / 100.0")), 0);
}

QTEST_MAIN(TestRunPanel)
#include "testrunpanel.moc"
