#include "galeracluster.h"

#include "connection/databaseconnection.h"

#include <QDeadlineTimer>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>

namespace Stagecraft::Testing {

GaleraCluster::~GaleraCluster()
{
    // The joiners first, the node that started the cluster last.
    while (!m_nodes.empty())
        m_nodes.pop_back();
}

QString GaleraCluster::provider()
{
    const QString path = QStringLiteral("/usr/lib/galera/libgalera_smm.so");
    return QFileInfo::exists(path) ? path : QString();
}

bool GaleraCluster::start(QString *error)
{
    if (provider().isEmpty()) {
        *error = QStringLiteral("the Galera provider is not installed (galera-4: /usr/lib/galera/libgalera_smm.so)");
        return false;
    }
    QStringList group, listen, ist, sst;
    for (int i = 0; i < m_size; ++i) {
        const int port = freeLoopbackPort();
        group << QStringLiteral("127.0.0.1:%1").arg(port);
        listen << QStringLiteral("tcp://127.0.0.1:%1").arg(port);
        ist << QStringLiteral("127.0.0.1:%1").arg(freeLoopbackPort());
        sst << QStringLiteral("127.0.0.1:%1").arg(freeLoopbackPort());
    }
    for (int i = 0; i < m_size; ++i) {
        auto node = std::make_unique<MariaDbTestServer>();
        node->setSharedInstall(true);
        node->setDataOpenToAll(true);
        QStringList arguments{QStringLiteral("--wsrep-on=ON"), QStringLiteral("--wsrep-provider=") + provider(),
                              QStringLiteral("--wsrep-cluster-name=stagecraft"),
                              QStringLiteral("--wsrep-cluster-address=gcomm://") + group.join(QLatin1Char(',')),
                              QStringLiteral("--wsrep-node-name=node%1").arg(i + 1),
                              QStringLiteral("--wsrep-node-address=") + group.at(i),
                              QStringLiteral("--wsrep-provider-options=gmcast.listen_addr=%1;ist.recv_addr=%2;gcache.size=64M")
                                  .arg(listen.at(i), ist.at(i)),
                              QStringLiteral("--wsrep-sst-method=rsync"), QStringLiteral("--wsrep-sst-receive-address=") + sst.at(i),
                              QStringLiteral("--binlog-format=ROW"),
                              QStringLiteral("--innodb-autoinc-lock-mode=2")};
        if (i == 0)
            arguments << QStringLiteral("--wsrep-new-cluster");
        node->setExtraArguments(arguments);
        if (!node->start(error)) {
            *error = QStringLiteral("Galera node %1 did not start: %2").arg(i + 1).arg(*error);
            return false;
        }
        m_nodes.push_back(std::move(node));
        if (!waitSynced(i, 60000, error))
            return false;
    }
    for (int i = 0; i < m_size; ++i)
        if (!waitSynced(i, 60000, error))
            return false;
    return true;
}

bool GaleraCluster::waitSynced(int node, int timeoutMs, QString *error) const
{
    const QDeadlineTimer deadline(timeoutMs);
    QString last;
    while (!deadline.hasExpired()) {
        DatabaseConnection c(profile(node));
        ConnectionError e;
        if (c.open(&e)) {
            QSqlQuery q(c.database());
            if (q.exec(QStringLiteral("SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_size', 'wsrep_local_state_comment')"))) {
                QString size, state;
                while (q.next())
                    (q.value(0).toString() == QLatin1String("wsrep_cluster_size") ? size : state) = q.value(1).toString();
                last = QStringLiteral("cluster size %1, %2").arg(size, state);
                if (size.toInt() == int(m_nodes.size()) && state == QLatin1String("Synced"))
                    return true;
            } else {
                last = q.lastError().text();
            }
        } else {
            last = e.text();
        }
        QThread::msleep(100);
    }
    *error = QStringLiteral("Galera node %1 did not join a synced cluster of %2 within %3 s: %4")
                 .arg(node + 1).arg(m_nodes.size()).arg(timeoutMs / 1000).arg(last);
    return false;
}

} // namespace Stagecraft::Testing
