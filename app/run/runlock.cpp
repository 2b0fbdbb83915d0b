#include "runlock.h"

#include "connection/databaseconnection.h"

#include <QCryptographicHash>
#include <QFileInfo>
#include <QLockFile>
#include <QSqlError>
#include <QSqlQuery>

namespace Stagecraft {

using namespace Qt::StringLiterals;

RunLock::RunLock(DatabaseConnection &connection)
    : m_connection(connection)
{
}

RunLock::~RunLock()
{
    release();
}

QString RunLock::name(const TableRef &table, const QString &column)
{
    const QByteArray key = (table.schema + QLatin1Char('\x1f') + table.name + QLatin1Char('\x1f') + column).toUtf8();
    return u"stagecraft:"_s + QString::fromLatin1(QCryptographicHash::hash(key, QCryptographicHash::Sha1).toHex());
}

bool RunLock::tryAcquire(const TableRef &table, const QString &column, bool *taken, ConnectionError *error)
{
    *taken = false;
    m_name = name(table, column);
    switch (m_connection.engine()) {
    case Engine::PostgreSQL:
    case Engine::MySQL:
    case Engine::MariaDB: {
        QSqlQuery q(m_connection.database());
        q.prepare(m_connection.engine() == Engine::PostgreSQL ? u"SELECT pg_try_advisory_lock(hashtext(?))"_s
                                                              : u"SELECT GET_LOCK(?, 0)"_s);
        q.addBindValue(m_name);
        if (!q.exec() || !q.next()) {
            *error = ConnectionError::fromQueryFailure(u"taking the run lock"_s, q.lastError());
            return false;
        }
        m_held = *taken = q.value(0).toInt() == 1 || q.value(0).toBool();
        return true;
    }
    case Engine::SQLite: {
        // Beside the database file; QLockFile knows a lock whose process is gone for stale.
        const QString database = m_connection.profile().database;
        m_file = std::make_unique<QLockFile>(QFileInfo(database).absoluteFilePath() + u"."_s + m_name.mid(11, 16) + u".lock"_s);
        m_file->setStaleLockTime(0);
        m_held = *taken = m_file->tryLock(0);
        if (!*taken && m_file->error() == QLockFile::PermissionError) {
            error->kind = ConnectionError::Kind::Other;
            error->explanation = u"Cannot create the run lock file beside %1 (permission denied)."_s.arg(database);
            return false;
        }
        return true;
    }
    }
    return true;
}

void RunLock::release()
{
    if (!m_held)
        return;
    m_held = false;
    if (m_file) {
        m_file->unlock();
        m_file.reset();
        return;
    }
    if (!m_connection.isOpen())
        return; // gone with the session
    QSqlQuery q(m_connection.database());
    q.prepare(m_connection.engine() == Engine::PostgreSQL ? u"SELECT pg_advisory_unlock(hashtext(?))"_s
                                                          : u"SELECT RELEASE_LOCK(?)"_s);
    q.addBindValue(m_name);
    static_cast<void>(q.exec());
}

} // namespace Stagecraft
