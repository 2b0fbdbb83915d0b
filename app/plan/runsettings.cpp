#include "runsettings.h"

#include "costmodel.h"

#include "connection/sessionmodes.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>

namespace Stagecraft {

namespace {

bool isMySql(Engine engine)
{
    return engine == Engine::MySQL || engine == Engine::MariaDB;
}

} // namespace

bool RunSettings::lockTimeoutExact(Engine engine) const
{
    return !isMySql(engine) || (lockTimeoutMs > 0 && lockTimeoutMs % 1000 == 0);
}

QStringList RunSettings::sessionSql(Engine engine) const
{
    // First the modes the plan's SQL and the user's expressions are read in, then the timeouts.
    const QStringList modes = SessionModes::sql(engine);
    switch (engine) {
    case Engine::PostgreSQL: return modes + QStringList{QStringLiteral("SET lock_timeout = '%1ms'").arg(lockTimeoutMs)};
    case Engine::MySQL:
    case Engine::MariaDB:
        // READ COMMITTED: each backfill batch reads what is committed now. Under REPEATABLE READ an
        // UPDATE meeting a row the application changed since the snapshot fails with error 1020
        // ("Record has changed since last read", MariaDB's innodb_snapshot_isolation), and gap
        // locks would block the application's inserts between batches.
        return modes + QStringList{QStringLiteral("SET SESSION lock_wait_timeout = %1").arg(lockTimeoutSeconds()),
                                   QStringLiteral("SET SESSION innodb_lock_wait_timeout = %1").arg(lockTimeoutSeconds()),
                                   QStringLiteral("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")};
    case Engine::SQLite: return modes + QStringList{QStringLiteral("PRAGMA busy_timeout = %1").arg(lockTimeoutMs)};
    }
    return {};
}

QString RunSettings::lockTimeoutSql(Engine engine) const
{
    switch (engine) {
    case Engine::PostgreSQL: return QStringLiteral("SET lock_timeout = '%1ms'").arg(lockTimeoutMs);
    case Engine::MySQL:
    case Engine::MariaDB: return QStringLiteral("SET SESSION lock_wait_timeout = %1").arg(lockTimeoutSeconds());
    case Engine::SQLite: return {};
    }
    return {};
}

int RunSettings::boundedBatchRows(double rows) const
{
    const int lower = std::max(1, minBatchRows);
    return std::clamp(int(rows), lower, std::max(lower, maxBatchRows));
}

int RunSettings::fixedBatchRows() const
{
    return boundedBatchRows(CostModel::BackfillRowsPerSecond * batchTargetMs / 1000.0);
}

double RunSettings::backfillSeconds(Engine engine, qint64 rows) const
{
    const double batches = std::ceil(double(std::max<qint64>(0, rows)) / fixedBatchRows());
    return CostModel::backfill(engine, rows) + batches * pauseBetweenBatchesMs / 1000.0;
}

QJsonObject RunSettings::toJson() const
{
    return {{QStringLiteral("lock_timeout_ms"), lockTimeoutMs},
            {QStringLiteral("retries"), maxRetries},
            {QStringLiteral("retry_base_ms"), retryBaseMs},
            {QStringLiteral("batch_target_ms"), batchTargetMs},
            {QStringLiteral("min_batch_rows"), minBatchRows},
            {QStringLiteral("max_batch_rows"), maxBatchRows},
            {QStringLiteral("first_batch_rows"), firstBatchRows},
            {QStringLiteral("pause_between_batches_ms"), pauseBetweenBatchesMs},
            {QStringLiteral("max_writer_wait_ms"), maxWriterWaitMs},
            {QStringLiteral("max_replica_lag_ms"), maxReplicaLagMs},
            {QStringLiteral("replicas"), QJsonArray::fromStringList(replicas)},
            {QStringLiteral("max_latency_factor"), maxLatencyFactor},
            {QStringLiteral("max_slowdown_factor"), maxSlowdownFactor},
            {QStringLiteral("on_blockers"), blockerPolicyName(onBlockers)},
            {QStringLiteral("blocker_wait_seconds"), blockerWaitSeconds},
            {QStringLiteral("run_lock_wait_seconds"), runLockWaitSeconds}};
}

RunSettings RunSettings::fromJson(const QJsonObject &json)
{
    RunSettings s;
    const auto number = [&json](const char *key, int fallback) { return json.value(QLatin1String(key)).toInt(fallback); };
    s.lockTimeoutMs = number("lock_timeout_ms", s.lockTimeoutMs);
    s.maxRetries = number("retries", s.maxRetries);
    s.retryBaseMs = number("retry_base_ms", s.retryBaseMs);
    s.batchTargetMs = number("batch_target_ms", s.batchTargetMs);
    s.minBatchRows = number("min_batch_rows", s.minBatchRows);
    s.maxBatchRows = number("max_batch_rows", s.maxBatchRows);
    s.firstBatchRows = number("first_batch_rows", s.firstBatchRows);
    s.pauseBetweenBatchesMs = number("pause_between_batches_ms", s.pauseBetweenBatchesMs);
    // A plan made before the pacing existed ran without it: it resumes so.
    const bool paced = json.contains(QStringLiteral("max_writer_wait_ms")) || json.isEmpty();
    s.maxWriterWaitMs = paced ? number("max_writer_wait_ms", s.maxWriterWaitMs) : 0;
    s.maxReplicaLagMs = paced ? number("max_replica_lag_ms", s.maxReplicaLagMs) : 0;
    for (const QJsonValue &url : json.value(QStringLiteral("replicas")).toArray())
        s.replicas << url.toString();
    s.maxLatencyFactor = json.value(QStringLiteral("max_latency_factor")).toDouble(s.maxLatencyFactor);
    s.maxSlowdownFactor = json.value(QStringLiteral("max_slowdown_factor")).toDouble(s.maxSlowdownFactor); // off in older plans
    static_cast<void>(blockerPolicyFromName(json.value(QStringLiteral("on_blockers")).toString(), &s.onBlockers));
    s.blockerWaitSeconds = number("blocker_wait_seconds", s.blockerWaitSeconds);
    s.runLockWaitSeconds = number("run_lock_wait_seconds", s.runLockWaitSeconds);
    return s;
}

QString RunSettings::describe(Engine engine) const
{
    const QString timeout = lockTimeoutExact(engine) ? QStringLiteral("%1 ms").arg(lockTimeoutMs)
                                                     : QStringLiteral("%1 s (asked %2 ms; whole seconds here)").arg(lockTimeoutSeconds()).arg(lockTimeoutMs);
    QStringList pacing;
    pacing << (maxWriterWaitMs > 0 ? QStringLiteral("shorter while a writer waits over %1 ms").arg(maxWriterWaitMs)
                                   : QStringLiteral("not paced on writers' waits"));
    if (maxReplicaLagMs > 0)
        pacing << QStringLiteral("waiting while a replica is over %1 s behind").arg(maxReplicaLagMs / 1000.0);
    if (maxLatencyFactor > 0)
        pacing << QStringLiteral("shorter while the application's statements are over %1x slower").arg(maxLatencyFactor);
    const QString gate = maxSlowdownFactor > 0
        ? QStringLiteral(", stopping after the backfill when a statement ran over %1x slower during it").arg(maxSlowdownFactor)
        : QString();
    return QStringLiteral("lock timeout %1, %2 retries after it, backfill batches of %3 ms (%4-%5 rows, %6 first; %7), %8 ms between "
                          "batches, sessions holding the table: %9%10")
        .arg(timeout).arg(maxRetries).arg(batchTargetMs).arg(minBatchRows).arg(maxBatchRows).arg(firstBatchRows)
        .arg(pacing.join(QStringLiteral(", ")))
        .arg(pauseBetweenBatchesMs).arg(blockerPolicyName(onBlockers), gate);
}

QString blockerPolicyName(BlockerPolicy policy)
{
    switch (policy) {
    case BlockerPolicy::Proceed: return QStringLiteral("proceed");
    case BlockerPolicy::Wait: return QStringLiteral("wait");
    case BlockerPolicy::Stop: return QStringLiteral("stop");
    }
    return {};
}

bool blockerPolicyFromName(const QString &name, BlockerPolicy *policy)
{
    for (BlockerPolicy p : {BlockerPolicy::Proceed, BlockerPolicy::Wait, BlockerPolicy::Stop}) {
        if (blockerPolicyName(p) == name) {
            *policy = p;
            return true;
        }
    }
    return false;
}

} // namespace Stagecraft
