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
    // The Unix socket root connects through (for set-up as the server's superuser).
    [[nodiscard]] QString socketPath() const;
};

} // namespace Stagecraft::Testing
