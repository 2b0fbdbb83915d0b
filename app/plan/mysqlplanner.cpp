#include "mysqlplanner.h"

#include "costmodel.h"
#include "sql/quoting.h"

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
    // MySQL counts instant ADD/DROP COLUMNs per table: 64 row versions, 255 from 9.1 (error 4092 at the limit).
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
    step.locks = {{m_tableLabel, QStringLiteral("metadata lock: exclusive, briefly at start and end")}};
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

    const bool literalDefault = m_spec.defaultKind == ColumnSpec::DefaultKind::Literal;
    const bool expressionDefault = m_spec.defaultKind == ColumnSpec::DefaultKind::Expression;
    // Existing rows take a literal default from the ADD itself, unless they get a backfill value.
    const bool inlineDefault = literalDefault && m_spec.backfill.isEmpty();
    const bool inlineNotNull = !m_spec.nullable && inlineDefault;

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
        add.estimatedSeconds = CostModel::rewrite(m_in.table.totalBytes);
        add.rule = maria ? QStringLiteral("mariadb.add-column.inplace") : QStringLiteral("mysql.add-column.inplace");
        add.why = QStringLiteral("Not instant here (%1): the table is rebuilt in place with LOCK=NONE, so reads and "
                                 "writes go on; replicas lag by about the rebuild time.").arg(whyNot);
        add.locks = {{m_tableLabel, QStringLiteral("metadata lock: shared upgradable; exclusive briefly at start and end")}};
    }
    m_plan.steps << add;

    if (expressionDefault) {
        PlanStep def = alter(Stage::Expand, QStringLiteral("Default new rows of %1 to %2").arg(m_spec.name, m_spec.defaultValue),
                             QStringLiteral("ALTER COLUMN %1 SET DEFAULT (%2)").arg(m_column, m_spec.defaultValue),
                             QStringLiteral("INSTANT"), false);
        def.rollbackSql = {QStringLiteral("ALTER TABLE %1 ALTER COLUMN %2 DROP DEFAULT").arg(m_table, m_column)};
        def.rule = QStringLiteral("mysql.expression-default.set-default");
        def.why = QStringLiteral("An expression default in ADD COLUMN is evaluated once or forces a table copy; set "
                                 "separately it applies to new rows, and existing rows are backfilled.");
        m_plan.steps << def;
    } else if (literalDefault && !inlineDefault) {
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

    if (!m_spec.nullable && !inlineNotNull) {
        QString definition = m_column + QLatin1Char(' ') + m_spec.type + QLatin1String(" NOT NULL");
        if (literalDefault)
            definition += QLatin1String(" DEFAULT ") + literal();
        else if (expressionDefault)
            definition += QStringLiteral(" DEFAULT (%1)").arg(m_spec.defaultValue);
        if (!m_spec.comment.isEmpty())
            definition += QLatin1String(" COMMENT ") + quoteLiteral(m_engine, m_spec.comment);
        const QString modify = QStringLiteral("MODIFY COLUMN %1").arg(definition);
        PlanStep notNull = alter(Stage::Enforce, QStringLiteral("Make %1 NOT NULL").arg(m_spec.name), modify,
                                 QStringLiteral("INPLACE"), true);
        notNull.rewritesTable = true;
        notNull.scansTable = true;
        notNull.estimatedSeconds = CostModel::rewrite(m_in.table.totalBytes);
        notNull.locks = {{m_tableLabel, QStringLiteral("metadata lock: shared upgradable; exclusive briefly at start and end")}};
        notNull.rule = QStringLiteral("mysql.not-null.inplace");
        notNull.why = QStringLiteral("NULL to NOT NULL rebuilds the table in place with LOCK=NONE (strict mode fails "
                                     "the statement on any NULL): reads and writes go on.");
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
        m_plan.steps << notNull;
    }

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
        check.estimatedSeconds = CostModel::rewrite(m_in.table.totalBytes);
        check.blocksWrites = !online;
        check.blocksReads = false;
        check.lockHeldSeconds = online ? CostModel::CatalogOnlySeconds : check.estimatedSeconds;
        check.locks = {{m_tableLabel, online ? QStringLiteral("metadata lock: shared upgradable; exclusive briefly at start and end")
                                             : QStringLiteral("metadata lock: shared no-write for the whole copy")}};
        check.rollbackSql = {QStringLiteral("ALTER TABLE %1 DROP CONSTRAINT %2").arg(m_table, quoteIdentifier(m_engine, constraint))};
        check.appliedSql = constraintApplied(m_engine, m_spec.table, constraint);
        // MySQL keeps CHECK names unique per schema, MariaDB per table.
        check.creates = {{CreatedObject::Kind::CheckConstraint, constraint,
                          maria ? CreatedObject::Scope::Table : CreatedObject::Scope::Schema, m_spec.table, QStringLiteral("check")}};
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
        build.estimatedSeconds = CostModel::scan(m_in.table.heapBytes) + CostModel::indexBuild(m_in.table.heapBytes);
        build.locks = {{m_tableLabel, QStringLiteral("metadata lock: shared upgradable; exclusive briefly at start and end")}};
        build.rollbackSql = {QStringLiteral("ALTER TABLE %1 DROP INDEX %2").arg(m_table, quoteIdentifier(m_engine, index))};
        if (m_spec.unique) {
            build.guardSql = QStringLiteral("SELECT COUNT(*) FROM (SELECT %1 FROM %2 WHERE %1 IS NOT NULL GROUP BY %1 "
                                            "HAVING COUNT(*) > 1) duplicates").arg(m_column, m_table);
            build.guardMessage = QStringLiteral("values of %1 occur more than once").arg(m_spec.name);
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
        fk.locks << LockClaim{m_spec.referencedTable.schema + QLatin1Char('.') + m_spec.referencedTable.name,
                              QStringLiteral("metadata lock: shared read, briefly")};
        fk.guardSql = QStringLiteral("SELECT COUNT(*) FROM %1 t LEFT JOIN %2 p ON p.%3 = t.%4 WHERE t.%4 IS NOT NULL "
                                     "AND p.%3 IS NULL").arg(m_table, referenced, referencedColumn, m_column);
        fk.guardMessage = QStringLiteral("rows of %1 reference missing rows of %2").arg(m_spec.table.name, m_spec.referencedTable.name);
        fk.rollbackSql = {QStringLiteral("ALTER TABLE %1 DROP FOREIGN KEY %2").arg(m_table, quoteIdentifier(m_engine, constraint))};
        fk.appliedSql = constraintApplied(m_engine, m_spec.table, constraint);
        // InnoDB keeps foreign key names unique per database (schema).
        fk.creates = {{CreatedObject::Kind::ForeignKey, constraint, CreatedObject::Scope::Schema, m_spec.table, QStringLiteral("references")}};
        fk.rule = QStringLiteral("mysql.foreign-key.checks-off");
        fk.why = QStringLiteral("With foreign_key_checks off the key is added in place without a copy; orphans are "
                                "checked first, so nothing unverified gets in.");
        m_plan.steps << fk;
    }

    PlanStep analyze;
    analyze.stage = Stage::Verify;
    analyze.title = QStringLiteral("Refresh statistics on %1").arg(m_spec.table.name);
    analyze.sql = {QStringLiteral("ANALYZE TABLE %1").arg(m_table)};
    analyze.locks = {{m_tableLabel, QStringLiteral("metadata lock: shared read")}};
    analyze.estimatedSeconds = 1;
    analyze.rule = QStringLiteral("mysql.verify.analyze");
    analyze.why = QStringLiteral("Fresh index statistics for the new column; reads and writes go on.");
    m_plan.steps << analyze;
    // Stages in order: expand, backfill, enforce, index, verify (stable within a stage).
    std::stable_sort(m_plan.steps.begin(), m_plan.steps.end(),
                     [](const PlanStep &a, const PlanStep &b) { return int(a.stage) < int(b.stage); });
    naive();
    return m_plan;
}

