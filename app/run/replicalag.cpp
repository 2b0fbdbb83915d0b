#include "replicalag.h"

#include "connection/databaseconnection.h"

#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>

#include <algorithm>

namespace Stagecraft {

namespace {

// How often a replica that could not be reached is tried again, and the primary asked for its
// replicas again (MySQL/MariaDB).
constexpr qint64 ReconnectMs = 5000;
constexpr qint64 DiscoveryMs = 10000;
// A PostgreSQL replica whose replay position has not moved for this long, over at least two of its
// reports, while it holds WAL it has not replayed, has stopped replaying.
constexpr qint64 StalledMs = 1000;

// A column by the first of its names this server uses (MySQL 8.0.22 renamed Master to Source and
// Slave to Replica in SHOW REPLICA STATUS; MariaDB kept the old names).
QVariant column(const QSqlRecord &row, std::initializer_list<const char *> names)
{
    for (const char *name : names) {
        const int index = row.indexOf(QLatin1String(name));
        if (index >= 0)
            return row.value(index);
    }
    return {};
}

// mysql-bin.000042 is file 42; -1 for a name without a number.
qint64 binlogNumber(const QString &file)
{
    bool ok = false;
    const qint64 number = file.section(QLatin1Char('.'), -1).toLongLong(&ok);
    return ok ? number : -1;
}

double secondsBetween(qint64 fromMs, qint64 toMs)
{
    return std::max<qint64>(0, toMs - fromMs) / 1000.0;
}

} // namespace

ReplicaLagReader::MySqlReplica::~MySqlReplica() = default;

ReplicaLagReader::ReplicaLagReader(ConnectionProfile primary, QList<ConnectionProfile> replicas)
    : m_primaryProfile(std::move(primary)), m_namedReplicas(std::move(replicas))
{
}

ReplicaLagReader::~ReplicaLagReader() = default;

void ReplicaLagReader::warn(const QString &text)
{
    if (!m_warnings.contains(text))
        m_warnings.append(text);
}

bool ReplicaLagReader::primaryLost(const QString &failure)
{
    // The driver may have closed a connection the server ended (then a ping says nothing).
    if (m_primary->isOpen() && m_primary->answers())
        return false;
    m_primaryError = failure.isEmpty() ? QStringLiteral("the connection to the primary was lost") : failure;
    m_primaryLostAt = now();
    m_primary->close();
    return true;
}

bool ReplicaLagReader::open(QString *error)
{
    m_clock.start();
    m_primary = std::make_unique<DatabaseConnection>(m_primaryProfile);
    ConnectionError e;
    if (!m_primary->open(&e)) {
        *error = e.text();
        m_primary.reset();
        return false;
    }
    const Engine engine = m_primary->engine();
    if (engine == Engine::SQLite) // a file has no replicas
        return true;
    if (engine == Engine::PostgreSQL) {
        if (!m_namedReplicas.isEmpty())
            warn(QStringLiteral("PostgreSQL replicas are read from the primary (pg_stat_replication): the replica URLs are not needed."));
        return true;
    }
    QSqlQuery q(m_primary->database());
    if (!q.exec(QStringLiteral("SELECT @@server_id")) || !q.next()) {
        *error = q.lastError().text();
        return false;
    }
    m_primaryServerId = q.value(0).toLongLong();
    for (const ConnectionProfile &named : std::as_const(m_namedReplicas))
        addMySqlReplica(named);
    discoverMySqlReplicas();
    return true;
}

QList<ReplicaLag> ReplicaLagReader::read(QString *error)
{
    if (!m_primary) {
        *error = QStringLiteral("the replica lag reader is not open");
        return {};
    }
    if (!m_primary->isOpen()) { // lost at an earlier read: connect again, every few seconds
        if (now() - m_primaryLostAt < ReconnectMs) {
            *error = m_primaryError;
            return {};
        }
        ConnectionError e;
        if (!m_primary->open(&e)) {
            m_primaryLostAt = now();
            m_primaryError = e.text();
            *error = m_primaryError;
            return {};
        }
    }
    switch (m_primary->engine()) {
    case Engine::PostgreSQL: return readPostgres(error);
    case Engine::MySQL:
    case Engine::MariaDB: return readMySql(error);
    case Engine::SQLite: return {};
    }
    return {};
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

QList<ReplicaLag> ReplicaLagReader::readPostgres(QString *error)
{
    // One round trip: the primary's position and every WAL sender (a base backup in progress is no
    // replica). On a standby (cascading), its replay position is the newest it has. Before 12 there
    // is no reply_time: a report is then told from the last by its positions.
    const bool hasReplyTime = m_primary->server().versionNumber >= 120000;
    const QString sql = QStringLiteral(
        "SELECT pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END, "
        "'0/0')::bigint, r.pid, r.application_name, host(r.client_addr), r.client_port, r.state, "
        "pg_wal_lsn_diff(r.sent_lsn, '0/0')::bigint, pg_wal_lsn_diff(r.flush_lsn, '0/0')::bigint, "
        "pg_wal_lsn_diff(r.replay_lsn, '0/0')::bigint, extract(epoch FROM r.replay_lag)::float8, %1 "
        "FROM (SELECT 1) AS one LEFT JOIN pg_stat_replication AS r ON r.state IS DISTINCT FROM 'backup' "
        "ORDER BY r.application_name, r.client_addr, r.client_port")
                            .arg(hasReplyTime ? QStringLiteral("r.reply_time::text") : QStringLiteral("NULL::text"));
    QSqlQuery q(m_primary->database());
    if (!q.exec(sql)) {
        *error = q.lastError().text();
        if (primaryLost(*error))
            *error = m_primaryError;
        return {};
    }
    const qint64 at = now();
    struct Row
    {
        int pid;
        QString name;
        QString baseName;
        int port;
        QString state;
        QVariant sent, flush, replay, replayLag, replyTime;
    };
    QList<Row> rows;
    LogPosition current;
    while (q.next()) {
        current = {0, q.value(0).toLongLong()};
        if (q.value(1).isNull())
            continue;
        // The address is unknown for a Unix socket, and to a user who may not see other users' sessions.
        const QString application = q.value(2).toString();
        const QString address = q.value(3).toString();
        QString base = QStringLiteral("%1 (%2)").arg(application, address);
        if (address.isEmpty())
            base = application.isEmpty() ? QStringLiteral("WAL sender %1").arg(q.value(1).toInt()) : application;
        else if (application.isEmpty())
            base = address;
        rows.append({q.value(1).toInt(), base, base, q.value(4).toInt(), q.value(5).toString(), q.value(6), q.value(7),
                     q.value(8), q.value(9), q.value(10)});
    }
    // Two replicas with the same name and address are told apart by their client port.
    for (Row &row : rows) {
        const auto same = std::count_if(rows.cbegin(), rows.cend(), [&](const Row &other) { return other.baseName == row.baseName; });
        if (same > 1)
            row.name = QStringLiteral("%1:%2").arg(row.baseName).arg(row.port);
    }
    m_history.record(at, current);

    QList<ReplicaLag> lags;
    QSet<QString> seen;
    for (const Row &row : std::as_const(rows)) {
        seen.insert(row.name);
        const bool hasReplayed = !row.replay.isNull();
        const LogPosition replayed{0, row.replay.toLongLong()};
        const QString reply = row.replyTime.isNull()
            ? QStringLiteral("%1/%2/%3").arg(row.sent.toString(), row.flush.toString(), row.replay.toString())
            : row.replyTime.toString();
        auto found = m_standbys.find(row.name);
        if (found == m_standbys.end() || found->pid != row.pid) { // new, or connected again
            Standby fresh;
            fresh.pid = row.pid;
            fresh.hasReplayed = hasReplayed;
            fresh.replayed = replayed;
            fresh.lastReply = reply;
            fresh.lastReplyAt = at;
            fresh.replayMovedAt = at;
            found = m_standbys.insert(row.name, fresh);
        } else if (reply != found->lastReply) {
            found->lastReply = reply;
            found->lastReplyAt = at;
            if (hasReplayed != found->hasReplayed || replayed != found->replayed)
                found->replayMovedAt = at;
            found->hasReplayed = hasReplayed;
            found->replayed = replayed;
        }
        const Standby &standby = *found;

        ReplicaLag lag;
        lag.name = row.name;
        lag.state = row.state;
        if (row.sent.isNull()) { // its positions are shown to superusers and pg_read_all_stats only
            lag.state = QStringLiteral("lag hidden: needs pg_read_all_stats");
        } else if (!hasReplayed) { // pg_receivewal and the like keep WAL, they replay none
            lag.state += QStringLiteral(" (no replay)");
        } else {
            lag.bytes = std::max<qint64>(0, current.offset - replayed.offset);
            if (replayed >= current) {
                lag.seconds = 0;
            } else {
                // Behind by at least the time from when the primary was first seen past its replay
                // position to its last report: what it has done since, it has not said yet.
                const qint64 firstPast = m_history.firstSeenPast(replayed);
                lag.seconds = firstPast < 0 ? 0 : secondsBetween(firstPast, standby.lastReplyAt);
                if (!row.replayLag.isNull())
                    lag.seconds = std::max(lag.seconds, row.replayLag.toDouble());
            }
            const bool holdsUnreplayed = !row.flush.isNull() && row.flush.toLongLong() > replayed.offset;
            if (holdsUnreplayed && standby.lastReplyAt - standby.replayMovedAt >= StalledMs) {
                lag.replaying = false;
                lag.state = QStringLiteral("replay stalled (paused, or waiting on a query)");
            }
        }
        lags.append(lag);
    }
    // The ones that went away: not connected; behind by all the primary wrote since.
    for (auto it = m_standbys.begin(); it != m_standbys.end(); ++it) {
        if (seen.contains(it.key()))
            continue;
        it->pid = 0;
        ReplicaLag lag;
        lag.name = it.key();
        lag.replaying = false;
        lag.state = QStringLiteral("not connected");
        if (it->hasReplayed) {
            lag.bytes = std::max<qint64>(0, current.offset - it->replayed.offset);
            const qint64 firstPast = m_history.firstSeenPast(it->replayed);
            lag.seconds = it->replayed >= current || firstPast < 0 ? 0 : secondsBetween(firstPast, at);
        }
        lags.append(lag);
    }
    std::sort(lags.begin(), lags.end(), [](const ReplicaLag &a, const ReplicaLag &b) { return a.name < b.name; });
    // What the slowest replica still needs stays; what all have replayed goes.
    LogPosition oldest = current;
    for (const Standby &standby : std::as_const(m_standbys)) {
        if (standby.hasReplayed)
            oldest = std::min(oldest, standby.replayed);
    }
    m_history.forgetUpTo(oldest);
    return lags;
}

QList<ReplicationSlot> ReplicaLagReader::slotDetails(QString *error)
{
    if (!m_primary || m_primary->engine() != Engine::PostgreSQL)
        return {};
    QSqlQuery q(m_primary->database());
    if (!q.exec(QStringLiteral(
            "SELECT slot_name, slot_type, active, pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() "
            "ELSE pg_current_wal_lsn() END, restart_lsn)::bigint FROM pg_replication_slots ORDER BY slot_name"))) {
        *error = q.lastError().text();
        return {};
    }
    QList<ReplicationSlot> slots;
    while (q.next())
        slots.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toBool(),
                      q.value(3).isNull() ? -1 : std::max<qint64>(0, q.value(3).toLongLong())});
    return slots;
}

