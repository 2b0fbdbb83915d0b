#include "generatednames.h"

#include "connection/databaseconnection.h"
#include "sql/quoting.h"

#include <QSqlError>
#include <QSqlQuery>

namespace Stagecraft {

namespace {

// One name a plan for this spec may create, and where it must be unique.
struct Wanted
{
    enum class Scope { TableConstraint, SchemaRelation, TableIndex, SchemaForeignKey, SchemaCheck, DatabaseObject };
    Scope scope;
    QString field; // the spec field that makes Stagecraft create it
    QString what; // what Stagecraft creates under that name
    QString name;
    TableRef where; // the table (or, for a partition's index, the partition) it belongs to
};

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

QList<Wanted> wantedNames(const PlannerInput &input)
{
    using S = Wanted::Scope;
    const ColumnSpec &spec = input.spec;
    const Engine e = input.server.engine;
    const TableRef &table = spec.table;
    auto generated = [&](const QString &suffix) { return generatedName(e, table.name, spec.name, suffix); };
    QList<Wanted> wanted;
    const bool indexed = spec.unique || spec.index || spec.hasForeignKey();
    const QString indexField = spec.unique ? QStringLiteral("unique") : spec.index ? QStringLiteral("index") : QStringLiteral("references");
    const QString indexWhat = spec.unique ? QStringLiteral("unique index") : spec.index ? QStringLiteral("index")
                                                                                       : QStringLiteral("foreign key's index");
    const QString index = generated(spec.unique ? QStringLiteral("key") : QStringLiteral("idx"));
    if (e == Engine::PostgreSQL) {
        // Constraint names are unique per table; index names per schema, among all relations.
        if (!spec.check.isEmpty())
            wanted << Wanted{S::TableConstraint, QStringLiteral("check"), QStringLiteral("CHECK constraint"),
                             generated(QStringLiteral("check")), table};
        if (spec.hasForeignKey())
            wanted << Wanted{S::TableConstraint, QStringLiteral("references"), QStringLiteral("foreign key"),
                             generated(QStringLiteral("fkey")), table};
        // The helper NOT NULL constraint, unless the column is added NOT NULL at once (as PostgresPlanner
        // decides: a default the server keeps in the catalog, PostgreSQL 11+, no backfill).
        const bool fastDefault = spec.defaultKind == ColumnSpec::DefaultKind::Literal
            || (spec.defaultKind == ColumnSpec::DefaultKind::Expression && !input.defaultProbe.rewritesTable
                && (input.defaultProbe.volatility == DefaultProbe::Volatility::Immutable
                    || input.defaultProbe.volatility == DefaultProbe::Volatility::Stable));
        if (!spec.nullable && !(fastDefault && input.targetVersion >= 110000 && spec.backfill.isEmpty()))
            wanted << Wanted{S::TableConstraint, QStringLiteral("nullable"), QStringLiteral("NOT NULL constraint"),
                             generated(QStringLiteral("not_null")), table};
        if (indexed) {
            wanted << Wanted{S::SchemaRelation, indexField, indexWhat, index, table};
            if (spec.unique) // attached as a constraint of the same name
                wanted << Wanted{S::TableConstraint, indexField, QStringLiteral("unique constraint"), index, table};
            if (input.table.kind == RelationKind::PartitionedTable && !spec.unique) {
                for (const PartitionInfo &p : input.table.partitions)
                    wanted << Wanted{S::SchemaRelation, indexField, QStringLiteral("index on partition %1").arg(p.table.name),
                                     generatedName(e, p.table.name, spec.name, QStringLiteral("idx")), p.table};
            }
        }
    } else if (e == Engine::MySQL || e == Engine::MariaDB) {
        // Index names are unique per table; foreign key names (InnoDB) per database, and on MySQL
        // CHECK constraint names too.
        if (!spec.check.isEmpty()) {
            const QString name = generated(QStringLiteral("check"));
            wanted << Wanted{S::TableConstraint, QStringLiteral("check"), QStringLiteral("CHECK constraint"), name, table};
            if (e == Engine::MySQL)
                wanted << Wanted{S::SchemaCheck, QStringLiteral("check"), QStringLiteral("CHECK constraint"), name, table};
        }
        if (spec.hasForeignKey()) {
            const QString name = generated(QStringLiteral("fkey"));
            wanted << Wanted{S::TableConstraint, QStringLiteral("references"), QStringLiteral("foreign key"), name, table}
                   << Wanted{S::SchemaForeignKey, QStringLiteral("references"), QStringLiteral("foreign key"), name, table};
        }
        if (indexed)
            wanted << Wanted{S::TableIndex, indexField, indexWhat, index, table};
    } else {
        // SQLite: one namespace per database for tables, indexes, views and triggers. The trigger
        // gives new rows a default ADD COLUMN cannot declare.
        const bool trigger = spec.defaultKind == ColumnSpec::DefaultKind::Expression
            || (spec.defaultKind == ColumnSpec::DefaultKind::Literal && !spec.backfill.isEmpty());
        if (trigger)
            wanted << Wanted{S::DatabaseObject, QStringLiteral("default"), QStringLiteral("default trigger"),
                             generated(QStringLiteral("default")), table};
        if (indexed)
            wanted << Wanted{S::DatabaseObject, indexField, indexWhat, index, table};
        // The 12-step rebuild (when SqlitePlanner cannot ADD COLUMN, as it decides) copies into a
        // table of this name, dropping one that is there first.
        const bool literal = spec.defaultKind == ColumnSpec::DefaultKind::Literal;
        if ((!spec.nullable && !(literal && spec.backfill.isEmpty())) || (spec.hasForeignKey() && literal))
            wanted << Wanted{S::DatabaseObject, QStringLiteral("table"), QStringLiteral("table for the rebuild"),
                             QStringLiteral("stagecraft_new_") + spec.table.name, table};
    }
    return wanted;
}

} // namespace

bool GeneratedNames::check(DatabaseConnection &connection, const PlannerInput &input, QList<SpecProblem> *problems)
{
    const Engine e = input.server.engine;
    QSqlQuery q(connection.database());
    for (const Wanted &w : wantedNames(input)) {
        const QString table = quoteQualified(e, w.where.schema, w.where.name);
        QString sql;
        switch (w.scope) {
        case Wanted::Scope::TableConstraint:
            sql = e == Engine::PostgreSQL
                ? QStringLiteral("SELECT 'a constraint' FROM pg_constraint WHERE conrelid = %1::regclass AND conname = %2")
                      .arg(quoteLiteral(e, table), quoteLiteral(e, w.name))
                : QStringLiteral("SELECT CONCAT('a ', LOWER(CONSTRAINT_TYPE), ' constraint') FROM information_schema.TABLE_CONSTRAINTS "
                                 "WHERE CONSTRAINT_SCHEMA = %1 AND TABLE_NAME = %2 AND CONSTRAINT_NAME = %3")
                      .arg(quoteLiteral(e, w.where.schema), quoteLiteral(e, w.where.name), quoteLiteral(e, w.name));
            break;
        case Wanted::Scope::SchemaRelation:
            sql = QStringLiteral("SELECT c.relkind, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                 "WHERE n.nspname = %1 AND c.relname = %2")
                      .arg(quoteLiteral(e, w.where.schema), quoteLiteral(e, w.name));
            break;
        case Wanted::Scope::TableIndex:
            sql = QStringLiteral("SELECT 'an index' FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = %1 AND TABLE_NAME = %2 "
                                 "AND INDEX_NAME = %3")
                      .arg(quoteLiteral(e, w.where.schema), quoteLiteral(e, w.where.name), quoteLiteral(e, w.name));
            break;
        case Wanted::Scope::SchemaForeignKey:
        case Wanted::Scope::SchemaCheck:
            sql = QStringLiteral("SELECT CONCAT('a ', LOWER(CONSTRAINT_TYPE), ' constraint on ', TABLE_NAME) "
                                 "FROM information_schema.TABLE_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = %1 AND CONSTRAINT_NAME = %2 "
                                 "AND CONSTRAINT_TYPE = %3")
                      .arg(quoteLiteral(e, w.where.schema), quoteLiteral(e, w.name),
                           quoteLiteral(e, w.scope == Wanted::Scope::SchemaCheck ? QStringLiteral("CHECK")
                                                                                 : QStringLiteral("FOREIGN KEY")));
            break;
        case Wanted::Scope::DatabaseObject: // names compare without case in SQLite
            sql = QStringLiteral("SELECT CASE type WHEN 'index' THEN 'an index' ELSE 'a ' || type END "
                                 "FROM %1.sqlite_schema WHERE name = %2 COLLATE NOCASE")
                      .arg(quoteIdentifier(e, w.where.schema), quoteLiteral(e, w.name));
            break;
        }
        if (!q.exec(sql)) {
            problems->append({w.field, QStringLiteral("could not check whether the name %1 is free: %2")
                                           .arg(w.name, q.lastError().text().section(QLatin1Char('\n'), 0, 0))});
            return false;
        }
        if (!q.next())
            continue;
        const QString existing = w.scope == Wanted::Scope::SchemaRelation ? relationKind(q.value(0).toString()) : q.value(0).toString();
        const QString place = w.scope == Wanted::Scope::SchemaRelation || w.scope == Wanted::Scope::SchemaForeignKey
                || w.scope == Wanted::Scope::SchemaCheck
            ? QStringLiteral("schema %1").arg(w.where.schema)
            : w.scope == Wanted::Scope::DatabaseObject ? QStringLiteral("the database") : w.where.name;
        problems->append({w.field, QStringLiteral("Stagecraft names the %1 %2, but %3 already has %4 of that name, which is not "
                                                  "this column's: rename or drop it, or name the column differently")
                                       .arg(w.what, w.name, place, existing)});
    }
    return true;
}

} // namespace Stagecraft
