#pragma once

#include "mariadbtestserver.h"
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
    // A profile for an engine by name ("sqlite", "postgresql", "mariadb"); SQLite gets a fresh
    // empty file in a temporary folder. Empty engine name or failure: returns false with *error.
    [[nodiscard]] static bool profileFor(const QString &engine, ConnectionProfile *profile, QString *error);
    // With CI=true a missing server is a failure, elsewhere a skip.
    [[nodiscard]] static bool serversRequired();
    // Runs set-up statements on a connection of their own; false with *error naming the statement.
    [[nodiscard]] static bool execute(const ConnectionProfile &profile, const QStringList &statements, QString *error);
    // Stops the servers now (cleanupTestCase); they would otherwise stop at exit.
    static void stopAll();
};

} // namespace Stagecraft::Testing

// In a test function: gets a connection profile for the engine or fails (CI) / skips (elsewhere).
#define STAGECRAFT_REQUIRE_PROFILE(engine, profile)                                                                  \
    do {                                                                                                             \
        QString stagecraftWhy_;                                                                                      \
        if (!Stagecraft::Testing::TestServers::profileFor((engine), &(profile), &stagecraftWhy_)) {                  \
            if (Stagecraft::Testing::TestServers::serversRequired())                                                 \
                QFAIL(qPrintable(stagecraftWhy_));                                                                   \
            QSKIP(qPrintable(stagecraftWhy_));                                                                       \
        }                                                                                                            \
    } while (false)
