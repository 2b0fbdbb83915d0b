#include "testservers.h"

#include "connection/databaseconnection.h"

#include <QFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <memory>

namespace Stagecraft::Testing {

namespace {

template<typename Server>
struct Slot
{
    std::unique_ptr<Server> server;
    QString error;
    bool tried = false;

    Server *get(QString *why)
    {
        if (!tried) {
            tried = true;
            auto candidate = std::make_unique<Server>();
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
    TestServer *server = nullptr;
    if (engine == QLatin1String("postgresql"))
        server = postgres(&why);
    else if (engine == QLatin1String("mariadb"))
        server = mariadb(&why);
    else if (engine == QLatin1String("mysql"))
        server = mysql(&why);
    else
        why = QStringLiteral("unknown engine '%1'").arg(engine);
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
}

} // namespace Stagecraft::Testing
