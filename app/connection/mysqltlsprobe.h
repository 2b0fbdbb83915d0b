#pragma once

#include "connectionerror.h"
#include "connectionprofile.h"

namespace Stagecraft {

// What Qt's MySQL driver cannot be told to check, checked before it sends any credentials.
// Built against MariaDB Connector/C (Debian's libqt6sql6-mysql), the driver accepts the CA and
// client certificate files but no option to require TLS or to verify the server's certificate:
// it tries TLS when a certificate file is set, carries on in plain text when the server offers
// none, and accepts any certificate. So for sslmode require, verify-ca and verify-full this opens
// a connection of its own, reads the server's greeting and refuses a server that offers no TLS;
// for verify-ca and verify-full it then does the TLS handshake and verifies the certificate
// against sslrootcert (the system's CAs without it), and for verify-full the host name. The
// connection is closed before the login: no password is sent.
class MySqlTlsProbe
{
public:
    // False with *error (kind TlsRequired) when the server fails the profile's sslmode. A server
    // that cannot be reached or answers with an error is left to the driver to report: true.
    [[nodiscard]] static bool check(const ConnectionProfile &profile, int timeoutMs, ConnectionError *error);
};

} // namespace Stagecraft
