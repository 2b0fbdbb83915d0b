#pragma once

#include "plan/backfill.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QStringList>

namespace Stagecraft {

// One batch of a backfill (BackfillSender sends a run's batches; fill() sends one), in the caller's transaction, by the plan's own statements with values
// in place of their parameters: the bound statement finds the batch's last key after the last one
// done, the fill statement fills the rows up to it; without a key, the one statement. What the
// runner sends for each batch (and the execution tests, through the same function).
struct BackfillBatch
{
    QStringList upper; // the batch's last key; empty when no row was left (or there is no key)
    bool last = false; // nothing was left to fill: the backfill is done
    int affected = 0; // rows filled
    QSqlError failure; // valid when a statement failed

    [[nodiscard]] bool ok() const { return !failure.isValid(); }
    // after: the last key done (empty before the first batch).
    [[nodiscard]] static BackfillBatch fill(const QSqlDatabase &db, const Backfill &backfill, const QStringList &after, int batchRows);
};

} // namespace Stagecraft
