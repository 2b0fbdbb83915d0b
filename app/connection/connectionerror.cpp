#include "connectionerror.h"

#include "connectionprofile.h"

#include <QSqlError>

namespace Stagecraft {

QString ConnectionError::text() const
{
    if (serverMessage.isEmpty() || explanation.contains(serverMessage))
        return explanation;
    return explanation + QLatin1String("\n\nThe server said: ") + serverMessage;
}

static bool mentions(const QString &message, std::initializer_list<const char *> needles)
{
    for (const char *needle : needles) {
        if (message.contains(QLatin1String(needle), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

ConnectionError ConnectionError::fromOpenFailure(const ConnectionProfile &profile, const QSqlError &sqlError)
{
    ConnectionError e;
    e.serverMessage = sqlError.text().trimmed();
    const QString m = e.serverMessage;
    const QString where = profile.engine == Engine::SQLite
        ? profile.database
        : QStringLiteral("%1:%2").arg(profile.host).arg(profile.effectivePort());
    const QString server = engineName(profile.engine);
    const int code = sqlError.nativeErrorCode().toInt();

    if (mentions(m, {"password authentication failed", "Access denied"}) || code == 1045) {
        e.kind = Kind::WrongPassword;
        e.explanation = QStringLiteral("%1 at %2 refused the user name or password for '%3'.")
                            .arg(server, where, profile.user);
    } else if (mentions(m, {"Unknown database"}) || code == 1049
               || (mentions(m, {"database \""}) && mentions(m, {"does not exist"}))) {
        e.kind = Kind::NoSuchDatabase;
        e.explanation = QStringLiteral("%1 at %2 has no database named '%3'.").arg(server, where, profile.database);
    } else if (mentions(m, {"no encryption", "SSL off", "requires SSL", "secure transport", "insecure transport"})
               || code == 3159) {
        e.kind = Kind::TlsRequired;
        e.explanation = QStringLiteral("%1 at %2 only accepts encrypted connections: set the TLS mode to 'require'.")
                            .arg(server, where);
    } else if (mentions(m, {"SSL", "TLS", "certificate"})) {
        e.kind = Kind::TlsRequired;
        e.explanation = QStringLiteral("The encrypted connection to %1 at %2 could not be set up.").arg(server, where);
    } else if (mentions(m, {"timeout expired", "timed out"})) {
        e.kind = Kind::Timeout;
        e.explanation = QStringLiteral("%1 at %2 did not answer in time: check the host name, the port and any "
                                       "firewall or VPN between here and the server.").arg(server, where);
    } else if (mentions(m, {"Connection refused", "Can't connect", "could not connect", "could not translate host",
                            "Unknown server host", "No such file or directory", "Name or service not known"})
               || code == 2002 || code == 2003 || code == 2005) {
        e.kind = Kind::Refused;
        e.explanation = QStringLiteral("Could not reach %1 at %2: no server is listening there, or the host name "
                                       "is wrong.").arg(server, where);
    } else {
        e.kind = Kind::Other;
        e.explanation = QStringLiteral("Could not connect to %1 at %2.").arg(server, where);
    }
    return e;
}

ConnectionError ConnectionError::fromQueryFailure(const QString &what, const QSqlError &sqlError)
{
    ConnectionError e;
    e.serverMessage = sqlError.text().trimmed();
    const QString m = e.serverMessage;
    if (mentions(m, {"server closed the connection", "terminating connection", "no connection to the server",
                     "server has gone away", "Lost connection", "connection to server", "administrator command"})) {
        e.kind = Kind::Lost;
        e.explanation = QStringLiteral("The connection to the server was lost while %1.").arg(what);
    } else {
        e.kind = Kind::Query;
        e.explanation = QStringLiteral("The server reported an error while %1.").arg(what);
    }
    return e;
}

} // namespace Stagecraft
