#pragma once

#include "catalog/catalogtypes.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace Stagecraft {

// What the new column changes for one of the application's statements.
struct StatementFate
{
    enum class Severity {
        Info, // worth knowing: a SELECT * that will return one more column
        Cost, // works, at a price: an UPDATE that fires the sync trigger on every row it writes
        Breaks // fails: a positional INSERT on MySQL/MariaDB once the column is added
    };
    Severity severity = Severity::Info;
    QString what; // in words, with the step from which it holds where that matters
    bool operator==(const StatementFate &) const = default;
};

// "info", "cost", "breaks" (the plan JSON's spelling), and back; false for another word.
[[nodiscard]] QString severityName(StatementFate::Severity severity);
[[nodiscard]] bool severityFromName(const QString &name, StatementFate::Severity *severity);

// One of the application's statements on the table, as the server's statement statistics count it
// (PostgreSQL pg_stat_statements, MySQL/MariaDB performance_schema digests): since the server
// started counting or the statistics were last reset.
struct StatementUse
{
    QString id; // pg_stat_statements' queryid, a digest's DIGEST
    QString text; // normalised by the server: constants as $1 or ?
    qint64 calls = 0;
    double meanMs = 0;
    qint64 rows = 0; // rows returned or changed, in all calls
    QList<StatementFate> fates; // empty: the new column changes nothing for it
    bool operator==(const StatementUse &) const = default;
};

// Who uses the table, and what the new column changes for them: its dependents in the catalog and the
// application's statements the server has seen. Read when the plan is made on a connection; not part
// of what the plan executes (nor of its fingerprint).
struct Impact
{
    bool read = false; // false: not read (a plan made without a connection, or one read back from JSON without it)
    QList<TableDependent> dependents;
    QList<StatementUse> statements; // most time spent first
    // Empty: the server counts statements. Otherwise why it does not, and how to turn it on ("add
    // pg_stat_statements to shared_preload_libraries ..."), or that SQLite keeps no such statistics.
    QString statisticsNote;
    // What went wrong reading part of it (a view's definition the role may not read, say); the rest is kept.
    QStringList problems;

    // One line per dependent with an impact and per statement fate above Info: the plan's warnings
    // about who uses the table.
    [[nodiscard]] QStringList warnings() const;
    // How many statements have a fate of at least `severity`: for a one-line count ("2 statements break").
    [[nodiscard]] int statementsAtLeast(StatementFate::Severity severity) const;
    bool operator==(const Impact &) const = default;
};

} // namespace Stagecraft
