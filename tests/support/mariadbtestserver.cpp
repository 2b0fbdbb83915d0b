#include "mariadbtestserver.h"

#include "connection/databaseconnection.h"
#include "serverroots.h"
#include "sql/quoting.h"
#include "testservers.h"

#include <QDir>
#include <QProcess>
#include <QThread>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QSqlError>
#include <QSqlQuery>

#include <map>
#include <memory>

#include <signal.h>
#include <unistd.h>

namespace Stagecraft::Testing {

MariaDbTestServer::~MariaDbTestServer()
{
    stop();
}

QString MariaDbTestServer::socketPath() const
{
    return m_dir ? m_dir->filePath(QStringLiteral("mysqld.sock")) : QString();
}

bool MariaDbTestServer::locate(QString *server, QString *installDb, QString *error)
{
    if (!m_version.isEmpty()) { // only a root's: this machine's is the default server
        ServerRoots::Server inRoot;
        if (!ServerRoots::find(QStringLiteral("mariadb-") + m_version, &inRoot, error))
            return false;
        m_root = inRoot.root;
        *server = inRoot.program;
        *installDb = QStringLiteral("/usr/bin/mariadb-install-db");
        return true;
    }
    *server = findProgram(QStringLiteral("mariadbd"));
    *installDb = findProgram(QStringLiteral("mariadb-install-db"));
    if (server->isEmpty() || installDb->isEmpty()) {
        *error = QStringLiteral("MariaDB is not installed (mariadbd or mariadb-install-db not found)");
        return false;
    }
    return true;
}

bool MariaDbTestServer::start(QString *error)
{
    QString server, installDb;
    if (!locate(&server, &installDb, error))
        return false;
    if (!makeDirectory(error, m_root.isEmpty() ? QString() : m_root + QLatin1String("/tmp")))
        return false;
    m_server.setRoot(m_root);
    const QString data = m_dir->filePath(QStringLiteral("data"));
    // A tmpdir of its own: a starting server deletes the #sql* temporary tables it finds in its
    // tmpdir, which in a shared /tmp belong to the other servers running in parallel.
    const QString tmp = m_dir->filePath(QStringLiteral("tmp"));
    QDir().mkpath(tmp);
    // mariadbd refuses to run as root unless told so explicitly.
    const QStringList asUser = geteuid() == 0 ? QStringList{QStringLiteral("--user=root")} : QStringList{};
    if (!install(installDb, data, tmp, asUser, error))
        return false;
    if (m_dataOpenToAll && QProcess::execute(QStringLiteral("chmod"), {QStringLiteral("-R"), QStringLiteral("a+rwX"), data, tmp}) != 0) {
        *error = QStringLiteral("cannot open %1 to every user").arg(data);
        return false;
    }
    // A port found free may be taken before the server binds it: then start again on another.
    for (int attempt = 1;; ++attempt) {
        const int port = freeLoopbackPort();
        if (!m_server.start(server,
                            QStringList{QStringLiteral("--no-defaults"), QStringLiteral("--datadir=") + inRoot(data),
                                        QStringLiteral("--tmpdir=") + inRoot(tmp), QStringLiteral("--port=%1").arg(port),
                                        QStringLiteral("--bind-address=127.0.0.1"),
                                        QStringLiteral("--socket=") + inRoot(socketPath()),
                                        QStringLiteral("--pid-file=") + inRoot(m_dir->filePath(QStringLiteral("mysqld.pid"))),
                                        QStringLiteral("--skip-name-resolve"),
                                        QStringLiteral("--innodb-buffer-pool-size=128M"),
                                        QStringLiteral("--innodb-flush-log-at-trx-commit=0"),
                                        QStringLiteral("--innodb-doublewrite=0"),
                                        QStringLiteral("--max-connections=100")}
                                + replicationArguments(port) + asUser + tlsArguments() + digestArguments() + m_extraArguments,
                            error))
            return false;
        ConnectionProfile root;
        root.engine = Engine::MariaDB;
        root.host = socketPath(); // a Unix socket folder or file: see DatabaseConnection
        root.user = QStringLiteral("root");
        bool retry = false;
        if (!waitUntilReady(root, data, 90000, error, &retry, m_root)) {
            stop();
            if (!retry || attempt == 5)
                return false;
            continue;
        }
        const QStringList setup = {
            QStringLiteral("CREATE DATABASE IF NOT EXISTS stagecraft_test CHARACTER SET utf8mb4 "
                           "COLLATE utf8mb4_unicode_ci"),
            QStringLiteral("CREATE USER IF NOT EXISTS 'stagecraft'@'%' IDENTIFIED BY 'stagecraft'"),
            QStringLiteral("GRANT ALL PRIVILEGES ON *.* TO 'stagecraft'@'%' WITH GRANT OPTION"),
        };
        // A Galera node that joins a cluster takes connections before it may run statements.
        QElapsedTimer joining;
        joining.start();
        bool done = false;
        while (!(done = TestServers::execute(root, setup, error)) && error->contains(QLatin1String("WSREP has not yet prepared node"))
               && joining.elapsed() < 60000)
            QThread::msleep(200);
        if (!done)
            return false;
        if (m_primary && !startReplication(root, error))
            return false;
        m_profile = {};
        m_profile.engine = Engine::MariaDB;
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

QStringList MariaDbTestServer::digestArguments() const
{
    if (!m_statementDigests)
        return {};
    return {QStringLiteral("--performance-schema=ON"), QStringLiteral("--performance-schema-consumer-global-instrumentation=ON"),
            QStringLiteral("--performance-schema-consumer-statements-digest=ON")};
}

bool MariaDbTestServer::install(const QString &installDb, const QString &data, const QString &tmp,
                                const QStringList &asUser, QString *error)
{
    const auto installInto = [&](const QString &folder, const QString &tmpFolder) {
        return m_server.run(installDb,
                            QStringList{QStringLiteral("--no-defaults"), QStringLiteral("--datadir=") + inRoot(folder),
                                        QStringLiteral("--tmpdir=") + inRoot(tmpFolder),
                                        QStringLiteral("--auth-root-authentication-method=normal"),
                                        QStringLiteral("--skip-test-db"), QStringLiteral("--skip-name-resolve")}
                                + asUser,
                            180000, error);
    };
    if (!m_sharedInstall)
        return installInto(data, tmp);
    // One installation per root (version) for the whole executable, copied for each server.
    static std::map<QString, std::unique_ptr<QTemporaryDir>> installed;
    auto &shared = installed[m_root];
    if (!shared) {
        auto folder = std::make_unique<QTemporaryDir>((m_root.isEmpty() ? QDir::tempPath() : m_root + QLatin1String("/tmp"))
                                                      + QLatin1String("/stagecraft-mariadb-install-XXXXXX"));
        const QString tmpFolder = folder->filePath(QStringLiteral("tmp"));
        QDir().mkpath(tmpFolder);
        if (!folder->isValid() || !installInto(folder->filePath(QStringLiteral("data")), tmpFolder))
            return false;
        shared = std::move(folder);
    }
    return m_server.run(QStringLiteral("/bin/cp"), {QStringLiteral("-a"), inRoot(shared->filePath(QStringLiteral("data"))), inRoot(data)},
                        60000, error);
}

QStringList MariaDbTestServer::replicationArguments(int port) const
{
    if (m_primary)
        // A relay log named for no host; report_host/port: how the primary's SHOW REPLICA HOSTS names it.
        return {QStringLiteral("--skip-log-bin"), QStringLiteral("--server-id=%1").arg(m_replicaServerId),
                QStringLiteral("--relay-log=relay-bin"), QStringLiteral("--report-host=127.0.0.1"),
                QStringLiteral("--report-port=%1").arg(port), QStringLiteral("--skip-slave-start")};
    if (m_binlogServerId > 0)
        return {QStringLiteral("--log-bin=mysql-bin"), QStringLiteral("--server-id=%1").arg(m_binlogServerId)};
    return {QStringLiteral("--skip-log-bin")};
}

bool MariaDbTestServer::startReplication(const ConnectionProfile &root, QString *error)
{
    if (!m_primary->isRunning()) {
        *error = QStringLiteral("the primary of this replica is not running");
        return false;
    }
    const ConnectionProfile primary = m_primary->profile();
    // MASTER_CONNECT_RETRY=1: a replica cut off from the primary is back within a second of it.
    return TestServers::execute(root,
                                {QStringLiteral("CHANGE MASTER TO MASTER_HOST=%1, MASTER_PORT=%2, MASTER_USER=%3, "
                                                "MASTER_PASSWORD=%4, MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1")
                                     .arg(quoteLiteral(Engine::MariaDB, primary.host))
                                     .arg(primary.port)
                                     .arg(quoteLiteral(Engine::MariaDB, primary.user),
                                          quoteLiteral(Engine::MariaDB, primary.password)),
                                 QStringLiteral("START SLAVE")},
                                error);
}

QStringList MariaDbTestServer::tlsArguments() const
{
    if (m_tlsOff)
        return {QStringLiteral("--skip-ssl")};
    if (!m_tlsCertificate.isEmpty())
        return {QStringLiteral("--ssl-cert=") + m_tlsCertificate, QStringLiteral("--ssl-key=") + m_tlsKey};
    return {};
}

void MariaDbTestServer::stop()
{
    m_server.stop(SIGTERM, 30000);
}

} // namespace Stagecraft::Testing
