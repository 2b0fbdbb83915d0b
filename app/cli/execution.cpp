#include "execution.h"

#include "common.h"
#include "progressprinter.h"
#include "run/runner.h"

#include <QCommandLineParser>

#include <csignal>
#include <optional>
#include <unistd.h>

namespace Stagecraft::Cli {

namespace {

// The runner a signal stops: a signal handler can reach no other state.
Runner *activeRunner = nullptr;

void onInterrupt(int)
{
    if (activeRunner)
        activeRunner->stopAfterBatch();
}

} // namespace

int execute(const QCommandLineParser &parser, DatabaseConnection &connection, const Plan &plan, const QString &runId, Mode mode)
{
    std::optional<RunSettings> settings;
    if (mode != Mode::Run && hasRunFlags(parser)) {
        RunSettings changed;
        if (const int code = runSettingsFromFlags(parser, connection.engine(), plan.settings, &changed); code != Ok)
            return code;
        settings = changed;
    }
    const bool json = parser.value(QStringLiteral("progress")) == QLatin1String("json");
    ProgressPrinter printer(json, !json && isatty(STDOUT_FILENO));
    connection.close(); // the runner opens its own
    Runner runner(connection.profile(), settings);
    printer.attach(runner);
    activeRunner = &runner;
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    switch (mode) {
    case Mode::Run: runner.run(plan); break;
    case Mode::Resume: runner.resumeRun(runId); break;
    case Mode::Rollback: runner.rollbackRun(runId); break;
    }
    activeRunner = nullptr;
    return printer.outcome() == (mode == Mode::Rollback ? RunOutcome::RolledBack : RunOutcome::Done) ? Ok : RunStopped;
}

} // namespace Stagecraft::Cli
