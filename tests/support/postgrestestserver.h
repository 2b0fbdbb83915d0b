#pragma once

#include "testserver.h"

namespace Stagecraft::Testing {

// A PostgreSQL server from this machine's installation (the newest under /usr/lib/postgresql, or
// initdb on PATH), with fsync off: fast to start, never for real data.
class PostgresTestServer final : public TestServer
{
public:
    ~PostgresTestServer() override;
    [[nodiscard]] bool start(QString *error) override;
    void stop() override;
    // Where initdb and postgres are; empty when PostgreSQL is not installed.
    [[nodiscard]] static QString binDirectory();
};

} // namespace Stagecraft::Testing
