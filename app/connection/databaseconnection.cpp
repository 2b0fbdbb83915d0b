#include "databaseconnection.h"

#include "sessionmodes.h"
#include "mysqltlsprobe.h"

#include <QAtomicInteger>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>

namespace Stagecraft {

QString ServerInfo::displayName() const
{
    return engineName(engine) + QLatin1Char(' ') + version;
}

static QString nextConnectionName()
{
    static QAtomicInteger<quint64> counter;
    return QStringLiteral("stagecraft-%1").arg(counter.fetchAndAddRelaxed(1));
}

QString DatabaseConnection::driverName(Engine engine)
{
    switch (engine) {
    case Engine::PostgreSQL: return QStringLiteral("QPSQL");
    case Engine::MySQL:
    case Engine::MariaDB: return QStringLiteral("QMYSQL");
    case Engine::SQLite: return QStringLiteral("QSQLITE");
    }
    return {};
}

DatabaseConnection::DatabaseConnection(ConnectionProfile profile)
    : m_profile(std::move(profile))
    , m_name(nextConnectionName())
{
    m_server.engine = m_profile.engine;
}

DatabaseConnection::~DatabaseConnection()
{
    close();
}

void DatabaseConnection::close()
{
    if (!QSqlDatabase::contains(m_name))
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(m_name, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_name);
}

bool DatabaseConnection::isOpen() const
{
    return QSqlDatabase::contains(m_name) && QSqlDatabase::database(m_name, false).isOpen();
}

bool DatabaseConnection::answers(QSqlError *error) const
{
    QSqlQuery ping(database());
    if (ping.exec(QStringLiteral("SELECT 1")))
        return true;
    if (error)
        *error = ping.lastError();
    return false;
}

QSqlDatabase DatabaseConnection::database() const
{
    return QSqlDatabase::database(m_name, false);
}

static QString packageFor(const QString &driver)
{
    if (driver == QLatin1String("QPSQL"))
        return QStringLiteral("libqt6sql6-psql");
    if (driver == QLatin1String("QMYSQL"))
        return QStringLiteral("libqt6sql6-mysql");
    return QStringLiteral("libqt6sql6-sqlite");
}

bool DatabaseConnection::open(ConnectionError *error)
{
    close();
    const QString driver = driverName(m_profile.engine);
    if (!QSqlDatabase::isDriverAvailable(driver)) {
        if (error) {
            error->kind = ConnectionError::Kind::DriverMissing;
            error->explanation = QStringLiteral("The Qt SQL driver %1 for %2 is not installed (on Debian: package %3).")
                                     .arg(driver, engineName(m_profile.engine), packageFor(driver));
        }
        return false;
    }
    if (m_profile.engine == Engine::SQLite && !QFileInfo(m_profile.database).isFile()) {
        if (error) {
            error->kind = ConnectionError::Kind::NoSuchDatabase;
            error->explanation = QStringLiteral("There is no SQLite database file at %1.").arg(m_profile.database);
        }
        return false;
    }
    // A TLS mode the engine cannot honour is refused before anything is sent, not ignored.
    if (!m_profile.sslMode.isEmpty() && !sslModes(m_profile.engine).contains(m_profile.sslMode)) {
        if (error) {
            error->kind = ConnectionError::Kind::Tls;
            error->explanation = m_profile.engine == Engine::SQLite
                ? QStringLiteral("SQLite is a file: it has no TLS mode, and sslmode '%1' cannot be honoured.").arg(m_profile.sslMode)
                : QStringLiteral("The TLS mode '%1' is not supported for %2: use one of %3.")
                      .arg(m_profile.sslMode, engineName(m_profile.engine), sslModes(m_profile.engine).join(QLatin1String(", ")));
        }
        return false;
    }

    QSqlDatabase db = QSqlDatabase::addDatabase(driver, m_name);
    QStringList options;
    switch (m_profile.engine) {
    case Engine::PostgreSQL:
        db.setHostName(m_profile.host);
        db.setPort(m_profile.effectivePort());
        db.setDatabaseName(m_profile.database);
        db.setUserName(m_profile.user);
        db.setPassword(m_profile.password);
        options << QStringLiteral("connect_timeout=10")
                << QStringLiteral("application_name=Stagecraft");
        if (!m_profile.sslMode.isEmpty())
            options << QStringLiteral("sslmode=") + m_profile.sslMode;
        for (const auto &[key, value] : {std::pair{"sslrootcert", &m_profile.sslRootCert},
                                         std::pair{"sslcert", &m_profile.sslCert}, std::pair{"sslkey", &m_profile.sslKey}}) {
            if (!value->isEmpty())
                options << QLatin1String(key) + QLatin1Char('=') + *value;
        }
        break;
    case Engine::MySQL:
    case Engine::MariaDB:
        // A host that is a path is the server's Unix socket; the client library wants "localhost" then.
        db.setHostName(m_profile.host.startsWith(QLatin1Char('/')) ? QStringLiteral("localhost") : m_profile.host);
        db.setPort(m_profile.effectivePort());
        db.setDatabaseName(m_profile.database);
        db.setUserName(m_profile.user);
        db.setPassword(m_profile.password);
        options << QStringLiteral("MYSQL_OPT_CONNECT_TIMEOUT=10");
        if (m_profile.host.startsWith(QLatin1Char('/')))
            options << QStringLiteral("UNIX_SOCKET=") + m_profile.host;
        if (!mysqlTlsOptions(m_profile, &options, error)) {
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(m_name);
            return false;
        }
        break;
    case Engine::SQLite:
        db.setDatabaseName(m_profile.database);
        options << QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000");
        break;
    }
    db.setConnectOptions(options.join(QLatin1Char(';')));
    if (!db.open()) {
        if (error)
            *error = ConnectionError::fromOpenFailure(m_profile, db.lastError());
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_name);
        return false;
    }
    if (!readServerInfo(error) || !checkEncrypted(error) || !setSessionModes(error)) {
        close();
        return false;
    }
    return true;
}

