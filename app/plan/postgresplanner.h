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
    void backfill();
    void enforceCheck();
    void enforceForeignKey();
    void enforceNotNull();
    void buildIndexes();
    void buildPartitionedIndex(const QString &index);
    void verify();

    [[nodiscard]] PlanStep ddl(Stage stage, const QString &title, const QStringList &sql, const QString &lockMode) const;
    // The VALIDATE CONSTRAINT step every NOT VALID constraint is followed by.
    [[nodiscard]] PlanStep validate(const QString &title, const QString &constraint, const QString &appliedSql,
                                    const QString &rule, const QString &why) const;
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
    bool m_volatileDefault = false;
    bool m_inlineDefault = false; // existing rows get the default from ADD COLUMN (PG11+ fast default)
    bool m_inlineNotNull = false;
};

} // namespace Stagecraft
