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
    bool operator==(const DataFinding &) const = default;
};

// Read-only checks of the existing rows against the new column's constraints, evaluated on the value
// each row will get (the backfill expression, else the default). They read the whole table: run them
// on a worker, on demand.
class DataChecks
{
public:
    [[nodiscard]] static bool run(DatabaseConnection &connection, const ColumnSpec &spec, const QStringList &keyColumns,
                                  QList<DataFinding> *findings, ConnectionError *error);
};

} // namespace Stagecraft

Q_DECLARE_METATYPE(Stagecraft::DataFinding)
