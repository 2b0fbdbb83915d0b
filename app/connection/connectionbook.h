#pragma once

#include "passwordstore.h"
#include "profilestore.h"

#include <QObject>
#include <QMap>
#include <QSet>

class QSettings;

namespace Stagecraft {

// The user's saved and recent connections with their passwords: the saved list in QSettings
// (ProfileStore), each remembered password in the system keychain under the connection's name
// (PasswordStore). It outlives any dialog showing it, so a keychain answer never arrives at a
// window that is gone, and it keeps the two stores consistent: a connection is marked as having a
// password only once the keychain took it; renaming or forgetting moves or deletes the entry.
class ConnectionBook : public QObject
{
    Q_OBJECT
public:
    // settings: where the lists live; nullptr for the application's QSettings.
    explicit ConnectionBook(QSettings *settings = nullptr, QObject *parent = nullptr);

    [[nodiscard]] QList<SavedConnection> saved() const { return m_store.saved(); }
    [[nodiscard]] QList<ConnectionProfile> recent() const { return m_store.recent(); }
    void addRecent(const ConnectionProfile &profile) { m_store.addRecent(profile); }

    // Saves profile under name, replacing previousName when it differs (a rename). With
    // rememberPassword and a password, the password goes to the keychain first. saveFinished
    // follows, at once for a refusal, after the keychain otherwise.
    void save(const QString &name, const ConnectionProfile &profile, bool rememberPassword,
              const QString &previousName = QString());
    // Forgets a saved connection and its keychain entry.
    void remove(const QString &name);
    // Asks the keychain for a saved connection's password: passwordRead follows.
    void readPassword(const QString &name);
    // A save of this name waits for the keychain.
    [[nodiscard]] bool isSaving(const QString &name) const { return m_saving.contains(name); }

    [[nodiscard]] static QString keychainKey(const QString &name);

Q_SIGNALS:
    // ok false: not saved at all (message says why). ok true with a message: saved, but the
    // password could not be kept (message says why and what to do).
    void saveFinished(const QString &name, bool ok, const QString &message);
    void passwordRead(const QString &name, bool found, const QString &password, const QString &error);

private:
    void onWritten(const QString &key, const QString &error);

    ProfileStore m_store;
    PasswordStore m_passwords;
    struct Pending
    {
        SavedConnection connection;
        QString previousName;
    };
    QMap<QString, Pending> m_pending; // by keychain key: saves waiting for the keychain
    QSet<QString> m_saving; // their names
};

} // namespace Stagecraft
