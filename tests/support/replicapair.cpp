#include "replicapair.h"

#include "connection/databaseconnection.h"
#include "sql/quoting.h"
#include "testservers.h"

#include <QDeadlineTimer>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QThread>

namespace Stagecraft::Testing {

namespace {

// The first row of a query on a connection of its own; false with *error when it fails or is empty.
bool firstRow(const ConnectionProfile &profile, const QString &sql, QSqlRecord *row, QString *error)
{
    DatabaseConnection connection(profile);
    ConnectionError e;
    if (!connection.open(&e)) {
        *error = e.text();
        return false;
    }
    QSqlQuery q(connection.database());
    if (!q.exec(sql)) {
        *error = sql + QLatin1String(": ") + q.lastError().text();
        return false;
    }
    if (!q.next()) {
        *error = sql + QLatin1String(": no row");
        return false;
    }
    *row = q.record();
    return true;
}

// Asks until answer returns true, or the time is up (then *error says what it waited for).
template<typename Answer>
bool waitFor(int timeoutMs, const QString &what, QString *error, Answer answer)
{
    const QDeadlineTimer deadline(timeoutMs);
    QString last;
    while (true) {
        if (answer(&last))
            return true;
        if (deadline.hasExpired())
            break;
        QThread::msleep(50);
    }
    *error = QStringLiteral("%1 did not happen within %2 s%3").arg(what).arg(timeoutMs / 1000.0).arg(last.isEmpty() ? QString() : QLatin1String(": ") + last);
    return false;
}

} // namespace

ReplicaPair::ReplicaPair(Engine engine) : m_engine(engine) {}

ReplicaPair::~ReplicaPair()
{
    // The replica first: it would otherwise retry a primary that is gone.
    m_postgresReplica.reset();
    m_mariadbReplica.reset();
    m_mysqlReplica.reset();
}

QString ReplicaPair::applicationName()
{
    return QStringLiteral("stagecraft_replica");
}

TestServer *ReplicaPair::primary() const
{
    switch (m_engine) {
    case Engine::PostgreSQL: return m_postgresPrimary.get();
    case Engine::MariaDB: return m_mariadbPrimary.get();
    case Engine::MySQL: return m_mysqlPrimary.get();
    case Engine::SQLite: break;
    }
    return nullptr;
}

TestServer *ReplicaPair::replica() const
{
    switch (m_engine) {
    case Engine::PostgreSQL: return m_postgresReplica.get();
    case Engine::MariaDB: return m_mariadbReplica.get();
    case Engine::MySQL: return m_mysqlReplica.get();
    case Engine::SQLite: break;
    }
    return nullptr;
}

bool ReplicaPair::start(QString *error)
{
    if (m_engine == Engine::PostgreSQL) {
        m_postgresPrimary = std::make_unique<PostgresTestServer>();
        m_postgresPrimary->setReplication(true);
        if (!m_postgresPrimary->start(error))
            return false;
        m_postgresReplica = std::make_unique<PostgresTestServer>();
        m_postgresReplica->setReplicaOf(m_postgresPrimary.get(), applicationName());
        if (!m_postgresReplica->start(error)) {
            *error = QStringLiteral("the replica did not start: ") + *error;
            return false;
        }
    } else if (m_engine == Engine::MariaDB) {
        m_mariadbPrimary = std::make_unique<MariaDbTestServer>();
        m_mariadbPrimary->setBinaryLog(1);
        m_mariadbPrimary->setSharedInstall(true);
        if (!m_mariadbPrimary->start(error))
            return false;
        m_mariadbReplica = std::make_unique<MariaDbTestServer>();
        m_mariadbReplica->setReplicaOf(m_mariadbPrimary.get(), 2);
        m_mariadbReplica->setSharedInstall(true);
        if (!m_mariadbReplica->start(error)) {
            *error = QStringLiteral("the replica did not start: ") + *error;
            return false;
        }
    } else if (m_engine == Engine::MySQL) {
        m_mysqlPrimary = std::make_unique<MySqlTestServer>();
        m_mysqlPrimary->setBinaryLog(1);
        if (!m_mysqlPrimary->start(error))
            return false;
        m_mysqlReplica = std::make_unique<MySqlTestServer>();
        m_mysqlReplica->setReplicaOf(m_mysqlPrimary.get(), 2);
        if (!m_mysqlReplica->start(error)) {
            *error = QStringLiteral("the replica did not start: ") + *error;
            return false;
        }
    } else {
        *error = QStringLiteral("no replica pair for %1").arg(engineName(m_engine));
        return false;
    }
    return waitFollowing(30000, error) && waitCaughtUp(30000, error);
}

bool ReplicaPair::waitFollowing(int timeoutMs, QString *error)
{
    if (m_engine == Engine::PostgreSQL) {
        const QString sql = QStringLiteral("SELECT count(*) FROM pg_stat_replication WHERE application_name = %1 AND state = 'streaming'")
                                .arg(quoteLiteral(Engine::PostgreSQL, applicationName()));
        return waitFor(timeoutMs, QStringLiteral("streaming to the replica"), error, [&](QString *why) {
            QSqlRecord row;
            return firstRow(primaryProfile(), sql, &row, why) && row.value(0).toInt() == 1;
        });
    }
    const bool mysql = m_engine == Engine::MySQL; // MySQL 8.4 has only the new words
    return waitFor(timeoutMs, QStringLiteral("replication to the replica"), error, [&](QString *why) {
        QSqlRecord row;
        if (!firstRow(replicaProfile(), mysql ? QStringLiteral("SHOW REPLICA STATUS") : QStringLiteral("SHOW SLAVE STATUS"), &row, why))
            return false;
        *why = row.value(QStringLiteral("Last_IO_Error")).toString() + QLatin1Char(' ')
            + row.value(QStringLiteral("Last_SQL_Error")).toString();
        return row.value(mysql ? QStringLiteral("Replica_IO_Running") : QStringLiteral("Slave_IO_Running")).toString() == QLatin1String("Yes")
            && row.value(mysql ? QStringLiteral("Replica_SQL_Running") : QStringLiteral("Slave_SQL_Running")).toString() == QLatin1String("Yes");
    });
}

void ReplicaPair::crashPrimary()
{
    if (m_postgresPrimary)
        m_postgresPrimary->crash();
}

bool ReplicaPair::pauseReplay(QString *error)
{
    if (m_engine != Engine::PostgreSQL)
        return TestServers::execute(replicaProfile(), {QStringLiteral("STOP REPLICA SQL_THREAD")}, error);
    if (!TestServers::execute(replicaProfile(), {QStringLiteral("SELECT pg_wal_replay_pause()")}, error))
        return false;
    return waitFor(10000, QStringLiteral("the replica's pause"), error, [&](QString *why) {
        QSqlRecord row;
        return firstRow(replicaProfile(), QStringLiteral("SELECT pg_get_wal_replay_pause_state()"), &row, why)
            && row.value(0).toString() == QLatin1String("paused");
    });
}

bool ReplicaPair::resumeReplay(QString *error)
{
    return TestServers::execute(replicaProfile(),
                                {m_engine != Engine::PostgreSQL ? QStringLiteral("START REPLICA SQL_THREAD")
                                                                : QStringLiteral("SELECT pg_wal_replay_resume()")},
                                error);
}

bool ReplicaPair::waitCaughtUp(int timeoutMs, QString *error)
{
    QSqlRecord row;
    if (m_engine == Engine::PostgreSQL) {
        if (!firstRow(primaryProfile(), QStringLiteral("SELECT pg_current_wal_lsn()::text"), &row, error))
            return false;
        const QString sql = QStringLiteral("SELECT pg_last_wal_replay_lsn() >= %1::pg_lsn")
                                .arg(quoteLiteral(Engine::PostgreSQL, row.value(0).toString()));
        return waitFor(timeoutMs, QStringLiteral("the replica's catching up"), error, [&](QString *why) {
            QSqlRecord replayed;
            return firstRow(replicaProfile(), sql, &replayed, why) && replayed.value(0).toBool();
        });
    }
    if (m_engine == Engine::MySQL) {
        if (!firstRow(primaryProfile(), QStringLiteral("SHOW BINARY LOG STATUS"), &row, error))
            return false;
        // NULL: the SQL thread is not running; -1: timed out.
        const QString sql = QStringLiteral("SELECT SOURCE_POS_WAIT(%1, %2, %3)")
                                .arg(quoteLiteral(Engine::MySQL, row.value(0).toString()))
                                .arg(row.value(1).toLongLong())
                                .arg(timeoutMs / 1000.0);
        if (!firstRow(replicaProfile(), sql, &row, error))
            return false;
        if (row.value(0).isNull() || row.value(0).toInt() < 0) {
            *error = QStringLiteral("the replica did not catch up within %1 s").arg(timeoutMs / 1000.0);
            return false;
        }
        return true;
    }
    if (!firstRow(primaryProfile(), QStringLiteral("SELECT @@gtid_binlog_pos"), &row, error))
        return false;
    const QString sql = QStringLiteral("SELECT MASTER_GTID_WAIT(%1, %2)")
                            .arg(quoteLiteral(Engine::MariaDB, row.value(0).toString()))
                            .arg(timeoutMs / 1000.0);
    if (!firstRow(replicaProfile(), sql, &row, error))
        return false;
    if (row.value(0).toInt() != 0) {
        *error = QStringLiteral("the replica did not catch up within %1 s").arg(timeoutMs / 1000.0);
        return false;
    }
    return true;
}

} // namespace Stagecraft::Testing
