#pragma once

#include "planner.h"

namespace Stagecraft {

// The SQLite rules (lock-impact.md, rule 17): ADD COLUMN when every one of its restrictions holds,
// UNIQUE through an index afterwards, an expression default through a nullable column, a trigger
// for new rows and a backfill; anything else through the 12-step table rebuild, whose CREATE TABLE
// gives the column its DEFAULT, a constant expression too (a NOT NULL column cannot have a trigger
// stand in for it: the INSERT fails before the trigger runs).
class SqlitePlanner
{
public:
    explicit SqlitePlanner(const PlannerInput &input);
    [[nodiscard]] Plan plan();

private:
    // The new column as CREATE TABLE or ADD COLUMN says it; an expression default only where asked
    // (the rebuild's CREATE TABLE), as ADD COLUMN refuses every one.
    [[nodiscard]] QString columnDefinition(bool withConstraints, bool expressionDefault = false) const;
    [[nodiscard]] PlanStep step(Stage stage, const QString &title, const QStringList &sql) const;
    // The name that reaches the rowid (rowid, _rowid_ or oid, whichever no column has taken);
    // empty when there is none.
    [[nodiscard]] QString rowidName() const;
    // The columns that find one row: the rowid, or else (a WITHOUT ROWID table) the primary key.
    [[nodiscard]] QStringList rowKey() const;
    // The 12-step rebuild. In the expand stage it adds the column, each row getting `value`; in the
    // contract stage (`contract`, a NOT NULL column added nullable for the sync's time) it makes the
    // column NOT NULL, keeping each row's value, and ends the sync (its triggers go with the old
    // table), making again `extraSql` (the new column's index) with the table's own.
    void rebuild(bool contract = false, const QStringList &extraSql = {});
    // The rebuild's step; a step without SQL, and *unreadable saying why, where the table's CREATE
    // TABLE cannot be read.
    [[nodiscard]] PlanStep rebuildStep(bool contract, const QStringList &extraSql, QString *unreadable) const;
    void backfill();
    // Which row a trigger's NEW is: rowid = NEW.rowid, or the primary key's columns.
    [[nodiscard]] QString sameRow() const;
    // The triggers keeping the column filled for writers that do not know it (Plan::sync).
    void addSync();
    // The contract step that drops them (where no rebuild does) and gives new rows the default.
    void dropSync(const PlanStep &defaultTrigger);
    // The trigger giving new rows an expression default (or a literal one ADD COLUMN cannot set).
    [[nodiscard]] PlanStep defaultTrigger() const;
    // The index step, or a null step (no SQL) when the column gets none.
    [[nodiscard]] PlanStep indexStep() const;
    void addGates();
    void naive(const QString &refusal);

    const PlannerInput &m_in;
    const ColumnSpec &m_spec;
    Plan m_plan;
    QString m_table;
    QString m_column;
    bool m_lateNotNull = false; // added nullable for the sync's time, made NOT NULL by the rebuild that ends it
};

} // namespace Stagecraft
