#include "runhistory.h"

#include "connection/databaseconnection.h"
#include "plan/costmodel.h"
#include "plan/planformat.h"

#include <algorithm>

namespace Stagecraft {

bool RunHistory::read(const ConnectionProfile &profile, QList<Journal::RunRecord> *runs, ConnectionError *error)
{
    runs->clear();
    DatabaseConnection connection(profile);
    if (!connection.open(error))
        return false;
    Journal journal(connection);
    if (!journal.exists())
        return true; // nothing was ever run here
    return journal.history(runs, error);
}

QString RunHistory::outcome(const Journal::RunRecord &run)
{
    if (run.state == QLatin1String("rolled_back"))
        return QStringLiteral("rolled back");
    if (run.state == QLatin1String("waiting"))
        return QStringLiteral("waiting at a gate");
    return run.state; // done, cancelled, failed, interrupted, running
}

QString RunHistory::stepOutcome(Journal::StepState state)
{
    switch (state) {
    case Journal::StepState::Pending: return QStringLiteral("not run");
    case Journal::StepState::Running: return QStringLiteral("running");
    case Journal::StepState::Done: return QStringLiteral("done");
    case Journal::StepState::Skipped: return QStringLiteral("skipped");
    case Journal::StepState::Failed: return QStringLiteral("failed");
    case Journal::StepState::RolledBack: return QStringLiteral("rolled back");
    case Journal::StepState::Interrupted: return QStringLiteral("interrupted");
    case Journal::StepState::Waiting: return QStringLiteral("waiting");
    }
    return {};
}

int RunHistory::stepsApplied(const Journal::RunRecord &run)
{
    return int(std::count_if(run.steps.cbegin(), run.steps.cend(), [](const Journal::StepRecord &s) { return s.state == Journal::StepState::Done; }));
}

QDateTime RunHistory::ended(const Journal::RunRecord &run)
{
    return run.state == QLatin1String("running") ? QDateTime() : run.updatedAt;
}

double RunHistory::seconds(const QDateTime &start, const QDateTime &end)
{
    return start.isValid() && end.isValid() ? start.msecsTo(end) / 1000.0 : -1;
}

QString RunHistory::timeText(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'")) : QStringLiteral("—");
}

QString RunHistory::durationText(double seconds)
{
    return seconds < 0 ? QStringLiteral("—") : QStringLiteral("%1 s").arg(seconds, 0, 'f', seconds < 10 ? 2 : 0);
}

double RunHistory::stepSeconds(const Journal::StepRecord &step)
{
    const bool ended = step.state != Journal::StepState::Pending && step.state != Journal::StepState::Running;
    if (step.actualSeconds >= 0)
        return step.actualSeconds;
    return ended ? seconds(step.startedAt, step.updatedAt) : -1;
}

double RunHistory::versusEstimate(const Journal::StepRecord &step)
{
    if (step.state != Journal::StepState::Done || step.actualSeconds < 0 || step.estimatedSeconds <= 0)
        return -1;
    if (step.estimatedSeconds <= CostModel::CatalogOnlySeconds * 1.5 && step.actualSeconds < 0.5)
        return -1;
    return step.actualSeconds / step.estimatedSeconds;
}

QString RunHistory::versusText(double ratio)
{
    if (ratio < 0)
        return {};
    const QString factor = QStringLiteral("%1x").arg(QString::number(ratio, 'f', ratio < 10 ? 2 : 0));
    if (ratio > CostModel::RangeHigh)
        return factor + QStringLiteral(": slower than the range");
    if (ratio < CostModel::RangeLow)
        return factor + QStringLiteral(": faster than the range");
    return factor;
}

int RunHistory::pacedStep(const Journal::RunRecord &run)
{
    for (int i = 0; i < run.steps.size(); ++i) {
        if (!run.steps.at(i).pacing.isEmpty())
            return i;
    }
    return -1;
}

QString RunHistory::pacingSection(const BackfillSeries &series, int step, const QString &chartPicture)
{
    const BackfillSeries::Figures f = series.figures();
    const auto ms = [](double v) { return v < 0 ? QStringLiteral("not watched") : QStringLiteral("%1 ms").arg(qRound(v)); };
    QString text = QStringLiteral("### Backfill pacing (step %1)\n\n").arg(step + 1);
    if (!chartPicture.isEmpty())
        text += QStringLiteral("![The backfill over time: rows per second and batch size, the writers its batches made wait, "
                               "the replicas' lag; shaded where the run waited](%1)\n\n")
                    .arg(chartPicture);
    text += QLatin1String("| batches | median batch | largest batch | most writers waiting | longest wait | largest replica lag | time waited |\n"
                          "|---:|---:|---:|---:|---:|---:|---:|\n");
    text += QStringLiteral("| %1 | %2 rows | %3 rows | %4 | %5 | %6 | %7 |\n\n")
                .arg(QString::number(f.batches), QString::number(f.medianBatchSize), QString::number(f.maxBatchSize),
                     f.maxWritersWaiting < 0 ? QStringLiteral("not watched") : QString::number(f.maxWritersWaiting), ms(f.longestWaitMs),
                     f.maxReplicaLagSeconds < 0 ? QStringLiteral("no replica watched")
                                                : QStringLiteral("%1 s%2").arg(QString::number(f.maxReplicaLagSeconds, 'f', 1),
                                                                                f.laggingReplica.isEmpty() ? QString()
                                                                                                           : QStringLiteral(" (%1)").arg(f.laggingReplica)),
                     durationText(f.throttledSeconds));
    return text;
}

QString RunHistory::timingsSection(const StageTimings &timings)
{
    if (timings.isEmpty())
        return {};
    QString text = QStringLiteral("### Query performance between stages\n\n");
    if (!timings.unavailable().isEmpty())
        return text + QStringLiteral("Not measured. %1\n\n").arg(timings.unavailable());
    const QList<StageTimings::Statement> top = timings.statements();
    if (top.isEmpty())
        return text + QStringLiteral("No statement of the application's on the table was timed.\n\n");
    text += QStringLiteral("The application's statements on the table that took the most time, as the server timed them: the mean "
                           "per call before the run (since the statistics were last reset), during the backfill and during the "
                           "enforce and index stages (at least %1 calls in a phase).\n\n")
                .arg(StageTimings::MinCalls);
    text += QLatin1String("| statement | before | backfill | enforce and index |\n|---|---:|---:|---:|\n");
    const auto cell = [](const StageTimings::Mean &before, const StageTimings::Mean &mean, bool measured) {
        return measured ? StageTimings::meanText(mean) + StageTimings::factorText(before, mean) : QStringLiteral("not measured");
    };
    for (const StageTimings::Statement &s : top)
        text += QStringLiteral("| `%1` | %2 | %3 | %4 |\n")
                    .arg(StageTimings::shortened(s.text).replace(QLatin1Char('|'), QLatin1String("\\|")).replace(QLatin1Char('`'), QLatin1Char('\'')),
                         StageTimings::meanText(s.before), cell(s.before, s.backfill, timings.measuresBackfill()),
                         cell(s.before, s.enforce, timings.measuresEnforce()));
    return text + QLatin1Char('\n');
}

QString RunHistory::report(const Journal::RunRecord &run, const QString &chartPicture)
{
    QString outcomeText = QStringLiteral("## Outcome: %1\n\n").arg(outcome(run));
    // Where it ran: an older journal's runs know only their engine.
    const QString where = run.origin.database.isEmpty() ? engineName(run.origin.engine) : run.origin.displayName();
    outcomeText += QStringLiteral("Run `%1` on %2: started %3, ended %4 (%5); %6 of %7 steps applied.\n\n")
                       .arg(run.runId, where, timeText(run.startedAt), timeText(ended(run)), durationText(seconds(run.startedAt, ended(run))),
                            QString::number(stepsApplied(run)), QString::number(run.plan.steps.size()));
    outcomeText += QLatin1String("| # | step | outcome | started | ended | estimate | time | vs estimate | rows estimated | rows done | attempts | message |\n"
                                 "|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---|\n");
    for (int i = 0; i < run.steps.size(); ++i) {
        const Journal::StepRecord &s = run.steps.at(i);
        const bool ran = s.state != Journal::StepState::Pending && s.state != Journal::StepState::Running;
        const QDateTime end = ran ? s.updatedAt : QDateTime();
        outcomeText += QStringLiteral("| %1 | %2 | %3 | %4 | %5 | %6 | %7 | %8 | %9 | %10 | %11 | %12 |\n")
                           .arg(QString::number(i + 1), i < run.plan.steps.size() ? run.plan.steps.at(i).title : QString(),
                                stepOutcome(s.state), timeText(s.startedAt), timeText(end),
                                s.estimatedSeconds > 0 ? CostModel::rangeText(s.estimatedSeconds) : QString(),
                                durationText(ran ? stepSeconds(s) : -1), versusText(versusEstimate(s)),
                                s.estimatedRows > 0 ? QString::number(s.estimatedRows) : QString())
                           .arg(s.rowsDone ? QString::number(s.rowsDone) : QString(), QString::number(s.attempts),
                                QString(s.error).replace(QLatin1Char('|'), QLatin1String("\\|")).simplified());
    }
    outcomeText += QLatin1Char('\n');
    const int paced = pacedStep(run);
    if (paced >= 0)
        outcomeText += pacingSection(run.steps.at(paced).pacing, paced, chartPicture);
    outcomeText += timingsSection(run.timings);
    QString text = PlanFormat::toMarkdown(run.plan);
    // After the title: the outcome is what the reader of a past run's report wants first.
    const qsizetype afterTitle = text.indexOf(QLatin1String("\n\n"));
    text.insert(afterTitle < 0 ? text.size() : afterTitle + 2, outcomeText);
    return text;
}

} // namespace Stagecraft
