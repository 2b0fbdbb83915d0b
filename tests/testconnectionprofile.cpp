#include "connection/connectionprofile.h"
#include "connection/databaseconnection.h"

#include <QTest>

using namespace Stagecraft;

class TestConnectionProfile : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parse_data();
    void parse();
    void certificates();
    void roundTrip_data();
    void roundTrip();
    void rejects_data();
    void rejects();
    void neverShowsPassword_data();
    void neverShowsPassword();
    void unsupportedSslMode_data();
    void unsupportedSslMode();
};

void TestConnectionProfile::parse_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<int>("engine");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("database");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("sslMode");

    QTest::newRow("postgresql full") << "postgresql://alice:s3cret@db.example.com:6543/shop?sslmode=require"
                                     << int(Engine::PostgreSQL) << "db.example.com" << 6543 << "shop" << "alice"
                                     << "s3cret" << "require";
    QTest::newRow("postgres alias, default port") << "postgres://bob@localhost/app" << int(Engine::PostgreSQL)
                                                  << "localhost" << 0 << "app" << "bob" << "" << "";
    QTest::newRow("postgresql database defaults to user") << "postgresql://carol@10.0.0.5"
                                                          << int(Engine::PostgreSQL) << "10.0.0.5" << 0 << "carol"
                                                          << "carol" << "" << "";
    QTest::newRow("percent-encoded password") << "postgresql://u:p%40ss%3Aw%2Fd@h/d" << int(Engine::PostgreSQL)
                                              << "h" << 0 << "d" << "u" << "p@ss:w/d" << "";
    QTest::newRow("unicode database") << "postgresql://u@h/caf%C3%A9" << int(Engine::PostgreSQL) << "h" << 0
                                      << QStringLiteral("café") << "u" << "" << "";
    QTest::newRow("socket folder") << "postgresql://u@localhost/d?host=/var/run/postgresql"
                                   << int(Engine::PostgreSQL) << "/var/run/postgresql" << 0 << "d" << "u" << ""
                                   << "";
    QTest::newRow("mysql") << "mysql://root:pw@127.0.0.1:3307/inventory" << int(Engine::MySQL) << "127.0.0.1"
                           << 3307 << "inventory" << "root" << "pw" << "";
    QTest::newRow("mariadb tls") << "mariadb://app@maria.internal/orders?sslmode=verify-full"
                                 << int(Engine::MariaDB) << "maria.internal" << 0 << "orders" << "app" << ""
                                 << "verify-full";
    QTest::newRow("sqlite absolute") << "sqlite:///var/lib/app/data.db" << int(Engine::SQLite) << "" << 0
                                     << "/var/lib/app/data.db" << "" << "" << "";
    QTest::newRow("sqlite with space") << "sqlite:///tmp/my%20shop.db" << int(Engine::SQLite) << "" << 0
                                       << "/tmp/my shop.db" << "" << "" << "";
}

void TestConnectionProfile::certificates()
{
    ConnectionProfile p;
    QString error;
    QVERIFY(ConnectionProfile::fromUrl(QStringLiteral("mysql://u@h/d?sslmode=verify-full&sslrootcert=/a%20b/ca.pem"
                                                      "&sslcert=/c.pem&sslkey=/k.pem"),
                                       &p, &error));
    QCOMPARE(p.sslRootCert, QStringLiteral("/a b/ca.pem"));
    QCOMPARE(p.sslCert, QStringLiteral("/c.pem"));
    QCOMPARE(p.sslKey, QStringLiteral("/k.pem"));
}

void TestConnectionProfile::parse()
{
    QFETCH(QString, url);
    ConnectionProfile profile;
    QString error;
    QVERIFY2(ConnectionProfile::fromUrl(url, &profile, &error), qPrintable(error));
    QTEST(int(profile.engine), "engine");
    QTEST(profile.host, "host");
    QTEST(profile.port, "port");
    QTEST(profile.database, "database");
    QTEST(profile.user, "user");
    QTEST(profile.password, "password");
    QTEST(profile.sslMode, "sslMode");
}

