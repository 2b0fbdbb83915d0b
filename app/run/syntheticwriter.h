#pragma once

#include "catalog/catalogtypes.h"
#include "connection/connectionprofile.h"

#include <QList>
#include <QMutex>
#include <QString>
#include <QStringList>
#include <QThread>

#include <atomic>

namespace Stagecraft {

// A rehearsal's stand-in for the application: on a thread and connection of its own, it writes to
// the scratch copy at a set rate, as an application that does not know the new column would. Its
// INSERTs add the rows held back from the sample (by their own columns), its UPDATEs rewrite a
// column of an existing row with its own value; each statement commits alone and is timed.
class SyntheticWriter : public QThread
{
    Q_OBJECT
public:
    struct Settings
    {
        ConnectionProfile profile; // the scratch copy's
        TableRef table; // the copy
        TableRef heldBack; // the rows it inserts
        QStringList columns; // the table's insertable columns (not the new one)
        QStringList key; // the primary key
        double writesPerSecond = 0;
        double insertShare = 0.5; // of the writes, the INSERTs (the rest UPDATEs)
        bool overridingSystemValue = false; // PostgreSQL: an identity column GENERATED ALWAYS
    };
    // The writes' latency over a phase: before the plan (the baseline) or while it ran.
    struct Latency
    {
        qint64 writes = 0;
        double meanMs = 0;
        double p95Ms = 0;
        double p99Ms = 0;
        double maxMs = 0;
    };
    struct Result
    {
        qint64 inserts = 0;
        qint64 updates = 0;
        qint64 failures = 0;
        QString firstFailure;
        double seconds = 0;
        Latency before; // until mark()
        Latency during; // after it
        QString problem; // why it could not write at all (no key, the connection refused)
        [[nodiscard]] qint64 writes() const { return inserts + updates; }
        [[nodiscard]] double rate() const { return seconds > 0 ? writes() / seconds : 0; }
    };

    explicit SyntheticWriter(Settings settings, QObject *parent = nullptr);
    ~SyntheticWriter() override;

    // Ends the writes (thread-safe); wait() for the thread.
    void stop() { m_stop = true; }
    // From now on the writes count as "during" (the plan runs), not "before" (thread-safe).
    void mark() { m_marked = true; }
    // Once the thread has finished.
    [[nodiscard]] Result result() const;
    // The column its UPDATEs set to itself: the first that is not part of the key, else the key's first.
    [[nodiscard]] static QString touchedColumn(const QStringList &columns, const QStringList &key);

protected:
    void run() override;

private:
    Settings m_settings;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_marked{false};
    mutable QMutex m_mutex;
    Result m_result;
};

} // namespace Stagecraft
