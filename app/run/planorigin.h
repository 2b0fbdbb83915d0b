#pragma once

#include "connection/connectionprofile.h"
#include "plan/plan.h"

#include <QString>

namespace Stagecraft {

class DatabaseConnection;

// Where a plan was made, or a run recorded: the engine, the server (host:port, or the file for
// SQLite) and the database. A plan runs only where it was made: before a new run the runner plans
// the spec again on the connection it is about to change and compares the fingerprints, and a run
// found in the journal is resumed or rolled back only on the engine and database it was recorded on.
class PlanOrigin
{
public:
    Engine engine = Engine::SQLite;
    QString server; // "db.example.com:5432", or the SQLite file's absolute path; empty: not recorded
    QString database; // the database's name (SQLite: the file's name); empty: not recorded

    // Where this connection is, the database's name as the server says it.
    [[nodiscard]] static PlanOrigin of(DatabaseConnection &connection);
    // "PostgreSQL shop at db.example.com:5432", "SQLite main.db"
    [[nodiscard]] QString displayName() const;

    // Plans the plan's spec again on the connection, as the planner worker does (same target
    // version); empty when the fresh plan has the plan's fingerprint, otherwise why the plan may not
    // run here. Nothing is changed (validation rolls back whatever it tries).
    [[nodiscard]] static QString planRefusal(DatabaseConnection &connection, const Plan &plan);
    // Why a run recorded at this origin may not be resumed or rolled back at `here` (another engine
    // or database), or empty when it may. What was not recorded (a journal written by an older
    // Stagecraft) is not held against the run.
    [[nodiscard]] QString journaledRefusal(const PlanOrigin &here) const;
};

} // namespace Stagecraft
