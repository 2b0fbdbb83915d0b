#include "positionhistory.h"

#include <algorithm>

namespace Stagecraft {

void PositionHistory::record(qint64 atMs, LogPosition position)
{
    if (!m_samples.isEmpty()) {
        const LogPosition newest = m_samples.constLast().second;
        if (position == newest) // the first time it was seen there is the one that counts
            return;
        if (position < newest)
            m_samples.clear();
    }
    m_samples.append({atMs, position});
    if (m_samples.size() > MaxSamples)
        m_samples.removeFirst();
}

qint64 PositionHistory::firstSeenPast(LogPosition replayed) const
{
    const auto past = std::upper_bound(m_samples.cbegin(), m_samples.cend(), replayed,
                                       [](const LogPosition &p, const std::pair<qint64, LogPosition> &sample) {
                                           return p < sample.second;
                                       });
    return past == m_samples.cend() ? -1 : past->first;
}

void PositionHistory::forgetUpTo(LogPosition replayed)
{
    // Keep the newest sample: the next one recorded is compared with it.
    while (m_samples.size() > 1 && m_samples.constFirst().second <= replayed)
        m_samples.removeFirst();
}

} // namespace Stagecraft
