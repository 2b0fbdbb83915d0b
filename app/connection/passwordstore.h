#pragma once

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

    // Entries are named by key (ConnectionBook uses the saved connection's name).
    void read(const QString &key);
    void write(const QString &key, const QString &password);
    void remove(const QString &key);

Q_SIGNALS:
    // error empty: done (a password never stored reads as found == false). Otherwise error is a
    // sentence for the user, e.g. that no keychain service runs and the password was not saved.
    void passwordRead(const QString &key, bool found, const QString &password, const QString &error);
    void passwordWritten(const QString &key, const QString &error);
    void passwordRemoved(const QString &key, const QString &error);
};

} // namespace Stagecraft
