#include "poolerprobe.h"

#include "databaseconnection.h"

#include <QSqlDriver>
#include <QSqlQuery>
#include <QVariant>

#include <libpq-fe.h>

#include <QList>
#include <QPair>

#include <memory>
#include <vector>

namespace Stagecraft {

namespace {

// How many times the second connection asks for a server session while this one's sits idle: more
// than the server sessions a PgBouncer pool keeps by default (default_pool_size = 20), so that even
// a pool handing them out in turn (server_round_robin) comes to this one.
constexpr int WatchQueries = 40;

// The process id the start-up gave the client (BackendKeyData), or 0.
qint64 clientSideProcess(DatabaseConnection &connection)
{
    const QVariant handle = connection.database().driver()->handle();
    // Qt's driver registers the handle under the struct's own name (pg_conn*), or the typedef's.
    if (!handle.isValid() || (qstrcmp(handle.typeName(), "pg_conn*") != 0 && qstrcmp(handle.typeName(), "PGconn*") != 0))
        return 0;
    PGconn *conn = *static_cast<PGconn *const *>(handle.constData());
    return conn ? PQbackendPID(conn) : 0;
}

qint64 serverProcess(DatabaseConnection &connection)
{
    QSqlQuery q(connection.database());
    return q.exec(QStringLiteral("SELECT pg_backend_pid()")) && q.next() ? q.value(0).toLongLong() : 0;
}

using Connection = std::unique_ptr<PGconn, decltype(&PQfinish)>;

// PgBouncer's admin console: the database "pgbouncer" on the same address, with the same
// credentials. Null when it does not answer (not PgBouncer, or a user it does not let in).
Connection console(const ConnectionProfile &profile)
{
    const QByteArray host = profile.host.toUtf8(), port = QByteArray::number(profile.effectivePort()), user = profile.user.toUtf8(),
                     password = profile.password.toUtf8(), sslMode = profile.sslMode.toUtf8(), rootCert = profile.sslRootCert.toUtf8(),
                     cert = profile.sslCert.toUtf8(), key = profile.sslKey.toUtf8();
    std::vector<const char *> keys, values;
    const auto add = [&](const char *k, const QByteArray &v) {
        if (!v.isEmpty()) {
            keys.push_back(k);
            values.push_back(v.constData());
        }
    };
    add("host", host);
    add("port", port);
    add("user", user);
    add("password", password);
    add("sslmode", sslMode);
    add("sslrootcert", rootCert);
    add("sslcert", cert);
    add("sslkey", key);
    add("dbname", QByteArrayLiteral("pgbouncer"));
    add("connect_timeout", QByteArrayLiteral("5"));
    keys.push_back(nullptr);
    values.push_back(nullptr);
    Connection c(PQconnectdbParams(keys.data(), values.data(), 0), &PQfinish);
    if (!c || PQstatus(c.get()) != CONNECTION_OK)
        return {nullptr, &PQfinish};
    return c;
}

// The value in column `column` of the first row whose key columns hold the keys; null when not found.
QString consoleValue(PGconn *conn, const char *command, const QList<QPair<const char *, QString>> &keys, const char *column, bool *answered)
{
    std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(conn, command), &PQclear);
    if (!r || PQresultStatus(r.get()) != PGRES_TUPLES_OK)
        return {};
    *answered = true;
    const int v = PQfnumber(r.get(), column);
    if (v < 0)
        return {};
    for (int row = 0; row < PQntuples(r.get()); ++row) {
        bool match = true;
        for (const auto &[keyColumn, key] : keys) {
            const int k = PQfnumber(r.get(), keyColumn);
            match = match && k >= 0 && QString::fromUtf8(PQgetvalue(r.get(), row, k)) == key;
        }
        if (match)
            return QString::fromUtf8(PQgetvalue(r.get(), row, v));
    }
    return {};
}

} // namespace

