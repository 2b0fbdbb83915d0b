// Logical replication (ctest -L logical): a PostgreSQL publisher and a subscriber on a second
// PostgreSQL, both real. What the planner claims is checked first: a subscriber whose table lacks a
// column the publisher added stops replicating at the next change, and goes on once it has the
// column. Then a plan for a published table stops before it changes anything, naming the statement
// for the subscribers; run there, the migration goes on while an application writes, and the
// subscriber ends with every row and the backfill's values, its replication never stopped.

#include "connection/databaseconnection.h"
#include "sql/quoting.h"
#include "eurostable.h"
#include "livewriter.h"
#include "testservers.h"

#include <QDeadlineTimer>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

class TestLogicalReplication : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void subscriberWithoutTheColumnStops();
    void planWaitsForSubscribers();

private:
    // Publishes table (made on both sides, rows copied) as publication `name`, subscribed to as name_sub.
    [[nodiscard]] bool publish(const QString &table, const QString &name, int rows, QString *why);
    // One number from a query on the server; -1 with *why on failure.
    static qint64 number(const ConnectionProfile &profile, const QString &sql, QString *why);
    // Waits until the query answers the same on both servers (the subscriber caught up).
    [[nodiscard]] bool waitSame(const QString &sql, int timeoutMs, QString *why);

    PostgresTestServer m_publisher;
    PostgresTestServer m_subscriber;
    QTemporaryDir m_dir;
};

static const int Rows = 5000;

qint64 TestLogicalReplication::number(const ConnectionProfile &profile, const QString &sql, QString *why)
{
    DatabaseConnection c(profile);
    ConnectionError e;
    if (!c.open(&e)) {
        *why = e.text();
        return -1;
    }
    QSqlQuery q(c.database());
    if (!q.exec(sql) || !q.next()) {
        *why = sql + QLatin1String(": ") + q.lastError().text();
        return -1;
    }
    return q.value(0).toLongLong();
}

bool TestLogicalReplication::waitSame(const QString &sql, int timeoutMs, QString *why)
{
    const QDeadlineTimer deadline(timeoutMs);
    qint64 there = -1, here = -1;
    while (!deadline.hasExpired()) {
        there = number(m_publisher.profile(), sql, why);
        here = number(m_subscriber.profile(), sql, why);
        if (there >= 0 && there == here)
            return true;
        QThread::msleep(100);
    }
    *why = QStringLiteral("%1: the publisher has %2, the subscriber %3 after %4 s").arg(sql).arg(there).arg(here).arg(timeoutMs / 1000);
    return false;
}

void TestLogicalReplication::initTestCase()
{
    m_publisher.setExtraArguments({QStringLiteral("-c"), QStringLiteral("wal_level=logical")});
    STAGECRAFT_REQUIRE_STARTED(m_publisher);
    STAGECRAFT_REQUIRE_STARTED(m_subscriber);
}

bool TestLogicalReplication::publish(const QString &table, const QString &name, int rows, QString *why)
{
    const QString t = quoteIdentifier(Engine::PostgreSQL, table);
    if (!EurosTable::make(m_publisher.profile(), table, rows, why)
        || !TestServers::execute(m_publisher.profile(), {QStringLiteral("CREATE PUBLICATION %1 FOR TABLE %2").arg(name, t)}, why)
        || !TestServers::execute(m_subscriber.profile(),
                                 {QStringLiteral("CREATE TABLE %1 (id bigint PRIMARY KEY, cents int NOT NULL)").arg(t),
                                  QStringLiteral("CREATE SUBSCRIPTION %1_sub CONNECTION 'host=127.0.0.1 port=%2 user=postgres dbname=postgres' "
                                                 "PUBLICATION %1").arg(name).arg(m_publisher.profile().port)},
                                 why))
        return false;
    return waitSame(QStringLiteral("SELECT count(*) FROM %1").arg(t), 30000, why);
}

// The claim behind the gate, on real servers: the subscriber's apply worker fails on the first
// change that carries a column its table lacks, and replication waits until the column is there.
void TestLogicalReplication::subscriberWithoutTheColumnStops()
{
    QString why;
    QVERIFY2(publish(QStringLiteral("unprepared"), QStringLiteral("unprepared_pub"), 100, &why), qPrintable(why));
    QVERIFY2(TestServers::execute(m_publisher.profile(), {QStringLiteral("ALTER TABLE unprepared ADD COLUMN euros bigint"),
                                                          QStringLiteral("INSERT INTO unprepared VALUES (101, 707, 1414)")},
                                  &why),
             qPrintable(why));
    const QString errors = QStringLiteral("SELECT apply_error_count FROM pg_stat_subscription_stats WHERE subname = 'unprepared_pub_sub'");
    const QDeadlineTimer deadline(30000);
    qint64 failed = 0;
    while (!deadline.hasExpired() && (failed = number(m_subscriber.profile(), errors, &why)) <= 0)
        QThread::msleep(100);
    QVERIFY2(failed > 0, qPrintable(QStringLiteral("the subscriber's apply worker did not fail: %1").arg(why)));
    QCOMPARE(number(m_subscriber.profile(), QStringLiteral("SELECT count(*) FROM unprepared"), &why), 100);
    // The remedy the gate names: the column on the subscriber; the waiting change then arrives.
    QVERIFY2(TestServers::execute(m_subscriber.profile(), {QStringLiteral("ALTER TABLE unprepared ADD COLUMN IF NOT EXISTS euros bigint")}, &why),
             qPrintable(why));
    QVERIFY2(waitSame(QStringLiteral("SELECT count(*) FROM unprepared"), 30000, &why), qPrintable(why));
    QCOMPARE(number(m_subscriber.profile(), QStringLiteral("SELECT euros FROM unprepared WHERE id = 101"), &why), 1414);
}