QList<QPair<QString, qint64>> ReplicaLagReader::slots(QString *error)
{
    QList<QPair<QString, qint64>> pairs;
    const QList<ReplicationSlot> details = slotDetails(error);
    for (const ReplicationSlot &slot : details)
        pairs.append({slot.name, slot.retainedBytes});
    return pairs;
}

// ---------------------------------------------------------------------------------------------
// MySQL and MariaDB

void ReplicaLagReader::addMySqlReplica(const ConnectionProfile &profile)
{
    auto replica = std::make_unique<MySqlReplica>();
    replica->profile = profile;
    if (replica->profile.user.isEmpty())
        replica->profile.user = m_primaryProfile.user;
    if (replica->profile.password.isEmpty())
        replica->profile.password = m_primaryProfile.password;
    replica->name = QStringLiteral("%1:%2").arg(profile.host).arg(profile.effectivePort());
    static_cast<void>(connectMySqlReplica(*replica));
    m_mysqlReplicas.push_back(std::move(replica));
}

bool ReplicaLagReader::connectMySqlReplica(MySqlReplica &replica)
{
    replica.lastAttempt = now();
    replica.connection = std::make_unique<DatabaseConnection>(replica.profile);
    ConnectionError e;
    if (!replica.connection->open(&e)) {
        replica.connectError = e.text();
        replica.connection.reset();
        return false;
    }
    replica.connectError.clear();
    QSqlQuery q(replica.connection->database());
    if (q.exec(QStringLiteral("SELECT @@server_id")) && q.next())
        replica.serverId = q.value(0).toLongLong();
    return true;
}

