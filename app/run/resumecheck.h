#pragma once

#include "journal.h"
#include "plan/plan.h"

#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace Stagecraft {

// What a resume asks before it changes anything: is every step the journal records as done in place
// on this server? After a failover the journal is the promoted replica's copy, which came with the
// data it describes in the same stream of changes, so its steps are there; a journal that travelled
// apart from the schema (a dump restored elsewhere, an object dropped by hand) disagrees, and the
// resume is refused rather than continuing on a table that lacks what the earlier steps made.
// A step a later done step removed on purpose (the sync trigger the contract drops, the NOT NULL
// check constraint dropped once SET NOT NULL holds) is not expected in place, nor one the step the
// resume starts at may have removed before the run stopped.
class ResumeCheck
{
public:
    struct Result
    {
        QList<int> checked; // the done steps asked, in order
        QList<int> unknown; // asked, but their query could not answer
        int missing = -1; // the first done step whose effect is not in place; -1: none
    };
    using InPlace = std::function<std::optional<bool>(const PlanStep &)>;

    // The done steps before `first` (where the resume starts), each asked with inPlace unless it has
    // no "applied?" query or a later done step, or step `first` itself, removes what it made.
    [[nodiscard]] static Result check(const Plan &plan, const QList<Journal::StepRecord> &steps, int first, const InPlace &inPlace);
    // Whether step `later` drops an object step `step` creates (by the quoted name its SQL gives it).
    [[nodiscard]] static bool removes(const Plan &plan, int later, int step);
    // Why the resume is refused, for the run's summary; empty when nothing is missing.
    [[nodiscard]] static QString refusal(const Plan &plan, const Result &result);
    // The log's line about what was asked ("re-checked steps 1, 2 and 4 ...").
    [[nodiscard]] static QString note(const Result &result);
};

} // namespace Stagecraft
