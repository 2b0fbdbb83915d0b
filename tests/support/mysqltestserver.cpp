#include "mysqltestserver.h"

#include "connection/databaseconnection.h"
#include "serverroots.h"
#include "sql/quoting.h"
#include "testservers.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>

#include <signal.h>

namespace Stagecraft::Testing {

MySqlTestServer::~MySqlTestServer()
{
    stop();
}

QString MySqlTestServer::root(QString *why)
{
    ServerRoots::Server server;
    if (!ServerRoots::find(QStringLiteral("mysql"), &server, why))
        return {};
    return server.root;
}

QStringList MySqlTestServer::tlsArguments(QString *error) const
{
    if (m_tlsOff)
        return {QStringLiteral("--tls-version=")}; // MySQL 8.4 and later: no TLS at all
    if (m_tlsCertificate.isEmpty())
        return {};
    // mysqld sees only its root: the certificate goes into the server's folder there.
    const QString certificate = m_dir->filePath(QStringLiteral("server-cert.pem"));
    const QString key = m_dir->filePath(QStringLiteral("server-key.pem"));
    if (!QFile::copy(m_tlsCertificate, certificate) || !QFile::copy(m_tlsKey, key)) {
        *error = QStringLiteral("cannot copy the TLS certificate into %1").arg(m_dir->path());
        return {QString()};
    }
    return {QStringLiteral("--ssl-cert=") + inRoot(certificate), QStringLiteral("--ssl-key=") + inRoot(key)};
}

bool MySqlTestServer::start(QString *error)
{
    m_root = root(error);
    if (m_root.isEmpty())
        return false;
    const QString chroot = findProgram(QStringLiteral("chroot"));
    if (chroot.isEmpty()) {
        *error = QStringLiteral("chroot not found");
        return false;
    }
    QDir(m_root).mkpath(QStringLiteral("tmp"));
    if (!makeDirectory(error, m_root + QLatin1String("/tmp")))
        return false;
    const QString data = m_dir->filePath(QStringLiteral("data"));
    const QString tmp = m_dir->filePath(QStringLiteral("tmp"));
    QDir().mkpath(tmp);
    const QStringList tls = tlsArguments(error);
    if (tls.contains(QString()))
        return false;
    const QString mysqld = QStringLiteral("/usr/sbin/mysqld");
    // --no-defaults first; root may run mysqld only when told so.
    if (!m_server.run(chroot,
                      {m_root, mysqld, QStringLiteral("--no-defaults"), QStringLiteral("--initialize-insecure"),
                       QStringLiteral("--user=root"), QStringLiteral("--datadir=") + inRoot(data),
                       QStringLiteral("--tmpdir=") + inRoot(tmp), QStringLiteral("--innodb-buffer-pool-size=64M")},
                      180000, error))
        return false;
    for (int attempt = 1;; ++attempt) {
        const int port = freeLoopbackPort();
        if (!m_server.start(chroot,
                            QStringList{m_root, mysqld, QStringLiteral("--no-defaults"), QStringLiteral("--user=root"),
                                        QStringLiteral("--datadir=") + inRoot(data), QStringLiteral("--tmpdir=") + inRoot(tmp),
                                        QStringLiteral("--port=%1").arg(port), QStringLiteral("--bind-address=127.0.0.1"),
                                        QStringLiteral("--socket=") + inRoot(m_dir->filePath(QStringLiteral("mysqld.sock"))),
                                        QStringLiteral("--pid-file=") + inRoot(m_dir->filePath(QStringLiteral("mysqld.pid"))),
                                        QStringLiteral("--secure-file-priv=") + inRoot(tmp),
                                        QStringLiteral("--mysqlx=OFF"), QStringLiteral("--skip-name-resolve"),
                                        QStringLiteral("--performance-schema=OFF"),
                                        QStringLiteral("--innodb-buffer-pool-size=64M"),
                                        QStringLiteral("--innodb-flush-log-at-trx-commit=0"),
                                        QStringLiteral("--innodb-doublewrite=OFF"), QStringLiteral("--max-connections=100")}
                                + replicationArguments(port) + tls + m_extraArguments,
                            error))
            return false;
        ConnectionProfile root;
        root.engine = Engine::MySQL;
        root.host = m_dir->filePath(QStringLiteral("mysqld.sock")); // the socket, seen from outside the root
        root.user = QStringLiteral("root");
        bool retry = false;
        if (!waitUntilReady(root, data, 90000, error, &retry, m_root)) {
            stop();
            if (!retry || attempt == 5)
                return false;
            continue;
        }
        const QStringList setup = {
            QStringLiteral("CREATE DATABASE IF NOT EXISTS stagecraft_test CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci"),
            QStringLiteral("CREATE USER IF NOT EXISTS 'stagecraft'@'%' IDENTIFIED BY 'stagecraft'"),
            QStringLiteral("GRANT ALL PRIVILEGES ON *.* TO 'stagecraft'@'%' WITH GRANT OPTION"),
        };
        if (!TestServers::execute(root, setup, error))
            return false;
        if (m_primary && !startReplication(root, error))
            return false;
        m_profile = {};
        m_profile.engine = Engine::MySQL;
        m_profile.host = QStringLiteral("127.0.0.1");
        m_profile.port = port;
        m_profile.database = QStringLiteral("stagecraft_test");
        m_profile.user = QStringLiteral("stagecraft");
        m_profile.password = QStringLiteral("stagecraft");
        if (waitUntilReady(m_profile, data, 10000, error, &retry, m_root))
            return true;
        stop();
        if (!retry || attempt == 5)
            return false;
    }
}

QStringList MySqlTestServer::replicationArguments(int port) const
{
    if (m_primary)
        return {QStringLiteral("--skip-log-bin"), QStringLiteral("--server-id=%1").arg(m_replicaServerId),
                QStringLiteral("--relay-log=relay-bin"), QStringLiteral("--report-host=127.0.0.1"),
                QStringLiteral("--report-port=%1").arg(port), QStringLiteral("--skip-replica-start")};
    if (m_binlogServerId > 0)
        return {QStringLiteral("--log-bin=binlog"), QStringLiteral("--server-id=%1").arg(m_binlogServerId)};
    return {QStringLiteral("--skip-log-bin")};
}

bool MySqlTestServer::startReplication(const ConnectionProfile &root, QString *error)
{
    if (!m_primary->isRunning()) {
        *error = QStringLiteral("the primary of this replica is not running");
        return false;
    }
    const ConnectionProfile primary = m_primary->profile();
    // From the primary's position now: each server made its own set-up already.
    DatabaseConnection connection(primary);
    ConnectionError e;
    if (!connection.open(&e)) {
        *error = e.text();
        return false;
    }
    QSqlQuery q(connection.database());
    if (!q.exec(QStringLiteral("SHOW BINARY LOG STATUS")) || !q.next()) {
        *error = QStringLiteral("SHOW BINARY LOG STATUS on the primary: ") + q.lastError().text();
        return false;
    }
    // GET_SOURCE_PUBLIC_KEY: caching_sha2_password over a connection without TLS.
    const QString change = QStringLiteral("CHANGE REPLICATION SOURCE TO SOURCE_HOST=%1, SOURCE_PORT=%2, SOURCE_USER=%3, "
                                          "SOURCE_PASSWORD=%4, SOURCE_LOG_FILE=%5, SOURCE_LOG_POS=%6, "
                                          "SOURCE_CONNECT_RETRY=1, GET_SOURCE_PUBLIC_KEY=1")
                               .arg(quoteLiteral(Engine::MySQL, primary.host))
                               .arg(primary.port)
                               .arg(quoteLiteral(Engine::MySQL, primary.user), quoteLiteral(Engine::MySQL, primary.password),
                                    quoteLiteral(Engine::MySQL, q.value(0).toString()))
                               .arg(q.value(1).toLongLong());
    return TestServers::execute(root, {change, QStringLiteral("START REPLICA")}, error);
}

void MySqlTestServer::stop()
{
    m_server.stop(SIGTERM, 30000);
}

} // namespace Stagecraft::Testing
