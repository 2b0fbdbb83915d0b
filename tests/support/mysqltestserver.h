#pragma once

#include "testserver.h"

namespace Stagecraft::Testing {

// An Oracle MySQL server (Debian 13 has none): mysqld from a Debian sid root that scripts/dev
// creates and mounts into the build root (STAGECRAFT_MYSQL_ROOT, default /opt/stagecraft/mysql-root),
// started as `chroot <root> /usr/sbin/mysqld` with its folder in the root's /tmp, durability off.
// Tests connect as 'stagecraft' (all privileges, caching_sha2_password) to stagecraft_test.
class MySqlTestServer final : public TestServer
{
public:
    ~MySqlTestServer() override;
    [[nodiscard]] bool start(QString *error) override;
    void stop() override;
    // Before start(): more mysqld options, e.g. to turn binary logging on (--log-bin).
    void setExtraArguments(const QStringList &arguments) { m_extraArguments = arguments; }
    // The root mysqld runs in; empty (and *why says how to get one) when there is none.
    [[nodiscard]] static QString root(QString *why = nullptr);

private:
    // A path in the root as mysqld sees it.
    [[nodiscard]] QString inRoot(const QString &path) const { return path.mid(m_root.size()); }
    [[nodiscard]] QStringList tlsArguments(QString *error) const;
    QString m_root;
    QStringList m_extraArguments;
};

} // namespace Stagecraft::Testing