void ReplicaLagReader::discoverMySqlReplicas()
{
    m_lastDiscovery = now();
    const ServerInfo &server = m_primary->server();
    // SHOW REPLICAS from MySQL 8.0.22 (SHOW SLAVE HOSTS is gone in 8.4); MariaDB keeps SHOW SLAVE HOSTS.
    const bool replicas = server.engine == Engine::MySQL && server.versionNumber >= 80022;
    const QString sql = replicas ? QStringLiteral("SHOW REPLICAS") : QStringLiteral("SHOW SLAVE HOSTS");
    QSqlQuery q(m_primary->database());
    if (!q.exec(sql)) {
        warn(QStringLiteral("Cannot list the primary's replicas (%1): %2. Name them by URL to pace on their lag.")
                 .arg(sql, q.lastError().text()));
        return;
    }
    while (q.next()) {
        const QSqlRecord row = q.record();
        const qint64 serverId = column(row, {"Server_Id", "Server_id"}).toLongLong();
        const QString host = column(row, {"Host"}).toString();
        const int port = column(row, {"Port"}).toInt();
        const bool known = std::any_of(m_mysqlReplicas.cbegin(), m_mysqlReplicas.cend(), [&](const auto &replica) {
            return replica->serverId == serverId
                || (replica->profile.host == host && replica->profile.effectivePort() == (port > 0 ? port : defaultPort(server.engine)));
        });
        if (known)
            continue;
        if (host.isEmpty()) {
            warn(QStringLiteral("A replica (server_id %1) does not say where it is (report_host): name it by URL to pace on its lag.")
                     .arg(serverId));
            continue;
        }
        ConnectionProfile profile = m_primaryProfile;
        profile.host = host;
        profile.port = port;
        profile.database.clear(); // it may replicate only some databases
        addMySqlReplica(profile);
        if (m_mysqlReplicas.back()->serverId < 0)
            m_mysqlReplicas.back()->serverId = serverId;
    }
}

