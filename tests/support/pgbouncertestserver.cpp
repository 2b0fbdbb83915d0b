#include "pgbouncertestserver.h"

#include "connection/databaseconnection.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QThread>

#include <signal.h>
#include <unistd.h>

namespace Stagecraft::Testing {

PgBouncerTestServer::~PgBouncerTestServer()
{
    stop();
}

QString PgBouncerTestServer::program()
{
    return findProgram(QStringLiteral("pgbouncer"), {QStringLiteral("/usr/sbin"), QStringLiteral("/usr/bin")});
}

ConnectionProfile PgBouncerTestServer::profile(const QString &database, const QString &user) const
{
    ConnectionProfile p;
    p.engine = Engine::PostgreSQL;
    p.host = QStringLiteral("127.0.0.1");
    p.port = m_port;
    p.database = database;
    p.user = user;
    return p;
}

bool PgBouncerTestServer::start(int serverPort, QString *error)
{
    const QString pgbouncer = program();
    if (pgbouncer.isEmpty()) {
        *error = QStringLiteral("PgBouncer is not installed (no pgbouncer in /usr/sbin or on PATH)");
        return false;
    }
    m_dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + QLatin1String("/stagecraft-pgbouncer-XXXXXX"));
    if (!m_dir->isValid()) {
        *error = QStringLiteral("cannot create a temporary folder: %1").arg(m_dir->errorString());
        return false;
    }
    // PgBouncer refuses to run as root: it runs as the postgres user, which must write its log there.
    m_process.setUser(QStringLiteral("postgres"));
    if (m_process.uid() != 0 && chown(m_dir->path().toLocal8Bit().constData(), m_process.uid(), m_process.gid()) != 0) {
        *error = QStringLiteral("cannot hand %1 to the postgres user").arg(m_dir->path());
        return false;
    }
    QByteArray users;
    for (const QString &u : std::as_const(m_users))
        users += "\"" + u.toUtf8() + "\" \"\"\n";
    QFile usersFile(m_dir->filePath(QStringLiteral("users.txt")));
    if (!usersFile.open(QIODevice::WriteOnly) || usersFile.write(users) != users.size()) {
        *error = QStringLiteral("cannot write %1").arg(usersFile.fileName());
        return false;
    }
    usersFile.close();
    for (int attempt = 1;; ++attempt) {
        m_port = freeLoopbackPort();
        QByteArray ini = "[databases]\n";
        for (const auto &[name, mode] : std::as_const(m_databases))
            ini += QStringLiteral("%1 = host=127.0.0.1 port=%2 dbname=postgres pool_mode=%3\n").arg(name).arg(serverPort).arg(mode).toUtf8();
        ini += QStringLiteral("[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = %1\nunix_socket_dir =\nauth_type = trust\n"
                              "auth_file = %2\nadmin_users = postgres\npool_mode = session\nmax_client_conn = 200\n"
                              "default_pool_size = 20\nlogfile = %3\n")
                   .arg(m_port)
                   .arg(usersFile.fileName(), m_dir->filePath(QStringLiteral("pgbouncer.log")))
                   .toUtf8();
        QFile iniFile(m_dir->filePath(QStringLiteral("pgbouncer.ini")));
        if (!iniFile.open(QIODevice::WriteOnly | QIODevice::Truncate) || iniFile.write(ini) != ini.size()) {
            *error = QStringLiteral("cannot write %1").arg(iniFile.fileName());
            return false;
        }
        iniFile.close();
        if (!m_process.start(pgbouncer, {iniFile.fileName()}, error))
            return false;
        // Ready when a client gets through to the server's database (the first configured one).
        QElapsedTimer timer;
        timer.start();
        ConnectionError last;
        while (timer.elapsed() < 15000 && m_process.isRunning()) {
            DatabaseConnection probe(profile(m_databases.value(0).first));
            if (probe.open(&last))
                return true;
            QThread::msleep(100);
        }
        const QString output = m_process.output();
        m_process.stop(SIGTERM, 5000);
        if (!output.contains(QLatin1String("Address already in use")) || attempt == 5) {
            QFile log(m_dir->filePath(QStringLiteral("pgbouncer.log")));
            static_cast<void>(log.open(QIODevice::ReadOnly));
            *error = QStringLiteral("PgBouncer did not let a client through within 15 s: %1\n%2\n%3")
                         .arg(last.text(), output, QString::fromUtf8(log.readAll().right(2000)));
            return false;
        }
    }
}

void PgBouncerTestServer::stop()
{
    m_process.stop(SIGINT, 5000); // SIGINT: PgBouncer's safe shutdown
}

} // namespace Stagecraft::Testing
