#pragma once

#include <QString>

class QSqlError;

namespace Stagecraft {

class ConnectionProfile;

// A failure talking to a database: what the server or driver said, and what it means in plain words.
struct ConnectionError
{
    // Tls: the connection cannot be had as its TLS mode asks (no TLS offered, a certificate that
    // fails verification, a session that is not encrypted): refused, never downgraded.
    enum class Kind { None, BadUrl, DriverMissing, Refused, WrongPassword, NoSuchDatabase, TlsRequired, Tls, Timeout,
                      Lost, Query, Other };
    Kind kind = Kind::None;
    QString serverMessage; // as the server or driver wrote it
    QString explanation; // one or two sentences a user can act on

    [[nodiscard]] bool isError() const { return kind != Kind::None; }
    // explanation, then the server's own words: what a dialog or the command line shows
    [[nodiscard]] QString text() const;

    // Classifies a failure to open a connection to the profile's server.
    [[nodiscard]] static ConnectionError fromOpenFailure(const ConnectionProfile &profile, const QSqlError &error);
    // A statement that failed on an open connection; `what` says what Stagecraft was doing.
    [[nodiscard]] static ConnectionError fromQueryFailure(const QString &what, const QSqlError &error);
};

} // namespace Stagecraft
