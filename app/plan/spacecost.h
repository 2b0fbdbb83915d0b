#pragma once

#include "catalog/catalogtypes.h"
#include "connection/connectionprofile.h"

#include <QString>

namespace Stagecraft {

// What a backfill costs in disk space. Filling a new column writes every existing row again: on
// PostgreSQL a new version of each row (the old one stays, dead, until VACUUM), on InnoDB and
// SQLite a longer record in place, which splits full pages. The estimate is from the table's size
// as the catalog gives it; tests/testbackfillspace.cpp checks PostgreSQL's against a real server.
struct SpaceCost
{
    qint64 beforeBytes = -1; // table + indexes + TOAST now; -1: unknown
    qint64 afterLowBytes = -1; // after the backfill, before VACUUM or a rebuild gives space back
    qint64 afterHighBytes = -1;
    bool heapOnly = false; // a partitioned table: only its partitions' heaps are counted

    // "to between 267.0 MiB and 457.8 MiB", or "to at most 267.0 MiB" where it may not grow at all.
    [[nodiscard]] QString range() const;

    [[nodiscard]] static SpaceCost ofBackfill(Engine engine, const TableDetails &table);
    // The backfill step's note: how much the table grows and what to do about it.
    [[nodiscard]] static QString backfillNote(Engine engine, const TableDetails &table);
    // One line for the plan's summary: "Space: the backfill (step 3) grows public.orders from about 19.0 MiB to between ...".
    [[nodiscard]] static QString backfillSummary(Engine engine, const TableDetails &table, int step);
};

// A size as a reader says it: "512 bytes", "19.0 MiB", "1.2 GiB"; "unknown" when negative.
[[nodiscard]] QString humanBytes(qint64 bytes);

} // namespace Stagecraft
