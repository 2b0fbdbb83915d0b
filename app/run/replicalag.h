#pragma once

#include "connection/connectionprofile.h"
#include "run/positionhistory.h"

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace Stagecraft {

class DatabaseConnection;

// One replica's lag at one moment, for the runner's pacing, its progress line and the journal.
struct ReplicaLag
{
    // How a DBA knows it: PostgreSQL "application_name (client address)"; MySQL/MariaDB host:port.
    QString name;
    // How far its replay is behind the primary, in time; -1 unknown. Keeps growing while replay
    // stands still (see PositionHistory); 0 once it has replayed all the primary had written.
    double seconds = -1;
    // WAL / binary log bytes written on the primary and not yet replayed there; -1 unknown.
    qint64 bytes = -1;
    // false: replay paused or stalled, SQL thread stopped, not connected to the primary, or the
    // replica cannot be reached: it will not catch up by itself (state says which).
    bool replaying = true;
    // One short phrase for a progress line: "streaming", "replicating", "replay stalled (paused, or
    // waiting on a query)", "SQL thread stopped: <error>", "not connected", "cannot be reached: <why>".
    QString state;
};

// A PostgreSQL replication slot and the WAL it keeps on the primary.
struct ReplicationSlot
{
    QString name;
    QString type; // "physical" or "logical"
    bool active = false; // a replica or subscriber is using it now
    qint64 retainedBytes = -1; // WAL the primary keeps for it; -1 unknown (never reserved, or lost)
};

// Reads the lag of every replica of a primary, over connections of its own.
//
// PostgreSQL: from the primary alone (pg_stat_replication, pg_replication_slots), so it sees
// every streaming replica and logical subscriber, with no connection to any of them. Its replay
// position there is the one the replica last reported: on each WAL it receives, and every
// wal_receiver_status_interval (10 s by default) when the primary writes nothing; the lag counts
// up to that report, so a replica that stopped replaying shows it at its next report at the latest.
// Reading the replay positions needs superuser or pg_read_all_stats (else they are unknown). A
// replica that disconnects stays listed, "not connected", until it comes back under the same name.
//
// MySQL/MariaDB: each replica is asked for its own status (SHOW REPLICA STATUS), on a connection
// to it: the ones named by URL, and the ones the primary lists (SHOW REPLICA HOSTS: those started
// with report_host), checked again every 10 s. Needs REPLICATION CLIENT / BINLOG MONITOR on the
// primary, and REPLICATION CLIENT / REPLICA MONITOR on the replicas.
//
// Create, use and destroy it on one thread (its connections belong to the thread that opened them).
class ReplicaLagReader
{
public:
    // primary: the run's own profile (password included). replicas: MySQL/MariaDB replicas named
    // by URL (one without user or password takes the primary's). PostgreSQL needs none.
    ReplicaLagReader(ConnectionProfile primary, QList<ConnectionProfile> replicas);
    ~ReplicaLagReader();
    ReplicaLagReader(const ReplicaLagReader &) = delete;
    ReplicaLagReader &operator=(const ReplicaLagReader &) = delete;

    // Opens the connections, and on MySQL/MariaDB finds the replicas the primary knows of
    // (connecting with the primary's user and password). false with *error only when the primary
    // cannot be read; a replica that cannot be reached is reported by read().
    [[nodiscard]] bool open(QString *error);
    // Every replica's lag now (after open()), in name order for PostgreSQL, in the order found for
    // MySQL/MariaDB; meant to be called every ~250 ms. When the primary could not be read this time:
    // an empty list, and *error set (only then); the next call tries again. Each call asks the
    // primary once (PostgreSQL) or the primary and each replica once (MySQL/MariaDB); a replica that
    // cannot be reached is tried again every 5 s, which may take up to the 10 s connect timeout.
    [[nodiscard]] QList<ReplicaLag> read(QString *error);
    // PostgreSQL: the replication slots and the WAL each retains, inactive ones included, in name
    // order; other engines have none.
    [[nodiscard]] QList<QPair<QString, qint64>> slots(QString *error);
    [[nodiscard]] QList<ReplicationSlot> slotDetails(QString *error);
    // What the reader could not find out, once each (e.g. no privilege to list the primary's
    // replicas): for the journal or a note in the summary.
    [[nodiscard]] QStringList warnings() const { return m_warnings; }

private:
    // PostgreSQL: a replica (or subscriber) seen in pg_stat_replication, kept after it goes away.
    struct Standby
    {
        int pid = 0; // its WAL sender on the primary; 0 once it went away
        bool hasReplayed = false;
        LogPosition replayed;
        QString lastReply; // what its last report said (reply_time, or the positions before 12)
        qint64 lastReplyAt = 0; // when a new report was first seen
        qint64 replayMovedAt = 0; // when its replay position was last seen to move
    };
    // MySQL/MariaDB: a replica and the connection to it.
    struct MySqlReplica
    {
        ConnectionProfile profile;
        QString name; // host:port
        std::unique_ptr<DatabaseConnection> connection;
        qint64 serverId = -1; // @@server_id, once connected
        qint64 lastAttempt = -1; // when a connection was last tried
        QString connectError;
        bool hasReplayed = false;
        LogPosition replayed;
        ~MySqlReplica();
    };

    [[nodiscard]] qint64 now() const { return m_clock.elapsed(); }
    void warn(const QString &text);
    // After a query failed with failure: when the primary no longer answers, closes the connection
    // for a later read to open it again, and returns true.
    bool primaryLost(const QString &failure);

    [[nodiscard]] QList<ReplicaLag> readPostgres(QString *error);
    [[nodiscard]] QList<ReplicaLag> readMySql(QString *error);
    // The primary's binary log position now; false when it has none or it cannot be read (then
    // *lost tells whether the primary itself stopped answering).
    [[nodiscard]] bool readBinlogPosition(LogPosition *current, bool *lost, QString *error);
    void discoverMySqlReplicas();
    void addMySqlReplica(const ConnectionProfile &profile);
    [[nodiscard]] bool connectMySqlReplica(MySqlReplica &replica);
    [[nodiscard]] ReplicaLag readMySqlReplica(MySqlReplica &replica, bool havePosition, LogPosition current);
    // Binary log bytes from one position to a later one in another file (SHOW BINARY LOGS); -1 unknown.
    [[nodiscard]] qint64 binlogBytesBetween(LogPosition from, LogPosition to);

    ConnectionProfile m_primaryProfile;
    QList<ConnectionProfile> m_namedReplicas;
    std::unique_ptr<DatabaseConnection> m_primary;
    QElapsedTimer m_clock;
    PositionHistory m_history;
    QStringList m_warnings;
    qint64 m_primaryLostAt = 0;
    QString m_primaryError;
    // PostgreSQL
    QHash<QString, Standby> m_standbys; // by name, also the ones that went away
    // MySQL/MariaDB
    std::vector<std::unique_ptr<MySqlReplica>> m_mysqlReplicas;
    qint64 m_primaryServerId = -1;
    qint64 m_lastDiscovery = -1;
};

} // namespace Stagecraft
