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

private:
    // A path in the root as mysqld sees it.
    [[nodiscard]] QString inRoot(const QString &path) const { return path.mid(m_root.size()); }
    [[nodiscard]] QStringList tlsArguments(QString *error) const;
    QString m_root;
};

} // namespace Stagecraft::Testing
