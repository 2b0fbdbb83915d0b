// Finds the run that `resume` and `rollback` act on: the newest unfinished run made on this engine
// and database, or the one --run names.
#pragma once

#include "connection/databaseconnection.h"
#include "run/journal.h"

#include <memory>

class QCommandLineParser;

namespace Stagecraft::Cli {

// Connects, then finds the newest unfinished run or the one --run names; false with *code set
// when there is none (after saying so and `nothing`) or on failure.
[[nodiscard]] bool openUnfinished(const QCommandLineParser &parser, std::unique_ptr<DatabaseConnection> *connection,
                                  Journal::RunRecord *run, int *code, const char *nothing);

} // namespace Stagecraft::Cli
