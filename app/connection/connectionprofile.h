#pragma once

#include <QString>
#include <QStringList>

namespace Stagecraft {

// The database engines Stagecraft plans for. MySQL and MariaDB share a driver but not their
// online-DDL rules, so they are told apart as soon as the server's version is known.
enum class Engine { PostgreSQL, MySQL, MariaDB, SQLite };

[[nodiscard]] QString engineName(Engine engine);
// The engine engineName() names; false (and *engine unchanged) for any other text.
[[nodiscard]] bool engineFromName(const QString &name, Engine *engine);
[[nodiscard]] int defaultPort(Engine engine);
// The TLS modes a profile's sslMode may take for the engine (none for SQLite's files).
[[nodiscard]] const QStringList &sslModes(Engine engine);

// Everything needed to reach one database: a value type that round-trips through a URL such as
// postgresql://user@host:5432/db?sslmode=require, mariadb://user@host/db or sqlite:///path/shop.db.
class ConnectionProfile
{
public:
    Engine engine = Engine::SQLite;
    QString host;
    int port = 0; // 0: the engine's default
    QString database; // the file path for SQLite
    QString user;
    QString password;
    QString sslMode; // PostgreSQL sslmode; MySQL/MariaDB: disable, require, verify-ca or verify-full
    QString sslRootCert; // CA certificate file to verify the server with
    QString sslCert; // client certificate file
    QString sslKey; // client key file

    // Parses a URL. On failure returns false and sets *error to a sentence naming the problem.
    [[nodiscard]] static bool fromUrl(const QString &url, ConnectionProfile *profile, QString *error);
    // Text that may be a URL (or a mistyped one) with its password, if any, shown as "***": what
    // an error message may quote.
    [[nodiscard]] static QString withoutPassword(const QString &text);
    // A password in a URL on a command line can be read by every user of the machine in
    // /proc/<pid>/cmdline (and ps) for as long as the program runs: once its arguments are parsed,
    // a program overwrites it in place, star for character, in every argument holding a URL with
    // one. (The first moments of the run and the shell's history still see it.)
    static void hidePasswordsInArguments(int argc, char *argv[]);
    // The URL form; the password is left out unless asked for.
    [[nodiscard]] QString toUrl(bool withPassword = false) const;
    // user@host:port/database, or the file name for SQLite: what a title bar shows.
    [[nodiscard]] QString displayName() const;
    [[nodiscard]] int effectivePort() const { return port > 0 ? port : defaultPort(engine); }

    bool operator==(const ConnectionProfile &) const = default;
};

} // namespace Stagecraft
