#pragma once

#include "connectionprofile.h"

#include <QList>
#include <QString>

class QSettings;

namespace Stagecraft {

// A connection the user saved under a name. The password is never in here: it lives in the
// system keychain (PasswordStore), and passwordSaved says whether it was put there.
struct SavedConnection
{
    QString name;
    ConnectionProfile profile; // password always empty
    bool passwordSaved = false;
};

// Saved connections and the recently opened ones, kept in the application's QSettings
// (groups "connections/saved" and "connections/recent"), as URLs without passwords.
class ProfileStore
{
public:
    static constexpr int MaxRecent = 8;

    // settings: where to keep them; nullptr for the application's default QSettings.
    explicit ProfileStore(QSettings *settings = nullptr);
    ~ProfileStore();
    ProfileStore(const ProfileStore &) = delete;
    ProfileStore &operator=(const ProfileStore &) = delete;

    // Sorted by name, case-insensitively.
    [[nodiscard]] QList<SavedConnection> saved() const;
    // Adds or replaces the connection called connection.name. An empty name or a profile without
    // a database gives false and a sentence in *error; nothing is written then.
    [[nodiscard]] bool save(const SavedConnection &connection, QString *error);
    void remove(const QString &name);

    // Newest first, without duplicates, at most MaxRecent.
    [[nodiscard]] QList<ConnectionProfile> recent() const;
    void addRecent(const ConnectionProfile &profile);

private:
    void writeSaved(const QList<SavedConnection> &list);

    QSettings *m_settings;
    bool m_ownsSettings;
};

} // namespace Stagecraft
