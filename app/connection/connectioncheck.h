#pragma once

#include "connectionerror.h"
#include "connectionprofile.h"
#include "databaseconnection.h"

#include <QFuture>

namespace Stagecraft {

// The answer to "Test connection": the server reached, or why not, and how long it took.
struct ConnectionCheck
{
    bool ok = false;
    ServerInfo server;
    ConnectionError error;
    qint64 elapsedMs = 0;
};

// Opens a connection to the profile on a pool thread (a connection of its own, closed at once)
// and reads the server's version: the caller's thread never waits on the network.
[[nodiscard]] QFuture<ConnectionCheck> checkConnection(const ConnectionProfile &profile);

} // namespace Stagecraft
