#pragma once

#include "plan.h"

namespace Stagecraft {

class DatabaseConnection;

// The names a plan gives what it creates (each step's `creates`) must be free. The runner decides
// by name alone whether a step is already in place, and drops an invalid index of its name before
// rebuilding it: an unrelated object of that name would make a step count as done, or be dropped;
// two objects of the plan sharing one name would do the same to each other (a CHECK taken for the
// NOT NULL helper, and dropped with it). Run by SpecValidator while the column does not exist yet,
// so any object of such a name belongs to something else.
class GeneratedNames
{
public:
    // One problem for each object that takes a name another object of the same plan has already
    // taken in the same namespace, on the later object's field. Pure.
    [[nodiscard]] static QList<SpecProblem> clashes(const Plan &plan);
    // clashes(), then one problem for each object whose name the database already holds, naming the
    // field that makes Stagecraft create it. False when the catalog could not be read (with a
    // problem saying so).
    static bool check(DatabaseConnection &connection, const Plan &plan, QList<SpecProblem> *problems);
};

} // namespace Stagecraft
