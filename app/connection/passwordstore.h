#pragma once

#include "connectionprofile.h"

#include <QObject>
#include <QString>

namespace Stagecraft {

// Passwords in the system keychain (the Secret Service of GNOME Keyring or KWallet, the macOS
// Keychain, the Windows Credential Store) through QtKeychain. Every call returns at once and
// answers with a signal: a keychain may ask the user to unlock it, and the GUI must not wait.
// Nothing falls back to storing a password in plain text.
class PasswordStore : public QObject
{
    Q_OBJECT
public:
    explicit PasswordStore(QObject *parent = nullptr);

    // The keychain entry for a connection: its URL without the password.
    [[nodiscard]] static QString keyFor(const ConnectionProfile &profile);

    void read(const ConnectionProfile &profile);
    void write(const ConnectionProfile &profile); // profile.password is what is stored
    void remove(const ConnectionProfile &profile);

Q_SIGNALS:
    // error empty: done (a password never stored reads as found == false). Otherwise error is a
    // sentence for the user, e.g. that no keychain service runs and the password was not saved.
    void passwordRead(const QString &key, bool found, const QString &password, const QString &error);
    void passwordWritten(const QString &key, const QString &error);
    void passwordRemoved(const QString &key, const QString &error);
};

} // namespace Stagecraft