void TestConnectionProfile::roundTrip_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("expected"); // toUrl(true)
    QTest::newRow("postgresql") << "postgresql://alice:s3cret@db:6543/shop?sslmode=require"
                                << "postgresql://alice:s3cret@db:6543/shop?sslmode=require";
    QTest::newRow("postgres alias") << "postgres://bob@h/app" << "postgresql://bob@h/app";
    QTest::newRow("encoded password") << "postgresql://u:p%40ss%3Aw%2Fd@h/d" << "postgresql://u:p%40ss:w%2Fd@h/d";
    QTest::newRow("socket") << "postgresql://u@localhost/d?host=/run/pg" << "postgresql://u@localhost/d?host=/run/pg";
    QTest::newRow("mysql") << "mysql://root@127.0.0.1:3307/inventory" << "mysql://root@127.0.0.1:3307/inventory";
    QTest::newRow("mariadb") << "mariadb://app@m/orders?sslmode=verify-ca" << "mariadb://app@m/orders?sslmode=verify-ca";
    QTest::newRow("sqlite") << "sqlite:///tmp/my%20shop.db" << "sqlite:///tmp/my%20shop.db";
    QTest::newRow("certificates")
        << "postgresql://u@h/d?sslmode=verify-full&sslrootcert=/etc/ssl/ca%20root.pem&sslcert=/home/u/c.pem&sslkey=/home/u/k.pem"
        << "postgresql://u@h/d?sslmode=verify-full&sslrootcert=/etc/ssl/ca%20root.pem&sslcert=/home/u/c.pem&sslkey=/home/u/k.pem";
    QTest::newRow("mariadb ca") << "mariadb://u@h/d?sslmode=verify-ca&sslrootcert=/ca.pem"
                                << "mariadb://u@h/d?sslmode=verify-ca&sslrootcert=/ca.pem";
}

void TestConnectionProfile::roundTrip()
{
    QFETCH(QString, url);
    QFETCH(QString, expected);
    ConnectionProfile profile;
    QString error;
    QVERIFY2(ConnectionProfile::fromUrl(url, &profile, &error), qPrintable(error));
    QCOMPARE(profile.toUrl(true), expected);
    ConnectionProfile again;
    QVERIFY(ConnectionProfile::fromUrl(profile.toUrl(true), &again, &error));
    QCOMPARE(again, profile);
    QVERIFY(!profile.toUrl(false).contains(QLatin1String("s3cret")));
}

void TestConnectionProfile::rejects_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("message");
    QTest::newRow("empty") << "" << "The connection URL is empty.";
    QTest::newRow("no scheme") << "localhost:5432"
                               << "'localhost:5432' is not a connection URL: expected postgresql://, mysql://, "
                                  "mariadb:// or sqlite:///path/to/file.db";
    QTest::newRow("unknown scheme") << "oracle://scott@h/orcl"
                                    << "Unknown database scheme 'oracle://': expected postgresql://, mysql://, "
                                       "mariadb:// or sqlite://";
    QTest::newRow("no host") << "postgresql:///db" << "The connection URL names no host: write "
                                                       "postgresql://user@host/database";
    QTest::newRow("port zero") << "mysql://u@h:0/d" << "The port in the connection URL must be between 1 and 65535.";
    QTest::newRow("bad port") << "mysql://u@h:99999/d"
                              << "The connection URL is malformed: Invalid port or port number out of range";
    QTest::newRow("unknown option") << "postgresql://u@h/d?timeout=5"
                                    << "Unknown connection option 'timeout' in the URL (known: sslmode, sslrootcert, sslcert, sslkey, host).";
    QTest::newRow("slash in database") << "postgresql://u@h/a/b"
                                       << "The database name 'a/b' contains '/': the URL's path names one database.";
    QTest::newRow("sqlite without file") << "sqlite://" << "The SQLite URL names no file: write "
                                                           "sqlite:///path/to/file.db";
}

void TestConnectionProfile::rejects()
{
    QFETCH(QString, url);
    ConnectionProfile profile;
    profile.host = QStringLiteral("untouched");
    QString error;
    QVERIFY(!ConnectionProfile::fromUrl(url, &profile, &error));
    QTEST(error, "message");
    QCOMPARE(profile.host, QStringLiteral("untouched"));
}

