#pragma once

#include "connection/connectionprofile.h"

#include <QMutex>
#include <QStringList>
#include <QThread>
#include <QWaitCondition>

#include <atomic>
#include <memory>

namespace Stagecraft::Testing {

// A connection (MySQL, MariaDB or PostgreSQL) on a thread of its own that runs statements when asked and returns
// at once, so that a test can watch from another connection (performance_schema) what they hold
// and what they wait for: a DDL behind a transaction that read the table, a writer queued behind
// the DDL. The connection opens on its thread (a QSqlDatabase belongs to the thread that made it).
class ThreadedSession
{
public:
    // Opens the connection and runs setup (SET SESSION ...) on its thread.
    ThreadedSession(const ConnectionProfile &profile, const QStringList &setup);
    ~ThreadedSession();
    ThreadedSession(const ThreadedSession &) = delete;
    ThreadedSession &operator=(const ThreadedSession &) = delete;

    // Waits until the connection is open and its setup ran; false with *error when that failed.
    [[nodiscard]] bool waitReady(QString *error, int timeoutMs = 60000);
    // The server's id of the session: CONNECTION_ID() (performance_schema.threads.PROCESSLIST_ID),
    // PostgreSQL's backend pid.
    [[nodiscard]] qint64 connectionId() const { return m_id; }
    // Queues statements to run in order, after those queued before; returns at once.
    void run(const QStringList &statements);
    // Every statement queued so far has run (or failed).
    [[nodiscard]] bool isIdle() const;
    [[nodiscard]] bool waitIdle(int timeoutMs);
    // The statements that failed since the last call, as "statement: error (code)".
    [[nodiscard]] QStringList takeErrors();

private:
    void work(const ConnectionProfile &profile, const QStringList &setup);

    std::unique_ptr<QThread> m_thread;
    mutable QMutex m_mutex;
    QWaitCondition m_changed;
    QList<QStringList> m_queue;
    int m_running = 0; // runs queued or going
    bool m_ready = false;
    bool m_stop = false;
    QString m_openError;
    QStringList m_errors;
    std::atomic<qint64> m_id{0};
};

} // namespace Stagecraft::Testing
