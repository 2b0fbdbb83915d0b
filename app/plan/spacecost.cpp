#include "spacecost.h"

#include <algorithm>

namespace Stagecraft {

QString humanBytes(qint64 bytes)
{
    if (bytes < 0)
        return QStringLiteral("unknown");
    if (bytes < 1024)
        return QStringLiteral("%1 bytes").arg(bytes);
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
    double value = double(bytes) / 1024;
    int unit = 0;
    while (value >= 1024 && unit < 3) {
        value /= 1024;
        ++unit;
    }
    return QStringLiteral("%1 %2").arg(QString::number(value, 'f', 1), QLatin1String(units[unit]));
}

SpaceCost SpaceCost::ofBackfill(Engine engine, const TableDetails &table)
{
    SpaceCost cost;
    qint64 total = table.totalBytes;
    qint64 heap = std::max<qint64>(0, table.heapBytes);
    qint64 indexes = std::max<qint64>(0, table.indexBytes);
    // A partitioned table holds nothing itself: its partitions' heaps are what the catalog tells
    // (their indexes and TOAST are not counted, and grow too).
    if (!table.partitions.isEmpty() && total <= 0) {
        heap = 0;
        for (const PartitionInfo &p : table.partitions)
            heap += std::max<qint64>(0, p.heapBytes);
        total = heap;
        indexes = 0;
        cost.heapOnly = true;
    }
    if (total < 0)
        return cost;
    cost.beforeBytes = total;
    switch (engine) {
    case Engine::PostgreSQL:
        // Every row gets a second version. Full pages (fillfactor 100) leave no room for HOT, so the
        // new versions go to new pages (a second heap) and every index gets a new entry for each row;
        // bottom-up index deletion (13+) and page splits make the indexes' share vary.
        cost.afterLowBytes = total + heap;
        cost.afterHighBytes = total + 2 * heap + 2 * indexes;
        break;
    case Engine::MySQL:
    case Engine::MariaDB:
    case Engine::SQLite:
        // The row is updated in place, longer by the new value: full pages split, leaving two half
        // full. Secondary indexes (other than on the new column) are not touched.
        cost.afterLowBytes = total;
        cost.afterHighBytes = total + heap;
        break;
    }
    return cost;
}

QString SpaceCost::range() const
{
    if (afterLowBytes <= beforeBytes)
        return QStringLiteral("to at most %1").arg(humanBytes(afterHighBytes));
    return QStringLiteral("to between %1 and %2").arg(humanBytes(afterLowBytes), humanBytes(afterHighBytes));
}

QString SpaceCost::backfillNote(Engine engine, const TableDetails &table)
{
    const SpaceCost cost = ofBackfill(engine, table);
    const QString label = table.table.schema + QLatin1Char('.') + table.table.name;
    const QString growth = cost.beforeBytes < 0 ? QStringLiteral("%1's size is unknown, so is how much it grows").arg(label)
                                                : QStringLiteral("%1 grows from about %2 %3").arg(label, humanBytes(cost.beforeBytes), cost.range());
    switch (engine) {
    case Engine::PostgreSQL:
        return QStringLiteral("The backfill writes a new version of every row and leaves the old one dead until VACUUM; "
                              "without room in the pages for HOT updates (fillfactor 100, the default) each new version "
                              "also adds an entry to every index: %1 (%2). Run VACUUM (not VACUUM "
                              "FULL, which locks the table) after the run, or let autovacuum do it: the space is reused "
                              "by later writes, not given back to the file system. Each batch commits on its own, so a "
                              "VACUUM during the run already reclaims the batches done. A table often updated this way "
                              "is worth a fillfactor below 100 (ALTER TABLE ... SET (fillfactor = 90)), which leaves "
                              "room for HOT updates in new pages.")
            .arg(growth, cost.heapOnly ? QStringLiteral("the partitions' heaps; their indexes grow too") : QStringLiteral("heap, indexes and TOAST"));
    case Engine::MySQL:
    case Engine::MariaDB:
        return QStringLiteral("InnoDB updates each row in place, but the new value makes it longer: a full page splits "
                              "into two half-full ones, so %1 (secondary indexes not on the new column stay as "
                              "they are). The undo log holds each batch's old values only until purge; the tablespace "
                              "file keeps its size. If the space matters, OPTIMIZE TABLE after the run rebuilds the "
                              "table online (ALTER TABLE ... FORCE).")
            .arg(growth);
    case Engine::SQLite:
        return QStringLiteral("Each row is rewritten in its page, longer by the new value: full pages split, so %1; "
                              "the WAL file grows by the pages a batch changes and is reused after each "
                              "checkpoint. Freed pages stay in the file for later writes: VACUUM gives them back but "
                              "rewrites the whole file under the write lock; PRAGMA wal_checkpoint(TRUNCATE) shrinks "
                              "the WAL file.")
            .arg(growth);
    }
    return {};
}

QString SpaceCost::backfillSummary(Engine engine, const TableDetails &table, int step)
{
    const SpaceCost cost = ofBackfill(engine, table);
    const QString label = table.table.schema + QLatin1Char('.') + table.table.name;
    const QString growth = cost.beforeBytes < 0 ? QStringLiteral("grows %1 by an unknown amount").arg(label)
                                                : QStringLiteral("grows %1 from about %2 %3").arg(label, humanBytes(cost.beforeBytes), cost.range());
    const QString what = engine == Engine::PostgreSQL
        ? QStringLiteral("until VACUUM (or autovacuum) makes the old row versions reusable")
        : engine == Engine::SQLite ? QStringLiteral("until VACUUM gives the freed pages back")
                                   : QStringLiteral("until OPTIMIZE TABLE compacts the split pages");
    return QStringLiteral("Space: the backfill (step %1) %2, %3.").arg(QString::number(step + 1), growth, what);
}

} // namespace Stagecraft
