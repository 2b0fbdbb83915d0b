#include "servercancel.h"

#include "connection/databaseconnection.h"

#include <QSqlQuery>
#include <QtConcurrent/QtConcurrentRun>

namespace Stagecraft {

qint64 ServerCancel::sessionOf(DatabaseConnection &connection)
{
    const Engine e = connection.engine();
    if (e == Engine::SQLite)
        return 0;
    QSqlQuery q(connection.database());
    if (q.exec(e == Engine::PostgreSQL ? QStringLiteral("SELECT pg_backend_pid()") : QStringLiteral("SELECT CONNECTION_ID()")) && q.next())
        return q.value(0).toLongLong();
    return 0;
}

void ServerCancel::cancelLater(const ConnectionProfile &profile, qint64 session)
{
    if (session <= 0 || profile.engine == Engine::SQLite)
        return;
    static_cast<void>(QtConcurrent::run([profile, session] {
        DatabaseConnection killer(profile);
        ConnectionError error;
        if (!killer.open(&error))
            return;
        QSqlQuery q(killer.database());
        if (killer.engine() == Engine::PostgreSQL) {
            q.prepare(QStringLiteral("SELECT pg_cancel_backend(?)"));
            q.addBindValue(session);
            static_cast<void>(q.exec());
        } else {
            static_cast<void>(q.exec(QStringLiteral("KILL QUERY %1").arg(session)));
        }
    }));
}

} // namespace Stagecraft
