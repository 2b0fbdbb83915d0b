#include "verification.h"

#include "catalog/catalogreader.h"
#include "connection/databaseconnection.h"

#include "sql/quoting.h"

#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>

namespace Stagecraft {

using namespace Qt::StringLiterals;

// Whether an expression names the identifier (bare or quoted), not just contains its letters.
static bool mentions(const QString &expression, const QString &identifier)
{
    const QRegularExpression word(u"(?<![\\w$])[\"`\\[]?"_s + QRegularExpression::escape(identifier) + u"[\"`\\]]?(?![\\w$])"_s,
                                  QRegularExpression::CaseInsensitiveOption);
    return word.match(expression).hasMatch();
}

bool Verification::verify(DatabaseConnection &connection, const Plan &plan, QList<VerificationCheck> *checks,
                          ConnectionError *error)
{
    checks->clear();
    const ColumnSpec &spec = plan.spec;
    TableDetails details;
    if (!CatalogReader::create(connection)->describeTable(plan.table, &details, error))
        return false;
    const ColumnInfo *column = details.column(spec.name);
    if (!column) {
        checks->append({u"column %1 exists"_s.arg(spec.name), false, u"the table has no such column"_s});
        return true;
    }
    checks->append({u"column %1 exists (%2)"_s.arg(spec.name, column->type), true, {}});

    if (!spec.nullable)
        checks->append({u"%1 is NOT NULL"_s.arg(spec.name), !column->nullable,
                        column->nullable ? u"the column still accepts NULL"_s : QString()});
    // NOT NULL is read from the catalog: no scan of the table after the run. (A nullable column may
    // legitimately hold NULL in rows written since the backfill, so that is no broken promise.)

    const auto constraintOn = [&details, &spec](ConstraintKind kind) -> const ConstraintInfo * {
        for (const ConstraintInfo &c : details.constraints) {
            if (c.kind != kind)
                continue;
            // A CHECK names its columns only on some engines: fall back to its text, where the
            // column must appear as a whole identifier (a CHECK on "euros" is not one on "euro").
            if (c.columns.contains(spec.name) || (kind == ConstraintKind::Check && mentions(c.definition, spec.name)))
                return &c;
        }
        return nullptr;
    };
    const auto indexOn = [&details, &spec](bool unique) -> const IndexInfo * {
        for (const IndexInfo &i : details.indexes)
            if (i.columns == QStringList{spec.name} && (!unique || i.unique) && !i.primary)
                return &i;
        return nullptr;
    };
    const auto constraintCheck = [checks](const QString &what, const ConstraintInfo *c) {
        if (!c)
            checks->append({what, false, u"not found on the table"_s});
        else if (!c->validated)
            checks->append({what, false, u"%1 is still NOT VALID"_s.arg(c->name)});
        else
            checks->append({what, true, {}});
    };
    const auto indexCheck = [checks](const QString &what, const IndexInfo *i) {
        if (!i)
            checks->append({what, false, u"no such index on the table"_s});
        else if (!i->valid)
            checks->append({what, false, u"%1 is INVALID (a failed concurrent build)"_s.arg(i->name)});
        else
            checks->append({what, true, {}});
    };
    if (!spec.check.isEmpty())
        constraintCheck(u"CHECK (%1) in place and validated"_s.arg(spec.check), constraintOn(ConstraintKind::Check));
    if (spec.hasForeignKey())
        constraintCheck(u"foreign key to %1.%2 in place and validated"_s.arg(spec.referencedTable.name, spec.referencedColumn),
                        constraintOn(ConstraintKind::ForeignKey));
    if (spec.unique) {
        const IndexInfo *unique = indexOn(true);
        const ConstraintInfo *constraint = constraintOn(ConstraintKind::Unique);
        if (!unique && constraint) // engines that list the constraint without its index
            constraintCheck(u"UNIQUE on %1 enforced"_s.arg(spec.name), constraint);
        else
            indexCheck(u"UNIQUE on %1 enforced"_s.arg(spec.name), unique);
    }
    if (spec.index)
        indexCheck(u"index on %1 valid"_s.arg(spec.name), indexOn(false));
    // The plan ends with ANALYZE on PostgreSQL: the new column has statistics (an empty table has none to have).
    const bool analyzes = std::any_of(plan.steps.cbegin(), plan.steps.cend(), [](const PlanStep &s) { return s.rule == "pg.verify.analyze"_L1; });
    if (analyzes && connection.engine() == Engine::PostgreSQL) {
        QSqlQuery q(connection.database());
        q.prepare(u"SELECT EXISTS (SELECT 1 FROM pg_stats WHERE schemaname = ? AND tablename = ? AND attname = ?) "
                  u"OR NOT EXISTS (SELECT 1 FROM %1 LIMIT 1)"_s.arg(quoteQualified(Engine::PostgreSQL, plan.table.schema, plan.table.name)));
        q.addBindValue(plan.table.schema);
        q.addBindValue(plan.table.name);
        q.addBindValue(spec.name);
        if (!q.exec() || !q.next()) {
            *error = ConnectionError::fromQueryFailure(u"reading the column's statistics"_s, q.lastError());
            return false;
        }
        checks->append({u"statistics for %1 refreshed"_s.arg(spec.name), q.value(0).toBool(),
                        q.value(0).toBool() ? QString() : u"pg_stats has none: run ANALYZE on the table"_s});
    }
    return true;
}

QString Verification::format(const QList<VerificationCheck> &checks)
{
    QStringList lines;
    for (const VerificationCheck &c : checks)
        lines << (c.ok ? u"✓ %1"_s.arg(c.what) : u"✗ %1: %2"_s.arg(c.what, c.detail));
    return lines.join(QLatin1Char('\n'));
}

} // namespace Stagecraft
