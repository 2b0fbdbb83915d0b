#include "serverroots.h"

#include <QDir>
#include <QFile>

namespace Stagecraft::Testing {

QString ServerRoots::folder()
{
    return qEnvironmentVariable("STAGECRAFT_SERVER_ROOTS", QStringLiteral("/opt/stagecraft/servers"));
}

QList<ServerRoots::Server> ServerRoots::all()
{
    QList<Server> servers;
    const QDir roots(folder());
    for (const QString &entry : roots.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        const QString root = roots.absoluteFilePath(entry);
        QFile manifest(root + QLatin1String("/.stagecraft/servers"));
        if (!manifest.open(QIODevice::ReadOnly))
            continue;
        const QStringList lines = QString::fromUtf8(manifest.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        for (const QString &line : lines) {
            const QString name = line.section(QLatin1Char(' '), 0, 0);
            const QString program = line.section(QLatin1Char(' '), 1).trimmed();
            if (!name.isEmpty() && !program.isEmpty())
                servers.append({name, root, program});
        }
    }
    return servers;
}

bool ServerRoots::find(const QString &name, Server *server, QString *why)
{
    const QList<Server> servers = all();
    QStringList names;
    for (const Server &s : servers) {
        if (s.name == name || s.name.section(QLatin1Char('-'), 0, 0) == name) {
            *server = s;
            return true;
        }
        names << s.name;
    }
    if (why)
        *why = QStringLiteral("no %1 server in %2 (%3). `scripts/dev test` (or `scripts/dev setup-servers`) makes the "
                              "server roots and mounts them there; STAGECRAFT_SERVER_ROOTS names another folder.")
                   .arg(name, folder(), names.isEmpty() ? QStringLiteral("none at all") : QStringLiteral("it has ") + names.join(QLatin1String(", ")));
    return false;
}

} // namespace Stagecraft::Testing
