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
    // The Unix socket root connects through (for set-up as the server's superuser).
    [[nodiscard]] QString socketPath() const;

private:
    [[nodiscard]] QStringList tlsArguments() const;
    // Where mariadbd and mariadb-install-db are, chrooted or not.
    [[nodiscard]] bool locate(QString *server, QString *installDb, QString *error);
    [[nodiscard]] QString inRoot(const QString &path) const { return path.mid(m_root.size()); }
    QString m_version;
    QString m_root;
};

} // namespace Stagecraft::Testing