bool ReplicaLagReader::readBinlogPosition(LogPosition *current, bool *lost, QString *error)
{
    *lost = false;
    const ServerInfo &server = m_primary->server();
    // SHOW BINARY LOG STATUS from MySQL 8.2 (SHOW MASTER STATUS is gone in 8.4); MariaDB keeps SHOW MASTER STATUS.
    const QString sql = server.engine == Engine::MySQL && server.versionNumber >= 80200 ? QStringLiteral("SHOW BINARY LOG STATUS")
                                                                                         : QStringLiteral("SHOW MASTER STATUS");
    QSqlQuery q(m_primary->database());
    if (!q.exec(sql)) {
        if (primaryLost(q.lastError().text())) {
            *lost = true;
            *error = m_primaryError;
            return false;
        }
        warn(QStringLiteral("Cannot read the primary's binary log position (%1): %2. Replica lag is then the replicas' "
                            "own Seconds_Behind_Master, unknown while replay is stopped.")
                 .arg(sql, q.lastError().text()));
        return false;
    }
    if (!q.next()) { // binary log off: nothing to replicate from
        warn(QStringLiteral("The primary's binary log is off: it has no replicas to follow it."));
        return false;
    }
    *current = {binlogNumber(column(q.record(), {"File"}).toString()), column(q.record(), {"Position"}).toLongLong()};
    return true;
}

QList<ReplicaLag> ReplicaLagReader::readMySql(QString *error)
{
    LogPosition current;
    bool lost = false;
    const bool havePosition = readBinlogPosition(&current, &lost, error);
    if (lost)
        return {};
    if (havePosition)
        m_history.record(now(), current);
    if (now() - m_lastDiscovery >= DiscoveryMs)
        discoverMySqlReplicas();
    QList<ReplicaLag> lags;
    LogPosition oldest = current;
    for (const auto &replica : m_mysqlReplicas) {
        lags.append(readMySqlReplica(*replica, havePosition, current));
        if (replica->hasReplayed)
            oldest = std::min(oldest, replica->replayed);
    }
    if (havePosition)
        m_history.forgetUpTo(oldest);
    return lags;
}

