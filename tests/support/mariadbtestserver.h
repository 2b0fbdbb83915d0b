#pragma once

#include "testserver.h"

namespace Stagecraft::Testing {

// A MariaDB server with durability off: fast to start, never for real data. From this machine's
// installation (mariadbd, mariadb-install-db), or of another version ("10.11") from a server root
// (ServerRoots), chrooted there with its folder in the root's /tmp (TLS: this machine's only).
// Tests connect as 'stagecraft' (all privileges) to the database stagecraft_test.
class MariaDbTestServer final : public TestServer
{
public:
    explicit MariaDbTestServer(const QString &version = {}) : m_version(version) {}
    ~MariaDbTestServer() override;
    [[nodiscard]] bool start(QString *error) override;
    void stop() override;
    // Before start(): performance_schema on, with the consumers that sum statements by digest
    // (events_statements_summary_by_digest). Off by default, as MariaDB ships it.
    void setStatementDigests(bool on) { m_statementDigests = on; }
    // The Unix socket root connects through (for set-up as the server's superuser).
    [[nodiscard]] QString socketPath() const;
    // Before start(): copy a data folder that mariadb-install-db made once for the whole test
    // executable (and server version) instead of running it for this server (some 6 s each).
    void setSharedInstall(bool on) { m_sharedInstall = on; }
    // Before start(): the data folder writable by every user. A Galera node that joins receives the
    // cluster's data by rsync, whose daemon, started by a root that runs the test, writes as nobody.
    void setDataOpenToAll(bool on) { m_dataOpenToAll = on; }
    // Before start(): a primary that replicas can follow: binary log on (binlog files mysql-bin.*),
    // with this server_id. Off by default (--skip-log-bin): other tests' servers stay as they were.
    void setBinaryLog(int serverId) { m_binlogServerId = serverId; }
    // Before start(): make this server a replica of primary (started, with setBinaryLog): server_id
    // serverId, report_host 127.0.0.1 and report_port its own port (so the primary lists it in SHOW
    // REPLICA HOSTS), then CHANGE MASTER TO the primary as 'stagecraft' with MASTER_USE_GTID=slave_pos
    // and START SLAVE. It replays the primary's binary log from its beginning, so the primary should
    // be new (its own set-up statements are idempotent).
    void setReplicaOf(const MariaDbTestServer *primary, int serverId)
    {
        m_primary = primary;
        m_replicaServerId = serverId;
    }

private:
    [[nodiscard]] QStringList tlsArguments() const;
    [[nodiscard]] QStringList digestArguments() const;
    // Where mariadbd and mariadb-install-db are, chrooted or not.
    [[nodiscard]] bool locate(QString *server, QString *installDb, QString *error);
    [[nodiscard]] QString inRoot(const QString &path) const { return path.mid(m_root.size()); }
    // The replication options for mariadbd (binary log, server_id, report_host/port).
    [[nodiscard]] QStringList replicationArguments(int port) const;
    [[nodiscard]] bool startReplication(const ConnectionProfile &root, QString *error);
    // The data folder: mariadb-install-db, or a copy of the shared installation.
    [[nodiscard]] bool install(const QString &installDb, const QString &data, const QString &tmp, const QStringList &asUser,
                               QString *error);
    QString m_version;
    QString m_root;
    bool m_statementDigests = false;
    bool m_sharedInstall = false;
    bool m_dataOpenToAll = false;
    int m_binlogServerId = 0;
    const MariaDbTestServer *m_primary = nullptr;
    int m_replicaServerId = 0;
};

} // namespace Stagecraft::Testing
