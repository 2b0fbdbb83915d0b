#pragma once

#include "run/runner.h"

namespace Stagecraft {

// Tests only: runs a plan as given, without planning it again on the runner's connection first.
// For hand-made plans no planner makes (a step that sleeps for a minute) and for runs whose
// column is already in place (a plan run twice, an earlier attempt's leftovers), which a new run
// refuses. The GUI and the command line never use it: their runs are always planned again.
class RunnerTestHook
{
public:
    static void runAsGiven(Runner &runner, const Plan &plan) { runner.start(plan, false); }
};

} // namespace Stagecraft
