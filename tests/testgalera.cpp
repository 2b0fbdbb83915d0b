// A MariaDB Galera cluster (ctest -L galera): three real nodes on loopback. The connection reads
// what makes it a cluster (wsrep_on, wsrep_OSU_method, the cluster's size); the claim the planner
// makes for it is measured first: an online index build on one node, in Total Order Isolation,
// holds up writes on the other nodes, to another table too, for as long as it runs. A plan made on
// a node says so on every schema-changing step and asks for TOI in its session; run while an
// application writes on the same node and a third node is made to fall behind (a table lock its
// appliers wait for), the backfill waits between batches while flow control pauses the cluster, and
// every node ends with the same rows, each with the backfill's value.

#include "connection/databaseconnection.h"
#include "plan/galera.h"
#include "plan/runsettings.h"
#include "sql/quoting.h"
#include "eurostable.h"
#include "galeracluster.h"
#include "livewriter.h"
#include "specplan.h"
#include "testservers.h"
#include "threadedsession.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

class TestGalera : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void connectionSeesTheCluster();
    void totalOrderIsolationHoldsEveryNode();
    void otherNodesWriterLosesCertification();
    void planClaimsTheCluster();
    void backfillWaitsForFlowControl();

private:
    // Milliseconds one INSERT into `other` takes on the node.
    static double timedInsert(const ConnectionProfile &node, int id, QString *why);
    GaleraCluster m_cluster;
    QTemporaryDir m_dir;
};

void TestGalera::initTestCase()
{
    QString why;
    STAGECRAFT_REQUIRE(m_cluster.start(&why), QStringLiteral("mariadb"), why);
    QVERIFY2(TestServers::execute(m_cluster.profile(0), {QStringLiteral("CREATE TABLE other (id bigint PRIMARY KEY, v int) ENGINE=InnoDB")}, &why),
             qPrintable(why));
}

void TestGalera::connectionSeesTheCluster()
{
    for (int node = 0; node < m_cluster.size(); ++node) {
        DatabaseConnection c(m_cluster.profile(node));
        ConnectionError e;
        QVERIFY2(c.open(&e), qPrintable(e.text()));
        QCOMPARE(c.server().settings.value(QStringLiteral("wsrep_on")), QStringLiteral("ON"));
        QCOMPARE(Galera::schemaUpgradeMethod(c.server()), QStringLiteral("TOI"));
        QCOMPARE(Galera::clusterSize(c.server()), 3);
    }
}

double TestGalera::timedInsert(const ConnectionProfile &node, int id, QString *why)
{
    DatabaseConnection c(node);
    ConnectionError e;
    if (!c.open(&e)) {
        *why = e.text();
        return -1;
    }
    QSqlQuery q(c.database());
    QElapsedTimer timer;
    timer.start();
    if (!q.exec(QStringLiteral("INSERT INTO other VALUES (%1, 1)").arg(id))) {
        *why = q.lastError().text();
        return -1;
    }
    return timer.nsecsElapsed() / 1e6;
}

// The claim, measured: while node 1 builds an index online (ALGORITHM=INPLACE, LOCK=NONE, which on
// a lone server blocks no writer), an INSERT into another table on node 2 waits until the build ends.
void TestGalera::totalOrderIsolationHoldsEveryNode()
{
    QString why;
    QVERIFY2(TestServers::execute(m_cluster.profile(0),
                                  {QStringLiteral("CREATE TABLE wide (id bigint PRIMARY KEY, a int, b varchar(64)) ENGINE=InnoDB"),
                                   QStringLiteral("INSERT INTO wide SELECT seq, seq % 997, md5(seq) FROM seq_1_to_400000")},
                                  &why),
             qPrintable(why));
    // Without a build: the fastest of three (the first ones may wait for node 2 to apply the rows above).
    double quiet = -1;
    for (int id = 1; id <= 3; ++id) {
        const double ms = timedInsert(m_cluster.profile(1), id, &why);
        QVERIFY2(ms >= 0, qPrintable(why));
        quiet = quiet < 0 ? ms : std::min(quiet, ms);
    }
    ThreadedSession builder(m_cluster.profile(0), {});
    QVERIFY2(builder.waitReady(&why), qPrintable(why));
    QElapsedTimer build;
    build.start();
    builder.run({QStringLiteral("ALTER TABLE wide ADD INDEX wide_b (b, a), ALGORITHM=INPLACE, LOCK=NONE")});
    QThread::msleep(150);
    QVERIFY2(!builder.isIdle(), "the index build ended within 150 ms: too quick to measure anything");
    const double held = timedInsert(m_cluster.profile(1), 4, &why);
    QVERIFY2(held >= 0, qPrintable(why));
    QVERIFY(builder.waitIdle(120000));
    const double buildMs = build.nsecsElapsed() / 1e6;
    QVERIFY(builder.takeErrors().isEmpty());
    qInfo("index build %.0f ms on node 1; an INSERT into another table on node 2 took %.1f ms (%.1f ms without it)", buildMs, held, quiet);
    // It waited for most of what was left of the build once it was sent.
    QVERIFY2(held >= 0.5 * (buildMs - 150) && held >= 200 && held > 5 * quiet,
             qPrintable(QStringLiteral("the INSERT on node 2 took %1 ms; the build %2 ms").arg(held).arg(buildMs)));
}

