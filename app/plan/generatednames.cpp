#include "generatednames.h"

#include "connection/databaseconnection.h"
#include "sql/quoting.h"

#include <QSqlError>
#include <QSqlQuery>

namespace Stagecraft {

namespace {

using Kind = CreatedObject::Kind;
using Scope = CreatedObject::Scope;

// Which of the engine's name lists an object's name goes in: PostgreSQL keeps indexes and tables
// in one list per schema (pg_class) and all constraints in one per table; MySQL and MariaDB keep
// indexes (UNIQUE constraints among them) per table and each kind of constraint apart; SQLite keeps
// one list per database file.
QString family(Engine e, Kind kind)
{
    if (e == Engine::SQLite)
        return QStringLiteral("objects");
    switch (kind) {
    case Kind::Table: return QStringLiteral("tables");
    case Kind::Index: return e == Engine::PostgreSQL ? QStringLiteral("tables") : QStringLiteral("indexes");
    case Kind::UniqueConstraint: return e == Engine::PostgreSQL ? QStringLiteral("constraints") : QStringLiteral("indexes");
    case Kind::CheckConstraint: return e == Engine::PostgreSQL ? QStringLiteral("constraints") : QStringLiteral("checks");
    case Kind::NotNullConstraint: return QStringLiteral("constraints");
    case Kind::ForeignKey: return e == Engine::PostgreSQL ? QStringLiteral("constraints") : QStringLiteral("foreign keys");
    case Kind::Trigger: return QStringLiteral("triggers");
    case Kind::Function: return QStringLiteral("functions");
    }
    return {};
}

// The namespace a name must be unique in, as one comparable key.
QString namespaceKey(Engine e, const CreatedObject &o)
{
    QStringList key{family(e, o.kind), createdScopeName(o.scope), o.table.schema};
    if (o.scope == Scope::Table)
        key << o.table.name;
    return key.join(QChar(0x1f));
}

// PostgreSQL compares quoted names exactly; MySQL, MariaDB and SQLite ignore case in these names.
QString comparable(Engine e, const QString &name)
{
    return e == Engine::PostgreSQL ? name : name.toCaseFolded();
}

// What Stagecraft creates under the name, as the user would call it.
QString describe(const CreatedObject &o, const Plan &plan)
{
    switch (o.kind) {
    case Kind::Index:
        if (o.table != plan.table)
            return QStringLiteral("index on partition %1").arg(o.table.name);
        return o.field == QLatin1String("unique") ? QStringLiteral("unique index")
            : o.field == QLatin1String("references") ? QStringLiteral("foreign key's index")
                                                     : QStringLiteral("index");
    case Kind::CheckConstraint:
        return o.field == QLatin1String("nullable") ? QStringLiteral("NOT NULL constraint") : QStringLiteral("CHECK constraint");
    case Kind::NotNullConstraint: return QStringLiteral("NOT NULL constraint");
    case Kind::UniqueConstraint: return QStringLiteral("unique constraint");
    case Kind::ForeignKey: return QStringLiteral("foreign key");
    case Kind::Trigger:
        return o.field == QLatin1String("default") ? QStringLiteral("default trigger")
            : o.field == QLatin1String("sync")     ? QStringLiteral("sync trigger")
                                                   : QStringLiteral("trigger");
    case Kind::Function: return o.field == QLatin1String("sync") ? QStringLiteral("sync function") : QStringLiteral("function");
    case Kind::Table: return o.field == QLatin1String("table") ? QStringLiteral("table for the rebuild") : QStringLiteral("table");
    }
    return {};
}

QString place(const CreatedObject &o)
{
    switch (o.scope) {
    case Scope::Table: return o.table.name;
    case Scope::Schema: return QStringLiteral("schema %1").arg(o.table.schema);
    case Scope::Database: return QStringLiteral("the database");
    }
    return {};
}

QString relationKind(const QString &relkind)
{
    switch (relkind.isEmpty() ? ' ' : relkind.at(0).toLatin1()) {
    case 'i':
    case 'I': return QStringLiteral("an index");
    case 'r':
    case 'p': return QStringLiteral("a table");
    case 'S': return QStringLiteral("a sequence");
    case 'v':
    case 'm': return QStringLiteral("a view");
    case 'f': return QStringLiteral("a foreign table");
    default: return QStringLiteral("a relation");
    }
}

// One query per place the engine keeps such a name, each answering one row (what holds the name)
// when it is taken; paired with the place it names in the message.
QList<std::pair<QString, QString>> lookups(Engine e, const CreatedObject &o)
{
    const QString name = quoteLiteral(e, o.name);
    const QString schema = quoteLiteral(e, o.table.schema);
    const QString tableName = quoteLiteral(e, o.table.name);
    const QString f = family(e, o.kind);
    const QString here = place(o);
    if (e == Engine::SQLite) // names compare without case in SQLite
        return {{QStringLiteral("SELECT CASE type WHEN 'index' THEN 'an index' ELSE 'a ' || type END "
                                "FROM %1.sqlite_schema WHERE name = %2 COLLATE NOCASE")
                     .arg(quoteIdentifier(e, o.table.schema), name),
                 here}};
    if (e == Engine::PostgreSQL) {
        const QString regclass = quoteLiteral(e, quoteQualified(e, o.table.schema, o.table.name));
        if (f == QLatin1String("tables"))
            return {{QStringLiteral("SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                    "WHERE n.nspname = %1 AND c.relname = %2").arg(schema, name),
                     here}};
        if (f == QLatin1String("triggers"))
            return {{QStringLiteral("SELECT 'a trigger' FROM pg_trigger WHERE tgrelid = %1::regclass AND tgname = %2").arg(regclass, name),
                     here}};
        if (f == QLatin1String("functions")) // any of that name: the sync's takes no arguments, but one name is clearer
            return {{QStringLiteral("SELECT 'a function' FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                                    "WHERE n.nspname = %1 AND p.proname = %2").arg(schema, name),
                     here}};
        return {{QStringLiteral("SELECT 'a constraint' FROM pg_constraint WHERE conrelid = %1::regclass AND conname = %2")
                     .arg(regclass, name),
                 here}};
    }
    if (f == QLatin1String("indexes"))
        return {{QStringLiteral("SELECT 'an index' FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = %1 AND TABLE_NAME = %2 "
                                "AND INDEX_NAME = %3").arg(schema, tableName, name),
                 here}};
    if (f == QLatin1String("tables"))
        return {{QStringLiteral("SELECT CONCAT('a ', LOWER(TABLE_TYPE)) FROM information_schema.TABLES WHERE TABLE_SCHEMA = %1 "
                                "AND TABLE_NAME = %2").arg(schema, name),
                 here}};
    if (f == QLatin1String("triggers"))
        return {{QStringLiteral("SELECT 'a trigger' FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = %1 AND TRIGGER_NAME = %2")
                     .arg(schema, name),
                 here}};
    // A constraint: among the table's own constraints of any kind, and where the engine keeps the
    // names of its kind unique per schema (MySQL's CHECKs, InnoDB's foreign keys), the schema's too.
    QList<std::pair<QString, QString>> queries{
        {QStringLiteral("SELECT CONCAT('a ', LOWER(CONSTRAINT_TYPE), ' constraint') FROM information_schema.TABLE_CONSTRAINTS "
                        "WHERE CONSTRAINT_SCHEMA = %1 AND TABLE_NAME = %2 AND CONSTRAINT_NAME = %3").arg(schema, tableName, name),
         o.table.name}};
    if (o.scope == Scope::Schema)
        queries << std::pair{QStringLiteral("SELECT CONCAT('a ', LOWER(CONSTRAINT_TYPE), ' constraint on ', TABLE_NAME) "
                                            "FROM information_schema.TABLE_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = %1 "
                                            "AND CONSTRAINT_NAME = %2 AND CONSTRAINT_TYPE = %3")
                                 .arg(schema, name, quoteLiteral(e, o.kind == Kind::ForeignKey ? QStringLiteral("FOREIGN KEY")
                                                                                                : QStringLiteral("CHECK"))),
                             here};
    return queries;
}

} // namespace

QList<SpecProblem> GeneratedNames::clashes(const Plan &plan)
{
    const Engine e = plan.engine;
    QList<SpecProblem> problems;
    QList<const CreatedObject *> seen;
    for (const PlanStep &step : plan.steps) {
        for (const CreatedObject &o : step.creates) {
            for (const CreatedObject *earlier : std::as_const(seen)) {
                if (namespaceKey(e, *earlier) == namespaceKey(e, o) && comparable(e, earlier->name) == comparable(e, o.name)) {
                    problems.append({o.field, QStringLiteral("Stagecraft would give the %1 and the %2 one name, %3, which %4 can hold "
                                                             "only once: name the column differently")
                                                  .arg(describe(*earlier, plan), describe(o, plan), o.name, place(o))});
                    break;
                }
            }
            seen << &o;
        }
    }
    return problems;
}

bool GeneratedNames::check(DatabaseConnection &connection, const Plan &plan, QList<SpecProblem> *problems)
{
    problems->append(clashes(plan));
    const Engine e = plan.engine;
    QSqlQuery q(connection.database());
    for (const PlanStep &step : plan.steps) {
        for (const CreatedObject &o : step.creates) {
            for (const auto &[sql, where] : lookups(e, o)) {
                if (!q.exec(sql)) {
                    problems->append({o.field, QStringLiteral("could not check whether the name %1 is free: %2")
                                                   .arg(o.name, q.lastError().text().section(QLatin1Char('\n'), 0, 0))});
                    return false;
                }
                if (!q.next())
                    continue;
                const QString existing = e == Engine::PostgreSQL && family(e, o.kind) == QLatin1String("tables")
                    ? relationKind(q.value(0).toString())
                    : q.value(0).toString();
                problems->append({o.field, QStringLiteral("Stagecraft names the %1 %2, but %3 already has %4 of that name, which is "
                                                          "not this column's: rename or drop it, or name the column differently")
                                               .arg(describe(o, plan), o.name, where, existing)});
                break; // one problem for each name
            }
        }
    }
    return true;
}

} // namespace Stagecraft
