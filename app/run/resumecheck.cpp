#include "resumecheck.h"

#include "sql/quoting.h"

namespace Stagecraft {

namespace {

QString stepList(const QList<int> &steps)
{
    QStringList numbers;
    for (int i : steps)
        numbers << QString::number(i + 1);
    if (numbers.size() < 2)
        return numbers.join(QString());
    const QString last = numbers.takeLast();
    return numbers.join(QLatin1String(", ")) + QLatin1String(" and ") + last;
}

} // namespace

bool ResumeCheck::removes(const Plan &plan, int later, int step)
{
    const PlanStep &made = plan.steps.at(step);
    for (const QString &statement : plan.steps.at(later).sql) {
        if (!statement.contains(QLatin1String("DROP "), Qt::CaseInsensitive))
            continue;
        for (const CreatedObject &object : made.creates)
            if (statement.contains(quoteIdentifier(plan.engine, object.name)))
                return true;
    }
    return false;
}

ResumeCheck::Result ResumeCheck::check(const Plan &plan, const QList<Journal::StepRecord> &steps, int first, const InPlace &inPlace)
{
    Result result;
    const int end = std::min<int>(first, std::min<int>(int(steps.size()), int(plan.steps.size())));
    for (int i = 0; i < end; ++i) {
        if (steps.at(i).state != Journal::StepState::Done || plan.steps.at(i).appliedSql.isEmpty())
            continue;
        // Removed by a later done step, or by the step the resume starts at, which may have taken
        // effect in part before the run stopped (one of two triggers dropped, the journal not told).
        bool removed = false;
        for (int j = i + 1; j <= end && j < plan.steps.size() && !removed; ++j)
            removed = (j == end || steps.at(j).state == Journal::StepState::Done) && removes(plan, j, i);
        if (removed)
            continue;
        result.checked << i;
        const std::optional<bool> here = inPlace(plan.steps.at(i));
        if (!here)
            result.unknown << i;
        else if (!*here) {
            result.missing = i;
            break;
        }
    }
    return result;
}

QString ResumeCheck::refusal(const Plan &plan, const Result &result)
{
    if (result.missing < 0)
        return {};
    const PlanStep &step = plan.steps.at(result.missing);
    return QStringLiteral("step %1 (%2) is recorded in the journal as done, but its effect is not in place on this server "
                          "(checked with: %3). The journal and the schema disagree: this database is not the one the run "
                          "recorded (a copy restored apart from its journal), or what the step made was removed by hand")
        .arg(result.missing + 1)
        .arg(step.title, step.appliedSql);
}

QString ResumeCheck::note(const Result &result)
{
    if (result.checked.isEmpty())
        return {};
    QList<int> answered = result.checked;
    for (int i : result.unknown)
        answered.removeAll(i);
    QString line = answered.isEmpty() ? QString()
                                      : QStringLiteral("the journal's done step%1 %2 re-checked on this server: in place")
                                            .arg(answered.size() == 1 ? QString() : QStringLiteral("s"), stepList(answered));
    if (!result.unknown.isEmpty())
        line += (line.isEmpty() ? QString() : QStringLiteral("; ")) +
                QStringLiteral("step%1 %2 could not be re-checked (the query did not answer)")
                    .arg(result.unknown.size() == 1 ? QString() : QStringLiteral("s"), stepList(result.unknown));
    return line;
}

} // namespace Stagecraft
