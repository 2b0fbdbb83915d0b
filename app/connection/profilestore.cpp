#include "profilestore.h"

#include <QSettings>

#include <algorithm>

namespace Stagecraft {

using namespace Qt::StringLiterals;

ProfileStore::ProfileStore(QSettings *settings)
    : m_settings(settings ? settings : new QSettings)
    , m_ownsSettings(!settings)
{
}

ProfileStore::~ProfileStore()
{
    if (m_ownsSettings)
        delete m_settings;
}

static ConnectionProfile withoutPassword(ConnectionProfile profile)
{
    profile.password.clear();
    return profile;
}

QList<SavedConnection> ProfileStore::saved() const
{
    QList<SavedConnection> list;
    const int count = m_settings->beginReadArray(u"connections/saved"_s);
    for (int i = 0; i < count; ++i) {
        m_settings->setArrayIndex(i);
        SavedConnection connection;
        connection.name = m_settings->value(u"name"_s).toString();
        QString error;
        // A hand-edited entry that no longer parses is skipped rather than shown half-filled.
        if (connection.name.isEmpty()
            || !ConnectionProfile::fromUrl(m_settings->value(u"url"_s).toString(), &connection.profile, &error))
            continue;
        connection.profile.password.clear();
        connection.passwordSaved = m_settings->value(u"passwordSaved"_s).toBool();
        list.append(connection);
    }
    m_settings->endArray();
    std::sort(list.begin(), list.end(), [](const SavedConnection &a, const SavedConnection &b) {
        return a.name.compare(b.name, Qt::CaseInsensitive) < 0;
    });
    return list;
}

bool ProfileStore::save(const SavedConnection &connection, QString *error)
{
    const QString name = connection.name.trimmed();
    if (name.isEmpty()) {
        *error = u"Give the connection a name to save it under."_s;
        return false;
    }
    if (connection.profile.database.isEmpty()) {
        *error = connection.profile.engine == Engine::SQLite ? u"Choose the database file to save the connection."_s
                                                             : u"Name the database to save the connection."_s;
        return false;
    }
    QList<SavedConnection> list = saved();
    list.removeIf([&name](const SavedConnection &c) { return c.name == name; });
    SavedConnection stored = connection;
    stored.name = name;
    stored.profile = withoutPassword(connection.profile);
    list.append(stored);
    writeSaved(list);
    return true;
}

void ProfileStore::remove(const QString &name)
{
    QList<SavedConnection> list = saved();
    list.removeIf([&name](const SavedConnection &c) { return c.name == name; });
    writeSaved(list);
}

void ProfileStore::writeSaved(const QList<SavedConnection> &list)
{
    m_settings->remove(u"connections/saved"_s);
    m_settings->beginWriteArray(u"connections/saved"_s, int(list.size()));
    for (int i = 0; i < list.size(); ++i) {
        m_settings->setArrayIndex(i);
        m_settings->setValue(u"name"_s, list.at(i).name);
        m_settings->setValue(u"url"_s, list.at(i).profile.toUrl());
        m_settings->setValue(u"passwordSaved"_s, list.at(i).passwordSaved);
    }
    m_settings->endArray();
    m_settings->sync();
}

QList<ConnectionProfile> ProfileStore::recent() const
{
    QList<ConnectionProfile> list;
    const QStringList urls = m_settings->value(u"connections/recent"_s).toStringList();
    for (const QString &url : urls) {
        ConnectionProfile profile;
        QString error;
        if (ConnectionProfile::fromUrl(url, &profile, &error))
            list.append(profile);
    }
    return list;
}

void ProfileStore::addRecent(const ConnectionProfile &profile)
{
    const QString url = withoutPassword(profile).toUrl();
    QStringList urls = m_settings->value(u"connections/recent"_s).toStringList();
    urls.removeAll(url);
    urls.prepend(url);
    while (urls.size() > MaxRecent)
        urls.removeLast();
    m_settings->setValue(u"connections/recent"_s, urls);
    m_settings->sync();
}

} // namespace Stagecraft