// The other claim of the plan's warning: a transaction on node 2 that updated a row which a batch
// on node 1 then updates and commits first is aborted at certification, its COMMIT failing with 1213.
void TestGalera::otherNodesWriterLosesCertification()
{
    QString why;
    QVERIFY2(EurosTable::make(m_cluster.profile(0), QStringLiteral("certified"), 10, &why), qPrintable(why));
    DatabaseConnection node2(m_cluster.profile(1));
    ConnectionError e;
    QVERIFY2(node2.open(&e), qPrintable(e.text()));
    QSqlQuery application(node2.database());
    QVERIFY(application.exec(QStringLiteral("SET SESSION wsrep_sync_wait = 1")));
    QVERIFY(application.exec(QStringLiteral("START TRANSACTION")));
    QVERIFY2(application.exec(QStringLiteral("UPDATE certified SET cents = cents + 1 WHERE id = 5")), qPrintable(application.lastError().text()));
    QVERIFY2(TestServers::execute(m_cluster.profile(0), {QStringLiteral("UPDATE certified SET cents = cents * 2 WHERE id BETWEEN 1 AND 10")}, &why),
             qPrintable(why));
    const bool committed = application.exec(QStringLiteral("COMMIT"));
    QVERIFY2(!committed, "the transaction on node 2 committed over the batch's rows");
    QCOMPARE(application.lastError().nativeErrorCode(), QStringLiteral("1213"));
}

void TestGalera::planClaimsTheCluster()
{
    QString why;
    QVERIFY2(EurosTable::make(m_cluster.profile(0), QStringLiteral("claimed"), 1000, &why), qPrintable(why));
    Plan plan;
    QVERIFY2(planSpec(m_cluster.profile(0),
                      QStringLiteral(R"j({"table": "stagecraft_test.claimed", "column": {"name": "euros", "type": "bigint", "nullable": false, "backfill": "cents * 2", "index": true}})j")
                          .toUtf8(),
                      RunSettings(), &plan, &why),
             qPrintable(why));
    QVERIFY(plan.sessionSql.contains(QStringLiteral("SET SESSION wsrep_OSU_method = 'TOI'")));
    QVERIFY2(plan.warnings.join(QLatin1Char('\n')).contains(QLatin1String("The server is a node of a Galera cluster of 3 nodes")),
             qPrintable(plan.warnings.join(QLatin1Char('\n'))));
    QVERIFY(plan.warnings.join(QLatin1Char('\n')).contains(QLatin1String("run Stagecraft on the node the application writes to")));
    int claimed = 0;
    for (const PlanStep &step : std::as_const(plan.steps)) {
        const bool cluster = std::any_of(step.locks.cbegin(), step.locks.cend(),
                                         [](const LockClaim &l) { return l.relation == QLatin1String("Galera cluster (3 nodes)"); });
        const bool ddl = !step.sql.isEmpty() && step.backfill.isNull();
        QCOMPARE(cluster, ddl);
        if (ddl) {
            QVERIFY(step.blocksWrites);
            ++claimed;
        }
    }
    QVERIFY(claimed >= 3);
}

