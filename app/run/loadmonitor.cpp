#include "loadmonitor.h"

#include "applatency.h"
#include "connection/databaseconnection.h"

#include <QMutexLocker>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>
#include <utility>
#include <memory>

namespace Stagecraft {

LoadMonitor::LoadMonitor(ConnectionProfile profile, RunSettings settings, qint64 session, TableRef table, QString column, QObject *parent)
    : QThread(parent)
    , m_profile(std::move(profile))
    , m_settings(std::move(settings))
    , m_session(session)
    , m_table(std::move(table))
    , m_column(std::move(column))
{
    m_clock.start();
}

LoadMonitor::~LoadMonitor()
{
    end();
}

bool LoadMonitor::begin(QString *why)
{
    if (m_profile.engine == Engine::SQLite) {
        *why = QStringLiteral("SQLite does not show which sessions wait for the backfill");
        return false;
    }
    m_stop = false;
    start();
    // The thread says when its connections are open and each signal was read once.
    for (;;) {
        {
            QMutexLocker lock(&m_mutex);
            if (m_ready) {
                *why = m_why;
                return m_why.isEmpty();
            }
        }
        if (isFinished()) {
            QMutexLocker lock(&m_mutex);
            *why = m_why.isEmpty() ? QStringLiteral("the monitor stopped") : m_why;
            return false;
        }
        QThread::msleep(5);
    }
}

QStringList LoadMonitor::notes()
{
    QMutexLocker lock(&m_mutex);
    return std::exchange(m_notes, {});
}

std::optional<ReplicaLag> LoadMonitor::replicaOverLimit()
{
    QMutexLocker lock(&m_mutex);
    std::optional<ReplicaLag> worst;
    for (const ReplicaLag &r : std::as_const(m_replicas)) {
        // Over the lag allowed; or not replaying while behind (its lag only grows, and the reader
        // counts it from when it first saw the primary ahead: at least that much).
        // One whose lag is unknown (out of reach, gone, never replayed) is not waited for: a replica
        // that never comes back would hold the run for ever (the log says it is not watched).
        const bool over = r.seconds * 1000 > m_settings.maxReplicaLagMs || (!r.replaying && r.seconds >= 0 && r.bytes > 0);
        if (over && (!worst || r.seconds > worst->seconds))
            worst = r;
    }
    return worst;
}

ReplicaLag LoadMonitor::worstReplica()
{
    QMutexLocker lock(&m_mutex);
    ReplicaLag worst;
    for (const ReplicaLag &r : std::as_const(m_replicas))
        if (worst.name.isEmpty() || r.seconds > worst.seconds)
            worst = r;
    return worst;
}

LoadMonitor::Latency LoadMonitor::latency()
{
    QMutexLocker lock(&m_mutex);
    return m_latency;
}

void LoadMonitor::end()
{
    m_stop = true;
    wait();
}

LoadMonitor::Waits LoadMonitor::takeWaits()
{
    QMutexLocker lock(&m_mutex);
    Waits w;
    w.most = m_most;
    const double now = m_clock.nsecsElapsed() / 1e6;
    for (const double started : std::as_const(m_startedMs))
        w.longestMs = std::max(w.longestMs, now - started);
    m_most = 0;
    m_startedMs.clear();
    return w;
}

QString LoadMonitor::waitsSql(const DatabaseConnection &connection) const
{
    const QString session = QString::number(m_session);
    switch (connection.engine()) {
    case Engine::PostgreSQL:
        // The sessions waiting for a lock the runner holds, and those queued behind them on the
        // same row (a second writer waits for the first one's tuple lock); pg_blocking_pids only
        // for sessions that wait for a lock at all. The wait counts from the statement's start.
        return QStringLiteral("WITH w AS (SELECT pid, query_start, pg_blocking_pids(pid) AS b FROM pg_stat_activity "
                              "WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()) "
                              "SELECT pid, extract(epoch FROM clock_timestamp() - query_start) * 1000 FROM w "
                              "WHERE %1 = ANY (b) OR b && ARRAY(SELECT pid FROM w WHERE %1 = ANY (b))")
            .arg(session);
    case Engine::MariaDB:
        // The waiting statement's time in ms (PROCESSLIST.TIME_MS, read live) counts its wait.
        return QStringLiteral("SELECT r.trx_mysql_thread_id, p.TIME_MS FROM information_schema.INNODB_LOCK_WAITS w "
                              "JOIN information_schema.INNODB_TRX r ON r.trx_id = w.requesting_trx_id "
                              "JOIN information_schema.INNODB_TRX b ON b.trx_id = w.blocking_trx_id "
                              "JOIN information_schema.PROCESSLIST p ON p.ID = r.trx_mysql_thread_id "
                              "WHERE b.trx_mysql_thread_id = %1")
            .arg(session);
    case Engine::MySQL:
        if (m_performanceSchema)
            // Read live from the engine. MySQL tells a wait's start to the second only: the wait
            // counts from when it is first seen.
            return QStringLiteral("SELECT r.PROCESSLIST_ID, 0 FROM performance_schema.data_lock_waits w "
                                  "JOIN performance_schema.threads r ON r.THREAD_ID = w.REQUESTING_THREAD_ID "
                                  "JOIN performance_schema.threads b ON b.THREAD_ID = w.BLOCKING_THREAD_ID "
                                  "WHERE b.PROCESSLIST_ID = %1")
                .arg(session);
        // Without performance_schema MySQL names no blocker: every session waiting for a row lock
        // while a batch runs counts (trx_wait_started is to the second: from when it is first seen).
        return QStringLiteral("SELECT trx_mysql_thread_id, 0 FROM information_schema.INNODB_TRX "
                              "WHERE trx_state = 'LOCK WAIT' AND trx_mysql_thread_id <> %1")
            .arg(session);
    case Engine::SQLite: return {};
    }
    return {};
}

bool LoadMonitor::poll(DatabaseConnection &connection, QHash<qint64, double> *waiting, QString *error) const
{
    QSqlQuery q(connection.database());
    if (!q.exec(waitsSql(connection))) {
        *error = q.lastError().text();
        return false;
    }
    while (q.next())
        waiting->insert(q.value(0).toLongLong(), std::max(0.0, q.value(1).toDouble()));
    return true;
}

void LoadMonitor::pollReplicas(ReplicaLagReader &reader)
{
    QString error;
    const QList<ReplicaLag> lags = reader.read(&error);
    QMutexLocker lock(&m_mutex);
    // The primary not answering this once: the last reading stands (the runner's own connection
    // will say if the server is gone).
    if (error.isEmpty())
        m_replicas = lags;
    for (const ReplicaLag &r : lags)
        if (r.seconds < 0 && !r.replaying && !m_unknownLag.contains(r.name)) {
            m_unknownLag << r.name;
            m_notes << QStringLiteral("replica %1 is not waited for, its lag is unknown: %2").arg(r.name, r.state);
        }
}

qint64 LoadMonitor::flowControlPausedNs(DatabaseConnection &connection)
{
    QSqlQuery q(connection.database());
    if (!q.exec(QStringLiteral("SHOW GLOBAL STATUS WHERE Variable_name = 'wsrep_flow_control_paused_ns'")) || !q.next())
        return -1;
    return q.value(1).toLongLong();
}

QString LoadMonitor::flowControl()
{
    QMutexLocker lock(&m_mutex);
    if (m_flowControlAtMs < 0 || m_clock.nsecsElapsed() / 1e6 - m_flowControlAtMs > FlowControlQuietMs)
        return {};
    return QStringLiteral("flow control paused the Galera cluster for %1 ms of the last second (a node's receive queue is over "
                          "gcs.fc_limit: it applies write-sets slower than they come)")
        .arg(m_flowControlPausedMs, 0, 'f', 0);
}

void LoadMonitor::run()
{
    const auto note = [this](const QString &line) {
        QMutexLocker lock(&m_mutex);
        m_notes << line;
    };
    const auto ready = [this](const QString &why) {
        QMutexLocker lock(&m_mutex);
        m_why = why;
        m_ready = true;
    };
    auto connection = std::make_unique<DatabaseConnection>(m_profile);
    ConnectionError ce;
    if (!connection->open(&ce)) {
        ready(QStringLiteral("the monitor could not connect: %1").arg(ce.text()));
        return;
    }
    const Engine engine = connection->engine();
    // InnoDB's information_schema lock views come from a cache refreshed only when nobody has read
    // it for 0.1 s: polled more often, they would never change. performance_schema and PostgreSQL's
    // views are read live.
    if (engine == Engine::MySQL) {
        QSqlQuery q(connection->database());
        m_performanceSchema = q.exec(QStringLiteral("SELECT @@performance_schema")) && q.next() && q.value(0).toInt() == 1;
    }
    const bool cached = engine == Engine::MariaDB || (engine == Engine::MySQL && !m_performanceSchema);
    m_pollMs = cached ? CachedPollMs : PollMs;
    m_namesBlockers = engine != Engine::MySQL || m_performanceSchema;

    QString why;
    bool watchWaits = m_settings.maxWriterWaitMs > 0;
    if (watchWaits && engine == Engine::PostgreSQL) {
        // pg_stat_activity hides other roles' sessions' waits from a role without pg_read_all_stats.
        QSqlQuery q(connection->database());
        if (q.exec(QStringLiteral("SELECT rolsuper OR pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') FROM pg_roles "
                                  "WHERE rolname = current_user"))
            && q.next() && !q.value(0).toBool())
            note(QStringLiteral("only this role's sessions are seen waiting: other roles' waits need pg_read_all_stats "
                                "(GRANT pg_read_all_stats TO the role that runs Stagecraft)"));
    }
    if (watchWaits) {
        QHash<qint64, double> waiting;
        QString error;
        if (!poll(*connection, &waiting, &error)) {
            // Refused (a view this role may not read): not watched.
            why = QStringLiteral("the server does not show who waits for the backfill's locks here (%1)")
                      .arg(error.section(QLatin1Char('\n'), 0, 0));
            watchWaits = false;
        }
    } else {
        why = QStringLiteral("not asked (the longest writer wait is 0)");
    }

    std::unique_ptr<ReplicaLagReader> lagReader;
    if (m_settings.maxReplicaLagMs > 0) {
        QList<ConnectionProfile> named;
        for (const QString &url : m_settings.replicas) {
            ConnectionProfile replica;
            QString bad;
            if (ConnectionProfile::fromUrl(url, &replica, &bad))
                named << replica;
            else
                note(QStringLiteral("replica %1 is not watched: %2").arg(url, bad));
        }
        lagReader = std::make_unique<ReplicaLagReader>(m_profile, named);
        QString error;
        if (lagReader->open(&error)) {
            pollReplicas(*lagReader);
            for (const QString &w : lagReader->warnings())
                note(QStringLiteral("replicas: %1").arg(w));
        } else {
            note(QStringLiteral("replica lag is not watched: %1").arg(error));
            lagReader.reset();
        }
    }

    // A Galera node: its cluster's flow control, read from this node alone (a pause holds every node).
    qint64 lastPausedNs = -1;
    const bool galera = m_settings.maxReplicaLagMs > 0 && (engine == Engine::MariaDB || engine == Engine::MySQL)
        && connection->server().settings.value(QStringLiteral("wsrep_on")).compare(QLatin1String("ON"), Qt::CaseInsensitive) == 0;
    if (galera && (lastPausedNs = flowControlPausedNs(*connection)) < 0)
        note(QStringLiteral("Galera flow control is not watched: the server does not show wsrep_flow_control_paused_ns"));
    // Pauses of the last second, as (when, ms paused) readings: how much of it flow control held.
    QList<QPair<double, double>> pauses;

    std::unique_ptr<AppLatencyReader> latencyReader;
    StatementTiming lastTiming;
    if (m_settings.maxLatencyFactor > 0) {
        latencyReader = std::make_unique<AppLatencyReader>(engine, m_table, m_column);
        QString off;
        std::optional<StatementTiming> first;
        if (!latencyReader->available(connection->database(), &off) || !(first = latencyReader->read(connection->database(), &off))) {
            note(QStringLiteral("the application's latency is not watched: %1").arg(off));
            latencyReader.reset();
        } else {
            lastTiming = *first;
            // Its mean so far, before the backfill (when it has enough calls; else the first interval's).
            QMutexLocker lock(&m_mutex);
            m_latency.baselineMs = first->calls >= 20 ? first->totalMs / first->calls : -1;
        }
    }
    ready(why);

    QElapsedTimer sinceReplicas, sinceLatency;
    sinceReplicas.start();
    sinceLatency.start();
    while (!m_stop) {
        if (watchWaits) {
            QHash<qint64, double> waiting;
            QString error;
            const double now = m_clock.nsecsElapsed() / 1e6;
            if (poll(*connection, &waiting, &error)) {
                QMutexLocker lock(&m_mutex);
                m_most = std::max<int>(m_most, waiting.size());
                for (auto it = waiting.cbegin(); it != waiting.cend(); ++it) {
                    const double started = now - it.value();
                    auto seen = m_startedMs.find(it.key());
                    if (seen == m_startedMs.end())
                        m_startedMs.insert(it.key(), started);
                    else
                        *seen = std::min(*seen, started);
                }
            }
        }
        if ((lagReader || lastPausedNs >= 0) && sinceReplicas.elapsed() >= ReplicaPollMs) {
            sinceReplicas.restart();
            if (lagReader)
                pollReplicas(*lagReader);
            if (lastPausedNs >= 0) {
                const qint64 pausedNs = flowControlPausedNs(*connection);
                const double now = m_clock.nsecsElapsed() / 1e6;
                if (pausedNs > lastPausedNs)
                    pauses.append({now, (pausedNs - lastPausedNs) / 1e6});
                while (!pauses.isEmpty() && now - pauses.first().first > 1000)
                    pauses.removeFirst();
                if (pausedNs >= 0)
                    lastPausedNs = pausedNs;
                if (pausedNs > 0 && !pauses.isEmpty() && pauses.last().first == now) {
                    double ms = 0;
                    for (const auto &p : std::as_const(pauses))
                        ms += p.second;
                    QMutexLocker lock(&m_mutex);
                    m_flowControlAtMs = now;
                    m_flowControlPausedMs = std::min(1000.0, ms);
                }
            }
        }
        if (latencyReader && sinceLatency.elapsed() >= LatencyPollMs) {
            sinceLatency.restart();
            QString error;
            if (const std::optional<StatementTiming> now = latencyReader->read(connection->database(), &error)) {
                const std::optional<double> mean = meanBetween(lastTiming, *now);
                if (mean || now->calls < lastTiming.calls) // an interval with enough calls, or counters reset
                    lastTiming = *now;
                if (mean) {
                    QMutexLocker lock(&m_mutex);
                    m_latency.meanMs = *mean;
                    if (m_latency.baselineMs <= 0)
                        m_latency.baselineMs = *mean;
                }
            }
        }
        QThread::msleep(watchWaits ? m_pollMs.load() : 50);
    }
}

} // namespace Stagecraft
