#include "connectionsummary.h"

#include "demo/demodatabase.h"

#include <QCoreApplication>

namespace Stagecraft {

ConnectionSummary ConnectionSummary::of(const ConnectionProfile &profile, const ServerInfo &server, const QString &savedName)
{
    ConnectionSummary s;
    s.profile = profile;
    s.profile.password.clear();
    s.server = server;
    if (!savedName.isEmpty())
        s.title = savedName;
    else if (profile.engine == Engine::SQLite && profile.database == DemoDatabase::defaultPath())
        s.title = QCoreApplication::translate("ConnectionSummary", "Demo database");
    else
        s.title = profile.displayName();
    return s;
}

QString ConnectionSummary::oneLine() const
{
    if (isEmpty())
        return {};
    return QCoreApplication::translate("ConnectionSummary", "%1 — %2").arg(title, server.displayName());
}

QString ConnectionSummary::where() const
{
    if (profile.engine == Engine::SQLite)
        return QCoreApplication::translate("ConnectionSummary", "file %1").arg(profile.database);
    const QString server = (profile.user.isEmpty() ? QString() : profile.user + QLatin1Char('@'))
                           + (profile.host.isEmpty() ? QStringLiteral("localhost") : profile.host) + QLatin1Char(':')
                           + QString::number(profile.effectivePort());
    return QCoreApplication::translate("ConnectionSummary", "%1, database %2").arg(server, profile.database);
}

QString ConnectionSummary::toolTip() const
{
    if (isEmpty())
        return {};
    return QStringLiteral("%1\n%2\n%3").arg(title, server.displayName(), where());
}

} // namespace Stagecraft
