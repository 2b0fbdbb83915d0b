#include "backfillsender.h"

#include <QSqlError>

#include <atomic>

namespace Stagecraft {

namespace {

std::atomic<int> senders{0};

} // namespace

BackfillSender::BackfillSender(QSqlDatabase db, Backfill backfill)
    : m_db(std::move(db))
    , m_backfill(std::move(backfill))
    , m_prefix(QStringLiteral("stagecraft_backfill_%1_").arg(++senders))
{
}

BackfillSender::~BackfillSender()
{
    m_prepared.clear();
    if (!m_db.isOpen())
        return;
    // Best effort: a session that is gone took them along.
    for (auto it = m_preparedOnServer.cbegin(); it != m_preparedOnServer.cend(); ++it) {
        QSqlQuery q(m_db);
        static_cast<void>(q.exec(QStringLiteral("DEALLOCATE %1%2").arg(m_prefix).arg(it.key())));
    }
}

bool BackfillSender::prepares(Statement statement) const
{
    switch (m_backfill.engine) {
    case Engine::PostgreSQL: return true;
    case Engine::MySQL:
    case Engine::MariaDB: return statement != Statement::FirstBound && statement != Statement::NextBound;
    case Engine::SQLite: return false;
    }
    return false;
}

QSqlQuery *BackfillSender::send(Statement statement, const QStringList &from, const QStringList &to, qint64 batchRows, QSqlQuery *q,
                                QSqlError *failure)
{
    const auto failed = [&](const QSqlQuery &query) -> QSqlQuery * {
        *failure = query.lastError();
        return nullptr;
    };
    if (!prepares(statement))
        return q->exec(m_backfill.sql(statement, from, to, batchRows)) ? q : failed(*q);
    const Backfill::Prepared p = m_backfill.prepared(statement);
    const auto text = [&](const QPair<QString, int> &parameter) {
        if (parameter.first == QLatin1String("batch_size"))
            return QString::number(batchRows);
        return (parameter.first == QLatin1String("from") ? from : to).value(parameter.second);
    };
    const int key = int(statement);
    if (m_backfill.engine == Engine::PostgreSQL) {
        const QString name = m_prefix + QString::number(key);
        if (!m_preparedOnServer.contains(key)) {
            if (!q->exec(QStringLiteral("PREPARE %1 AS %2").arg(name, p.sql)))
                return failed(*q);
            m_preparedOnServer.insert(key, true);
        }
        QStringList values;
        for (const auto &parameter : p.parameters)
            values << (parameter.first == QLatin1String("batch_size") ? text(parameter) : m_backfill.keyLiteral(text(parameter)));
        return q->exec(QStringLiteral("EXECUTE %1 (%2)").arg(name, values.join(QLatin1String(", ")))) ? q : failed(*q);
    }
    std::shared_ptr<QSqlQuery> &prepared = m_prepared[key];
    if (!prepared) {
        prepared = std::make_shared<QSqlQuery>(m_db);
        if (!prepared->prepare(p.sql)) {
            *failure = prepared->lastError();
            prepared.reset();
            return nullptr;
        }
    }
    for (int i = 0; i < p.parameters.size(); ++i) {
        if (p.parameters.at(i).first == QLatin1String("batch_size"))
            prepared->bindValue(i, batchRows);
        else
            prepared->bindValue(i, text(p.parameters.at(i)));
    }
    return prepared->exec() ? prepared.get() : failed(*prepared);
}

BackfillBatch BackfillSender::fill(const QStringList &after, int batchRows)
{
    BackfillBatch batch;
    QSqlQuery text(m_db);
    QSqlQuery *q = nullptr;
    if (!m_backfill.keyed()) {
        // No key: the one statement, until it changes nothing.
        if ((q = send(Statement::Repeat, {}, {}, batchRows, &text, &batch.failure))) {
            batch.affected = q->numRowsAffected();
            batch.last = batch.affected == 0;
        }
        return batch;
    }
    const bool first = after.isEmpty();
    if (!(q = send(first ? Statement::FirstBound : Statement::NextBound, after, {}, batchRows, &text, &batch.failure)))
        return batch;
    if (q->next()) {
        for (int k = 0; k < m_backfill.keyColumns.size(); ++k)
            batch.upper << q->value(k).toString();
    }
    q->finish(); // no read left open on the table while it is written
    batch.last = batch.upper.isEmpty();
    if (!batch.last && (q = send(first ? Statement::FirstFill : Statement::NextFill, after, batch.upper, batchRows, &text, &batch.failure)))
        batch.affected = q->numRowsAffected();
    return batch;
}

} // namespace Stagecraft
