#pragma once

#include "connection/connectionprofile.h"

#include <QString>
#include <QStringList>

#include <functional>

namespace Stagecraft {

// User-written SQL that Stagecraft must place inside its own statements: a default or CHECK
// expression, a type name. Such text cannot be quoted, so before it goes near a server it must be
// one self-contained fragment: no statement separator, no comment that could hide the rest of our
// statement, parentheses balanced, every quote closed. Strings ('...'), quoted identifiers ("..."
// or `...`) and PostgreSQL dollar quotes ($tag$...$tag$) are skipped over, so their contents may hold
// anything.
class SqlFragment
{
public:
    // True if text is one self-contained fragment; otherwise *why names the problem.
    [[nodiscard]] static bool check(Engine engine, const QString &text, QString *why);
    // Which of the table's columns a fragment reads: each name of `columns` that it writes as a
    // name (bare or quoted), not as a function's (followed by "(") and not qualified by anything but
    // the table's name. A bare name compares as the engine folds it (PostgreSQL: in lower case;
    // MySQL, MariaDB and SQLite: without case), a quoted one exactly (MySQL and MariaDB: without
    // case, as their column names are). Strings are skipped. The table's name alone (a whole-row
    // reference) reads every column. In the columns' order.
    [[nodiscard]] static QStringList columnsRead(Engine engine, const QString &text, const QString &table, const QStringList &columns);
    // Why a fragment cannot be evaluated over a one-row derived table that stands in for its table
    // (a MySQL or MariaDB sync trigger's `(SELECT expr FROM (SELECT NEW.a AS a, ...) AS t)`), or
    // empty: a subquery (SELECT outside strings) would read that one row instead of the table, and
    // a name with three parts (schema.table.column) is accepted by CREATE TRIGGER but fails every
    // INSERT with 1054 (measured on MariaDB 11.8 and MySQL 9.7).
    [[nodiscard]] static QString oneRowProblem(Engine engine, const QString &text);
    // The first index from `from` where stop(i) holds outside quotes and outside any parentheses
    // opened after `from` (text the server wrote back, such as a line of SHOW CREATE TABLE); -1 if
    // none. Quotes are skipped as check() skips them.
    [[nodiscard]] static qsizetype findOutside(Engine engine, const QString &text, qsizetype from,
                                               const std::function<bool(qsizetype)> &stop);
};

} // namespace Stagecraft
