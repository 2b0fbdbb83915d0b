#include "postgrescatalog.h"

#include "dependenttext_p.h"
#include "connection/databaseconnection.h"
#include "sql/quoting.h"
#include "sql/sqlfragment.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTimeZone>

namespace Stagecraft {

namespace {

const Engine PG = Engine::PostgreSQL;
// Lists come back joined with the ASCII unit separator, which no identifier contains in practice.
const QChar Separator(0x1f);

QStringList splitList(const QVariant &value)
{
    return value.isNull() ? QStringList() : value.toString().split(Separator);
}

// The oid of schema.name, bound as two values: the same sub-select in every query.
const QString Relation = QStringLiteral("(SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                        "WHERE n.nspname = ? AND c.relname = ?)");

// User schemas: not the engine's own.
const QString UserSchema = QStringLiteral("n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'");

RelationKind kindOf(const QString &relkind, bool isPartition)
{
    if (relkind == QLatin1String("p"))
        return RelationKind::PartitionedTable;
    if (relkind == QLatin1String("v") || relkind == QLatin1String("m"))
        return RelationKind::View;
    return isPartition ? RelationKind::Partition : RelationKind::Table;
}

QString actionName(const QString &code)
{
    switch (code.isEmpty() ? 'a' : code.at(0).toLatin1()) {
    case 'r': return QStringLiteral("RESTRICT");
    case 'c': return QStringLiteral("CASCADE");
    case 'n': return QStringLiteral("SET NULL");
    case 'd': return QStringLiteral("SET DEFAULT");
    default: return QStringLiteral("NO ACTION");
    }
}

ConstraintKind constraintKind(const QString &contype)
{
    switch (contype.isEmpty() ? 'c' : contype.at(0).toLatin1()) {
    case 'p': return ConstraintKind::PrimaryKey;
    case 'u': return ConstraintKind::Unique;
    case 'f': return ConstraintKind::ForeignKey;
    case 'x': return ConstraintKind::Exclusion;
    default: return ConstraintKind::Check;
    }
}

TypeInfo::Parameters parametersOf(const QString &type)
{
    static const QStringList length = {QStringLiteral("character varying"), QStringLiteral("character"),
                                       QStringLiteral("bit"), QStringLiteral("bit varying")};
    static const QStringList precision = {QStringLiteral("timestamp without time zone"),
                                          QStringLiteral("timestamp with time zone"),
                                          QStringLiteral("time without time zone"),
                                          QStringLiteral("time with time zone"), QStringLiteral("interval")};
    if (length.contains(type))
        return TypeInfo::Parameters::Length;
    if (precision.contains(type))
        return TypeInfo::Parameters::Precision;
    if (type == QLatin1String("numeric"))
        return TypeInfo::Parameters::PrecisionScale;
    return TypeInfo::Parameters::None;
}

} // namespace

bool PostgresCatalog::listSchemas(QStringList *schemas, ConnectionError *error)
{
    QSqlQuery q(m_connection.database());
    if (!run(q, QStringLiteral("SELECT n.nspname FROM pg_namespace n WHERE %1 ORDER BY 1").arg(UserSchema), {},
             QStringLiteral("listing the schemas"), error))
        return false;
    schemas->clear();
    while (q.next())
        schemas->append(q.value(0).toString());
    return true;
}

bool PostgresCatalog::listTables(QList<TableSummary> *tables, ConnectionError *error)
{
    QSqlQuery q(m_connection.database());
    // One query for the whole list, however many tables: reltuples is the planner's estimate
    // (-1 from PG14 until the table is first analysed); sizes only for relations with storage.
    if (!run(q, QStringLiteral(
                    "SELECT n.nspname, c.relname, c.relkind, c.relispartition, pn.nspname, pc.relname, "
                    "c.reltuples::bigint, CASE WHEN c.relkind IN ('r', 'm') THEN pg_total_relation_size(c.oid) "
                    "WHEN c.relkind = 'p' THEN 0 END "
                    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "LEFT JOIN pg_inherits i ON c.relispartition AND i.inhrelid = c.oid "
                    "LEFT JOIN pg_class pc ON pc.oid = i.inhparent "
                    "LEFT JOIN pg_namespace pn ON pn.oid = pc.relnamespace "
                    "WHERE c.relkind IN ('r', 'p', 'v', 'm') AND %1 "
                    "ORDER BY n.nspname, c.relname").arg(UserSchema),
             {}, QStringLiteral("listing the tables"), error))
        return false;
    tables->clear();
    while (q.next()) {
        TableSummary t;
        t.table = {q.value(0).toString(), q.value(1).toString()};
        t.kind = kindOf(q.value(2).toString(), q.value(3).toBool());
        if (!q.value(5).isNull())
            t.parent = {q.value(4).toString(), q.value(5).toString()};
        const bool hasRows = t.kind == RelationKind::Table || t.kind == RelationKind::Partition;
        t.estimatedRows = hasRows ? std::max<qint64>(-1, q.value(6).toLongLong()) : -1;
        t.totalBytes = q.value(7).isNull() ? -1 : q.value(7).toLongLong();
        tables->append(t);
    }
    return true;
}

bool PostgresCatalog::describeTable(const TableRef &table, TableDetails *details, ConnectionError *error)
{
    const QString qualified = quoteQualified(PG, table.schema, table.name);
    const QString what = QStringLiteral("reading table %1").arg(qualified);
    QSqlQuery q(m_connection.database());
    if (!run(q, QStringLiteral("SELECT c.relkind, c.relispartition, c.reltuples::bigint, pg_relation_size(c.oid), "
                               "pg_indexes_size(c.oid), pg_total_relation_size(c.oid), c.relfilenode, "
                               "obj_description(c.oid, 'pg_class') "
                               "FROM pg_class c WHERE c.oid = %1").arg(Relation),
             {table.schema, table.name}, what, error))
        return false;
    if (!q.next()) {
        noSuchTable(qualified, error);
        return false;
    }
    *details = {};
    details->table = table;
    details->kind = kindOf(q.value(0).toString(), q.value(1).toBool());
    details->estimatedRows = std::max<qint64>(-1, q.value(2).toLongLong());
    details->heapBytes = q.value(3).toLongLong();
    details->indexBytes = q.value(4).toLongLong();
    details->totalBytes = q.value(5).toLongLong();
    details->fileNode = q.value(6).toUInt();
    details->comment = q.value(7).toString();
    if (!readColumns(table, details, error) || !readIndexes(table, details, error)
        || !readConstraints(table, details, error)
        || (details->kind == RelationKind::PartitionedTable && !readPartitions(table, details, error))
        || !readPublications(table, details, error))
        return false;

    // The definition, rebuilt from what was read: columns, then constraints, then the indexes no
    // constraint owns, then comments.
    QStringList lines;
    for (const ColumnInfo &c : std::as_const(details->columns)) {
        QString line = QStringLiteral("    %1 %2").arg(quoteIdentifier(PG, c.name), c.type);
        if (!c.collation.isEmpty())
            line += QLatin1String(" COLLATE ") + quoteIdentifier(PG, c.collation);
        if (c.generated == QLatin1String("identity always"))
            line += QLatin1String(" GENERATED ALWAYS AS IDENTITY");
        else if (c.generated == QLatin1String("identity by default"))
            line += QLatin1String(" GENERATED BY DEFAULT AS IDENTITY");
        else if (c.generated == QLatin1String("stored") || c.generated == QLatin1String("virtual"))
            line += QStringLiteral(" GENERATED ALWAYS AS (%1) %2")
                        .arg(c.generationExpression, c.generated == QLatin1String("stored") ? QLatin1String("STORED")
                                                                                           : QLatin1String("VIRTUAL"));
        else if (!c.defaultExpression.isEmpty())
            line += QLatin1String(" DEFAULT ") + c.defaultExpression;
        if (!c.nullable)
            line += QLatin1String(" NOT NULL");
        lines << line;
    }
    for (const ConstraintInfo &k : std::as_const(details->constraints))
        lines << QStringLiteral("    CONSTRAINT %1 %2").arg(quoteIdentifier(PG, k.name), k.definition);
    QString sql = QStringLiteral("CREATE TABLE %1 (\n%2\n);\n").arg(qualified, lines.join(QLatin1String(",\n")));
    for (const IndexInfo &i : std::as_const(details->indexes)) {
        if (i.constraintName.isEmpty())
            sql += i.definition + QLatin1String(";\n");
    }
    if (!details->comment.isEmpty())
        sql += QStringLiteral("COMMENT ON TABLE %1 IS %2;\n").arg(qualified, quoteLiteral(PG, details->comment));
    for (const ColumnInfo &c : std::as_const(details->columns)) {
        if (!c.comment.isEmpty())
            sql += QStringLiteral("COMMENT ON COLUMN %1.%2 IS %3;\n")
                       .arg(qualified, quoteIdentifier(PG, c.name), quoteLiteral(PG, c.comment));
    }
    details->definitionSql = sql;
    return true;
}

bool PostgresCatalog::readColumns(const TableRef &table, TableDetails *details, ConnectionError *error)
{
    QSqlQuery q(m_connection.database());
    // Type parameters come from the type modifier, read with information_schema's own helpers
    // (on the element type for arrays); a column without a modifier has none. From PostgreSQL 18
    // attnotnull is also true for a NOT VALID not-null constraint, which existing rows may break:
    // such a column counts as nullable (before 18 no table has not-null constraints in pg_constraint).
    if (!run(q, QStringLiteral(
                    "SELECT a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull OR EXISTS (SELECT 1 FROM "
                    "pg_constraint nn WHERE nn.conrelid = a.attrelid AND nn.contype = 'n' AND nn.conkey = ARRAY[a.attnum] "
                    "AND NOT nn.convalidated), "
                    "pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, "
                    "EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisprimary "
                    "AND a.attnum = ANY (i.indkey)), "
                    "format_type(CASE WHEN t.typcategory = 'A' THEN t.typelem ELSE a.atttypid END, NULL), "
                    "t.typcategory = 'A', "
                    "CASE WHEN a.atttypmod = -1 THEN NULL ELSE information_schema._pg_char_max_length(e.oid, a.atttypmod) END, "
                    "CASE WHEN a.atttypmod = -1 THEN NULL ELSE coalesce("
                    "information_schema._pg_numeric_precision(e.oid, a.atttypmod), "
                    "information_schema._pg_datetime_precision(e.oid, a.atttypmod)) END, "
                    "CASE WHEN a.atttypmod = -1 THEN NULL ELSE information_schema._pg_numeric_scale(e.oid, a.atttypmod) END, "
                    "co.collname, col_description(a.attrelid, a.attnum) "
                    "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
                    "JOIN pg_type e ON e.oid = CASE WHEN t.typcategory = 'A' THEN t.typelem ELSE t.oid END "
                    "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                    "LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> e.typcollation "
                    "WHERE a.attrelid = %1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")
                    .arg(Relation),
             {table.schema, table.name}, QStringLiteral("reading the columns of %1").arg(table.name), error))
        return false;
    while (q.next()) {
        ColumnInfo c;
        c.name = q.value(0).toString();
        c.type = q.value(1).toString();
        c.nullable = q.value(2).toBool();
        const QString expression = q.value(3).toString();
        const QString identity = q.value(4).toString();
        const QString generated = q.value(5).toString();
        c.primaryKey = q.value(6).toBool();
        c.baseType = q.value(7).toString();
        c.isArray = q.value(8).toBool();
        c.length = q.value(9).isNull() ? -1 : q.value(9).toInt();
        c.precision = q.value(10).isNull() ? -1 : q.value(10).toInt();
        c.scale = q.value(11).isNull() ? -1 : q.value(11).toInt();
        c.collation = q.value(12).toString();
        c.comment = q.value(13).toString();
        if (identity == QLatin1String("a"))
            c.generated = QStringLiteral("identity always");
        else if (identity == QLatin1String("d"))
            c.generated = QStringLiteral("identity by default");
        if (generated == QLatin1String("s") || generated == QLatin1String("v")) {
            c.generated = generated == QLatin1String("s") ? QStringLiteral("stored") : QStringLiteral("virtual");
            c.generationExpression = expression;
        } else {
            c.defaultExpression = expression;
        }
        details->columns.append(c);
    }
    return true;
}

bool PostgresCatalog::readIndexes(const TableRef &table, TableDetails *details, ConnectionError *error)
{
    QSqlQuery q(m_connection.database());
    if (!run(q, QStringLiteral(
                    "SELECT ic.relname, i.indisunique, i.indisprimary, am.amname, pg_get_expr(i.indpred, i.indrelid), "
                    "i.indisvalid, k.conname, pg_get_indexdef(i.indexrelid), "
                    "(SELECT string_agg(CASE WHEN i.indkey[n - 1] <> 0 THEN (SELECT a.attname FROM pg_attribute a "
                    "WHERE a.attrelid = i.indrelid AND a.attnum = i.indkey[n - 1]) "
                    "ELSE pg_get_indexdef(i.indexrelid, n, true) END, E'\\x1f' ORDER BY n) "
                    "FROM generate_series(1, i.indnkeyatts) n) "
                    "FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam "
                    "LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.conrelid = i.indrelid "
                    "AND k.contype IN ('p', 'u', 'x') "
                    "WHERE i.indrelid = %1 ORDER BY ic.relname").arg(Relation),
             {table.schema, table.name}, QStringLiteral("reading the indexes of %1").arg(table.name), error))
        return false;
    while (q.next()) {
        IndexInfo i;
        i.name = q.value(0).toString();
        i.unique = q.value(1).toBool();
        i.primary = q.value(2).toBool();
        i.method = q.value(3).toString();
        i.predicate = q.value(4).toString();
        i.valid = q.value(5).toBool();
        i.constraintName = q.value(6).toString();
        i.definition = q.value(7).toString();
        i.columns = splitList(q.value(8));
        details->indexes.append(i);
    }
    return true;
}

bool PostgresCatalog::readConstraints(const TableRef &table, TableDetails *details, ConnectionError *error)
{
    QSqlQuery q(m_connection.database());
    static const QString columnsOf = QStringLiteral(
        "(SELECT string_agg(a.attname, E'\\x1f' ORDER BY k.ord) FROM unnest(%1) WITH ORDINALITY k(attnum, ord) "
        "JOIN pg_attribute a ON a.attrelid = %2 AND a.attnum = k.attnum)");
    // Primary key first, then the rest by name: the order a reader expects.
    if (!run(q, QStringLiteral(
                    "SELECT con.conname, con.contype, pg_get_constraintdef(con.oid), con.convalidated, %2, "
                    "fn.nspname, fc.relname, %3, con.confdeltype, con.confupdtype "
                    "FROM pg_constraint con LEFT JOIN pg_class fc ON fc.oid = con.confrelid "
                    "LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace "
                    "WHERE con.conrelid = %1 AND con.contype IN ('p', 'u', 'f', 'c', 'x') "
                    "ORDER BY con.contype <> 'p', con.conname")
                    .arg(Relation, columnsOf.arg(QStringLiteral("con.conkey"), QStringLiteral("con.conrelid")),
                         columnsOf.arg(QStringLiteral("con.confkey"), QStringLiteral("con.confrelid"))),
             {table.schema, table.name}, QStringLiteral("reading the constraints of %1").arg(table.name), error))
        return false;
    while (q.next()) {
        ConstraintInfo k;
        k.name = q.value(0).toString();
        k.kind = constraintKind(q.value(1).toString());
        k.definition = q.value(2).toString();
        k.validated = q.value(3).toBool();
        k.columns = splitList(q.value(4));
        if (k.kind == ConstraintKind::ForeignKey) {
            k.referencedTable = {q.value(5).toString(), q.value(6).toString()};
            k.referencedColumns = splitList(q.value(7));
            k.onDelete = actionName(q.value(8).toString());
            k.onUpdate = actionName(q.value(9).toString());
        }
        details->constraints.append(k);
    }
    return true;
}

bool PostgresCatalog::readPartitions(const TableRef &table, TableDetails *details, ConnectionError *error)
{
    QSqlQuery q(m_connection.database());
    // Direct partitions only: an index is built per partition, and one that is partitioned itself
    // (or foreign) needs more than that.
    if (!run(q, QStringLiteral("SELECT n.nspname, c.relname, c.relkind, pg_relation_size(c.oid), pg_indexes_size(c.oid), "
                               "pg_total_relation_size(c.oid), c.reltuples::bigint "
                               "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                               "JOIN pg_namespace n ON n.oid = c.relnamespace "
                               "WHERE i.inhparent = %1 ORDER BY n.nspname, c.relname").arg(Relation),
             {table.schema, table.name}, QStringLiteral("reading the partitions of %1").arg(table.name), error))
        return false;
    // The partitioned table itself holds no rows: its sizes and (before it is analysed) its row
    // estimate are its partitions' (one level down), so that durations are estimated from them.
    qint64 rows = 0;
    bool rowsKnown = true;
    details->heapBytes = details->indexBytes = details->totalBytes = 0;
    while (q.next()) {
        PartitionInfo p;
        p.table = {q.value(0).toString(), q.value(1).toString()};
        p.partitioned = q.value(2).toString() == QLatin1String("p");
        p.foreign = q.value(2).toString() == QLatin1String("f");
        p.heapBytes = q.value(3).toLongLong();
        details->heapBytes += p.heapBytes;
        details->indexBytes += q.value(4).toLongLong();
        details->totalBytes += q.value(5).toLongLong();
        rows += std::max<qint64>(0, q.value(6).toLongLong());
        rowsKnown = rowsKnown && q.value(6).toLongLong() >= 0;
        details->partitions.append(p);
    }
    if (details->estimatedRows < 0 && rowsKnown && !details->partitions.isEmpty())
        details->estimatedRows = rows;
    return true;
}

bool PostgresCatalog::readPublications(const TableRef &table, TableDetails *details, ConnectionError *error)
{
    // pg_publication_tables resolves FOR ALL TABLES, FOR TABLES IN SCHEMA and partitions (each as
    // its root with publish_via_partition_root): the table, or one of its partitions, is published
    // when it is listed there.
    const int version = m_connection.server().versionNumber;
    // The table and every partition below it, at any depth (before 12 only leaf partitions can be
    // published, so a partitioned table's are found there too).
    const QString tree = QStringLiteral("WITH RECURSIVE tree(relid) AS (SELECT %1 UNION SELECT i.inhrelid FROM pg_inherits i "
                                        "JOIN tree t ON i.inhparent = t.relid) SELECT relid FROM tree")
                             .arg(Relation);
    const QVariantList values{table.schema, table.name};
    const QString columnList = version >= 150000
                                   ? QStringLiteral("EXISTS (SELECT FROM pg_publication_rel pr WHERE pr.prpubid = p.oid "
                                                    "AND pr.prrelid = c.oid AND pr.prattrs IS NOT NULL)")
                                   : QStringLiteral("false");
    QSqlQuery q(m_connection.database());
    if (!run(q, QStringLiteral("SELECT DISTINCT p.pubname, %1, p.pubupdate AND (c.relreplident = 'n' OR c.relreplident = 'd' "
                               "AND NOT EXISTS (SELECT FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)) "
                               "FROM pg_publication_tables pt JOIN pg_publication p ON p.pubname = pt.pubname "
                               "JOIN pg_namespace n ON n.nspname = pt.schemaname "
                               "JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = pt.tablename "
                               "WHERE c.oid IN (%2) ORDER BY 1")
                          .arg(columnList, tree),
             values, QStringLiteral("reading the publications of %1").arg(table.name), error))
        return false;
    while (q.next()) {
        const QString name = q.value(0).toString();
        if (!details->publications.contains(name))
            details->publications << name;
        if (q.value(1).toBool() && !details->publicationsWithColumnList.contains(name))
            details->publicationsWithColumnList << name;
        details->publishedUpdatesWithoutIdentity = details->publishedUpdatesWithoutIdentity || q.value(2).toBool();
    }
    return true;
}

bool PostgresCatalog::listDependents(const TableRef &table, QList<TableDependent> *dependents, ConnectionError *error)
{
    using K = TableDependent::Kind;
    dependents->clear();
    const QString qualifiedName = table.schema + QLatin1Char('.') + table.name;
    QSqlQuery q(m_connection.database());
    // The table itself: its columns in order, its replica identity, and the server's version.
    if (!run(q, QStringLiteral("SELECT c.oid::text, c.relkind, c.relreplident, c.relispartition, c.relnamespace::text, "
                               "(SELECT string_agg(a.attname, E'\\x1f' ORDER BY a.attnum) FROM pg_attribute a "
                               "WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), "
                               "(SELECT ic.relname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid "
                               "WHERE i.indrelid = c.oid AND i.indisreplident), "
                               "EXISTS (SELECT FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary), "
                               "current_setting('server_version_num')::int "
                               "FROM pg_class c WHERE c.oid = %1").arg(Relation),
             {table.schema, table.name}, QStringLiteral("reading what depends on %1").arg(table.name), error))
        return false;
    if (!q.next()) {
        noSuchTable(quoteQualified(PG, table.schema, table.name), error);
        return false;
    }
    const QString oid = q.value(0).toString();
    const QString relkind = q.value(1).toString();
    const QString replident = q.value(2).toString();
    const bool isPartition = q.value(3).toBool();
    const QString namespaceOid = q.value(4).toString();
    const QStringList tableColumns = splitList(q.value(5));
    const QString identityIndex = q.value(6).toString();
    const bool hasPrimaryKey = q.value(7).toBool();
    const int version = q.value(8).toInt();
    q.finish();

    // Each part on its own: one the role may not read is listed as such, the others still are.
    auto part = [&](K kind, const QString &what, const QString &sql, const QVariantList &values, auto &&take) {
        QSqlQuery p(m_connection.database());
        ConnectionError failure;
        if (!run(p, sql, values, what, &failure)) {
            dependents->append(DependentText::unreadable(kind, what, failure.serverMessage.isEmpty() ? failure.text()
                                                                                                      : failure.serverMessage));
            return;
        }
        while (p.next())
            take(p);
    };
    static const QString columnsOf = QStringLiteral(
        "(SELECT string_agg(a.attname, E'\\x1f' ORDER BY k.ord) FROM unnest(%1) WITH ORDINALITY k(attnum, ord) "
        "JOIN pg_attribute a ON a.attrelid = %2 AND a.attnum = k.attnum)");
    auto dotted = [](const QVariant &schema, const QVariant &name) { return schema.toString() + QLatin1Char('.') + name.toString(); };
    static const QStringList ruleEvents = {QString(), QStringLiteral("SELECT"), QStringLiteral("UPDATE"),
                                           QStringLiteral("INSERT"), QStringLiteral("DELETE")};
    auto ruleEvent = [](int type) { return type >= 1 && type <= 4 ? ruleEvents.at(type) : QStringLiteral("?"); };

    // Views and materialized views whose query reads the table, and other relations' rules whose
    // action names it: the rewrite rules that depend on it. A view depending on every column of the
    // table, whose own columns are the table's in the table's order, is judged a SELECT * that
    // PostgreSQL expanded when the view was made (it keeps the expanded list).
    part(K::View, QStringLiteral("views"),
         QStringLiteral("SELECT DISTINCT r.oid, vn.nspname, v.relname, v.relkind, r.rulename, r.ev_type::text::int, r.is_instead, "
                        "(SELECT string_agg(a.attname, E'\\x1f' ORDER BY a.attnum) FROM pg_attribute a "
                        "WHERE a.attrelid = v.oid AND a.attnum > 0 AND NOT a.attisdropped), "
                        "(SELECT count(DISTINCT d2.refobjsubid) FROM pg_depend d2 WHERE d2.classid = 'pg_rewrite'::regclass "
                        "AND d2.objid = r.oid AND d2.refclassid = 'pg_class'::regclass AND d2.refobjid = d.refobjid "
                        "AND d2.refobjsubid > 0) "
                        "FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid JOIN pg_class v ON v.oid = r.ev_class "
                        "JOIN pg_namespace vn ON vn.oid = v.relnamespace "
                        "WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass "
                        "AND d.refobjid = ?::oid AND v.oid <> ?::oid"),
         {oid, oid}, [&](QSqlQuery &p) {
             const QString name = dotted(p.value(1), p.value(2));
             if (p.value(4).toString() != QLatin1String("_RETURN")) {
                 dependents->append({K::Rule, name + QLatin1Char('.') + p.value(4).toString(),
                                     QStringLiteral("ON %1 to %2 DO %3; its action names the table")
                                         .arg(ruleEvent(p.value(5).toInt()), name,
                                              p.value(6).toBool() ? QLatin1String("INSTEAD") : QLatin1String("ALSO")),
                                     QString()});
                 return;
             }
             const bool materialized = p.value(3).toString() == QLatin1String("m");
             const QStringList columns = splitList(p.value(7));
             TableDependent d{materialized ? K::MaterializedView : K::View, name,
                              QStringLiteral("columns ") + DependentText::columnList(columns), QString()};
             if (p.value(8).toInt() == tableColumns.size() && DependentText::expandsAll(columns, tableColumns, false))
                 DependentText::markExpandedStar(&d);
             dependents->append(d);
         });

    // Functions and procedures whose source names the table (read for names, not strings or
    // comments), and those with an SQL-standard body, which record their dependency.
    part(K::Function, QStringLiteral("functions and procedures"),
         QStringLiteral("SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), p.prokind, l.lanname, "
                        "p.prosrc, EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid "
                        "AND d.refclassid = 'pg_class'::regclass AND d.refobjid = ?::oid) "
                        "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang "
                        "WHERE %1 AND l.lanname NOT IN ('c', 'internal') AND (strpos(lower(p.prosrc), lower(?)) > 0 "
                        "OR EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid "
                        "AND d.refclassid = 'pg_class'::regclass AND d.refobjid = ?::oid))")
             .arg(UserSchema),
         {oid, table.name, oid}, [&](QSqlQuery &p) {
             const BodyUse use = DependentText::read(PG, p.value(5).toString(), table);
             const bool recorded = p.value(6).toBool();
             if (!use.namesTable && !recorded)
                 return;
             const bool procedure = p.value(3).toString() == QLatin1String("p");
             TableDependent d{procedure ? K::Procedure : K::Function,
                              dotted(p.value(0), p.value(1)) + QLatin1Char('(') + p.value(2).toString() + QLatin1Char(')'),
                              QStringLiteral("%1 %2, %3").arg(p.value(4).toString(),
                                                              procedure ? QLatin1String("procedure") : QLatin1String("function"),
                                                              recorded ? QLatin1String("its SQL-standard body depends on the table")
                                                                       : QLatin1String("its body names the table")),
                              QString()};
             if (use.selectsStar)
                 d.impact = QStringLiteral("its body has a SELECT *: whatever takes those rows (RETURN QUERY, a row "
                                           "variable, INTO a list) gets the new column too; check that it still fits");
             dependents->append(d);
         });

    // Triggers on the table, decoded from tgtype: ROW 1, BEFORE 2, INSERT 4, DELETE 8, UPDATE 16,
    // TRUNCATE 32, INSTEAD 64.
    part(K::Trigger, QStringLiteral("triggers"),
         QStringLiteral("SELECT t.tgname, t.tgtype::int, pn.nspname, p.proname, t.tgenabled::text, "
                        "(SELECT string_agg(a.attname, ', ' ORDER BY a.attnum) FROM pg_attribute a "
                        "WHERE a.attrelid = t.tgrelid AND a.attnum = ANY (t.tgattr::int2[])) "
                        "FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace pn ON pn.oid = p.pronamespace "
                        "WHERE t.tgrelid = ?::oid AND NOT t.tgisinternal"),
         {oid}, [&](QSqlQuery &p) {
             const int type = p.value(1).toInt();
             const QString of = p.value(5).toString();
             QStringList events;
             if (type & 4)
                 events << QStringLiteral("INSERT");
             if (type & 16)
                 events << (of.isEmpty() ? QStringLiteral("UPDATE") : QStringLiteral("UPDATE OF ") + of);
             if (type & 8)
                 events << QStringLiteral("DELETE");
             if (type & 32)
                 events << QStringLiteral("TRUNCATE");
             const QString timing = (type & 2) ? QStringLiteral("BEFORE") : (type & 64) ? QStringLiteral("INSTEAD OF")
                                                                                       : QStringLiteral("AFTER");
             QString detail = QStringLiteral("%1 %2, for each %3, runs %4()")
                                  .arg(timing, events.join(QLatin1String(" OR ")),
                                       (type & 1) ? QLatin1String("row") : QLatin1String("statement"), dotted(p.value(2), p.value(3)));
             if (p.value(4).toString() == QLatin1String("D"))
                 detail += QLatin1String(", disabled");
             dependents->append({K::Trigger, qualifiedName + QLatin1Char('.') + p.value(0).toString(), detail,
                                 p.value(4).toString() == QLatin1String("D")
                                     ? QString()
                                     : DependentText::updateTriggerImpact(type & 16, type & 1, !of.isEmpty())});
         });

    // The table's own rules.
    part(K::Rule, QStringLiteral("rules"),
         QStringLiteral("SELECT r.rulename, r.ev_type::text::int, r.is_instead FROM pg_rewrite r "
                        "WHERE r.ev_class = ?::oid AND r.rulename <> '_RETURN'"),
         {oid}, [&](QSqlQuery &p) {
             const int event = p.value(1).toInt();
             const bool instead = p.value(2).toBool();
             dependents->append({K::Rule, qualifiedName + QLatin1Char('.') + p.value(0).toString(),
                                 QStringLiteral("ON %1 DO %2").arg(ruleEvent(event), instead ? QLatin1String("INSTEAD")
                                                                                              : QLatin1String("ALSO")),
                                 instead && (event == 2 || event == 3)
                                     ? QStringLiteral("DO INSTEAD: writes to the table run the rule's action in their "
                                                      "place, which knows nothing of the new column: make the rule "
                                                      "again to carry it")
                                     : QString()});
         });

    // Publications that include the table: FOR ALL TABLES, FOR TABLES IN SCHEMA (15+), by name,
    // itself or through a partitioned table it is a partition of (pg_partition_ancestors lists
    // nothing for a table that is not partitioned), with a column list (15+).
    const bool columnLists = version >= 150000;
    bool publishesUpdates = false;
    part(K::Publication, QStringLiteral("publications"),
         QStringLiteral("SELECT p.pubname, p.puballtables, pr.prrelid IS NOT NULL, %1, %2, "
                        "p.pubinsert, p.pubupdate, p.pubdelete, p.pubtruncate, "
                        "(SELECT rn.nspname || '.' || rc.relname FROM pg_class rc JOIN pg_namespace rn ON rn.oid = rc.relnamespace "
                        "WHERE rc.oid = pr.prrelid AND rc.oid <> ?::oid) "
                        "FROM pg_publication p LEFT JOIN pg_publication_rel pr ON pr.prpubid = p.oid "
                        "AND (pr.prrelid = ?::oid OR pr.prrelid IN (SELECT relid FROM pg_partition_ancestors(?::oid))) "
                        "WHERE p.puballtables OR pr.prrelid IS NOT NULL %3 ORDER BY p.pubname")
             .arg(columnLists ? QStringLiteral("(SELECT string_agg(a.attname, E'\\x1f' ORDER BY a.attnum) FROM pg_attribute a "
                                               "WHERE a.attrelid = pr.prrelid AND a.attnum = ANY (pr.prattrs::int2[]))")
                              : QStringLiteral("NULL::text"),
                  columnLists ? QStringLiteral("EXISTS (SELECT FROM pg_publication_namespace pn WHERE pn.pnpubid = p.oid "
                                               "AND pn.pnnspid = %1::oid)").arg(quoteLiteral(PG, namespaceOid))
                              : QStringLiteral("false"),
                  columnLists ? QStringLiteral("OR EXISTS (SELECT FROM pg_publication_namespace pn WHERE pn.pnpubid = p.oid "
                                               "AND pn.pnnspid = %1::oid)").arg(quoteLiteral(PG, namespaceOid))
                              : QString()),
         {oid, oid, oid}, [&](QSqlQuery &p) {
             QStringList actions;
             for (int i = 5; i <= 8; ++i) {
                 if (p.value(i).toBool())
                     actions << QStringList{QStringLiteral("insert"), QStringLiteral("update"), QStringLiteral("delete"),
                                            QStringLiteral("truncate")}.at(i - 5);
             }
             publishesUpdates = publishesUpdates || p.value(6).toBool();
             const QStringList columns = splitList(p.value(3));
             QString how;
             if (p.value(2).toBool()) {
                 how = p.value(9).isNull() ? QStringLiteral("the table") : QStringLiteral("through ") + p.value(9).toString();
                 how += columns.isEmpty() ? QStringLiteral(", all columns")
                                          : QStringLiteral(", columns ") + DependentText::columnList(columns);
             } else if (p.value(1).toBool()) {
                 how = QStringLiteral("FOR ALL TABLES");
             } else {
                 how = QStringLiteral("FOR TABLES IN SCHEMA ") + table.schema;
             }
             const QString name = p.value(0).toString();
             dependents->append(
                 {K::Publication, name, how + QStringLiteral("; publishes ") + actions.join(QLatin1String(", ")),
                  !columns.isEmpty()
                      ? QStringLiteral("has a column list: the new column is not published until it is added to it "
                                       "(ALTER PUBLICATION %1 SET TABLE ... with the column)").arg(quoteIdentifier(PG, name))
                      : QStringLiteral("subscribers must have the new column before the publisher sends it: add it on "
                                       "every subscriber first, or their replication stops at the first row that carries it")});
         });

    // The replica identity: what an UPDATE or DELETE sends of the old row.
    if (relkind == QLatin1String("r") || relkind == QLatin1String("p")) {
        TableDependent d{K::ReplicaIdentity, qualifiedName, QString(), QString()};
        const bool none = replident == QLatin1String("n") || (replident == QLatin1String("d") && !hasPrimaryKey);
        if (replident == QLatin1String("f")) {
            d.detail = QStringLiteral("FULL: an UPDATE or DELETE sends the whole old row");
            d.impact = QStringLiteral("every UPDATE, the backfill's too, writes the whole old row to the WAL and sends it "
                                      "to subscribers: expect the backfill to make more WAL and replication traffic");
        } else if (replident == QLatin1String("i")) {
            d.detail = QStringLiteral("INDEX %1: an UPDATE or DELETE sends the old row's key in that index").arg(identityIndex);
        } else if (replident == QLatin1String("n")) {
            d.detail = QStringLiteral("NOTHING: an UPDATE or DELETE sends nothing of the old row");
        } else {
            d.detail = hasPrimaryKey ? QStringLiteral("DEFAULT: an UPDATE or DELETE sends the old row's primary key")
                                     : QStringLiteral("DEFAULT without a primary key: an UPDATE or DELETE sends nothing of the old row");
        }
        if (none && publishesUpdates)
            d.impact = QStringLiteral("the table is published for updates without a replica identity: its UPDATEs, the "
                                      "backfill's too, fail until it has one (ALTER TABLE ... REPLICA IDENTITY)");
        dependents->append(d);
    }

    // Foreign keys in and out (one row for a partitioned table's, not its partitions' copies).
    part(K::ForeignKeyIn, QStringLiteral("foreign keys"),
         QStringLiteral("SELECT con.conname, con.conrelid = ?::oid, con.confrelid = ?::oid, n.nspname, c.relname, %1, "
                        "fn.nspname, fc.relname, %2, con.confdeltype, con.confupdtype, con.convalidated "
                        "FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "JOIN pg_class fc ON fc.oid = con.confrelid JOIN pg_namespace fn ON fn.oid = fc.relnamespace "
                        "WHERE con.contype = 'f' AND (con.conrelid = ?::oid OR con.confrelid = ?::oid) AND con.conparentid = 0")
             .arg(columnsOf.arg(QStringLiteral("con.conkey"), QStringLiteral("con.conrelid")),
                  columnsOf.arg(QStringLiteral("con.confkey"), QStringLiteral("con.confrelid"))),
         {oid, oid, oid, oid}, [&](QSqlQuery &p) {
             const QString from = dotted(p.value(3), p.value(4));
             const QString to = dotted(p.value(6), p.value(7));
             const QString columns = DependentText::columnList(splitList(p.value(5)));
             const QString referenced = DependentText::columnList(splitList(p.value(8)));
             QString actions;
             if (actionName(p.value(9).toString()) != QLatin1String("NO ACTION"))
                 actions += QLatin1String(" ON DELETE ") + actionName(p.value(9).toString());
             if (actionName(p.value(10).toString()) != QLatin1String("NO ACTION"))
                 actions += QLatin1String(" ON UPDATE ") + actionName(p.value(10).toString());
             if (!p.value(11).toBool())
                 actions += QLatin1String(", not validated");
             const QString name = from + QLatin1Char('.') + p.value(0).toString();
             if (p.value(1).toBool())
                 dependents->append({K::ForeignKeyOut, name, columns + QLatin1String(" -> ") + to + QLatin1Char(' ') + referenced + actions, QString()});
             if (p.value(2).toBool())
                 dependents->append({K::ForeignKeyIn, name, from + QLatin1Char(' ') + columns + QLatin1String(" -> ") + referenced + actions, QString()});
         });

    // Partitions, and the partitioned table this one is a partition of.
    part(K::Partition, QStringLiteral("partitions"),
         QStringLiteral("SELECT n.nspname, c.relname, c.relkind, pg_get_expr(c.relpartbound, c.oid) "
                        "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "WHERE i.inhparent = ?::oid AND c.relispartition"),
         {oid}, [&](QSqlQuery &p) {
             const QString kind = p.value(2).toString();
             QString detail = p.value(3).toString();
             if (kind == QLatin1String("p"))
                 detail += QLatin1String(", itself partitioned");
             else if (kind == QLatin1String("f"))
                 detail += QLatin1String(", a foreign table");
             dependents->append({K::Partition, dotted(p.value(0), p.value(1)), detail,
                                 kind == QLatin1String("f")
                                     ? QStringLiteral("a foreign table: the new column reaches its definition, not the "
                                                      "remote table; add it there first")
                                     : QString()});
         });
    if (isPartition) {
        part(K::Partition, QStringLiteral("partitioned tables"),
             QStringLiteral("SELECT n.nspname, c.relname, pg_get_partkeydef(c.oid), pg_get_expr(t.relpartbound, t.oid) "
                            "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhparent JOIN pg_namespace n ON n.oid = c.relnamespace "
                            "JOIN pg_class t ON t.oid = i.inhrelid WHERE i.inhrelid = ?::oid"),
             {oid}, [&](QSqlQuery &p) {
                 const QString parent = dotted(p.value(0), p.value(1));
                 dependents->append({K::Partition, parent,
                                     QStringLiteral("the partitioned table this table is a partition of (PARTITION BY %1; this one %2)")
                                         .arg(p.value(2).toString(), p.value(3).toString()),
                                     QStringLiteral("a partition cannot have a column of its own: add the column to %1, "
                                                    "which adds it to every partition").arg(parent)});
             });
    }
    DependentText::sort(dependents);
    return true;
}

bool PostgresCatalog::listTypes(QList<TypeInfo> *types, ConnectionError *error)
{
    QSqlQuery q(m_connection.database());
    // The server's own base types, less the internal ones nobody declares a column with.
    if (!run(q, QStringLiteral(
                    "SELECT format_type(t.oid, NULL) FROM pg_type t "
                    "WHERE t.typnamespace = 'pg_catalog'::regnamespace AND t.typtype = 'b' AND t.typisdefined "
                    "AND t.typcategory NOT IN ('A', 'P', 'X', 'Z') "
                    "AND t.typname !~ '^(_|pg_|reg)' AND t.typname NOT IN ('oid', 'xid', 'xid8', 'cid', 'tid', "
                    "'int2vector', 'oidvector', 'aclitem', 'gtsvector', 'refcursor', 'txid_snapshot', 'cstring', "
                    "'unknown', 'char', 'name', 'jsonpath', 'line', 'lseg', 'box', 'path', 'polygon', 'circle', "
                    "'point') "
                    "ORDER BY 1"),
             {}, QStringLiteral("listing the types"), error))
        return false;
    types->clear();
    while (q.next()) {
        TypeInfo t;
        t.name = q.value(0).toString();
        t.parameters = parametersOf(t.name);
        types->append(t);
    }
    // The user's enums, domains, ranges and composite types (not the row types every table has).
    if (!run(q, QStringLiteral(
                    "SELECT n.nspname, t.typname, t.typtype, format_type(t.typbasetype, t.typtypmod), "
                    "(SELECT string_agg(e.enumlabel, E'\\x1f' ORDER BY e.enumsortorder) FROM pg_enum e "
                    "WHERE e.enumtypid = t.oid) "
                    "FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                    "WHERE %1 AND t.typtype IN ('e', 'd', 'c', 'r') "
                    "AND (t.typtype <> 'c' OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c') "
                    "ORDER BY n.nspname, t.typname").arg(UserSchema),
             {}, QStringLiteral("listing the user's types"), error))
        return false;
    while (q.next()) {
        TypeInfo t;
        t.schema = q.value(0).toString();
        t.name = q.value(1).toString();
        const QString kind = q.value(2).toString();
        t.category = kind == QLatin1String("e")   ? TypeCategory::Enum
                     : kind == QLatin1String("d") ? TypeCategory::Domain
                     : kind == QLatin1String("r") ? TypeCategory::Range
                                                  : TypeCategory::Composite;
        if (t.category == TypeCategory::Domain)
            t.baseType = q.value(3).toString();
        t.enumLabels = splitList(q.value(4));
        types->append(t);
    }
    return true;
}

bool PostgresCatalog::blockingSessions(const TableRef &table, QList<BlockingSession> *sessions,
                                       ConnectionError *error)
{
    QSqlQuery q(m_connection.database());
    // Sessions with a lock on the table (granted or waited for), and sessions whose transaction has
    // been open for 5 s or more: CREATE INDEX CONCURRENTLY waits for those too. Only sessions in
    // this database: pg_stat_activity lists the whole cluster, and a transaction in another
    // database neither locks this table nor holds back an index build here.
    if (!run(q, QStringLiteral(
                    "SELECT a.pid, a.usename, a.application_name, a.state, "
                    "EXTRACT(epoch FROM now() - a.xact_start)::float8, a.query, "
                    "(SELECT string_agg(DISTINCT l.mode, ',') FROM pg_locks l WHERE l.pid = a.pid "
                    "AND l.relation = r.oid AND l.granted), "
                    "a.wait_event_type = 'Lock', EXTRACT(epoch FROM a.backend_start)::float8 "
                    "FROM pg_stat_activity a, %1 r(oid) "
                    "WHERE a.pid <> pg_backend_pid() AND a.backend_type = 'client backend' "
                    "AND a.datname = current_database() "
                    "AND (EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.relation = r.oid) "
                    "OR now() - a.xact_start >= interval '5 seconds') "
                    "ORDER BY a.xact_start NULLS LAST, a.pid").arg(Relation),
             {table.schema, table.name}, QStringLiteral("looking for sessions that would block %1").arg(table.name),
             error))
        return false;
    sessions->clear();
    while (q.next()) {
        BlockingSession s;
        s.pid = q.value(0).toLongLong();
        s.user = q.value(1).toString();
        s.application = q.value(2).toString();
        s.state = q.value(3).toString();
        s.transactionSeconds = q.value(4).isNull() ? -1 : q.value(4).toDouble();
        s.query = q.value(5).toString();
        s.locks = q.value(6).isNull() ? QStringList() : q.value(6).toString().split(QLatin1Char(','));
        std::sort(s.locks.begin(), s.locks.end());
        s.waiting = q.value(7).toBool();
        if (!q.value(8).isNull())
            s.connectedAt = QDateTime::fromMSecsSinceEpoch(qRound64(q.value(8).toDouble() * 1000), QTimeZone::UTC);
        sessions->append(s);
    }
    return true;
}

bool PostgresCatalog::probeDefault(const QString &type, const QString &expression, DefaultProbe *probe,
                                   ConnectionError *error)
{
    // Nothing is evaluated: the server is asked which functions the expression calls (the
    // dependencies of a column default that holds it) and how volatile each one is declared. The
    // default is volatile (and rewrites the table when added) if any function is; stable if any is
    // stable or it reads the clock or the session (CURRENT_TIMESTAMP, CURRENT_USER, ...); else immutable.
    ExpressionCalls calls;
    bool sessionValue = false;
    if (!readCalls(ExpressionPlace::Default, expression, type, {}, {}, &calls, &sessionValue, error)) {
        if (error && !error->serverMessage.isEmpty())
            error->explanation = QStringLiteral("The server rejects the default expression for type %1.").arg(type);
        return false;
    }
    probe->volatility = sessionValue ? DefaultProbe::Volatility::Stable : DefaultProbe::Volatility::Immutable;
    for (const CalledFunction &f : std::as_const(calls.functions)) {
        if (f.volatility == QLatin1Char('v'))
            probe->volatility = DefaultProbe::Volatility::Volatile;
        else if (f.volatility == QLatin1Char('s') && probe->volatility == DefaultProbe::Volatility::Immutable)
            probe->volatility = DefaultProbe::Volatility::Stable;
    }
    probe->rewritesTable = probe->volatility == DefaultProbe::Volatility::Volatile;
    return true;
}

bool PostgresCatalog::functionsCalled(ExpressionPlace place, const QString &expression, const QString &type,
                                      const TableRef &table, const QString &column, ExpressionCalls *calls,
                                      ConnectionError *error)
{
    return readCalls(place, expression, type, table, column, calls, nullptr, error);
}

bool PostgresCatalog::readCalls(ExpressionPlace place, const QString &expression, const QString &type,
                                const TableRef &table, const QString &column, ExpressionCalls *calls,
                                bool *sessionValue, ConnectionError *error)
{
    *calls = {};
    QString why;
    auto refuse = [error](const QString &message) {
        if (error) {
            error->kind = ConnectionError::Kind::Query;
            error->serverMessage.clear();
            error->explanation = message;
        }
        return false;
    };
    if (!SqlFragment::check(PG, type, &why))
        return refuse(QStringLiteral("The type %1.").arg(why));
    if (!SqlFragment::check(PG, expression, &why))
        return refuse(QStringLiteral("The %1expression %2.").arg(place == ExpressionPlace::Default ? QStringLiteral("default ") : QString(), why));

    // The expression is stored, never evaluated: as the DEFAULT of a column of an empty temporary
    // table, as the select list of a temporary view, or as a CHECK added NOT VALID (no scan). The
    // server records a dependency on every function, operator and sequence (a regclass constant)
    // it names. All in a transaction that is rolled back, under a short statement timeout.
    const QString target = quoteQualified(PG, table.schema, table.name);
    QStringList create;
    QString holder; // the (classid, objid) of the catalog row that holds the expression
    switch (place) {
    case ExpressionPlace::Default:
        create << QStringLiteral("CREATE TEMPORARY TABLE stagecraft_probe (stagecraft_probe_value %1 DEFAULT (%2)) ON COMMIT DROP")
                      .arg(type, expression);
        holder = QStringLiteral("SELECT 'pg_attrdef'::regclass, oid, adbin::text FROM pg_attrdef WHERE adrelid = 'pg_temp.stagecraft_probe'::regclass");
        break;
    case ExpressionPlace::Backfill:
        create << QStringLiteral("CREATE TEMPORARY VIEW stagecraft_probe AS SELECT (%1)::%2 AS stagecraft_probe_value FROM %3")
                      .arg(expression, type, target);
        holder = QStringLiteral("SELECT 'pg_rewrite'::regclass, oid, ev_action::text FROM pg_rewrite WHERE ev_class = 'pg_temp.stagecraft_probe'::regclass");
        break;
    case ExpressionPlace::Check:
        create << QStringLiteral("CREATE TEMPORARY TABLE stagecraft_probe (LIKE %1) ON COMMIT DROP").arg(target)
               << QStringLiteral("ALTER TABLE stagecraft_probe ADD COLUMN %1 %2").arg(quoteIdentifier(PG, column), type)
               << QStringLiteral("ALTER TABLE stagecraft_probe ADD CONSTRAINT stagecraft_probe_check CHECK (%1) NOT VALID").arg(expression);
        holder = QStringLiteral("SELECT 'pg_constraint'::regclass, oid, conbin::text FROM pg_constraint "
                                "WHERE conrelid = 'pg_temp.stagecraft_probe'::regclass AND conname = 'stagecraft_probe_check'");
        break;
    }
    QSqlDatabase db = m_connection.database();
    if (!db.transaction())
        return refuse(QStringLiteral("Could not start a transaction to read the expression: %1").arg(db.lastError().text()));
    QSqlQuery q(db);
    const QString what = QStringLiteral("reading the functions the expression calls");
    auto exec = [&](const QString &sql) {
        if (q.exec(sql))
            return true;
        if (error)
            *error = ConnectionError::fromQueryFailure(what, q.lastError());
        return false;
    };
    bool ok = exec(QStringLiteral("SET LOCAL statement_timeout = '5s'"));
    for (const QString &sql : std::as_const(create))
        ok = ok && exec(sql);
    // Functions: pg_depend leaves out the built-in ones (pinned objects are never recorded), so they
    // are read from the stored expression tree itself: every function call (:funcid), operator
    // (:opno, through its oprcode; :opfuncid), aggregate and window function. Then sequences (a
    // regclass constant such as nextval('s') records a dependency), with the columns that already
    // take their values (a default, or an owned-by / identity link), other than the probe's own.
    const QString calledSql = QStringLiteral(
        "WITH holder(classid, objid, tree) AS (") + holder + QStringLiteral("), "
        "deps AS (SELECT d.refclassid, d.refobjid FROM pg_depend d JOIN holder h ON d.classid = h.classid AND d.objid = h.objid), "
        "procs AS (SELECT m.id[1]::oid AS oid FROM holder h "
        "          CROSS JOIN LATERAL regexp_matches(h.tree, ':(?:funcid|opfuncid|aggfnoid|winfnoid) ([0-9]+)', 'g') AS m(id) "
        "          UNION SELECT o.oprcode::oid FROM holder h "
        "          CROSS JOIN LATERAL regexp_matches(h.tree, ':opno ([0-9]+)', 'g') AS m(id) JOIN pg_operator o ON o.oid = m.id[1]::oid "
        "          UNION SELECT refobjid FROM deps WHERE refclassid = 'pg_proc'::regclass "
        "          UNION SELECT o.oprcode::oid FROM deps JOIN pg_operator o ON deps.refclassid = 'pg_operator'::regclass AND o.oid = deps.refobjid) "
        "SELECT 'f', n.nspname, p.proname, p.provolatile::text, "
        "  CASE WHEN l.lanname IN ('c', 'internal') AND EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass "
        "       AND e.objid = p.oid AND e.deptype = 'e') THEN 'native' END "
        "FROM procs JOIN pg_proc p ON p.oid = procs.oid JOIN pg_namespace n ON n.oid = p.pronamespace "
        "JOIN pg_language l ON l.oid = p.prolang "
        "UNION ALL "
        "SELECT 's', n.nspname, c.relname, NULL, "
        "  (SELECT string_agg(DISTINCT un.nspname || '.' || ut.relname || '.' || ua.attname, ', ') "
        "   FROM (SELECT ad.adrelid AS rel, ad.adnum AS num FROM pg_depend u "
        "         JOIN pg_attrdef ad ON u.classid = 'pg_attrdef'::regclass AND u.objid = ad.oid "
        "         WHERE u.refclassid = 'pg_class'::regclass AND u.refobjid = c.oid "
        "         UNION SELECT o.refobjid, o.refobjsubid FROM pg_depend o WHERE o.classid = 'pg_class'::regclass "
        "         AND o.objid = c.oid AND o.refclassid = 'pg_class'::regclass AND o.refobjsubid > 0) users "
        "   JOIN pg_class ut ON ut.oid = users.rel AND ut.relpersistence <> 't' "
        "   JOIN pg_namespace un ON un.oid = ut.relnamespace "
        "   JOIN pg_attribute ua ON ua.attrelid = users.rel AND ua.attnum = users.num) "
        "FROM deps JOIN pg_class c ON deps.refclassid = 'pg_class'::regclass AND c.oid = deps.refobjid AND c.relkind = 'S' "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "ORDER BY 1, 2, 3");
    if (ok && (ok = exec(calledSql))) {
        while (q.next()) {
            if (q.value(0).toString() == QLatin1String("f")) {
                CalledFunction f;
                f.schema = q.value(1).toString();
                f.name = q.value(2).toString();
                // The server's own functions, and an extension's native ones (pgcrypto, uuid-ossp,
                // dblink), are known by their names; any other is the user's own, whatever its label.
                f.kind = f.schema == QLatin1String("pg_catalog") || q.value(4).toString() == QLatin1String("native")
                    ? CalledFunction::Kind::BuiltIn
                    : CalledFunction::Kind::Stored;
                f.volatility = q.value(3).toString().at(0);
                calls->functions << f;
            } else {
                calls->sequences << NamedSequence{q.value(1).toString() + QLatin1Char('.') + q.value(2).toString(),
                                                  q.value(4).toString()};
            }
        }
    }
    // CURRENT_TIMESTAMP, CURRENT_USER and the like are no function calls but read the clock or the
    // session: stable. They show in the stored expression tree.
    if (ok && sessionValue && place == ExpressionPlace::Default
        && (ok = exec(QStringLiteral("SELECT bool_or(adbin::text LIKE '%{SQLVALUEFUNCTION %') FROM pg_attrdef "
                                     "WHERE adrelid = 'pg_temp.stagecraft_probe'::regclass")))
        && q.next())
        *sessionValue = q.value(0).toBool();
    q.finish();
    db.rollback();
    return ok;
}

bool PostgresCatalog::probeTypeRewrite(const QString &type, bool *rewrites, ConnectionError *error)
{
    *rewrites = false;
    QString why;
    if (!SqlFragment::check(PG, type, &why)) {
        if (error) {
            error->kind = ConnectionError::Kind::Query;
            error->serverMessage.clear();
            error->explanation = QStringLiteral("The type %1.").arg(why);
        }
        return false;
    }
    // The server decides, not a list: ALTER TABLE rewrites a table (a new relfilenode, even when it is
    // empty) whenever the new column's values must be checked, as a domain's constraints are. An
    // empty table, so a domain that refuses NULL does not fail the probe. Nothing outlives the transaction.
    QSqlDatabase db = m_connection.database();
    QSqlQuery q(db);
    const QString what = QStringLiteral("checking whether the type rewrites the table");
    if (!db.transaction()) {
        if (error)
            *error = ConnectionError::fromQueryFailure(what, db.lastError());
        return false;
    }
    const QString fileNode = QStringLiteral("SELECT relfilenode FROM pg_class WHERE oid = 'pg_temp.stagecraft_probe'::regclass");
    QVariant before, after;
    const bool ok = q.exec(QStringLiteral("CREATE TEMPORARY TABLE stagecraft_probe (stagecraft_probe_id int) ON COMMIT DROP"))
        && q.exec(fileNode) && q.next() && (before = q.value(0)).isValid()
        && q.exec(QStringLiteral("ALTER TABLE stagecraft_probe ADD COLUMN stagecraft_probe_value %1").arg(type))
        && q.exec(fileNode) && q.next() && (after = q.value(0)).isValid();
    if (!ok && error)
        *error = ConnectionError::fromQueryFailure(what, q.lastError());
    q.finish();
    db.rollback();
    *rewrites = ok && before != after;
    return ok;
}

} // namespace Stagecraft
