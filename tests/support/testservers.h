#pragma once

#include "mariadbtestserver.h"
#include "mysqltestserver.h"
#include "postgrestestserver.h"

#include <QTest>

namespace Stagecraft::Testing {

// The servers one test executable shares: each started on first use and stopped at exit.
class TestServers
{
public:
    // nullptr when the server could not be started; *error says why.
    [[nodiscard]] static PostgresTestServer *postgres(QString *error);
    [[nodiscard]] static MariaDbTestServer *mariadb(QString *error);
    // Oracle MySQL, from the root scripts/dev provides (see MySqlTestServer).
    [[nodiscard]] static MySqlTestServer *mysql(QString *error);
    // A server by name: "postgresql" (this machine's, 17), "postgresql-15", "postgresql-18",
    // "mariadb" (this machine's, 11.8), "mariadb-10.11", "mysql" (9.7); the others from the server
    // roots (ServerRoots). Shared like the ones above.
    [[nodiscard]] static TestServer *server(const QString &name, QString *error);
    // A server of the test's own by the same names (not started); nullptr for an unknown name.
    [[nodiscard]] static std::unique_ptr<TestServer> make(const QString &name);
    // The engine of a server name ("postgresql-15" is PostgreSQL); SQLite for "sqlite".
    [[nodiscard]] static Engine engineOf(const QString &name);
    // A profile for a server by name (above) or "sqlite"; SQLite gets a fresh empty file in a
    // temporary folder. Empty name or failure: returns false with *error.
    [[nodiscard]] static bool profileFor(const QString &engine, ConnectionProfile *profile, QString *error);
    // The other versions of an engine's server the harness has: "postgresql" has "postgresql-15"
    // and "postgresql-18", "mariadb" has "mariadb-10.11".
    [[nodiscard]] static QStringList otherVersions(const QString &engine);
    // Whether this run takes the server's rows: STAGECRAFT_TEST_SERVERS (a comma-separated list of
    // server names, "sqlite" among them) names them; unset, every server.
    [[nodiscard]] static bool wanted(const QString &server);
    // With CI=true a missing server is a failure, elsewhere a skip.
    [[nodiscard]] static bool serversRequired();
    // Runs set-up statements on a connection of their own; false with *error naming the statement.
    [[nodiscard]] static bool execute(const ConnectionProfile &profile, const QStringList &statements, QString *error);
    // Stops the servers now (cleanupTestCase); they would otherwise stop at exit.
    static void stopAll();
};

} // namespace Stagecraft::Testing

// What a test function does when the server it needs is missing, decided in this one place: with
// CI=true it fails, elsewhere it skips; for SQLite, which needs no server, it always fails.
// `available` is evaluated once, before `why` is read, so it may be the call that fills `why`.
#define STAGECRAFT_REQUIRE(available, engine, why)                                                                   \
    do {                                                                                                             \
        if (!(available)) {                                                                                          \
            if (Stagecraft::Testing::TestServers::serversRequired() || QString(engine) == QLatin1String("sqlite"))   \
                QFAIL(qPrintable(why));                                                                              \
            QSKIP(qPrintable(why));                                                                                  \
        }                                                                                                            \
    } while (false)

// Gets a connection profile for the engine or server ("sqlite", "postgresql", "postgresql-15", "mariadb",
// "mariadb-10.11", "mysql", ...) from the shared servers.
#define STAGECRAFT_REQUIRE_PROFILE(engine, profile)                                                                  \
    do {                                                                                                             \
        QString stagecraftWhy_;                                                                                      \
        STAGECRAFT_REQUIRE(Stagecraft::Testing::TestServers::profileFor((engine), &(profile), &stagecraftWhy_),      \
                           (engine), stagecraftWhy_);                                                                \
    } while (false)

// Starts a server of the test's own (a TestServer set up with its options first).
#define STAGECRAFT_REQUIRE_STARTED(server)                                                                           \
    do {                                                                                                             \
        QString stagecraftWhy_;                                                                                      \
        STAGECRAFT_REQUIRE((server).start(&stagecraftWhy_), QString(), stagecraftWhy_);                              \
    } while (false)
