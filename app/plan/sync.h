#pragma once

#include "catalog/catalogtypes.h"
#include "columnspec.h"
#include "connection/connectionprofile.h"

#include <QString>
#include <QStringList>

namespace Stagecraft {

// Whether a plan keeps the new column filled for writers that do not know it yet, from before the
// backfill until the contract stage: while an application is deployed in stages, a row it inserts
// without the column gets the backfill expression computed from that row, and a row it updates
// (changing a column the expression reads, leaving the new column alone) gets it recomputed. A
// writer that sets the column itself wins. On by default when the backfill reads the row's
// columns; the spec's "sync" decides otherwise. Each planner makes its engine's triggers from it.
struct Sync
{
    bool enabled = false;
    QString expression; // what it computes: the backfill expression, as written
    QStringList columnsRead; // the table's columns the expression reads: an UPDATE of one recomputes it
    QString reason; // why it is on or off, in words, for the designer and the plan
    // The triggers' names (generatedName): one for INSERTs, one for UPDATEs where the expression
    // reads a column of the row. Empty where there is no sync.
    QString insertTrigger, updateTrigger;
    bool operator==(const Sync &) const = default;

    // What the plan does for this spec on this table. `unsupported`, when not empty, says why the
    // engine or version cannot have one (a partitioned table before PostgreSQL 13).
    [[nodiscard]] static Sync decide(Engine engine, const ColumnSpec &spec, const TableDetails &table,
                                     const QString &unsupported = QString());
    // The plan's warning where the backfill reads the row but nothing keeps the column filled
    // (what goes stale, and why there is no sync); empty otherwise.
    [[nodiscard]] QString staleWarning(const ColumnSpec &spec) const;
    // What the sync does, in words, for its step's why: each engine adds its locks and cost.
    [[nodiscard]] QString behaviour(const ColumnSpec &spec) const;
    // What a row written without the column gets once the sync is gone (or where there is none).
    [[nodiscard]] static QString afterwards(const ColumnSpec &spec);
};

} // namespace Stagecraft
