#include "execution.h"

#include "common.h"
#include "progressprinter.h"
#include "signalcancel.h"
#include "run/runner.h"

#include <QCommandLineParser>

#include <optional>
#include <unistd.h>

namespace Stagecraft::Cli {

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
    runner.setPassGates(parser.isSet(QStringLiteral("through-gates")));
    {
        const SignalCancel cancelOnSignal(runner); // SIGINT, SIGTERM: cancel, on the server too
        switch (mode) {
        case Mode::Run: runner.run(plan); break;
        case Mode::Resume: runner.resumeRun(runId); break;
        case Mode::Rollback: runner.rollbackRun(runId); break;
        }
    }
    switch (printer.outcome()) {
    case RunOutcome::Done: return mode == Mode::Rollback ? RunStopped : Ok;
    case RunOutcome::RolledBack: return mode == Mode::Rollback ? Ok : RunStopped;
    case RunOutcome::VerificationFailed: return PromiseBroken;
    case RunOutcome::ConnectionLost: return CannotConnect;
    case RunOutcome::WaitingAtGate: return AtGate;
    case RunOutcome::Cancelled:
    case RunOutcome::Failed: return RunStopped;
    }
    return RunStopped;
}

} // namespace Stagecraft::Cli
