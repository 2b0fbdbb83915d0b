#pragma once

#include <QList>
#include <QMap>
#include <QMetaType>
#include <QDateTime>
#include <QString>
#include <QStringList>

namespace Stagecraft {

// Plain values read from a database's catalog. They carry no connection and may cross threads.

struct TableRef
{
    QString schema; // PostgreSQL schema, MySQL/MariaDB database, SQLite "main"
    QString name;
    bool operator==(const TableRef &) const = default;
};

enum class RelationKind { Table, PartitionedTable, Partition, View };

struct TableSummary
{
    TableRef table;
    RelationKind kind = RelationKind::Table;
    TableRef parent; // the partitioned table a partition belongs to
    qint64 estimatedRows = -1; // -1: unknown (PostgreSQL never analysed; views)
    bool rowCountExact = false; // SQLite counts rows; the servers estimate them
    qint64 totalBytes = -1; // table + indexes + TOAST; -1: unknown
    bool operator==(const TableSummary &) const = default;
};

struct ColumnInfo
{
    QString name;
    QString type; // as the engine spells it, with length / precision: numeric(10,2), varchar(40)
    QString baseType; // without parameters or array brackets: numeric, character varying, varchar
    int length = -1; // character length, -1: none
    int precision = -1; // numeric precision or fractional-second precision, -1: none
    int scale = -1; // numeric scale, -1: none
    bool isArray = false;
    bool nullable = true;
    QString defaultExpression; // empty: no default
    bool primaryKey = false;
    QString generated; // "identity always", "identity by default", "auto_increment", "stored", "virtual", or empty
    QString generationExpression; // for stored / virtual generated columns
    QString collation; // when it differs from the database's default
    QString comment;
    bool operator==(const ColumnInfo &) const = default;
};

struct IndexInfo
{
    QString name;
    QStringList columns; // column names, or the expression text for an expression part
    bool unique = false;
    bool primary = false;
    QString method; // btree, hash, gin, gist, brin, FULLTEXT, SPATIAL, ...
    QString predicate; // the WHERE of a partial index
    bool valid = true; // PostgreSQL: false for an index a failed CREATE INDEX CONCURRENTLY left behind
    QString constraintName; // the UNIQUE / PRIMARY KEY constraint the index backs, if any
    QString definition; // the full CREATE INDEX where the engine can give it
    bool operator==(const IndexInfo &) const = default;
};

enum class ConstraintKind { PrimaryKey, Unique, ForeignKey, Check, Exclusion };

struct ConstraintInfo
{
    QString name;
    ConstraintKind kind = ConstraintKind::Check;
    QStringList columns;
    QString definition; // as the engine prints it: CHECK ((qty > 0)), FOREIGN KEY (a) REFERENCES p(id)
    bool validated = true; // false: added NOT VALID and not validated yet
    TableRef referencedTable; // foreign keys
    QStringList referencedColumns;
    QString onDelete; // NO ACTION, RESTRICT, CASCADE, SET NULL, SET DEFAULT
    QString onUpdate;
    bool operator==(const ConstraintInfo &) const = default;
};

// One direct partition of a partitioned table (PostgreSQL).
struct PartitionInfo
{
    TableRef table;
    bool partitioned = false; // itself partitioned: its rows live one level further down
    bool foreign = false; // a foreign table, which cannot have indexes
    qint64 heapBytes = -1;
    bool operator==(const PartitionInfo &) const = default;
};

// A view or trigger in SQLite's schema, by its own SQL.
struct SchemaObject
{
    QString type; // "view" or "trigger"
    QString name;
    QString sql;
    bool operator==(const SchemaObject &) const = default;
};

struct TableDetails
{
    TableRef table;
    RelationKind kind = RelationKind::Table;
    QList<ColumnInfo> columns;
    QList<IndexInfo> indexes;
    QList<ConstraintInfo> constraints;
    qint64 estimatedRows = -1;
    bool rowCountExact = false;
    qint64 heapBytes = -1; // the table's own data (PostgreSQL: main fork; MySQL: DATA_LENGTH)
    qint64 indexBytes = -1;
    qint64 totalBytes = -1;
    QString rowFormat; // MySQL/MariaDB: Dynamic, Compact, Compressed, Redundant
    bool hasFulltextIndex = false; // MySQL/MariaDB: rules out INSTANT
    int instantRowVersions = -1; // MySQL 8.0.29+: INNODB_TABLES.TOTAL_ROW_VERSIONS; -1: not applicable
    quint32 fileNode = 0; // PostgreSQL relfilenode: changes when the table is rewritten
    QString comment;
    QStringList triggers; // SQLite: each CREATE TRIGGER on the table (a rebuild must recreate them)
    QList<PartitionInfo> partitions; // PostgreSQL: a partitioned table's direct partitions, by schema and name
    // PostgreSQL logical replication: the publications that send the table's changes (or its
    // partitions') to subscribers, by name; of those, the ones with a column list (a new column is
    // not sent until it is added to the list); and whether one publishes UPDATEs of a table without
    // a replica identity (its UPDATEs then fail, a backfill's too).
    QStringList publications;
    QStringList publicationsWithColumnList;
    bool publishedUpdatesWithoutIdentity = false;
    // SQLite: the views that name the table (or such a view), their INSTEAD OF triggers, and other
    // tables' triggers that name them, in the order they were created. ALTER TABLE ... RENAME checks
    // every view and trigger, so a rebuild must drop these before it drops the table and make them
    // again after the rename.
    QList<SchemaObject> dependents;
    QString createSql; // SQLite: the table's own CREATE TABLE as sqlite_schema keeps it
    bool withoutRowid = false; // SQLite: a WITHOUT ROWID table, found only by its primary key
    QString definitionSql; // CREATE TABLE with its constraints and indexes, as the engine would accept it

