// Connection poolers (ctest -L pooler): a real PgBouncer in front of PostgreSQL. In session mode a
// client keeps one server session, and a run through it works as a direct one does, the
// application writing through the same pooler. In transaction mode the server session changes hands
// between transactions, so the lock timeout, the run lock and the prepared batches would be lost or
// left to another client: the run is refused before it sets or changes anything, whether PgBouncer's
// admin console tells the pool mode (the postgres user) or not (a user it does not let in, where the
// probe watches the session change hands). A pool whose mode cannot be read and that was not caught
// sharing is not trusted either: a watch proves sharing, never its absence.

#include "connection/databaseconnection.h"
#include "connection/poolerprobe.h"
#include "sql/quoting.h"
#include "eurostable.h"
#include "livewriter.h"
#include "pgbouncertestserver.h"
#include "testservers.h"

#include <QRegularExpression>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

class TestPooler : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void probe_data();
    void probe();
    void sessionPoolRuns();
    void transactionPoolRefused_data();
    void transactionPoolRefused();

private:
    PostgresTestServer *m_server = nullptr;
    PgBouncerTestServer m_bouncer;
    QTemporaryDir m_dir;
};

static const int Rows = 5000;

void TestPooler::initTestCase()
{
    QString why;
    m_server = TestServers::postgres(&why);
    STAGECRAFT_REQUIRE(m_server, QStringLiteral("postgresql"), why);
    // A user PgBouncer lets through but not into its admin console.
    QVERIFY2(TestServers::execute(m_server->profile(), {QStringLiteral("CREATE ROLE app LOGIN SUPERUSER")}, &why), qPrintable(why));
    m_bouncer.addDatabase(QStringLiteral("sessions"), QStringLiteral("session"));
    m_bouncer.addDatabase(QStringLiteral("transactions"), QStringLiteral("transaction"));
    m_bouncer.addDatabase(QStringLiteral("statements"), QStringLiteral("statement"));
    m_bouncer.addUser(QStringLiteral("app"));
    STAGECRAFT_REQUIRE(m_bouncer.start(m_server->port(), &why), QStringLiteral("postgresql"), why);
}

void TestPooler::cleanupTestCase()
{
    m_bouncer.stop();
    TestServers::stopAll();
}

void TestPooler::probe_data()
{
    QTest::addColumn<QString>("database");
    QTest::addColumn<QString>("user");
    QTest::addColumn<int>("verdict");
    QTest::addColumn<QString>("evidence");
    QTest::newRow("direct") << "" << "postgres" << int(PoolerProbe::Verdict::Direct) << "";
    QTest::newRow("session, console") << "sessions" << "postgres" << int(PoolerProbe::Verdict::SessionPool)
                                      << "its admin console says pool_mode = session for database sessions and user postgres";
    QTest::newRow("session, watched") << "sessions" << "app" << int(PoolerProbe::Verdict::Unknown)
                                      << "another connection was never given this session's server process, which proves nothing";
    QTest::newRow("transaction, console") << "transactions" << "postgres" << int(PoolerProbe::Verdict::SharedSessions)
                                          << "its admin console says pool_mode = transaction for database transactions and user postgres";
    QTest::newRow("transaction, watched") << "transactions" << "app" << int(PoolerProbe::Verdict::SharedSessions)
                                          << "another connection was given this session's server process";
    QTest::newRow("statement, console") << "statements" << "postgres" << int(PoolerProbe::Verdict::SharedSessions)
                                        << "pool_mode = statement";
    QTest::newRow("statement, watched") << "statements" << "app" << int(PoolerProbe::Verdict::SharedSessions)
                                        << "another connection was given this session's server process";
}

void TestPooler::probe()
{
    QFETCH(QString, database);
    QFETCH(QString, user);
    QFETCH(int, verdict);
    QFETCH(QString, evidence);
    ConnectionProfile profile = database.isEmpty() ? m_server->profile() : m_bouncer.profile(database, user);
    profile.user = user;
    DatabaseConnection connection(profile);
    ConnectionError e;
    QVERIFY2(connection.open(&e), qPrintable(e.text()));
    const PoolerProbe::Result result = PoolerProbe::probe(connection);
    QVERIFY2(int(result.verdict) == verdict, qPrintable(result.evidence));
    QVERIFY2(result.evidence.contains(evidence), qPrintable(result.evidence));
    if (user == QLatin1String("postgres") && !database.isEmpty())
        QCOMPARE(result.pooler, QStringLiteral("PgBouncer"));
}

