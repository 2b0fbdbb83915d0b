#include "planner.h"

#include "costmodel.h"
#include "galera.h"
#include "mysqlplanner.h"
#include "postgresplanner.h"
#include "spacecost.h"
#include "sqliteplanner.h"

#include "sql/quoting.h"

#include <QCryptographicHash>

namespace Stagecraft {

namespace {

// Staging spreads the work into short locks, but on some engines and specs its steps add up to more
// time with writes blocked than the one statement a person would write (SQLite: one write lock per
// file, taken again by every step): the plan says so plainly, with the choice it leaves.
void compareWithNaive(Plan *plan)
{
    const double staged = plan->secondsWritesBlocked();
    const double single = plan->naive.blocksWrites ? plan->naive.lockHeldSeconds : 0;
    if (plan->steps.isEmpty() || staged - single < std::max(0.1, 0.1 * single)) // only where it is worth weighing
        return;
    double longest = 0;
    for (const PlanStep &s : std::as_const(plan->steps))
        longest = std::max(longest, s.blocksWrites ? s.lockHeldSeconds : 0);
    const auto seconds = [](double s) { return QString::number(s, 'f', s < 10 ? 2 : 0); };
    QString why;
    switch (plan->engine) {
    case Engine::SQLite:
        why = QStringLiteral("on SQLite every write takes the file's one write lock, and each staged step takes it again");
        break;
    case Engine::PostgreSQL:
        why = QStringLiteral("on PostgreSQL each staged step that changes the table's definition takes its own exclusive lock");
        break;
    case Engine::MySQL:
    case Engine::MariaDB:
        why = QStringLiteral("on %1 each staged step that changes the table's definition takes its own metadata lock").arg(engineName(plan->engine));
        break;
    }
    const QString choice = longest < single
        ? QStringLiteral("choose the single statement where one pause of ~%1 s is acceptable, the staged plan where no writer may wait "
                         "longer than ~%2 s at a time")
              .arg(seconds(single), seconds(longest))
        : QStringLiteral("its longest step alone blocks writes ~%1 s, no shorter than the single statement: choose the single statement "
                         "unless the staged plan's batches, checks and resumable steps matter more here")
              .arg(seconds(longest));
    plan->notes << QStringLiteral("The staged plan blocks writes longer than the single statement (~%1 s vs ~%2 s): %3; %4.")
                       .arg(seconds(staged), seconds(single), why, choice);
}

} // namespace

Plan Planner::plan(const PlannerInput &input)
{
    PlannerInput in = input;
    if (in.targetVersion == 0)
        in.targetVersion = in.server.versionNumber;
    Plan plan;
    switch (in.server.engine) {
    case Engine::PostgreSQL: plan = PostgresPlanner(in).plan(); break;
    case Engine::MySQL:
    case Engine::MariaDB: plan = MySqlPlanner(in).plan(); break;
    case Engine::SQLite: plan = SqlitePlanner(in).plan(); break;
    }
    plan.settings = in.settings;
    plan.sessionSql = in.settings.sessionSql(in.server.engine);
    Galera::claim(&plan, in.server); // a node of a Galera cluster: every schema change holds up every node
    compareWithNaive(&plan);
    // Estimates whose rates no benchmark measured on this engine say so, as claims resting on documentation do.
    if (const CostRates rates = CostModel::rates(plan.engine); QLatin1String(rates.source) != QLatin1String("measured"))
        plan.notes << QStringLiteral("The time estimates for %1 rest on %2.").arg(engineName(plan.engine), QLatin1String(rates.source));
    // A backfill writes every row again: its space, on the step and in the summary.
    for (int i = 0; i < plan.steps.size(); ++i) {
        PlanStep &step = plan.steps[i];
        if (step.backfill.isNull())
            continue;
        step.space = SpaceCost::backfillNote(plan.engine, in.table);
        plan.notes << SpaceCost::backfillSummary(plan.engine, in.table, i);
    }
    // An accepted side effect is no problem, but the reviewer must see where it runs: the steps whose
    // statements carry the expression.
    for (const SideEffect &effect : std::as_const(in.acceptedEffects)) {
        const QString expression = effect.field == QLatin1String("backfill") ? in.spec.backfill
            : effect.field == QLatin1String("check")                         ? in.spec.check
                                                                              : in.spec.defaultValue;
        QStringList steps;
        for (qsizetype i = 0; i < plan.steps.size(); ++i) {
            if (!expression.isEmpty() && plan.steps.at(i).sql.join(QLatin1Char('\n')).contains(expression))
                steps << QStringLiteral("step %1 (%2)").arg(QString::number(i + 1), plan.steps.at(i).title);
        }
        plan.warnings << QStringLiteral("The %1 calls %2, accepted in side_effects: it %3; %4. Runs in %5.")
                             .arg(effect.field, effect.function, effect.effect, ExpressionEffects::callsPerRow(effect.field),
                                  steps.isEmpty() ? QStringLiteral("the application's own inserts") : steps.join(QLatin1String(", ")));
    }
    return plan;
}

namespace {

bool fits(Engine engine, const QString &name)
{
    if (engine == Engine::PostgreSQL)
        return name.toUtf8().size() <= 63;
    if (engine == Engine::MySQL || engine == Engine::MariaDB)
        return name.size() <= 64;
    return true; // SQLite has no limit
}

// One character off the end, never half of a surrogate pair.
void chopCharacter(QString *text)
{
    text->chop(text->size() >= 2 && text->back().isLowSurrogate() ? 2 : 1);
}

} // namespace

QString generatedName(Engine engine, const QString &table, const QString &column, const QString &suffix)
{
    const QString whole = table + QLatin1Char('_') + column + QLatin1Char('_') + suffix;
    if (fits(engine, whole))
        return whole;
    // The server would cut the name itself (PostgreSQL) or refuse it (MySQL): cut the table first,
    // then the column, and keep a hash of the whole name and the suffix, which tell the names apart.
    const QString end = QLatin1Char('_')
        + QString::fromLatin1(QCryptographicHash::hash(whole.toUtf8(), QCryptographicHash::Sha256).toHex().left(8))
        + QLatin1Char('_') + suffix;
    QString head = table;
    QString col = column;
    const auto name = [&] { return (head.isEmpty() ? QString() : head + QLatin1Char('_')) + col + end; };
    while (!head.isEmpty() && !fits(engine, name()))
        chopCharacter(&head);
    while (!col.isEmpty() && !fits(engine, name()))
        chopCharacter(&col);
    return name();
}

PlanStep deployGate(const QString &id, const ColumnSpec &spec, const QString &why)
{
    PlanStep gate;
    const bool expand = id == QLatin1String("after-expand");
    gate.stage = expand ? Stage::Expand : Stage::Contract;
    gate.gate = id;
    gate.title = expand ? QStringLiteral("Deploy gate: deploy the application that writes %1").arg(spec.name)
                        : QStringLiteral("Deploy gate: the application writes %1 itself").arg(spec.name);
    gate.rule = expand ? QStringLiteral("gate.after-expand") : QStringLiteral("gate.before-contract");
    const bool insertsFail = !spec.nullable && spec.defaultKind == ColumnSpec::DefaultKind::None;
    gate.why = !why.isEmpty() ? why
        : expand ? QStringLiteral("The spec asks for a gate here: the column exists, deploy the application version that uses %1, "
                                  "then resume.").arg(spec.name)
                 : QStringLiteral("The next step ends the sync: from then on nothing fills %1 for a writer that leaves it out%2. "
                                  "Deploy every application that writes %3 so that it sets %1 itself, then resume; until then the "
                                  "sync keeps filling it.")
                       .arg(spec.name, insertsFail ? QStringLiteral(" and NOT NULL makes its INSERTs fail") : QString(), spec.table.name);
    return gate;
}

void insertGate(QList<PlanStep> *steps, const PlanStep &gate)
{
    const Stage before = gate.stage == Stage::Expand ? Stage::Backfill : gate.stage;
    const auto at = std::find_if(steps->begin(), steps->end(), [&](const PlanStep &s) { return int(s.stage) >= int(before); });
    steps->insert(at, gate);
}

QString indexField(const ColumnSpec &spec)
{
    return spec.unique ? QStringLiteral("unique") : spec.index ? QStringLiteral("index") : QStringLiteral("references");
}

} // namespace Stagecraft