    [[nodiscard]] const ColumnInfo *column(const QString &name) const;
    [[nodiscard]] QStringList primaryKey() const;
};

// Something in the database that depends on a table, read from its catalog: what a new column may
// change the fate of besides the application's own statements.
struct TableDependent
{
    enum class Kind {
        View,
        MaterializedView,
        Function, // a function (or MySQL/MariaDB stored function) whose body names the table
        Procedure,
        Trigger,
        Rule, // PostgreSQL
        Publication, // PostgreSQL logical replication
        ReplicaIdentity, // PostgreSQL: what a publication sends to identify an updated or deleted row
        ForeignKeyIn, // another table's foreign key references this one
        ForeignKeyOut, // this table's foreign key references another
        Partition,
        Event // MySQL/MariaDB scheduled events
    };
    Kind kind = Kind::View;
    QString name; // as the engine names it, with its schema where it has one: public.order_totals
    QString detail; // what it is, in one line: "AFTER INSERT OR UPDATE, row", "columns (id, total)", "(customer_id) -> public.customers (id)"
    // What adding the column means for it, in words a reviewer acts on ("its SELECT * was expanded
    // when the view was made: the view will not show the new column until it is made again"); empty:
    // nothing to act on.
    QString impact;
    bool operator==(const TableDependent &) const = default;
};
[[nodiscard]] QString dependentKindName(TableDependent::Kind kind); // "materialized view"

enum class TypeCategory { BuiltIn, Enum, Domain, Composite, Range, Other };

// A type the designer can offer, with what parameters it takes.
struct TypeInfo
{
    QString schema; // empty for built-in types
    QString name; // as written in DDL: integer, character varying, varchar, "Mood"
    TypeCategory category = TypeCategory::BuiltIn;
    enum class Parameters { None, Length, PrecisionScale, Precision } parameters = Parameters::None;
    QStringList enumLabels; // for enums
    QString baseType; // for domains
    bool operator==(const TypeInfo &) const = default;
};

// A session that holds or waits for a lock on a table, or keeps a transaction open: the reasons an
// ALTER would queue (and make every later query queue behind it).
struct BlockingSession
{
    qint64 pid = 0; // PostgreSQL backend pid; MySQL/MariaDB connection id
    QString user;
    QString application;
    QString state; // active, idle in transaction, ...
    double transactionSeconds = -1; // age of the open transaction; -1: none
    QString query; // its current or last statement
    QStringList locks; // lock modes it holds on the table (PostgreSQL), or "metadata lock (table open)"
    bool waiting = false; // itself waiting for a lock
    // PostgreSQL: when the session connected (pg_stat_activity.backend_start), which tells it from a
    // later session given the same pid; invalid elsewhere (MySQL/MariaDB never reuse an id while running).
    QDateTime connectedAt;
    bool operator==(const BlockingSession &) const = default;
};

// A function an expression calls (or a sequence it names), as the catalog describes it: found
// without running the expression (PostgreSQL: the dependencies of a temporary object holding it;
// MySQL/MariaDB: the names its text calls, looked up in information_schema).
struct CalledFunction
{
    enum class Kind { BuiltIn, Stored, Loadable };
    QString schema; // PostgreSQL: its namespace; MySQL/MariaDB: a stored function's database, empty for a built-in
    QString name; // a built-in's name in lower case
    Kind kind = Kind::BuiltIn;
    QChar volatility; // PostgreSQL's provolatile: 'i', 's' or 'v'; null elsewhere
    QString dataAccess; // MySQL/MariaDB stored functions: NO SQL, CONTAINS SQL, READS SQL DATA, MODIFIES SQL DATA
    bool operator==(const CalledFunction &) const = default;
};

// A sequence an expression names, and the column whose values it already gives, if any.
struct NamedSequence
{
    QString name; // schema.sequence as the server names it
    QString usedBy; // schema.table.column whose default or identity takes it; empty: none
    bool operator==(const NamedSequence &) const = default;
};

struct ExpressionCalls
{
    QList<CalledFunction> functions;
    QList<NamedSequence> sequences;
    bool operator==(const ExpressionCalls &) const = default;
};

} // namespace Stagecraft

Q_DECLARE_METATYPE(Stagecraft::TableRef)
Q_DECLARE_METATYPE(Stagecraft::TableSummary)
Q_DECLARE_METATYPE(Stagecraft::TableDetails)
Q_DECLARE_METATYPE(Stagecraft::TypeInfo)
