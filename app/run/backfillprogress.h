#pragma once

#include <QMetaType>
#include <QString>

namespace Stagecraft {

// Where a backfill step is, after each batch (Runner::backfillProgressed): its rows and rate, the
// batch size the pacing chose, and what the pacing saw of the live workload.
struct BackfillProgress
{
    int step = 0;
    qint64 rowsDone = 0;
    qint64 rowsTotal = -1; // the plan's estimate
    double rowsPerSecond = 0;
    double etaSeconds = -1;
    int batchSize = 0; // the rows the next batch takes (the size the pacing chose)
    int batches = 0; // batches this step committed in this run so far
    double seconds = 0; // the step's working time so far in this run (pauses left out)
    double batchSeconds = 0; // the last batch's time, commit included
    // What the monitor connection saw during the last batch: sessions that waited on the batch's row
    // locks (the most waiting at once) and the longest such wait; -1 when nothing could be watched.
    int writersWaiting = 0;
    double longestWaitMs = 0;
    // The most lagging replica after the batch: its lag in seconds (-1: no replica watched) and name.
    double replicaLagSeconds = -1;
    QString laggingReplica;
    // The application's mean statement time on the table over the last interval, and before the
    // backfill began (ms; -1 when the server does not time statements).
    double appLatencyMs = -1;
    double appLatencyBaselineMs = -1;
    double throttledSeconds = 0; // time the step has waited between batches for replicas or the application
    // Non-empty while the run waits between batches: why ("replica standby1 is 3.2 s behind, over 1 s").
    QString throttle;
};

} // namespace Stagecraft

Q_DECLARE_METATYPE(Stagecraft::BackfillProgress)
