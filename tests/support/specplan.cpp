#include "specplan.h"

#include "connection/databaseconnection.h"
#include "plan/columnspec.h"
#include "plan/planner.h"
#include "plan/specvalidator.h"

namespace Stagecraft::Testing {

bool planSpec(const ConnectionProfile &profile, const QByteArray &json, const RunSettings &settings, Plan *plan, QString *why)
{
    DatabaseConnection c(profile);
    ConnectionError e;
    if (!c.open(&e)) {
        *why = e.text();
        return false;
    }
    ColumnSpec spec;
    QList<SpecProblem> problems;
    PlannerInput input;
    input.settings = settings;
    if (!ColumnSpec::fromJson(json, &spec, &problems) || !SpecValidator(c).validate(spec, &input, &problems)) {
        *why = problems.isEmpty() ? QStringLiteral("?") : problems.first().field + QLatin1String(": ") + problems.first().message;
        return false;
    }
    *plan = Planner::plan(input);
    return true;
}

} // namespace Stagecraft::Testing
