#include "connectionprofile.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QUrl>
#include <QUrlQuery>

#include <cstring>

namespace Stagecraft {

QString engineName(Engine engine)
{
    switch (engine) {
    case Engine::PostgreSQL: return QStringLiteral("PostgreSQL");
    case Engine::MySQL: return QStringLiteral("MySQL");
    case Engine::MariaDB: return QStringLiteral("MariaDB");
    case Engine::SQLite: return QStringLiteral("SQLite");
    }
    return {};
}

bool engineFromName(const QString &name, Engine *engine)
{
    for (Engine e : {Engine::PostgreSQL, Engine::MySQL, Engine::MariaDB, Engine::SQLite}) {
        if (engineName(e) == name) {
            *engine = e;
            return true;
        }
    }
    return false;
}

int defaultPort(Engine engine)
{
    switch (engine) {
    case Engine::PostgreSQL: return 5432;
    case Engine::MySQL:
    case Engine::MariaDB: return 3306;
    case Engine::SQLite: return 0;
    }
    return 0;
}

static QString schemeFor(Engine engine)
{
    switch (engine) {
    case Engine::PostgreSQL: return QStringLiteral("postgresql");
    case Engine::MySQL: return QStringLiteral("mysql");
    case Engine::MariaDB: return QStringLiteral("mariadb");
    case Engine::SQLite: return QStringLiteral("sqlite");
    }
    return {};
}

const QStringList &sslModes(Engine engine)
{
    static const QStringList pg = {QStringLiteral("disable"), QStringLiteral("allow"), QStringLiteral("prefer"),
                                   QStringLiteral("require"), QStringLiteral("verify-ca"),
                                   QStringLiteral("verify-full")};
    static const QStringList my = {QStringLiteral("disable"), QStringLiteral("require"),
                                   QStringLiteral("verify-ca"), QStringLiteral("verify-full")};
    return engine == Engine::PostgreSQL ? pg : my;
}

QString ConnectionProfile::withoutPassword(const QString &text)
{
    // Whatever the text is, the password is what lies between the user name's ':' and the last '@'
    // before the host (a password may hold '@', '/' or ':' in text that is not a valid URL). A
    // leading "scheme:/" or "scheme://" is kept, and only with its slash, so "user:secret@host"
    // never reads as the scheme "user" with the user "secret".
    static const QRegularExpression credentials(QStringLiteral("^((?:[A-Za-z][A-Za-z0-9+.-]*:/+)?[^:@]*:)(.*)@"));
    const int at = text.lastIndexOf(QLatin1Char('@'));
    if (at < 0)
        return text;
    const auto m = credentials.match(text.left(at + 1));
    if (!m.hasMatch())
        return text;
    return m.captured(1) + QLatin1String("***@") + text.mid(at + 1);
}

void ConnectionProfile::hidePasswordsInArguments(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        char *const scheme = std::strstr(argv[i], "://");
        if (!scheme)
            continue;
        char *const authority = scheme + 3;
        char *const end = authority + std::strcspn(authority, "/?#");
        char *at = nullptr;
        for (char *c = authority; c < end; ++c) {
            if (*c == '@')
                at = c;
        }
        if (!at)
            continue;
        char *const colon = static_cast<char *>(std::memchr(authority, ':', size_t(at - authority)));
        if (colon)
            std::memset(colon + 1, '*', size_t(at - colon - 1));
    }
}

