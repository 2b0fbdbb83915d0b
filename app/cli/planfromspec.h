// The column spec from --spec, checked by the server and planned: what `plan` shows and `run` runs.
#pragma once

#include "connection/databaseconnection.h"
#include "plan/plan.h"

#include <memory>

class QCommandLineParser;

namespace Stagecraft::Cli {

// Reads the spec, connects, validates and plans (with --target-version and the run-settings flags).
// Every problem goes to stderr naming its field. Returns an exit code. *table (when given) is the
// table as the catalog described it for the plan.
[[nodiscard]] int makePlan(const QCommandLineParser &parser, std::unique_ptr<DatabaseConnection> *connection, Plan *result,
                           TableDetails *table = nullptr);

} // namespace Stagecraft::Cli
