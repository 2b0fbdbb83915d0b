#pragma once

#include "catalog/catalogtypes.h"
#include "connection/connectionprofile.h"
#include "plan/runsettings.h"
#include "replicalag.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMutex>
#include <QString>
#include <QThread>

#include <atomic>
#include <optional>

namespace Stagecraft {

class DatabaseConnection;

// Watches the live workload beside a backfill, on a thread and connections of its own:
// - the sessions waiting on the runner's row locks (PostgreSQL pg_stat_activity and
//   pg_blocking_pids, MariaDB information_schema.INNODB_LOCK_WAITS, MySQL
//   performance_schema.data_lock_waits), polled every PollMs (InnoDB's information_schema views
//   every CachedPollMs). After each batch's commit the runner reads how many waited at once and the
//   longest wait (from when the server says the waiting statement began to the commit that freed it);
// - every replica's lag (ReplicaLagReader), every ReplicaPollMs, when RunSettings::maxReplicaLagMs is set;
// - the application's mean statement time on the table (AppLatencyReader), every LatencyPollMs,
//   against its mean before the backfill, when RunSettings::maxLatencyFactor is set;
// - on a node of a Galera cluster, flow control (wsrep_flow_control_paused_ns: the time the cluster
//   stood paused because a node's receive queue grew past gcs.fc_limit), every ReplicaPollMs, when
//   RunSettings::maxReplicaLagMs is set: the run waits between batches while it pauses the cluster.
// Reads only the server's views: no write, no lock on the table. SQLite shows none of them.
class LoadMonitor : public QThread
{
    Q_OBJECT
public:
    // session: the runner's session (ServerCancel::sessionOf) whose locks are watched; table and
    // column: the backfill's (the application's statements are those on the table that do not name
    // the column).
    LoadMonitor(ConnectionProfile profile, RunSettings settings, qint64 session, TableRef table = {}, QString column = {},
                QObject *parent = nullptr);
    ~LoadMonitor() override; // stops and waits for the thread

    // Starts the thread and waits until its connections are open and each signal read once: false
    // with *why when the waits cannot be watched (SQLite, a server that does not show them, no
    // connection); the run then goes on paced by its batch time alone. What else cannot be watched
    // (replicas, the application's latency) is in notes().
    [[nodiscard]] bool begin(QString *why);
    // Lines for the run's log: the signals set but not watched here, and why; each once (taken).
    [[nodiscard]] QStringList notes();
    void end();

    // What was seen since the last take, up to the batch's commit now.
    struct Waits
    {
        int most = 0; // sessions waiting at once on the runner, at most
        double longestMs = 0; // the longest wait, until now for one still waiting when the batch committed
    };
    [[nodiscard]] Waits takeWaits();
    // The replica the run must wait for now: over the lag allowed, or not replaying and behind, or
    // unreachable; nullopt when none.
    [[nodiscard]] std::optional<ReplicaLag> replicaOverLimit();
    // The most lagging replica (-1 seconds when none is watched).
    [[nodiscard]] ReplicaLag worstReplica();
    // Galera: why the run must wait now, when flow control paused the cluster within the last
    // FlowControlQuietMs ("flow control paused the Galera cluster for 830 ms of the last second ...");
    // empty otherwise, and always on a server that is no Galera node.
    [[nodiscard]] QString flowControl();
    // The application's mean statement time on the table over the last interval and before the
    // backfill (ms; -1 unknown), and their ratio (0 unknown).
    struct Latency
    {
        double meanMs = -1;
        double baselineMs = -1;
        [[nodiscard]] double factor() const { return meanMs > 0 && baselineMs > 0 ? meanMs / baselineMs : 0; }
    };
    [[nodiscard]] Latency latency();

    static constexpr int PollMs = 10;
    // MariaDB, and MySQL without performance_schema: InnoDB refreshes its information_schema lock
    // views only after 0.1 s unread.
    static constexpr int CachedPollMs = 110;
    static constexpr int ReplicaPollMs = 200;
    static constexpr int LatencyPollMs = 500;
    // Flow control counts as over once the cluster has not been paused for this long.
    static constexpr int FlowControlQuietMs = 600;
    // MySQL: whether performance_schema names who blocks whom (else every lock wait counts).
    [[nodiscard]] bool namesBlockers() const { return m_namesBlockers; }

protected:
    void run() override;

private:
    void pollReplicas(ReplicaLagReader &reader);
    // Galera: the cluster's flow-control pause so far (ns); -1 when it cannot be read.
    [[nodiscard]] static qint64 flowControlPausedNs(DatabaseConnection &connection);
    // One poll: the sessions waiting on the runner now, each with how long it has waited (ms).
    [[nodiscard]] bool poll(DatabaseConnection &connection, QHash<qint64, double> *waiting, QString *error) const;
    [[nodiscard]] QString waitsSql(const DatabaseConnection &connection) const;

    ConnectionProfile m_profile;
    RunSettings m_settings;
    qint64 m_session = 0;
    TableRef m_table;
    QString m_column;
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
    QStringList m_notes;
    QStringList m_unknownLag; // replicas already noted as of unknown lag
    QList<ReplicaLag> m_replicas;
    Latency m_latency;
    double m_flowControlAtMs = -1; // when flow control was last seen pausing the cluster (m_clock); -1 never
    double m_flowControlPausedMs = 0; // how long it paused it in the second before that
};

} // namespace Stagecraft
