#include "testservers.h"

#include "connection/databaseconnection.h"

#include <QFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <map>
#include <memory>
#include <type_traits>

namespace Stagecraft::Testing {

namespace {

template<typename Server>
struct Slot
{
    std::unique_ptr<Server> server;
    QString error;
    bool tried = false;

    Server *get(QString *why, const QString &name = {})
    {
        if (!tried) {
            tried = true;
            std::unique_ptr<Server> candidate;
            if constexpr (std::is_same_v<Server, TestServer>)
                candidate = TestServers::make(name);
            else
                candidate = std::make_unique<Server>();
            if (!candidate) {
                error = QStringLiteral("unknown server '%1'").arg(name);
                return nullptr;
            }
            if (candidate->start(&error))
                server = std::move(candidate);
        }
        if (!server && why)
            *why = error;
        return server.get();
    }
};

Slot<PostgresTestServer> &postgresSlot()
{
    static Slot<PostgresTestServer> slot;
    return slot;
}

Slot<MariaDbTestServer> &mariadbSlot()
{
    static Slot<MariaDbTestServer> slot;
    return slot;
}

Slot<MySqlTestServer> &mysqlSlot()
{
    static Slot<MySqlTestServer> slot;
    return slot;
}

// The servers by name other than the three above.
std::map<QString, Slot<TestServer>> &namedSlots()
{
    static std::map<QString, Slot<TestServer>> named;
    return named;
}

QTemporaryDir &sqliteFolder()
{
    static QTemporaryDir dir;
    return dir;
}

} // namespace

PostgresTestServer *TestServers::postgres(QString *error)
{
    return postgresSlot().get(error);
}

MariaDbTestServer *TestServers::mariadb(QString *error)
{
    return mariadbSlot().get(error);
}

MySqlTestServer *TestServers::mysql(QString *error)
{
    return mysqlSlot().get(error);
}

std::unique_ptr<TestServer> TestServers::make(const QString &name)
{
    if (name == QLatin1String("postgresql"))
        return std::make_unique<PostgresTestServer>();
    if (name == QLatin1String("mariadb"))
        return std::make_unique<MariaDbTestServer>();
    if (name == QLatin1String("mysql"))
        return std::make_unique<MySqlTestServer>();
    const QString version = name.section(QLatin1Char('-'), 1);
    bool numeric = false;
    const int major = version.toInt(&numeric);
    if (name.startsWith(QLatin1String("postgresql-")) && numeric)
        return std::make_unique<PostgresTestServer>(major);
    if (name.startsWith(QLatin1String("mariadb-")) && !version.isEmpty())
        return std::make_unique<MariaDbTestServer>(version);
    return nullptr;
}

Engine TestServers::engineOf(const QString &name)
{
    const QString engine = name.section(QLatin1Char('-'), 0, 0);
    if (engine == QLatin1String("postgresql"))
        return Engine::PostgreSQL;
    if (engine == QLatin1String("mariadb"))
        return Engine::MariaDB;
    if (engine == QLatin1String("mysql"))
        return Engine::MySQL;
    return Engine::SQLite;
}

TestServer *TestServers::server(const QString &name, QString *error)
{
    if (name == QLatin1String("postgresql"))
        return postgres(error);
    if (name == QLatin1String("mariadb"))
        return mariadb(error);
    if (name == QLatin1String("mysql"))
        return mysql(error);
    return namedSlots()[name].get(error, name);
}

QStringList TestServers::otherVersions(const QString &engine)
{
    if (engine == QLatin1String("postgresql"))
        return {QStringLiteral("postgresql-15"), QStringLiteral("postgresql-18")};
    if (engine == QLatin1String("mariadb"))
        return {QStringLiteral("mariadb-10.11")};
    return {};
}

bool TestServers::wanted(const QString &server)
{
    const QString list = qEnvironmentVariable("STAGECRAFT_TEST_SERVERS");
    return list.isEmpty() || list.split(QLatin1Char(',')).contains(server);
}

bool TestServers::serversRequired()
{
    return qEnvironmentVariable("CI") == QLatin1String("true");
}

bool TestServers::profileFor(const QString &engine, ConnectionProfile *profile, QString *error)
{
    if (engine == QLatin1String("sqlite")) {
        static int counter = 0;
        const QString path = sqliteFolder().filePath(QStringLiteral("test-%1.sqlite").arg(++counter));
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly)) { // an empty file is an empty SQLite database
            *error = QStringLiteral("cannot create %1").arg(path);
            return false;
        }
        *profile = {};
        profile->engine = Engine::SQLite;
        profile->database = path;
        return true;
    }
    QString why;
    TestServer *server = TestServers::server(engine, &why);
    if (!server) {
        *error = QStringLiteral("no %1 server for this test: %2").arg(engine, why);
        return false;
    }
    *profile = server->profile();
    return true;
}

bool TestServers::execute(const ConnectionProfile &profile, const QStringList &statements, QString *error)
{
    DatabaseConnection connection(profile);
    ConnectionError e;
    if (!connection.open(&e)) {
        *error = e.text();
        return false;
    }
    QSqlQuery q(connection.database());
    for (const QString &sql : statements) {
        if (!q.exec(sql)) {
            *error = sql + QLatin1String(": ") + q.lastError().text();
            return false;
        }
    }
    return true;
}

void TestServers::stopAll()
{
    postgresSlot().server.reset();
    mariadbSlot().server.reset();
    mysqlSlot().server.reset();
    namedSlots().clear();
}

} // namespace Stagecraft::Testing
