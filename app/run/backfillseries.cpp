#include "backfillseries.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace Stagecraft {

void BackfillSeries::clear()
{
    *this = BackfillSeries();
}

void BackfillSeries::add(const BackfillProgress &p)
{
    if (m_step != p.step) {
        clear();
        m_step = p.step;
    }
    Point point;
    point.seconds = p.seconds;
    const double interval = p.seconds - m_lastSeconds;
    if (m_lastRows < 0)
        point.rowsPerSecond = p.rowsPerSecond; // the first point: the run's own rate so far
    else if (interval > 0)
        point.rowsPerSecond = std::max<qint64>(0, p.rowsDone - m_lastRows) / interval;
    else
        point.rowsPerSecond = m_points.isEmpty() ? p.rowsPerSecond : m_points.constLast().rowsPerSecond;
    point.batchSize = p.batchSize;
    point.writersWaiting = p.writersWaiting;
    point.longestWaitMs = p.longestWaitMs;
    point.replicaLagSeconds = p.replicaLagSeconds;
    point.appLatencyMs = p.appLatencyMs;
    point.throttled = !p.throttle.isEmpty() || p.throttledSeconds > m_throttledSeconds;
    m_lastRows = p.rowsDone;
    m_lastSeconds = p.seconds;

    m_batches = std::max(m_batches, p.batches);
    m_maxBatch = std::max(m_maxBatch, p.batchSize);
    m_maxWriters = std::max(m_maxWriters, p.writersWaiting);
    m_longestWait = std::max(m_longestWait, p.longestWaitMs);
    if (p.replicaLagSeconds > m_maxLag) {
        m_maxLag = p.replicaLagSeconds;
        m_laggingReplica = p.laggingReplica;
    }
    m_throttledSeconds = std::max(m_throttledSeconds, p.throttledSeconds);
    if (p.appLatencyBaselineMs >= 0)
        m_baselineMs = p.appLatencyBaselineMs;

    if (!m_points.isEmpty() && point.seconds < m_points.constLast().seconds)
        point.seconds = m_points.constLast().seconds; // time never runs back on the chart
    m_points.append(point);
    if (m_points.size() > maxPoints)
        downsample();
}

// Pairs of neighbours become one point: the rate averaged over the two intervals (the rows stay
// the same), the later batch size, and the worst of the waits, the lag and the latency.
void BackfillSeries::downsample()
{
    QList<Point> merged;
    merged.reserve(m_points.size() / 2 + 1);
    double before = 0; // where the pair's first interval begins
    int i = 0;
    if (m_points.size() % 2) { // an odd count: the first point stays as it is
        merged.append(m_points.constFirst());
        before = m_points.constFirst().seconds;
        i = 1;
    }
    for (; i + 1 < m_points.size(); i += 2) {
        const Point &a = m_points.at(i);
        const Point &b = m_points.at(i + 1);
        Point m = b;
        const double da = a.seconds - before;
        const double db = b.seconds - a.seconds;
        m.rowsPerSecond = da + db > 0 ? (a.rowsPerSecond * da + b.rowsPerSecond * db) / (da + db) : (a.rowsPerSecond + b.rowsPerSecond) / 2;
        m.writersWaiting = std::max(a.writersWaiting, b.writersWaiting);
        m.longestWaitMs = std::max(a.longestWaitMs, b.longestWaitMs);
        m.replicaLagSeconds = std::max(a.replicaLagSeconds, b.replicaLagSeconds);
        m.appLatencyMs = std::max(a.appLatencyMs, b.appLatencyMs);
        m.throttled = a.throttled || b.throttled;
        merged.append(m);
        before = b.seconds;
    }
    m_points = merged;
}

