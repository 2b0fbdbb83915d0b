#pragma once

// Private to app/catalog: how the catalog readers judge a dependent's SQL text and columns.

#include "catalogtypes.h"
#include "connection/connectionerror.h"
#include "connection/connectionprofile.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace Stagecraft {

// What a view's, routine's, trigger's or event's SQL does with a table, read from its tokens (so a
// name in a string or a comment does not count).
struct BodyUse
{
    bool namesTable = false;
    bool positionalInsert = false; // INSERT / REPLACE into the table without a column list
    bool selectsStar = false; // a SELECT * whose own FROM names the table, or a t.* over it (its name or alias), in one statement
};

class DependentText
{
public:
    // Reads `text` for `table`. An unqualified name counts as the table when defaultSchema is empty
    // (PostgreSQL, whose search path is not known) or names the table's schema (MySQL, MariaDB: the
    // routine's own database); a qualified one when its schema is the table's.
    [[nodiscard]] static BodyUse read(Engine engine, const QString &text, const TableRef &table,
                                      const QString &defaultSchema = QString());
    // Whether a view's columns hold the table's columns, all of them, one after another in the
    // table's order: what a SELECT * (or t.*) expanded when the view was made looks like.
    [[nodiscard]] static bool expandsAll(const QStringList &viewColumns, const QStringList &tableColumns, bool caseless);
    // Marks a view or materialized view that expandsAll() judged a SELECT * expanded when it was made:
    // says so in its detail and what it means for the new column in its impact.
    static void markExpandedStar(TableDependent *view);
    // "(a, b)"
    [[nodiscard]] static QString columnList(const QStringList &columns);
    // What the backfill's UPDATEs make a trigger on the table do, or empty when it does not fire for them.
    [[nodiscard]] static QString updateTriggerImpact(bool onUpdate, bool perRow, bool ofColumns);
    // The impact of a body with a positional INSERT into the table, on MySQL, MariaDB and SQLite.
    [[nodiscard]] static QString positionalInsertImpact(Engine engine);
    // A part of the dependents the role could not read: listed, not failed. `what` in the plural ("triggers").
    [[nodiscard]] static TableDependent unreadable(TableDependent::Kind kind, const QString &what, const QString &why);
    // By kind, then name, keeping the order of equal ones.
    static void sort(QList<TableDependent> *dependents);
};

} // namespace Stagecraft
