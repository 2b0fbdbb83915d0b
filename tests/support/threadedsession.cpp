#include "threadedsession.h"

#include "connection/databaseconnection.h"
#include "run/servercancel.h"

#include <QDeadlineTimer>
#include <QSqlError>
#include <QSqlQuery>

namespace Stagecraft::Testing {

ThreadedSession::ThreadedSession(const ConnectionProfile &profile, const QStringList &setup)
{
    m_thread.reset(QThread::create([this, profile, setup] { work(profile, setup); }));
    m_thread->start();
}

ThreadedSession::~ThreadedSession()
{
    {
        QMutexLocker lock(&m_mutex);
        m_stop = true;
        m_changed.wakeAll();
    }
    m_thread->wait();
}

void ThreadedSession::work(const ConnectionProfile &profile, const QStringList &setup)
{
    DatabaseConnection connection(profile);
    ConnectionError error;
    QString failure;
    if (!connection.open(&error))
        failure = error.text();
    QSqlQuery q(connection.database());
    for (const QString &sql : setup) {
        if (failure.isEmpty() && !q.exec(sql))
            failure = sql + QLatin1String(": ") + q.lastError().text();
    }
    if (failure.isEmpty())
        m_id = ServerCancel::sessionOf(connection);
    {
        QMutexLocker lock(&m_mutex);
        m_openError = failure;
        m_ready = true;
        m_changed.wakeAll();
    }
    for (;;) {
        QStringList statements;
        {
            QMutexLocker lock(&m_mutex);
            while (m_queue.isEmpty() && !m_stop)
                m_changed.wait(&m_mutex);
            if (m_stop)
                return;
            statements = m_queue.takeFirst();
        }
        QStringList errors;
        for (const QString &sql : std::as_const(statements)) {
            if (!failure.isEmpty()) {
                errors << QStringLiteral("%1: not sent, the session did not open: %2").arg(sql, failure);
                break;
            }
            if (!q.exec(sql)) {
                errors << QStringLiteral("%1: %2 (%3)").arg(sql, q.lastError().text(), q.lastError().nativeErrorCode());
                break;
            }
            while (q.next()) { } // a result set is read to its end before the next statement
        }
        QMutexLocker lock(&m_mutex);
        m_errors << errors;
        --m_running;
        m_changed.wakeAll();
    }
}

bool ThreadedSession::waitReady(QString *error, int timeoutMs)
{
    QMutexLocker lock(&m_mutex);
    const QDeadlineTimer deadline(timeoutMs);
    while (!m_ready) {
        if (!m_changed.wait(&m_mutex, deadline)) {
            *error = QStringLiteral("the session did not open within %1 ms").arg(timeoutMs);
            return false;
        }
    }
    *error = m_openError;
    return m_openError.isEmpty();
}

void ThreadedSession::run(const QStringList &statements)
{
    QMutexLocker lock(&m_mutex);
    m_queue << statements;
    ++m_running;
    m_changed.wakeAll();
}

bool ThreadedSession::isIdle() const
{
    QMutexLocker lock(&m_mutex);
    return m_running == 0;
}

bool ThreadedSession::waitIdle(int timeoutMs)
{
    QMutexLocker lock(&m_mutex);
    const QDeadlineTimer deadline(timeoutMs);
    while (m_running > 0) {
        if (!m_changed.wait(&m_mutex, deadline))
            return false;
    }
    return true;
}

QStringList ThreadedSession::takeErrors()
{
    QMutexLocker lock(&m_mutex);
    return std::exchange(m_errors, {});
}

} // namespace Stagecraft::Testing
