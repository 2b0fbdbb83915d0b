#include "galera.h"

#include "connection/databaseconnection.h"

namespace Stagecraft {

namespace {

// A setting by name whatever its case (the server lists wsrep_OSU_method in its own).
QString setting(const ServerInfo &server, const QString &name)
{
    for (auto it = server.settings.cbegin(); it != server.settings.cend(); ++it)
        if (it.key().compare(name, Qt::CaseInsensitive) == 0)
            return it.value();
    return {};
}

} // namespace

QString Galera::schemaUpgradeMethod(const ServerInfo &server)
{
    return clusterSize(server) > 0 ? setting(server, QStringLiteral("wsrep_OSU_method")) : QString();
}

int Galera::clusterSize(const ServerInfo &server)
{
    if ((server.engine != Engine::MariaDB && server.engine != Engine::MySQL)
        || server.settings.value(QStringLiteral("wsrep_on")).compare(QLatin1String("ON"), Qt::CaseInsensitive) != 0)
        return 0;
    return std::max(1, server.settings.value(QStringLiteral("wsrep_cluster_size")).toInt());
}

void Galera::claim(Plan *plan, const ServerInfo &server)
{
    const int nodes = clusterSize(server);
    if (nodes == 0)
        return;
    const QString cluster = QStringLiteral("Galera cluster (%1 node%2)").arg(nodes).arg(nodes == 1 ? QString() : QStringLiteral("s"));
    double blocked = 0, longest = 0;
    int longestStep = -1;
    for (int i = 0; i < plan->steps.size(); ++i) {
        PlanStep &step = plan->steps[i];
        if (step.sql.isEmpty() || !step.backfill.isNull())
            continue; // a gate, or the backfill's batches (write-sets, each certified on every node)
        step.locks << LockClaim{cluster, QStringLiteral("Total Order Isolation: every node's writes wait")};
        step.blocksWrites = true;
        step.lockHeldSeconds = std::max(step.lockHeldSeconds, step.estimatedSeconds);
        step.why += QStringLiteral(" On the Galera cluster it runs in Total Order Isolation: on all %1 nodes at once, and writes on "
                                   "every node, to any table, wait until it has ended.")
                        .arg(nodes);
        blocked += step.lockHeldSeconds;
        if (step.lockHeldSeconds > longest) {
            longest = step.lockHeldSeconds;
            longestStep = i;
        }
    }
    plan->sessionSql << QStringLiteral("SET SESSION wsrep_OSU_method = 'TOI'");
    QString warning = QStringLiteral("The server is a node of a %1: each schema change runs in Total Order Isolation, on every node at "
                                     "once, and every node's writes, to any table, wait until it has ended: about %2 s in all for "
                                     "this plan")
                          .arg(QStringLiteral("Galera cluster of %1 node%2").arg(nodes).arg(nodes == 1 ? QString() : QStringLiteral("s")))
                          .arg(blocked, 0, 'f', 2);
    if (longestStep >= 0)
        warning += QStringLiteral(", the longest step %1 (%2, about %3 s)").arg(longestStep + 1).arg(plan->steps.at(longestStep).title).arg(longest, 0, 'f', 2);
    warning += QStringLiteral(". The backfill's batches are certified on every node%1. A transaction on another node that updates a row a batch updates loses at "
                              "certification and fails with a deadlock error (1213), as one in progress on the table when a schema "
                              "change arrives does: run Stagecraft on the node the application writes to (there its writes wait "
                              "for the batch's row locks instead), or make sure the application retries.")
                   .arg(plan->settings.maxReplicaLagMs > 0 ? QStringLiteral("; the run waits between them while flow control pauses the cluster")
                                                          : QStringLiteral("; this run does not wait for flow control (replica pacing is off)"));
    if (const QString method = schemaUpgradeMethod(server); method.compare(QLatin1String("TOI"), Qt::CaseInsensitive) != 0)
        warning += QStringLiteral(" The server's wsrep_OSU_method is %1, which would change the connected node alone: the run's session "
                                  "sets TOI, so that every node changes together.")
                       .arg(method.isEmpty() ? QStringLiteral("unknown") : method);
    plan->warnings << warning;
}

} // namespace Stagecraft