ReplicaLag ReplicaLagReader::readMySqlReplica(MySqlReplica &replica, bool havePosition, LogPosition current)
{
    ReplicaLag lag;
    lag.name = replica.name;
    lag.replaying = false;
    if (!replica.connection && (now() - replica.lastAttempt < ReconnectMs || !connectMySqlReplica(replica))) {
        lag.state = QStringLiteral("cannot be reached: ") + replica.connectError;
        return lag;
    }
    const ServerInfo &server = replica.connection->server();
    const bool replicaWords = (server.engine == Engine::MySQL && server.versionNumber >= 80022)
        || (server.engine == Engine::MariaDB && server.versionNumber >= 100501);
    const QString sql = replicaWords ? QStringLiteral("SHOW REPLICA STATUS") : QStringLiteral("SHOW SLAVE STATUS");
    QSqlQuery q(replica.connection->database());
    if (!q.exec(sql)) {
        if (!replica.connection->isOpen() || !replica.connection->answers()) {
            const QString why = q.lastError().text();
            replica.connection.reset();
            replica.connectError = why.isEmpty() ? QStringLiteral("the connection was lost") : why;
            lag.state = QStringLiteral("cannot be reached: ") + replica.connectError;
            return lag;
        }
        // Not allowed to look: it may well replay; nothing says it does not.
        lag.replaying = true;
        lag.state = QStringLiteral("cannot read its status: ") + q.lastError().text();
        return lag;
    }
    if (!q.next()) {
        lag.state = QStringLiteral("not a replica");
        return lag;
    }
    const QSqlRecord row = q.record();
    const qint64 sourceId = column(row, {"Source_Server_Id", "Master_Server_Id"}).toLongLong();
    if (sourceId != 0 && m_primaryServerId >= 0 && sourceId != m_primaryServerId) {
        lag.state = QStringLiteral("replicates from another server (server_id %1)").arg(sourceId);
        return lag;
    }
    const QString ioRunning = column(row, {"Replica_IO_Running", "Slave_IO_Running"}).toString();
    const QString sqlRunning = column(row, {"Replica_SQL_Running", "Slave_SQL_Running"}).toString();
    const QVariant behind = column(row, {"Seconds_Behind_Source", "Seconds_Behind_Master"});
    const QString file = column(row, {"Relay_Source_Log_File", "Relay_Master_Log_File"}).toString();
    replica.hasReplayed = !file.isEmpty() && binlogNumber(file) >= 0;
    replica.replayed = {binlogNumber(file), column(row, {"Exec_Source_Log_Pos", "Exec_Master_Log_Pos"}).toLongLong()};

    if (havePosition && replica.hasReplayed) {
        if (replica.replayed >= current) {
            lag.seconds = 0;
            lag.bytes = 0;
        } else {
            const qint64 firstPast = m_history.firstSeenPast(replica.replayed);
            lag.seconds = firstPast < 0 ? 0 : secondsBetween(firstPast, now());
            // Seconds_Behind_Master counts in whole seconds from the start of the event in hand: 1 may
            // be a millisecond. Behind by at least one second less than it says.
            if (!behind.isNull())
                lag.seconds = std::max(lag.seconds, behind.toDouble() - 1);
            lag.bytes = replica.replayed.file == current.file ? current.offset - replica.replayed.offset
                                                              : binlogBytesBetween(replica.replayed, current);
        }
    } else if (!behind.isNull()) {
        lag.seconds = behind.toDouble();
    }

    const auto withError = [&](const QString &what, std::initializer_list<const char *> errorColumn) {
        const QString text = column(row, errorColumn).toString();
        return text.isEmpty() ? what : what + QLatin1String(": ") + text;
    };
    if (sqlRunning != QLatin1String("Yes"))
        lag.state = withError(QStringLiteral("SQL thread stopped"), {"Last_SQL_Error"});
    else if (ioRunning == QLatin1String("Connecting"))
        lag.state = withError(QStringLiteral("connecting to the primary"), {"Last_IO_Error"});
    else if (ioRunning != QLatin1String("Yes"))
        lag.state = withError(QStringLiteral("not connected to the primary"), {"Last_IO_Error"});
    else {
        lag.replaying = true;
        lag.state = QStringLiteral("replicating");
    }
    return lag;
}

qint64 ReplicaLagReader::binlogBytesBetween(LogPosition from, LogPosition to)
{
    QSqlQuery q(m_primary->database());
    if (!q.exec(QStringLiteral("SHOW BINARY LOGS")))
        return -1;
    qint64 bytes = 0;
    bool sawFrom = false;
    while (q.next()) {
        const qint64 number = binlogNumber(q.value(0).toString());
        const qint64 size = q.value(1).toLongLong();
        if (number == from.file) {
            sawFrom = true;
            bytes += std::max<qint64>(0, size - from.offset);
        } else if (number > from.file && number < to.file) {
            bytes += size;
        }
    }
    return sawFrom ? bytes + to.offset : -1;
}

} // namespace Stagecraft
