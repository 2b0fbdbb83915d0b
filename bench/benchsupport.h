#pragma once

// What the backfill and traffic benchmarks share: a big table, a validated plan, a run, and the
// result files (a Markdown table and a CSV) written beside the catalog benchmark's.

#include "connection/databaseconnection.h"
#include "plan/plan.h"
#include "run/runner.h"

#include <QString>
#include <QStringList>

namespace Stagecraft::Bench {

// CREATE TABLE name (id bigint PRIMARY KEY, cents int NOT NULL) with rows rows, analysed.
[[nodiscard]] bool makeTable(const ConnectionProfile &profile, const QString &name, qint64 rows, QString *error);
// Validates the column (JSON of the spec's "column" object) on the table and plans it.
[[nodiscard]] bool planColumn(const ConnectionProfile &profile, const QString &table, const QString &columnJson, Plan *plan,
                              QString *error);
// Runs the plan with the runner; *stepSeconds gets each step's time. False with *error if it did not
// finish. With stopAtGate, a run that waits at a deploy gate counts as finished: the application
// would be deployed there, so a benchmark of writers that do not know the column ends there.
[[nodiscard]] bool runPlan(const ConnectionProfile &profile, const Plan &plan, QList<double> *stepSeconds, QString *error,
                           const RunSettings &options = {}, bool stopAtGate = false);
// Runs statements on a connection of their own, timed.
[[nodiscard]] bool timed(const ConnectionProfile &profile, const QStringList &statements, double *seconds, QString *error);
// Writes DIR/name.md (a Markdown table: header, then rows) and DIR/name.csv, and prints the Markdown.
void writeTable(const QString &dir, const QString &name, const QStringList &header, const QList<QStringList> &rows,
                const QString &note);
[[nodiscard]] double median(QList<double> values);

} // namespace Stagecraft::Bench
