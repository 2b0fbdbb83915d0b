// The desktop app's responsiveness and the planner's speed:
// - the GUI event loop's stall while a run adds a column to the demo's 200,000 orders (a copy),
//   against the same window idle: a 10 ms timer's lateness, p50 / p99 / max;
// - plan generation: Planner::plan for a validated column, time per plan, against validating and
//   planning (the server round trips the designer pays on each edit).
//
//   benchgui [--out DIR]     (offscreen; needs the demo database, created on first use)
//
// Writes DIR/gui.md and DIR/gui.csv.

#include "benchsupport.h"
#include "confirmrundialog.h"
#include "demo/demodatabase.h"
#include "mainwindow.h"
#include "plan/planner.h"
#include "plan/specvalidator.h"
#include "planview.h"
#include "testservers.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <cstdio>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

namespace {

double percentile(QList<double> v, double p)
{
    if (v.isEmpty())
        return 0;
    std::sort(v.begin(), v.end());
    return v.at(std::min<qsizetype>(v.size() - 1, qsizetype(p * double(v.size()))));
}

// Lateness of a 10 ms timer, in ms, while `until` is false.
QList<double> timerLateness(const std::function<bool()> &until)
{
    QList<double> late;
    QElapsedTimer clock;
    clock.start();
    qint64 last = clock.nsecsElapsed();
    QTimer timer;
    timer.setTimerType(Qt::PreciseTimer);
    QObject::connect(&timer, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        late << std::max(0.0, (now - last) / 1e6 - 10.0);
        last = now;
    });
    timer.start(10);
    while (!until())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    return late;
}

bool waitFor(QSignalSpy &spy, int ms)
{
    return spy.count() > 0 || spy.wait(ms);
}

} // namespace

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("out"), QStringLiteral("Where to write gui.md and gui.csv."), QStringLiteral("DIR"),
                      QStringLiteral("bench-results")});
    parser.process(app);
    QList<QStringList> rows;

    // 1. The event loop, idle and during a run.
    QString error;
    QTemporaryDir dir;
    const QString copy = dir.filePath(QStringLiteral("shop.sqlite"));
    if (!DemoDatabase::ensure(DemoDatabase::defaultPath(), &error) || !QFile::copy(DemoDatabase::defaultPath(), copy)) {
        std::fprintf(stderr, "benchgui: the demo database: %s\n", qPrintable(error));
        return 1;
    }
    MainWindow window;
    window.show();
    QSignalSpy ready(&window, &MainWindow::ready);
    window.openUrl(QStringLiteral("sqlite://") + copy);
    if (!waitFor(ready, 60000))
        return 1;
    QSignalSpy shown(&window, &MainWindow::planShown);
    window.planSpecFile(QStringLiteral(STAGECRAFT_SOURCE_DIR "/resources/demo/orders-total-eur.json"));
    if (!waitFor(shown, 60000))
        return 1;
    QElapsedTimer idleClock;
    idleClock.start();
    const QList<double> idle = timerLateness([&] { return idleClock.elapsed() > 3000; });
    QSignalSpy ended(&window, &MainWindow::runEnded);
    window.planView()->runButton()->click();
    ConfirmRunDialog *confirm = nullptr;
    for (int i = 0; i < 100 && !(confirm = window.findChild<ConfirmRunDialog *>()); ++i)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    if (!confirm)
        return 1;
    confirm->confirmationEdit()->setText(QStringLiteral("orders"));
    confirm->runButton()->click();
    QElapsedTimer runClock;
    runClock.start();
    const QList<double> during = timerLateness([&] { return ended.count() > 0; });
    const double runSeconds = runClock.elapsed() / 1000.0;
    for (const auto &[what, late] : {std::pair{QStringLiteral("window idle"), idle}, std::pair{QStringLiteral("during the run"), during}})
        rows << QStringList{QStringLiteral("event loop: 10 ms timer lateness, %1").arg(what), QString::number(late.size()),
                            QString::number(percentile(late, 0.5), 'f', 2), QString::number(percentile(late, 0.99), 'f', 2),
                            QString::number(percentile(late, 1.0), 'f', 1)};

    // 2. Plan generation on PostgreSQL's planner: the pure planner against validate + plan.
    ConnectionProfile profile;
    if (TestServers::profileFor(QStringLiteral("postgresql"), &profile, &error)
        && Bench::makeTable(profile, QStringLiteral("planned"), 10000, &error)) {
        DatabaseConnection connection(profile);
        ConnectionError e;
        if (connection.open(&e)) {
            ColumnSpec spec;
            QList<SpecProblem> problems;
            PlannerInput input;
            static_cast<void>(ColumnSpec::fromJson(R"j({"table": "public.planned", "column": {"name": "euros", "type": "numeric(12,2)", "nullable": false, "backfill": "cents / 100.0", "check": "euros >= 0", "index": true}})j",
                                                   &spec, &problems));
            if (SpecValidator(connection).validate(spec, &input, &problems)) {
                QList<double> pure, full;
                for (int i = 0; i < 200; ++i) {
                    QElapsedTimer t;
                    t.start();
                    const Plan plan = Planner::plan(input);
                    pure << t.nsecsElapsed() / 1e6;
                    Q_UNUSED(plan)
                }
                for (int i = 0; i < 20; ++i) {
                    QElapsedTimer t;
                    t.start();
                    PlannerInput again;
                    QList<SpecProblem> p;
                    if (SpecValidator(connection).validate(spec, &again, &p))
                        static_cast<void>(Planner::plan(again));
                    full << t.nsecsElapsed() / 1e6;
                }
                rows << QStringList{QStringLiteral("plan generation (ms): the planner alone"), QString::number(pure.size()),
                                    QString::number(percentile(pure, 0.5), 'f', 3), QString::number(percentile(pure, 0.99), 'f', 3),
                                    QString::number(percentile(pure, 1.0), 'f', 3)}
                     << QStringList{QStringLiteral("plan generation (ms): validation on the server + planner"), QString::number(full.size()),
                                    QString::number(percentile(full, 0.5), 'f', 1), QString::number(percentile(full, 0.99), 'f', 1),
                                    QString::number(percentile(full, 1.0), 'f', 1)};
            }
        }
    }
    Bench::writeTable(parser.value(QStringLiteral("out")), QStringLiteral("gui"),
                      {QStringLiteral("measure"), QStringLiteral("samples"), QStringLiteral("p50"), QStringLiteral("p99"), QStringLiteral("max")},
                      rows,
                      QStringLiteral("Event loop: the main window offscreen, a run adding total_eur to the demo's 200,000 orders "
                                     "(%1 s) on its worker thread; lateness in ms. Plan generation on PostgreSQL, a 10,000-row "
                                     "table. %2 cores, %3.")
                          .arg(runSeconds, 0, 'f', 1)
                          .arg(QThread::idealThreadCount())
                          .arg(QSysInfo::prettyProductName()));
    TestServers::stopAll();
    return 0;
}
