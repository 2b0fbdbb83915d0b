#pragma once

#include "catalog/catalogtypes.h"
#include "connection/connectionerror.h"
#include "connection/connectionprofile.h"

namespace Stagecraft {

class DatabaseConnection;

// Ending what another session does, at the user's explicit request from the pre-flight: cancel
// its running statement (PostgreSQL pg_cancel_backend, MySQL/MariaDB KILL QUERY) or close the
// session (pg_terminate_backend, KILL CONNECTION), which rolls back its open transaction.
//
// The session is the one the pre-flight saw, or nothing is sent: on PostgreSQL the pid must still
// belong to a session that connected at the same moment (a pid is reused by later sessions); on
// MySQL/MariaDB the id (never reused while the server runs) must still be there with the same user.
class SessionSignal
{
public:
    enum class Action { CancelStatement, Terminate };

    // Runs on the caller's thread, on `connection` (a connection of its own, never the GUI's).
    // True when the server accepted the signal; false with *error saying why nothing happened.
    [[nodiscard]] static bool send(DatabaseConnection &connection, const BlockingSession &session, Action action,
                                   ConnectionError *error);
    // "Cancel the statement of" / "Terminate": what the action does, for confirmations and logs.
    [[nodiscard]] static QString describe(Action action);
    // SQLite has no sessions to signal (another process holding the write lock must end itself).
    [[nodiscard]] static bool supported(Engine engine) { return engine != Engine::SQLite; }
};

} // namespace Stagecraft
