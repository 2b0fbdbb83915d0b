#pragma once

#include "testserver.h"

namespace Stagecraft::Testing {

// A PostgreSQL server with fsync off: fast to start, never for real data. Of this machine's
// installation (the newest under /usr/lib/postgresql, or initdb on PATH), or of one major version:
// from this machine when it has that one, else from a server root (ServerRoots), chrooted there
// with its folder in the root's /tmp.
class PostgresTestServer final : public TestServer
{
public:
    explicit PostgresTestServer(int major = 0) : m_major(major) {}
    ~PostgresTestServer() override;
    [[nodiscard]] bool start(QString *error) override;
    void stop() override;
    // Before start(): refuse unencrypted TCP connections, as a server that requires TLS does
    // (this one has no certificate, so every TCP connection is refused with "no encryption").
    void setRequireTls(bool require) { m_requireTls = require; }
    // Before start(): log every statement every session sends (log_statement = all) to a file,
    // through the logging collector (never a pipe that a busy test could leave unread).
    void setLogStatements(bool log) { m_logStatements = log; }
    // Before start(): preload pg_stat_statements (shared_preload_libraries), so that a test's CREATE
    // EXTENSION pg_stat_statements makes the server time statements. Off by default.
    void setStatementStatistics(bool on) { m_statementStatistics = on; }
    // The statement log (with setLogStatements); empty otherwise.
    [[nodiscard]] QString logFile() const;
    // Where initdb and postgres are; empty when PostgreSQL is not installed.
    [[nodiscard]] static QString binDirectory();
    // Stops the server (fast shutdown: sessions are cut) and starts it again on the same data and port.
    [[nodiscard]] bool restart(QString *error);
    // The server dies as when its machine does: every process of it killed at once (SIGKILL), no
    // checkpoint, no goodbye to its sessions. What a replica had not received is lost with it.
    void crash();

    // Before start(): a primary that streaming replicas can copy and follow over loopback (wal_level
    // replica, WAL senders, a replication line in pg_hba.conf). Off by default: other tests' servers
    // stay as they were.
    void setReplication(bool on) { m_replication = on; }
    // Before start(): make this server a streaming replica of primary (started, with setReplication):
    // pg_basebackup -R over loopback into this server's own folder, then started on a port of its own,
    // as application_name. It reports its replay position to the primary every second (not the
    // default 10 s), so that a test sees replay resume quickly. Same version and root as primary.
    void setReplicaOf(const PostgresTestServer *primary, const QString &applicationName = QStringLiteral("stagecraft_replica"))
    {
        m_primary = primary;
        m_applicationName = applicationName;
    }

private:
    [[nodiscard]] bool launch(int port, QString *error);
    // The data folder: initdb, or pg_basebackup from m_primary.
    [[nodiscard]] bool makeData(const QString &data, QString *error);
    // Where the programs are, chrooted or not; false with *error when this version is nowhere.
    [[nodiscard]] bool locate(QString *error);
    // A path as the server sees it (inside its root).
    [[nodiscard]] QString inRoot(const QString &path) const { return path.mid(m_root.size()); }
    int m_major = 0;
    QString m_root;
    bool m_requireTls = false;
    bool m_logStatements = false;
    bool m_statementStatistics = false;
    bool m_replication = false;
    const PostgresTestServer *m_primary = nullptr;
    QString m_applicationName;
    QString m_bin;
    QString m_data;
    QString m_sockets;
};

} // namespace Stagecraft::Testing
