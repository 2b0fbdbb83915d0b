#pragma once

#include "testserver.h"

namespace Stagecraft::Testing {

// An Oracle MySQL server (Debian 13 has none): mysqld from the server root that has it (ServerRoots;
// scripts/dev makes it from Debian sid), started as `chroot <root> /usr/sbin/mysqld` with its folder
// in the root's /tmp, durability off.
// Tests connect as 'stagecraft' (all privileges, caching_sha2_password) to stagecraft_test.
class MySqlTestServer final : public TestServer
{
public:
    ~MySqlTestServer() override;
    [[nodiscard]] bool start(QString *error) override;
    void stop() override;
    // The root mysqld runs in; empty (and *why says how to get one) when there is none.
    [[nodiscard]] static QString root(QString *why = nullptr);
    // Before start(): a primary that replicas can follow: binary log on, with this server_id. Off
    // by default (--skip-log-bin): other tests' servers stay as they were.
    void setBinaryLog(int serverId) { m_binlogServerId = serverId; }
    // Before start(): make this server a replica of primary (started, with setBinaryLog): server_id
    // serverId, report_host 127.0.0.1 and report_port its own port (so the primary lists it in SHOW
    // REPLICAS), then CHANGE REPLICATION SOURCE TO the primary's binary log position now, as
    // 'stagecraft', and START REPLICA.
    void setReplicaOf(const MySqlTestServer *primary, int serverId)
    {
        m_primary = primary;
        m_replicaServerId = serverId;
    }

private:
    // A path in the root as mysqld sees it.
    [[nodiscard]] QString inRoot(const QString &path) const { return path.mid(m_root.size()); }
    [[nodiscard]] QStringList tlsArguments(QString *error) const;
    [[nodiscard]] QStringList replicationArguments(int port) const;
    [[nodiscard]] bool startReplication(const ConnectionProfile &root, QString *error);
    QString m_root;
    int m_binlogServerId = 0;
    const MySqlTestServer *m_primary = nullptr;
    int m_replicaServerId = 0;
};

} // namespace Stagecraft::Testing
