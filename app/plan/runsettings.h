#pragma once

#include "connection/connectionprofile.h"

#include <QJsonObject>
#include <QStringList>

#include <algorithm>

namespace Stagecraft {

// What to do when the pre-flight finds sessions that would make a step wait.
enum class BlockerPolicy { Proceed, Wait, Stop };

// How a plan runs: the one home of every run knob. The planner reads it for its estimates and
// for the session statements it puts in the plan, the exports for their lock timeout and batch
// size, the runner for its retries and batches; Preferences and the command line only set it, and
// the plan carries the settings it was made with (JSON, SQL header, report).
struct RunSettings
{
    int lockTimeoutMs = 2000; // no DDL waits in the lock queue longer than this
    int maxRetries = 8; // per step, after a lock timeout
    int retryBaseMs = 500; // backoff: base * 2^attempt, with jitter, at most 30 s
    int batchTargetMs = 200; // the backfill steers its batch size to this batch time
    int minBatchRows = 100;
    int maxBatchRows = 50000;
    int firstBatchRows = 1000;
    int pauseBetweenBatchesMs = 0; // throttle
    // Pacing on the live workload (a monitor connection watches during every batch): the batch
    // shrinks at once when a session waited longer than this on the backfill's row locks, and grows
    // slowly back toward batchTargetMs while nobody waits. 0: not watched.
    int maxWriterWaitMs = 20;
    // The run waits between batches while a replica's replay is further behind than this. 0: not watched.
    int maxReplicaLagMs = 1000;
    // MySQL/MariaDB replicas to watch besides those the primary reports (URLs without password:
    // the run's password is used); PostgreSQL's are read from the primary.
    QStringList replicas;
    // The batch shrinks when the application's mean statement time on the table (as the server
    // times it: pg_stat_statements, performance_schema) rises above this factor of its mean before
    // the backfill. 0: not watched.
    double maxLatencyFactor = 0;
    // A gate before the enforce stage (or the index stage without one): the run stops there, changing
    // nothing more, when an application statement's mean time during the backfill was more than this
    // factor of its mean before the run (as the server times it; StageTimings). 0: off.
    double maxSlowdownFactor = 0;
    BlockerPolicy onBlockers = BlockerPolicy::Proceed; // proceed: the lock timeout and retries protect traffic
    int blockerWaitSeconds = 300; // with Wait: give up after this long
    // A killed runner's statement goes on on the server, holding the run lock, until it ends: a
    // resume waits for it this long at most (another live runner is refused at once).
    int runLockWaitSeconds = 300;

    bool operator==(const RunSettings &) const = default;

    // The lock timeout as the engine takes it: MySQL and MariaDB count whole seconds, so a timeout
    // that is not one is rounded up (never shorter than asked), at least 1 s.
    [[nodiscard]] int lockTimeoutSeconds() const { return std::max(1, (lockTimeoutMs + 999) / 1000); }
    // Whether the engine honours the lock timeout exactly as set (false: rounded up to seconds).
    [[nodiscard]] bool lockTimeoutExact(Engine engine) const;
    // What the runner sends on its connection before any step, as the plan shows it: the session
    // modes (SessionModes: standard_conforming_strings, MySQL/MariaDB's sql_mode), the lock
    // timeout (PostgreSQL lock_timeout, MySQL/MariaDB lock_wait_timeout and
    // innodb_lock_wait_timeout, SQLite busy_timeout) and, on MySQL/MariaDB, READ COMMITTED.
    [[nodiscard]] QStringList sessionSql(Engine engine) const;
    // The statement that bounds one schema change's wait for its lock outside Stagecraft (exports).
    [[nodiscard]] QString lockTimeoutSql(Engine engine) const;
    // rows within the batch bounds (minBatchRows..maxBatchRows, the upper one never below the lower).
    [[nodiscard]] int boundedBatchRows(double rows) const;
    // Rows per batch where the batch size cannot be steered (the exports' loops): what the cost
    // model says one batch time fills, within the batch bounds.
    [[nodiscard]] int fixedBatchRows() const;
    // Seconds a backfill of rows takes, pauses between batches included.
    [[nodiscard]] double backfillSeconds(Engine engine, qint64 rows) const;

    [[nodiscard]] QJsonObject toJson() const;
    // Missing keys keep their defaults (plans journaled before the settings were recorded).
    [[nodiscard]] static RunSettings fromJson(const QJsonObject &json);
    // One line for headers and reports: "lock timeout 2000 ms, 8 retries, batches of 200 ms, ...".
    [[nodiscard]] QString describe(Engine engine) const;
};

[[nodiscard]] QString blockerPolicyName(BlockerPolicy policy);
[[nodiscard]] bool blockerPolicyFromName(const QString &name, BlockerPolicy *policy);

} // namespace Stagecraft
