#include "unfinishedrun.h"

#include "common.h"
#include "run/planorigin.h"

#include <QCommandLineParser>

#include <algorithm>

namespace Stagecraft::Cli {

bool openUnfinished(const QCommandLineParser &parser, std::unique_ptr<DatabaseConnection> *connection, Journal::RunRecord *run,
                    int *code, const char *nothing)
{
    *code = openConnection(parser, connection);
    if (*code != Ok)
        return false;
    Journal journal(**connection);
    QList<Journal::RunRecord> runs;
    ConnectionError error;
    if (!journal.exists()) {
        out() << "No Stagecraft run was ever started on this database.\n" << nothing << "\n";
        return false;
    }
    if (!journal.unfinished(&runs, &error)) {
        err() << "stagecraft-cli: " << error.text() << "\n";
        *code = Failure;
        return false;
    }
    // A run is resumed or rolled back only on the engine and database it was made on: without
    // --run, the newest of those; one made elsewhere is named, with why, and left alone.
    const QString wanted = parser.value(QStringLiteral("run"));
    const PlanOrigin here = PlanOrigin::of(**connection);
    const auto found = std::find_if(runs.cbegin(), runs.cend(), [&](const Journal::RunRecord &r) {
        return wanted.isEmpty() ? r.origin.journaledRefusal(here).isEmpty() : r.runId == wanted;
    });
    if (found != runs.cend() && !found->origin.journaledRefusal(here).isEmpty()) {
        err() << "stagecraft-cli: run " << found->runId << " is neither resumed nor rolled back here: "
              << found->origin.journaledRefusal(here) << ". Nothing was changed.\n";
        *code = BadInput;
        return false;
    }
    if (found == runs.cend()) {
        // Without --run, every unfinished run here was made elsewhere (or there is none).
        for (const Journal::RunRecord &r : std::as_const(runs))
            if (wanted.isEmpty())
                err() << "stagecraft-cli: run " << r.runId << " (adding " << r.plan.spec.name << " to " << r.table
                      << ") is left alone: " << r.origin.journaledRefusal(here) << ".\n";
        out() << (!wanted.isEmpty()     ? QStringLiteral("No unfinished run %1.\n").arg(wanted)
                  : runs.isEmpty() ? QStringLiteral("No unfinished run.\n")
                                   : QStringLiteral("No unfinished run made on this database.\n"))
              << nothing << "\n";
        *code = wanted.isEmpty() ? Ok : BadInput;
        return false;
    }
    *run = *found;
    return true;
}

} // namespace Stagecraft::Cli
