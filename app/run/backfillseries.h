#pragma once

#include "backfillprogress.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace Stagecraft {

// The course of one backfill step over time, from its BackfillProgress points: what the run panel's
// chart, History and the run's report draw. Each point's rate is over the interval since the point
// before (not the step's average). A long run keeps at most maxPoints: neighbours are merged, keeping
// the most writers waiting, the longest wait and the largest replica lag of the two, so a spike
// never disappears from the chart.
class BackfillSeries
{
public:
    struct Point
    {
        double seconds = 0; // the step's working time at the point
        double rowsPerSecond = 0; // over the interval since the point before
        int batchSize = 0;
        int writersWaiting = 0; // -1: not watched
        double longestWaitMs = 0; // -1: not watched
        double replicaLagSeconds = -1; // -1: no replica watched
        double appLatencyMs = -1; // -1: not measured
        bool throttled = false; // the run waited between batches in this interval
    };
    // The figures of the step, over every progress point (not only the ones kept).
    struct Figures
    {
        int batches = 0;
        int medianBatchSize = 0; // over the points kept
        int maxBatchSize = 0;
        int maxWritersWaiting = -1; // -1: not watched
        double longestWaitMs = -1;
        double maxReplicaLagSeconds = -1; // -1: no replica watched
        QString laggingReplica; // the replica of that largest lag
        double throttledSeconds = 0;
        double seconds = 0;
    };

    static constexpr int maxPoints = 600;

    void add(const BackfillProgress &progress);
    void clear();
    [[nodiscard]] bool isEmpty() const { return m_points.isEmpty(); }
    [[nodiscard]] int step() const { return m_step; }
    [[nodiscard]] const QList<Point> &points() const { return m_points; }
    [[nodiscard]] Figures figures() const;
    [[nodiscard]] bool watchedWriters() const { return m_maxWriters >= 0; }
    [[nodiscard]] bool watchedReplicas() const { return m_maxLag >= 0; }
    [[nodiscard]] double appLatencyBaselineMs() const { return m_baselineMs; }

    [[nodiscard]] QByteArray toJson() const;
    [[nodiscard]] static bool fromJson(const QByteArray &json, BackfillSeries *series);

private:
    void downsample();

    QList<Point> m_points;
    int m_step = -1;
    int m_batches = 0;
    int m_maxBatch = 0;
    int m_maxWriters = -1;
    double m_longestWait = -1;
    double m_maxLag = -1;
    QString m_laggingReplica;
    double m_throttledSeconds = 0;
    double m_baselineMs = -1;
    // The last progress point seen: the next interval's rate starts there.
    qint64 m_lastRows = -1;
    double m_lastSeconds = 0;
};

} // namespace Stagecraft
