// stagecraft-cli rollback: undo what an unfinished (failed or cancelled) run applied, last step first.

#include "commands.h"
#include "common.h"
#include "execution.h"
#include "unfinishedrun.h"

#include "run/rollbackplan.h"

#include <QCommandLineParser>

namespace Stagecraft::Cli {

// Undoes what an unfinished run applied (before the point of no return).
int rollback(const QCommandLineParser &parser)
{
    std::unique_ptr<DatabaseConnection> connection;
    Journal::RunRecord run;
    int code = Ok;
    if (!openUnfinished(parser, &connection, &run, &code, "Nothing to roll back."))
        return code;
    const QList<int> touched = RollbackPlan::touchedSteps(run.steps);
    if (const QString refusal = RollbackPlan::refusal(run.plan, run.steps); !refusal.isEmpty()) {
        err() << "stagecraft-cli: run " << run.runId << " cannot be rolled back: " << refusal << ". Nothing was changed.\n";
        return BadInput;
    }
    QStringList steps;
    for (auto it = touched.crbegin(); it != touched.crend(); ++it)
        steps << QStringLiteral("%1 (%2)").arg(*it + 1).arg(run.plan.steps.at(*it).title);
    const QString action = QStringLiteral("undo what run %1 applied for column %2: %3")
                               .arg(run.runId, run.plan.spec.name, steps.isEmpty() ? QStringLiteral("nothing") : steps.join(QLatin1String(", ")));
    if (!confirmed(parser, *connection, run.plan, action))
        return BadInput;
    return execute(parser, *connection, run.plan, run.runId, Mode::Rollback);
}

} // namespace Stagecraft::Cli
