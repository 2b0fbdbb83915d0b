#include "livewriter.h"

#include "connection/databaseconnection.h"
#include "sql/quoting.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>

namespace Stagecraft::Testing {

namespace {
constexpr int keptErrors = 5; // enough to see what failed without a flood of the same text
}

LiveWriter::LiveWriter(ConnectionProfile profile, QString insertTemplate, QString updateTemplate, qint64 existingRows,
                       qint64 firstNewId, int writesPerSecond)
    : m_profile(std::move(profile)), m_insert(std::move(insertTemplate)), m_update(std::move(updateTemplate)),
      m_existingRows(std::max<qint64>(0, existingRows)), m_firstNewId(firstNewId), m_rate(std::max(1, writesPerSecond))
{
}

LiveWriter::~LiveWriter()
{
    stop();
}

void LiveWriter::start()
{
    if (m_thread)
        return;
    m_stop = false;
    m_thread.reset(QThread::create([this] { run(); }));
    m_thread->start();
}

void LiveWriter::stop()
{
    m_stop = true;
    if (m_thread)
        m_thread->wait();
}

bool LiveWriter::waitForWrites(int n, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    QMutexLocker lock(&m_mutex);
    const qint64 target = m_finished + n;
    while (m_finished < target && !m_ended) {
        if (!m_progress.wait(&m_mutex, deadline))
            break;
    }
    return m_finished >= target;
}

LiveWriter::Result LiveWriter::result() const
{
    QMutexLocker lock(&m_mutex);
    return m_result;
}

void LiveWriter::record(bool ok, bool insert, const QString &errorText, const QString &sql, double ms)
{
    QMutexLocker lock(&m_mutex);
    if (ok) {
        ++(insert ? m_result.inserts : m_result.updates);
    } else {
        ++m_result.errors;
        if (m_result.firstErrors.size() < keptErrors)
            m_result.firstErrors << QStringLiteral("%1 [%2]").arg(errorText, sql);
    }
    if (ms >= 0) {
        m_result.latenciesMs << ms;
        ++m_finished;
    }
    m_progress.wakeAll();
}

void LiveWriter::run()
{
    {
        // Opened, used and closed on this thread: a QSqlDatabase belongs to the thread that made it.
        DatabaseConnection connection(m_profile);
        ConnectionError e;
        const bool open = connection.open(&e);
        if (!open)
            record(false, false, e.text(), QStringLiteral("(connecting)"), -1);
        QSqlQuery q(connection.database());
        // A real SQLite application waits for the writer lock rather than failing at once: the
        // migration's batches hold it for a moment each.
        const QString busy = QStringLiteral("PRAGMA busy_timeout = 20000");
        const bool ready = open && (m_profile.engine != Engine::SQLite || q.exec(busy));
        if (open && !ready)
            record(false, false, q.lastError().text(), busy, -1);
        if (ready) {
            // A fixed seed: two runs of a test or a benchmark update the same rows.
            QRandomGenerator random(42);
            qint64 nextId = m_firstNewId;
            const qint64 intervalNs = 1000000000LL / m_rate;
            QElapsedTimer clock;
            clock.start();
            qint64 due = 0;
            for (qint64 i = 0; !m_stop; ++i) {
                while (clock.nsecsElapsed() < due && !m_stop)
                    QThread::usleep(200);
                if (m_stop)
                    break;
                const bool insert = i % 2 == 0;
                QString sql;
                if (insert) {
                    sql = m_insert.arg(nextId++);
                } else {
                    // Rows it inserted itself are as likely to be updated as the ones it found.
                    const qint64 inserted = nextId - m_firstNewId;
                    const qint64 pick = qint64(random.bounded(quint64(std::max<qint64>(1, m_existingRows + inserted))));
                    sql = m_update.arg(pick < m_existingRows ? pick + 1 : m_firstNewId + (pick - m_existingRows));
                }
                bool ok = q.exec(sql);
                for (int retry = 0; !ok && m_retryOnDeadlock && retry < 3
                                    && (q.lastError().nativeErrorCode() == QLatin1String("1213")
                                        || q.lastError().nativeErrorCode() == QLatin1String("40P01"));
                     ++retry) {
                    {
                        QMutexLocker lock(&m_mutex);
                        ++m_result.retried;
                    }
                    ok = q.exec(sql);
                }
                record(ok, insert, ok ? QString() : q.lastError().text(), sql, (clock.nsecsElapsed() - due) / 1e6);
                due += intervalNs;
            }
        }
    }
    QMutexLocker lock(&m_mutex);
    m_ended = true;
    m_progress.wakeAll();
}

qint64 LiveWriter::staleRows(QSqlDatabase db, Engine engine, const QString &quotedTable, const QString &column,
                             const QString &expression, QString *error)
{
    // Qualified by its table: SQLite reads an unknown "name" as a string literal, so a misspelt
    // column would count every row instead of failing.
    const QString c = quotedTable + QLatin1Char('.') + quoteIdentifier(engine, column);
    // Each engine's null-safe "differs": a NULL where the expression has a value is stale too.
    QString differs;
    switch (engine) {
    case Engine::PostgreSQL: differs = QStringLiteral("%1 IS DISTINCT FROM (%2)").arg(c, expression); break;
    case Engine::MySQL:
    case Engine::MariaDB: differs = QStringLiteral("NOT (%1 <=> (%2))").arg(c, expression); break;
    case Engine::SQLite: differs = QStringLiteral("%1 IS NOT (%2)").arg(c, expression); break;
    }
    QSqlQuery q(db);
    const QString sql = QStringLiteral("SELECT count(*) FROM %1 WHERE %2").arg(quotedTable, differs);
    if (!q.exec(sql) || !q.next()) {
        if (error)
            *error = QStringLiteral("%1 [%2]").arg(q.lastError().text(), sql);
        return -1;
    }
    return q.value(0).toLongLong();
}

} // namespace Stagecraft::Testing
