#include "verification.h"

#include "catalog/catalogreader.h"
#include "connection/databaseconnection.h"

#include "sql/quoting.h"
#include "sql/sqlfragment.h"

#include <QRegularExpression>
#include <QSqlDatabase>
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

namespace {

const QString Probe = u"stagecraft_verify"_s;

// The DEFAULT clause as the plans write it: a literal quoted, an expression in parentheses (which
// every engine takes, and SQLite and MySQL require).
QString defaultClause(Engine engine, const ColumnSpec &spec)
{
    if (spec.defaultKind == ColumnSpec::DefaultKind::Literal)
        return u" DEFAULT "_s + quoteLiteral(engine, spec.defaultValue);
    if (spec.defaultKind == ColumnSpec::DefaultKind::Expression)
        return u" DEFAULT (%1)"_s.arg(spec.defaultValue);
    return {};
}

// The DEFAULT clause of a column's line in MySQL's SHOW CREATE TABLE (`x` type ... DEFAULT <value>
// ...), as written there: a quoted literal, an expression in parentheses, or a word such as
// CURRENT_TIMESTAMP(6). A null QVariant where the line has none or says DEFAULT NULL.
QVariant mysqlDefaultClause(const QString &createTable, const QString &quotedColumn)
{
    for (const QString &line : createTable.split(u'\n')) {
        const QString definition = line.trimmed();
        if (!definition.startsWith(quotedColumn + u' ', Qt::CaseInsensitive))
            continue;
        // Outside quotes and parentheses (an ENUM's values, a COLLATE name), the word DEFAULT; its
        // value runs up to the first space or comma outside them.
        const qsizetype keyword = SqlFragment::findOutside(Engine::MySQL, definition, quotedColumn.size(), [&](qsizetype i) {
            return definition.mid(i, 9).compare(u" DEFAULT "_s, Qt::CaseInsensitive) == 0;
        });
        if (keyword < 0)
            return {};
        const qsizetype start = keyword + 9;
        qsizetype end = SqlFragment::findOutside(Engine::MySQL, definition, start, [&](qsizetype i) {
            return definition.at(i) == u' ' || definition.at(i) == u',';
        });
        if (end < 0)
            end = definition.size();
        const QString value = definition.mid(start, end - start);
        return value.compare(u"NULL"_s, Qt::CaseInsensitive) == 0 ? QVariant() : QVariant(value);
    }
    return {};
}

// A column's default as the server itself writes it back (a null QVariant: none), read from a
// table of the database (schema, name) or, with an empty schema, from the temporary table Probe.
bool readDefault(QSqlDatabase db, Engine engine, const TableRef &table, const QString &column, QVariant *value, QSqlError *error)
{
    QSqlQuery q(db);
    bool ok = false;
    *value = QVariant();
    if (engine == Engine::PostgreSQL) {
        q.prepare(u"SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a LEFT JOIN pg_attrdef d "
                  u"ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE a.attrelid = ?::regclass AND a.attname = ?"_s);
        q.addBindValue(table.schema.isEmpty() ? u"pg_temp."_s + quoteIdentifier(engine, table.name)
                                              : quoteQualified(engine, table.schema, table.name));
        q.addBindValue(column);
        ok = q.exec();
        if (ok && q.next())
            *value = q.value(0);
    } else if (engine == Engine::SQLite) {
        q.prepare(u"SELECT dflt_value FROM pragma_table_xinfo(?, ?) WHERE name = ? COLLATE NOCASE"_s);
        q.addBindValue(table.name);
        q.addBindValue(table.schema.isEmpty() ? u"temp"_s : table.schema);
        q.addBindValue(column);
        ok = q.exec();
        if (ok && q.next())
            *value = q.value(0);
    } else if (engine == Engine::MySQL) {
        // Oracle MySQL's SHOW COLUMNS writes an expression default of a temporary table otherwise
        // than a table's ("(uuid())" against "uuid()", "(_utf8mb4'x')" against "_utf8mb4\\'x\\'",
        // seen on 9.7), and its information_schema lists no temporary table; SHOW CREATE TABLE
        // writes both the same.
        const QString name = table.schema.isEmpty() ? quoteIdentifier(engine, table.name) : quoteQualified(engine, table.schema, table.name);
        ok = q.exec(u"SHOW CREATE TABLE "_s + name);
        if (ok && q.next())
            *value = mysqlDefaultClause(q.value(1).toString(), quoteIdentifier(engine, column));
    } else {
        // SHOW COLUMNS, not information_schema: it also lists temporary tables.
        ok = q.exec(u"SHOW COLUMNS FROM "_s + (table.schema.isEmpty() ? quoteIdentifier(engine, table.name)
                                                                       : quoteQualified(engine, table.schema, table.name)));
        while (ok && q.next()) {
            if (q.value(0).toString().compare(column, Qt::CaseInsensitive) == 0) {
                *value = q.value(4);
                break;
            }
        }
    }
    if (!ok)
        *error = q.lastError();
    return ok;
}

// The spec's default as the server writes it back: the same DEFAULT on a column of the same type
// in an empty temporary table, read the same way as the real column. So '0'::smallint, now(),
// uuid() or datetime('now') compare as the server spells them, never as the spec does. The table
// is rolled back (PostgreSQL, SQLite) or dropped (MySQL and MariaDB commit DDL, but not on
// temporary tables).
bool expectedDefault(DatabaseConnection &connection, const ColumnSpec &spec, QVariant *value, QSqlError *error)
{
    QSqlDatabase db = connection.database();
    const Engine e = connection.engine();
    const bool transactional = e == Engine::PostgreSQL || e == Engine::SQLite;
    if (transactional && !db.transaction()) {
        *error = db.lastError();
        return false;
    }
    bool ok;
    {
        QSqlQuery q(db);
        ok = q.exec(u"CREATE TEMPORARY TABLE %1 (x %2%3)"_s.arg(quoteIdentifier(e, Probe), spec.type, defaultClause(e, spec)));
        if (!ok)
            *error = q.lastError();
        ok = ok && readDefault(db, e, {QString(), Probe}, u"x"_s, value, error);
        if (!transactional)
            static_cast<void>(q.exec(u"DROP TEMPORARY TABLE IF EXISTS %1"_s.arg(quoteIdentifier(e, Probe))));
    }
    if (transactional)
        db.rollback();
    return ok;
}

} // namespace

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
    if (!verifyDefault(connection, plan, *column, checks, error))
        return false;
    if (!verifySyncGone(connection, plan, checks, error))
        return false;
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

