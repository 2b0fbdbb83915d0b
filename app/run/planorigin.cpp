#include "planorigin.h"

#include "connection/databaseconnection.h"
#include "plan/planformat.h"
#include "plan/planner.h"
#include "plan/specvalidator.h"

#include <QFileInfo>
#include <QSqlQuery>

namespace Stagecraft {

PlanOrigin PlanOrigin::of(DatabaseConnection &connection)
{
    PlanOrigin origin;
    origin.engine = connection.engine();
    const ConnectionProfile &profile = connection.profile();
    if (origin.engine == Engine::SQLite) {
        // The file's name is the database's: the same file reached by another path (a symlink, a
        // mount, a relative name) is the same database; the path is kept to be shown.
        const QFileInfo file(profile.database);
        origin.server = file.absoluteFilePath();
        origin.database = file.fileName();
        return origin;
    }
    origin.server = QStringLiteral("%1:%2").arg(profile.host.isEmpty() ? QStringLiteral("localhost") : profile.host).arg(profile.effectivePort());
    // As the server names it: a URL without a database reaches the user's default one.
    QSqlQuery q(connection.database());
    const bool asked = q.exec(origin.engine == Engine::PostgreSQL ? QStringLiteral("SELECT current_database()") : QStringLiteral("SELECT DATABASE()"));
    origin.database = asked && q.next() ? q.value(0).toString() : profile.database;
    return origin;
}

QString PlanOrigin::displayName() const
{
    if (database.isEmpty())
        return QStringLiteral("%1 (database not recorded)").arg(engineName(engine));
    if (engine == Engine::SQLite || server.isEmpty())
        return QStringLiteral("%1 %2").arg(engineName(engine), database);
    return QStringLiteral("%1 %2 at %3").arg(engineName(engine), database, server);
}

QString PlanOrigin::planRefusal(DatabaseConnection &connection, const Plan &plan)
{
    const PlanOrigin here = of(connection);
    const QString made = QStringLiteral("the plan was made for %1 %2.%3").arg(engineName(plan.engine), plan.table.schema, plan.table.name);
    if (plan.engine != here.engine)
        return QStringLiteral("%1; this connection is %2, another engine: plan again on this connection").arg(made, here.displayName());
    // A plan for an older version runs on a newer server (that is what planning for it is for);
    // one for a newer version may use what this server does not have.
    if (plan.targetVersion > connection.server().versionNumber)
        return QStringLiteral("%1, version %2; this connection (%3) is version %4: plan again on this connection")
            .arg(made, plan.targetVersionText, here.displayName(), connection.server().version);
    PlannerInput input;
    input.targetVersion = plan.targetVersion;
    input.settings = plan.settings; // the session statements it shows are part of its fingerprint
    QList<SpecProblem> problems;
    Plan again;
    if (!SpecValidator(connection).validate(plan.spec, &input, &problems, &again)) {
        QStringList why;
        for (const SpecProblem &p : std::as_const(problems))
            why << p.field + QLatin1String(": ") + p.message;
        return QStringLiteral("%1; on this connection (%2) it cannot be planned (%3): plan again on this connection")
            .arg(made, here.displayName(), why.join(QLatin1String("; ")));
    }
    // The fingerprint leaves estimates out: a table that grew since the review keeps its plan.
    if (PlanFormat::fingerprint(again) != PlanFormat::fingerprint(plan))
        return QStringLiteral("%1; on this connection (%2) it would be different: plan again on this connection").arg(made, here.displayName());
    return {};
}

QString PlanOrigin::journaledRefusal(const PlanOrigin &here) const
{
    // The server is not compared: the same database may be reached by another address (a
    // failover, a tunnel, an IP for a name).
    if (engine != here.engine)
        return QStringLiteral("it was recorded on %1, and this connection is %2, another engine").arg(displayName(), here.displayName());
    if (!database.isEmpty() && !here.database.isEmpty() && database != here.database)
        return QStringLiteral("it was recorded on %1, and this connection is %2, another database").arg(displayName(), here.displayName());
    return {};
}

} // namespace Stagecraft
