#pragma once

#include "testserver.h"

namespace Stagecraft::Testing {

// A MariaDB server from this machine's installation (mariadbd, mariadb-install-db), with durability
// off: fast to start, never for real data. Tests connect as 'stagecraft' (all privileges) to the
// database stagecraft_test.
class MariaDbTestServer final : public TestServer
{
public:
    ~MariaDbTestServer() override;
    [[nodiscard]] bool start(QString *error) override;
    void stop() override;
    // Before start(): more mariadbd options, e.g. to turn performance_schema on.
    void setExtraArguments(const QStringList &arguments) { m_extraArguments = arguments; }
    // The Unix socket root connects through (for set-up as the server's superuser).
    [[nodiscard]] QString socketPath() const;

private:
    [[nodiscard]] QStringList tlsArguments() const;
    QStringList m_extraArguments;
};

} // namespace Stagecraft::Testing
