// stagecraft-cli's commands, one file each (as KeePassXC's src/cli): main.cpp parses the options,
// which all commands share, and calls the command named first. Each returns an exit code.
#pragma once

class QCommandLineParser;

namespace Stagecraft::Cli {

int tables(const QCommandLineParser &parser);   // tables.cpp: the tables with row counts and sizes
int plan(const QCommandLineParser &parser);     // plan.cpp: plan a column, as JSON, SQL, a report or migration files
int run(const QCommandLineParser &parser);      // run.cpp: plan the column, then run the plan
int resume(const QCommandLineParser &parser);   // resume.cpp: continue an unfinished run
int rollback(const QCommandLineParser &parser); // rollback.cpp: undo what an unfinished run applied
int demo(const QCommandLineParser &parser);     // demo.cpp: generate the demo database, print its URL
int history(const QCommandLineParser &parser);  // history.cpp: the runs in the journal, estimates beside actuals
int rehearse(const QCommandLineParser &parser); // rehearse.cpp: run the plan on a scratch copy under a synthetic writer
int rehearseCleanup(const QCommandLineParser &parser); // rehearse.cpp: the guard that drops a rehearsal's copy

} // namespace Stagecraft::Cli
