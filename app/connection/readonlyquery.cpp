#include "readonlyquery.h"

#include "databaseconnection.h"

#include <QSqlError>

namespace Stagecraft {

ReadOnlyQuery::ReadOnlyQuery(DatabaseConnection &connection, int timeoutMs)
    : m_engine(connection.engine())
    , m_timeoutMs(timeoutMs)
    , m_query(connection.database())
{
}

ReadOnlyQuery::~ReadOnlyQuery()
{
    finish();
}

bool ReadOnlyQuery::begin()
{
    QStringList sql;
    switch (m_engine) {
    case Engine::PostgreSQL:
        sql << QStringLiteral("BEGIN READ ONLY") << QStringLiteral("SET LOCAL statement_timeout = %1").arg(m_timeoutMs);
        break;
    case Engine::MySQL:
    case Engine::MariaDB: sql << QStringLiteral("START TRANSACTION READ ONLY"); break;
    case Engine::SQLite: sql << QStringLiteral("PRAGMA query_only = ON") << QStringLiteral("BEGIN"); break;
    }
    for (const QString &statement : std::as_const(sql)) {
        if (!m_query.exec(statement))
            return false;
        m_open = true;
    }
    return true;
}

bool ReadOnlyQuery::exec(const QString &statement)
{
    QString sql = statement;
    if (m_engine == Engine::MariaDB)
        sql = QStringLiteral("SET STATEMENT max_statement_time = %1 FOR %2").arg(QString::number(m_timeoutMs / 1000.0), statement);
    else if (m_engine == Engine::MySQL && statement.startsWith(QLatin1String("SELECT ")))
        sql = QStringLiteral("SELECT /*+ MAX_EXECUTION_TIME(%1) */ %2").arg(QString::number(m_timeoutMs), statement.mid(7));
    return m_query.exec(sql);
}

bool ReadOnlyQuery::timedOut() const
{
    const QString code = m_query.lastError().nativeErrorCode();
    return (m_engine == Engine::PostgreSQL && code == QLatin1String("57014"))
        || (m_engine == Engine::MariaDB && code == QLatin1String("1969"))
        || (m_engine == Engine::MySQL && code == QLatin1String("3024"));
}

void ReadOnlyQuery::finish()
{
    if (!m_open)
        return;
    m_open = false;
    m_query.finish();
    static_cast<void>(m_query.exec(QStringLiteral("ROLLBACK")));
    if (m_engine == Engine::SQLite)
        static_cast<void>(m_query.exec(QStringLiteral("PRAGMA query_only = OFF")));
}

} // namespace Stagecraft
