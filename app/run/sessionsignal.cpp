#include "sessionsignal.h"

#include "connection/databaseconnection.h"

#include <QSqlError>
#include <QSqlQuery>

namespace Stagecraft {

static ConnectionError failure(const QString &explanation, const QString &serverMessage = QString())
{
    ConnectionError e;
    e.kind = ConnectionError::Kind::Query;
    e.explanation = explanation;
    e.serverMessage = serverMessage;
    return e;
}

QString SessionSignal::describe(Action action)
{
    return action == Action::CancelStatement ? QStringLiteral("cancel the running statement of")
                                             : QStringLiteral("terminate");
}

bool SessionSignal::send(DatabaseConnection &connection, const BlockingSession &session, Action action,
                         ConnectionError *error)
{
    ConnectionError failed;
    const QString what = QStringLiteral("asking the server to %1 session %2").arg(describe(action)).arg(session.pid);
    if (!supported(connection.engine())) {
        failed = failure(QStringLiteral("SQLite has no server sessions to signal: the program holding the write lock "
                                        "must finish its transaction itself."));
    } else if (session.pid <= 0) {
        failed = failure(QStringLiteral("The session has no server id: nothing was sent."));
    } else if (connection.engine() == Engine::PostgreSQL) {
        // One statement: the pid is signalled only if it still belongs to the session the pre-flight
        // saw (connected at the same millisecond), so a later session given the pid is left alone.
        QSqlQuery q(connection.database());
        q.prepare(QStringLiteral("SELECT %1(a.pid) FROM pg_stat_activity a WHERE a.pid = ? "
                                 "AND abs(EXTRACT(epoch FROM a.backend_start) - ?) < 0.002")
                      .arg(action == Action::CancelStatement ? QStringLiteral("pg_cancel_backend")
                                                             : QStringLiteral("pg_terminate_backend")));
        q.addBindValue(session.pid);
        q.addBindValue(session.connectedAt.isValid() ? session.connectedAt.toMSecsSinceEpoch() / 1000.0 : -1.0);
        if (!q.exec())
            failed = ConnectionError::fromQueryFailure(what, q.lastError());
        else if (!q.next())
            failed = failure(QStringLiteral("Session %1 has ended (or the pid now belongs to another session): nothing was sent.")
                                 .arg(session.pid));
        else if (!q.value(0).toBool())
            failed = failure(QStringLiteral("The server did not signal session %1: it may have ended just now, or this user "
                                            "may not signal it (a superuser's session, or another role's without pg_signal_backend).")
                                 .arg(session.pid));
    } else {
        QSqlQuery q(connection.database());
        q.prepare(QStringLiteral("SELECT USER FROM information_schema.PROCESSLIST WHERE ID = ?"));
        q.addBindValue(session.pid);
        if (!q.exec()) {
            failed = ConnectionError::fromQueryFailure(what, q.lastError());
        } else if (!q.next() || q.value(0).toString() != session.user) {
            failed = failure(QStringLiteral("Session %1 has ended: nothing was sent.").arg(session.pid));
        } else {
            q.finish();
            // KILL takes no bound parameter; the id is a number the server gave.
            const QString kill = QStringLiteral("KILL %1 %2")
                                     .arg(action == Action::CancelStatement ? QStringLiteral("QUERY") : QStringLiteral("CONNECTION"))
                                     .arg(session.pid);
            if (!q.exec(kill))
                failed = ConnectionError::fromQueryFailure(what, q.lastError());
        }
    }
    if (failed.isError() && error)
        *error = failed;
    return !failed.isError();
}

} // namespace Stagecraft
