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

private:
    [[nodiscard]] QStringList tlsArguments() const;
    [[nodiscard]] QStringList digestArguments() const;
    // Where mariadbd and mariadb-install-db are, chrooted or not.
    [[nodiscard]] bool locate(QString *server, QString *installDb, QString *error);
    [[nodiscard]] QString inRoot(const QString &path) const { return path.mid(m_root.size()); }
    QString m_version;
    QString m_root;
    bool m_statementDigests = false;
};

} // namespace Stagecraft::Testing
