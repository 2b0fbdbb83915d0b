#pragma once

#include "connection/connectionprofile.h"

#include <QString>
#include <QStringList>

namespace Stagecraft::Testing {

// The table the fault and topology tests migrate, and what they compare it by: "id bigint PRIMARY
// KEY, cents int NOT NULL" with rows (i, i * 7); the spec adds "euros bigint NOT NULL", filled with
// cents * 2, checked (euros >= 0) and indexed, so that its plan has every kind of step.
class EurosTable
{
public:
    // The schema a table of the profile's database is in: public, main, or the database itself.
    [[nodiscard]] static QString schemaOf(const ConnectionProfile &profile);
    // Creates the table with `rows` rows (and its statistics, on PostgreSQL).
    [[nodiscard]] static bool make(const ConnectionProfile &profile, const QString &table, int rows, QString *why);
    // The spec's JSON for schema.table, written to folder/table.json; returns its path.
    [[nodiscard]] static QString writeSpec(const QString &folder, const QString &schema, const QString &table);
    // Everything about the table a run changes, with the table's name taken out: its rows (unless
    // `rows` is false: an application wrote to it meanwhile), and its definition (columns, NOT NULL,
    // constraints and their validation, indexes and their validity).
    [[nodiscard]] static QString signature(const ConnectionProfile &profile, const QString &table, bool rows = true);
    // What the journal says of the run on the table: its state, then each step's that is neither
    // done, skipped nor pending (unless pending with a message), with the step's message.
    [[nodiscard]] static QStringList journalOf(const ConnectionProfile &profile, const QString &table);
};

// stagecraft-cli run as a user runs it, to its end.
struct CliResult
{
    int code = -1; // -1: it did not finish in time
    QString out;
    QString err;
};
// environment: "NAME=value" added to this process's.
[[nodiscard]] CliResult runCli(const QStringList &arguments, const QStringList &environment = {}, int timeoutMs = 180000);
// Where stagecraft-cli is (built beside the tests).
[[nodiscard]] QString cliProgram();

} // namespace Stagecraft::Testing
