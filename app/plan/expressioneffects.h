#pragma once

#include "catalog/catalogtypes.h"
#include "connection/connectionprofile.h"

#include <QString>
#include <QStringList>

namespace Stagecraft {

// A function in a default, backfill or CHECK whose effect reaches outside the row it computes: it
// signals or ends other sessions, reaches other connections, moves a sequence, sleeps, takes a lock,
// notifies, writes files or large objects, changes settings, or is the user's own and may do any of it.
struct SideEffect
{
    QString field; // default, backfill, check
    QString function; // as the spec accepts it in "side_effects": a built-in's name, schema.name for a user's own
    QString effect; // what it would do: "changes sequence shop.orders_id_seq, which ..."
    bool operator==(const SideEffect &) const = default;
};

// Judges the functions an expression calls (read by CatalogReader::functionsCalled, never by running
// it) against the one list of functions with side effects (expressioneffects.cpp, each with why).
// Volatile but harmless built-ins (random, gen_random_uuid, clock_timestamp, UUID, RAND) are none.
class ExpressionEffects
{
public:
    [[nodiscard]] static QList<SideEffect> judge(Engine engine, const QString &field, const ExpressionCalls &calls);
    // True when the spec's "side_effects" names the function (case-insensitive; a user's function by
    // its name or schema.name).
    [[nodiscard]] static bool accepted(const SideEffect &effect, const QStringList &sideEffects);
    // The problem on the field, with how to accept it.
    [[nodiscard]] static QString problem(const SideEffect &effect);
    // How often the field's expression runs once the column is there.
    [[nodiscard]] static QString callsPerRow(const QString &field);
};

} // namespace Stagecraft