BackfillSeries::Figures BackfillSeries::figures() const
{
    Figures f;
    f.batches = m_batches;
    f.maxBatchSize = m_maxBatch;
    f.maxWritersWaiting = m_maxWriters;
    f.longestWaitMs = m_longestWait;
    f.maxReplicaLagSeconds = m_maxLag;
    f.laggingReplica = m_laggingReplica;
    f.throttledSeconds = m_throttledSeconds;
    f.seconds = m_points.isEmpty() ? 0 : m_points.constLast().seconds;
    QList<int> sizes;
    for (const Point &p : m_points)
        sizes << p.batchSize;
    if (!sizes.isEmpty()) {
        std::sort(sizes.begin(), sizes.end());
        f.medianBatchSize = sizes.at(sizes.size() / 2);
    }
    return f;
}

// Compact: each point an array [seconds, rows/s, batch size, writers waiting, longest wait ms,
// replica lag s, app latency ms, throttled 0/1], so 600 points stay a few tens of kilobytes.
QByteArray BackfillSeries::toJson() const
{
    QJsonArray points;
    for (const Point &p : m_points)
        points.append(QJsonArray{p.seconds, p.rowsPerSecond, p.batchSize, p.writersWaiting, p.longestWaitMs, p.replicaLagSeconds,
                                 p.appLatencyMs, p.throttled ? 1 : 0});
    const QJsonObject o{{QStringLiteral("step"), m_step},
                        {QStringLiteral("batches"), m_batches},
                        {QStringLiteral("max_batch_size"), m_maxBatch},
                        {QStringLiteral("max_writers_waiting"), m_maxWriters},
                        {QStringLiteral("longest_wait_ms"), m_longestWait},
                        {QStringLiteral("max_replica_lag_seconds"), m_maxLag},
                        {QStringLiteral("lagging_replica"), m_laggingReplica},
                        {QStringLiteral("throttled_seconds"), m_throttledSeconds},
                        {QStringLiteral("app_latency_baseline_ms"), m_baselineMs},
                        {QStringLiteral("last_rows"), m_lastRows},
                        {QStringLiteral("points"), points}};
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

bool BackfillSeries::fromJson(const QByteArray &json, BackfillSeries *series)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return false;
    const QJsonObject o = doc.object();
    BackfillSeries s;
    s.m_step = o.value(QStringLiteral("step")).toInt(-1);
    s.m_batches = o.value(QStringLiteral("batches")).toInt();
    s.m_maxBatch = o.value(QStringLiteral("max_batch_size")).toInt();
    s.m_maxWriters = o.value(QStringLiteral("max_writers_waiting")).toInt(-1);
    s.m_longestWait = o.value(QStringLiteral("longest_wait_ms")).toDouble(-1);
    s.m_maxLag = o.value(QStringLiteral("max_replica_lag_seconds")).toDouble(-1);
    s.m_laggingReplica = o.value(QStringLiteral("lagging_replica")).toString();
    s.m_throttledSeconds = o.value(QStringLiteral("throttled_seconds")).toDouble();
    s.m_baselineMs = o.value(QStringLiteral("app_latency_baseline_ms")).toDouble(-1);
    s.m_lastRows = o.value(QStringLiteral("last_rows")).toInteger(-1);
    for (const QJsonValue &v : o.value(QStringLiteral("points")).toArray()) {
        const QJsonArray a = v.toArray();
        if (a.size() < 8)
            return false;
        Point p;
        p.seconds = a.at(0).toDouble();
        p.rowsPerSecond = a.at(1).toDouble();
        p.batchSize = a.at(2).toInt();
        p.writersWaiting = a.at(3).toInt();
        p.longestWaitMs = a.at(4).toDouble();
        p.replicaLagSeconds = a.at(5).toDouble();
        p.appLatencyMs = a.at(6).toDouble();
        p.throttled = a.at(7).toInt() != 0;
        s.m_points.append(p);
    }
    s.m_lastSeconds = s.m_points.isEmpty() ? 0 : s.m_points.constLast().seconds;
    *series = s;
    return true;
}

} // namespace Stagecraft
