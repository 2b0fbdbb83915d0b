// Runs, resumes or rolls back a plan on the runner, printing its progress; Ctrl-C (or SIGTERM)
// stops after the current batch, kept in the journal for `resume`.
#pragma once

#include "connection/databaseconnection.h"
#include "plan/plan.h"

#include <QString>

class QCommandLineParser;

namespace Stagecraft::Cli {

enum class Mode { Run, Resume, Rollback };

// Closes `connection` (the runner opens its own) and runs. A run goes by its plan's settings; a
// resume or rollback (runId) by the journaled plan's, unless run-settings flags are given now.
// Returns Ok when the run is done (rolled back, for a rollback), else an exit code.
[[nodiscard]] int execute(const QCommandLineParser &parser, DatabaseConnection &connection, const Plan &plan, const QString &runId,
                          Mode mode);

} // namespace Stagecraft::Cli
