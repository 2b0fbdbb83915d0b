#pragma once

#include "plan/runsettings.h"

namespace Stagecraft {

// Chooses each backfill batch's size from what the last batch cost the live workload. A writer
// that meets a row of the batch in flight waits for the batch's commit, so the batch's time bounds
// its wait: when the monitor saw a session wait longer than RunSettings::maxWriterWaitMs on the
// backfill's locks (or the application's statements slow down past maxLatencyFactor), the batch
// time allowed shrinks at once below that wait; while nobody waits it grows slowly (a quarter per
// second of quiet work) back up to batchTargetMs. A quiet table gets batchTargetMs batches, a busy
// one batches short enough that its writers wait less than the target. The size then follows the
// last batch's rate toward the time allowed, at most halving or doubling at once.
class Pacer
{
public:
    // What one batch did and what the monitor saw meanwhile.
    struct Batch
    {
        int rows = 0; // the rows the batch was asked to take
        double milliseconds = 0; // its time, commit included
        double longestWaitMs = 0; // the longest wait of a session on the batch's locks (0: none)
        double latencyFactor = 0; // the application's mean statement time over its mean before the backfill (0: unknown)
    };

    explicit Pacer(const RunSettings &settings);

    // The rows the first batch takes.
    [[nodiscard]] int firstBatch() const;
    // The rows the next batch takes.
    [[nodiscard]] int next(const Batch &batch);
    // The batch time allowed now (ms): batchTargetMs on a quiet table, less after waits.
    [[nodiscard]] double allowedMs() const { return m_allowedMs; }
    // Whether the last batch made the pacing shrink the batches (a writer waited, or the
    // application slowed), and why, for the progress line.
    [[nodiscard]] bool shrank() const { return m_shrank; }

    // The smallest batch time the pacing goes down to (ms): below it a batch costs more in round
    // trips than it saves the writers.
    static constexpr double FloorMs = 2.0;
    // How fast the time allowed grows back while nobody waits: this factor per second of work.
    static constexpr double GrowthPerSecond = 1.25;

private:
    RunSettings m_settings;
    double m_allowedMs = 0;
    bool m_shrank = false;
};

} // namespace Stagecraft