bool DatabaseConnection::setSessionModes(ConnectionError *error)
{
    QSqlQuery q(database());
    for (const QString &sql : SessionModes::sql(m_server.engine)) {
        if (!q.exec(sql)) {
            if (error)
                *error = ConnectionError::fromQueryFailure(QStringLiteral("setting the session's modes (%1)").arg(sql), q.lastError());
            return false;
        }
    }
    return true;
}

static bool requiresTls(const ConnectionProfile &profile)
{
    return profile.sslMode == QLatin1String("require") || profile.sslMode == QLatin1String("verify-ca")
        || profile.sslMode == QLatin1String("verify-full");
}

bool DatabaseConnection::mysqlTlsOptions(const ConnectionProfile &profile, QStringList *options, ConnectionError *error)
{
    // Qt's driver, built against MariaDB Connector/C (Debian's libqt6sql6-mysql), accepts the
    // certificate files and the cipher list but no option that requires TLS or names a mode
    // (SSL_MODE is an "Illegal connect option" to it, and was ignored). Connector/C starts TLS when
    // one of them is set, falls back to plain text when the server offers none, and verifies the
    // server's certificate only against a CA file or folder it was given, and its host name only
    // on a non-local address. So the probe checks the server before any credentials go out, the
    // options below make the driver do what it can, and checkEncrypted() checks the session.
    // disable: no TLS option at all, or Connector/C would start TLS.
    if (profile.sslMode == QLatin1String("disable"))
        return true;
    if (requiresTls(profile)) {
        if (!MySqlTlsProbe::check(profile, 10000, error))
            return false;
        // A name ("localhost" too) goes over TCP, to the server the probe checked: Connector/C
        // would take "localhost" to its default Unix socket.
        if (!profile.host.startsWith(QLatin1Char('/')))
            *options << QStringLiteral("MYSQL_OPT_PROTOCOL=TCP");
        if (profile.sslRootCert.isEmpty()) {
            // require: TLS, no verification (the cipher list is what starts it without a CA);
            // verify-ca, verify-full: the system's CAs, which Connector/C then verifies against.
            *options << (profile.sslMode == QLatin1String("require") ? QStringLiteral("SSL_CIPHER=DEFAULT")
                                                                     : QStringLiteral("SSL_CAPATH=/etc/ssl/certs"));
        }
    }
    // With sslrootcert, Connector/C verifies the certificate against it, in require too (as libpq does).
    for (const auto &[key, value] : {std::pair{"SSL_CA", &profile.sslRootCert}, std::pair{"SSL_CERT", &profile.sslCert},
                                     std::pair{"SSL_KEY", &profile.sslKey}}) {
        if (!value->isEmpty())
            *options << QLatin1String(key) + QLatin1Char('=') + *value;
    }
    return true;
}

