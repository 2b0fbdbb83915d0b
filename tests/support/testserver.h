#pragma once

#include "connection/connectionprofile.h"
#include "serverprocess.h"

#include <QTemporaryDir>

#include <memory>

namespace Stagecraft::Testing {

// A throwaway database server for tests: started on a free loopback port in a temporary folder,
// stopped and removed when the object goes (also when the test failed).
class TestServer
{
public:
    virtual ~TestServer();

    [[nodiscard]] virtual bool start(QString *error) = 0;
    // A clean shutdown; the folder is removed with the object.
    virtual void stop() = 0;
    // Kills the server at once, as a crash or an OOM kill would.
    void kill();
    [[nodiscard]] bool isRunning() const { return m_server.isRunning(); }

    // How a test connects: a superuser (PostgreSQL) or an all-privileges user (MariaDB).
    [[nodiscard]] ConnectionProfile profile() const { return m_profile; }
    [[nodiscard]] QString directory() const { return m_dir ? m_dir->path() : QString(); }
    [[nodiscard]] int port() const { return m_profile.port; }
    [[nodiscard]] qint64 pid() const { return m_server.pid(); }

    // Before start() (MariaDB, MySQL): a server that offers no TLS at all, or one that offers it
    // with this certificate and key (PEM files; see TlsTestCertificates).
    void setTlsOff() { m_tlsOff = true; }
    void setTlsCertificate(const QString &certificate, const QString &key)
    {
        m_tlsCertificate = certificate;
        m_tlsKey = key;
    }

    // Before start(): more options for the server program (mariadbd, mysqld, postgres), e.g. to turn
    // performance_schema or binary logging on.
    void setExtraArguments(const QStringList &arguments) { m_extraArguments = arguments; }

protected:
    // A temporary folder in parent (default: the system's temporary folder).
    [[nodiscard]] bool makeDirectory(QString *error, const QString &parent = {});
    // Tries to connect until it works or timeoutMs passes, then checks that the server that answered
    // is this one (its data directory): a port found free can be taken by another test's server
    // before ours binds it. *retry is set when another server answered or ours could not bind.
    // serverRoot: the folder the server runs chrooted in, where the data directory it reports is.
    [[nodiscard]] bool waitUntilReady(const ConnectionProfile &profile, const QString &dataDirectory, int timeoutMs,
                                      QString *error, bool *retry, const QString &serverRoot = {});

    std::unique_ptr<QTemporaryDir> m_dir;
    ServerProcess m_server;
    ConnectionProfile m_profile;
    bool m_tlsOff = false;
    QString m_tlsCertificate;
    QString m_tlsKey;
    QStringList m_extraArguments;
};

} // namespace Stagecraft::Testing
