#pragma once

#include "planner.h"

namespace Stagecraft {

// The MySQL and MariaDB rules (lock-impact.md, rules 13-16): an explicit ALGORITHM on every ALTER so
// the server errors instead of silently copying the table; INSTANT when this version, position,
// row format and row-version count allow it; otherwise INPLACE (MariaDB: NOCOPY) with LOCK=NONE.
// The claims are proved on Oracle MySQL 9.7 and MariaDB 11.8 by tests/testmysqlclaims.cpp; the
// comments say what a real server contradicted, and which rules rest on the documentation alone.
class MySqlPlanner
{
public:
    explicit MySqlPlanner(const PlannerInput &input);
    [[nodiscard]] Plan plan();

private:
    [[nodiscard]] bool instantAddAllowed(QString *why) const;
    [[nodiscard]] static bool instantAddCorruptionBug(int version);
    [[nodiscard]] QString columnDefinition(bool withNotNull, bool withDefault) const;
    [[nodiscard]] QString literal() const;
    [[nodiscard]] PlanStep alter(Stage stage, const QString &title, const QString &clause, const QString &algorithm,
                                 bool lockNone) const;
    // Makes *step the rebuild a table with a FULLTEXT index needs for clause (MySQL: a copy with
    // LOCK=SHARED; MariaDB: in place with LOCK=SHARED, or an online copy from 11.2), with its lock
    // claims; operation names the rule. True when writes wait for the whole rebuild.
    [[nodiscard]] bool fulltextRebuild(PlanStep *step, const QString &clause, const QString &operation) const;
    void backfill();
    // The sync (issue 13): BEFORE INSERT and BEFORE UPDATE triggers in the expand stage, dropped in
    // the contract stage, where the spec's default is set.
    void addSync();
    void dropSync();
    // Make the column NOT NULL (with its default unless the sync is still on), in `stage`.
    void makeNotNull(Stage stage, bool withDefault);
    // Deploy gates, after the steps are sorted into stages.
    void addGates();
    // The default as a column definition writes it: DEFAULT 'x' or DEFAULT (expression); empty: none.
    [[nodiscard]] QString defaultClause() const;
    [[nodiscard]] QString triggerName(const QString &name) const;
    void naive();

    const PlannerInput &m_in;
    const ColumnSpec &m_spec;
    Plan m_plan;
    Engine m_engine;
    QString m_table;
    QString m_tableLabel;
    QString m_column;
    QString m_expandGateReason; // why the run must wait after the expand stage; empty: only if the spec asks
};

} // namespace Stagecraft
