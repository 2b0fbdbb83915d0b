#include "postgrestestserver.h"

#include "serverroots.h"

#include <QCollator>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <signal.h>
#include <unistd.h>

namespace Stagecraft::Testing {

PostgresTestServer::~PostgresTestServer()
{
    stop();
}

QString PostgresTestServer::binDirectory()
{
    const QString fromEnvironment = qEnvironmentVariable("STAGECRAFT_PG_BINDIR");
    if (!fromEnvironment.isEmpty())
        return fromEnvironment;
    QStringList versions = QDir(QStringLiteral("/usr/lib/postgresql")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    QCollator numeric;
    numeric.setNumericMode(true);
    std::sort(versions.begin(), versions.end(), numeric);
    for (auto it = versions.crbegin(); it != versions.crend(); ++it) {
        const QString bin = QStringLiteral("/usr/lib/postgresql/%1/bin").arg(*it);
        if (QFileInfo(bin + QLatin1String("/initdb")).isExecutable())
            return bin;
    }
    const QString initdb = findProgram(QStringLiteral("initdb"));
    return initdb.isEmpty() ? QString() : QFileInfo(initdb).absolutePath();
}

bool PostgresTestServer::locate(QString *error)
{
    const QString bin = binDirectory();
    // This machine's own: "/usr/lib/postgresql/17/bin" is 17.
    if (!bin.isEmpty() && (m_major == 0 || bin.section(QLatin1Char('/'), -2, -2) == QString::number(m_major))) {
        m_bin = bin;
        return true;
    }
    if (m_major == 0) {
        *error = QStringLiteral("PostgreSQL is not installed (no initdb under /usr/lib/postgresql or on PATH)");
        return false;
    }
    ServerRoots::Server server;
    if (!ServerRoots::find(QStringLiteral("postgresql-%1").arg(m_major), &server, error))
        return false;
    m_root = server.root;
    m_bin = server.program;
    return true;
}

bool PostgresTestServer::start(QString *error)
{
    if (m_primary) { // a replica runs the primary's own programs, in its root
        if (!m_primary->isRunning()) {
            *error = QStringLiteral("the primary of this replica is not running");
            return false;
        }
        m_root = m_primary->m_root;
        m_bin = m_primary->m_bin;
    } else if (!locate(error)) {
        return false;
    }
    if (!makeDirectory(error, m_root.isEmpty() ? QString() : m_root + QLatin1String("/tmp")))
        return false;
    m_server.setRoot(m_root);
    m_server.setUser(QStringLiteral("postgres"));
    const QString data = m_dir->filePath(QStringLiteral("data"));
    const QString sockets = m_dir->filePath(QStringLiteral("run"));
    QDir().mkpath(sockets);
    if (m_server.uid() != 0 && (chown(sockets.toLocal8Bit().constData(), m_server.uid(), m_server.gid()) != 0
                                || chown(m_dir->path().toLocal8Bit().constData(), m_server.uid(), m_server.gid()) != 0)) {
        *error = QStringLiteral("cannot hand %1 to the postgres user").arg(m_dir->path());
        return false;
    }
    if (!makeData(data, error))
        return false;
    if (m_requireTls) {
        QFile hba(data + QLatin1String("/pg_hba.conf"));
        if (!hba.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            *error = QStringLiteral("cannot write %1").arg(hba.fileName());
            return false;
        }
        hba.write("local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostnossl all all 127.0.0.1/32 reject\n");
    }
    if (m_replication) { // initdb's pg_hba.conf has this line too; a server that requires TLS has not
        QFile hba(data + QLatin1String("/pg_hba.conf"));
        if (!hba.open(QIODevice::WriteOnly | QIODevice::Append)) {
            *error = QStringLiteral("cannot write %1").arg(hba.fileName());
            return false;
        }
        hba.write(m_requireTls ? "hostssl replication all 127.0.0.1/32 trust\n" : "host replication all 127.0.0.1/32 trust\n");
    }
    m_data = data;
    m_sockets = sockets;
    // A port found free may be taken before the server binds it: then start again on another.
    for (int attempt = 1;; ++attempt) {
        if (!launch(freeLoopbackPort(), error))
            return false;
        ConnectionProfile probe = m_profile;
        if (m_requireTls)
            probe.host = sockets; // TCP is refused by design: ask through the Unix socket
        bool retry = false;
        if (waitUntilReady(probe, data, 60000, error, &retry, m_root))
            return true;
        stop();
        if (!retry || attempt == 5)
            return false;
    }
}

bool PostgresTestServer::makeData(const QString &data, QString *error)
{
    if (!m_primary)
        return m_server.run(m_bin + QLatin1String("/initdb"),
                            {QStringLiteral("-D"), inRoot(data), QStringLiteral("-U"), QStringLiteral("postgres"),
                             QStringLiteral("-A"), QStringLiteral("trust"), QStringLiteral("-E"), QStringLiteral("UTF8"),
                             QStringLiteral("--no-locale"), QStringLiteral("--no-sync"), QStringLiteral("--no-instructions")},
                            120000, error);
    // -R writes standby.signal and primary_conninfo; -c fast: no wait for the primary's next checkpoint.
    return m_server.run(m_bin + QLatin1String("/pg_basebackup"),
                        {QStringLiteral("-D"), inRoot(data), QStringLiteral("-h"), QStringLiteral("127.0.0.1"),
                         QStringLiteral("-p"), QString::number(m_primary->port()), QStringLiteral("-U"),
                         QStringLiteral("postgres"), QStringLiteral("-R"), QStringLiteral("-X"), QStringLiteral("stream"),
                         QStringLiteral("-c"), QStringLiteral("fast"), QStringLiteral("--no-sync")},
                        120000, error);
}

QString PostgresTestServer::logFile() const
{
    return m_logStatements ? m_data + QLatin1String("/log/postgresql.log") : QString();
}

bool PostgresTestServer::launch(int port, QString *error)
{
    QStringList arguments{QStringLiteral("-D"), inRoot(m_data), QStringLiteral("-p"), QString::number(port), QStringLiteral("-k"), inRoot(m_sockets),
                          QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-c"), QStringLiteral("fsync=off"),
                          QStringLiteral("-c"), QStringLiteral("full_page_writes=off"), QStringLiteral("-c"),
                          QStringLiteral("synchronous_commit=off"), QStringLiteral("-c"), QStringLiteral("max_connections=60"),
                          QStringLiteral("-c"), QStringLiteral("shared_buffers=64MB")};
    if (m_replication)
        arguments << QStringLiteral("-c") << QStringLiteral("wal_level=replica") << QStringLiteral("-c")
                  << QStringLiteral("max_wal_senders=10") << QStringLiteral("-c") << QStringLiteral("max_replication_slots=10");
    if (m_primary) // the command line wins over postgresql.auto.conf, where -R wrote a primary_conninfo without a name
        arguments << QStringLiteral("-c")
                  << QStringLiteral("primary_conninfo=host=127.0.0.1 port=%1 user=postgres application_name=%2")
                         .arg(m_primary->port())
                         .arg(m_applicationName)
                  << QStringLiteral("-c") << QStringLiteral("wal_receiver_status_interval=1") << QStringLiteral("-c")
                  << QStringLiteral("hot_standby=on");
    if (m_logStatements)
        arguments << QStringLiteral("-c") << QStringLiteral("logging_collector=on") << QStringLiteral("-c")
                  << QStringLiteral("log_directory=log") << QStringLiteral("-c") << QStringLiteral("log_filename=postgresql.log")
                  << QStringLiteral("-c") << QStringLiteral("log_statement=all") << QStringLiteral("-c")
                  << QStringLiteral("log_line_prefix=%p|");
    if (m_statementStatistics)
        arguments << QStringLiteral("-c") << QStringLiteral("shared_preload_libraries=pg_stat_statements");
    if (!m_server.start(m_bin + QLatin1String("/postgres"), arguments + m_extraArguments, error))
        return false;
    m_profile = {};
    m_profile.engine = Engine::PostgreSQL;
    m_profile.host = QStringLiteral("127.0.0.1");
    m_profile.port = port;
    m_profile.database = QStringLiteral("postgres");
    m_profile.user = QStringLiteral("postgres");
    return true;
}

bool PostgresTestServer::restart(QString *error)
{
    const int port = m_profile.port;
    stop();
    bool retry = false;
    return launch(port, error) && waitUntilReady(m_profile, m_data, 60000, error, &retry, m_root);
}

void PostgresTestServer::crash()
{
    m_server.stop(SIGKILL, 10000);
}

void PostgresTestServer::stop()
{
    m_server.stop(SIGINT, 20000); // SIGINT: PostgreSQL's fast shutdown
}

} // namespace Stagecraft::Testing
