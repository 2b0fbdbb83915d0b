#include "postgresplanner.h"
#include "postgresnaive.h"
#include "postgresplanner_p.h"

#include "costmodel.h"
#include "sql/quoting.h"

namespace Stagecraft {

namespace {

const Engine PG = Engine::PostgreSQL;
using Kind = CreatedObject::Kind;
using Scope = CreatedObject::Scope;

bool blocksReads(const QString &mode)
{
    return mode == QLatin1String("AccessExclusiveLock");
}

bool blocksWrites(const QString &mode)
{
    return mode == QLatin1String("AccessExclusiveLock") || mode == QLatin1String("ExclusiveLock")
        || mode == QLatin1String("ShareRowExclusiveLock") || mode == QLatin1String("ShareLock");
}

QString versionText(int version)
{
    return QStringLiteral("%1.%2").arg(version / 10000).arg(version % 100);
}

} // namespace

PostgresPlanner::PostgresPlanner(const PlannerInput &input)
    : m_in(input)
    , m_spec(input.spec)
    , m_table(quoteQualified(PG, input.spec.table.schema, input.spec.table.name))
    , m_tableLabel(input.spec.table.schema + QLatin1Char('.') + input.spec.table.name)
    , m_column(quoteIdentifier(PG, input.spec.name))
{
}

QString PostgresPlanner::name(const QString &suffix) const
{
    return generatedName(PG, m_spec.table.name, m_spec.name, suffix);
}

QList<LockClaim> PostgresPlanner::onTable(const QString &mode) const
{
    return postgresLocksOnTable(m_in.table, m_tableLabel, mode);
}

QString PostgresPlanner::label(const TableRef &table)
{
    return postgresLabel(table);
}

QString PostgresPlanner::defaultSql() const
{
    return postgresDefaultSql(m_spec);
}

QString PostgresPlanner::constraintExists(const QString &constraint) const
{
    return QStringLiteral("SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = %1::regclass AND conname = %2)")
        .arg(quoteLiteral(PG, m_table), quoteLiteral(PG, constraint));
}

PlanStep PostgresPlanner::ddl(Stage stage, const QString &title, const QStringList &sql, const QString &lockMode) const
{
    PlanStep step;
    step.stage = stage;
    step.title = title;
    step.sql = sql;
    step.locks = onTable(lockMode);
    step.blocksReads = blocksReads(lockMode);
    step.blocksWrites = blocksWrites(lockMode);
    step.estimatedSeconds = CostModel::CatalogOnlySeconds;
    step.lockHeldSeconds = step.blocksWrites ? CostModel::CatalogOnlySeconds : 0;
    return step;
}

PlanStep PostgresPlanner::validate(const QString &title, const QString &constraint, const QString &appliedSql,
                                   const QString &rule, const QString &why) const
{
    // VALIDATE CONSTRAINT scans the table under SHARE UPDATE EXCLUSIVE: reads and writes go on.
    PlanStep step = ddl(Stage::Enforce, title,
                        {QStringLiteral("ALTER TABLE %1 VALIDATE CONSTRAINT %2").arg(m_table, quoteIdentifier(PG, constraint))},
                        QStringLiteral("ShareUpdateExclusiveLock"));
    step.scansTable = true;
    step.estimatedSeconds = CostModel::scan(m_in.table.heapBytes);
    step.appliedSql = appliedSql;
    step.rule = rule;
    step.why = why;
    return step;
}

Plan PostgresPlanner::plan()
{
    m_plan.engine = PG;
    m_plan.serverVersion = m_in.server.version;
    m_plan.targetVersion = m_in.targetVersion;
    m_plan.targetVersionText = versionText(m_in.targetVersion);
    m_plan.table = m_spec.table;
    m_plan.estimatedRows = m_in.table.estimatedRows;
    m_plan.totalBytes = m_in.table.totalBytes;
    m_plan.spec = m_spec;

    const bool hasDefault = m_spec.defaultKind != ColumnSpec::DefaultKind::None;
    if (m_spec.defaultKind == ColumnSpec::DefaultKind::Expression) {
        switch (m_in.defaultProbe.volatility) {
        case DefaultProbe::Volatility::Immutable: m_plan.defaultVolatility = QStringLiteral("immutable"); break;
        case DefaultProbe::Volatility::Stable: m_plan.defaultVolatility = QStringLiteral("stable"); break;
        case DefaultProbe::Volatility::Volatile: m_plan.defaultVolatility = QStringLiteral("volatile"); break;
        case DefaultProbe::Volatility::Unknown: break;
        }
        m_volatileDefault = m_in.defaultProbe.volatility == DefaultProbe::Volatility::Volatile
            || m_in.defaultProbe.rewritesTable || m_in.defaultProbe.volatility == DefaultProbe::Volatility::Unknown;
        if (m_in.defaultProbe.volatility == DefaultProbe::Volatility::Unknown)
            m_plan.warnings << QStringLiteral("The server could not say whether the default expression is volatile: "
                                              "it is treated as volatile (added without rewriting, then backfilled).");
    }
    // PostgreSQL 11+ keeps a non-volatile default in the catalog: existing rows get it without a rewrite.
    m_inlineDefault = hasDefault && !m_volatileDefault && m_in.targetVersion >= 110000 && m_spec.backfill.isEmpty();
    m_inlineNotNull = !m_spec.nullable && m_inlineDefault;
    if (m_in.table.estimatedRows < 0)
        m_plan.warnings << QStringLiteral("The table has never been analysed: durations assume it is small. "
                                          "Run ANALYZE for real estimates.");
    if (m_spec.unique && m_inlineDefault && m_in.table.estimatedRows > 1)
        m_plan.warnings << QStringLiteral("Every existing row gets the same default: the unique index will fail "
                                          "unless the table has at most one row.");

    addColumn();
    backfill();
    enforceCheck();
    enforceNotNull();
    buildIndexes();
    // lock-impact.md rule 11: the foreign key after the index on its column, so that the key never
    // exists without it (every delete or key update on the referenced table looks the column up).
    enforceForeignKey();
    verify();
    // Stages in order (expand, backfill, enforce, index, contract, verify), steps in order within each.
    std::stable_sort(m_plan.steps.begin(), m_plan.steps.end(),
                     [](const PlanStep &a, const PlanStep &b) { return int(a.stage) < int(b.stage); });
    for (int i = 0; i < m_plan.steps.size(); ++i) {
        if (m_plan.steps.at(i).stage == Stage::Contract) {
            m_plan.pointOfNoReturn = i;
            break;
        }
    }
    m_plan.naive = PostgresNaive(m_in, m_volatileDefault).statement();
    return m_plan;
}

void PostgresPlanner::addColumn()
{
    QString sql = QStringLiteral("ALTER TABLE %1 ADD COLUMN IF NOT EXISTS %2 %3").arg(m_table, m_column, m_spec.type);
    const bool hasDefault = m_spec.defaultKind != ColumnSpec::DefaultKind::None;
    if (m_inlineDefault)
        sql += QLatin1String(" DEFAULT ") + defaultSql();
    if (m_inlineNotNull)
        sql += QLatin1String(" NOT NULL");
    if (hasDefault && !m_inlineDefault) // new rows get it; existing rows are backfilled
        sql += QStringLiteral(", ALTER COLUMN %1 SET DEFAULT %2").arg(m_column, defaultSql());
    QStringList statements{sql};
    if (!m_spec.comment.isEmpty())
        statements << QStringLiteral("COMMENT ON COLUMN %1.%2 IS %3").arg(m_table, m_column, quoteLiteral(PG, m_spec.comment));

    PlanStep step = ddl(Stage::Expand, QStringLiteral("Add column %1").arg(m_spec.name), statements,
                        QStringLiteral("AccessExclusiveLock"));
    if (!m_spec.comment.isEmpty()) // COMMENT takes its own lock, weaker than the ALTER's (seen in pg_locks)
        step.locks << LockClaim{m_tableLabel, QStringLiteral("ShareUpdateExclusiveLock")};
    step.rollbackSql = {QStringLiteral("ALTER TABLE %1 DROP COLUMN IF EXISTS %2").arg(m_table, m_column)};
    step.appliedSql = QStringLiteral("SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = %1::regclass "
                                     "AND attname = %2 AND NOT attisdropped)")
                          .arg(quoteLiteral(PG, m_table), quoteLiteral(PG, m_spec.name));
    if (m_in.typeRewritesTable) {
        // No staged form avoids it: adding the column plain and changing its type later rewrites too.
        step.rewritesTable = true;
        step.estimatedSeconds = step.lockHeldSeconds = CostModel::rewrite(m_in.table.totalBytes);
        step.locks.insert(1, LockClaim{m_tableLabel, QStringLiteral("ShareLock")}); // seen in pg_locks during the rewrite
        step.rule = QStringLiteral("pg.add-column.domain-rewrite");
        step.why = QStringLiteral("%1 is a domain with constraints: PostgreSQL checks them on every existing row by "
                                  "rewriting the table under ACCESS EXCLUSIVE, so reads and writes wait for the rewrite.")
                       .arg(m_spec.type);
        m_plan.warnings << QStringLiteral("Adding a column of the domain %1 rewrites the whole table while blocking reads "
                                          "and writes (about %2 s here); a column of its base type with a CHECK "
                                          "constraint would not.")
                               .arg(m_spec.type).arg(step.estimatedSeconds, 0, 'f', 1);
    } else if (m_inlineNotNull) {
        step.rule = QStringLiteral("pg.add-column.not-null-fast-default");
        step.why = QStringLiteral("PostgreSQL 11+ keeps the non-volatile default in the catalog, so NOT NULL holds "
                                  "at once: no rewrite, no scan, the exclusive lock lasts milliseconds.");
    } else if (m_inlineDefault) {
        step.rule = QStringLiteral("pg.add-column.fast-default");
        step.why = QStringLiteral("PostgreSQL 11+ keeps the non-volatile default in the catalog: existing rows get it "
                                  "without a rewrite; the exclusive lock lasts milliseconds.");
    } else if (m_volatileDefault) {
        step.rule = QStringLiteral("pg.add-column.volatile-default");
        step.why = QStringLiteral("A volatile default would rewrite the whole table under an exclusive lock: the column "
                                  "is added empty, new rows get the default, existing rows are backfilled in batches.");
    } else if (hasDefault) {
        step.rule = QStringLiteral("pg.add-column.default-then-backfill");
        step.why = m_spec.backfill.isEmpty()
            ? QStringLiteral("Before PostgreSQL 11 a default rewrites the table: the column is added empty, new rows "
                             "get the default, existing rows are backfilled in batches.")
            : QStringLiteral("Existing rows get the backfill value, not the default: the column is added empty with "
                             "the default for new rows, then existing rows are backfilled in batches.");
    } else {
        step.rule = QStringLiteral("pg.add-column");
        step.why = QStringLiteral("A nullable column without a default only changes the catalog: the exclusive lock "
                                  "lasts milliseconds.");
    }
    m_plan.steps << step;
}

void PostgresPlanner::backfill()
{
    const bool hasDefault = m_spec.defaultKind != ColumnSpec::DefaultKind::None;
    if (m_spec.backfill.isEmpty() && (!hasDefault || m_inlineDefault))
        return; // existing rows already hold their value (the default, or NULL)
    if (m_in.table.estimatedRows == 0)
        m_plan.warnings << QStringLiteral("The table looks empty, but rows may arrive before the column exists: the "
                                          "backfill step stays and finishes at once if there is nothing to fill.");
    PlanStep step;
    step.stage = Stage::Backfill;
    step.title = QStringLiteral("Fill %1 in existing rows").arg(m_spec.name);
    step.backfill = {PG, m_table, m_spec.name, Backfill::valueForExistingRows(PG, m_spec), m_in.table.primaryKey(),
                     m_in.table.kind == RelationKind::PartitionedTable};
    step.sql = step.backfill.statements();
    step.estimatedSeconds = m_in.settings.backfillSeconds(m_in.table.estimatedRows);
    // On a partitioned table a batch locks only the partitions its key range reaches; all of them over the run.
    step.locks = onTable(QStringLiteral("AccessShareLock")) + onTable(QStringLiteral("RowExclusiveLock"));
    if (step.backfill.keyed()) {
        step.rule = QStringLiteral("pg.backfill.keyset");
        step.why = QStringLiteral("Existing rows are filled by primary key in short transactions of a few thousand rows, "
                                  "each holding only row locks: reads and writes go on.");
    } else {
        step.rule = QStringLiteral("pg.backfill.ctid");
        step.why = QStringLiteral("The table has no primary key: rows are filled in batches by physical address, each "
                                  "in a short transaction holding only row locks.");
        m_plan.warnings << QStringLiteral("The table has no primary key: the backfill batches by physical row address "
                                          "(ctid) and selects rows still NULL whose value is not NULL, so each batch "
                                          "searches the table again, and rows whose value is NULL stay NULL.");
    }
    m_plan.steps << step;
}

void PostgresPlanner::enforceCheck()
{
    if (m_spec.check.isEmpty())
        return;
    const QString constraint = name(QStringLiteral("check"));
    const QString quoted = quoteIdentifier(PG, constraint);
    PlanStep add = ddl(Stage::Enforce, QStringLiteral("Add CHECK %1 without checking existing rows").arg(constraint),
                       {QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 CHECK (%3) NOT VALID").arg(m_table, quoted, m_spec.check)},
                       QStringLiteral("AccessExclusiveLock"));
    add.rollbackSql = {QStringLiteral("ALTER TABLE %1 DROP CONSTRAINT IF EXISTS %2").arg(m_table, quoted)};
    add.appliedSql = constraintExists(constraint);
    add.creates = {{Kind::CheckConstraint, constraint, Scope::Table, m_spec.table, QStringLiteral("check")}};
    add.rule = QStringLiteral("pg.check.not-valid");
    add.why = QStringLiteral("NOT VALID checks new and updated rows at once but skips the scan of existing rows, so "
                             "the exclusive lock lasts milliseconds.");
    m_plan.steps << add;

    m_plan.steps << validate(QStringLiteral("Validate CHECK %1 on existing rows").arg(constraint), constraint,
                             constraintExists(constraint).replace(QLatin1String(" AND conname"), QLatin1String(" AND convalidated AND conname")),
                             QStringLiteral("pg.check.validate"),
                             QStringLiteral("VALIDATE scans the table under SHARE UPDATE EXCLUSIVE: reads and writes go on."));
}

void PostgresPlanner::enforceForeignKey()
{
    if (!m_spec.hasForeignKey())
        return;
    const QString constraint = name(QStringLiteral("fkey"));
    const QString quoted = quoteIdentifier(PG, constraint);
    const QString referenced = quoteQualified(PG, m_spec.referencedTable.schema, m_spec.referencedTable.name);
    const QString referencedLabel = m_spec.referencedTable.schema + QLatin1Char('.') + m_spec.referencedTable.name;
    QString definition = QStringLiteral("FOREIGN KEY (%1) REFERENCES %2 (%3)")
                             .arg(m_column, referenced, quoteIdentifier(PG, m_spec.referencedColumn));
    if (!m_spec.onDelete.isEmpty())
        definition += QLatin1String(" ON DELETE ") + m_spec.onDelete;
    if (!m_spec.onUpdate.isEmpty())
        definition += QLatin1String(" ON UPDATE ") + m_spec.onUpdate;

    PlanStep add = ddl(Stage::Index, QStringLiteral("Add foreign key %1 without checking existing rows").arg(constraint),
                       {QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 %3 NOT VALID").arg(m_table, quoted, definition)},
                       QStringLiteral("ShareRowExclusiveLock"));
    add.locks = onTable(QStringLiteral("AccessShareLock")) + onTable(QStringLiteral("ShareRowExclusiveLock"))
        + QList<LockClaim>{{referencedLabel, QStringLiteral("AccessShareLock")},
                           {referencedLabel, QStringLiteral("ShareRowExclusiveLock")}};
    add.rollbackSql = {QStringLiteral("ALTER TABLE %1 DROP CONSTRAINT IF EXISTS %2").arg(m_table, quoted)};
    add.appliedSql = constraintExists(constraint);
    add.creates = {{Kind::ForeignKey, constraint, Scope::Table, m_spec.table, QStringLiteral("references")}};
    add.rule = QStringLiteral("pg.foreign-key.not-valid");
    add.why = QStringLiteral("NOT VALID skips checking existing rows: writes on both tables pause for milliseconds, "
                             "reads go on.");
    m_plan.steps << add;

    PlanStep check = validate(QStringLiteral("Validate foreign key %1 on existing rows").arg(constraint), constraint,
                              constraintExists(constraint).replace(QLatin1String(" AND conname"), QLatin1String(" AND convalidated AND conname")),
                              QStringLiteral("pg.foreign-key.validate"),
                              QStringLiteral("VALIDATE checks every row against the referenced table under SHARE UPDATE "
                                             "EXCLUSIVE and ROW SHARE: writes on both tables go on."));
    // The validating query also reads both tables (AccessShareLock), as pg_locks shows, and looks
    // up the referenced table for each row.
    check.locks = onTable(QStringLiteral("AccessShareLock")) + onTable(QStringLiteral("ShareUpdateExclusiveLock"))
        + QList<LockClaim>{{referencedLabel, QStringLiteral("AccessShareLock")}, {referencedLabel, QStringLiteral("RowShareLock")}};
    check.estimatedSeconds = 2 * CostModel::scan(m_in.table.heapBytes);
    check.stage = Stage::Index; // in the index stage, after the index it needs
    m_plan.steps << check;
}

void PostgresPlanner::enforceNotNull()
{
    if (m_spec.nullable || m_inlineNotNull)
        return;
    const int v = m_in.targetVersion;
    const QString constraint = name(QStringLiteral("not_null"));
    const QString quoted = quoteIdentifier(PG, constraint);
    const QString notNullApplied = QStringLiteral("SELECT attnotnull FROM pg_attribute WHERE attrelid = %1::regclass "
                                                  "AND attname = %2")
                                       .arg(quoteLiteral(PG, m_table), quoteLiteral(PG, m_spec.name));
    if (v >= 180000) {
        PlanStep add = ddl(Stage::Enforce, QStringLiteral("Add NOT NULL on %1 without checking existing rows").arg(m_spec.name),
                           {QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 NOT NULL %3 NOT VALID").arg(m_table, quoted, m_column)},
                           QStringLiteral("AccessExclusiveLock"));
        add.rollbackSql = {QStringLiteral("ALTER TABLE %1 DROP CONSTRAINT IF EXISTS %2").arg(m_table, quoted)};
        add.appliedSql = constraintExists(constraint);
        add.creates = {{Kind::NotNullConstraint, constraint, Scope::Table, m_spec.table, QStringLiteral("nullable")}};
        add.rule = QStringLiteral("pg18.not-null.not-valid");
        add.why = QStringLiteral("PostgreSQL 18 adds NOT NULL as NOT VALID: new rows are checked at once, existing rows "
                                 "later; the exclusive lock lasts milliseconds.");
        // On 18 attnotnull is already true while the constraint is NOT VALID: only convalidated of
        // the not-null constraint itself says VALIDATE has run.
        const QString validated = QStringLiteral("SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = %1::regclass "
                                                 "AND contype = 'n' AND conname = %2 AND convalidated)")
                                      .arg(quoteLiteral(PG, m_table), quoteLiteral(PG, constraint));
        m_plan.steps << add
                     << validate(QStringLiteral("Validate NOT NULL on %1").arg(m_spec.name), constraint, validated,
                                 QStringLiteral("pg18.not-null.validate"),
                                 QStringLiteral("VALIDATE scans under SHARE UPDATE EXCLUSIVE: reads and writes go on."));
        return;
    }
    PlanStep add = ddl(Stage::Enforce, QStringLiteral("Add CHECK (%1 IS NOT NULL) without checking existing rows").arg(m_spec.name),
                       {QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 CHECK (%3 IS NOT NULL) NOT VALID").arg(m_table, quoted, m_column)},
                       QStringLiteral("AccessExclusiveLock"));
    add.rollbackSql = {QStringLiteral("ALTER TABLE %1 DROP CONSTRAINT IF EXISTS %2").arg(m_table, quoted)};
    add.appliedSql = constraintExists(constraint);
    add.creates = {{Kind::CheckConstraint, constraint, Scope::Table, m_spec.table, QStringLiteral("nullable")}};
    add.rule = QStringLiteral("pg.not-null.check-not-valid");
    add.why = QStringLiteral("SET NOT NULL alone would scan the whole table under an exclusive lock; a CHECK added NOT "
                             "VALID takes that lock for milliseconds.");
    m_plan.steps << add
                 << validate(QStringLiteral("Validate CHECK (%1 IS NOT NULL)").arg(m_spec.name), constraint,
                             notNullApplied + QStringLiteral(" OR EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = %1::regclass "
                                                             "AND conname = %2 AND convalidated)")
                                                  .arg(quoteLiteral(PG, m_table), quoteLiteral(PG, constraint)),
                             QStringLiteral("pg.not-null.validate"),
                             QStringLiteral("VALIDATE scans under SHARE UPDATE EXCLUSIVE: reads and writes go on."));
    if (v < 120000) {
        m_plan.warnings << QStringLiteral("PostgreSQL 11 cannot use a CHECK to skip SET NOT NULL's scan: the column "
                                          "stays nullable in the catalog and the validated CHECK enforces NOT NULL.");
        return;
    }
    PlanStep setNotNull = ddl(Stage::Enforce, QStringLiteral("Set NOT NULL on %1 (no scan)").arg(m_spec.name),
                              {QStringLiteral("ALTER TABLE %1 ALTER COLUMN %2 SET NOT NULL").arg(m_table, m_column)},
                              QStringLiteral("AccessExclusiveLock"));
    setNotNull.rollbackSql = {QStringLiteral("ALTER TABLE %1 ALTER COLUMN %2 DROP NOT NULL").arg(m_table, m_column)};
    setNotNull.appliedSql = notNullApplied;
    setNotNull.rule = QStringLiteral("pg.not-null.set-using-check");
    setNotNull.why = QStringLiteral("PostgreSQL 12+ sees the validated CHECK and skips the scan: the exclusive lock "
                                    "lasts milliseconds.");
    PlanStep drop = ddl(Stage::Contract, QStringLiteral("Drop the helper CHECK %1").arg(constraint),
                        {QStringLiteral("ALTER TABLE %1 DROP CONSTRAINT IF EXISTS %2").arg(m_table, quoted)},
                        QStringLiteral("AccessExclusiveLock"));
    drop.appliedSql = QStringLiteral("SELECT NOT (%1)").arg(constraintExists(constraint));
    drop.rule = QStringLiteral("pg.not-null.drop-helper");
    drop.why = QStringLiteral("NOT NULL now holds in the catalog; the helper CHECK would only cost time on every write.");
    m_plan.steps << setNotNull << drop;
}

void PostgresPlanner::buildIndexes()
{
    // A foreign key gets an index on its column too (deletes on the referenced table look it up).
    if (!m_spec.unique && !m_spec.index && !m_spec.hasForeignKey())
        return;
    const QString index = name(m_spec.unique ? QStringLiteral("key") : QStringLiteral("idx"));
    const QString qualifiedIndex = quoteQualified(PG, m_spec.table.schema, index);
    // Validation refuses UNIQUE on a partitioned table (it would have to include the partition key).
    if (m_in.table.kind == RelationKind::PartitionedTable && !m_spec.unique) {
        buildPartitionedIndex(index);
        return;
    }
    PlanStep build = ddl(Stage::Index, QStringLiteral("Build %1index %2 concurrently").arg(m_spec.unique ? QStringLiteral("unique ") : QString(), index),
                         {QStringLiteral("DROP INDEX CONCURRENTLY IF EXISTS %1").arg(qualifiedIndex),
                          QStringLiteral("CREATE %1INDEX CONCURRENTLY %2 ON %3 (%4)")
                              .arg(m_spec.unique ? QStringLiteral("UNIQUE ") : QString(), quoteIdentifier(PG, index), m_table, m_column)},
                         QStringLiteral("ShareUpdateExclusiveLock"));
    build.transactional = false;
    build.scansTable = true;
    build.estimatedSeconds = 2 * CostModel::scan(m_in.table.heapBytes) + CostModel::indexBuild(m_in.table.heapBytes);
    build.rollbackSql = {QStringLiteral("DROP INDEX CONCURRENTLY IF EXISTS %1").arg(qualifiedIndex)};
    build.appliedSql = QStringLiteral("SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                                      "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %1 AND c.relname = %2 "
                                      "AND i.indisvalid)")
                           .arg(quoteLiteral(PG, m_spec.table.schema), quoteLiteral(PG, index));
    // Indexes share their names with the schema's tables, views and sequences.
    build.creates = {{Kind::Index, index, Scope::Schema, m_spec.table, indexField(m_spec)}};
    build.rule = QStringLiteral("pg.index.concurrently");
    build.why = QStringLiteral("CREATE INDEX CONCURRENTLY scans twice under SHARE UPDATE EXCLUSIVE: reads and writes go "
                               "on. It runs outside a transaction; an invalid index left by a failure is dropped first.");
    m_plan.steps << build;
    if (!m_spec.unique)
        return;
    PlanStep attach = ddl(Stage::Index, QStringLiteral("Attach %1 as a UNIQUE constraint").arg(index),
                          {QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 UNIQUE USING INDEX %2").arg(m_table, quoteIdentifier(PG, index))},
                          QStringLiteral("AccessExclusiveLock"));
    attach.rollbackSql = {QStringLiteral("ALTER TABLE %1 DROP CONSTRAINT IF EXISTS %2").arg(m_table, quoteIdentifier(PG, index))};
    attach.appliedSql = constraintExists(index);
    attach.creates = {{Kind::UniqueConstraint, index, Scope::Table, m_spec.table, indexField(m_spec)}};
    attach.rule = QStringLiteral("pg.unique.using-index");
    attach.why = QStringLiteral("USING INDEX adopts the index already built: no scan, the exclusive lock lasts "
                                "milliseconds.");
    m_plan.steps << attach;
}

void PostgresPlanner::buildPartitionedIndex(const QString &index)
{
    // The server refuses CREATE INDEX CONCURRENTLY on a partitioned table, and a plain CREATE INDEX
    // there blocks writes on every partition for the whole build. So (lock-impact.md rule 9): an
    // index on the parent alone, built nowhere and invalid; each partition's index built
    // concurrently; then each attached, which makes the parent's valid once all are.
    const QString qualifiedIndex = quoteQualified(PG, m_spec.table.schema, index);
    const QString indexLabel = m_spec.table.schema + QLatin1Char('.') + index;
    const QString indexExists = QStringLiteral("SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                                               "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %1 "
                                               "AND c.relname = %2 AND i.indrelid = %3::regclass%4)");
    PlanStep parent = ddl(Stage::Index, QStringLiteral("Create index %1 on %2 only (invalid until its partitions' are attached)")
                                            .arg(index, m_spec.table.name),
                          {QStringLiteral("CREATE INDEX IF NOT EXISTS %1 ON ONLY %2 (%3)")
                               .arg(quoteIdentifier(PG, index), m_table, m_column)},
                          QStringLiteral("ShareLock"));
    parent.locks = {{m_tableLabel, QStringLiteral("ShareLock")}, {indexLabel, QStringLiteral("AccessExclusiveLock")}};
    // Dropping the partitioned index drops the partitions' indexes attached to it.
    parent.rollbackSql = {QStringLiteral("DROP INDEX IF EXISTS %1").arg(qualifiedIndex)};
    parent.appliedSql = indexExists.arg(quoteLiteral(PG, m_spec.table.schema), quoteLiteral(PG, index),
                                        quoteLiteral(PG, m_table), QString());
    parent.creates = {{Kind::Index, index, Scope::Schema, m_spec.table, indexField(m_spec)}};
    parent.rule = QStringLiteral("pg.index.partitioned-only");
    parent.why = QStringLiteral("ON ONLY creates the partitioned table's index without building it on any partition: "
                                "SHARE for milliseconds, so writes pause that long; reads go on.");
    m_plan.steps << parent;
    if (m_in.table.partitions.isEmpty())
        return; // no partitions: the index is valid at once

    PlanStep attach = ddl(Stage::Index, QStringLiteral("Attach the partitions' indexes to %1").arg(index), {},
                          QStringLiteral("AccessShareLock"));
    attach.locks = {{m_tableLabel, QStringLiteral("AccessShareLock")}, {indexLabel, QStringLiteral("ShareUpdateExclusiveLock")}};
    for (const PartitionInfo &p : m_in.table.partitions) {
        const QString partitionIndex = generatedName(PG, p.table.name, m_spec.name, QStringLiteral("idx"));
        const QString qualified = quoteQualified(PG, p.table.schema, partitionIndex);
        PlanStep build = ddl(Stage::Index, QStringLiteral("Build index %1 on partition %2 concurrently").arg(partitionIndex, p.table.name),
                             {QStringLiteral("DROP INDEX CONCURRENTLY IF EXISTS %1").arg(qualified),
                              QStringLiteral("CREATE INDEX CONCURRENTLY %1 ON %2 (%3)")
                                  .arg(quoteIdentifier(PG, partitionIndex), quoteQualified(PG, p.table.schema, p.table.name), m_column)},
                             QStringLiteral("ShareUpdateExclusiveLock"));
        build.locks = {{label(p.table), QStringLiteral("ShareUpdateExclusiveLock")}};
        build.transactional = false;
        build.scansTable = true;
        build.estimatedSeconds = 2 * CostModel::scan(p.heapBytes) + CostModel::indexBuild(p.heapBytes);
        build.rollbackSql = {QStringLiteral("DROP INDEX CONCURRENTLY IF EXISTS %1").arg(qualified)};
        build.appliedSql = indexExists.arg(quoteLiteral(PG, p.table.schema), quoteLiteral(PG, partitionIndex),
                                           quoteLiteral(PG, quoteQualified(PG, p.table.schema, p.table.name)),
                                           QStringLiteral(" AND i.indisvalid"));
        build.creates = {{Kind::Index, partitionIndex, Scope::Schema, p.table, indexField(m_spec)}};
        build.rule = QStringLiteral("pg.index.partition-concurrently");
        build.why = QStringLiteral("CREATE INDEX CONCURRENTLY on one partition scans it twice under SHARE UPDATE EXCLUSIVE: "
                                   "reads and writes go on. An invalid index left by a failure is dropped first.");
        m_plan.steps << build;
        // Attaching an already attached index does nothing, so the step can be retried as a whole.
        attach.sql << QStringLiteral("ALTER INDEX %1 ATTACH PARTITION %2").arg(qualifiedIndex, qualified);
        attach.locks << LockClaim{label(p.table), QStringLiteral("AccessShareLock")}
                     << LockClaim{p.table.schema + QLatin1Char('.') + partitionIndex, QStringLiteral("AccessExclusiveLock")};
    }
    // The partition's index is locked exclusively for milliseconds: queries planned on the partition wait that long.
    attach.blocksReads = attach.blocksWrites = true;
    attach.lockHeldSeconds = CostModel::CatalogOnlySeconds;
    attach.rollbackSql = {QStringLiteral("DROP INDEX IF EXISTS %1").arg(qualifiedIndex)};
    attach.appliedSql = indexExists.arg(quoteLiteral(PG, m_spec.table.schema), quoteLiteral(PG, index), quoteLiteral(PG, m_table),
                                        QStringLiteral(" AND i.indisvalid"));
    attach.rule = QStringLiteral("pg.index.partitioned-attach");
    attach.why = QStringLiteral("ATTACH PARTITION adopts each partition's index, built already: no scan, milliseconds. "
                                "With every partition's attached, the partitioned index becomes valid.");
    m_plan.steps << attach;
}

void PostgresPlanner::verify()
{
    PlanStep step = ddl(Stage::Verify, QStringLiteral("Refresh statistics on %1").arg(m_spec.table.name),
                        {QStringLiteral("ANALYZE %1").arg(m_table)}, QStringLiteral("ShareUpdateExclusiveLock"));
    for (const PartitionInfo &p : m_in.table.partitions) // the partitions are sampled, so read too
        step.locks << LockClaim{label(p.table), QStringLiteral("AccessShareLock")};
    step.estimatedSeconds = std::min(1.0, CostModel::scan(m_in.table.heapBytes));
    step.rule = QStringLiteral("pg.verify.analyze");
    step.why = QStringLiteral("The planner needs statistics for the new column; ANALYZE reads a sample and blocks "
                              "neither reads nor writes.");
    m_plan.steps << step;
}

} // namespace Stagecraft
