// TLS as the connection URL's sslmode asks, on MariaDB and Oracle MySQL: against a server that
// offers no TLS and one whose certificate (for "localhost") a CA of the test's own signed. A mode
// that cannot be had is a refused connection with a clear reason (stagecraft-cli: exit code 3),
// never a plain-text session.

#include "connection/databaseconnection.h"
#include "testservers.h"
#include "tlstestcertificates.h"

#include <QProcess>
#include <QSqlQuery>
#include <QTest>

#include <map>
#include <memory>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

class TestConnectionTls : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void modes_data();
    void modes();
    void cli_data();
    void cli();

private:
    // The engine's server of that kind ("no TLS" or "TLS"), started on first use; nullptr and *why
    // when it cannot be.
    TestServer *server(const QString &engine, const QString &kind, QString *why);
    [[nodiscard]] QString rootCertificate(const QString &which) const;

    TlsTestCertificates m_certificates;
    QString m_certificatesError;
    std::map<QString, std::unique_ptr<TestServer>> m_servers;
    std::map<QString, QString> m_failures;
};

void TestConnectionTls::initTestCase()
{
    if (!m_certificates.create(&m_certificatesError))
        QFAIL(qPrintable(m_certificatesError));
}

void TestConnectionTls::cleanupTestCase()
{
    m_servers.clear();
}

TestServer *TestConnectionTls::server(const QString &engine, const QString &kind, QString *why)
{
    const QString key = engine + QLatin1Char('/') + kind;
    if (const auto found = m_servers.find(key); found != m_servers.end())
        return found->second.get();
    if (const auto failed = m_failures.find(key); failed != m_failures.end()) {
        *why = failed->second;
        return nullptr;
    }
    std::unique_ptr<TestServer> candidate;
    if (engine == QLatin1String("mysql"))
        candidate = std::make_unique<MySqlTestServer>();
    else
        candidate = std::make_unique<MariaDbTestServer>();
    if (kind == QLatin1String("no TLS"))
        candidate->setTlsOff();
    else
        candidate->setTlsCertificate(m_certificates.serverCertificate(), m_certificates.serverKey());
    QString error;
    if (!candidate->start(&error)) {
        m_failures[key] = *why = QStringLiteral("no %1 server (%2) for this test: %3").arg(engine, kind, error);
        return nullptr;
    }
    return (m_servers[key] = std::move(candidate)).get();
}

QString TestConnectionTls::rootCertificate(const QString &which) const
{
    if (which == QLatin1String("ca"))
        return m_certificates.caCertificate();
    if (which == QLatin1String("other"))
        return m_certificates.otherCaCertificate();
    return {};
}

void TestConnectionTls::modes_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<QString>("server"); // "no TLS" or "TLS"
    QTest::addColumn<QString>("sslmode");
    QTest::addColumn<QString>("rootcert"); // "ca", "other" (a CA that signed nothing of ours) or none
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("expected"); // "encrypted", "plain", "open" (either) or the refusal's words

    for (const char *name : {"mariadb", "mysql"}) {
        const QString engine = QLatin1String(name);
        auto row = [&engine](const char *name) { return &QTest::newRow(qPrintable(engine + QLatin1String(", ") + QLatin1String(name))); };
        *row("no TLS, default") << engine << "no TLS" << "" << "" << "127.0.0.1" << "plain";
        *row("no TLS, disable") << engine << "no TLS" << "disable" << "" << "127.0.0.1" << "plain";
        *row("no TLS, require") << engine << "no TLS" << "require" << "" << "127.0.0.1"
                                << "does not offer TLS, and the TLS mode 'require' requires it: not connecting (no password was sent).";
        *row("no TLS, verify-ca") << engine << "no TLS" << "verify-ca" << "ca" << "127.0.0.1"
                                  << "does not offer TLS, and the TLS mode 'verify-ca' requires it";
        *row("no TLS, verify-full") << engine << "no TLS" << "verify-full" << "ca" << "localhost"
                                    << "does not offer TLS, and the TLS mode 'verify-full' requires it";
        *row("TLS, default") << engine << "TLS" << "" << "" << "127.0.0.1" << "open";
        *row("TLS, disable") << engine << "TLS" << "disable" << "" << "127.0.0.1" << "plain";
        *row("TLS, require") << engine << "TLS" << "require" << "" << "127.0.0.1" << "encrypted";
        *row("TLS, require, localhost") << engine << "TLS" << "require" << "" << "localhost" << "encrypted";
        *row("TLS, verify-ca without the CA") << engine << "TLS" << "verify-ca" << "" << "127.0.0.1"
                                              << "failed the TLS mode 'verify-ca'";
        *row("TLS, verify-ca with another CA") << engine << "TLS" << "verify-ca" << "other" << "127.0.0.1"
                                               << "failed the TLS mode 'verify-ca'";
        *row("TLS, verify-ca with the CA") << engine << "TLS" << "verify-ca" << "ca" << "127.0.0.1" << "encrypted";
        *row("TLS, verify-full, wrong host name") << engine << "TLS" << "verify-full" << "ca" << "127.0.0.1"
                                                  << "failed the TLS mode 'verify-full': The host name did not match";
        *row("TLS, verify-full without the CA") << engine << "TLS" << "verify-full" << "" << "localhost"
                                                << "failed the TLS mode 'verify-full'";
        *row("TLS, verify-full") << engine << "TLS" << "verify-full" << "ca" << "localhost" << "encrypted";
    }
}