bool Verification::verifySyncGone(DatabaseConnection &connection, const Plan &plan, QList<VerificationCheck> *checks,
                                  ConnectionError *error)
{
    // What the plan's steps say they create for the sync, by name: all gone once the run is done.
    const Engine e = connection.engine();
    QStringList left;
    bool any = false;
    for (const PlanStep &step : plan.steps) {
        for (const CreatedObject &o : step.creates) {
            if (o.field != "sync"_L1)
                continue;
            any = true;
            QSqlQuery q(connection.database());
            if (o.kind == CreatedObject::Kind::Function) // PostgreSQL
                q.prepare(u"SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ? AND p.proname = ?"_s);
            else if (e == Engine::PostgreSQL)
                q.prepare(u"SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass(?) AND tgname = ?"_s);
            else if (e == Engine::SQLite)
                q.prepare(u"SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND ? IS NOT NULL AND name = ?"_s);
            else
                q.prepare(u"SELECT count(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? AND TRIGGER_NAME = ?"_s);
            q.addBindValue(o.kind == CreatedObject::Kind::Function || e != Engine::PostgreSQL ? o.table.schema
                                                                                                : quoteQualified(e, o.table.schema, o.table.name));
            q.addBindValue(o.name);
            if (!q.exec() || !q.next()) {
                *error = ConnectionError::fromQueryFailure(u"looking for the sync's triggers"_s, q.lastError());
                return false;
            }
            if (q.value(0).toLongLong() > 0)
                left << o.name;
        }
    }
    if (any)
        checks->append({u"the sync is gone: the application writes %1 itself"_s.arg(plan.spec.name), left.isEmpty(),
                        left.isEmpty() ? QString() : u"still there: %1"_s.arg(left.join(u", "_s))});
    return true;
}

bool Verification::verifyDefault(DatabaseConnection &connection, const Plan &plan, const ColumnInfo &column,
                                 QList<VerificationCheck> *checks, ConnectionError *error)
{
    const ColumnSpec &spec = plan.spec;
    // Where the column cannot keep its default (SQLite's ADD COLUMN), a trigger gives new rows the
    // value: the trigger is what must be there, by the name the step that makes it declares (its
    // own step, or the one ending the sync, where it takes over).
    for (const PlanStep &step : plan.steps) {
        for (const CreatedObject &o : step.creates) {
            if (o.kind != CreatedObject::Kind::Trigger || o.field != "default"_L1 || connection.engine() != Engine::SQLite)
                continue;
            QSqlQuery q(connection.database());
            q.prepare(u"SELECT COUNT(*) > 0 FROM sqlite_schema WHERE type = 'trigger' AND name = ?"_s);
            q.addBindValue(o.name);
            if (!q.exec() || !q.next()) {
                *error = ConnectionError::fromQueryFailure(u"looking for the default's trigger"_s, q.lastError());
                return false;
            }
            checks->append({u"a trigger gives new rows of %1 its default"_s.arg(spec.name), q.value(0).toBool(),
                            q.value(0).toBool() ? QString() : u"the trigger is not there: new rows get NULL"_s});
            return true;
        }
    }
    // Nothing to say about a column that was to have no default and has none.
    if (spec.defaultKind == ColumnSpec::DefaultKind::None && column.defaultExpression.isEmpty())
        return true;
    const Engine e = connection.engine();
    QVariant expected, actual;
    QSqlError failure;
    if (!readDefault(connection.database(), e, plan.table, spec.name, &actual, &failure)) {
        *error = ConnectionError::fromQueryFailure(u"reading the column's default"_s, failure);
        return false;
    }
    QString what = u"%1 has no default"_s.arg(spec.name);
    if (spec.defaultKind == ColumnSpec::DefaultKind::Literal)
        what = u"%1 defaults to %2"_s.arg(spec.name, quoteLiteral(e, spec.defaultValue));
    else if (spec.defaultKind == ColumnSpec::DefaultKind::Expression)
        what = u"%1 defaults to %2"_s.arg(spec.name, spec.defaultValue);
    if (spec.defaultKind != ColumnSpec::DefaultKind::None && !expectedDefault(connection, spec, &expected, &failure)) {
        // Without a temporary table (a user without the privilege) the server cannot be asked how it
        // writes the default back: said so, as nothing was verified.
        checks->append({what, false, u"not verified: %1"_s.arg(failure.text())});
        return true;
    }
    const bool same = actual.isNull() == expected.isNull() && actual.toString() == expected.toString();
    checks->append({what, same,
                    same ? QString()
                         : actual.isNull() ? u"the column has no default: a row inserted without it gets NULL"_s
                                           : u"the column defaults to %1"_s.arg(actual.toString())});
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
