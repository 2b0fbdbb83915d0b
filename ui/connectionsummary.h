#pragma once

#include "connection/connectionprofile.h"
#include "connection/databaseconnection.h"

#include <QString>

namespace Stagecraft {

// What names a connection on screen: the connection tree's root, and the chip over the tabs that
// says which connection a plan or a run belongs to. Title is the saved connection's name, "Demo
// database", or the profile's user@host:port/database.
struct ConnectionSummary
{
    QString title;
    ConnectionProfile profile; // password left out
    ServerInfo server;

    [[nodiscard]] static ConnectionSummary of(const ConnectionProfile &profile, const ServerInfo &server, const QString &savedName);
    [[nodiscard]] bool isEmpty() const { return title.isEmpty(); }
    // "Production orders — PostgreSQL 17.2"
    [[nodiscard]] QString oneLine() const;
    // Where it is: "user@host:5432, database shop" or "file /path/shop.db".
    [[nodiscard]] QString where() const;
    // The engine and version, and where, a line each.
    [[nodiscard]] QString toolTip() const;
};

} // namespace Stagecraft
