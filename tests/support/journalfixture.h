#pragma once

#include "connection/connectionprofile.h"
#include "plan/plan.h"
#include "run/planorigin.h"

namespace Stagecraft::Testing {

// Runs written into a journal directly, as if recorded elsewhere: a run of another engine or
// database, which no runner on this connection records (it refuses to).
class JournalFixture
{
public:
    // Records a failed run of the plan made at origin, its first step done, in the journal of the
    // database at profile (creating the journal unless there is one, of whatever version).
    [[nodiscard]] static bool record(const ConnectionProfile &profile, const Plan &plan, const PlanOrigin &origin, QString *runId,
                                     QString *error);
    // A PostgreSQL plan adding total_eur to shop.orders, one step (its SQL fails anywhere but there).
    [[nodiscard]] static Plan postgresPlan();
    // PostgreSQL shop at db.example.com:5432.
    [[nodiscard]] static PlanOrigin postgresOrigin();
};

} // namespace Stagecraft::Testing
