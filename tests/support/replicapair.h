#pragma once

#include "mariadbtestserver.h"
#include "mysqltestserver.h"
#include "postgrestestserver.h"

#include <memory>

namespace Stagecraft::Testing {

// A primary and one real replica of it on loopback, each a test server of its own (temporary
// folders, free ports, stopped with the object and at a crash): PostgreSQL 17 streaming
// replication (pg_basebackup -R), MariaDB 11.8 binlog replication with GTIDs, or MySQL 9.7 binlog
// replication from the primary's position (from its server root: slow to start). The replica's
// replay can be paused and resumed, as a DBA would, or as a replica that falls behind looks.
class ReplicaPair
{
public:
    // PostgreSQL, MariaDB (this machine's servers) or MySQL.
    explicit ReplicaPair(Engine engine);
    ~ReplicaPair();
    ReplicaPair(const ReplicaPair &) = delete;
    ReplicaPair &operator=(const ReplicaPair &) = delete;

    // Starts the primary, makes and starts the replica, and waits until it follows the primary
    // (PostgreSQL: streaming in pg_stat_replication; MySQL/MariaDB: both replica threads running).
    [[nodiscard]] bool start(QString *error);
    [[nodiscard]] TestServer *primary() const;
    [[nodiscard]] TestServer *replica() const;
    // What a test connects with: the primary's superuser / 'stagecraft' user (see the servers).
    [[nodiscard]] ConnectionProfile primaryProfile() const { return primary()->profile(); }
    [[nodiscard]] ConnectionProfile replicaProfile() const { return replica()->profile(); }
    // PostgreSQL: the replica's application_name in pg_stat_replication ("stagecraft_replica").
    [[nodiscard]] static QString applicationName();

    // Stops replaying: pg_wal_replay_pause() on PostgreSQL (the replica still receives WAL),
    // STOP REPLICA SQL_THREAD on MySQL/MariaDB (it still receives the binary log). Returns once
    // replay has stopped (PostgreSQL: pg_get_wal_replay_pause_state() says paused).
    [[nodiscard]] bool pauseReplay(QString *error);
    // pg_wal_replay_resume() / START REPLICA SQL_THREAD.
    [[nodiscard]] bool resumeReplay(QString *error);
    // PostgreSQL: the primary dies as when its machine goes down (PostgresTestServer::crash); the
    // replica stays, with what it had received. Promoting it is the test's.
    void crashPrimary();
    // Waits until the replica has replayed everything the primary had written when called.
    [[nodiscard]] bool waitCaughtUp(int timeoutMs, QString *error);

private:
    [[nodiscard]] bool waitFollowing(int timeoutMs, QString *error);

    Engine m_engine;
    std::unique_ptr<PostgresTestServer> m_postgresPrimary;
    std::unique_ptr<PostgresTestServer> m_postgresReplica;
    std::unique_ptr<MariaDbTestServer> m_mariadbPrimary;
    std::unique_ptr<MariaDbTestServer> m_mariadbReplica;
    std::unique_ptr<MySqlTestServer> m_mysqlPrimary;
    std::unique_ptr<MySqlTestServer> m_mysqlReplica;
};

} // namespace Stagecraft::Testing
