#pragma once

// Internal to app/plan: what the PostgreSQL planner and its naive statement share. Not for other folders.

#include "planner.h"

namespace Stagecraft {

// schema.table as the user names it, for lock claims.
[[nodiscard]] QString postgresLabel(const TableRef &table);
// A lock on the table, and the same lock on each partition when it is partitioned: a statement on
// a partitioned table takes it on every partition too (seen in pg_locks), the partitions are where
// the rows are.
[[nodiscard]] QList<LockClaim> postgresLocksOnTable(const TableDetails &table, const QString &label, const QString &mode);
// The column's default as SQL: a literal quoted, an expression as written.
[[nodiscard]] QString postgresDefaultSql(const ColumnSpec &spec);

} // namespace Stagecraft
