#pragma once

#include "applatency.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace Stagecraft {

// The application's statements on the table (AppLatencyReader::readEach), snapshotted by the runner
// between the stages of a run, and each statement's mean time per phase:
// - before: its cumulative mean at the run's start (since the server's statistics were last reset);
// - backfill: between the start and the end of the backfill stage;
// - enforce and index: from the end of the backfill (or the run's start without one; or a resume
//   after the backfill, so the time stopped between runs counts in no phase) to the end of the index
//   stage (or of the run without one).
// A phase's mean needs MinCalls calls in that phase, else it is "too few calls". Journaled with the
// run (JSON), so History shows it and a resumed run keeps the earlier snapshots.
class StageTimings
{
public:
    enum class Point { Start, Backfill, Resumed, Index };
    static constexpr qint64 MinCalls = 20;
    static constexpr int TopStatements = 8;
    // A snapshot keeps the statements with the most total time, at most this many (pg_stat_statements
    // keeps up to ~5,000), plus those an earlier snapshot kept, so a phase's two ends match by id.
    static constexpr int KeptStatements = 200;

    [[nodiscard]] bool isEmpty() const;
    [[nodiscard]] bool has(Point point) const;
    [[nodiscard]] QList<StatementStat> snapshot(Point point) const;
    // Keeps KeptStatements of them (see there); a statement left out of a snapshot has no mean in the
    // phases that start there.
    void setSnapshot(Point point, const QList<StatementStat> &statements);
    // The run's slowdown gate was passed (a resume started at it): later resumes do not judge again.
    [[nodiscard]] bool gatePassed() const { return m_gatePassed; }
    void setGatePassed(bool passed) { m_gatePassed = passed; }
    // The server keeps no statement statistics: how to turn them on (AppLatencyReader::available's why).
    [[nodiscard]] QString unavailable() const { return m_unavailable; }
    void setUnavailable(const QString &why) { m_unavailable = why; }

    // A statement's mean in one phase (ms; -1 when not measured or too few calls) and its calls there.
    struct Mean
    {
        double ms = -1;
        qint64 calls = 0;
        [[nodiscard]] bool known() const { return ms >= 0; }
    };
    struct Statement
    {
        QString id;
        QString text; // as the server normalised it
        Mean before;
        Mean backfill;
        Mean enforce; // the enforce and index stages
    };
    // The statements that took the most time in the run (then before it), at most top of them; those
    // with too few calls in every phase (a schema change, a one-off) are left out.
    [[nodiscard]] QList<Statement> statements(int top = TopStatements) const;
    // The statement slowed the most during the backfill, both means known, when it was more than
    // factor times slower than before; nullopt when none (or factor <= 0).
    [[nodiscard]] std::optional<Statement> slowedOver(double factor) const;
    // Whether the backfill and the enforce-and-index phases were measured (their end snapshot taken).
    [[nodiscard]] bool measuresBackfill() const { return has(Point::Backfill); }
    [[nodiscard]] bool measuresEnforce() const { return has(Point::Index); }

    // The summary's lines: a header naming the phases and one line per top statement
    // ("SELECT …: 0.21 ms -> 0.40 ms (1.9x) -> 0.22 ms (1.0x)"), or how to turn statistics on; empty
    // when nothing was measured.
    [[nodiscard]] QStringList lines(int top = TopStatements) const;
    // One phase's mean in words: "0.40 ms", "too few calls (12)", "not measured".
    [[nodiscard]] static QString meanText(const Mean &mean);
    // mean against before: " (1.9x)", empty when either is unknown.
    [[nodiscard]] static QString factorText(const Mean &before, const Mean &mean);
    // A statement's text on one line, at most width characters.
    [[nodiscard]] static QString shortened(const QString &text, int width = 80);

    [[nodiscard]] QByteArray toJson() const;
    [[nodiscard]] static bool fromJson(const QByteArray &json, StageTimings *timings);

    bool operator==(const StageTimings &) const = default;

private:
    [[nodiscard]] const QList<StatementStat> *find(Point point) const;
    [[nodiscard]] bool trimmed(Point point) const;

    struct Snapshot
    {
        Point point = Point::Start;
        QList<StatementStat> statements;
        qsizetype dropped = 0; // statements left out (KeptStatements)
        bool operator==(const Snapshot &) const = default;
    };
    QList<Snapshot> m_snapshots;
    QString m_unavailable;
    bool m_gatePassed = false;
};

} // namespace Stagecraft
