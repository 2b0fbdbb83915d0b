#pragma once

#include "catalog/catalogtypes.h"
#include "columnspec.h"
#include "connection/connectionprofile.h"

#include <QMetaType>
#include <QVariantList>

namespace Stagecraft {

class DatabaseConnection;

// What the backfill would write, on a sample of the table's rows, before anything runs.
struct BackfillPreviewResult
{
    enum class State {
        None, // nothing to preview: no backfill and no default
        Done, // rows holds the sample (possibly empty: the table has no rows)
        NotRun, // the expression was not evaluated (a side effect, text that is not one fragment)
        Failed, // the server refused it or it ran out of time
    };
    State state = State::None;
    QString expression; // the value evaluated for each row (the backfill, else the default)
    QString type; // the column's type the value is shown as ("" where it is shown as computed)
    QStringList columns; // the row's columns shown: the primary key first, then those the expression reads
    int keyColumns = 0; // how many of columns are the primary key
    QString valueColumn; // the new column's name
    QList<QVariantList> rows; // per row: the values of columns, then the new value; a null QVariant is NULL
    QString message; // why not run or what failed; empty when Done
};

// Evaluates the value the backfill gives each existing row (Backfill::valueForExistingRows) on a
// sample of rows, beside their primary key and the columns it reads, on the server: READ ONLY under
// a short statement timeout (ReadOnlyQuery), the path validation already uses, so nothing it calls
// can write. An expression calling a function with side effects outside the row (ExpressionEffects,
// read from the catalog without running it) is not evaluated at all, even when the spec accepts it.
// PostgreSQL shows the value cast to the column's type, MySQL and MariaDB where CAST has the type,
// SQLite as computed (its column affinity keeps a value as it is unless the conversion loses nothing).
class BackfillPreview
{
public:
    static constexpr int DefaultRows = 20;
    static constexpr int TimeoutMs = 2000; // as SpecValidator's probes
    // The sample for the spec on its table (table: its description, for the key and the columns).
    [[nodiscard]] static BackfillPreviewResult run(DatabaseConnection &connection, const ColumnSpec &spec, const TableDetails &table,
                                                   int rows = DefaultRows);
    // The SELECT run() evaluates (for the tests and the reader): columns, then the value.
    [[nodiscard]] static QString sql(Engine engine, const ColumnSpec &spec, const QStringList &columns, const QStringList &keys, int rows);
    // The MySQL/MariaDB CAST target for a column type (DECIMAL(12,2), SIGNED, CHAR(40) ...), or empty.
    [[nodiscard]] static QString mySqlCastTarget(Engine engine, const QString &type);
};

} // namespace Stagecraft

Q_DECLARE_METATYPE(Stagecraft::BackfillPreviewResult)
