#pragma once

#include "planner.h"

namespace Stagecraft {

class DatabaseConnection;

// The names Stagecraft gives what it creates for a column (generatedName(): table_column_check,
// _fkey, _not_null, _idx, _key, a partition's _idx, SQLite's _default trigger) must be free. The
// runner decides by name alone whether a step is already in place, and drops an invalid index of
// its name before rebuilding it: an unrelated object of that name would make a step count as done,
// or be dropped. Run by SpecValidator while the column does not exist yet, so any object of such a
// name belongs to something else.
class GeneratedNames
{
public:
    // Appends one problem per name already taken, naming the field that makes Stagecraft create it.
    // False when the catalog could not be read (with a problem saying so).
    static bool check(DatabaseConnection &connection, const PlannerInput &input, QList<SpecProblem> *problems);
};

} // namespace Stagecraft
