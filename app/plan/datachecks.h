#pragma once

#include "columnspec.h"
#include "connection/connectionerror.h"

#include <QMetaType>

namespace Stagecraft {

class DatabaseConnection;

// One pre-flight finding about the data: how many existing rows would break a constraint of the new
// column once it holds its value, with a few of them to look at.
struct DataFinding
{
    QString check; // "not-null", "unique", "foreign-key", "check"
    QString title;
    qint64 count = 0; // 0: the check passes
    QStringList samples; // a few offending rows (their key and value)
    // Why the check could not be done (it ran out of time); its count then says nothing. Empty: done.
    QString notDone;
    bool operator==(const DataFinding &) const = default;
};

// Read-only checks of the existing rows against the new column's constraints, evaluated on the value
// each row will get (the backfill expression, else the default). They read the whole table: run them
// on a worker, on demand. Each runs in a READ ONLY transaction (SQLite: PRAGMA query_only), so an
// expression that would write fails instead, under a statement timeout: a check that runs out of time
// is reported as not done (DataFinding::notDone), never as passed, and the others still run.
class DataChecks
{
public:
    static constexpr int DefaultTimeoutMs = 60000; // one check on a large table; the runner itself has no such bound
    [[nodiscard]] static bool run(DatabaseConnection &connection, const ColumnSpec &spec, const QStringList &keyColumns,
                                  QList<DataFinding> *findings, ConnectionError *error, int timeoutMs = DefaultTimeoutMs);
};

} // namespace Stagecraft

Q_DECLARE_METATYPE(Stagecraft::DataFinding)