// Through a session pool, the application writing through the same PgBouncer: the run stops at the
// gate before the contract, the application is deployed, and the resume ends it; the table ends as a
// direct run leaves it, every row with the backfill's value, no write failed.
void TestPooler::sessionPoolRuns()
{
    QString why;
    const ConnectionProfile direct = m_server->profile();
    const ConnectionProfile pooled = m_bouncer.profile(QStringLiteral("sessions"));
    QVERIFY2(EurosTable::make(direct, QStringLiteral("pooled"), Rows, &why), qPrintable(why));
    QVERIFY2(EurosTable::make(direct, QStringLiteral("pooled_reference"), Rows, &why), qPrintable(why));
    const CliResult reference = runCli({"run", "--through-gates", "-c", direct.toUrl(true), "--spec",
                                        EurosTable::writeSpec(m_dir.path(), QStringLiteral("public"), QStringLiteral("pooled_reference")), "--yes"});
    QVERIFY2(reference.code == 0, qPrintable(reference.out + reference.err));

    const QString t = quoteIdentifier(Engine::PostgreSQL, QStringLiteral("pooled"));
    LiveWriter application(pooled, QStringLiteral("INSERT INTO %1 (id, cents) VALUES (%2, %2 * 7)").arg(t, QStringLiteral("%1")),
                           QStringLiteral("UPDATE %1 SET cents = cents + 1 WHERE id = %2").arg(t, QStringLiteral("%1")), Rows, Rows + 1, 50);
    application.start();
    const CliResult run = runCli({"run", "-c", pooled.toUrl(true), "--spec",
                                  EurosTable::writeSpec(m_dir.path(), QStringLiteral("public"), QStringLiteral("pooled")), "--yes", "--max-batch", "500"});
    QVERIFY(application.waitForWrites(5, 10000));
    application.stop();
    QVERIFY2(run.code == 6, qPrintable(run.out + run.err));
    QVERIFY2(run.out.contains(QLatin1String("connected through PgBouncer in session mode")), qPrintable(run.out));
    LiveWriter deployed(pooled, QStringLiteral("INSERT INTO %1 (id, cents, euros) VALUES (%2, %2 * 7, %2 * 14)").arg(t, QStringLiteral("%1")),
                        QStringLiteral("UPDATE %1 SET cents = cents + 1, euros = (cents + 1) * 2 WHERE id = %2").arg(t, QStringLiteral("%1")),
                        Rows, 5000001, 50);
    deployed.start();
    const CliResult resumed = runCli({"resume", "-c", pooled.toUrl(true), "--yes"});
    QVERIFY(deployed.waitForWrites(5, 10000));
    deployed.stop();
    QVERIFY2(resumed.code == 0, qPrintable(resumed.out + resumed.err));
    for (const LiveWriter *writer : {&application, &deployed}) {
        const LiveWriter::Result writes = writer->result();
        QVERIFY2(writes.errors == 0, qPrintable(writes.firstErrors.join(QLatin1String("; "))));
        QVERIFY(writes.inserts > 0 && writes.updates > 0);
    }
    QCOMPARE(EurosTable::signature(direct, QStringLiteral("pooled"), false), EurosTable::signature(direct, QStringLiteral("pooled_reference"), false));
    DatabaseConnection check(direct);
    ConnectionError e;
    QVERIFY(check.open(&e));
    QCOMPARE(LiveWriter::staleRows(check.database(), Engine::PostgreSQL, t, QStringLiteral("euros"), QStringLiteral("cents * 2"), &why), 0);
}

void TestPooler::transactionPoolRefused_data()
{
    QTest::addColumn<QString>("database");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("said");
    QTest::newRow("console") << "transactions" << "postgres" << "through PgBouncer that hands the server session to other clients between "
                                                                "transactions (pool_mode = transaction)";
    QTest::newRow("watched") << "transactions" << "app" << "through a connection pooler that hands the server session to other clients";
    // A session pool the user cannot read the mode of is not trusted either: it is told how to let Stagecraft read it.
    QTest::newRow("session, mode unread") << "sessions" << "app" << "whose pool mode could not be told";
    // In statement mode not even the plan's checks (each in a transaction it rolls back) get through.
    QTest::newRow("statement") << "statements" << "app" << "transaction blocks not allowed in statement pooling mode";
}

// Through a transaction or statement pool: refused before anything is set or taken; the table and
// the journal are as before, and the message says what to connect to instead.
void TestPooler::transactionPoolRefused()
{
    QFETCH(QString, database);
    QFETCH(QString, user);
    QFETCH(QString, said);
    QString why;
    const ConnectionProfile direct = m_server->profile();
    const QString table = QStringLiteral("refused_%1").arg(QString::fromLatin1(QTest::currentDataTag()).replace(QRegularExpression(QStringLiteral("[^a-z]+")), QStringLiteral("_")));
    QVERIFY2(EurosTable::make(direct, table, 100, &why), qPrintable(why));
    const QString before = EurosTable::signature(direct, table);
    const CliResult run = runCli({"run", "--through-gates", "-c", m_bouncer.profile(database, user).toUrl(true), "--spec",
                                  EurosTable::writeSpec(m_dir.path(), QStringLiteral("public"), table), "--yes"});
    QVERIFY2(run.code != 0, qPrintable(run.out));
    const QString said_ = run.out + run.err;
    QVERIFY2(said_.contains(said), qPrintable(said_));
    if (database != QLatin1String("statements")) {
        QVERIFY2(run.out.contains(QLatin1String("Nothing was run, nothing was changed")), qPrintable(run.out));
        QVERIFY2(run.out.contains(QLatin1String("connect to PostgreSQL directly (its own port)"), Qt::CaseInsensitive), qPrintable(run.out));
    }
    QCOMPARE(EurosTable::signature(direct, table), before);
    const QStringList journal = EurosTable::journalOf(direct, table); // no run recorded (or no journal at all)
    QVERIFY2(journal.isEmpty() || !journal.first().startsWith(QLatin1String("run ")), qPrintable(journal.join(QLatin1String("; "))));
}

QTEST_GUILESS_MAIN(TestPooler)
#include "testpooler.moc"
