#pragma once

#include <QList>

#include <compare>
#include <utility>

namespace Stagecraft {

// A place in a primary's log: a PostgreSQL WAL LSN (file 0, offset the LSN), or a MySQL/MariaDB
// binary log file's number (mysql-bin.000042 is 42) and the offset in it.
struct LogPosition
{
    qint64 file = 0;
    qint64 offset = 0;
    auto operator<=>(const LogPosition &) const = default;
};

// When a primary was first seen at or past each position of its log, on a monotonic clock. A
// replica that has replayed up to P lacks what the primary wrote after P, which it had written by
// the time it was first seen past P: the replica is at least that long behind. Unlike the servers'
// own figures (PostgreSQL's replay_lag keeps its last measurement while replay is paused; MySQL's
// Seconds_Behind_Master is NULL with the SQL thread stopped), this keeps growing while replay stands.
class PositionHistory
{
public:
    // The primary was at position at atMs. A position behind the newest (a binary log reset, another
    // primary) starts the history again.
    void record(qint64 atMs, LogPosition position);
    // When the primary was first seen past replayed; -1 when it never was (replayed holds all it saw).
    [[nodiscard]] qint64 firstSeenPast(LogPosition replayed) const;
    // Forgets the positions at or before replayed, which no replica that far on needs any more.
    void forgetUpTo(LogPosition replayed);
    [[nodiscard]] qsizetype size() const { return m_samples.size(); }
    // The most positions kept: a replica stopped for longer than this many changes of position
    // (an hour of reads every 250 ms) is measured from the oldest one kept.
    static constexpr qsizetype MaxSamples = 14400;

private:
    QList<std::pair<qint64, LogPosition>> m_samples; // (time, position), positions strictly increasing
};

} // namespace Stagecraft
