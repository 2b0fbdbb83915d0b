// stagecraft-cli resume: continue an unfinished run from where its journal says it stopped.

#include "commands.h"
#include "common.h"
#include "execution.h"
#include "unfinishedrun.h"

#include <QCommandLineParser>

namespace Stagecraft::Cli {

int resume(const QCommandLineParser &parser)
{
    std::unique_ptr<DatabaseConnection> connection;
    Journal::RunRecord run;
    int code = Ok;
    if (!openUnfinished(parser, &connection, &run, &code, "Nothing to resume."))
        return code;
    if (!confirmed(parser, *connection, run.plan))
        return BadInput;
    return execute(parser, *connection, run.plan, run.runId, Mode::Resume);
}

} // namespace Stagecraft::Cli
