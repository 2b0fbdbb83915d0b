#pragma once

#include "planner.h"

namespace Stagecraft {

// What a developer would write by hand on PostgreSQL, one ALTER TABLE (and the UPDATE, the ALTER
// TABLE that constrains the filled column and the CREATE INDEX that go with it, in one
// transaction), with the locks pg_locks shows for it, for the plan review to compare.
class PostgresNaive
{
public:
    // volatileDefault: the server judged the default volatile (it rewrites the table on any version).
    PostgresNaive(const PlannerInput &input, bool volatileDefault);
    [[nodiscard]] PlanStep statement() const;

private:
    [[nodiscard]] QString sql() const;
    // After the UPDATE: the column's constraints in one ALTER TABLE; empty when it has none.
    [[nodiscard]] QString constraints() const;

    const PlannerInput &m_in;
    const ColumnSpec &m_spec;
    bool m_volatileDefault;
    QString m_table; // quoted, qualified
    QString m_tableLabel;
    QString m_column; // quoted
};

} // namespace Stagecraft
