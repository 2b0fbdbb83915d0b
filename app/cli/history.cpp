// stagecraft-cli history: the runs recorded in a database's journal, newest first, each step's
// estimate beside the time it took and the rows it did (text, or --format json).

#include "commands.h"
#include "common.h"

#include "plan/costmodel.h"
#include "run/journal.h"
#include "run/runhistory.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace Stagecraft::Cli {

namespace {

QJsonValue number(double value)
{
    return value < 0 ? QJsonValue() : QJsonValue(std::round(value * 1000.0) / 1000.0);
}

QJsonValue count(qint64 value)
{
    return value < 0 ? QJsonValue() : QJsonValue(value);
}

QJsonObject runJson(const Journal::RunRecord &run)
{
    QJsonArray steps;
    for (int i = 0; i < run.steps.size(); ++i) {
        const Journal::StepRecord &s = run.steps.at(i);
        steps.append(QJsonObject{{QStringLiteral("step"), i + 1},
                                 {QStringLiteral("title"), i < run.plan.steps.size() ? run.plan.steps.at(i).title : QString()},
                                 {QStringLiteral("outcome"), RunHistory::stepOutcome(s.state)},
                                 {QStringLiteral("estimated_seconds"), number(s.estimatedSeconds)},
                                 {QStringLiteral("estimated_range"), s.estimatedSeconds > 0 ? CostModel::rangeText(s.estimatedSeconds) : QString()},
                                 {QStringLiteral("actual_seconds"), number(RunHistory::stepSeconds(s))},
                                 {QStringLiteral("versus_estimate"), number(RunHistory::versusEstimate(s))},
                                 {QStringLiteral("estimated_rows"), count(s.estimatedRows)},
                                 {QStringLiteral("rows_done"), s.rowsDone},
                                 {QStringLiteral("attempts"), s.attempts},
                                 {QStringLiteral("message"), s.error}});
    }
    const QDateTime ended = RunHistory::ended(run);
    return {{QStringLiteral("run_id"), run.runId},
            {QStringLiteral("table"), run.table},
            {QStringLiteral("column"), run.column},
            {QStringLiteral("outcome"), RunHistory::outcome(run)},
            {QStringLiteral("started_at"), run.startedAt.toString(Qt::ISODate)},
            {QStringLiteral("ended_at"), ended.isValid() ? QJsonValue(ended.toString(Qt::ISODate)) : QJsonValue()},
            {QStringLiteral("estimated_rows"), count(run.plan.estimatedRows)},
            {QStringLiteral("steps"), steps}};
}

QString orDash(const QString &text)
{
    return text.isEmpty() ? QStringLiteral("-") : text;
}

void printRun(const Journal::RunRecord &run)
{
    const QDateTime ended = RunHistory::ended(run);
    const double total = RunHistory::seconds(run.startedAt, ended);
    out() << "# run " << run.runId << " on " << run.table << "." << run.column << ": " << RunHistory::outcome(run) << ", started "
          << RunHistory::timeText(run.startedAt) << (total >= 0 ? QStringLiteral(", %1 in all").arg(RunHistory::durationText(total)) : QString())
          << "\n";
    out() << "step\ttitle\toutcome\testimate\tactual\tvs estimate\trows estimated\trows done\n";
    for (int i = 0; i < run.steps.size(); ++i) {
        const Journal::StepRecord &s = run.steps.at(i);
        const double actual = RunHistory::stepSeconds(s);
        out() << (i + 1) << '\t' << (i < run.plan.steps.size() ? run.plan.steps.at(i).title : QString()) << '\t'
              << RunHistory::stepOutcome(s.state) << '\t'
              << orDash(s.estimatedSeconds > 0 ? CostModel::rangeText(s.estimatedSeconds) : QString()) << '\t'
              << orDash(actual >= 0 ? RunHistory::durationText(actual) : QString()) << '\t'
              << orDash(RunHistory::versusText(RunHistory::versusEstimate(s))) << '\t'
              << orDash(s.estimatedRows > 0 ? QString::number(s.estimatedRows) : QString()) << '\t'
              << orDash(s.rowsDone > 0 ? QString::number(s.rowsDone) : QString()) << "\n";
    }
}

} // namespace

int history(const QCommandLineParser &parser)
{
    const QString format = parser.isSet(QStringLiteral("format")) ? parser.value(QStringLiteral("format")) : QStringLiteral("text");
    if (format != QLatin1String("text") && format != QLatin1String("json")) {
        err() << "stagecraft-cli: history --format is text or json, not '" << format << "'\n";
        return BadInput;
    }
    std::unique_ptr<DatabaseConnection> opened;
    if (const int code = openConnection(parser, &opened); code != Ok)
        return code;
    Journal journal(*opened);
    QList<Journal::RunRecord> runs;
    ConnectionError error;
    if (journal.exists() && !journal.history(&runs, &error)) {
        err() << "stagecraft-cli: " << error.text() << "\n";
        return Failure;
    }
    const QString only = parser.value(QStringLiteral("run"));
    if (!only.isEmpty()) {
        runs.removeIf([&](const Journal::RunRecord &r) { return r.runId != only; });
        if (runs.isEmpty()) {
            err() << "stagecraft-cli: no run " << only << " in the journal of " << opened->profile().displayName() << "\n";
            return BadInput;
        }
    }
    if (format == QLatin1String("json")) {
        QJsonArray list;
        for (const Journal::RunRecord &r : std::as_const(runs))
            list.append(runJson(r));
        out() << QJsonDocument(list).toJson(QJsonDocument::Indented);
        return Ok;
    }
    if (runs.isEmpty()) {
        out() << "# no run recorded on " << opened->profile().displayName() << "\n";
        return Ok;
    }
    for (int i = 0; i < runs.size(); ++i) {
        if (i > 0)
            out() << "\n";
        printRun(runs.at(i));
    }
    return Ok;
}

} // namespace Stagecraft::Cli
