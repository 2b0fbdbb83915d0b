#include "planner.h"

#include "mysqlplanner.h"
#include "postgresplanner.h"
#include "sqliteplanner.h"

#include "sql/quoting.h"

#include <QCryptographicHash>

namespace Stagecraft {

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
