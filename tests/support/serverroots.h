#pragma once

#include <QString>
#include <QStringList>

namespace Stagecraft::Testing {

// The roots of the servers this machine's own packages lack (scripts/dev makes them: Debian sid
// with MySQL 9.7 and PostgreSQL 18, Debian 12 with PostgreSQL 15 and MariaDB 10.11), found in
// STAGECRAFT_SERVER_ROOTS (default /opt/stagecraft/servers), one folder per root. Each root's
// .stagecraft/servers names its servers, one per line: "postgresql-18 /usr/lib/postgresql/18/bin".
class ServerRoots
{
public:
    struct Server
    {
        QString name; // "postgresql-18", "mysql-9.7", "mariadb-10.11"
        QString root; // the folder to chroot into
        QString program; // the program (MySQL, MariaDB) or bin folder (PostgreSQL), as seen inside the root
    };
    // The server named name ("postgresql-18"), or the only one of an engine ("mysql"); false with
    // *why saying what there is and how to get the rest.
    [[nodiscard]] static bool find(const QString &name, Server *server, QString *why);
    // Every server of every root.
    [[nodiscard]] static QList<Server> all();
    [[nodiscard]] static QString folder();
};

} // namespace Stagecraft::Testing
