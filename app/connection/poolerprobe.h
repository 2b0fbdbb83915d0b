#pragma once

#include <QString>

namespace Stagecraft {

class DatabaseConnection;

// Whether a PostgreSQL connection reaches the server through a connection pooler, and whether that
// pooler keeps one server session for this client (PgBouncer's pool_mode = session) or hands the
// server session to other clients between transactions (transaction or statement pooling), where
// a session setting (SET lock_timeout), a session advisory lock (the run lock) and a prepared
// statement are lost or, worse, left to another client.
//
// A pooler is recognised by the key the client got at connection time: libpq's PQbackendPID is the
// process the server says it forked for the session, unless something between them answered the
// start-up itself (PgBouncer hands out keys of its own). Then the mode is read from the pooler's
// admin console with the same credentials (PgBouncer's SHOW POOLS for this database and user, which
// a per-user pool_mode decides, else SHOW DATABASES, SHOW CONFIG) and, where that is not allowed,
// watched: this session's server process is left idle while a second connection asks for its own a
// number of times; a pooler that shares sessions gives it this one. A watch proves sharing, never its
// absence (several PgBouncer processes on one port, a pool larger than the tries): without the
// console's word a pooler that was not caught sharing is Unknown, and refused like a sharing one.
class PoolerProbe
{
public:
    enum class Verdict {
        Direct, // no pooler between: the session is the server's
        SessionPool, // a pooler that keeps this client's server session for the whole connection
        SharedSessions, // transaction or statement pooling: the server session changes hands
        Unknown, // a pooler whose mode could be neither read nor proved: not trusted with a run
    };
    struct Result
    {
        Verdict verdict = Verdict::Direct;
        QString pooler; // "PgBouncer" when its console answered, else "a connection pooler"
        QString mode; // PgBouncer's pool_mode for the database, where it could be read
        QString evidence; // how it was found out, in words, for the log or the refusal
    };

    // Asks on the connection's own session (PostgreSQL only; Direct for every other engine). Opens a
    // second connection for the admin console and, if needed, for the watch; changes nothing.
    [[nodiscard]] static Result probe(DatabaseConnection &connection);
    // Why a run may not go through this connection (SharedSessions, Unknown), with what to do instead; empty otherwise.
    [[nodiscard]] static QString refusal(const Result &result);
    // The log's line for a run through a session pool; empty for a direct connection.
    [[nodiscard]] static QString note(const Result &result);
};

} // namespace Stagecraft
