#pragma once

#include "columnspec.h"

#include <QString>

namespace Stagecraft {

// The words every planner uses for PlanStep::failingWrites, where the same writes fail the same
// way on every engine: one wording, whichever engine's plan shows it.
class FailingWrites
{
public:
    // Writes breaking the spec's CHECK, once it is enforced.
    [[nodiscard]] static QString breakingCheck(const ColumnSpec &spec);
    // Writes for which the sync's expression raises an error, where the sync's trigger cannot catch it.
    [[nodiscard]] static QString syncErrors(const ColumnSpec &spec);
    // INSERTs that omit a NOT NULL column once the sync that filled it is gone.
    [[nodiscard]] static QString omittedAfterSync(const ColumnSpec &spec);
    // INSERTs that omit a NOT NULL column with neither default nor sync, which the gate after the
    // expand stage holds the run for.
    [[nodiscard]] static QString omittedUntilDeployed(const ColumnSpec &spec);
};

} // namespace Stagecraft
