#pragma once

#include "columnspec.h"
#include "planner.h"

#include "connection/connectionerror.h"

#include <QSet>

namespace Stagecraft {

class DatabaseConnection;

// Checks a column spec against the live database before any plan is offered, and gathers what the
// planner needs. Every problem is reported at once, each naming its field. Expressions, literals
// and types are checked by the server itself, in a transaction that is rolled back (or on a
// temporary table): validation never changes the database. A user expression is never evaluated
// outside a READ ONLY transaction under a short statement timeout; what it calls is read from the
// catalog (ExpressionEffects), and a function with side effects is refused unless the spec accepts it.
class SpecValidator
{
public:
    explicit SpecValidator(DatabaseConnection &connection);

    // True when the spec has no problems; *input is then ready for Planner::plan, and *plan (when
    // given) is that plan: the one whose declared names were checked.
    [[nodiscard]] bool validate(const ColumnSpec &spec, PlannerInput *input, QList<SpecProblem> *problems, Plan *plan = nullptr);
    // Set when validate() failed because the server stopped answering: its problems are then one
    // problem of the field "connection", not of the spec.
    [[nodiscard]] const ConnectionError &connectionLost() const { return m_lost; }
    // What the spec's fields allow but a reviewer should hear (a CHECK that does not mention the new
    // column), each on its field. validate() adds them to the plan's warnings.
    [[nodiscard]] static QList<SpecProblem> warnings(Engine engine, const ColumnSpec &spec, const TableDetails &table);
    // A server message with the checks' own probe objects (stagecraft_probe ...) named as the user's
    // table, column or CHECK.
    [[nodiscard]] static QString userFacing(const QString &message, const ColumnSpec &spec);

private:
    // validate() without the check for a lost connection.
    [[nodiscard]] bool checkSpec(const ColumnSpec &spec, PlannerInput *input, QList<SpecProblem> *problems, Plan *plan);
    void checkName(const ColumnSpec &spec, const TableDetails &table, QList<SpecProblem> *problems) const;
    // Why the name is one of the engine's system columns (PostgreSQL's ctid, InnoDB's DB_ROW_ID,
    // SQLite's rowid where the table has one), or empty.
    [[nodiscard]] QString systemColumn(const QString &name, const TableDetails &table) const;
    void checkTypeParameters(const ColumnSpec &spec, QList<SpecProblem> *problems) const;
    // What PostgreSQL cannot do on a partitioned table without blocking writes: UNIQUE on the new
    // column alone, a foreign key before 18, an index on sub-partitions or foreign partitions.
    void checkPartitioned(const ColumnSpec &spec, const PlannerInput &input, QList<SpecProblem> *problems) const;
    // Whether a probe may evaluate a user expression on a row (a SELECT, a cast of a literal to a
    // domain) or only stores it (DDL on an empty temporary table).
    enum class Evaluation { StoresOnly, Evaluates };
    static constexpr int ProbeTimeoutMs = 2000;
    // Runs statements in a transaction that is always rolled back, under a short statement timeout;
    // one that evaluates runs READ ONLY. The first error's text, or empty.
    [[nodiscard]] QString tryRolledBack(const QStringList &statements, Evaluation evaluation = Evaluation::StoresOnly);
    // Functions with side effects outside the row in the default, backfill or CHECK: problems on
    // their field, or (accepted in the spec's side_effects) warnings in the plan.
    void checkSideEffects(const ColumnSpec &spec, const QSet<QString> &unsafe, PlannerInput *input, QList<SpecProblem> *problems);
    void checkOnServer(const ColumnSpec &spec, const QSet<QString> &unsafe, PlannerInput *input,
                       QList<SpecProblem> *problems);
    void checkForeignKey(const ColumnSpec &spec, PlannerInput *input, QList<SpecProblem> *problems);
    // MySQL and MariaDB with binary logging on: whether this user may create (and drop) the sync's triggers.
    void checkTriggerPrivilege(QList<SpecProblem> *problems);

    DatabaseConnection &m_connection;
    ConnectionError m_lost;
};

} // namespace Stagecraft
