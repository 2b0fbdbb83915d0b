#pragma once

#include "backfillbatch.h"
#include "plan/backfill.h"

#include <QHash>
#include <QSqlDatabase>
#include <QSqlQuery>

#include <memory>

namespace Stagecraft {

// Sends a backfill's batches on one connection, each statement prepared once and executed for
// every batch (the plan's own text, its named parameters as placeholders): PostgreSQL by PREPARE
// and EXECUTE, the values as literals; MySQL/MariaDB the fill statement through the binary
// protocol's prepared statements, the bound statement (whose key values are read back as text) as
// the plan's text with the values in place; SQLite, which has no round trip to save, as text.
// Create and use it in the thread that owns the connection; it lets go of what it prepared when
// destroyed.
class BackfillSender
{
public:
    BackfillSender(QSqlDatabase db, Backfill backfill);
    ~BackfillSender();
    BackfillSender(const BackfillSender &) = delete;
    BackfillSender &operator=(const BackfillSender &) = delete;

    // One batch in the caller's transaction: after is the last key done (empty before the first).
    [[nodiscard]] BackfillBatch fill(const QStringList &after, int batchRows);

private:
    using Statement = Backfill::Statement;
    // Runs one statement: in textQuery, or in the statement's prepared query, which it returns;
    // nullptr with *failure set.
    [[nodiscard]] QSqlQuery *send(Statement statement, const QStringList &from, const QStringList &to, qint64 batchRows, QSqlQuery *textQuery,
                                  QSqlError *failure);
    [[nodiscard]] bool prepares(Statement statement) const;

    QSqlDatabase m_db;
    Backfill m_backfill;
    QString m_prefix; // PostgreSQL: this sender's prepared statements' names begin so
    QHash<int, bool> m_preparedOnServer; // PostgreSQL: the statements PREPAREd
    QHash<int, std::shared_ptr<QSqlQuery>> m_prepared; // MySQL/MariaDB: the prepared queries
};

} // namespace Stagecraft
