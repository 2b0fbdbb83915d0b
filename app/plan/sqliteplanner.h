#pragma once

#include "planner.h"

namespace Stagecraft {

// The SQLite rules (lock-impact.md, rule 17): ADD COLUMN when every one of its restrictions holds,
// UNIQUE through an index afterwards, an expression default through a nullable column, a trigger
// for new rows and a backfill; anything else through the 12-step table rebuild.
class SqlitePlanner
{
public:
    explicit SqlitePlanner(const PlannerInput &input);
    [[nodiscard]] Plan plan();

private:
    [[nodiscard]] QString columnDefinition(bool withConstraints) const;
    [[nodiscard]] PlanStep step(Stage stage, const QString &title, const QStringList &sql) const;
    // The name that reaches the rowid (rowid, _rowid_ or oid, whichever no column has taken);
    // empty when there is none.
    [[nodiscard]] QString rowidName() const;
    // The columns that find one row: the rowid, or else (a WITHOUT ROWID table) the primary key.
    [[nodiscard]] QStringList rowKey() const;
    void rebuild();
    void backfill();
    void indexes();
    void naive(const QString &refusal);

    const PlannerInput &m_in;
    const ColumnSpec &m_spec;
    Plan m_plan;
    QString m_table;
    QString m_column;
};

} // namespace Stagecraft
