#include "planworker.h"

#include "connection/databaseconnection.h"
#include "impactreader.h"
#include "specvalidator.h"

namespace Stagecraft {

PlanWorker::PlanWorker(QObject *parent)
    : QObject(parent)
{
}

void PlanWorker::plan(const ConnectionProfile &profile, const ColumnSpec &spec, int targetVersion, const RunSettings &settings)
{
    DatabaseConnection connection(profile);
    ConnectionError error;
    if (!connection.open(&error)) {
        Q_EMIT failed(error);
        return;
    }
    PlannerInput input;
    input.targetVersion = targetVersion;
    input.settings = settings;
    QList<SpecProblem> problems;
    Plan plan;
    SpecValidator validator(connection);
    if (!validator.validate(spec, &input, &problems, &plan)) {
        // A server that stopped answering is no problem of the spec: the connection failed.
        if (validator.connectionLost().isError())
            Q_EMIT failed(validator.connectionLost());
        else
            Q_EMIT rejected(problems);
        return;
    }
    // Who uses the table, for the review: read on this connection, after planning.
    plan.impact = ImpactReader::read(connection, plan, input.table);
    Q_EMIT planned(plan);
}

} // namespace Stagecraft
