#pragma once

#include <QtGlobal>

#include <algorithm>

namespace Stagecraft {

// How long work takes, roughly, from a table's size and row estimate. The rates are deliberately
// conservative figures for a modest server with data partly in cache; the point is the order of
// magnitude a DBA weighs ("milliseconds", "a minute", "an hour"), not a promise. One place, so the
// benchmarks can calibrate them.
struct CostModel
{
    static constexpr double CatalogOnlySeconds = 0.01; // a DDL that only changes the catalog
    static constexpr double ScanBytesPerSecond = 200e6; // sequential read of heap pages
    static constexpr double RewriteBytesPerSecond = 50e6; // copy the table and rebuild its indexes
    static constexpr double IndexBuildBytesPerSecond = 80e6; // read + sort + write one b-tree
    // Batched keyset UPDATE. scripts/dev bench measured 340,000 rows/s on PostgreSQL 17, 228,000 on
    // MariaDB 11.8 and about 780,000 on SQLite (2 cores, narrow rows, an idle server): under half
    // the slowest, for wider rows, more indexes and a server at work.
    static constexpr double BackfillRowsPerSecond = 100000;

    static double seconds(double bytes, double perSecond) { return std::max(CatalogOnlySeconds, bytes / perSecond); }
    static double scan(qint64 heapBytes) { return seconds(std::max<qint64>(0, heapBytes), ScanBytesPerSecond); }
    static double rewrite(qint64 totalBytes) { return seconds(std::max<qint64>(0, totalBytes), RewriteBytesPerSecond); }
    static double indexBuild(qint64 heapBytes) { return seconds(std::max<qint64>(0, heapBytes), IndexBuildBytesPerSecond); }
    static double backfill(qint64 rows) { return std::max(CatalogOnlySeconds, std::max<qint64>(0, rows) / BackfillRowsPerSecond); }
};

} // namespace Stagecraft
