#pragma once

#include "connection/connectionprofile.h"

#include <QString>
#include <QtGlobal>

#include <algorithm>

namespace Stagecraft {

// How long a step's kind of work takes on one engine: a fixed part (planning, catalog changes,
// waiting for transactions) plus the table's bytes (or rows) at a measured rate.
struct CostRates
{
    double scanBytesPerSecond = 0; // read every heap page once (a CHECK's VALIDATE, a guard's count)
    double rewriteBytesPerSecond = 0; // copy the table and rebuild its indexes
    double indexBytesPerSecond = 0; // read + sort + write one b-tree (concurrently, or in place)
    double backfillRowsPerSecond = 0; // batched keyset UPDATEs, each committed with its progress
    double fixedSeconds = 0; // each table-sized step's own start-up
    // Where the figures come from: "measured" by bench/benchcost on this engine, or why not.
    const char *source = "";
};

// How long work takes, from a table's size and row estimate, per engine. The rates come from
// bench/benchcost (scripts/dev bench), which runs every kind of step on tables of 100,000,
// 1,000,000 and 5,000,000 rows and prints each estimate's error; an estimate is shown as a range
// (RangeLow to RangeHigh times the figure), the band the benchmark's actuals fell in. One place, so
// the benchmark can recalibrate them.
struct CostModel
{
    static constexpr double CatalogOnlySeconds = 0.01; // a DDL that only changes the catalog
    // What batches are sized from before the pacer has measured anything (RunSettings): the
    // slowest engine's backfill rate, halved for wider rows and a server at work.
    static constexpr double BackfillRowsPerSecond = 100000;
    // The band an estimate is shown in: an actual between half and twice the figure.
    static constexpr double RangeLow = 0.5;
    static constexpr double RangeHigh = 2.0;

    [[nodiscard]] static CostRates rates(Engine engine);

    [[nodiscard]] static double scan(Engine engine, qint64 heapBytes);
    [[nodiscard]] static double rewrite(Engine engine, qint64 totalBytes);
    [[nodiscard]] static double indexBuild(Engine engine, qint64 heapBytes);
    [[nodiscard]] static double backfill(Engine engine, qint64 rows);
    // ANALYZE: PostgreSQL reads a sample of up to 30,000 pages (default_statistics_target 100);
    // InnoDB a few pages per index, whatever the size.
    [[nodiscard]] static double analyze(Engine engine, qint64 heapBytes);

    // An estimate as the plan shows it: "0.5-2 s" (RangeLow to RangeHigh times it), "~0.01 s" for
    // catalog-only work (a range of milliseconds says nothing more).
    [[nodiscard]] static QString rangeText(double seconds);
};

} // namespace Stagecraft
