#pragma once

#include "catalog/catalogtypes.h"
#include "backfill.h"
#include "columnspec.h"
#include "impact.h"
#include "runsettings.h"
#include "sync.h"
#include "connection/connectionprofile.h"

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace Stagecraft {

enum class Stage { Expand, Backfill, Enforce, Index, Contract, Verify };
[[nodiscard]] QString stageName(Stage stage);

// A lock a step takes: PostgreSQL modes as pg_locks writes them (AccessExclusiveLock), MySQL and
// MariaDB metadata locks and algorithms in words, SQLite's file locks.
struct LockClaim
{
    QString relation; // schema.table as the user names it
    QString mode;
    bool operator==(const LockClaim &) const = default;
};

// An object a step creates, by the very name its SQL gives it. The plan is the one place that
// says what a migration creates: validation walks these to find names already taken (the runner
// judges a step done by name alone, so a stranger of that name would count as done, or be
// dropped), and the reviewer reads them in the plan's "creates".
struct CreatedObject
{
    enum class Kind { Table, Index, CheckConstraint, NotNullConstraint, UniqueConstraint, ForeignKey, Trigger, Function };
    // Where the name must be unique, as the engine namespaces it: among one table's objects
    // (PostgreSQL's constraints, MySQL's indexes), one schema's (PostgreSQL's relations, MySQL's
    // foreign keys) or one database file's (SQLite: tables, indexes and triggers alike).
    enum class Scope { Table, Schema, Database };

    Kind kind = Kind::Index;
    QString name;
    Scope scope = Scope::Table;
    TableRef table; // the table it belongs to; its schema is the Schema and Database scopes' namespace
    QString field; // the spec field that asks for it ("check", "nullable", "index", ...), where problems go
    bool operator==(const CreatedObject &) const = default;
};
[[nodiscard]] QString createdKindName(CreatedObject::Kind kind); // "check constraint"
[[nodiscard]] QString createdScopeName(CreatedObject::Scope scope); // "table"

// One step of a staged migration, with everything a DBA needs to judge it.
struct PlanStep
{
    Stage stage = Stage::Expand;
    QString title;
    QStringList sql; // run in order, on one connection
    bool transactional = true; // false: must run outside a transaction block (CREATE INDEX CONCURRENTLY)
    QList<LockClaim> locks;
    bool blocksReads = false;
    bool blocksWrites = false;
    bool rewritesTable = false;
    bool scansTable = false;
    double estimatedSeconds = 0; // the whole step
    double lockHeldSeconds = 0; // how long its blocking lock is held; 0 when it blocks nothing
    QStringList rollbackSql; // undoes this step; empty when nothing needs undoing
    // A query answering one row, true when the step's effect is already in place: the runner asks it
    // first, so a retry after a failure (or a resume) never repeats a step. Empty: always run.
    QString appliedSql;
    // A query answering one number that must be 0 before the step may run (orphans before a foreign
    // key added without checking, duplicates before a unique index). Empty: no guard.
    QString guardSql;
    QString guardMessage; // what a non-zero guard means, for the user
    // One of sql that must answer no rows, such as SQLite's PRAGMA foreign_key_check, which reports
    // problems as rows instead of failing: a row fails the step before it commits, and its
    // transaction is rolled back. Empty: none.
    QString failIfRowsSql;
    QString failIfRowsMessage; // what a row means, for the user
    QString rule; // the planner rule that chose it, e.g. pg.add-column.fast-default
    QString why; // one line a DBA understands
    // What the step creates under a name Stagecraft gives it. Not what it makes again under an
    // existing name (the SQLite rebuild's copies of the table's indexes and triggers), nor the column.
    QList<CreatedObject> creates;

    // Run when the step fails or is cancelled (and before it runs again after an interruption or a
    // lock timeout): removes what its own statements added, such as a NOT VALID constraint whose
    // VALIDATE failed, so that a failed run never leaves the application's writes failing. Each
    // statement on its own, IF EXISTS. Empty: nothing to remove.
    QStringList onFailureSql;
    // Which writes of the application fail from this step on, in words ("INSERTs that omit
    // total_eur fail from here on"); shown in red. Empty: none.
    QString failingWrites;
    // A deploy gate: the run stops here, changing nothing, until the application is deployed; a
    // resume continues past it. Its id ("after-expand", "before-contract"); empty: not a gate.
    QString gate;
    // For a gate: a query answering how often the sync filled the column so far and how many rows
    // the applications wrote, as two counters (each NULL where the server cannot tell cheaply), so
    // that a waiting run can show whether writers still leave the column out. Empty: cannot tell.
    QString gateProbeSql;
    // What the step costs in disk space and what to do about it, in words (a backfill writes a new
    // version of every row: "orders grows from about 19 MiB to 38-57 MiB; VACUUM ..."). Empty: nothing
    // worth saying.
    QString space;

    // For a backfill step: how the runner fills the existing rows, batch by batch (sql holds its
    // statements as the plan shows them). Null for every other step.
    Backfill backfill;
};

// The staged migration for one new column, and the naive single statement beside it.
struct Plan
{
    Engine engine = Engine::SQLite;
    QString serverVersion; // as connected
    int targetVersion = 0; // the version planned for (versionNumber form)
    QString targetVersionText;
    TableRef table;
    qint64 estimatedRows = -1;
    qint64 totalBytes = -1;
    ColumnSpec spec;
    QList<PlanStep> steps;
    int pointOfNoReturn = -1; // index of the first step that cannot be rolled back; -1: every step can
    QStringList warnings;
    // What the reviewer weighs beside the warnings, for the plan's summary: where the staged plan
    // blocks writes longer than the single statement, and the space the backfill takes.
    QStringList notes;
    PlanStep naive; // what a developer would write by hand, with its own lock impact
    RunSettings settings; // what the plan was made with: its estimates, its session, the runner's batches and retries
    QStringList sessionSql; // what the runner sends on its connection before any step (the lock timeout)
    // Where the plan was made, for the review report's header and sign-off: the connection's host
    // and port (empty and 0 for SQLite) and database (the file for SQLite). Empty for a plan made
    // without a connection; not part of the fingerprint or the JSON.
    QString host;
    int port = 0;
    QString database;
    // The server's verdict on an expression default (PostgreSQL): "immutable", "stable" or "volatile";
    // empty where unknown. For the designer's badge; not part of the plan's JSON.
    QString defaultVolatility;

    // How the plan keeps the column filled for writers that do not know it.
    Sync sync;

    // Who uses the table and what the new column changes for them: read on the connection after
    // planning (ImpactReader); informs the review, not part of what runs or of the fingerprint.
    Impact impact;

    [[nodiscard]] double totalSeconds() const;
    // The rows a step works through, as estimated: the table's for a step that backfills, scans or
    // rewrites it (or whose estimate is more than a catalog change), 0 for a catalog change, a gate or
    // ANALYZE (which samples).
    [[nodiscard]] qint64 estimatedRowsOf(const PlanStep &step) const;
    [[nodiscard]] double secondsWritesBlocked() const;
    [[nodiscard]] double secondsReadsBlocked() const;
};

} // namespace Stagecraft

Q_DECLARE_METATYPE(Stagecraft::Plan)
