#pragma once

#include "connectionerror.h"
#include "connectionprofile.h"

#include <QMap>
#include <QSqlDatabase>

class QSqlError;

namespace Stagecraft {

// What the server is: flavour and version, read once when the connection opens.
struct ServerInfo
{
    Engine engine = Engine::SQLite; // MySQL or MariaDB as the server says, whatever the URL's scheme
    QString version; // as the server prints it, e.g. "17.2" or "11.8.6-MariaDB"
    int versionNumber = 0; // major * 10000 + minor * 100 + patch, e.g. 170002, 110806, 3046001 for SQLite 3.46.1
    // Settings that change how DDL behaves, as a new session gets them from the server (before
    // Stagecraft sets its own modes, SessionModes): PostgreSQL lock_timeout,
    // statement_timeout, idle_in_transaction_session_timeout; MySQL/MariaDB lock_wait_timeout,
    // innodb_lock_wait_timeout, sql_mode; SQLite journal_mode, foreign_keys, busy_timeout.
    QMap<QString, QString> settings;

    [[nodiscard]] QString displayName() const; // "PostgreSQL 17.2"
};

// One open connection to a database, under a Qt SQL connection name of its own, so that each
// thread (the GUI's catalog worker, the runner) can own one. A QSqlDatabase belongs to the thread
// that created it: create, use and destroy a DatabaseConnection on one thread.
class DatabaseConnection
{
public:
    explicit DatabaseConnection(ConnectionProfile profile);
    ~DatabaseConnection();
    DatabaseConnection(const DatabaseConnection &) = delete;
    DatabaseConnection &operator=(const DatabaseConnection &) = delete;

    // Opens the connection, reads the server's version and settings, then sets the session modes
    // Stagecraft relies on (SessionModes). SQLite files must already exist:
    // opening never creates a database by accident.
    [[nodiscard]] bool open(ConnectionError *error);
    void close();
    [[nodiscard]] bool isOpen() const;
    // Whether the server still answers on this connection (a SELECT 1); *error is why not. Tells a
    // lost server from a failed statement.
    [[nodiscard]] bool answers(QSqlError *error = nullptr) const;

    [[nodiscard]] QSqlDatabase database() const;
    [[nodiscard]] const ConnectionProfile &profile() const { return m_profile; }
    [[nodiscard]] const ServerInfo &server() const { return m_server; }
    [[nodiscard]] Engine engine() const { return m_server.engine; }
    [[nodiscard]] QString connectionName() const { return m_name; }

    // The Qt SQL driver an engine needs, and whether it is installed.
    [[nodiscard]] static QString driverName(Engine engine);

private:
    [[nodiscard]] bool readServerInfo(ConnectionError *error);
    [[nodiscard]] bool readSettings(ConnectionError *error);
    [[nodiscard]] bool setSessionModes(ConnectionError *error);
    // MySQL/MariaDB: the driver's options for the profile's TLS mode, after the probe (mysqltlsprobe.h).
    [[nodiscard]] static bool mysqlTlsOptions(const ConnectionProfile &profile, QStringList *options,
                                              ConnectionError *error);
    // A session opened with TLS required (require, verify-ca, verify-full) is encrypted, or refused.
    [[nodiscard]] bool checkEncrypted(ConnectionError *error);

    ConnectionProfile m_profile;
    ServerInfo m_server;
    QString m_name;
};

} // namespace Stagecraft
