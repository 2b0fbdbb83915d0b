#include "stagetimer.h"

#include "connection/databaseconnection.h"

namespace Stagecraft {

StageTimer::StageTimer(ConnectionProfile profile, const TableRef &table, const QString &newColumn)
    : m_profile(std::move(profile))
    , m_reader(m_profile.engine, table, newColumn)
{
}

StageTimer::~StageTimer() = default;

bool StageTimer::begin(QString *why)
{
    m_connection = std::make_unique<DatabaseConnection>(m_profile);
    ConnectionError error;
    if (!m_connection->open(&error)) {
        *why = QStringLiteral("Could not connect to read the statement statistics: %1").arg(error.text());
        m_connection.reset();
        return false;
    }
    if (m_reader.available(m_connection->database(), why))
        return true;
    m_connection.reset();
    return false;
}

std::optional<QList<StatementStat>> StageTimer::read(QString *error)
{
    // The connection sat idle through the backfill, which may take hours: a server's wait_timeout
    // or idle_session_timeout may have closed it. Then a fresh one reads.
    if (m_connection && m_connection->isOpen()) {
        if (std::optional<QList<StatementStat>> statements = m_reader.readEach(m_connection->database(), error))
            return statements;
    }
    const QString first = m_connection ? *error : QString();
    m_connection = std::make_unique<DatabaseConnection>(m_profile);
    ConnectionError openError;
    if (!m_connection->open(&openError)) {
        m_connection.reset();
        *error = QStringLiteral("%1could not connect again: %2").arg(first.isEmpty() ? QString() : first + QStringLiteral("; "), openError.text());
        return std::nullopt;
    }
    return m_reader.readEach(m_connection->database(), error);
}

} // namespace Stagecraft