bool MySqlPlanner::fulltextRebuild(PlanStep *step, const QString &clause, const QString &operation) const
{
    // A FULLTEXT index rules out INSTANT and a lock-free in-place rebuild (the server says "Fulltext
    // index creation requires a lock"); MariaDB 11.2+ can copy the table online instead.
    const bool onlineCopy = m_engine == Engine::MariaDB && m_in.targetVersion >= 110200;
    step->sql = {QStringLiteral("ALTER TABLE %1 %2, ALGORITHM=%3")
                     .arg(m_table, clause, onlineCopy ? QStringLiteral("COPY, LOCK=NONE") : QStringLiteral("INPLACE, LOCK=SHARED"))};
    step->rewritesTable = true;
    step->estimatedSeconds = CostModel::rewrite(m_in.table.totalBytes);
    step->blocksReads = false;
    step->blocksWrites = true;
    step->lockHeldSeconds = onlineCopy ? CostModel::CatalogOnlySeconds : step->estimatedSeconds;
    step->locks = {{m_tableLabel, onlineCopy ? QStringLiteral("metadata lock: shared upgradable; exclusive briefly at start and end")
                                             : QStringLiteral("metadata lock: shared no-write for the whole rebuild")}};
    step->rule = onlineCopy ? QStringLiteral("mariadb.%1.fulltext-online-copy").arg(operation)
                            : QStringLiteral("mysql.%1.fulltext-shared").arg(operation);
    step->why = onlineCopy ? QStringLiteral("The table has a FULLTEXT index, so it cannot change instantly or in place without a "
                                            "lock: MariaDB 11.2+ copies it online (LOCK=NONE); reads and writes go on.")
                           : QStringLiteral("The table has a FULLTEXT index: the rebuild needs LOCK=SHARED, so writes wait for it.");
    return !onlineCopy;
}

