#pragma once

#include "planner.h"

namespace Stagecraft {

// The PostgreSQL rules (lock-impact.md, rules 6-12): fast defaults from 11, NOT NULL through a
// validated CHECK on 12-17 and NOT NULL NOT VALID on 18, constraints added NOT VALID and validated
// under SHARE UPDATE EXCLUSIVE, indexes built CONCURRENTLY, unique constraints attached USING INDEX.
class PostgresPlanner
{
public:
    explicit PostgresPlanner(const PlannerInput &input);
    [[nodiscard]] Plan plan();

private:
    void addColumn();
    void addSync();
    void backfill();
    void enforceCheck();
    void enforceForeignKey();
    void enforceNotNull();
    void buildIndexes();
    void buildPartitionedIndex(const QString &index);
    void verify();
    void dropSync();
    // The gates: after the expand stage when asked or needed, before the contract stage when a sync
    // ends there. After the steps are in stage order.
    void addGates();
    // A table published for logical replication: a gate before anything changes, until every
    // subscriber has the column; warnings for a column list and for UPDATEs without a replica identity.
    void addSubscriberGate();

    [[nodiscard]] PlanStep ddl(Stage stage, const QString &title, const QStringList &sql, const QString &lockMode) const;
    // `add` (a constraint added NOT VALID) followed by its VALIDATE in the same step, each statement
    // committed on its own: if VALIDATE fails or the step is cancelled, the runner drops the
    // constraint again (onFailureSql), so a failed run never leaves it checking the application's
    // writes. `guardSql` counts the rows that would fail it, asked first.
    [[nodiscard]] PlanStep thenValidate(PlanStep add, const QString &constraint, const QList<LockClaim> &validateLocks,
                                        const QString &validatedSql, const QString &guardSql, const QString &guardMessage) const;
    // What the NOT NULL steps make fail: nothing where a default or the sync fills the column.
    [[nodiscard]] QString notNullFailures() const;
    // A lock on the table, and on each partition when it is partitioned.
    [[nodiscard]] QList<LockClaim> onTable(const QString &mode) const;
    [[nodiscard]] static QString label(const TableRef &table);
    [[nodiscard]] QString defaultSql() const;
    [[nodiscard]] QString constraintExists(const QString &name) const;
    [[nodiscard]] QString name(const QString &suffix) const;

    const PlannerInput &m_in;
    const ColumnSpec &m_spec;
    Plan m_plan;
    QString m_table; // quoted, qualified
    QString m_tableLabel; // schema.table as the user names it, for lock claims
    QString m_column; // quoted
    // The sync's function (empty where there is none; its triggers are named in m_plan.sync).
    QString m_syncFunction;
    QString m_expandGateReason; // why the plan needs a gate after the expand stage; empty: only if asked
    bool m_volatileDefault = false;
    bool m_inlineDefault = false; // existing rows get the default from ADD COLUMN (PG11+ fast default)
    bool m_inlineNotNull = false;
};

} // namespace Stagecraft
