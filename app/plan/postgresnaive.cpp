#include "postgresnaive.h"

#include "costmodel.h"
#include "postgresplanner_p.h"
#include "sql/quoting.h"

namespace Stagecraft {

namespace {

const Engine PG = Engine::PostgreSQL;

} // namespace

PostgresNaive::PostgresNaive(const PlannerInput &input, bool volatileDefault)
    : m_in(input)
    , m_spec(input.spec)
    , m_volatileDefault(volatileDefault)
    , m_table(quoteQualified(PG, input.spec.table.schema, input.spec.table.name))
    , m_tableLabel(postgresLabel(input.spec.table))
    , m_column(quoteIdentifier(PG, input.spec.name))
{
}

QString PostgresNaive::sql() const
{
    QString sql = QStringLiteral("ALTER TABLE %1 ADD COLUMN %2 %3").arg(m_table, m_column, m_spec.type);
    if (m_spec.defaultKind != ColumnSpec::DefaultKind::None)
        sql += QLatin1String(" DEFAULT ") + postgresDefaultSql(m_spec);
    // Filled by an UPDATE, the column is added bare and constrained once it is filled (constraints()):
    // NOT NULL without a default fails on the rows the UPDATE has not filled yet, and PostgreSQL
    // refuses it on any table with rows.
    if (!m_spec.backfill.isEmpty())
        return sql;
    if (!m_spec.nullable)
        sql += QLatin1String(" NOT NULL");
    if (!m_spec.check.isEmpty())
        sql += QStringLiteral(" CHECK (%1)").arg(m_spec.check);
    if (m_spec.unique)
        sql += QLatin1String(" UNIQUE");
    if (m_spec.hasForeignKey()) {
        sql += QStringLiteral(" REFERENCES %1 (%2)")
                   .arg(quoteQualified(PG, m_spec.referencedTable.schema, m_spec.referencedTable.name),
                        quoteIdentifier(PG, m_spec.referencedColumn));
        if (!m_spec.onDelete.isEmpty())
            sql += QLatin1String(" ON DELETE ") + m_spec.onDelete;
    }
    return sql;
}

QString PostgresNaive::constraints() const
{
    QStringList actions;
    if (!m_spec.nullable)
        actions << QStringLiteral("ALTER COLUMN %1 SET NOT NULL").arg(m_column);
    if (!m_spec.check.isEmpty())
        actions << QStringLiteral("ADD CHECK (%1)").arg(m_spec.check);
    if (m_spec.unique)
        actions << QStringLiteral("ADD UNIQUE (%1)").arg(m_column);
    if (m_spec.hasForeignKey()) {
        QString key = QStringLiteral("ADD FOREIGN KEY (%1) REFERENCES %2 (%3)")
                          .arg(m_column, quoteQualified(PG, m_spec.referencedTable.schema, m_spec.referencedTable.name),
                               quoteIdentifier(PG, m_spec.referencedColumn));
        if (!m_spec.onDelete.isEmpty())
            key += QLatin1String(" ON DELETE ") + m_spec.onDelete;
        actions << key;
    }
    return actions.isEmpty() ? QString() : QStringLiteral("ALTER TABLE %1 ").arg(m_table) + actions.join(QLatin1String(", "));
}

PlanStep PostgresNaive::statement() const
{
    PlanStep n;
    n.stage = Stage::Expand;
    const bool hasDefault = m_spec.defaultKind != ColumnSpec::DefaultKind::None;
    n.sql = {sql()};
    // As pg_locks shows them inside the statements' transaction (tests/testplanexecution.cpp runs
    // them): ALTER TABLE locks every partition too, a rewrite or an index build adds SHARE, a foreign
    // key SHARE ROW EXCLUSIVE on both tables and a read of both, the UPDATE ROW EXCLUSIVE; each
    // mode is listed once.
    const auto claim = [&n](const QList<LockClaim> &claims) {
        for (const LockClaim &l : claims)
            if (!n.locks.contains(l))
                n.locks << l;
    };
    claim(postgresLocksOnTable(m_in.table, m_tableLabel, QStringLiteral("AccessExclusiveLock")));
    n.blocksReads = n.blocksWrites = true;
    const qint64 heap = m_in.table.heapBytes;
    const bool fast = hasDefault && !m_volatileDefault && m_in.targetVersion >= 110000;
    double held = CostModel::CatalogOnlySeconds;
    QStringList reasons;
    if (m_in.typeRewritesTable) {
        n.rewritesTable = true;
        held += CostModel::rewrite(m_in.server.engine, m_in.table.totalBytes);
        reasons << QStringLiteral("the domain's constraints rewrite the table");
    } else if (hasDefault && !fast) {
        n.rewritesTable = true;
        held += CostModel::rewrite(m_in.server.engine, m_in.table.totalBytes);
        reasons << QStringLiteral("the default rewrites the table");
    }
    if (n.rewritesTable) // the rewrite ends by rebuilding the table's indexes, under SHARE
        claim(postgresLocksOnTable(m_in.table, m_tableLabel, QStringLiteral("ShareLock")));
    if (!m_spec.check.isEmpty() || m_spec.hasForeignKey()) {
        n.scansTable = true;
        held += CostModel::scan(m_in.server.engine, heap);
        reasons << QStringLiteral("constraints are checked by a scan");
    }
    if (m_spec.unique) {
        claim(postgresLocksOnTable(m_in.table, m_tableLabel, QStringLiteral("ShareLock"))); // the unique index is built under SHARE, within the exclusive lock
        held += CostModel::indexBuild(m_in.server.engine, heap);
        reasons << QStringLiteral("the unique index is built");
    }
    if (m_spec.hasForeignKey()) {
        // The check of existing rows reads both tables; the referenced one is locked against writes.
        const QString referencedLabel = m_spec.referencedTable.schema + QLatin1Char('.') + m_spec.referencedTable.name;
        claim(postgresLocksOnTable(m_in.table, m_tableLabel, QStringLiteral("AccessShareLock")) + postgresLocksOnTable(m_in.table, m_tableLabel, QStringLiteral("ShareRowExclusiveLock")));
        claim({{referencedLabel, QStringLiteral("AccessShareLock")}, {referencedLabel, QStringLiteral("ShareRowExclusiveLock")}});
    }
    if (!m_spec.backfill.isEmpty()) {
        claim(postgresLocksOnTable(m_in.table, m_tableLabel, QStringLiteral("RowExclusiveLock")));
        if (m_in.table.kind == RelationKind::PartitionedTable) // the UPDATE also reads the parent (seen in pg_locks)
            claim({{m_tableLabel, QStringLiteral("AccessShareLock")}});
        n.sql << QStringLiteral("UPDATE %1 SET %2 = %3").arg(m_table, m_column, m_spec.backfill);
        held += CostModel::rewrite(m_in.server.engine, m_in.table.totalBytes);
        reasons << QStringLiteral("one UPDATE locks every row until it commits");
        if (const QString constrain = constraints(); !constrain.isEmpty()) {
            n.sql << constrain;
            if (!m_spec.nullable && m_spec.check.isEmpty() && !m_spec.hasForeignKey()) { // else counted above
                n.scansTable = true;
                held += CostModel::scan(m_in.server.engine, heap);
                reasons << QStringLiteral("SET NOT NULL scans the table");
            }
        }
    }
    if (m_spec.index && !m_spec.unique) {
        n.sql << QStringLiteral("CREATE INDEX %1 ON %2 (%3)").arg(quoteIdentifier(PG, generatedName(PG, m_spec.table.name, m_spec.name, QStringLiteral("idx"))), m_table, m_column);
        claim(postgresLocksOnTable(m_in.table, m_tableLabel, QStringLiteral("ShareLock")));
        held += CostModel::indexBuild(m_in.server.engine, heap);
        reasons << QStringLiteral("CREATE INDEX blocks writes while it builds");
    }
    if (!m_spec.nullable && !hasDefault && m_spec.backfill.isEmpty())
        reasons << QStringLiteral("NOT NULL without a default fails on any non-empty table");
    // More than one statement: in one transaction, as a person who wants all or nothing runs them, so
    // the exclusive lock of the first is held to the end.
    n.title = n.sql.size() == 1 ? QStringLiteral("One ALTER TABLE, as written by hand")
                                : QStringLiteral("The statements written by hand, in one transaction");
    n.estimatedSeconds = held;
    n.lockHeldSeconds = held;
    n.rule = QStringLiteral("naive");
    n.why = reasons.isEmpty() ? QStringLiteral("An exclusive lock for milliseconds; staging changes little here.")
                              : QStringLiteral("Holds ACCESS EXCLUSIVE while ") + reasons.join(QLatin1String(", ")) + QLatin1Char('.');
    return n;
}

QString postgresLabel(const TableRef &table)
{
    return table.schema + QLatin1Char('.') + table.name;
}

QList<LockClaim> postgresLocksOnTable(const TableDetails &table, const QString &label, const QString &mode)
{
    QList<LockClaim> claims{{label, mode}};
    for (const PartitionInfo &p : table.partitions)
        claims << LockClaim{postgresLabel(p.table), mode};
    return claims;
}

QString postgresDefaultSql(const ColumnSpec &spec)
{
    if (spec.defaultKind == ColumnSpec::DefaultKind::Literal)
        return quoteLiteral(PG, spec.defaultValue);
    return spec.defaultValue;
}

} // namespace Stagecraft
