#include "rollbackplan.h"

namespace Stagecraft {

QStringList RollbackPlan::sql(const Plan &plan, const QList<int> &appliedSteps)
{
    QStringList sql;
    for (auto it = appliedSteps.crbegin(); it != appliedSteps.crend(); ++it) {
        if (plan.pointOfNoReturn >= 0 && *it >= plan.pointOfNoReturn)
            continue;
        sql << plan.steps.at(*it).rollbackSql;
    }
    return sql;
}

QString RollbackPlan::refusal(const Plan &plan, const QList<int> &touchedSteps)
{
    for (int i : touchedSteps) {
        if (plan.pointOfNoReturn >= 0 && i >= plan.pointOfNoReturn)
            return QStringLiteral("step %1 (%2) is past the point of no return: it cannot be undone; resume the run to finish it")
                .arg(i + 1).arg(plan.steps.at(i).title);
    }
    return {};
}

QString RollbackPlan::refusal(const Plan &plan, const QList<Journal::StepRecord> &steps)
{
    QList<int> applied;
    for (int i = 0; i < steps.size(); ++i)
        if (steps.at(i).state == Journal::StepState::Done || steps.at(i).state == Journal::StepState::Running
            || steps.at(i).state == Journal::StepState::Interrupted)
            applied << i;
    return refusal(plan, applied);
}

QList<int> RollbackPlan::touchedSteps(const QList<Journal::StepRecord> &steps)
{
    QList<int> touched;
    for (int i = 0; i < steps.size(); ++i) {
        const Journal::StepState state = steps.at(i).state;
        if (state == Journal::StepState::Done || state == Journal::StepState::Running || state == Journal::StepState::Failed
            || state == Journal::StepState::Interrupted)
            touched << i;
    }
    return touched;
}

} // namespace Stagecraft