void TestConnectionProfile::neverShowsPassword_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("message"); // the whole message: no part of the password in it
    const QString notUrl = QStringLiteral("' is not a connection URL: expected postgresql://, mysql://, mariadb:// or "
                                          "sqlite:///path/to/file.db");
    QTest::newRow("no scheme") << "user:s3cret@localhost/db" << "'user:***@localhost/db" + notUrl;
    QTest::newRow("'@' in the password") << "user:s3@cret@localhost/db" << "'user:***@localhost/db" + notUrl;
    QTest::newRow("'/' in the password") << "user:s3/cret@localhost/db" << "'user:***@localhost/db" + notUrl;
    QTest::newRow("one slash after the scheme") << "mariadb:/user:s3cret@localhost/db"
                                                << "'mariadb:/user:***@localhost/db" + notUrl;
    QTest::newRow("no colon after the scheme") << "mysql//user:s3cret@localhost/db"
                                               << "'mysql//user:***@localhost/db" + notUrl;
    QTest::newRow("'://' further on") << "user:s3cret@localhost/db?sslrootcert=file://ca.pem"
                                      << "'user:***@localhost/db?sslrootcert=file://ca.pem" + notUrl;
    QTest::newRow("no user") << ":s3cret@localhost/db" << "':***@localhost/db" + notUrl;
    // URLs with a scheme: the messages name the part that is wrong, never the password.
    QTest::newRow("space in the password") << "mariadb://u:s3 cret@h/d"
                                           << "The connection URL is malformed: Invalid password (character ' ' not permitted)";
    QTest::newRow("bad port") << "mariadb://u:s3cret@h:9x/d"
                              << "The connection URL is malformed: Invalid port or port number out of range";
    QTest::newRow("no host") << "postgresql://u:s3cret@/d"
                             << "The connection URL names no host: write postgresql://user@host/database";
    QTest::newRow("unknown scheme") << "mssql://u:s3cret@h/d"
                                    << "Unknown database scheme 'mssql://': expected postgresql://, mysql://, mariadb:// or sqlite://";
    QTest::newRow("unknown option") << "mysql://u:s3cret@h/d?password=s3cret"
                                    << "Unknown connection option 'password' in the URL (known: sslmode, sslrootcert, sslcert, sslkey, host).";
}

void TestConnectionProfile::neverShowsPassword()
{
    QFETCH(QString, url);
    ConnectionProfile profile;
    QString error;
    QVERIFY(!ConnectionProfile::fromUrl(url, &profile, &error));
    QTEST(error, "message");
    for (const char *part : {"s3", "cret"})
        QVERIFY2(!error.contains(QLatin1String(part)), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestConnectionProfile)
void TestConnectionProfile::unsupportedSslMode_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("message");
    QTest::newRow("postgresql, sometimes") << "postgresql://u@127.0.0.1:1/d?sslmode=sometimes"
                                           << "The TLS mode 'sometimes' is not supported for PostgreSQL: use one of disable, "
                                              "allow, prefer, require, verify-ca, verify-full.";
    QTest::newRow("mysql, prefer") << "mysql://u@127.0.0.1:1/d?sslmode=prefer"
                                   << "The TLS mode 'prefer' is not supported for MySQL: use one of disable, require, "
                                      "verify-ca, verify-full.";
    QTest::newRow("mariadb, allow") << "mariadb://u@127.0.0.1:1/d?sslmode=allow"
                                    << "The TLS mode 'allow' is not supported for MariaDB: use one of disable, require, "
                                       "verify-ca, verify-full.";
}

// A TLS mode the engine cannot honour is a TLS failure when connecting (the CLI's exit 3), before
// anything is sent (port 1 has no server: a connection attempt would fail otherwise).
void TestConnectionProfile::unsupportedSslMode()
{
    QFETCH(QString, url);
    QFETCH(QString, message);
    ConnectionProfile profile;
    QString why;
    QVERIFY2(ConnectionProfile::fromUrl(url, &profile, &why), qPrintable(why));
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY(!connection.open(&error));
    QCOMPARE(int(error.kind), int(ConnectionError::Kind::Tls));
    QCOMPARE(error.explanation, message);
}

#include "testconnectionprofile.moc"
