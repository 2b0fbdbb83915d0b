#pragma once

#include <QString>
#include <QTemporaryDir>

namespace Stagecraft::Testing {

// A throwaway CA and a server certificate it signed, for "localhost" only (no IP address), and a
// second CA that signed nothing of ours: made with the openssl tool, EC keys, valid for two days.
class TlsTestCertificates
{
public:
    [[nodiscard]] bool create(QString *error);
    [[nodiscard]] QString caCertificate() const { return path(QStringLiteral("ca.pem")); }
    [[nodiscard]] QString otherCaCertificate() const { return path(QStringLiteral("other-ca.pem")); }
    [[nodiscard]] QString serverCertificate() const { return path(QStringLiteral("server.pem")); }
    [[nodiscard]] QString serverKey() const { return path(QStringLiteral("server.key")); }

private:
    [[nodiscard]] QString path(const QString &name) const { return m_dir.filePath(name); }
    QTemporaryDir m_dir;
};

} // namespace Stagecraft::Testing
