// What several stagecraft-cli commands share: the output streams, the exit codes, opening the
// connection (with the password prompt), the run settings from the flags and the typed confirmation.
#pragma once

#include "connection/databaseconnection.h"
#include "plan/plan.h"

#include <QString>
#include <QTextStream>

#include <memory>

class QCommandLineParser;

namespace Stagecraft::Cli {

// The exit codes --help promises; scripts and tests rely on them.
// CannotConnect also when the connection is lost half-way (plan, run); PromiseBroken when a run
// applied every step but the table read back does not keep what the spec asked for; AtGate when a
// run stopped at a deploy gate, waiting for the application (resume continues past it).
enum ExitCode { Ok = 0, Failure = 1, BadInput = 2, CannotConnect = 3, RunStopped = 4, PromiseBroken = 5, AtGate = 6 };

QTextStream &out();
QTextStream &err();

// --connection, else $STAGECRAFT_CONNECTION.
[[nodiscard]] QString connectionUrl(const QCommandLineParser &parser);

// Parses the URL (connectionUrl) and opens the connection. The password comes from the URL, then
// STAGECRAFT_PASSWORD, then a prompt (with --password-prompt, or on a terminal when the server
// refuses an empty one). Returns an exit code: Ok, BadInput or CannotConnect.
[[nodiscard]] int openConnection(const QCommandLineParser &parser, std::unique_ptr<DatabaseConnection> *connection);

// Whether any flag that changes the run settings is given.
[[nodiscard]] bool hasRunFlags(const QCommandLineParser &parser);

// The run settings the flags give, over base: what a plan is made with (plan, run), or what a
// resume or rollback goes by instead of its journaled plan's. Returns an exit code.
[[nodiscard]] int runSettingsFromFlags(const QCommandLineParser &parser, Engine engine, const RunSettings &base,
                                       RunSettings *settings);

// Nothing runs without an explicit confirmation naming the server, the database and the table.
// `action` says what will be done, when it is not running the plan (a rollback).
[[nodiscard]] bool confirmed(const QCommandLineParser &parser, const DatabaseConnection &connection, const Plan &plan,
                             const QString &action = {});

} // namespace Stagecraft::Cli
