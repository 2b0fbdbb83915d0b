#include "sqliteplanner.h"

#include "costmodel.h"
#include "failingwrites.h"
#include "sql/quoting.h"
#include "sql/sqliteschemasql.h"

#include <algorithm>

namespace Stagecraft {

namespace {
const Engine SQ = Engine::SQLite;
const QString WriteLock = QStringLiteral("database write lock (RESERVED, EXCLUSIVE at commit)");
using Kind = CreatedObject::Kind;
// Tables, indexes, views and triggers share one namespace per database file.
const CreatedObject::Scope InDatabase = CreatedObject::Scope::Database;
} // namespace

SqlitePlanner::SqlitePlanner(const PlannerInput &input)
    : m_in(input)
    , m_spec(input.spec)
    , m_table(quoteIdentifier(SQ, input.spec.table.name))
    , m_column(quoteIdentifier(SQ, input.spec.name))
{
}

QString SqlitePlanner::columnDefinition(bool withConstraints, bool expressionDefault) const
{
    QString definition = m_column + QLatin1Char(' ') + m_spec.type;
    if (!withConstraints)
        return definition;
    if (!m_spec.nullable)
        definition += QLatin1String(" NOT NULL");
    if (m_spec.defaultKind == ColumnSpec::DefaultKind::Literal)
        definition += QLatin1String(" DEFAULT ") + quoteLiteral(SQ, m_spec.defaultValue);
    // CREATE TABLE takes a constant expression in parentheses (datetime('now'), random()); ADD
    // COLUMN takes none, so only the rebuild asks for it. Validation has made SQLite create and
    // insert into a table with this very DEFAULT, so it is one SQLite accepts.
    if (expressionDefault && m_spec.defaultKind == ColumnSpec::DefaultKind::Expression)
        definition += QStringLiteral(" DEFAULT (%1)").arg(m_spec.defaultValue);
    if (!m_spec.check.isEmpty())
        definition += QStringLiteral(" CHECK (%1)").arg(m_spec.check);
    if (m_spec.hasForeignKey()) {
        definition += QStringLiteral(" REFERENCES %1 (%2)")
                          .arg(quoteIdentifier(SQ, m_spec.referencedTable.name), quoteIdentifier(SQ, m_spec.referencedColumn));
        if (!m_spec.onDelete.isEmpty())
            definition += QLatin1String(" ON DELETE ") + m_spec.onDelete;
        if (!m_spec.onUpdate.isEmpty())
            definition += QLatin1String(" ON UPDATE ") + m_spec.onUpdate;
    }
    return definition;
}

PlanStep SqlitePlanner::step(Stage stage, const QString &title, const QStringList &sql) const
{
    PlanStep s;
    s.stage = stage;
    s.title = title;
    s.sql = sql;
    s.locks = {{QStringLiteral("main.") + m_spec.table.name, WriteLock}};
    s.blocksWrites = true; // one writer per file
    // In WAL mode readers go on; in rollback-journal mode they wait for the commit.
    s.blocksReads = m_in.server.settings.value(QStringLiteral("journal_mode")) != QLatin1String("wal");
    s.estimatedSeconds = CostModel::CatalogOnlySeconds;
    s.lockHeldSeconds = CostModel::CatalogOnlySeconds;
    return s;
}

Plan SqlitePlanner::plan()
{
    m_plan.engine = SQ;
    m_plan.serverVersion = m_in.server.version;
    m_plan.targetVersion = m_in.targetVersion;
    m_plan.targetVersionText = m_in.server.version;
    m_plan.table = m_spec.table;
    m_plan.estimatedRows = m_in.table.estimatedRows;
    m_plan.totalBytes = m_in.table.totalBytes;
    m_plan.spec = m_spec;
    m_plan.sync = Sync::decide(SQ, m_spec, m_in.table);
    const bool sync = m_plan.sync.enabled;
    if (const QString stale = m_plan.sync.staleWarning(m_spec); !stale.isEmpty())
        m_plan.warnings << stale;

    const bool literalDefault = m_spec.defaultKind == ColumnSpec::DefaultKind::Literal;
    const bool expressionDefault = m_spec.defaultKind == ColumnSpec::DefaultKind::Expression;
    // What ALTER TABLE ADD COLUMN refuses (sqlite.org/lang_altertable.html).
    QString refusal;
    const bool notNullRefused = !m_spec.nullable && !(literalDefault && m_spec.backfill.isEmpty());
    if (notNullRefused)
        refusal = QStringLiteral("NOT NULL needs a non-NULL constant default when the column is added");
    else if (m_spec.hasForeignKey() && literalDefault)
        refusal = QStringLiteral("a REFERENCES column must default to NULL when foreign keys are on");
    // NOT NULL is checked before an AFTER INSERT trigger runs: a column the sync fills is added
    // nullable and made NOT NULL by a rebuild when the sync ends (its triggers go with the old table).
    const bool lateNotNull = m_lateNotNull = sync && notNullRefused && !(m_spec.hasForeignKey() && literalDefault);
    PlanStep newRowsDefault;
    if (!refusal.isEmpty() && !lateNotNull) {
        rebuild();
        m_plan.warnings << QStringLiteral("SQLite cannot add this column in place (%1): the table is rebuilt, holding "
                                          "the write lock for the whole copy.").arg(refusal);
        if (!m_spec.nullable && m_spec.defaultKind == ColumnSpec::DefaultKind::None) {
            m_plan.steps.last().failingWrites = QStringLiteral("INSERTs that omit %1 fail from here on.").arg(m_spec.name);
            m_plan.warnings << QStringLiteral("From the rebuild on, an application that does not write %1 fails on every INSERT: "
                                              "give the column a default, or keep it filled with \"sync\": true (it is then "
                                              "added nullable and made NOT NULL once the application writes it).")
                                   .arg(m_spec.name);
        }
        addSync();
    } else {
        // UNIQUE and expression defaults cannot be part of ADD COLUMN: they follow as an index and a trigger.
        const bool inlineDefault = literalDefault && m_spec.backfill.isEmpty();
        QString definition = m_column + QLatin1Char(' ') + m_spec.type;
        if (!m_spec.nullable && !lateNotNull)
            definition += QLatin1String(" NOT NULL");
        if (inlineDefault)
            definition += QLatin1String(" DEFAULT ") + quoteLiteral(SQ, m_spec.defaultValue);
        if (!m_spec.check.isEmpty())
            definition += QStringLiteral(" CHECK (%1)").arg(m_spec.check);
        if (m_spec.hasForeignKey())
            definition = columnDefinition(true).remove(QLatin1String(" NOT NULL"));
        PlanStep add = step(Stage::Expand, QStringLiteral("Add column %1").arg(m_spec.name),
                            {QStringLiteral("ALTER TABLE %1 ADD COLUMN %2").arg(m_table, definition)});
        add.rollbackSql = {QStringLiteral("ALTER TABLE %1 DROP COLUMN %2").arg(m_table, m_column)};
        add.appliedSql = QStringLiteral("SELECT COUNT(*) > 0 FROM pragma_table_info(%1) WHERE name = %2")
                             .arg(quoteLiteral(SQ, m_spec.table.name), quoteLiteral(SQ, m_spec.name));
        add.rule = lateNotNull ? QStringLiteral("sqlite.add-column.nullable-until-sync-ends") : QStringLiteral("sqlite.add-column");
        add.why = lateNotNull ? QStringLiteral("ADD COLUMN only rewrites the schema text; the write lock lasts milliseconds. The column "
                                               "is nullable while the sync fills it: NOT NULL would fail a writer's INSERT before the "
                                               "sync's trigger runs. The rebuild that ends the sync makes it NOT NULL.")
                              : QStringLiteral("ADD COLUMN only rewrites the schema text; the write lock lasts milliseconds.");
        if (!m_spec.check.isEmpty()) {
            add.scansTable = true;
            add.estimatedSeconds = add.lockHeldSeconds = CostModel::scan(m_in.server.engine, m_in.table.heapBytes);
            add.why = QStringLiteral("ADD COLUMN with a CHECK reads every row (SQLite 3.37+) under the write lock.");
            add.failingWrites = FailingWrites::breakingCheck(m_spec);
        }
        m_plan.steps << add;
        if (expressionDefault || (literalDefault && !inlineDefault)) {
            // With a sync, new rows get the sync's value until it ends; the default's trigger then
            // takes over (two AFTER INSERT triggers would race for the NULL).
            newRowsDefault = defaultTrigger();
            if (!sync)
                m_plan.steps << newRowsDefault;
            m_plan.warnings << QStringLiteral("The trigger also replaces a NULL inserted on purpose, which a real "
                                              "DEFAULT would keep.");
        }
        addSync();
        if (!m_spec.backfill.isEmpty() || expressionDefault)
            backfill();
    }
    const PlanStep index = indexStep();
    if (!index.sql.isEmpty())
        m_plan.steps << index;
    if (lateNotNull)
        rebuild(true, index.sql);
    else if (sync)
        dropSync(newRowsDefault);
    addGates();
    // The old table is gone once a rebuild commits: nothing undoes it (a rollback would be a second
    // rebuild), so a run that stopped after it is resumed, not rolled back.
    for (int i = 0; i < m_plan.steps.size(); ++i) {
        if (m_plan.steps.at(i).rule.startsWith(QLatin1String("sqlite.rebuild"))) {
            m_plan.pointOfNoReturn = i;
            break;
        }
    }
    naive(refusal);
    return m_plan;
}

QString SqlitePlanner::sameRow() const
{
    QStringList same;
    for (const QString &k : rowKey()) {
        const QString key = k == rowidName() ? k : quoteIdentifier(SQ, k);
        same << QStringLiteral("%1 = NEW.%1").arg(key);
    }
    return same.join(QLatin1String(" AND "));
}

PlanStep SqlitePlanner::defaultTrigger() const
{
    const bool expressionDefault = m_spec.defaultKind == ColumnSpec::DefaultKind::Expression;
    const QString value = expressionDefault ? m_spec.defaultValue : quoteLiteral(SQ, m_spec.defaultValue);
    const QString trigger = generatedName(SQ, m_spec.table.name, m_spec.name, QStringLiteral("default"));
    PlanStep t = step(Stage::Expand, QStringLiteral("Default new rows of %1 with a trigger").arg(m_spec.name),
                      {QStringLiteral("CREATE TRIGGER IF NOT EXISTS %1 AFTER INSERT ON %2 FOR EACH ROW WHEN NEW.%3 IS "
                                      "NULL BEGIN UPDATE %2 SET %3 = (%4) WHERE %5; END")
                           .arg(quoteIdentifier(SQ, trigger), m_table, m_column, value, sameRow())});
    t.rollbackSql = {QStringLiteral("DROP TRIGGER IF EXISTS %1").arg(quoteIdentifier(SQ, trigger))};
    // Also what the verification after a run asks: the column itself has no DEFAULT, the trigger is it.
    t.appliedSql = QStringLiteral("SELECT COUNT(*) > 0 FROM sqlite_schema WHERE type = 'trigger' AND name = %1")
                       .arg(quoteLiteral(SQ, trigger));
    t.creates = {{Kind::Trigger, trigger, InDatabase, m_spec.table, QStringLiteral("default")}};
    t.rule = QStringLiteral("sqlite.default.trigger");
    t.why = QStringLiteral("SQLite cannot add a column with this default: a trigger gives new rows the value, "
                           "the backfill gives it to existing rows.");
    return t;
}

void SqlitePlanner::addSync()
{
    if (!m_plan.sync.enabled)
        return;
    // AFTER triggers: SQLite's BEFORE triggers cannot change the row. Each fills the row just
    // written, by its key, with the expression as written: its columns are that row's.
    QStringList sql{QStringLiteral("CREATE TRIGGER %1 AFTER INSERT ON %2 FOR EACH ROW WHEN NEW.%3 IS NULL BEGIN UPDATE %2 SET %3 = (%4) "
                                   "WHERE %5; END")
                        .arg(quoteIdentifier(SQ, m_plan.sync.insertTrigger), m_table, m_column, m_spec.backfill, sameRow())};
    QList<CreatedObject> creates{{Kind::Trigger, m_plan.sync.insertTrigger, InDatabase, m_spec.table, QStringLiteral("sync")}};
    if (!m_plan.sync.updateTrigger.isEmpty()) {
        QStringList read;
        for (const QString &c : std::as_const(m_plan.sync.columnsRead))
            read << quoteIdentifier(SQ, c);
        sql << QStringLiteral("CREATE TRIGGER %1 AFTER UPDATE OF %2 ON %3 FOR EACH ROW WHEN NEW.%4 IS OLD.%4 BEGIN UPDATE %3 SET %4 = (%5) "
                              "WHERE %6; END")
                   .arg(quoteIdentifier(SQ, m_plan.sync.updateTrigger), read.join(QLatin1String(", ")), m_table, m_column, m_spec.backfill, sameRow());
        creates << CreatedObject{Kind::Trigger, m_plan.sync.updateTrigger, InDatabase, m_spec.table, QStringLiteral("sync")};
    }
    PlanStep s = step(Stage::Expand, QStringLiteral("Keep %1 filled for writers that do not know it").arg(m_spec.name), sql);
    QStringList names;
    for (const CreatedObject &o : std::as_const(creates)) {
        s.rollbackSql << QStringLiteral("DROP TRIGGER IF EXISTS %1").arg(quoteIdentifier(SQ, o.name));
        names << quoteLiteral(SQ, o.name);
    }
    s.appliedSql = QStringLiteral("SELECT COUNT(*) = %1 FROM sqlite_schema WHERE type = 'trigger' AND name IN (%2)")
                       .arg(QString::number(names.size()), names.join(QLatin1String(", ")));
    // Once the rebuild made the column NOT NULL the sync has ended, its triggers gone with the old
    // table: a plan run again (a resume that finds every step) must not make them again.
    if (m_lateNotNull)
        s.appliedSql = QStringLiteral("SELECT (%1) OR EXISTS (SELECT 1 FROM pragma_table_info(%2) WHERE name = %3 AND \"notnull\")")
                           .arg(s.appliedSql, quoteLiteral(SQ, m_spec.table.name), quoteLiteral(SQ, m_spec.name));
    s.creates = creates;
    s.rule = QStringLiteral("sqlite.sync.trigger");
    // SQLite's triggers cannot catch an error: a write for which the expression fails fails.
    s.failingWrites = FailingWrites::syncErrors(m_spec);
    s.why = m_plan.sync.behaviour(m_spec)
        + QStringLiteral(" Creating a trigger takes the write lock for milliseconds. Cost: such a write runs one more UPDATE of "
                         "that row, which also fires the table's own UPDATE triggers.");
    m_plan.steps << s;
}

void SqlitePlanner::dropSync(const PlanStep &defaultTrigger)
{
    QStringList sql, names;
    for (const QString &t : {m_plan.sync.insertTrigger, m_plan.sync.updateTrigger}) {
        if (t.isEmpty())
            continue;
        sql << QStringLiteral("DROP TRIGGER IF EXISTS %1").arg(quoteIdentifier(SQ, t));
        names << quoteLiteral(SQ, t);
    }
    // The default's trigger takes over in the same transaction: no row is written between the two.
    sql << defaultTrigger.sql;
    PlanStep s = step(Stage::Contract, QStringLiteral("Stop filling %1: the application writes it").arg(m_spec.name), sql);
    s.appliedSql = QStringLiteral("SELECT COUNT(*) = 0 FROM sqlite_schema WHERE type = 'trigger' AND name IN (%1)")
                       .arg(names.join(QLatin1String(", ")));
    s.creates = defaultTrigger.creates;
    s.rule = QStringLiteral("sqlite.sync.drop");
    s.why = QStringLiteral("The sync ends: dropping its triggers takes the write lock for milliseconds. From here on a row "
                           "written without %1 gets %2.").arg(m_spec.name, Sync::afterwards(m_spec));
    m_plan.steps << s;
}

void SqlitePlanner::addGates()
{
    // SQLite keeps no statistics of writes: the gates have no probe.
    if (m_spec.gateAfterExpand)
        insertGate(&m_plan.steps, deployGate(QStringLiteral("after-expand"), m_spec));
    if (m_plan.sync.enabled)
        insertGate(&m_plan.steps, deployGate(QStringLiteral("before-contract"), m_spec));
}

void SqlitePlanner::rebuild(bool contract, const QStringList &extraSql)
{
    QString unreadable;
    const PlanStep s = rebuildStep(contract, extraSql, &unreadable);
    if (s.sql.isEmpty()) {
        m_plan.warnings << QStringLiteral("The CREATE TABLE of %1 could not be read (%2), so it cannot be rebuilt.")
                               .arg(m_spec.table.name, unreadable);
        return;
    }
    if (m_in.server.settings.value(QStringLiteral("journal_mode")) != QLatin1String("wal"))
        m_plan.warnings << QStringLiteral("The database is not in WAL mode: readers also wait while the table is rebuilt.");
    m_plan.steps << s;
}

PlanStep SqlitePlanner::rebuildStep(bool contract, const QStringList &extraSql, QString *unreadable) const
{
    // The 12 steps of sqlite.org/lang_altertable.html#otheralter, in one write transaction. The new
    // table is the old one's own CREATE TABLE with the column added, not one rebuilt from the
    // catalog: the pragmas do not give back everything it says (collations, named and table-level
    // constraints, ON CONFLICT clauses, generated columns' expressions, AUTOINCREMENT, WITHOUT ROWID,
    // STRICT), so only the text keeps all of it.
    const QString &createSql = m_in.table.createSql;
    SqliteSchemaSql::TableParts parts;
    if (!SqliteSchemaSql::parseCreateTable(createSql, &parts, unreadable))
        return {};
    const QString temporaryName = QStringLiteral("stagecraft_new_") + m_spec.table.name;
    const QString temporary = quoteIdentifier(SQ, temporaryName);
    // The column goes after the last column definition: SQLite's grammar allows none after a table
    // constraint such as PRIMARY KEY (order_id, line_no).
    const QString create = QStringLiteral("CREATE TABLE %1 ").arg(temporary) + createSql.mid(parts.open, parts.columnsEnd - parts.open)
        + QLatin1String(", ") + columnDefinition(true, true) + createSql.mid(parts.columnsEnd);
    QStringList columns;
    // The copy keeps each row's rowid: unless it is an INTEGER PRIMARY KEY (and copied as that
    // column), the new table would number its rows afresh, and whatever refers to rows by rowid (an
    // external-content full-text index, the application) would point at other rows.
    if (!rowidName().isEmpty())
        columns << rowidName();
    for (const ColumnInfo &c : m_in.table.columns) {
        if (c.generated != QLatin1String("stored") && c.generated != QLatin1String("virtual"))
            columns << quoteIdentifier(SQ, c.name);
    }
    // Ending the sync, each row keeps the value it has: the backfill's, the sync's, or the one the
    // application wrote.
    QString value = contract ? m_column : Backfill::valueForExistingRows(SQ, m_spec);
    if (value.isEmpty())
        value = QStringLiteral("NULL");
    QStringList sql = {QStringLiteral("PRAGMA foreign_keys = OFF"), QStringLiteral("BEGIN IMMEDIATE"),
                       QStringLiteral("DROP TABLE IF EXISTS %1").arg(temporary), create,
                       QStringLiteral("INSERT INTO %1 (%2, %3) SELECT %2, %4 FROM %5")
                           .arg(temporary, columns.join(QLatin1String(", ")), m_column, value, m_table)};
    // AUTOINCREMENT promises never to issue an id twice, by the table's row in sqlite_sequence (names
    // compare without case there as everywhere in SQLite's schema):
    // DROP TABLE deletes the old table's row, and the copy's own row only knows the ids left (after
    // the top rows were deleted, the next insert would issue one of theirs again). The copy's row
    // takes the old one's high-water mark; RENAME then moves it to the table's name.
    if (parts.autoincrement) {
        const QString oldName = quoteLiteral(SQ, m_spec.table.name), newName = quoteLiteral(SQ, temporaryName);
        sql << QStringLiteral("UPDATE sqlite_sequence SET seq = (SELECT max(seq) FROM sqlite_sequence WHERE name = %1 COLLATE NOCASE "
                              "OR name = %2) WHERE name = %2").arg(oldName, newName)
            << QStringLiteral("INSERT INTO sqlite_sequence (name, seq) SELECT %2, seq FROM sqlite_sequence WHERE name = %1 COLLATE NOCASE "
                              "AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = %2)").arg(oldName, newName);
    }
    // ALTER TABLE ... RENAME reads every view and trigger in the schema again and fails on one that
    // names a table that is not there ("error in view v: no such table"): the views and other
    // triggers that use the table go before it does. Triggers first, as dropping a view takes its
    // INSTEAD OF triggers with it.
    const QList<SchemaObject> &dependents = m_in.table.dependents;
    for (const QString &type : {QStringLiteral("trigger"), QStringLiteral("view")}) {
        for (const SchemaObject &o : dependents) {
            if (o.type == type)
                sql << QStringLiteral("DROP %1 %2").arg(type.toUpper(), quoteIdentifier(SQ, o.name));
        }
    }
    sql << QStringLiteral("DROP TABLE %1").arg(m_table) << QStringLiteral("ALTER TABLE %1 RENAME TO %2").arg(temporary, m_table);
    // DROP TABLE took the indexes and triggers with it: recreate them, and the views and triggers
    // dropped above (in the order they were made, so a view is there before its triggers), from
    // their own SQL.
    for (const IndexInfo &i : m_in.table.indexes) {
        if (!i.definition.isEmpty())
            sql << i.definition;
    }
    sql << extraSql << m_in.table.triggers;
    for (const SchemaObject &o : dependents)
        sql << o.sql;
    // Foreign keys are off during the copy, so nothing has checked the rows against them: the check
    // answers one row per violation, and any row makes the runner roll the whole rebuild back.
    const QString foreignKeyCheck = QStringLiteral("PRAGMA foreign_key_check(%1)").arg(m_table);
    // Leave foreign key enforcement as this connection had it.
    const QString foreignKeys = m_in.server.settings.value(QStringLiteral("foreign_keys"), QStringLiteral("0"));
    sql << foreignKeyCheck << QStringLiteral("COMMIT")
        << QStringLiteral("PRAGMA foreign_keys = %1").arg(foreignKeys == QLatin1String("1") ? QStringLiteral("ON") : QStringLiteral("OFF"));
    PlanStep s = contract ? step(Stage::Contract, QStringLiteral("Rebuild %1 with %2 NOT NULL, ending the sync").arg(m_spec.table.name, m_spec.name), sql)
                          : step(Stage::Expand, QStringLiteral("Rebuild %1 with the new column").arg(m_spec.table.name), sql);
    s.transactional = false; // it runs its own: PRAGMA foreign_keys only works outside a transaction
    s.failIfRowsSql = foreignKeyCheck;
    s.failIfRowsMessage = QStringLiteral("a row of %1 that breaks a foreign key").arg(m_spec.table.name);
    s.rewritesTable = true;
    s.estimatedSeconds = s.lockHeldSeconds = CostModel::rewrite(m_in.server.engine, m_in.table.totalBytes);
    s.appliedSql = QStringLiteral("SELECT COUNT(*) > 0 FROM pragma_table_info(%1) WHERE name = %2%3")
                       .arg(quoteLiteral(SQ, m_spec.table.name), quoteLiteral(SQ, m_spec.name),
                            contract ? QStringLiteral(" AND \"notnull\"") : QString());
    // The copy's table, dropped first if it is there: a stranger of that name would be lost. The
    // indexes, triggers and views made again keep the names they had, so they are not declared.
    s.creates = {{Kind::Table, temporaryName, InDatabase, m_spec.table, QStringLiteral("table")}};
    s.rule = contract ? QStringLiteral("sqlite.rebuild.not-null") : QStringLiteral("sqlite.rebuild");
    s.why = contract ? QStringLiteral("ALTER TABLE cannot make a column NOT NULL: the table is copied into a new one where it is, "
                                      "each row keeping its value, renamed, its indexes, triggers and the views using it made "
                                      "again (not the sync's triggers: the sync ends) and its foreign keys checked, in one "
                                      "transaction; writers wait for the copy.")
                     : QStringLiteral("ALTER TABLE cannot add this column: the table is copied into a new one with it, renamed, its "
                                      "indexes, triggers and the views using it made again and its foreign keys checked, in one "
                                      "transaction; writers wait for the copy.");
    if (contract) { // a NULL would fail the copy, which rolls back: said plainly first
        s.guardSql = QStringLiteral("SELECT COUNT(*) FROM %1 WHERE %2 IS NULL").arg(m_table, m_column);
        s.guardMessage = QStringLiteral("rows hold NULL in %1, written since the backfill").arg(m_spec.name);
    }
    if (contract && m_spec.defaultKind == ColumnSpec::DefaultKind::None)
        s.failingWrites = QStringLiteral("INSERTs that omit %1 fail from here on: the sync ends and NOT NULL holds.").arg(m_spec.name);
    return s;
}

QString SqlitePlanner::rowidName() const
{
    // A column's name wins over the rowid's: where a column (the new one too) is called rowid, the
    // rowid is only reachable as _rowid_ or oid, and "rowid" would silently mean that column.
    if (m_in.table.withoutRowid)
        return {};
    for (const QString &name : {QStringLiteral("rowid"), QStringLiteral("_rowid_"), QStringLiteral("oid")}) {
        const bool taken = SqliteSchemaSql::sameName(name, m_spec.name)
            || std::any_of(m_in.table.columns.cbegin(), m_in.table.columns.cend(),
                           [&](const ColumnInfo &c) { return SqliteSchemaSql::sameName(c.name, name); });
        if (!taken)
            return name;
    }
    return {};
}

QStringList SqlitePlanner::rowKey() const
{
    // A WITHOUT ROWID table has no rowid: its primary key (which it must have) is the only handle on
    // a row; so is it where columns have taken all three of the rowid's names.
    const QString rowid = rowidName();
    return rowid.isEmpty() ? m_in.table.primaryKey() : QStringList{rowid};
}

void SqlitePlanner::backfill()
{
    PlanStep s = step(Stage::Backfill, QStringLiteral("Fill %1 in existing rows").arg(m_spec.name), {});
    s.backfill = {SQ, m_table, m_spec.name, Backfill::valueForExistingRows(SQ, m_spec), rowKey(), false};
    s.sql = s.backfill.statements();
    if (!rowidName().isEmpty()) {
        s.rule = QStringLiteral("sqlite.backfill.rowid");
        s.why = QStringLiteral("Existing rows are filled by rowid in short transactions; other writers get the lock "
                               "between batches.");
    } else {
        s.rule = QStringLiteral("sqlite.backfill.key");
        s.why = m_in.table.withoutRowid
            ? QStringLiteral("A WITHOUT ROWID table has no rowid: existing rows are filled by primary key in short "
                             "transactions, in the key's own order; other writers get the lock between batches.")
            : QStringLiteral("Columns have taken every name of the rowid: existing rows are filled by primary key in "
                             "short transactions; other writers get the lock between batches.");
    }
    s.estimatedSeconds = m_in.settings.backfillSeconds(m_in.server.engine, m_in.table.estimatedRows);
    // One writer per file: each batch holds the write lock for about one batch time, and other
    // writers take their turn between batches.
    s.lockHeldSeconds = std::min(s.estimatedSeconds, m_in.settings.batchTargetMs / 1000.0);
    m_plan.steps << s;
}

PlanStep SqlitePlanner::indexStep() const
{
    if (!m_spec.unique && !m_spec.index && !m_spec.hasForeignKey())
        return {};
    const QString index = generatedName(SQ, m_spec.table.name, m_spec.name,
                                        m_spec.unique ? QStringLiteral("key") : QStringLiteral("idx"));
    PlanStep s = step(Stage::Index, QStringLiteral("Build %1index %2").arg(m_spec.unique ? QStringLiteral("unique ") : QString(), index),
                      {QStringLiteral("CREATE %1INDEX IF NOT EXISTS %2 ON %3 (%4)")
                           .arg(m_spec.unique ? QStringLiteral("UNIQUE ") : QString(), quoteIdentifier(SQ, index), m_table, m_column)});
    s.scansTable = true;
    s.estimatedSeconds = s.lockHeldSeconds = CostModel::scan(m_in.server.engine, m_in.table.heapBytes) + CostModel::indexBuild(m_in.server.engine, m_in.table.heapBytes);
    s.rollbackSql = {QStringLiteral("DROP INDEX IF EXISTS %1").arg(quoteIdentifier(SQ, index))};
    s.creates = {{Kind::Index, index, InDatabase, m_spec.table, indexField(m_spec)}};
    s.rule = m_spec.unique ? QStringLiteral("sqlite.unique.index") : QStringLiteral("sqlite.index");
    s.why = m_spec.unique ? QStringLiteral("ADD COLUMN cannot say UNIQUE: a unique index gives the same guarantee.")
                          : QStringLiteral("The index is built under the write lock; readers go on in WAL mode.");
    if (m_spec.unique)
        s.failingWrites = QStringLiteral("Writes that repeat a value of %1 fail from here on.").arg(m_spec.name);
    return s;
}

void SqlitePlanner::naive(const QString &refusal)
{
    PlanStep &n = m_plan.naive;
    n.stage = Stage::Expand;
    n.rule = QStringLiteral("naive");
    n.locks = {{QStringLiteral("main.") + m_spec.table.name, WriteLock}};
    n.blocksWrites = true;
    const bool expressionDefault = m_spec.defaultKind == ColumnSpec::DefaultKind::Expression;
    const PlanStep index = indexStep();
    // What ADD COLUMN refuses, and an expression default (which it cannot give new rows): by hand,
    // the one way SQLite has, the copy of the table sqlite.org describes, in one transaction.
    if (!refusal.isEmpty() || expressionDefault) {
        QString unreadable;
        const PlanStep copy = rebuildStep(false, index.sql, &unreadable);
        if (!copy.sql.isEmpty()) {
            n.title = QStringLiteral("The table copied by hand, in one transaction");
            n.sql = copy.sql;
            n.transactional = false;
            n.rewritesTable = true;
            n.blocksReads = copy.blocksReads;
            n.estimatedSeconds = n.lockHeldSeconds = copy.estimatedSeconds + (index.sql.isEmpty() ? 0 : index.estimatedSeconds);
            n.why = QStringLiteral("ALTER TABLE cannot add this column (%1): by hand it is the copy of the table into a new one "
                                   "with the column, in one transaction that holds the write lock throughout.")
                        .arg(!refusal.isEmpty() ? refusal : QStringLiteral("it cannot give new rows an expression default"));
            return;
        }
    }
    n.title = QStringLiteral("One ALTER TABLE, as written by hand");
    // Where the copy could not be planned (its CREATE TABLE unreadable), what a person would type,
    // which SQLite refuses, as the why says.
    n.sql = {QStringLiteral("ALTER TABLE %1 ADD COLUMN %2").arg(m_table, columnDefinition(true))};
    n.estimatedSeconds = n.lockHeldSeconds = m_spec.check.isEmpty() ? CostModel::CatalogOnlySeconds : CostModel::scan(m_in.server.engine, m_in.table.heapBytes);
    // Filling existing rows by hand is one UPDATE holding the write lock until it commits.
    const QString value = !m_spec.backfill.isEmpty() ? m_spec.backfill : expressionDefault ? m_spec.defaultValue : QString();
    if (!value.isEmpty()) {
        n.sql << QStringLiteral("UPDATE %1 SET %2 = %3").arg(m_table, m_column, value);
        n.estimatedSeconds += CostModel::rewrite(m_in.server.engine, m_in.table.totalBytes);
    }
    // UNIQUE, which ADD COLUMN cannot say, and the index: built after.
    if (!index.sql.isEmpty()) {
        n.sql << index.sql;
        n.estimatedSeconds += index.estimatedSeconds;
    }
    n.lockHeldSeconds = n.estimatedSeconds;
    if (n.sql.size() > 1)
        n.title = QStringLiteral("The statements written by hand");
    n.why = !refusal.isEmpty() ? QStringLiteral("SQLite refuses this ALTER: %1.").arg(refusal)
        : n.sql.size() == 1    ? QStringLiteral("SQLite accepts this ALTER; the plan adds only batching and indexes.")
                               : QStringLiteral("ADD COLUMN, then one UPDATE (and the index) each holding the write lock until it commits.");
}

} // namespace Stagecraft
