#pragma once

#include "catalog/catalogtypes.h"
#include "connection/connectionerror.h"
#include "connection/connectionprofile.h"

#include <QString>
#include <QStringList>

#include <atomic>

namespace Stagecraft {

class DatabaseConnection;

// A rehearsal's scratch copy of one table: where it lives, how it is made and how it goes.
//   PostgreSQL: a schema stagecraft_rehearsal_<id> in the target database (the rehearsal's journal too);
//   MySQL/MariaDB: a database stagecraft_rehearsal_<id> on the target server (the journal too);
//   SQLite: a folder stagecraft-rehearsal-<id> in the temporary directory, holding the copy's file.
// The copy has the table's columns, defaults, keys, CHECKs and indexes (not its foreign keys, nor its
// triggers: they name other tables) and a sample of its rows, read without locking them. A few of
// the sample's newest rows are held back in a table of their own, for the synthetic writer to insert.
class ScratchCopy
{
public:
    // The rows copied and held back, and how long the copy took.
    struct Copied
    {
        qint64 rows = 0; // in the copy, once the held-back rows are out
        qint64 heldBack = 0;
        double seconds = 0;
        bool sampled = false; // false: every row of the table
        bool sizeKnown = true; // false: the table's row count is not known (PostgreSQL: never analysed)
    };

    // target: where the copy goes (the table's own server and database, or another given by URL).
    ScratchCopy(const ConnectionProfile &target, const QString &name);

    // A new name: stagecraft_rehearsal_ and 10 hexadecimal digits.
    [[nodiscard]] static QString newName();
    // Whether a name is one newName() makes (the cleanup refuses to drop anything else).
    [[nodiscard]] static bool isScratchName(const QString &name);

    [[nodiscard]] const QString &name() const { return m_name; }
    // The connection the copy is used on: the target with the scratch database (MySQL/MariaDB) or
    // file (SQLite) as its database.
    [[nodiscard]] ConnectionProfile profile() const;
    // The copy of `table` in the scratch namespace.
    [[nodiscard]] TableRef table(const TableRef &source) const;
    // Where the held-back rows wait.
    [[nodiscard]] TableRef pendingTable(const TableRef &source) const;
    // PostgreSQL: the schema the rehearsal's journal goes in; empty elsewhere.
    [[nodiscard]] QString journalSchema() const;
    // In words, for the confirmation and the log: "schema stagecraft_rehearsal_… of database shop".
    [[nodiscard]] QString description() const;

    // Creates the empty scratch namespace.
    [[nodiscard]] bool create(ConnectionError *error);
    // Creates the copy of the source table and fills it with up to sampleRows rows (every row when
    // the table has no more), holding the newest heldBack of them apart (a fifth of the rows at most).
    // Each batch of rows commits on its own (a server's replicas apply small transactions); a raised
    // `cancelled` stops the copy after its batch. SQLite's rows are read whole before any is written:
    // a read left open would hold the file's shared lock, and the application's commits wait on it.
    [[nodiscard]] bool copyTable(DatabaseConnection &source, const TableDetails &details, qint64 sampleRows, qint64 heldBack, Copied *copied,
                                 QString *error, const std::atomic<bool> *cancelled = nullptr);
    // Drops the scratch namespace with everything in it; true when it is gone (or never was).
    [[nodiscard]] static bool drop(const ConnectionProfile &target, const QString &name, QString *error);
    // Whether it is still there.
    [[nodiscard]] static bool exists(const ConnectionProfile &target, const QString &name);

    // The statement that makes the copy's table on the target, from the catalog's definition (no
    // foreign keys, no triggers), naming the copy. Pure; for the tests.
    [[nodiscard]] static QStringList definitionFor(Engine engine, const TableDetails &details, const TableRef &copy);
    // The columns a copy can be given values for (not generated ones).
    [[nodiscard]] static QStringList insertableColumns(const TableDetails &details);
    // The primary key's columns; empty when the table has none.
    [[nodiscard]] static QStringList keyColumns(const TableDetails &details);

private:
    [[nodiscard]] static QString sqlitePath(const QString &name);

    ConnectionProfile m_target;
    QString m_name;
};

} // namespace Stagecraft
