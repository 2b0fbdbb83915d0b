#pragma once

#include "catalog/catalogreader.h"
#include "connection/databaseconnection.h"
#include "expressioneffects.h"
#include "plan.h"

namespace Stagecraft {

// Everything a plan is made from: the spec, what the catalog says about the table (and the
// referenced one), the server, and the version to plan for.
struct PlannerInput
{
    ColumnSpec spec;
    TableDetails table;
    TableDetails referencedTable; // for a foreign key
    ServerInfo server;
    int targetVersion = 0; // 0: the server's own
    DefaultProbe defaultProbe; // PostgreSQL: how the server judges the default expression
    bool typeRewritesTable = false; // PostgreSQL: adding a column of this type rewrites the table (a domain with constraints)
    RunSettings settings; // how the plan will run: its estimates and session follow them
    // Side effects the spec accepts (its "side_effects"): each is a warning on the steps that run it.
    QList<SideEffect> acceptedEffects;
};

// Chooses the safest staged migration for the engine and version. Pure: no database access, so
// plans are reproducible and compared exactly in tests. The spec must have been validated.
class Planner
{
public:
    [[nodiscard]] static Plan plan(const PlannerInput &input);
};

// Identifier names Stagecraft gives to what it creates: table_column_suffix. Where that is longer
// than the engine allows (PostgreSQL 63 bytes, MySQL/MariaDB 64 characters), table and column are
// cut and a short hash of the whole name goes before the suffix, so that names cut to the same
// text (a CHECK and the NOT NULL helper of one long column) stay distinct.
[[nodiscard]] QString generatedName(Engine engine, const QString &table, const QString &column, const QString &suffix);

// A deploy gate (PlanStep::gate): "after-expand" or "before-contract" (the sync ends after it),
// with `why` in words (empty: what the spec asks, or what ending the sync means). No SQL, no lock:
// the run stops there until resumed.
[[nodiscard]] PlanStep deployGate(const QString &id, const ColumnSpec &spec, const QString &why = QString());
// Puts a gate where it belongs among steps in stage order: after the expand stage's last step, or
// before the contract stage's first.
void insertGate(QList<PlanStep> *steps, const PlanStep &gate);

// The spec field that makes a plan index the new column: unique, index, or a foreign key's references.
[[nodiscard]] QString indexField(const ColumnSpec &spec);

} // namespace Stagecraft
