#pragma once

#include "connection/connectionprofile.h"

#include <QMutex>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>
#include <QThread>
#include <QWaitCondition>

#include <atomic>
#include <memory>

namespace Stagecraft::Testing {

// An application that knows nothing of a new column, writing to a table while a migration runs:
// on a thread of its own with its own connection, at a steady rate, it alternates an INSERT of a
// fresh row (statement template, %1 = a new id from firstNewId upward) and an UPDATE of a random
// row (%1 = an id in [1, existingRows] or one it inserted itself). Each write is timed from when it
// was due, so a write held up behind a stalled one counts its wait too. Never throws: a connection
// that cannot open, like a failed statement, is an error in the result.
class LiveWriter
{
public:
    struct Result
    {
        qint64 inserts = 0; // succeeded
        qint64 updates = 0; // succeeded
        qint64 errors = 0; // failed statements, or 1 for a connection that did not open
        QStringList firstErrors; // the first few: "error text [SQL]"
        QList<double> latenciesMs; // every write, succeeded or failed, from when it was due
        qint64 retried = 0; // writes tried again after a deadlock error (setRetryOnDeadlock)

        [[nodiscard]] qint64 writes() const { return inserts + updates; }
    };

    LiveWriter(ConnectionProfile profile, QString insertTemplate, QString updateTemplate, qint64 existingRows,
               qint64 firstNewId, int writesPerSecond);
    ~LiveWriter(); // stops the thread
    LiveWriter(const LiveWriter &) = delete;
    LiveWriter &operator=(const LiveWriter &) = delete;

    // Before start(): a write that fails with a deadlock error (MySQL/MariaDB 1213, PostgreSQL 40P01)
    // is tried again, up to three times, as an application on a Galera cluster must (a schema change
    // in Total Order Isolation aborts the transactions in progress on its table); each retry counts
    // in Result::retried, a write that still fails as an error.
    void setRetryOnDeadlock(bool retry) { m_retryOnDeadlock = retry; }
    void start();
    // Asks the thread to stop and waits until it ended (a write under way finishes first).
    void stop();
    // Waits until n more writes (succeeded or failed) finished after this call; false on timeout
    // or when the thread ended first.
    [[nodiscard]] bool waitForWrites(int n, int timeoutMs);
    // A copy, safe to take while it runs.
    [[nodiscard]] Result result() const;

    // Rows whose column does not hold the expression's value, NULLs counted as different; -1 with
    // *error when the count fails. quotedTable is already quoted; column is quoted here and
    // qualified by quotedTable, so a misspelt column is an error on SQLite too.
    [[nodiscard]] static qint64 staleRows(QSqlDatabase db, Engine engine, const QString &quotedTable,
                                          const QString &column, const QString &expression, QString *error);

private:
    void run();
    void record(bool ok, bool insert, const QString &errorText, const QString &sql, double ms);

    const ConnectionProfile m_profile;
    const QString m_insert;
    const QString m_update;
    const qint64 m_existingRows;
    const qint64 m_firstNewId;
    const int m_rate;
    std::unique_ptr<QThread> m_thread;
    std::atomic<bool> m_stop{false};
    bool m_retryOnDeadlock = false;
    mutable QMutex m_mutex; // guards m_result, m_finished, m_ended
    QWaitCondition m_progress;
    Result m_result;
    qint64 m_finished = 0; // writes finished, failed ones included
    bool m_ended = false;
};

} // namespace Stagecraft::Testing
