#include "connectionbook.h"

#include <algorithm>

namespace Stagecraft {

using namespace Qt::StringLiterals;

ConnectionBook::ConnectionBook(QSettings *settings, QObject *parent)
    : QObject(parent)
    , m_store(settings)
{
    connect(&m_passwords, &PasswordStore::passwordWritten, this, &ConnectionBook::onWritten);
    connect(&m_passwords, &PasswordStore::passwordRead, this,
            [this](const QString &key, bool found, const QString &password, const QString &error) {
                Q_EMIT passwordRead(key.mid(keychainKey(QString()).size()), found, password, error);
            });
}

QString ConnectionBook::keychainKey(const QString &name)
{
    return u"saved connection: "_s + name;
}

void ConnectionBook::save(const QString &name, const ConnectionProfile &profile, bool rememberPassword,
                          const QString &previousName)
{
    SavedConnection connection{name.trimmed(), profile, false};
    const QString key = keychainKey(connection.name);
    if (m_saving.contains(connection.name)) {
        Q_EMIT saveFinished(connection.name, false, u"“%1” is still being saved."_s.arg(connection.name));
        return;
    }
    const bool withPassword = rememberPassword && profile.engine != Engine::SQLite && !profile.password.isEmpty();
    // Saved first without the password: a refusal (no name, no database) stops here, unchanged.
    QString error;
    if (!m_store.save(connection, &error)) {
        Q_EMIT saveFinished(connection.name, false, error);
        return;
    }
    const QString previous = previousName.trimmed();
    if (!previous.isEmpty() && previous != connection.name) {
        m_store.remove(previous);
        m_passwords.remove(keychainKey(previous));
    }
    if (!withPassword) {
        m_passwords.remove(key); // a password remembered earlier is forgotten with the box unticked
        Q_EMIT saveFinished(connection.name, true,
                            rememberPassword && profile.engine != Engine::SQLite
                                ? u"Saved “%1” without a password (the field is empty)."_s.arg(connection.name)
                                : QString());
        return;
    }
    m_pending.insert(key, {connection, previous});
    m_saving.insert(connection.name);
    m_passwords.write(key, profile.password);
}

void ConnectionBook::onWritten(const QString &key, const QString &error)
{
    const auto it = m_pending.find(key);
    if (it == m_pending.end())
        return;
    SavedConnection connection = it->connection;
    m_pending.erase(it);
    m_saving.remove(connection.name);
    const QList<SavedConnection> all = m_store.saved();
    const bool stillSaved = std::any_of(all.cbegin(), all.cend(),
                                        [&connection](const SavedConnection &c) { return c.name == connection.name; });
    if (!stillSaved) { // forgotten meanwhile: so is its password
        m_passwords.remove(key);
        return;
    }
    if (!error.isEmpty()) {
        Q_EMIT saveFinished(connection.name, true, u"Saved “%1” without its password. %2"_s.arg(connection.name, error));
        return;
    }
    connection.passwordSaved = true;
    QString ignored;
    static_cast<void>(m_store.save(connection, &ignored));
    Q_EMIT saveFinished(connection.name, true, QString());
}

void ConnectionBook::remove(const QString &name)
{
    m_store.remove(name);
    m_passwords.remove(keychainKey(name));
}

void ConnectionBook::readPassword(const QString &name)
{
    m_passwords.read(keychainKey(name));
}

} // namespace Stagecraft
