#include "runlock.h"

#include "connection/databaseconnection.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLockFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>

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

bool RunLock::holder(Holder *holder, ConnectionError *error)
{
    *holder = {};
    const Engine engine = m_connection.engine();
    if (engine == Engine::SQLite)
        return true;
    QSqlQuery q(m_connection.database());
    if (engine == Engine::PostgreSQL) {
        // A session advisory lock on one bigint key: pg_locks splits it into classid (high) and objid (low).
        q.prepare(u"SELECT a.pid, a.state, a.query_start::text, a.query, "
                  u"COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - a.query_start), 0) "
                  u"FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                  u"WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.database = "
                  u"(SELECT oid FROM pg_database WHERE datname = current_database()) "
                  u"AND l.objid::text::bigint = (hashtext(?)::bigint & 4294967295) "
                  u"AND l.classid::text::bigint = ((hashtext(?)::bigint >> 32) & 4294967295) AND l.pid <> pg_backend_pid()"_s);
        q.addBindValue(m_name);
        q.addBindValue(m_name);
    } else {
        // MariaDB numbers every statement (QUERY_ID); MySQL has no such column, its TIME and INFO stand in.
        const bool mariadb = engine == Engine::MariaDB;
        q.prepare(mariadb ? u"SELECT p.ID, p.COMMAND, p.QUERY_ID, p.INFO, p.TIME_MS / 1000 FROM information_schema.PROCESSLIST p "
                            u"WHERE p.ID = IS_USED_LOCK(?)"_s
                          : u"SELECT p.ID, p.COMMAND, CONCAT(UNIX_TIMESTAMP() - p.TIME, ':', COALESCE(p.INFO, '')), p.INFO, p.TIME "
                            u"FROM information_schema.PROCESSLIST p WHERE p.ID = IS_USED_LOCK(?)"_s);
        q.addBindValue(m_name);
    }
    if (!q.exec()) {
        *error = ConnectionError::fromQueryFailure(u"looking up who holds the run lock"_s, q.lastError());
        return false;
    }
    if (!q.next())
        return true;
    holder->session = q.value(0).toLongLong();
    const QString state = q.value(1).toString();
    holder->inStatement = engine == Engine::PostgreSQL ? state == QLatin1String("active") : state != QLatin1String("Sleep");
    holder->statementId = q.value(2).toString();
    holder->statement = q.value(3).toString().simplified();
    holder->seconds = q.value(4).toDouble();
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

RunLock::Acquisition RunLock::acquire(const TableRef &table, const QString &column, int waitSeconds, const std::function<bool()> &cancelled,
                                      const std::function<void(const Holder &)> &waiting)
{
    Acquisition a;
    // The holder's statement being waited for: when the holder starts another one while keeping
    // the lock, or stays idle with it (below), it is a live runner.
    Holder waitingFor;
    QElapsedTimer waited;
    // Once the statement waited for has ended, a killed runner's session goes away a moment later
    // (the server reads the closed socket only after sending the result): the holder is taken for
    // a live runner only when it is still there, idle, after GoneWithinMs.
    QElapsedTimer idle;
    constexpr qint64 GoneWithinMs = 1000;
    for (;;) {
        bool taken = false;
        if (!tryAcquire(table, column, &taken, &a.error))
            return a;
        if (taken) {
            a.outcome = Outcome::Taken;
            return a;
        }
        if (!holder(&a.holder, &a.error))
            return a;
        a.outcome = Outcome::HeldByAnother;
        if (a.holder.session == 0) {
            if (m_connection.engine() == Engine::SQLite)
                return a; // a lock file: its holder is a live process
            waitingFor = {}; // let go between the two questions: ask again
        } else if (!a.holder.inStatement) {
            if (waitingFor.session != a.holder.session)
                return a;
            if (!idle.isValid())
                idle.start();
            if (idle.elapsed() > GoneWithinMs)
                return a;
        } else if (waitingFor.session != a.holder.session) {
            waitingFor = a.holder;
            if (!waited.isValid())
                waited.start();
            waiting(a.holder);
        } else if (waitingFor.statementId != a.holder.statementId) {
            return a;
        }
        if (cancelled()) {
            a.outcome = Outcome::Cancelled;
            return a;
        }
        if (waited.isValid() && waited.elapsed() > qint64(waitSeconds) * 1000) {
            a.outcome = Outcome::TimedOut;
            return a;
        }
        QThread::msleep(100);
    }
}

} // namespace Stagecraft
