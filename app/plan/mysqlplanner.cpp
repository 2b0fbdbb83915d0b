#include "mysqlplanner.h"

#include "costmodel.h"
#include "failingwrites.h"
#include "sql/quoting.h"
#include "sql/sqlfragment.h"

#include <QRegularExpression>

#include <algorithm>

namespace Stagecraft {

MySqlPlanner::MySqlPlanner(const PlannerInput &input)
    : m_in(input)
    , m_spec(input.spec)
    , m_engine(input.server.engine)
    , m_table(quoteQualified(input.server.engine, input.spec.table.schema, input.spec.table.name))
    , m_tableLabel(input.spec.table.schema + QLatin1Char('.') + input.spec.table.name)
    , m_column(quoteIdentifier(input.server.engine, input.spec.name))
{
}

// information_schema queries answering whether a step is already in place.
static QString constraintApplied(Engine e, const TableRef &t, const QString &name)
{
    return QStringLiteral("SELECT COUNT(*) > 0 FROM information_schema.TABLE_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = %1 "
                          "AND TABLE_NAME = %2 AND CONSTRAINT_NAME = %3")
        .arg(quoteLiteral(e, t.schema), quoteLiteral(e, t.name), quoteLiteral(e, name));
}

// MariaDB's "Instant ADD COLUMN for InnoDB" page lists MDEV-18519 (a table can become corrupt after
// a column was added instantly) as fixed in 10.6.9, 10.7.5, 10.8.4 and 10.9.2, and not to be fixed
// before 10.6; series from 10.10 came out after the fix.
bool MySqlPlanner::instantAddCorruptionBug(int version)
{
    if (version < 100609)
        return true;
    const int series = version / 100;
    return (series == 1007 && version < 100705) || (series == 1008 && version < 100804) || (series == 1009 && version < 100902);
}

QString MySqlPlanner::literal() const
{
    return quoteLiteral(m_engine, m_spec.defaultValue);
}

// Proved on Oracle MySQL 9.7.4 and MariaDB 11.8.9 (testmysqlclaims): INSTANT refused for
// ROW_FORMAT=COMPRESSED (1845) and FULLTEXT (MySQL 1846, MariaDB 1845), and MySQL's row-version
// limit. The version thresholds (MySQL 8.0.12 and 8.0.29, MariaDB 10.3.2 and 10.4) and the limit of
// 64 before MySQL 9.1 rest on the documentation: no such server runs here.
bool MySqlPlanner::instantAddAllowed(QString *why) const
{
    const int v = m_in.targetVersion;
    const bool maria = m_engine == Engine::MariaDB;
    const bool positioned = !m_spec.after.isEmpty();
    if (maria ? v < 100302 : v < 80012) {
        *why = maria ? QStringLiteral("MariaDB adds columns instantly from 10.3.2")
                     : QStringLiteral("MySQL adds columns instantly from 8.0.12");
        return false;
    }
    if (positioned && (maria ? v < 100400 : v < 80029)) {
        *why = maria ? QStringLiteral("MariaDB 10.3 adds instantly only as the last column")
                     : QStringLiteral("MySQL before 8.0.29 adds instantly only as the last column");
        return false;
    }
    if (m_in.table.rowFormat.compare(QLatin1String("Compressed"), Qt::CaseInsensitive) == 0) {
        *why = QStringLiteral("ROW_FORMAT=COMPRESSED tables are never changed instantly");
        return false;
    }
    if (m_in.table.hasFulltextIndex) {
        *why = QStringLiteral("a table with a FULLTEXT index is never changed instantly");
        return false;
    }
    // MySQL counts instant ADD/DROP COLUMNs per table: 64 row versions, 255 from 9.1 (error 4092 at the
    // limit). 9.7.4 took the 255th and refused the 256th: "Maximum row versions reached for table ...
    // No more columns can be added or dropped instantly. Please use COPY/INPLACE".
    const int rowVersionLimit = v >= 90100 ? 255 : 64;
    if (!maria && m_in.table.instantRowVersions >= rowVersionLimit) {
        *why = QStringLiteral("the table has used all %1 instant row versions").arg(rowVersionLimit);
        return false;
    }
    return true;
}

QString MySqlPlanner::columnDefinition(bool withNotNull, bool withDefault) const
{
    QString definition = m_column + QLatin1Char(' ') + m_spec.type;
    if (withNotNull)
        definition += QLatin1String(" NOT NULL");
    if (withDefault)
        definition += QLatin1String(" DEFAULT ") + literal();
    if (!m_spec.comment.isEmpty())
        definition += QLatin1String(" COMMENT ") + quoteLiteral(m_engine, m_spec.comment);
    return definition;
}

PlanStep MySqlPlanner::alter(Stage stage, const QString &title, const QString &clause, const QString &algorithm,
                             bool lockNone) const
{
    PlanStep step;
    step.stage = stage;
    step.title = title;
    // MySQL rejects a LOCK clause with INSTANT; MariaDB accepts it, but it says nothing there either.
    step.sql = {QStringLiteral("ALTER TABLE %1 %2, ALGORITHM=%3%4")
                    .arg(m_table, clause, algorithm, lockNone ? QStringLiteral(", LOCK=NONE") : QString())};
    // Claimed "exclusive, briefly at start and end" until measured (testmysqlclaims, MySQL 9.7.4 and
    // MariaDB 11.8.9): every ALTER opens the table with SHARED_UPGRADABLE and holds it while it
    // waits for EXCLUSIVE (behind a transaction that read the table, with every later reader and
    // writer queued behind it); an INSTANT change then takes EXCLUSIVE once, not at start and end.
    step.locks = {{m_tableLabel, QStringLiteral("metadata lock: shared upgradable, then exclusive briefly")}};
    step.blocksReads = step.blocksWrites = true; // for the brief exclusive moments only
    step.estimatedSeconds = CostModel::CatalogOnlySeconds;
    step.lockHeldSeconds = CostModel::CatalogOnlySeconds;
    return step;
}

Plan MySqlPlanner::plan()
{
    const int v = m_in.targetVersion;
    const bool maria = m_engine == Engine::MariaDB;
    m_plan.engine = m_engine;
    m_plan.serverVersion = m_in.server.version;
    m_plan.targetVersion = v;
    m_plan.targetVersionText = QStringLiteral("%1.%2.%3").arg(v / 10000).arg(v / 100 % 100).arg(v % 100);
    m_plan.table = m_spec.table;
    m_plan.estimatedRows = m_in.table.estimatedRows;
    m_plan.totalBytes = m_in.table.totalBytes;
    m_plan.spec = m_spec;
    const QString rebuild = maria ? QStringLiteral("NOCOPY") : QStringLiteral("INPLACE");
    // The sync's triggers compute the expression over a one-row table standing in for the table
    // (addSync): an expression that one row cannot answer gets no sync, rather than triggers that
    // would fail the application's INSERTs.
    const QString oneRow = m_spec.backfill.isEmpty() ? QString() : SqlFragment::oneRowProblem(m_engine, m_spec.backfill);
    m_plan.sync = Sync::decide(m_engine, m_spec, m_in.table,
                               oneRow.isEmpty() ? QString() : QStringLiteral("a trigger cannot compute the backfill: %1").arg(oneRow));
    const bool synced = m_plan.sync.enabled;
    if (const QString stale = m_plan.sync.staleWarning(m_spec); !stale.isEmpty())
        m_plan.warnings << stale;

    const bool literalDefault = m_spec.defaultKind == ColumnSpec::DefaultKind::Literal;
    const bool expressionDefault = m_spec.defaultKind == ColumnSpec::DefaultKind::Expression;
    // Existing rows take a literal default from the ADD itself, unless they get a backfill value.
    const bool inlineDefault = literalDefault && m_spec.backfill.isEmpty();
    const bool inlineNotNull = !m_spec.nullable && inlineDefault;
    // MariaDB checks a NOT NULL column without a default before BEFORE INSERT triggers on the
    // INSERT ... SELECT path (1364 even though the sync would fill it; MySQL checks after them, notes
    // Q2): there NOT NULL comes in the contract stage, once the triggers are gone. A CHECK (x IS NOT
    // NULL) meanwhile, as the notes suggest, would cost a table copy (writes blocked for all of it
    // before 11.2) and a second rebuild to drop it; the INSERT trigger already fills every NULL an
    // INSERT leaves, and the NOT NULL step's guard finds any other before it runs.
    const bool notNullAfterSync = synced && maria && !m_spec.nullable && !inlineNotNull;
    if (!m_spec.nullable && !inlineNotNull && m_spec.defaultKind == ColumnSpec::DefaultKind::None && !synced)
        m_expandGateReason = QStringLiteral("NOT NULL is enforced later in this run, and from then on an INSERT that leaves %1 "
                                            "out fails: nothing fills it (no default, no sync). The column exists now: deploy "
                                            "the application version that writes %1 on every INSERT, then resume.")
                                 .arg(m_spec.name);

    QString whyNot;
    const bool instant = instantAddAllowed(&whyNot);
    QString clause = QStringLiteral("ADD COLUMN %1").arg(columnDefinition(inlineNotNull, inlineDefault));
    if (!m_spec.after.isEmpty())
        clause += QLatin1String(" AFTER ") + quoteIdentifier(m_engine, m_spec.after);
    PlanStep add = alter(Stage::Expand, QStringLiteral("Add column %1").arg(m_spec.name), clause,
                         instant ? QStringLiteral("INSTANT") : QStringLiteral("INPLACE"), !instant);
    add.rollbackSql = {QStringLiteral("ALTER TABLE %1 DROP COLUMN %2").arg(m_table, m_column)};
    add.appliedSql = QStringLiteral("SELECT COUNT(*) > 0 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %1 "
                                    "AND TABLE_NAME = %2 AND COLUMN_NAME = %3")
                         .arg(quoteLiteral(m_engine, m_spec.table.schema), quoteLiteral(m_engine, m_spec.table.name),
                              quoteLiteral(m_engine, m_spec.name));
    if (instant) {
        add.rule = maria ? QStringLiteral("mariadb.add-column.instant") : QStringLiteral("mysql.add-column.instant");
        add.why = QStringLiteral("ALGORITHM=INSTANT changes only the data dictionary: no rebuild, the metadata lock is "
                                 "exclusive for milliseconds.");
        if (maria && instantAddCorruptionBug(v))
            m_plan.warnings << QStringLiteral("MariaDB %1 has MDEV-18519: a column added instantly can leave the table "
                                              "corrupt. It is fixed in 10.6.9, 10.7.5, 10.8.4 and 10.9.2 and never "
                                              "before 10.6: upgrading first avoids it.")
                                   .arg(m_plan.targetVersionText);
    } else if (m_in.table.hasFulltextIndex) {
        if (fulltextRebuild(&add, clause, QStringLiteral("add-column")))
            m_plan.warnings << QStringLiteral("The FULLTEXT index forces a rebuild that blocks writes for about %1 s.")
                                   .arg(add.estimatedSeconds, 0, 'f', 1);
    } else {
        add.rewritesTable = true;
        add.estimatedSeconds = CostModel::rewrite(m_in.server.engine, m_in.table.totalBytes);
        add.rule = maria ? QStringLiteral("mariadb.add-column.inplace") : QStringLiteral("mysql.add-column.inplace");
        add.why = QStringLiteral("Not instant here (%1): the table is rebuilt in place with LOCK=NONE, so reads and "
                                 "writes go on; replicas lag by about the rebuild time.").arg(whyNot);
        add.locks = {{m_tableLabel, QStringLiteral("metadata lock: shared upgradable; exclusive briefly at start and end")}};
    }
    if ((literalDefault || expressionDefault) && !inlineDefault && synced)
        add.why += QStringLiteral(" The default is set in the contract stage, when the sync ends: until then the sync "
                                  "fills the column, and it cannot tell a default from a value written on purpose.");
    m_plan.steps << add;
    addSync();

    if (expressionDefault && !synced) {
        PlanStep def = alter(Stage::Expand, QStringLiteral("Default new rows of %1 to %2").arg(m_spec.name, m_spec.defaultValue),
                             QStringLiteral("ALTER COLUMN %1 SET DEFAULT (%2)").arg(m_column, m_spec.defaultValue),
                             QStringLiteral("INSTANT"), false);
        def.rollbackSql = {QStringLiteral("ALTER TABLE %1 ALTER COLUMN %2 DROP DEFAULT").arg(m_table, m_column)};
        def.rule = QStringLiteral("mysql.expression-default.set-default");
        def.why = QStringLiteral("An expression default in ADD COLUMN is evaluated once or forces a table copy; set "
                                 "separately it applies to new rows, and existing rows are backfilled.");
        m_plan.steps << def;
    } else if (literalDefault && !inlineDefault && !synced) {
        PlanStep def = alter(Stage::Expand, QStringLiteral("Default new rows of %1").arg(m_spec.name),
                             QStringLiteral("ALTER COLUMN %1 SET DEFAULT %2").arg(m_column, literal()),
                             QStringLiteral("INSTANT"), false);
        def.rollbackSql = {QStringLiteral("ALTER TABLE %1 ALTER COLUMN %2 DROP DEFAULT").arg(m_table, m_column)};
        def.rule = QStringLiteral("mysql.default.set-default");
        def.why = QStringLiteral("Existing rows get the backfill value; the default is for new rows only.");
        m_plan.steps << def;
    }
    if (!m_spec.backfill.isEmpty() || expressionDefault)
        backfill();

    if (!m_spec.nullable && !inlineNotNull && !notNullAfterSync)
        makeNotNull(Stage::Enforce, !synced);

    if (!m_spec.check.isEmpty()) {
        const QString constraint = generatedName(m_engine, m_spec.table.name, m_spec.name, QStringLiteral("check"));
        // MariaDB copies the table for a CHECK; from 11.2 the copy is online.
        const bool online = maria && v >= 110200;
        PlanStep check = alter(Stage::Enforce, QStringLiteral("Add CHECK %1").arg(constraint),
                               QStringLiteral("ADD CONSTRAINT %1 CHECK (%2)").arg(quoteIdentifier(m_engine, constraint), m_spec.check),
                               QStringLiteral("COPY"), online);
        if (!online)
            check.sql = {check.sql.first().replace(QLatin1String("ALGORITHM=COPY"), QLatin1String("ALGORITHM=COPY, LOCK=SHARED"))};
        check.rewritesTable = check.scansTable = true;
        check.estimatedSeconds = CostModel::rewrite(m_in.server.engine, m_in.table.totalBytes);
        check.blocksWrites = !online;
        check.blocksReads = false;
        check.lockHeldSeconds = online ? CostModel::CatalogOnlySeconds : check.estimatedSeconds;
        // Measured (testmysqlclaims): a copy takes no exclusive lock at its start, it copies beside a
        // transaction that read the table and then waits for EXCLUSIVE to swap the copy in. MySQL 9.7.4
        // holds SHARED_NO_WRITE for the copy (claimed until then without the exclusive end); MariaDB
        // 11.8.9's online copy SHARED_UPGRADABLE (claimed "exclusive briefly at start and end").
        check.locks = {{m_tableLabel, online ? QStringLiteral("metadata lock: shared upgradable for the whole copy, then exclusive briefly")
                                             : QStringLiteral("metadata lock: shared no-write for the whole copy, then exclusive briefly")}};
        check.rollbackSql = {QStringLiteral("ALTER TABLE %1 DROP CONSTRAINT %2").arg(m_table, quoteIdentifier(m_engine, constraint))};
        check.appliedSql = constraintApplied(m_engine, m_spec.table, constraint);
        // MySQL keeps CHECK names unique per schema, MariaDB per table.
        check.creates = {{CreatedObject::Kind::CheckConstraint, constraint,
                          maria ? CreatedObject::Scope::Table : CreatedObject::Scope::Schema, m_spec.table, QStringLiteral("check")}};
        // Checked again right before the step: rows written since the backfill may break it.
        check.guardSql = QStringLiteral("SELECT COUNT(*) FROM %1 WHERE NOT (%2)").arg(m_table, m_spec.check);
        check.guardMessage = QStringLiteral("rows break CHECK (%1)").arg(m_spec.check);
        check.failingWrites = FailingWrites::breakingCheck(m_spec);
        check.rule = online ? QStringLiteral("mariadb.check.copy-online") : QStringLiteral("mysql.check.copy");
        check.why = online ? QStringLiteral("MariaDB 11.2+ copies the table online (LOCK=NONE) to add a CHECK.")
                           : QStringLiteral("A CHECK constraint can only be added by copying the table; writes wait for the copy.");
        if (!online)
            m_plan.warnings << QStringLiteral("Adding the CHECK copies the table while blocking writes (about %1 s here).")
                                   .arg(check.estimatedSeconds, 0, 'f', 1);
        m_plan.steps << check;
    }

    if (m_spec.unique || m_spec.index || m_spec.hasForeignKey()) {
        const QString index = generatedName(m_engine, m_spec.table.name, m_spec.name,
                                            m_spec.unique ? QStringLiteral("key") : QStringLiteral("idx"));
        PlanStep build = alter(Stage::Index, QStringLiteral("Build %1index %2").arg(m_spec.unique ? QStringLiteral("unique ") : QString(), index),
                               QStringLiteral("ADD %1INDEX %2 (%3)").arg(m_spec.unique ? QStringLiteral("UNIQUE ") : QString(),
                                                                         quoteIdentifier(m_engine, index), m_column),
                               rebuild, true);
        build.scansTable = true;
        build.estimatedSeconds = CostModel::scan(m_in.server.engine, m_in.table.heapBytes) + CostModel::indexBuild(m_in.server.engine, m_in.table.heapBytes);
        build.locks = {{m_tableLabel, QStringLiteral("metadata lock: shared upgradable; exclusive briefly at start and end")}};
        build.rollbackSql = {QStringLiteral("ALTER TABLE %1 DROP INDEX %2").arg(m_table, quoteIdentifier(m_engine, index))};
        if (m_spec.unique) {
            build.guardSql = QStringLiteral("SELECT COUNT(*) FROM (SELECT %1 FROM %2 WHERE %1 IS NOT NULL GROUP BY %1 "
                                            "HAVING COUNT(*) > 1) duplicates").arg(m_column, m_table);
            build.guardMessage = QStringLiteral("values of %1 occur more than once").arg(m_spec.name);
            build.failingWrites = QStringLiteral("Writes that repeat a value %1 already holds in another row fail from here on.")
                                      .arg(m_spec.name);
        }
        build.appliedSql = QStringLiteral("SELECT COUNT(*) > 0 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = %1 "
                                          "AND TABLE_NAME = %2 AND INDEX_NAME = %3")
                               .arg(quoteLiteral(m_engine, m_spec.table.schema), quoteLiteral(m_engine, m_spec.table.name),
                                    quoteLiteral(m_engine, index));
        build.creates = {{CreatedObject::Kind::Index, index, CreatedObject::Scope::Table, m_spec.table, indexField(m_spec)}};
        build.rule = maria ? QStringLiteral("mariadb.index.nocopy") : QStringLiteral("mysql.index.inplace");
        build.why = QStringLiteral("The index is built in place with LOCK=NONE: reads and writes go on.");
        m_plan.steps << build;
    }

    if (m_spec.hasForeignKey()) {
        const QString constraint = generatedName(m_engine, m_spec.table.name, m_spec.name, QStringLiteral("fkey"));
        const QString referenced = quoteQualified(m_engine, m_spec.referencedTable.schema, m_spec.referencedTable.name);
        const QString referencedColumn = quoteIdentifier(m_engine, m_spec.referencedColumn);
        QString definition = QStringLiteral("ADD CONSTRAINT %1 FOREIGN KEY (%2) REFERENCES %3 (%4)")
                                 .arg(quoteIdentifier(m_engine, constraint), m_column, referenced, referencedColumn);
        if (!m_spec.onDelete.isEmpty())
            definition += QLatin1String(" ON DELETE ") + m_spec.onDelete;
        if (!m_spec.onUpdate.isEmpty())
            definition += QLatin1String(" ON UPDATE ") + m_spec.onUpdate;
        // In the index stage: after the index it needs.
        PlanStep fk = alter(Stage::Index, QStringLiteral("Add foreign key %1").arg(constraint), definition, rebuild, true);
        // With checks off the server adds the key in place instead of copying the table; the orphan
        // guard before it is what keeps the data consistent.
        fk.sql = QStringList{QStringLiteral("SET SESSION foreign_key_checks = 0")} + fk.sql
            + QStringList{QStringLiteral("SET SESSION foreign_key_checks = 1")};
        // The referenced table was claimed "shared read, briefly" on both. Measured (testmysqlclaims):
        // MySQL 9.7.4 takes SHARED_UPGRADABLE on it and then waits for EXCLUSIVE there (its data
        // dictionary records the key on the parent too) while it already holds EXCLUSIVE on this
        // table, so a transaction that read the referenced table stalls readers and writers of both;
        // MariaDB 11.8.9 with foreign_key_checks off takes no metadata lock on it at all (the ALTER
        // went through while another session held LOCK TABLES ... WRITE on it).
        if (!maria)
            fk.locks << LockClaim{m_spec.referencedTable.schema + QLatin1Char('.') + m_spec.referencedTable.name,
                                  QStringLiteral("metadata lock: shared upgradable, then exclusive briefly")};
        fk.guardSql = QStringLiteral("SELECT COUNT(*) FROM %1 t LEFT JOIN %2 p ON p.%3 = t.%4 WHERE t.%4 IS NOT NULL "
                                     "AND p.%3 IS NULL").arg(m_table, referenced, referencedColumn, m_column);
        fk.guardMessage = QStringLiteral("rows of %1 reference missing rows of %2").arg(m_spec.table.name, m_spec.referencedTable.name);
        fk.rollbackSql = {QStringLiteral("ALTER TABLE %1 DROP FOREIGN KEY %2").arg(m_table, quoteIdentifier(m_engine, constraint))};
        fk.appliedSql = constraintApplied(m_engine, m_spec.table, constraint);
        // InnoDB keeps foreign key names unique per database (schema).
        fk.creates = {{CreatedObject::Kind::ForeignKey, constraint, CreatedObject::Scope::Schema, m_spec.table, QStringLiteral("references")}};
        fk.failingWrites = QStringLiteral("Writes whose %1 matches no %2 of %3 fail from here on.")
                               .arg(m_spec.name, m_spec.referencedColumn, m_spec.referencedTable.name);
        fk.rule = QStringLiteral("mysql.foreign-key.checks-off");
        fk.why = QStringLiteral("With foreign_key_checks off the key is added in place without a copy; orphans are "
                                "checked first, so nothing unverified gets in.");
        if (!maria)
            fk.why += QStringLiteral(" MySQL also takes the referenced table's metadata lock exclusively for a moment: a "
                                     "transaction open on %1 makes the step wait, holding %2 meanwhile.")
                          .arg(m_spec.referencedTable.name, m_spec.table.name);
        m_plan.steps << fk;
    }

    dropSync();
    if (notNullAfterSync)
        makeNotNull(Stage::Contract, true);

    PlanStep analyze;
    analyze.stage = Stage::Verify;
    analyze.title = QStringLiteral("Refresh statistics on %1").arg(m_spec.table.name);
    analyze.sql = {QStringLiteral("ANALYZE TABLE %1").arg(m_table)};
    analyze.locks = {{m_tableLabel, QStringLiteral("metadata lock: shared read")}};
    analyze.estimatedSeconds = CostModel::analyze(m_in.server.engine, m_in.table.heapBytes);
    analyze.rule = QStringLiteral("mysql.verify.analyze");
    analyze.why = QStringLiteral("Fresh index statistics for the new column; reads and writes go on.");
    m_plan.steps << analyze;
    // Stages in order: expand, backfill, enforce, index, contract, verify (stable within a stage).
    std::stable_sort(m_plan.steps.begin(), m_plan.steps.end(),
                     [](const PlanStep &a, const PlanStep &b) { return int(a.stage) < int(b.stage); });
    addGates();
    for (int i = 0; i < m_plan.steps.size(); ++i) {
        if (m_plan.steps.at(i).stage == Stage::Contract && m_plan.steps.at(i).gate.isEmpty()) {
            m_plan.pointOfNoReturn = i;
            break;
        }
    }
    naive();
    return m_plan;
}

bool MySqlPlanner::fulltextRebuild(PlanStep *step, const QString &clause, const QString &operation) const
{
    // A FULLTEXT index rules out INSTANT and a lock-free in-place rebuild. MySQL refuses to rebuild
    // such a table in place at all: planned as INPLACE, LOCK=SHARED until Oracle MySQL 9.7.4 refused
    // it for ADD COLUMN and for MODIFY ... NOT NULL, with or without a user FTS_DOC_ID column (1846,
    // "InnoDB presently supports one FULLTEXT index creation at a time. Try ALGORITHM=COPY"; INSTANT
    // and every LOCK with INPLACE alike), and accepted only ALGORITHM=COPY with LOCK=SHARED or
    // EXCLUSIVE (COPY with LOCK=NONE: "COPY algorithm requires a lock"). Every MySQL version is
    // planned so; only 9.7 is proved here, that 8.0 and 8.4 refuse the same rests on InnoDB's source
    // (ha_innobase::check_if_supported_inplace_alter refuses a rebuild of a table that has FULLTEXT
    // indexes), not on a run. MariaDB rebuilds in place with LOCK=SHARED, and from 11.2
    // can copy the table online instead (both accepted by 11.8.9; the rule before 11.2 is proved on
    // 10.11 too, 10.6 rests on the documentation). But MariaDB too refuses the rebuild in place when
    // the table has more than one FULLTEXT index (11.8.9 and 10.11: the same 1846; its InnoDB counts
    // them): then a copy with LOCK=SHARED before 11.2, as on MySQL.
    const bool maria = m_engine == Engine::MariaDB;
    const bool onlineCopy = maria && m_in.targetVersion >= 110200;
    const auto fulltextIndexes = std::count_if(m_in.table.indexes.cbegin(), m_in.table.indexes.cend(),
                                               [](const IndexInfo &i) { return i.method == QLatin1String("FULLTEXT"); });
    const bool inPlace = maria && !onlineCopy && fulltextIndexes <= 1;
    step->sql = {QStringLiteral("ALTER TABLE %1 %2, ALGORITHM=%3")
                     .arg(m_table, clause, onlineCopy ? QStringLiteral("COPY, LOCK=NONE")
                                           : inPlace  ? QStringLiteral("INPLACE, LOCK=SHARED")
                                                      : QStringLiteral("COPY, LOCK=SHARED"))};
    step->rewritesTable = true;
    step->estimatedSeconds = CostModel::rewrite(m_in.server.engine, m_in.table.totalBytes);
    step->blocksReads = false;
    step->blocksWrites = true;
    step->lockHeldSeconds = onlineCopy ? CostModel::CatalogOnlySeconds : step->estimatedSeconds;
    // What the server holds, measured in performance_schema.metadata_locks (testmysqlclaims): the
    // copies take no exclusive lock at their start and wait for one at their end; MariaDB's rebuild
    // in place waits for one at its start too (it was claimed "shared no-write for the whole rebuild").
    QString locks;
    if (onlineCopy)
        locks = QStringLiteral("metadata lock: shared upgradable for the whole copy, then exclusive briefly");
    else if (inPlace)
        locks = QStringLiteral("metadata lock: shared upgradable; exclusive briefly at start and end; shared no-write for the whole rebuild");
    else
        locks = QStringLiteral("metadata lock: shared no-write for the whole copy, then exclusive briefly");
    step->locks = {{m_tableLabel, locks}};
    step->rule = onlineCopy ? QStringLiteral("mariadb.%1.fulltext-online-copy").arg(operation)
        : inPlace           ? QStringLiteral("mariadb.%1.fulltext-shared").arg(operation)
                            : QStringLiteral("%1.%2.fulltext-copy").arg(maria ? QStringLiteral("mariadb") : QStringLiteral("mysql"), operation);
    if (onlineCopy)
        step->why = QStringLiteral("The table has a FULLTEXT index, so it cannot change instantly or in place without a "
                                   "lock: MariaDB 11.2+ copies it online (LOCK=NONE); reads and writes go on.");
    else if (inPlace)
        step->why = QStringLiteral("The table has a FULLTEXT index: the rebuild needs LOCK=SHARED, so writes wait for it.");
    else if (maria)
        step->why = QStringLiteral("The table has more than one FULLTEXT index, and MariaDB before 11.2 rebuilds such a table "
                                   "only by copying it (it refuses INPLACE): ALGORITHM=COPY, LOCK=SHARED, so writes wait for "
                                   "the whole copy; reads go on.");
    else
        step->why = QStringLiteral("The table has a FULLTEXT index, and MySQL rebuilds such a table only by copying it "
                                   "(it refuses INSTANT and INPLACE): ALGORITHM=COPY, LOCK=SHARED, so writes wait for the "
                                   "whole copy; reads go on.");
    return !onlineCopy;
}

void MySqlPlanner::backfill()
{
    PlanStep step;
    step.stage = Stage::Backfill;
    step.title = QStringLiteral("Fill %1 in existing rows").arg(m_spec.name);
    step.backfill = {m_engine, m_table, m_spec.name, Backfill::valueForExistingRows(m_engine, m_spec), m_in.table.primaryKey(), false};
    step.sql = step.backfill.statements();
    step.estimatedSeconds = m_in.settings.backfillSeconds(m_in.server.engine, m_in.table.estimatedRows);
    step.locks = {{m_tableLabel, QStringLiteral("row locks (InnoDB), metadata lock: shared write")}};
    if (step.backfill.keyed()) {
        step.rule = QStringLiteral("mysql.backfill.keyset");
        step.why = QStringLiteral("Existing rows are filled by primary key in short transactions of a few thousand rows: "
                                  "reads and writes go on.");
    } else {
        step.rule = QStringLiteral("mysql.backfill.limit");
        step.why = QStringLiteral("The table has no primary key: each batch updates the next rows still NULL.");
        m_plan.warnings << QStringLiteral("The table has no primary key: every backfill batch searches for rows still "
                                          "NULL, which grows slower as the table fills; rows whose value is NULL stay NULL.");
    }
    m_plan.steps << step;
}

QString MySqlPlanner::defaultClause() const
{
    switch (m_spec.defaultKind) {
    case ColumnSpec::DefaultKind::Literal: return QLatin1String(" DEFAULT ") + literal();
    case ColumnSpec::DefaultKind::Expression: return QLatin1String(" DEFAULT (") + m_spec.defaultValue + QLatin1Char(')');
    case ColumnSpec::DefaultKind::None: break;
    }
    return {};
}

QString MySqlPlanner::triggerName(const QString &name) const
{
    // A trigger lives in its table's schema, which need not be the connection's.
    return quoteQualified(m_engine, m_spec.table.schema, name);
}

void MySqlPlanner::makeNotNull(Stage stage, bool withDefault)
{
    // MODIFY restates the whole column: its default (none while the sync is on: the sync fills the
    // column, and a default would hide from it that the writer left the column out) and its comment.
    QString definition = m_column + QLatin1Char(' ') + m_spec.type + QLatin1String(" NOT NULL");
    if (withDefault)
        definition += defaultClause();
    if (!m_spec.comment.isEmpty())
        definition += QLatin1String(" COMMENT ") + quoteLiteral(m_engine, m_spec.comment);
    const QString modify = QLatin1String("MODIFY COLUMN ") + definition;
    PlanStep notNull = alter(stage, QStringLiteral("Make %1 NOT NULL").arg(m_spec.name), modify, QStringLiteral("INPLACE"), true);
    notNull.rewritesTable = true;
    notNull.scansTable = true;
    notNull.estimatedSeconds = CostModel::rewrite(m_in.server.engine, m_in.table.totalBytes);
    notNull.locks = {{m_tableLabel, QStringLiteral("metadata lock: shared upgradable; exclusive briefly at start and end")}};
    notNull.rule = QStringLiteral("mysql.not-null.inplace");
    notNull.why = QStringLiteral("NULL to NOT NULL rebuilds the table in place with LOCK=NONE (strict mode fails "
                                 "the statement on any NULL): reads and writes go on.");
    if (stage == Stage::Contract) {
        notNull.rule = QStringLiteral("mariadb.not-null.after-sync");
        notNull.why += QStringLiteral(" After the sync: MariaDB refuses an INSERT ... SELECT that leaves out a NOT NULL "
                                      "column without a default (1364) before the sync's trigger could fill it.");
    }
    // The rebuild meets the same FULLTEXT limit as ADD COLUMN does.
    if (m_in.table.hasFulltextIndex && fulltextRebuild(&notNull, modify, QStringLiteral("not-null")))
        m_plan.warnings << QStringLiteral("Making %1 NOT NULL rebuilds the table, which the FULLTEXT index makes block "
                                          "writes for about %2 s.").arg(m_spec.name, QString::number(notNull.estimatedSeconds, 'f', 1));
    notNull.guardSql = QStringLiteral("SELECT COUNT(*) FROM %1 WHERE %2 IS NULL").arg(m_table, m_column);
    notNull.guardMessage = QStringLiteral("rows still hold NULL in %1").arg(m_spec.name);
    notNull.appliedSql = QStringLiteral("SELECT COUNT(*) > 0 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %1 "
                                        "AND TABLE_NAME = %2 AND COLUMN_NAME = %3 AND IS_NULLABLE = 'NO'")
                             .arg(quoteLiteral(m_engine, m_spec.table.schema), quoteLiteral(m_engine, m_spec.table.name),
                                  quoteLiteral(m_engine, m_spec.name));
    if (m_plan.sync.enabled && stage != Stage::Contract)
        notNull.failingWrites = QStringLiteral("Writes that leave %1 NULL fail from here on: for a writer that does not know it, "
                                               "rows where %2 is NULL (the sync fills %1 with it).").arg(m_spec.name, m_spec.backfill);
    else if (m_spec.defaultKind == ColumnSpec::DefaultKind::None)
        notNull.failingWrites = m_plan.sync.enabled
            ? FailingWrites::omittedAfterSync(m_spec)
            : FailingWrites::omittedUntilDeployed(m_spec);
    m_plan.steps << notNull;
}

void MySqlPlanner::addSync()
{
    if (!m_plan.sync.enabled)
        return;
    const bool maria = m_engine == Engine::MariaDB;
    // The expression as written, over a one-row derived table of NEW named like the table, rather
    // than rewritten to NEW.column. The server then resolves its names as in the backfill's UPDATE:
    // a rewrite would have to tell a column from a keyword or unit of the same name (INTERVAL 1 day,
    // CAST(x AS date), CONVERT(x USING utf8mb4) beside columns day, date, utf8mb4), and a mistake
    // would fail every INSERT of the application. The price, measured on MariaDB 11.8 and MySQL 9.7
    // (notes Q1): about 8 µs per row instead of 2-4 µs. SqlFragment::oneRowProblem() kept out what
    // one row cannot answer (a subquery, a schema-qualified column). Every column is listed, not only
    // those columnsRead() found: a name it missed must not fail the trigger at the first INSERT.
    QStringList row;
    for (const ColumnInfo &c : m_in.table.columns)
        row << QStringLiteral("NEW.%1 AS %1").arg(quoteIdentifier(m_engine, c.name));
    // Concatenated, not arg(): the expression may hold '%'.
    const QString value = QLatin1String("(SELECT ") + m_spec.backfill + QLatin1String(" FROM (SELECT ")
        + row.join(QLatin1String(", ")) + QLatin1String(") AS ") + quoteIdentifier(m_engine, m_spec.table.name) + QLatin1Char(')');
    // IF, not SET x = IFNULL(x, ...) or CASE: those merge the column's and the expression's types
    // and collations, which can fail (1267) where the plain assignment converts.
    QStringList sql{QStringLiteral("CREATE TRIGGER %1 BEFORE INSERT ON %2 FOR EACH ROW IF NEW.%3 IS NULL THEN SET NEW.%3 = %4; END IF")
                        .arg(triggerName(m_plan.sync.insertTrigger), m_table, m_column, value)};
    QStringList triggers{m_plan.sync.insertTrigger};
    if (!m_plan.sync.updateTrigger.isEmpty()) {
        // <=> is NULL-safe; it compares strings by the column's collation, so a change of letter
        // case alone in a case-insensitive column does not count as a change. A writer that sets
        // the column to the value it already holds while changing a column read cannot be told
        // from one that leaves it out: it gets the value computed again (notes Q3).
        QStringList unchanged;
        for (const QString &c : std::as_const(m_plan.sync.columnsRead))
            unchanged << QStringLiteral("NEW.%1 <=> OLD.%1").arg(quoteIdentifier(m_engine, c));
        sql << QStringLiteral("CREATE TRIGGER %1 BEFORE UPDATE ON %2 FOR EACH ROW IF NEW.%3 <=> OLD.%3 AND NOT (%4) THEN "
                              "SET NEW.%3 = %5; END IF")
                   .arg(triggerName(m_plan.sync.updateTrigger), m_table, m_column, unchanged.join(QLatin1String(" AND ")), value);
        triggers << m_plan.sync.updateTrigger;
    }
    PlanStep step;
    step.stage = Stage::Expand;
    step.title = QStringLiteral("Keep %1 filled for writers that do not know it").arg(m_spec.name);
    step.sql = sql;
    // Measured in performance_schema.metadata_locks (notes Q4): SHARED_NO_WRITE, then EXCLUSIVE; a
    // waiting CREATE TRIGGER queues every later read and write of the table behind it.
    step.locks = {{m_tableLabel, QStringLiteral("metadata lock: shared no-write, then exclusive briefly")}};
    step.blocksReads = step.blocksWrites = true; // for milliseconds
    step.estimatedSeconds = step.lockHeldSeconds = CostModel::CatalogOnlySeconds;
    QStringList names;
    for (const QString &t : std::as_const(triggers)) {
        step.rollbackSql << QStringLiteral("DROP TRIGGER IF EXISTS %1").arg(triggerName(t));
        step.creates << CreatedObject{CreatedObject::Kind::Trigger, t, CreatedObject::Scope::Schema, m_spec.table, QStringLiteral("sync")};
        names << quoteLiteral(m_engine, t);
    }
    // A failure between the two CREATEs leaves the first: removed before the step runs again.
    step.onFailureSql = step.rollbackSql;
    step.appliedSql = QStringLiteral("SELECT COUNT(*) = %1 FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = %2 "
                                     "AND EVENT_OBJECT_TABLE = %3 AND TRIGGER_NAME IN (%4)")
                          .arg(QString::number(triggers.size()), quoteLiteral(m_engine, m_spec.table.schema),
                               quoteLiteral(m_engine, m_spec.table.name), names.join(QLatin1String(", ")));
    step.rule = maria ? QStringLiteral("mariadb.sync.trigger") : QStringLiteral("mysql.sync.trigger");
    // The trigger does not catch an error of the expression (a failing conversion in strict mode):
    // such a write fails, and the reviewer must see it.
    step.failingWrites = FailingWrites::syncErrors(m_spec);
    step.why = QStringLiteral("Until the contract stage, a row inserted without %1 gets %2 computed from it, and an UPDATE that "
                              "changes %3 but not %1 computes it again; a writer that sets %1 keeps its value. CREATE TRIGGER "
                              "takes the metadata lock shared no-write, then exclusive for milliseconds: reads and writes pause. "
                              "Cost, measured on MariaDB 11.8 and MySQL 9.7: about 8 µs more per row inserted (single-row "
                              "INSERTs about 1.5 to 2 times as long, INSERT ... SELECT about 2.5 times); an UPDATE that changes "
                              "none of the columns read only compares them.")
                   .arg(m_spec.name, m_spec.backfill,
                        m_plan.sync.columnsRead.isEmpty() ? QStringLiteral("nothing it reads") : m_plan.sync.columnsRead.join(QLatin1String(", ")));
    m_plan.steps << step;
}

void MySqlPlanner::dropSync()
{
    if (!m_plan.sync.enabled)
        return;
    const bool maria = m_engine == Engine::MariaDB;
    const bool hasDefault = m_spec.defaultKind != ColumnSpec::DefaultKind::None;
    PlanStep step;
    step.stage = Stage::Contract;
    step.title = QStringLiteral("Stop filling %1: the application writes it").arg(m_spec.name);
    // The default first: DDL commits at once here, and between the two a NOT NULL column with
    // neither trigger nor default would fail an INSERT that leaves it out.
    if (hasDefault) {
        step.sql << QStringLiteral("ALTER TABLE %1 ALTER COLUMN %2 SET%3, ALGORITHM=INSTANT").arg(m_table, m_column, defaultClause());
        step.locks << LockClaim{m_tableLabel, QStringLiteral("metadata lock: shared upgradable, then exclusive briefly")};
    }
    QStringList names;
    for (const QString &t : {m_plan.sync.insertTrigger, m_plan.sync.updateTrigger}) {
        if (t.isEmpty())
            continue;
        step.sql << QStringLiteral("DROP TRIGGER IF EXISTS %1").arg(triggerName(t));
        names << quoteLiteral(m_engine, t);
    }
    step.locks << LockClaim{m_tableLabel, QStringLiteral("metadata lock: shared no-write, then exclusive briefly")};
    step.blocksReads = step.blocksWrites = true; // for milliseconds
    step.estimatedSeconds = step.lockHeldSeconds = CostModel::CatalogOnlySeconds;
    step.appliedSql = QStringLiteral("SELECT COUNT(*) = 0 FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = %1 "
                                     "AND EVENT_OBJECT_TABLE = %2 AND TRIGGER_NAME IN (%3)")
                          .arg(quoteLiteral(m_engine, m_spec.table.schema), quoteLiteral(m_engine, m_spec.table.name),
                               names.join(QLatin1String(", ")));
    step.rule = maria ? QStringLiteral("mariadb.sync.drop") : QStringLiteral("mysql.sync.drop");
    step.why = QStringLiteral("The sync ends: DROP TRIGGER takes the metadata lock shared no-write, then exclusive for "
                              "milliseconds. From here on a row written without %1 gets %2.")
                   .arg(m_spec.name, Sync::afterwards(m_spec));
    // On MySQL the column is NOT NULL already; on MariaDB the next step makes it so.
    if (!m_spec.nullable && !hasDefault && !maria)
        step.failingWrites = FailingWrites::omittedAfterSync(m_spec);
    m_plan.steps << step;
}

void MySqlPlanner::addGates()
{
    // Rows written to the table, as performance_schema counts them anyway (NULL where it is off, as
    // MariaDB has it by default). How often the sync filled the column cannot be told cheaply: the
    // INSERT trigger runs for every row inserted, and events_statements_summary_by_program counts
    // those runs, not the runs where it filled the column (MariaDB 11.8, performance_schema on:
    // COUNT_STAR 8 for 5 rows filled and 3 written, COUNT_STATEMENTS 0); counting the fills
    // ourselves would cost a write per application write.
    const QString written = QStringLiteral("(SELECT COUNT_INSERT + COUNT_UPDATE FROM performance_schema.table_io_waits_summary_by_table "
                                           "WHERE OBJECT_TYPE = 'TABLE' AND OBJECT_SCHEMA = %1 AND OBJECT_NAME = %2)")
                                .arg(quoteLiteral(m_engine, m_spec.table.schema), quoteLiteral(m_engine, m_spec.table.name));
    const QString probe = QStringLiteral("SELECT NULL AS filled, %1 AS written").arg(written);
    if (m_spec.gateAfterExpand || !m_expandGateReason.isEmpty()) {
        PlanStep gate = deployGate(QStringLiteral("after-expand"), m_spec, m_expandGateReason);
        gate.gateProbeSql = probe;
        insertGate(&m_plan.steps, gate);
    }
    if (m_plan.sync.enabled) {
        PlanStep gate = deployGate(QStringLiteral("before-contract"), m_spec);
        gate.gateProbeSql = probe;
        insertGate(&m_plan.steps, gate);
    }
}

void MySqlPlanner::naive()
{
    PlanStep &n = m_plan.naive;
    n.stage = Stage::Expand;
    n.title = QStringLiteral("One ALTER TABLE, as written by hand");
    // Seen on Oracle MySQL 9.7.4, also without binary logging and on an empty table: ADD COLUMN
    // with DEFAULT (uuid()) or (rand()) fails with 1674 ("Statement is unsafe because it uses a system
    // function that may return a different value on the replica"); DEFAULT (now()) and SET DEFAULT
    // (uuid()) are accepted. MariaDB accepts all of them. By hand: added without it, filled by an
    // UPDATE, and SET DEFAULT at the end.
    static const QRegularExpression unsafe(QStringLiteral("\\b(uuid|uuid_short|rand|sysdate)\\s*\\("),
                                           QRegularExpression::CaseInsensitiveOption);
    const bool unsafeDefault = m_engine == Engine::MySQL && m_spec.defaultKind == ColumnSpec::DefaultKind::Expression
        && unsafe.match(m_spec.defaultValue).hasMatch();
    const QString value = !m_spec.backfill.isEmpty() ? m_spec.backfill
        : unsafeDefault                 ? QLatin1Char('(') + m_spec.defaultValue + QLatin1Char(')')
                                        : QString();
    const bool filled = !value.isEmpty();
    QString defaults;
    if (m_spec.defaultKind == ColumnSpec::DefaultKind::Literal)
        defaults = QLatin1String(" DEFAULT ") + literal();
    else if (m_spec.defaultKind == ColumnSpec::DefaultKind::Expression && !unsafeDefault)
        defaults = QStringLiteral(" DEFAULT (%1)").arg(m_spec.defaultValue);
    QString sql = QStringLiteral("ALTER TABLE %1 ADD COLUMN %2 %3").arg(m_table, m_column, m_spec.type);
    // Filled by an UPDATE, the column is added bare and constrained once it is filled: NOT NULL would
    // give the existing rows the type's implicit value (0, '') and a CHECK would judge those.
    if (!m_spec.nullable && !filled)
        sql += QLatin1String(" NOT NULL");
    sql += defaults;
    if (!m_spec.check.isEmpty() && !filled)
        sql += QStringLiteral(" CHECK (%1)").arg(m_spec.check);
    if (m_spec.unique && !filled)
        sql += QLatin1String(" UNIQUE");
    n.sql = {sql};
    n.locks = {{m_tableLabel, QStringLiteral("metadata lock: whatever the server picks (no ALGORITHM given)")}};
    // Without ALGORITHM the server may fall back to COPY: expression defaults and CHECKs copy the table
    // with writes blocked.
    // A FULLTEXT index rules out INSTANT: the server rebuilds the table, under a shared lock.
    const bool copies = (m_spec.defaultKind == ColumnSpec::DefaultKind::Expression && !unsafeDefault) || (!m_spec.check.isEmpty() && !filled)
        || m_in.table.hasFulltextIndex;
    n.rewritesTable = copies;
    n.blocksWrites = true;
    n.blocksReads = false;
    n.estimatedSeconds = copies ? CostModel::rewrite(m_in.server.engine, m_in.table.totalBytes) : CostModel::CatalogOnlySeconds;
    n.lockHeldSeconds = n.estimatedSeconds;
    if (filled) {
        n.title = QStringLiteral("The statements written by hand");
        n.sql << QStringLiteral("UPDATE %1 SET %2 = %3").arg(m_table, m_column, value);
        n.estimatedSeconds += CostModel::rewrite(m_in.server.engine, m_in.table.totalBytes);
        QStringList actions;
        if (!m_spec.nullable) // MODIFY restates the whole column: its default goes with it
            actions << QStringLiteral("MODIFY COLUMN %1 %2 NOT NULL%3").arg(m_column, m_spec.type, defaults);
        if (!m_spec.check.isEmpty())
            actions << QStringLiteral("ADD CHECK (%1)").arg(m_spec.check);
        if (m_spec.unique)
            actions << QStringLiteral("ADD UNIQUE (%1)").arg(m_column);
        if (!actions.isEmpty()) { // NOT NULL rebuilds the table, a CHECK copies it
            n.sql << QStringLiteral("ALTER TABLE %1 ").arg(m_table) + actions.join(QLatin1String(", "));
            n.rewritesTable = true;
            n.estimatedSeconds += CostModel::rewrite(m_in.server.engine, m_in.table.totalBytes);
        }
        if (unsafeDefault) // after MODIFY, which restates the column without it
            n.sql << QStringLiteral("ALTER TABLE %1 ALTER COLUMN %2 SET DEFAULT (%3)").arg(m_table, m_column, m_spec.defaultValue);
        n.lockHeldSeconds = n.estimatedSeconds;
    }
    n.rule = QStringLiteral("naive");
    n.why = m_in.table.hasFulltextIndex ? QStringLiteral("The FULLTEXT index rules out INSTANT: the server rebuilds the table and blocks writes meanwhile.")
        : copies ? QStringLiteral("Without ALGORITHM the server silently copies the table and blocks writes meanwhile.")
                   : QStringLiteral("Usually instant, but nothing stops the server from copying the table instead.");
    if (filled)
        n.why += n.sql.size() - (unsafeDefault ? 1 : 0) > 2 ? QStringLiteral(" One UPDATE then locks every row until it commits, and the ALTER TABLE that "
                                                   "constrains the filled column rebuilds the table.")
                                  : QStringLiteral(" One UPDATE then locks every row until it commits.");
    if (unsafeDefault)
        n.why = QStringLiteral("MySQL refuses ADD COLUMN with a default that may differ on a replica, such as (uuid()) or "
                               "(rand()) (error 1674, with or without binary logging): by hand the column is added without "
                               "it, filled by one UPDATE that locks every row until it commits, and given the default by "
                               "SET DEFAULT once it exists.");
}

} // namespace Stagecraft