void TestConnectionTls::modes()
{
    QFETCH(QString, engine);
    QFETCH(QString, server);
    QFETCH(QString, sslmode);
    QFETCH(QString, rootcert);
    QFETCH(QString, host);
    QFETCH(QString, expected);
    QString why;
    TestServer *s = nullptr;
    STAGECRAFT_REQUIRE((s = this->server(engine, server, &why)), engine, why);

    ConnectionProfile profile = s->profile();
    profile.host = host;
    profile.sslMode = sslmode;
    profile.sslRootCert = rootCertificate(rootcert);
    DatabaseConnection connection(profile);
    ConnectionError error;
    const bool open = connection.open(&error);
    if (expected != QLatin1String("encrypted") && expected != QLatin1String("plain") && expected != QLatin1String("open")) {
        QVERIFY2(!open, "connected, though the TLS mode cannot be had");
        QCOMPARE(int(error.kind), int(ConnectionError::Kind::Tls));
        QVERIFY2(error.text().contains(expected), qPrintable(error.text()));
        QVERIFY(!connection.isOpen());
        QVERIFY(!QSqlDatabase::contains(connection.connectionName())); // no session left behind
        return;
    }
    QVERIFY2(open, qPrintable(error.text()));
    QSqlQuery q(connection.database());
    QVERIFY(q.exec(QStringLiteral("SHOW SESSION STATUS LIKE 'Ssl_version'")));
    QVERIFY(q.next());
    const QString tlsVersion = q.value(1).toString();
    if (expected == QLatin1String("encrypted"))
        QVERIFY2(tlsVersion.startsWith(QLatin1String("TLSv1.")), qPrintable(tlsVersion));
    else if (expected == QLatin1String("plain"))
        QVERIFY2(tlsVersion.isEmpty(), qPrintable(tlsVersion));
}

void TestConnectionTls::cli_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<QString>("server");
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("output"); // on stderr for a failure, stdout otherwise

    for (const char *name : {"mariadb", "mysql"}) {
        const QString engine = QLatin1String(name);
        auto row = [&engine](const char *name) { return &QTest::newRow(qPrintable(engine + QLatin1String(", ") + QLatin1String(name))); };
        *row("no TLS, require") << engine << "no TLS" << "sslmode=require" << "127.0.0.1" << 3
                                << "does not offer TLS, and the TLS mode 'require' requires it";
        *row("no TLS, disable") << engine << "no TLS" << "sslmode=disable" << "127.0.0.1" << 0 << "schema\ttable\trows\tbytes";
        // A mode the engine cannot honour is a TLS failure (exit 3), before anything is sent.
        *row("no TLS, prefer") << engine << "no TLS" << "sslmode=prefer" << "127.0.0.1" << 3
                               << QStringLiteral("The TLS mode 'prefer' is not supported for %1: use one of disable, require, "
                                                 "verify-ca, verify-full.").arg(engine == QLatin1String("mysql") ? "MySQL" : "MariaDB");
        *row("no TLS, sometimes") << engine << "no TLS" << "sslmode=sometimes" << "127.0.0.1" << 3
                                  << "The TLS mode 'sometimes' is not supported for";
        *row("TLS, verify-full, wrong host name") << engine << "TLS" << "sslmode=verify-full&sslrootcert=CA" << "127.0.0.1" << 3
                                                  << "The host name did not match";
        *row("TLS, verify-full") << engine << "TLS" << "sslmode=verify-full&sslrootcert=CA" << "localhost" << 0
                                 << "schema\ttable\trows\tbytes";
    }
}

void TestConnectionTls::cli()
{
    QFETCH(QString, engine);
    QFETCH(QString, server);
    QFETCH(QString, query);
    QFETCH(QString, host);
    QFETCH(int, exitCode);
    QFETCH(QString, output);
    QString why;
    TestServer *s = nullptr;
    STAGECRAFT_REQUIRE((s = this->server(engine, server, &why)), engine, why);

    const ConnectionProfile profile = s->profile();
    const QString url = QStringLiteral("%1://%2@%3:%4/%5?%6")
                            .arg(engine, profile.user, host)
                            .arg(profile.port)
                            .arg(profile.database, QString(query).replace(QLatin1String("CA"), m_certificates.caCertificate()));
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("STAGECRAFT_PASSWORD"), profile.password);
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(STAGECRAFT_CLI), {QStringLiteral("tables"), QStringLiteral("-c"), url});
    QVERIFY(process.waitForFinished(60000));
    const QString out = QString::fromUtf8(process.readAllStandardOutput());
    const QString err = QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(process.exitCode() == exitCode, qPrintable(QStringLiteral("exit %1\n%2%3").arg(process.exitCode()).arg(out, err)));
    QVERIFY2((exitCode == 0 ? out : err).contains(output), qPrintable(out + err));
    QVERIFY2(!err.contains(QLatin1String("Illegal connect option")), qPrintable(err));
}

QTEST_GUILESS_MAIN(TestConnectionTls)
#include "testconnectiontls.moc"
