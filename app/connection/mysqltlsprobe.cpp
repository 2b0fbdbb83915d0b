#include "mysqltlsprobe.h"

#include <QDeadlineTimer>
#include <QFileInfo>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslError>
#include <QSslSocket>
#include <QtEndian>

namespace Stagecraft {

namespace {

// Capability flags of the MySQL client/server protocol (the server's greeting, the SSL request).
constexpr quint32 clientProtocol41 = 0x00000200;
constexpr quint32 clientSsl = 0x00000800;
constexpr quint32 clientSecureConnection = 0x00008000;
constexpr quint32 clientPluginAuth = 0x00080000;

QString where(const ConnectionProfile &profile)
{
    return QStringLiteral("%1 at %2:%3").arg(engineName(profile.engine), profile.host).arg(profile.effectivePort());
}

bool refuse(ConnectionError *error, const QString &explanation, const QString &detail = {})
{
    if (error) {
        error->kind = ConnectionError::Kind::Tls;
        error->explanation = explanation;
        error->serverMessage = detail;
    }
    return false;
}

// Reads one protocol packet (3-byte length, sequence number, payload); empty on timeout or EOF.
QByteArray readPacket(QSslSocket &socket, const QDeadlineTimer &deadline)
{
    QByteArray buffer;
    qsizetype wanted = 4;
    while (buffer.size() < wanted) {
        if (socket.bytesAvailable() == 0 && !socket.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime()))))
            return {};
        buffer += socket.read(wanted - buffer.size());
        if (buffer.size() == 4 && wanted == 4)
            wanted = 4 + qsizetype(quint8(buffer[0]) | quint8(buffer[1]) << 8 | quint8(buffer[2]) << 16);
    }
    return buffer.mid(4);
}

} // namespace

bool MySqlTlsProbe::check(const ConnectionProfile &profile, int timeoutMs, ConnectionError *error)
{
    const QString mode = profile.sslMode;
    const bool verify = mode == QLatin1String("verify-ca") || mode == QLatin1String("verify-full");
    if (!verify && mode != QLatin1String("require"))
        return true;
    if (profile.host.startsWith(QLatin1Char('/'))) {
        // Over a Unix socket there is no certificate to verify here; that the session is encrypted
        // is still checked once it is open.
        if (!verify)
            return true;
        return refuse(error, QStringLiteral("The TLS mode '%1' cannot be checked over the Unix socket %2: connect "
                                            "through the server's host name and port instead.").arg(mode, profile.host));
    }

    QList<QSslCertificate> authorities;
    if (verify && !profile.sslRootCert.isEmpty()) {
        authorities = QSslCertificate::fromPath(profile.sslRootCert, QSsl::Pem);
        if (authorities.isEmpty())
            return refuse(error, QStringLiteral("The CA certificate file '%1' (sslrootcert) %2: the TLS mode '%3' needs "
                                                "the certificate of the CA that signed the server's certificate.")
                                     .arg(profile.sslRootCert,
                                          QFileInfo(profile.sslRootCert).isReadable()
                                              ? QStringLiteral("holds no PEM certificate")
                                              : QStringLiteral("cannot be read"),
                                          mode));
    }
    if (verify && !QSslSocket::supportsSsl())
        return refuse(error, QStringLiteral("The TLS mode '%1' cannot be honoured: Qt has no TLS backend here to verify "
                                            "the server's certificate with (%2).")
                                 .arg(mode, QSslSocket::activeBackend()));

    const QDeadlineTimer deadline(timeoutMs);
    QSslSocket socket;
    socket.connectToHost(profile.host, quint16(profile.effectivePort()));
    if (!socket.waitForConnected(int(qMax<qint64>(1, deadline.remainingTime()))))
        return true; // the driver names what is wrong (refused, unknown host, timeout)
    const QByteArray greeting = readPacket(socket, deadline);
    // An error packet (0xff: too many connections, host blocked) or another protocol: the driver
    // reports it.
    if (greeting.size() < 2 || quint8(greeting[0]) != 10)
        return true;
    const qsizetype versionEnd = greeting.indexOf('\0', 1);
    const qsizetype capabilitiesAt = versionEnd + 1 + 4 + 8 + 1; // thread id, scramble, filler
    if (versionEnd < 0 || greeting.size() < capabilitiesAt + 2)
        return true;
    const quint16 capabilities = qFromLittleEndian<quint16>(greeting.constData() + capabilitiesAt);
    if (!(capabilities & clientSsl)) {
        return refuse(error, QStringLiteral("%1 does not offer TLS, and the TLS mode '%2' requires it: not connecting "
                                            "(no password was sent).").arg(where(profile), mode),
                      QStringLiteral("server version %1, without the SSL capability")
                          .arg(QString::fromUtf8(greeting.mid(1, versionEnd - 1))));
    }
    if (!verify)
        return true; // that the session the driver opens is encrypted is checked once it is open

    // The SSL request: the capabilities, the largest packet, the character set, 23 bytes of filler.
    QByteArray request(4 + 32, '\0');
    request[0] = 32;
    request[3] = 1; // sequence number
    qToLittleEndian<quint32>(clientProtocol41 | clientSsl | clientSecureConnection | clientPluginAuth, request.data() + 4);
    qToLittleEndian<quint32>(16 * 1024 * 1024, request.data() + 8);
    request[12] = 45; // utf8mb4_general_ci
    socket.write(request);
    if (!socket.waitForBytesWritten(int(qMax<qint64>(1, deadline.remainingTime()))))
        return true;

    QSslConfiguration configuration = socket.sslConfiguration();
    configuration.setPeerVerifyMode(QSslSocket::VerifyPeer);
    if (!authorities.isEmpty())
        configuration.setCaCertificates(authorities);
    socket.setSslConfiguration(configuration);
    QList<QSslError> failures;
    QObject::connect(&socket, &QSslSocket::sslErrors, &socket, [&](const QList<QSslError> &errors) {
        // verify-ca verifies the chain, not the name; verify-full both.
        QList<QSslError> relevant;
        for (const QSslError &e : errors) {
            if (mode == QLatin1String("verify-ca") && e.error() == QSslError::HostNameMismatch)
                continue;
            relevant << e;
        }
        if (relevant.isEmpty())
            socket.ignoreSslErrors();
        failures = relevant;
    });
    socket.startClientEncryption();
    if (socket.waitForEncrypted(int(qMax<qint64>(1, deadline.remainingTime())))) {
        socket.abort();
        return true;
    }
    socket.abort();
    QStringList reasons;
    for (const QSslError &e : std::as_const(failures))
        reasons << e.errorString();
    reasons.removeDuplicates();
    if (reasons.isEmpty())
        reasons << socket.errorString();
    return refuse(error,
                  QStringLiteral("The certificate of %1 failed the TLS mode '%2': %3. Not connecting (no password was "
                                 "sent).%4")
                      .arg(where(profile), mode, reasons.join(QLatin1String("; ")),
                           profile.sslRootCert.isEmpty()
                               ? QStringLiteral(" Give the certificate of the CA that signed it as sslrootcert.")
                               : QString()));
}

} // namespace Stagecraft