bool ConnectionProfile::fromUrl(const QString &text, ConnectionProfile *profile, QString *error)
{
    const QString trimmed = text.trimmed();
    auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    if (trimmed.isEmpty())
        return fail(QStringLiteral("The connection URL is empty."));

    // A scheme is letters, digits, '+', '-' and '.': text before a later "://" (in an option, after
    // a password) is no scheme, and is never echoed as one.
    static const QRegularExpression schemeName(QStringLiteral("^[A-Za-z][A-Za-z0-9+.-]*$"));
    int schemeEnd = trimmed.indexOf(QLatin1String("://"));
    if (schemeEnd > 0 && !schemeName.match(trimmed.left(schemeEnd)).hasMatch())
        schemeEnd = -1;
    const QString scheme = schemeEnd > 0 ? trimmed.left(schemeEnd).toLower() : QString();
    ConnectionProfile p;
    if (scheme == QLatin1String("postgresql") || scheme == QLatin1String("postgres"))
        p.engine = Engine::PostgreSQL;
    else if (scheme == QLatin1String("mysql"))
        p.engine = Engine::MySQL;
    else if (scheme == QLatin1String("mariadb"))
        p.engine = Engine::MariaDB;
    else if (scheme == QLatin1String("sqlite"))
        p.engine = Engine::SQLite;
    else if (scheme.isEmpty())
    {
        return fail(QStringLiteral("'%1' is not a connection URL: expected postgresql://, mysql://, mariadb:// "
                                   "or sqlite:///path/to/file.db").arg(withoutPassword(trimmed)));
    }
    else
        return fail(QStringLiteral("Unknown database scheme '%1://': expected postgresql://, mysql://, "
                                   "mariadb:// or sqlite://").arg(scheme));

    if (p.engine == Engine::SQLite) {
        // sqlite:///absolute/path.db or sqlite://relative/path.db
        QString path = QUrl::fromPercentEncoding(trimmed.mid(schemeEnd + 3).toUtf8());
        if (path.isEmpty())
            return fail(QStringLiteral("The SQLite URL names no file: write sqlite:///path/to/file.db"));
        p.database = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
        *profile = p;
        return true;
    }

    const QUrl url(trimmed, QUrl::StrictMode);
    if (!url.isValid())
        // QUrl appends the whole source to its message; the first clause is the one a user needs.
        return fail(QStringLiteral("The connection URL is malformed: %1").arg(url.errorString().section(QLatin1Char(';'), 0, 0)));
    p.host = url.host();
    p.user = url.userName(QUrl::FullyDecoded);
    p.password = url.password(QUrl::FullyDecoded);
    p.port = url.port(0);
    if (url.port() == 0 || url.port() > 65535)
        return fail(QStringLiteral("The port in the connection URL must be between 1 and 65535."));
    p.database = url.path(QUrl::FullyDecoded);
    if (p.database.startsWith(QLatin1Char('/')))
        p.database.remove(0, 1);
    if (p.database.contains(QLatin1Char('/')))
        return fail(QStringLiteral("The database name '%1' contains '/': the URL's path names one database.")
                        .arg(p.database));

    const QUrlQuery query(url);
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (key == QLatin1String("sslmode") || key == QLatin1String("ssl-mode")) {
            // A mode this engine cannot honour is refused when connecting (DatabaseConnection::open),
            // as a TLS failure: never ignored, never downgraded.
            p.sslMode = value.toLower();
        } else if (key == QLatin1String("host")) {
            p.host = value; // a Unix socket folder, as libpq allows
        } else if (key == QLatin1String("sslrootcert")) {
            p.sslRootCert = value;
        } else if (key == QLatin1String("sslcert")) {
            p.sslCert = value;
        } else if (key == QLatin1String("sslkey")) {
            p.sslKey = value;
        } else {
            return fail(QStringLiteral("Unknown connection option '%1' in the URL (known: sslmode, sslrootcert, "
                                       "sslcert, sslkey, host).").arg(key));
        }
    }
    if (p.host.isEmpty())
        return fail(QStringLiteral("The connection URL names no host: write %1://user@host/database")
                        .arg(schemeFor(p.engine)));
    if (p.database.isEmpty() && p.engine == Engine::PostgreSQL)
        p.database = p.user.isEmpty() ? QStringLiteral("postgres") : p.user;
    *profile = p;
    return true;
}

QString ConnectionProfile::toUrl(bool withPassword) const
{
    if (engine == Engine::SQLite)
        return QStringLiteral("sqlite://") + QString::fromUtf8(QUrl::toPercentEncoding(database, "/"));
    QUrl url;
    url.setScheme(schemeFor(engine));
    const bool socketHost = host.startsWith(QLatin1Char('/'));
    url.setHost(socketHost ? QStringLiteral("localhost") : host);
    if (!user.isEmpty())
        url.setUserName(user);
    if (withPassword && !password.isEmpty())
        url.setPassword(password);
    if (port > 0)
        url.setPort(port);
    if (!database.isEmpty())
        url.setPath(QLatin1Char('/') + database);
    QUrlQuery query;
    if (socketHost)
        query.addQueryItem(QStringLiteral("host"), host);
    if (!sslMode.isEmpty())
        query.addQueryItem(QStringLiteral("sslmode"), sslMode);
    for (const auto &[key, value] : {std::pair{"sslrootcert", &sslRootCert}, std::pair{"sslcert", &sslCert},
                                     std::pair{"sslkey", &sslKey}}) {
        if (!value->isEmpty())
            query.addQueryItem(QLatin1String(key), QString::fromUtf8(QUrl::toPercentEncoding(*value, "/")));
    }
    url.setQuery(query);
    return url.toString(QUrl::FullyEncoded);
}

QString ConnectionProfile::displayName() const
{
    if (engine == Engine::SQLite)
        return QFileInfo(database).fileName();
    QString name = user.isEmpty() ? QString() : user + QLatin1Char('@');
    name += host;
    if (port > 0)
        name += QLatin1Char(':') + QString::number(port);
    return name + QLatin1Char('/') + database;
}

} // namespace Stagecraft
