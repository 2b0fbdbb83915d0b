#pragma once

#include "connection/connectionprofile.h"
#include "plan/runsettings.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMutex>
#include <QString>
#include <QThread>

#include <atomic>

namespace Stagecraft {

class DatabaseConnection;

// Watches the live workload beside a backfill, on a thread and a connection of its own: the
// sessions waiting on the runner's row locks (PostgreSQL pg_stat_activity and pg_blocking_pids,
// MariaDB information_schema.INNODB_LOCK_WAITS, MySQL performance_schema.data_lock_waits), polled
// every PollMs (InnoDB's information_schema views every CachedPollMs). The runner reads, after each batch's commit, how many waited at once and the
// longest wait (from when the server says the waiting statement began to the commit that freed it).
// Reads only the server's views: no write, no lock on the table. SQLite shows no waiting sessions.
class LoadMonitor : public QThread
{
    Q_OBJECT
public:
    // session: the runner's session (ServerCancel::sessionOf) whose locks are watched.
    LoadMonitor(ConnectionProfile profile, RunSettings settings, qint64 session, QObject *parent = nullptr);
    ~LoadMonitor() override; // stops and waits for the thread

    // Starts the thread and waits until its connection is open (or failed): false with *why when the
    // waits cannot be watched (SQLite, a server that does not show them, no connection); the run
    // then goes on paced by its batch time alone.
    [[nodiscard]] bool begin(QString *why);
    void end();

    // What was seen since the last take, up to the batch's commit now.
    struct Waits
    {
        int most = 0; // sessions waiting at once on the runner, at most
        double longestMs = 0; // the longest wait, until now for one still waiting when the batch committed
    };
    [[nodiscard]] Waits takeWaits();

    static constexpr int PollMs = 10;
    // MariaDB, and MySQL without performance_schema: InnoDB refreshes its information_schema lock
    // views only after 0.1 s unread.
    static constexpr int CachedPollMs = 110;
    // How often this monitor polls (PollMs or CachedPollMs), once begun.
    [[nodiscard]] int pollMs() const { return m_pollMs; }
    // MySQL: whether performance_schema names who blocks whom (else every lock wait counts).
    [[nodiscard]] bool namesBlockers() const { return m_namesBlockers; }

protected:
    void run() override;

private:
    // One poll: the sessions waiting on the runner now, each with how long it has waited (ms).
    [[nodiscard]] bool poll(DatabaseConnection &connection, QHash<qint64, double> *waiting, QString *error) const;
    [[nodiscard]] QString waitsSql(const DatabaseConnection &connection) const;

    ConnectionProfile m_profile;
    RunSettings m_settings;
    qint64 m_session = 0;
    std::atomic<int> m_pollMs{PollMs};
    std::atomic<bool> m_performanceSchema{false};
    std::atomic<bool> m_namesBlockers{true};
    std::atomic<bool> m_stop{false};
    QElapsedTimer m_clock; // local, monotonic: the times below count from it

    QMutex m_mutex; // guards what follows
    bool m_ready = false;
    QString m_why; // why waits cannot be watched (empty when they can)
    int m_most = 0;
    QHash<qint64, double> m_startedMs; // each session seen waiting since the last take: when its wait began
};

} // namespace Stagecraft
