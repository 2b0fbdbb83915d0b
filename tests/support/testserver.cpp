#include "testserver.h"

#include "connection/databaseconnection.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSqlQuery>
#include <QThread>

#include <signal.h>

namespace Stagecraft::Testing {

TestServer::~TestServer() = default;

void TestServer::kill()
{
    m_server.stop(SIGKILL, 5000);
}

bool TestServer::makeDirectory(QString *error, const QString &parent)
{
    m_dir = std::make_unique<QTemporaryDir>((parent.isEmpty() ? QDir::tempPath() : parent)
                                            + QLatin1String("/stagecraft-test-XXXXXX"));
    if (!m_dir->isValid()) {
        *error = QStringLiteral("cannot create a temporary folder: %1").arg(m_dir->errorString());
        return false;
    }
    // The server may run as another user (the test runs as root in the build root): let it in.
    QFile::setPermissions(m_dir->path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup
                                             | QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther);
    return true;
}

bool TestServer::waitUntilReady(const ConnectionProfile &profile, const QString &dataDirectory, int timeoutMs,
                                QString *error, bool *retry, const QString &serverRoot)
{
    *retry = false;
    QElapsedTimer timer;
    timer.start();
    ConnectionError last;
    while (timer.elapsed() < timeoutMs) {
        if (!m_server.isRunning()) {
            const QString output = m_server.output();
            *retry = output.contains(QLatin1String("already in use")) || output.contains(QLatin1String("Address in use"));
            *error = QStringLiteral("the server exited during start-up:\n%1").arg(output);
            return false;
        }
        DatabaseConnection connection(profile);
        if (connection.open(&last)) {
            QSqlQuery q(connection.database());
            const QString sql = profile.engine == Engine::PostgreSQL ? QStringLiteral("SHOW data_directory")
                                                                     : QStringLiteral("SELECT @@datadir");
            if (!q.exec(sql) || !q.next()) {
                *error = QStringLiteral("cannot ask the server for its data directory");
                return false;
            }
            if (QDir(serverRoot + q.value(0).toString()).canonicalPath() == QDir(dataDirectory).canonicalPath())
                return true;
            *retry = true;
            *error = QStringLiteral("port %1 was taken by another server (%2)").arg(profile.port).arg(q.value(0).toString());
            return false;
        }
        QThread::msleep(100);
    }
    *error = QStringLiteral("the server did not accept connections within %1 s: %2\n%3")
                 .arg(timeoutMs / 1000)
                 .arg(last.text(), m_server.output());
    return false;
}

} // namespace Stagecraft::Testing