// A node whose appliers wait (FLUSH TABLES ... WITH READ LOCK on the table, which they cannot break)
// makes its receive queue grow until flow control pauses the cluster: the backfill on node 1 waits
// between batches until it lets go, then finishes; every node has every row with its value. The
// application writes on the run's node, as the plan's warning advises: there a write that meets a
// batch waits for its row locks, where on another node it would lose at certification.
void TestGalera::backfillWaitsForFlowControl()
{
    QString why;
    const int rows = 20000;
    const ConnectionProfile node1 = m_cluster.profile(0);
    QVERIFY2(EurosTable::make(node1, QStringLiteral("paced"), rows, &why), qPrintable(why));
    const QString t = quoteIdentifier(Engine::MariaDB, QStringLiteral("paced"));
    LiveWriter application(m_cluster.profile(0), QStringLiteral("INSERT INTO %1 (id, cents) VALUES (%2, %2 * 7)").arg(t, QStringLiteral("%1")),
                           QStringLiteral("UPDATE %1 SET cents = cents + 1 WHERE id = %2").arg(t, QStringLiteral("%1")), rows, rows + 1, 20);
    application.setRetryOnDeadlock(true);
    application.start();
    QProcess run;
    run.start(cliProgram(), {"run", "-c", node1.toUrl(true), "--spec",
                             EurosTable::writeSpec(m_dir.path(), QStringLiteral("stagecraft_test"), QStringLiteral("paced")), "--yes",
                             "--throttle", "20ms", "--max-batch", "200"});
    QVERIFY(run.waitForStarted());
    QByteArray out;
    QElapsedTimer timer;
    timer.start();
    while (!out.contains("step 3: ") && run.state() == QProcess::Running && timer.elapsed() < 60000) {
        run.waitForReadyRead(50);
        out += run.readAllStandardOutput();
    }
    QVERIFY2(out.contains("step 3: "), out.constData());
    {
        // Node 3 falls behind for 3 s: its appliers wait for the table lock.
        DatabaseConnection node3(m_cluster.profile(2));
        ConnectionError e;
        QVERIFY2(node3.open(&e), qPrintable(e.text()));
        QSqlQuery lock(node3.database());
        QVERIFY2(lock.exec(QStringLiteral("FLUSH TABLES %1 WITH READ LOCK").arg(t)), qPrintable(lock.lastError().text()));
        QElapsedTimer held;
        held.start();
        while (held.elapsed() < 3000) {
            run.waitForReadyRead(50);
            out += run.readAllStandardOutput();
        }
        QVERIFY(lock.exec(QStringLiteral("UNLOCK TABLES")));
    }
    QVERIFY(run.waitForFinished(180000));
    out += run.readAllStandardOutput();
    application.stop();
    QVERIFY2(run.exitCode() == 6, out.constData()); // at the gate before the contract
    QVERIFY2(out.contains("waiting between batches: flow control paused the Galera cluster"), out.constData());
    QVERIFY2(out.contains("flow control let go of the cluster after"), out.constData());
    LiveWriter deployed(m_cluster.profile(0), QStringLiteral("INSERT INTO %1 (id, cents, euros) VALUES (%2, %2 * 7, %2 * 14)").arg(t, QStringLiteral("%1")),
                        QStringLiteral("UPDATE %1 SET cents = cents + 1, euros = cents * 2 WHERE id = %2").arg(t, QStringLiteral("%1")),
                        rows, 5000001, 20);
    deployed.setRetryOnDeadlock(true);
    deployed.start();
    const CliResult resumed = runCli({"resume", "-c", node1.toUrl(true), "--yes"});
    QVERIFY(deployed.waitForWrites(5, 10000));
    deployed.stop();
    QVERIFY2(resumed.code == 0, qPrintable(resumed.out + resumed.err));
    for (const LiveWriter *writer : {&application, &deployed}) {
        const LiveWriter::Result writes = writer->result();
        QVERIFY2(writes.errors == 0, qPrintable(writes.firstErrors.join(QLatin1String("; "))));
        QVERIFY(writes.inserts > 0 && writes.updates > 0);
        qInfo("application: %lld writes, %lld tried again after a deadlock error", writes.writes(), writes.retried);
    }
    // Every node, once it has applied everything (wsrep_sync_wait): the same rows, each filled.
    QString reference;
    for (int node = 0; node < m_cluster.size(); ++node) {
        DatabaseConnection c(m_cluster.profile(node));
        ConnectionError e;
        QVERIFY2(c.open(&e), qPrintable(e.text()));
        QSqlQuery q(c.database());
        QVERIFY(q.exec(QStringLiteral("SET SESSION wsrep_sync_wait = 1")));
        QCOMPARE(LiveWriter::staleRows(c.database(), Engine::MariaDB, t, QStringLiteral("euros"), QStringLiteral("cents * 2"), &why), 0);
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*), SUM(euros) FROM %1").arg(t)) && q.next());
        const QString here = q.value(0).toString() + QLatin1Char('/') + q.value(1).toString();
        if (node == 0)
            reference = here;
        QCOMPARE(here, reference);
    }
}

QTEST_GUILESS_MAIN(TestGalera)
#include "testgalera.moc"