bool DatabaseConnection::checkEncrypted(ConnectionError *error)
{
    if (!requiresTls(m_profile) || (m_profile.engine != Engine::MySQL && m_profile.engine != Engine::MariaDB))
        return true;
    QSqlQuery q(database());
    if (!q.exec(QStringLiteral("SHOW SESSION STATUS LIKE 'Ssl_version'"))) {
        if (error)
            *error = ConnectionError::fromQueryFailure(QStringLiteral("checking that the session is encrypted"),
                                                       q.lastError());
        return false;
    }
    if (q.next() && !q.value(1).toString().isEmpty())
        return true;
    if (error) {
        error->kind = ConnectionError::Kind::Tls;
        error->serverMessage.clear();
        error->explanation = QStringLiteral("The session with %1 at %2:%3 is not encrypted, and the TLS mode '%4' "
                                            "requires it: the connection was closed.")
                                 .arg(engineName(m_server.engine), m_profile.host)
                                 .arg(m_profile.effectivePort())
                                 .arg(m_profile.sslMode);
    }
    return false;
}

static int versionNumberOf(const QString &version, int scale)
{
    static const QRegularExpression re(QStringLiteral("^(\\d+)\\.(\\d+)(?:\\.(\\d+))?"));
    const auto m = re.match(version);
    if (!m.hasMatch())
        return 0;
    return m.captured(1).toInt() * scale * scale + m.captured(2).toInt() * scale + m.captured(3).toInt();
}

bool DatabaseConnection::readServerInfo(ConnectionError *error)
{
    QSqlQuery q(database());
    QString sql;
    switch (m_profile.engine) {
    case Engine::PostgreSQL: sql = QStringLiteral("SELECT current_setting('server_version'), "
                                                  "current_setting('server_version_num')::int"); break;
    case Engine::MySQL:
    case Engine::MariaDB: sql = QStringLiteral("SELECT VERSION()"); break;
    case Engine::SQLite: sql = QStringLiteral("SELECT sqlite_version()"); break;
    }
    if (!q.exec(sql) || !q.next()) {
        if (error)
            *error = ConnectionError::fromQueryFailure(QStringLiteral("reading the server's version"), q.lastError());
        return false;
    }
    m_server.version = q.value(0).toString();
    switch (m_profile.engine) {
    case Engine::PostgreSQL:
        // server_version can carry a distribution suffix ("17.2 (Debian 17.2-1)"); keep the number.
        m_server.version = m_server.version.section(QLatin1Char(' '), 0, 0);
        m_server.versionNumber = q.value(1).toInt();
        break;
    case Engine::MySQL:
    case Engine::MariaDB:
        m_server.engine = m_server.version.contains(QLatin1String("MariaDB"), Qt::CaseInsensitive) ? Engine::MariaDB
                                                                                                  : Engine::MySQL;
        m_server.versionNumber = versionNumberOf(m_server.version, 100);
        break;
    case Engine::SQLite:
        m_server.versionNumber = versionNumberOf(m_server.version, 1000);
        break;
    }
    return readSettings(error);
}

bool DatabaseConnection::readSettings(ConnectionError *error)
{
    QSqlQuery q(database());
    QStringList queries;
    switch (m_server.engine) {
    case Engine::PostgreSQL:
        queries << QStringLiteral("SELECT name, setting || coalesce(unit, '') FROM pg_settings WHERE name IN "
                                  "('lock_timeout', 'statement_timeout', 'idle_in_transaction_session_timeout', "
                                  "'server_encoding', 'default_transaction_isolation')");
        break;
    case Engine::MySQL:
    case Engine::MariaDB:
        queries << QStringLiteral("SHOW SESSION VARIABLES WHERE Variable_name IN ('lock_wait_timeout', "
                                  "'innodb_lock_wait_timeout', 'sql_mode', 'max_statement_time', "
                                  "'max_execution_time', 'foreign_key_checks', 'performance_schema', 'wsrep_on') "
                                  "OR Variable_name LIKE 'wsrep_osu_method'")
                // A Galera node: how many nodes its cluster has now (no row elsewhere).
                << QStringLiteral("SHOW GLOBAL STATUS WHERE Variable_name = 'wsrep_cluster_size'");
        break;
    case Engine::SQLite:
        for (const char *pragma : {"journal_mode", "foreign_keys", "busy_timeout"})
            queries << QStringLiteral("SELECT '%1', * FROM pragma_%1").arg(QLatin1String(pragma));
        break;
    }
    m_server.settings.clear();
    for (const QString &sql : std::as_const(queries)) {
        if (!q.exec(sql)) {
            if (error)
                *error = ConnectionError::fromQueryFailure(QStringLiteral("reading the server's settings"),
                                                           q.lastError());
            return false;
        }
        while (q.next())
            m_server.settings.insert(q.value(0).toString(), q.value(1).toString());
    }
    return true;
}

} // namespace Stagecraft
