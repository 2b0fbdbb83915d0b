#pragma once

#include "connection/connectionerror.h"
#include "connection/connectionprofile.h"
#include "journal.h"

#include <QList>
#include <QString>

namespace Stagecraft {

// The past runs on a database, read from its journal, and what History says about each: the
// outcome in a word, the steps applied, how long it took, and the plan's report with the outcome.
class RunHistory
{
public:
    // Opens a connection of its own (call it off the GUI thread) and reads every run, newest first;
    // none when the database has no journal.
    [[nodiscard]] static bool read(const ConnectionProfile &profile, QList<Journal::RunRecord> *runs, ConnectionError *error);
    // done, cancelled, failed, rolled back, interrupted, waiting at a gate, running.
    [[nodiscard]] static QString outcome(const Journal::RunRecord &run);
    // A step's state in words: done, skipped, failed, rolled back, interrupted, waiting, running, not run.
    [[nodiscard]] static QString stepOutcome(Journal::StepState state);
    // The steps done (applied and still in place, as far as the journal knows).
    [[nodiscard]] static int stepsApplied(const Journal::RunRecord &run);
    // When it ended (its last change of state); null while it is running.
    [[nodiscard]] static QDateTime ended(const Journal::RunRecord &run);
    // A time as reports and the command line give it: "2026-12-03 10:12:00 UTC"; "—" when unknown.
    [[nodiscard]] static QString timeText(const QDateTime &time);
    // "0.42 s", "12 s"; "—" when unknown (< 0).
    [[nodiscard]] static QString durationText(double seconds);
    // Seconds from start to end; -1 when either is unknown.
    [[nodiscard]] static double seconds(const QDateTime &start, const QDateTime &end);
    // The seconds a step ran: as journaled (pauses left out, attempts added), else from its start to
    // its end; -1 when neither is known or it has not ended.
    [[nodiscard]] static double stepSeconds(const Journal::StepRecord &step);
    // How the step's time compares with its estimate: actual / estimated, for a step done with both
    // known; -1 otherwise, and for a catalog change done in under half a second (its estimate says
    // "milliseconds", and that is what it took, whatever the ratio of two tiny figures).
    [[nodiscard]] static double versusEstimate(const Journal::StepRecord &step);
    // "1.3x", "2.6x: slower than the range", "0.4x: faster than the range"; "" for -1.
    [[nodiscard]] static QString versusText(double ratio);
    // The backfill step whose pacing the journal recorded (History's chart, the report's), or -1.
    [[nodiscard]] static int pacedStep(const Journal::RunRecord &run);
    // The plan's Markdown report with an Outcome section: the run, its times and each step's; and
    // for a backfill whose pacing was recorded, its figures, with chartPicture (a file beside the
    // report) shown above them when given; then the statements' times between the stages.
    [[nodiscard]] static QString report(const Journal::RunRecord &run, const QString &chartPicture = QString());
    // The pacing figures as a Markdown section (batches, batch sizes, writers' waits, replica lag, time waited).
    [[nodiscard]] static QString pacingSection(const BackfillSeries &series, int step, const QString &chartPicture);
    // The application's top statements' mean time per phase (StageTimings) as a Markdown section, or
    // how to turn statement statistics on; empty when the run recorded none.
    [[nodiscard]] static QString timingsSection(const StageTimings &timings);
};

} // namespace Stagecraft
