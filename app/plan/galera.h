#pragma once

#include "plan.h"

namespace Stagecraft {

struct ServerInfo;

// A MariaDB (or MySQL) server that is a node of a Galera cluster (wsrep_on, with the cluster's size
// and wsrep_OSU_method read when the connection opened: ServerInfo::settings). Every schema change
// there is replicated in Total Order Isolation: it runs on every node at the same point of the
// cluster's order, and the writes of every node, to any table, wait until it has ended (testgalera
// measures it on a real three-node cluster). The plan's steps claim that, its session asks for TOI
// explicitly (RSU would change the connected node alone), and its warnings say what it costs.
class Galera
{
public:
    // Whether the server is a Galera node, and of how many (0 when it is not one).
    [[nodiscard]] static int clusterSize(const ServerInfo &server);
    // The session's wsrep_OSU_method as the connection read it (TOI, RSU); empty when not a node.
    [[nodiscard]] static QString schemaUpgradeMethod(const ServerInfo &server);
    // The cluster's claims on a plan made for a node of it; nothing for any other server.
    static void claim(Plan *plan, const ServerInfo &server);
};

} // namespace Stagecraft
