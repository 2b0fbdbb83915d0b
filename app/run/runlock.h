#pragma once

#include "catalog/catalogtypes.h"
#include "connection/connectionerror.h"

#include <QString>

#include <functional>
#include <memory>

class QLockFile;

namespace Stagecraft {

class DatabaseConnection;

// One Stagecraft at a time per new column: a lock held by the running runner for the whole run,
// on the server (PostgreSQL session advisory lock, MySQL/MariaDB GET_LOCK) or, for SQLite, in a
// lock file beside the database. It goes with the session or the process, so a runner killed
// with kill -9 leaves a run that can be resumed, never a stale lock.
class RunLock
{
public:
    explicit RunLock(DatabaseConnection &connection);
    ~RunLock();
    RunLock(const RunLock &) = delete;
    RunLock &operator=(const RunLock &) = delete;

    // Never waits. *taken false: another session holds it. False only when the server failed.
    [[nodiscard]] bool tryAcquire(const TableRef &table, const QString &column, bool *taken, ConnectionError *error);
    void release();

    // The server session holding the lock another runner has taken (after a tryAcquire that was
    // refused), and what it is doing. A runner killed in the middle of a statement keeps the lock
    // until the server has finished that statement and noticed the client is gone; a live runner
    // goes idle or starts another statement. statementId tells one statement from the next.
    struct Holder
    {
        qint64 session = 0; // 0: nobody holds it now (or SQLite, whose lock is a file)
        bool inStatement = false;
        QString statementId;
        QString statement;
        double seconds = 0; // in the statement for this long
    };
    [[nodiscard]] bool holder(Holder *holder, ConnectionError *error);

    // Takes the lock, waiting while the session holding it is in the middle of a statement (a
    // killed runner's statement goes on until it ends, and the server lets go then), at most
    // waitSeconds; a holder that goes idle or starts another statement while keeping the lock is a
    // live runner, and is not waited for. waiting is told when a wait for a holder begins;
    // cancelled is asked between looks.
    enum class Outcome { Taken, HeldByAnother, TimedOut, Cancelled, Failed };
    struct Acquisition
    {
        Outcome outcome = Outcome::Failed;
        Holder holder; // who holds it (HeldByAnother, TimedOut)
        ConnectionError error; // Failed
    };
    [[nodiscard]] Acquisition acquire(const TableRef &table, const QString &column, int waitSeconds, const std::function<bool()> &cancelled,
                                      const std::function<void(const Holder &)> &waiting);

    // The lock's name for a table and column (a hash, within MySQL's 64 characters).
    [[nodiscard]] static QString name(const TableRef &table, const QString &column);

private:
    DatabaseConnection &m_connection;
    QString m_name;
    bool m_held = false;
    std::unique_ptr<QLockFile> m_file;
};

} // namespace Stagecraft
