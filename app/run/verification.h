#pragma once

#include "connection/connectionerror.h"
#include "plan/plan.h"

#include <QList>
#include <QString>

namespace Stagecraft {

class DatabaseConnection;

// One thing a finished run promised, checked on the table as it now is.
struct VerificationCheck
{
    QString what; // "column euros exists (integer)", "no NULL in euros", ...
    bool ok = false;
    QString detail; // what was found instead, when not ok
    bool operator==(const VerificationCheck &) const = default;
};

// After a run: reads the table back from the catalog and the data and checks that the column is
// there as designed: nullability, its default (or the trigger that stands in for it), each CHECK,
// UNIQUE and foreign key in place and validated, each index valid.
class Verification
{
public:
    [[nodiscard]] static bool verify(DatabaseConnection &connection, const Plan &plan,
                                     QList<VerificationCheck> *checks, ConnectionError *error);
    // "✓ …" / "✗ …: detail", one per line.
    [[nodiscard]] static QString format(const QList<VerificationCheck> &checks);

private:
    // The column's default compared with the spec's as the server writes both back.
    // The triggers (and function) the plan made for its sync are gone.
    [[nodiscard]] static bool verifySyncGone(DatabaseConnection &connection, const Plan &plan, QList<VerificationCheck> *checks,
                                             ConnectionError *error);
    [[nodiscard]] static bool verifyDefault(DatabaseConnection &connection, const Plan &plan, const ColumnInfo &column,
                                            QList<VerificationCheck> *checks, ConnectionError *error);
};

} // namespace Stagecraft
