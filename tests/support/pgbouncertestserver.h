#pragma once

#include "connection/connectionprofile.h"
#include "serverprocess.h"

#include <QList>
#include <QPair>
#include <QTemporaryDir>

#include <memory>

namespace Stagecraft::Testing {

// PgBouncer (this machine's, /usr/sbin/pgbouncer) in front of a PostgreSQL test server, on a free
// loopback port of its own, for as long as the object lives. Each database it offers is the
// server's "postgres" database in a pool mode of its own; every user connects without a password
// (auth_type = trust, the users listed in its auth_file), and only "postgres" may use its admin
// console (the database "pgbouncer").
class PgBouncerTestServer
{
public:
    PgBouncerTestServer() = default;
    ~PgBouncerTestServer();
    PgBouncerTestServer(const PgBouncerTestServer &) = delete;
    PgBouncerTestServer &operator=(const PgBouncerTestServer &) = delete;

    // Before start(): a database name clients connect to, in this pool mode (session, transaction, statement).
    void addDatabase(const QString &name, const QString &poolMode) { m_databases << qMakePair(name, poolMode); }
    // Before start(): users besides "postgres" that may connect (they must exist on the server).
    void addUser(const QString &name) { m_users << name; }
    // Starts it in front of the server on serverPort; waits until it answers.
    [[nodiscard]] bool start(int serverPort, QString *error);
    void stop();
    // How a client connects through it to one of its databases.
    [[nodiscard]] ConnectionProfile profile(const QString &database, const QString &user = QStringLiteral("postgres")) const;
    // Where pgbouncer is; empty when it is not installed.
    [[nodiscard]] static QString program();

private:
    QList<QPair<QString, QString>> m_databases;
    QStringList m_users{QStringLiteral("postgres")};
    std::unique_ptr<QTemporaryDir> m_dir;
    ServerProcess m_process;
    int m_port = 0;
};

} // namespace Stagecraft::Testing
