#include "costmodel.h"

#include <cmath>

namespace Stagecraft {

CostRates CostModel::rates(Engine engine)
{
    // bench/benchcost on the 2-core development machine (2026-12-03), narrow rows (id bigint, cents
    // int), an idle server, each kind at 100,000, 1,000,000 and 5,000,000 rows (README, Benchmarks):
    // the rate that fits the three sizes. What a scan reads includes what the backfill before it
    // left (each row's old version, until VACUUM). The range (RangeLow..RangeHigh) is what the
    // benchmark's actuals fell in.
    switch (engine) {
    case Engine::PostgreSQL:
        // VALIDATE of a CHECK 306-475 MB/s, of IS NOT NULL 750-860 MB/s; CREATE INDEX CONCURRENTLY's
        // build 102-125 MB/s besides its two scans; a rewrite (ADD COLUMN ... DEFAULT random())
        // 110-137 MB/s; the backfill 193,000-218,000 rows/s.
        return {500e6, 120e6, 110e6, 200000, 0, "measured"};
    case Engine::MariaDB:
        // ALGORITHM=COPY (a CHECK) and INPLACE rebuilds (NOT NULL) 17-30 MB/s; an in-place index
        // build 29-70 MB/s besides its scan (slower as the sort spills); the backfill 99,000-149,000
        // rows/s (two runs a few minutes apart differed by a third).
        return {200e6, 20e6, 60e6, 125000, 0, "measured"};
    case Engine::MySQL:
        return {200e6, 20e6, 60e6, 125000, 0, "MariaDB's figures: not measured on Oracle MySQL"};
    case Engine::SQLite:
        return {200e6, 50e6, 80e6, 100000, 0, "a conservative guess: not measured on SQLite"};
    }
    return {200e6, 50e6, 80e6, 100000, 0, ""};
}

// The fixed start-up plus the amount at the engine's rate for this kind of work.
static double timed(Engine engine, qint64 amount, double CostRates::*perSecond)
{
    const CostRates r = CostModel::rates(engine);
    return std::max(CostModel::CatalogOnlySeconds, r.fixedSeconds + double(std::max<qint64>(0, amount)) / (r.*perSecond));
}

double CostModel::scan(Engine engine, qint64 heapBytes)
{
    return timed(engine, heapBytes, &CostRates::scanBytesPerSecond);
}

double CostModel::rewrite(Engine engine, qint64 totalBytes)
{
    return timed(engine, totalBytes, &CostRates::rewriteBytesPerSecond);
}

double CostModel::indexBuild(Engine engine, qint64 heapBytes)
{
    return timed(engine, heapBytes, &CostRates::indexBytesPerSecond);
}

double CostModel::backfill(Engine engine, qint64 rows)
{
    return timed(engine, rows, &CostRates::backfillRowsPerSecond);
}

double CostModel::analyze(Engine engine, qint64 heapBytes)
{
    if (engine != Engine::PostgreSQL)
        return CatalogOnlySeconds;
    // Measured: 0.035 s at 4 MB of heap, 0.12 s at 44 MB, 0.26 s at 220 MB.
    constexpr double SampledBytes = 30000.0 * 8192;
    return 0.03 + std::min(SampledBytes, double(std::max<qint64>(0, heapBytes))) / 1e9;
}

// Two significant digits: 0.005, 0.35, 1.2, 14, 230.
static QString figure(double s)
{
    if (s <= 0)
        return QStringLiteral("0");
    if (s >= 99.5) // rounds to three digits: never "1e+02"
        return QString::number(qRound64(s));
    return QString::number(s, 'g', 2);
}

QString CostModel::rangeText(double seconds)
{
    if (seconds <= CatalogOnlySeconds * 1.5)
        return QStringLiteral("~%1 s").arg(figure(seconds));
    return QStringLiteral("%1-%2 s").arg(figure(seconds * RangeLow), figure(seconds * RangeHigh));
}

} // namespace Stagecraft
