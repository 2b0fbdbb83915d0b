#pragma once

#include "journal.h"
#include "plan/plan.h"

#include <QList>
#include <QStringList>

namespace Stagecraft {

// What can be undone of a run, read from its plan and the steps it applied: the runner's rollback,
// the summary of a stopped run, the run panel's Roll Back… and the command line's rollback ask it.
class RollbackPlan
{
public:
    // What undoes the applied steps before the point of no return, last step first.
    [[nodiscard]] static QStringList sql(const Plan &plan, const QList<int> &appliedSteps);
    // Why the steps a run touched cannot be rolled back (one of them is past the point of no
    // return), or empty when they can.
    [[nodiscard]] static QString refusal(const Plan &plan, const QList<int> &touchedSteps);
    // The same for a journaled run: a step that failed (and rolled itself back) does not count,
    // one that was done or was cut off while running does.
    [[nodiscard]] static QString refusal(const Plan &plan, const QList<Journal::StepRecord> &steps);
    // The steps of a journaled run that were applied or started (not skipped as already there).
    [[nodiscard]] static QList<int> touchedSteps(const QList<Journal::StepRecord> &steps);
};

} // namespace Stagecraft