void TestLogicalReplication::planWaitsForSubscribers()
{
    QString why;
    const ConnectionProfile publisher = m_publisher.profile();
    QVERIFY2(publish(QStringLiteral("shipped"), QStringLiteral("shop"), Rows, &why), qPrintable(why));
    const QString spec = EurosTable::writeSpec(m_dir.path(), QStringLiteral("public"), QStringLiteral("shipped"));
    const QString before = EurosTable::signature(publisher, QStringLiteral("shipped"));

    // The run stops at its first step, changing nothing, and says what to run on the subscribers.
    const CliResult first = runCli({"run", "-c", publisher.toUrl(true), "--spec", spec, "--yes"});
    QVERIFY2(first.code == 6, qPrintable(first.out + first.err));
    QVERIFY2(first.out.contains(QLatin1String("Waiting at step 1: Subscriber gate: add euros on every subscriber of shop first")),
             qPrintable(first.out));
    QCOMPARE(EurosTable::signature(publisher, QStringLiteral("shipped")), before);
    const QRegularExpressionMatch statement =
        QRegularExpression(QStringLiteral("On every subscriber first: (ALTER TABLE [^;]+);")).match(first.out);
    QVERIFY2(statement.hasMatch(), qPrintable(first.out));
    QVERIFY2(TestServers::execute(m_subscriber.profile(), {statement.captured(1)}, &why), qPrintable(why));

    // Resumed, while the application that does not know the column writes, up to the gate before
    // the contract; deployed, it writes the column itself, and the run ends.
    const QString t = quoteIdentifier(Engine::PostgreSQL, QStringLiteral("shipped"));
    LiveWriter application(publisher, QStringLiteral("INSERT INTO %1 (id, cents) VALUES (%2, %2 * 7)").arg(t, QStringLiteral("%1")),
                           QStringLiteral("UPDATE %1 SET cents = cents + 1 WHERE id = %2").arg(t, QStringLiteral("%1")), Rows, Rows + 1, 50);
    application.start();
    const CliResult resumed = runCli({"resume", "-c", publisher.toUrl(true), "--yes", "--max-batch", "500"});
    QVERIFY(application.waitForWrites(5, 10000));
    application.stop();
    QVERIFY2(resumed.code == 6 && resumed.out.contains(QLatin1String("Deploy gate")), qPrintable(resumed.out + resumed.err));
    LiveWriter deployed(publisher, QStringLiteral("INSERT INTO %1 (id, cents, euros) VALUES (%2, %2 * 7, %2 * 14)").arg(t, QStringLiteral("%1")),
                        QStringLiteral("UPDATE %1 SET cents = cents + 1, euros = (cents + 1) * 2 WHERE id = %2").arg(t, QStringLiteral("%1")),
                        Rows, 5000001, 50);
    deployed.start();
    const CliResult finished = runCli({"resume", "-c", publisher.toUrl(true), "--yes"});
    QVERIFY(deployed.waitForWrites(5, 10000));
    deployed.stop();
    QVERIFY2(finished.code == 0, qPrintable(finished.out + finished.err));
    for (const LiveWriter *writer : {&application, &deployed}) {
        const LiveWriter::Result writes = writer->result();
        QVERIFY2(writes.errors == 0, qPrintable(writes.firstErrors.join(QLatin1String("; "))));
        QVERIFY(writes.inserts > 0 && writes.updates > 0);
    }

    // The subscriber has every row, each with the backfill's value, and its replication never stopped.
    QVERIFY2(waitSame(QStringLiteral("SELECT count(*) * 1000003 + coalesce(sum(euros), 0) FROM %1").arg(t), 30000, &why), qPrintable(why));
    DatabaseConnection subscriber(m_subscriber.profile());
    ConnectionError e;
    QVERIFY(subscriber.open(&e));
    QCOMPARE(LiveWriter::staleRows(subscriber.database(), Engine::PostgreSQL, t, QStringLiteral("euros"), QStringLiteral("cents * 2"), &why), 0);
    QCOMPARE(number(m_subscriber.profile(), QStringLiteral("SELECT apply_error_count FROM pg_stat_subscription_stats WHERE subname = 'shop_sub'"), &why), 0);
}

QTEST_GUILESS_MAIN(TestLogicalReplication)
#include "testlogicalreplication.moc"
