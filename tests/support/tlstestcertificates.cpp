#include "tlstestcertificates.h"

#include "serverprocess.h"

#include <QFile>

namespace Stagecraft::Testing {

bool TlsTestCertificates::create(QString *error)
{
    if (!m_dir.isValid()) {
        *error = QStringLiteral("cannot create a temporary folder for the certificates");
        return false;
    }
    const QString openssl = findProgram(QStringLiteral("openssl"));
    if (openssl.isEmpty()) {
        *error = QStringLiteral("the openssl tool is not installed (package openssl)");
        return false;
    }
    const QStringList newKey = {QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                                QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                                QStringLiteral("-days"), QStringLiteral("2")};
    auto ca = [&](const QString &name, const QString &subject) {
        return QStringList{QStringLiteral("req"), QStringLiteral("-x509")} + newKey
            + QStringList{QStringLiteral("-keyout"), path(name + QLatin1String(".key")), QStringLiteral("-out"),
                          path(name + QLatin1String(".pem")), QStringLiteral("-subj"), subject,
                          QStringLiteral("-addext"), QStringLiteral("basicConstraints=critical,CA:TRUE"),
                          QStringLiteral("-addext"), QStringLiteral("keyUsage=critical,keyCertSign,cRLSign")};
    };
    const QStringList server = QStringList{QStringLiteral("req"), QStringLiteral("-x509")} + newKey
        + QStringList{QStringLiteral("-keyout"), serverKey(), QStringLiteral("-out"), serverCertificate(),
                      QStringLiteral("-subj"), QStringLiteral("/CN=localhost"), QStringLiteral("-addext"),
                      QStringLiteral("subjectAltName=DNS:localhost"), QStringLiteral("-addext"),
                      QStringLiteral("basicConstraints=critical,CA:FALSE"), QStringLiteral("-addext"),
                      QStringLiteral("extendedKeyUsage=serverAuth"), QStringLiteral("-CA"), caCertificate(),
                      QStringLiteral("-CAkey"), path(QStringLiteral("ca.key"))};
    ServerProcess tool;
    for (const QStringList &arguments : {ca(QStringLiteral("ca"), QStringLiteral("/CN=Stagecraft test CA")),
                                         ca(QStringLiteral("other-ca"), QStringLiteral("/CN=Another test CA")), server}) {
        if (!tool.run(openssl, arguments, 60000, error))
            return false;
    }
    // The servers may run as another user: let them read the key.
    QFile::setPermissions(serverKey(), QFile::ReadOwner | QFile::WriteOwner | QFile::ReadOther | QFile::ReadGroup);
    return true;
}

} // namespace Stagecraft::Testing
