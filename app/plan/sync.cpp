#include "sync.h"

#include "planner.h"
#include "sql/sqlfragment.h"

namespace Stagecraft {

QString Sync::afterwards(const ColumnSpec &spec)
{
    switch (spec.defaultKind) {
    case ColumnSpec::DefaultKind::Literal: return QStringLiteral("the default '%1'").arg(spec.defaultValue);
    case ColumnSpec::DefaultKind::Expression: return QStringLiteral("the default %1").arg(spec.defaultValue);
    case ColumnSpec::DefaultKind::None: break;
    }
    return spec.nullable ? QStringLiteral("NULL") : QStringLiteral("nothing: NOT NULL makes such an INSERT fail");
}

QString Sync::staleWarning(const ColumnSpec &spec) const
{
    if (enabled || spec.backfill.isEmpty() || columnsRead.isEmpty())
        return {};
    return QStringLiteral("Nothing keeps %1 filled for writers that do not know it (%2)").arg(spec.name, reason.left(1).toLower() + reason.mid(1));
}

QString Sync::behaviour(const ColumnSpec &spec) const
{
    return QStringLiteral("Until the contract stage, a row inserted without %1 gets %2 computed from it, and an UPDATE that "
                          "changes %3 but not %1 computes it again; a writer that sets %1 keeps its value.")
        .arg(spec.name, expression, columnsRead.isEmpty() ? QStringLiteral("nothing it reads") : columnsRead.join(QLatin1String(", ")));
}

Sync Sync::decide(Engine engine, const ColumnSpec &spec, const TableDetails &table, const QString &unsupported)
{
    Sync s;
    s.expression = spec.backfill;
    QStringList columns;
    for (const ColumnInfo &c : table.columns)
        columns << c.name;
    if (!spec.backfill.isEmpty())
        s.columnsRead = SqlFragment::columnsRead(engine, spec.backfill, table.table.name, columns);
    const QString without = QStringLiteral("a row written without %1 gets %2").arg(spec.name, afterwards(spec));
    if (spec.backfill.isEmpty()) {
        s.reason = QStringLiteral("No backfill expression to compute: %1.").arg(without);
        return s;
    }
    QString cannot = unsupported;
    // A BEFORE trigger sees a generated column still NULL (PostgreSQL refuses it in WHEN): the
    // value would be computed from a NULL. SQLite's AFTER triggers see it computed.
    for (const QString &c : std::as_const(s.columnsRead)) {
        const ColumnInfo *info = table.column(c);
        if (cannot.isEmpty() && engine != Engine::SQLite && info && !info->generated.isEmpty())
            cannot = QStringLiteral("the backfill reads the generated column %1, which a BEFORE trigger sees only as NULL").arg(c);
    }
    if (!cannot.isEmpty()) {
        s.reason = QStringLiteral("Not possible here (%1): until the application writes %2 itself, %3.").arg(cannot, spec.name, without);
        return s;
    }
    if (spec.sync == false) {
        s.reason = QStringLiteral("Off in the spec: until the application writes %1 itself, %2%3.")
                       .arg(spec.name, without,
                            s.columnsRead.isEmpty() ? QString()
                                                    : QStringLiteral(", and one whose %1 changes keeps its old value").arg(s.columnsRead.join(QLatin1String(", "))));
        return s;
    }
    if (s.columnsRead.isEmpty() && spec.sync != true) {
        s.reason = QStringLiteral("The backfill reads no column of the row, so nothing goes stale: %1.").arg(without);
        return s;
    }
    s.enabled = true;
    s.insertTrigger = generatedName(engine, spec.table.name, spec.name, QStringLiteral("sync_insert"));
    if (!s.columnsRead.isEmpty())
        s.updateTrigger = generatedName(engine, spec.table.name, spec.name, QStringLiteral("sync_update"));
    s.reason = s.columnsRead.isEmpty()
        ? QStringLiteral("On in the spec: until the contract stage a row inserted without %1 gets %2.").arg(spec.name, spec.backfill)
        : QStringLiteral("The backfill reads %1: until the contract stage a row written without %2 gets %3 computed from it, "
                         "and an UPDATE of %1 computes it again; then %4.")
              .arg(s.columnsRead.join(QLatin1String(", ")), spec.name, spec.backfill, without);
    return s;
}

} // namespace Stagecraft