PoolerProbe::Result PoolerProbe::probe(DatabaseConnection &connection)
{
    Result result;
    if (connection.engine() != Engine::PostgreSQL)
        return result;
    const qint64 server = serverProcess(connection);
    const qint64 client = clientSideProcess(connection);
    if (server == 0 || server == client)
        return result;
    // The key unread (a driver that does not hand out libpq's connection): only what the console
    // says or the watch catches counts; a pooler that neither shows is taken for none.
    const bool keyRead = client != 0;
    result.pooler = QStringLiteral("a connection pooler");
    result.evidence = keyRead ? QStringLiteral("the session key the client got names process %1, the server's session is process %2").arg(client).arg(server)
                              : QStringLiteral("the session key the client got could not be read");

    // PgBouncer's own word: the database's pool_mode, else the default one.
    const ConnectionProfile &profile = connection.profile();
    if (Connection admin = console(profile)) {
        bool answered = false;
        // This client's own pool first: a pool_mode set for the user overrides the database's.
        QString mode = consoleValue(admin.get(), "SHOW POOLS", {{"database", profile.database}, {"user", profile.user}}, "pool_mode", &answered);
        if (mode.isEmpty())
            mode = consoleValue(admin.get(), "SHOW DATABASES", {{"name", profile.database}}, "pool_mode", &answered);
        if (mode.isEmpty())
            mode = consoleValue(admin.get(), "SHOW CONFIG", {{"key", QStringLiteral("pool_mode")}}, "value", &answered);
        if (answered) {
            result.pooler = QStringLiteral("PgBouncer");
            if (!mode.isEmpty()) {
                result.mode = mode;
                result.verdict = mode == QLatin1String("session") ? Verdict::SessionPool : Verdict::SharedSessions;
                result.evidence += QStringLiteral("; its admin console says pool_mode = %1 for database %2 and user %3").arg(mode, profile.database, profile.user);
                return result;
            }
        }
    }

    // Watched: this session's server process idle, a second client asks for one again and again.
    DatabaseConnection other(profile);
    ConnectionError e;
    if (!other.open(&e)) {
        if (!keyRead)
            return {};
        result.verdict = Verdict::Unknown;
        result.evidence += QStringLiteral("; its pool mode could not be read, nor watched (a second connection failed: %1)").arg(e.text());
        return result;
    }
    for (int i = 0; i < WatchQueries; ++i) {
        if (serverProcess(other) == server) {
            result.verdict = Verdict::SharedSessions;
            result.evidence += QStringLiteral("; another connection was given this session's server process %1").arg(server);
            return result;
        }
    }
    if (const qint64 again = serverProcess(connection); again != server) {
        result.verdict = Verdict::SharedSessions;
        result.evidence += QStringLiteral("; this connection's next transaction ran in server process %1, not %2").arg(again).arg(server);
        return result;
    }
    // Not caught sharing is no proof of a session pool (several PgBouncer processes on one port, a
    // pool larger than the tries): without the console's word, not trusted with a run.
    if (!keyRead)
        return {};
    result.verdict = Verdict::Unknown;
    result.evidence += QStringLiteral("; its pool mode could not be read (its admin console did not let this user in), and in %1 tries "
                                      "another connection was never given this session's server process, which proves nothing")
                           .arg(WatchQueries);
    return result;
}

QString PoolerProbe::refusal(const Result &result)
{
    if (result.verdict == Verdict::Unknown)
        return QStringLiteral("this connection goes through %1 whose pool mode could not be told (%2). A run needs one server "
                              "session from start to end (its lock timeout, its run lock and its prepared batches belong to the "
                              "session), which only a pool in session mode keeps. Let Stagecraft read the mode (add this user to "
                              "PgBouncer's stats_users or admin_users), or connect to PostgreSQL directly (its own port)")
            .arg(result.pooler, result.evidence);
    if (result.verdict != Verdict::SharedSessions)
        return {};
    return QStringLiteral("this connection goes through %1 that hands the server session to other clients between transactions%2 "
                          "(%3). A run needs one server session from start to end: its lock timeout (SET lock_timeout), its run "
                          "lock (a session advisory lock) and its prepared batches belong to the session, and would be lost or "
                          "left to another client. Connect to PostgreSQL directly (its own port), or through a pool in session "
                          "mode (pool_mode = session for this database)")
        .arg(result.pooler, result.mode.isEmpty() ? QString() : QStringLiteral(" (pool_mode = %1)").arg(result.mode), result.evidence);
}

QString PoolerProbe::note(const Result &result)
{
    if (result.verdict != Verdict::SessionPool)
        return {};
    return QStringLiteral("connected through %1 in session mode: the run keeps one server session (%2)").arg(result.pooler, result.evidence);
}

} // namespace Stagecraft
