#include "pacer.h"

#include <algorithm>
#include <cmath>

namespace Stagecraft {

Pacer::Pacer(const RunSettings &settings)
    : m_settings(settings)
    , m_allowedMs(std::max(1, settings.batchTargetMs))
{
}

int Pacer::firstBatch() const
{
    return m_settings.boundedBatchRows(m_settings.firstBatchRows);
}

int Pacer::next(const Batch &batch)
{
    const double target = std::max(1, m_settings.batchTargetMs);
    const double elapsed = std::max(1.0, batch.milliseconds);
    const double maxWait = m_settings.maxWriterWaitMs;
    const bool waited = maxWait > 0 && batch.longestWaitMs > maxWait;
    const bool slowed = m_settings.maxLatencyFactor > 0 && batch.latencyFactor > m_settings.maxLatencyFactor;
    m_shrank = waited || slowed;
    if (m_shrank) {
        // At once: half this batch's time, and no longer than the wait allowed (a writer that meets
        // a row of the batch waits at most about one batch time).
        double allowed = std::min(m_allowedMs, elapsed) / 2;
        if (waited)
            allowed = std::min(allowed, maxWait);
        m_allowedMs = std::clamp(allowed, std::min(FloorMs, target), target);
    } else {
        // Slowly back: a quarter more per second of quiet work.
        m_allowedMs = std::min(target, m_allowedMs * std::pow(GrowthPerSecond, elapsed / 1000.0));
    }
    const double factor = std::clamp(m_allowedMs / elapsed, 0.5, 2.0);
    // A batch that shrank for a wait goes to the time allowed in one step, however far it is.
    const double rows = m_shrank ? batch.rows * std::min(factor, m_allowedMs / elapsed) : batch.rows * factor;
    return m_settings.boundedBatchRows(rows);
}

} // namespace Stagecraft