void MySqlPlanner::backfill()
{
    PlanStep step;
    step.stage = Stage::Backfill;
    step.title = QStringLiteral("Fill %1 in existing rows").arg(m_spec.name);
    step.backfill = {m_engine, m_table, m_spec.name, Backfill::valueForExistingRows(m_engine, m_spec), m_in.table.primaryKey(), false};
    step.sql = step.backfill.statements();
    step.estimatedSeconds = m_in.settings.backfillSeconds(m_in.table.estimatedRows);
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

void MySqlPlanner::naive()
{
    PlanStep &n = m_plan.naive;
    n.stage = Stage::Expand;
    n.title = QStringLiteral("One ALTER TABLE, as written by hand");
    QString sql = QStringLiteral("ALTER TABLE %1 ADD COLUMN %2 %3").arg(m_table, m_column, m_spec.type);
    if (!m_spec.nullable)
        sql += QLatin1String(" NOT NULL");
    if (m_spec.defaultKind == ColumnSpec::DefaultKind::Literal)
        sql += QLatin1String(" DEFAULT ") + literal();
    else if (m_spec.defaultKind == ColumnSpec::DefaultKind::Expression)
        sql += QStringLiteral(" DEFAULT (%1)").arg(m_spec.defaultValue);
    if (!m_spec.check.isEmpty())
        sql += QStringLiteral(" CHECK (%1)").arg(m_spec.check);
    if (m_spec.unique)
        sql += QLatin1String(" UNIQUE");
    n.sql = {sql};
    n.locks = {{m_tableLabel, QStringLiteral("metadata lock: whatever the server picks (no ALGORITHM given)")}};
    // Without ALGORITHM the server may fall back to COPY: expression defaults and CHECKs copy the table
    // with writes blocked.
    const bool copies = m_spec.defaultKind == ColumnSpec::DefaultKind::Expression || !m_spec.check.isEmpty();
    n.rewritesTable = copies;
    n.blocksWrites = true;
    n.blocksReads = false;
    n.estimatedSeconds = copies ? CostModel::rewrite(m_in.table.totalBytes) : CostModel::CatalogOnlySeconds;
    n.lockHeldSeconds = n.estimatedSeconds;
    if (!m_spec.backfill.isEmpty()) {
        n.sql << QStringLiteral("UPDATE %1 SET %2 = %3").arg(m_table, m_column, m_spec.backfill);
        n.estimatedSeconds += CostModel::rewrite(m_in.table.totalBytes);
        n.lockHeldSeconds = n.estimatedSeconds;
    }
    n.rule = QStringLiteral("naive");
    n.why = copies ? QStringLiteral("Without ALGORITHM the server silently copies the table and blocks writes meanwhile.")
                   : QStringLiteral("Usually instant, but nothing stops the server from copying the table instead.");
}

} // namespace Stagecraft
