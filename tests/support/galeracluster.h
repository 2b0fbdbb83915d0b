#pragma once

#include "mariadbtestserver.h"

#include <memory>
#include <vector>

namespace Stagecraft::Testing {

// A MariaDB Galera cluster on loopback (this machine's MariaDB with the galera-4 provider), for as
// long as the object lives: node 1 starts a new cluster, the others join it one by one, each
// receiving the cluster's data by rsync (wsrep_sst_method = rsync) before it runs its own set-up
// statements (idempotent). Each node has ports of its own for the group (gmcast.listen_addr), for
// incremental transfers (ist.recv_addr) and for the rsync transfer (wsrep_sst_receive_address).
class GaleraCluster
{
public:
    explicit GaleraCluster(int nodes = 3) : m_size(nodes) {}
    ~GaleraCluster();
    GaleraCluster(const GaleraCluster &) = delete;
    GaleraCluster &operator=(const GaleraCluster &) = delete;

    // Starts every node and waits until each says the cluster has them all and is Synced.
    [[nodiscard]] bool start(QString *error);
    [[nodiscard]] int size() const { return m_size; }
    // Node 0 .. size()-1: how a test connects ('stagecraft', all privileges, database stagecraft_test).
    [[nodiscard]] ConnectionProfile profile(int node) const { return m_nodes.at(size_t(node))->profile(); }
    // Where the Galera provider is; empty when galera-4 is not installed.
    [[nodiscard]] static QString provider();

private:
    [[nodiscard]] bool waitSynced(int node, int timeoutMs, QString *error) const;
    int m_size;
    std::vector<std::unique_ptr<MariaDbTestServer>> m_nodes;
};

} // namespace Stagecraft::Testing
