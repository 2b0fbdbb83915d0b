#pragma once

#include "connection/connectionprofile.h"

namespace Stagecraft {

class DatabaseConnection;

// Cancelling a statement that runs on the server for minutes (a VALIDATE, an index build) from
// another connection: PostgreSQL's pg_cancel_backend, MySQL/MariaDB's KILL QUERY. SQLite runs in
// the process and has nothing to cancel this way.
class ServerCancel
{
public:
    // The server session of a connection (PostgreSQL backend pid, MySQL/MariaDB connection id);
    // 0 for SQLite or when the server does not say.
    [[nodiscard]] static qint64 sessionOf(DatabaseConnection &connection);
    // Asks the server to cancel what session is running, from a connection of its own on a pool
    // thread, so the caller's thread (the GUI's) never waits on the database.
    static void cancelLater(const ConnectionProfile &profile, qint64 session);
};

} // namespace Stagecraft
