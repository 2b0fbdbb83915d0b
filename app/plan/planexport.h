#pragma once

#include "plan.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace Stagecraft {

// One file of an export: its name (no folders) and its text.
struct ExportFile
{
    QString name;
    QString text;
};

// A plan written for the migration tools teams keep in version control. Outside Stagecraft there is
// no runner, so the backfill becomes a self-contained batched loop: on PostgreSQL a DO block that
// commits after each keyset batch, on MySQL/MariaDB a temporary procedure doing the same; SQLite,
// which cannot loop in SQL, fills all rows in one UPDATE (it locks the whole database for writes
// in any case). What cannot run in a transaction (CREATE INDEX CONCURRENTLY, a loop that commits)
// is kept apart the way each tool requires.
class PlanExport
{
public:
    enum class Format {
        SqlByStage, // 01-expand.sql, 02-backfill.sql, …: one file per stage, lock impact in comments
        Flyway, // V<timestamp>_<n>__<title>.sql (+ .sql.conf with executeInTransaction=false)
        Liquibase, // one formatted-SQL changelog, a changeset per step, runInTransaction:false where needed
        GolangMigrate, // <version>_<title>.up.sql / .down.sql pairs, from each step's rollback
    };

    // The format named on the command line: sql-stages, flyway, liquibase, golang-migrate.
    [[nodiscard]] static bool formatFromName(const QString &name, Format *format);
    // at: the migrations' version stamp (Flyway and golang-migrate versions, Liquibase ids).
    [[nodiscard]] static QList<ExportFile> files(const Plan &plan, Format format, const QDateTime &at);

    // Writes files() into the folder dir (created if needed); nothing is written when one of them
    // exists already. *written gets the paths written.
    [[nodiscard]] static bool write(const Plan &plan, Format format, const QString &dir, const QDateTime &at, QStringList *written,
                                    QString *error);
    // The statements a step runs outside Stagecraft: the session modes, the lock timeout and its SQL,
    // or for a backfill the batched loop (on MySQL/MariaDB after the session modes).
    [[nodiscard]] static QStringList statements(const Plan &plan, const PlanStep &step);
    // The session setting that bounds the step's wait for its lock (the plan's lock timeout); empty
    // where none applies.
    [[nodiscard]] static QStringList lockTimeout(const Plan &plan, const PlanStep &step);
    // Whether they must run outside a transaction block.
    [[nodiscard]] static bool needsNoTransaction(const Plan &plan, const PlanStep &step);
};

} // namespace Stagecraft
