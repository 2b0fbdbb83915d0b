#include "postgresplanner.h"
#include "postgresnaive.h"
#include "postgresplanner_p.h"

#include "costmodel.h"
#include "failingwrites.h"
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
    // PostgreSQL 13 was the first to take BEFORE ROW triggers on a partitioned table.
    m_plan.sync = Sync::decide(PG, m_spec, m_in.table,
                               m_in.table.kind == RelationKind::PartitionedTable && m_in.targetVersion < 130000
                                   ? QStringLiteral("PostgreSQL before 13 has no BEFORE ROW triggers on a partitioned table")
                                   : QString());
    if (m_plan.sync.enabled)
        m_syncFunction = name(QStringLiteral("sync"));
    if (const QString stale = m_plan.sync.staleWarning(m_spec); !stale.isEmpty())
        m_plan.warnings << stale;

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

    if (!m_spec.nullable && !m_inlineNotNull && !hasDefault && !m_plan.sync.enabled)
        m_expandGateReason = QStringLiteral("NOT NULL is enforced later in this run, and from then on an INSERT that leaves %1 "
                                            "out fails: nothing fills it (no default, no sync). The column exists now: deploy "
                                            "the application version that writes %1 on every INSERT, then resume.")
                                 .arg(m_spec.name);
    addColumn();
    addSync();
    backfill();
    enforceCheck();
    enforceNotNull();
    buildIndexes();
    // lock-impact.md rule 11: the foreign key after the index on its column, so that the key never
    // exists without it (every delete or key update on the referenced table looks the column up).
    enforceForeignKey();
    dropSync();
    verify();
    // Stages in order (expand, backfill, enforce, index, contract, verify), steps in order within each.
    std::stable_sort(m_plan.steps.begin(), m_plan.steps.end(),
                     [](const PlanStep &a, const PlanStep &b) { return int(a.stage) < int(b.stage); });
    addGates();
    for (int i = 0; i < m_plan.steps.size(); ++i) {
        if (m_plan.steps.at(i).stage == Stage::Contract && m_plan.steps.at(i).gate.isEmpty()) {
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
    // New rows get it, existing rows are backfilled. With a sync, new rows get the sync's value
    // until the contract stage, which sets the default: the sync cannot tell a default from a value
    // written on purpose.
    if (hasDefault && !m_inlineDefault && !m_plan.sync.enabled)
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
        step.estimatedSeconds = step.lockHeldSeconds = CostModel::rewrite(m_in.server.engine, m_in.table.totalBytes);
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
    if (hasDefault && m_plan.sync.enabled)
        step.why += QStringLiteral(" The default is set in the contract stage, when the sync ends.");
    m_plan.steps << step;
}

namespace {

// NEW.x compared with OLD.x. Types without an equality operator (json, xml, the geometric ones)
// compare as text: the server refuses the trigger otherwise.
QString distinct(const QString &column, const QString &type, bool different)
{
    static const QStringList noEquality = {QStringLiteral("json"), QStringLiteral("xml"), QStringLiteral("point"),
                                           QStringLiteral("line"), QStringLiteral("lseg"), QStringLiteral("box"),
                                           QStringLiteral("path"), QStringLiteral("polygon"), QStringLiteral("circle")};
    const QString base = type.section(QLatin1Char('('), 0, 0).section(QLatin1Char('['), 0, 0).trimmed().toLower();
    const QString cast = noEquality.contains(base) ? QStringLiteral("::text") : QString();
    return QStringLiteral("NEW.%1%2 IS %3DISTINCT FROM OLD.%1%2").arg(column, cast, different ? QString() : QStringLiteral("NOT "));
}

} // namespace

void PostgresPlanner::addSync()
{
    if (!m_plan.sync.enabled)
        return;
    const QString function = quoteQualified(PG, m_spec.table.schema, m_syncFunction);
    // The expression as written, over a one-row table of NEW named like the table: its columns, bare
    // or qualified by the table's name, are the row's, and the table's name alone is the row, of the
    // table's type (unnest of an array of it). use_column: a column named like a PL/pgSQL variable
    // (found, new) is the column. The search path is the one the plan was checked under. An
    // expression that fails for a row leaves the column NULL there rather than failing the
    // application's write (the backfill and the guards before NOT NULL report such rows).
    const QString body = QStringLiteral("\n#variable_conflict use_column\nBEGIN\n    NEW.%1 := (SELECT %2 FROM unnest(ARRAY[NEW]) AS %3);\n"
                                        "    RETURN NEW;\nEXCEPTION WHEN OTHERS THEN\n    NEW.%1 := NULL;\n    RETURN NEW;\nEND\n")
                             .arg(m_column, m_spec.backfill, quoteIdentifier(PG, m_spec.table.name));
    // Dollar-quoted with a tag nothing in it holds (the expression, the names).
    QString tag = QStringLiteral("$sync$");
    for (int i = 1; body.contains(tag) || function.contains(tag); ++i)
        tag = QStringLiteral("$sync%1$").arg(i);
    const QString create = QStringLiteral("CREATE FUNCTION %1() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS %2%3%2")
                               .arg(function, tag, body);
    const QString execute = m_in.targetVersion >= 110000 ? QStringLiteral("EXECUTE FUNCTION") : QStringLiteral("EXECUTE PROCEDURE");
    QStringList sql{create,
                    QStringLiteral("CREATE TRIGGER %1 BEFORE INSERT ON %2 FOR EACH ROW WHEN (NEW.%3 IS NULL) %4 %5()")
                        .arg(quoteIdentifier(PG, m_plan.sync.insertTrigger), m_table, m_column, execute, function)};
    QStringList triggers{m_plan.sync.insertTrigger};
    QList<CreatedObject> creates{{Kind::Function, m_syncFunction, Scope::Schema, m_spec.table, QStringLiteral("sync")},
                                 {Kind::Trigger, m_plan.sync.insertTrigger, Scope::Table, m_spec.table, QStringLiteral("sync")}};
    if (!m_plan.sync.updateTrigger.isEmpty()) {
        QStringList changed;
        for (const QString &c : std::as_const(m_plan.sync.columnsRead)) {
            const ColumnInfo *info = m_in.table.column(c);
            changed << distinct(quoteIdentifier(PG, c), info ? info->type : QString(), true);
        }
        sql << QStringLiteral("CREATE TRIGGER %1 BEFORE UPDATE ON %2 FOR EACH ROW WHEN (%3 AND (%4)) %5 %6()")
                   .arg(quoteIdentifier(PG, m_plan.sync.updateTrigger), m_table, distinct(m_column, m_spec.type, false),
                        changed.join(QLatin1String(" OR ")), execute, function);
        triggers << m_plan.sync.updateTrigger;
        creates << CreatedObject{Kind::Trigger, m_plan.sync.updateTrigger, Scope::Table, m_spec.table, QStringLiteral("sync")};
    }
    QStringList names;
    for (const QString &t : triggers)
        names << quoteLiteral(PG, t);
    PlanStep step = ddl(Stage::Expand, QStringLiteral("Keep %1 filled for writers that do not know it").arg(m_spec.name), sql,
                        QStringLiteral("ShareRowExclusiveLock"));
    for (const QString &t : triggers)
        step.rollbackSql << QStringLiteral("DROP TRIGGER IF EXISTS %1 ON %2").arg(quoteIdentifier(PG, t), m_table);
    step.rollbackSql << QStringLiteral("DROP FUNCTION IF EXISTS %1()").arg(function);
    step.appliedSql = QStringLiteral("SELECT count(*) = %1 FROM pg_trigger WHERE tgrelid = %2::regclass AND tgname IN (%3)")
                          .arg(QString::number(triggers.size()), quoteLiteral(PG, m_table), names.join(QLatin1String(", ")));
    step.creates = creates;
    step.rule = QStringLiteral("pg.sync.trigger");
    step.why = m_plan.sync.behaviour(m_spec)
        + QStringLiteral(" CREATE TRIGGER takes SHARE ROW EXCLUSIVE for milliseconds: writes pause, reads go on. Cost: such a "
                         "write runs the function once (one small query); any other only tests the trigger's WHEN condition. "
                         "Where the expression fails for a row the column is left NULL there: the write goes through.");
    m_plan.steps << step;
}

void PostgresPlanner::dropSync()
{
    if (!m_plan.sync.enabled)
        return;
    QStringList sql, names;
    for (const QString &t : {m_plan.sync.insertTrigger, m_plan.sync.updateTrigger}) {
        if (t.isEmpty())
            continue;
        sql << QStringLiteral("DROP TRIGGER IF EXISTS %1 ON %2").arg(quoteIdentifier(PG, t), m_table);
        names << quoteLiteral(PG, t);
    }
    sql << QStringLiteral("DROP FUNCTION IF EXISTS %1()").arg(quoteQualified(PG, m_spec.table.schema, m_syncFunction));
    const bool hasDefault = m_spec.defaultKind != ColumnSpec::DefaultKind::None;
    if (hasDefault)
        sql << QStringLiteral("ALTER TABLE %1 ALTER COLUMN %2 SET DEFAULT %3").arg(m_table, m_column, defaultSql());
    PlanStep step = ddl(Stage::Contract, QStringLiteral("Stop filling %1: the application writes it").arg(m_spec.name), sql,
                        QStringLiteral("AccessExclusiveLock"));
    // Dropping the function reads the table it depends on (AccessShareLock, seen in pg_locks).
    step.locks << LockClaim{m_tableLabel, QStringLiteral("AccessShareLock")};
    step.appliedSql = QStringLiteral("SELECT NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = %1::regclass AND tgname IN (%2))")
                          .arg(quoteLiteral(PG, m_table), names.join(QLatin1String(", ")));
    step.rule = QStringLiteral("pg.sync.drop");
    step.why = QStringLiteral("The sync ends: DROP TRIGGER takes ACCESS EXCLUSIVE for milliseconds. From here on a row written "
                              "without %1 gets %2.").arg(m_spec.name, Sync::afterwards(m_spec));
    if (!m_spec.nullable && !hasDefault)
        step.failingWrites = FailingWrites::omittedAfterSync(m_spec);
    m_plan.steps << step;
}

void PostgresPlanner::addGates()
{
    // The rows written to the table (or its partitions) so far, from the statistics the server keeps anyway.
    const QString written = QStringLiteral("(SELECT sum(n_tup_ins + n_tup_upd) FROM pg_stat_user_tables WHERE relid = %1::regclass "
                                           "OR relid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = %1::regclass))")
                                .arg(quoteLiteral(PG, m_table));
    if (m_spec.gateAfterExpand || !m_expandGateReason.isEmpty()) {
        PlanStep gate = deployGate(QStringLiteral("after-expand"), m_spec, m_expandGateReason);
        gate.gateProbeSql = QStringLiteral("SELECT NULL AS filled, %1 AS written").arg(written);
        insertGate(&m_plan.steps, gate);
    }
    if (m_plan.sync.enabled) {
        PlanStep gate = deployGate(QStringLiteral("before-contract"), m_spec);
        // pg_stat_user_functions counts the sync function's calls (track_functions = pl or all):
        // the function runs only when the sync fills the column.
        gate.gateProbeSql = QStringLiteral("SELECT (SELECT calls FROM pg_stat_user_functions WHERE funcid = to_regproc(%1)) AS filled, "
                                           "%2 AS written")
                                .arg(quoteLiteral(PG, quoteQualified(PG, m_spec.table.schema, m_syncFunction)), written);
        insertGate(&m_plan.steps, gate);
    }
    addSubscriberGate();
}

void PostgresPlanner::addSubscriberGate()
{
    const TableDetails &t = m_in.table;
    const auto quotedList = [](const QStringList &names) {
        QStringList quoted;
        for (const QString &n : names)
            quoted << quoteIdentifier(PG, n);
        return quoted.join(QLatin1String(", "));
    };
    if (!t.publicationsWithColumnList.isEmpty())
        m_plan.warnings << QStringLiteral("%1 is published with a column list (%2): %3 is not sent to those subscribers until it is "
                                          "added to the list. To send it: add it on their subscribers first, then ALTER PUBLICATION "
                                          "... SET TABLE %1 (...) with %3.")
                               .arg(m_tableLabel, quotedList(t.publicationsWithColumnList), m_spec.name);
    const bool backfills = std::any_of(m_plan.steps.cbegin(), m_plan.steps.cend(), [](const PlanStep &s) { return s.stage == Stage::Backfill; });
    if (t.publishedUpdatesWithoutIdentity && backfills)
        m_plan.warnings << QStringLiteral("%1 is published for UPDATEs but has no replica identity: the server refuses every UPDATE "
                                          "of it, the backfill's too, which would stop this run after the expand steps. Give it one "
                                          "first: ALTER TABLE %2 REPLICA IDENTITY FULL (or USING INDEX a unique index).")
                               .arg(m_tableLabel, m_table);
    QStringList sending = t.publications;
    for (const QString &p : t.publicationsWithColumnList)
        sending.removeAll(p);
    if (sending.isEmpty())
        return;
    PlanStep gate;
    gate.stage = Stage::Expand;
    gate.gate = QStringLiteral("subscribers-first");
    gate.rule = QStringLiteral("gate.subscribers-first");
    gate.title = QStringLiteral("Subscriber gate: add %1 on every subscriber of %2 first").arg(m_spec.name, sending.join(QLatin1String(", ")));
    gate.why = QStringLiteral("%1 is published for logical replication (%2). Once %3 exists here, every change the publisher sends "
                              "carries it, and a subscriber whose table lacks it stops replicating (\"logical replication target "
                              "relation ... is missing replicated column\"). On every subscriber first: ALTER TABLE %4 ADD COLUMN "
                              "IF NOT EXISTS %5 %6; then resume. Nothing has changed here yet.")
                   .arg(m_tableLabel, quotedList(sending), m_spec.name, m_table, m_column, m_spec.type);
    m_plan.steps.prepend(gate);
}

PlanStep PostgresPlanner::thenValidate(PlanStep add, const QString &constraint, const QList<LockClaim> &validateLocks,
                                       const QString &validatedSql, const QString &guardSql, const QString &guardMessage) const
{
    add.sql << QStringLiteral("ALTER TABLE %1 VALIDATE CONSTRAINT %2").arg(m_table, quoteIdentifier(PG, constraint));
    add.transactional = false;
    for (const LockClaim &l : validateLocks) {
        if (!add.locks.contains(l))
            add.locks << l;
    }
    add.scansTable = true;
    add.estimatedSeconds += 2 * CostModel::scan(m_in.server.engine, m_in.table.heapBytes); // the guard's scan and VALIDATE's
    add.onFailureSql = add.rollbackSql;
    add.appliedSql = validatedSql;
    add.guardSql = guardSql;
    add.guardMessage = guardMessage;
    return add;
}

QString PostgresPlanner::notNullFailures() const
{
    if (m_plan.sync.enabled)
        return QStringLiteral("Writes that leave %1 NULL fail from here on: for a writer that does not know it, rows where %2 "
                              "is NULL or fails (the sync fills %1 with it).").arg(m_spec.name, m_spec.backfill);
    if (m_spec.defaultKind != ColumnSpec::DefaultKind::None)
        return {}; // the default fills it; only a NULL written on purpose fails, as designed
    return FailingWrites::omittedUntilDeployed(m_spec);
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
    step.estimatedSeconds = m_in.settings.backfillSeconds(m_in.server.engine, m_in.table.estimatedRows);
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
    PlanStep add = ddl(Stage::Enforce, QStringLiteral("Add CHECK %1 and validate it").arg(constraint),
                       {QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 CHECK (%3) NOT VALID").arg(m_table, quoted, m_spec.check)},
                       QStringLiteral("AccessExclusiveLock"));
    add.rollbackSql = {QStringLiteral("ALTER TABLE %1 DROP CONSTRAINT IF EXISTS %2").arg(m_table, quoted)};
    add.creates = {{Kind::CheckConstraint, constraint, Scope::Table, m_spec.table, QStringLiteral("check")}};
    add.rule = QStringLiteral("pg.check.not-valid-validate");
    add.why = QStringLiteral("NOT VALID checks new and updated rows at once but skips the scan of existing rows, so the "
                             "exclusive lock lasts milliseconds; VALIDATE then scans under SHARE UPDATE EXCLUSIVE, reads and "
                             "writes going on.");
    add.failingWrites = FailingWrites::breakingCheck(m_spec);
    m_plan.steps << thenValidate(add, constraint, onTable(QStringLiteral("ShareUpdateExclusiveLock")),
                                 constraintExists(constraint).replace(QLatin1String(" AND conname"), QLatin1String(" AND convalidated AND conname")),
                                 QStringLiteral("SELECT count(*) FROM %1 WHERE NOT (%2)").arg(m_table, m_spec.check),
                                 QStringLiteral("rows break CHECK (%1), written since the backfill").arg(m_spec.check));
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

    PlanStep add = ddl(Stage::Index, QStringLiteral("Add foreign key %1 and validate it").arg(constraint),
                       {QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 %3 NOT VALID").arg(m_table, quoted, definition)},
                       QStringLiteral("ShareRowExclusiveLock"));
    add.locks = onTable(QStringLiteral("AccessShareLock")) + onTable(QStringLiteral("ShareRowExclusiveLock"))
        + QList<LockClaim>{{referencedLabel, QStringLiteral("AccessShareLock")},
                           {referencedLabel, QStringLiteral("ShareRowExclusiveLock")}};
    add.rollbackSql = {QStringLiteral("ALTER TABLE %1 DROP CONSTRAINT IF EXISTS %2").arg(m_table, quoted)};
    add.creates = {{Kind::ForeignKey, constraint, Scope::Table, m_spec.table, QStringLiteral("references")}};
    add.rule = QStringLiteral("pg.foreign-key.not-valid-validate");
    add.why = QStringLiteral("NOT VALID skips checking existing rows: writes on both tables pause for milliseconds, reads go "
                             "on. VALIDATE then checks every row against %1 under SHARE UPDATE EXCLUSIVE and ROW SHARE: "
                             "writes on both tables go on.").arg(m_spec.referencedTable.name);
    add.failingWrites = QStringLiteral("Writes whose %1 matches no %2.%3 fail from here on.")
                            .arg(m_spec.name, referencedLabel, m_spec.referencedColumn);
    // The validating query also reads both tables (AccessShareLock), as pg_locks shows, and looks
    // up the referenced table for each row.
    PlanStep step = thenValidate(add, constraint,
                                 onTable(QStringLiteral("AccessShareLock")) + onTable(QStringLiteral("ShareUpdateExclusiveLock"))
                                     + QList<LockClaim>{{referencedLabel, QStringLiteral("AccessShareLock")},
                                                        {referencedLabel, QStringLiteral("RowShareLock")}},
                                 constraintExists(constraint).replace(QLatin1String(" AND conname"), QLatin1String(" AND convalidated AND conname")),
                                 QStringLiteral("SELECT count(*) FROM %1 t WHERE t.%2 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM %3 p "
                                                "WHERE p.%4 = t.%2)")
                                     .arg(m_table, m_column, referenced, quoteIdentifier(PG, m_spec.referencedColumn)),
                                 QStringLiteral("rows of %1 reference missing rows of %2").arg(m_spec.table.name, m_spec.referencedTable.name));
    step.estimatedSeconds += CostModel::scan(m_in.server.engine, m_in.table.heapBytes); // VALIDATE looks each row up in the referenced table
    m_plan.steps << step; // in the index stage, after the index it needs
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
    const QString guard = QStringLiteral("SELECT count(*) FROM %1 WHERE %2 IS NULL").arg(m_table, m_column);
    const QString guardMessage = QStringLiteral("rows hold NULL in %1, written since the backfill").arg(m_spec.name);
    if (v >= 180000) {
        PlanStep add = ddl(Stage::Enforce, QStringLiteral("Add NOT NULL on %1 and validate it").arg(m_spec.name),
                           {QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 NOT NULL %3 NOT VALID").arg(m_table, quoted, m_column)},
                           QStringLiteral("AccessExclusiveLock"));
        add.rollbackSql = {QStringLiteral("ALTER TABLE %1 DROP CONSTRAINT IF EXISTS %2").arg(m_table, quoted)};
        add.creates = {{Kind::NotNullConstraint, constraint, Scope::Table, m_spec.table, QStringLiteral("nullable")}};
        add.rule = QStringLiteral("pg18.not-null.not-valid-validate");
        add.why = QStringLiteral("PostgreSQL 18 adds NOT NULL as NOT VALID: new rows are checked at once, existing rows by "
                                 "VALIDATE; the exclusive lock lasts milliseconds, the scan runs under SHARE UPDATE EXCLUSIVE.");
        add.failingWrites = notNullFailures();
        // On 18 attnotnull is already true while the constraint is NOT VALID: only convalidated of
        // the not-null constraint itself says VALIDATE has run.
        const QString validated = QStringLiteral("SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = %1::regclass "
                                                 "AND contype = 'n' AND conname = %2 AND convalidated)")
                                      .arg(quoteLiteral(PG, m_table), quoteLiteral(PG, constraint));
        m_plan.steps << thenValidate(add, constraint, onTable(QStringLiteral("ShareUpdateExclusiveLock")), validated, guard, guardMessage);
        return;
    }
    PlanStep add = ddl(Stage::Enforce, QStringLiteral("Add CHECK (%1 IS NOT NULL) and validate it").arg(m_spec.name),
                       {QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 CHECK (%3 IS NOT NULL) NOT VALID").arg(m_table, quoted, m_column)},
                       QStringLiteral("AccessExclusiveLock"));
    add.rollbackSql = {QStringLiteral("ALTER TABLE %1 DROP CONSTRAINT IF EXISTS %2").arg(m_table, quoted)};
    add.creates = {{Kind::CheckConstraint, constraint, Scope::Table, m_spec.table, QStringLiteral("nullable")}};
    add.rule = QStringLiteral("pg.not-null.check-not-valid-validate");
    add.why = QStringLiteral("SET NOT NULL alone would scan the whole table under an exclusive lock; a CHECK added NOT VALID "
                             "takes that lock for milliseconds, and VALIDATE scans under SHARE UPDATE EXCLUSIVE.");
    add.failingWrites = notNullFailures();
    m_plan.steps << thenValidate(add, constraint, onTable(QStringLiteral("ShareUpdateExclusiveLock")),
                                 notNullApplied + QStringLiteral(" OR EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = %1::regclass "
                                                                 "AND conname = %2 AND convalidated)")
                                                      .arg(quoteLiteral(PG, m_table), quoteLiteral(PG, constraint)),
                                 guard, guardMessage);
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
    build.estimatedSeconds = 2 * CostModel::scan(m_in.server.engine, m_in.table.heapBytes) + CostModel::indexBuild(m_in.server.engine, m_in.table.heapBytes);
    build.rollbackSql = {QStringLiteral("DROP INDEX CONCURRENTLY IF EXISTS %1").arg(qualifiedIndex)};
    build.appliedSql = QStringLiteral("SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                                      "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %1 AND c.relname = %2 "
                                      "AND i.indisvalid)")
                           .arg(quoteLiteral(PG, m_spec.table.schema), quoteLiteral(PG, index));
    // Indexes share their names with the schema's tables, views and sequences.
    build.creates = {{Kind::Index, index, Scope::Schema, m_spec.table, indexField(m_spec)}};
    if (m_spec.unique)
        build.failingWrites = QStringLiteral("Writes that repeat a value of %1 fail from here on.").arg(m_spec.name);
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
        build.estimatedSeconds = 2 * CostModel::scan(m_in.server.engine, p.heapBytes) + CostModel::indexBuild(m_in.server.engine, p.heapBytes);
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
    step.estimatedSeconds = CostModel::analyze(m_in.server.engine, m_in.table.heapBytes);
    step.rule = QStringLiteral("pg.verify.analyze");
    step.why = QStringLiteral("The planner needs statistics for the new column; ANALYZE reads a sample and blocks "
                              "neither reads nor writes.");
    m_plan.steps << step;
}

} // namespace Stagecraft
