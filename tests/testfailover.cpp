// A failover in the middle of a run (ctest -L failover): a PostgreSQL primary with a streaming
// replica; the primary dies mid-backfill (every process killed at once, as when its machine goes),
// the replica is promoted, and the run is resumed on it. The journal lives in the replicated
// database, so the promoted server knows the run up to the last batch it received; the resume
// re-checks every step the journal records as done, continues the backfill from that batch, and the
// table ends as after an uninterrupted run while the application, reconnected to the new primary,
// keeps writing without knowing the column.

#include "connection/databaseconnection.h"
#include "sql/quoting.h"
#include "eurostable.h"
#include "livewriter.h"
#include "replicapair.h"
#include "testservers.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

class TestFailover : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void primaryDiesMidBackfill();
    void journalWithoutItsSchemaRefused();

private:
    QTemporaryDir m_dir;
};

static const int Rows = 20000;

// The backfill step's journal on the server: rows done and the state, or an error text.
static QString backfillJournal(const ConnectionProfile &profile, qint64 *rowsDone)
{
    DatabaseConnection c(profile);
    ConnectionError e;
    if (!c.open(&e))
        return e.text();
    QSqlQuery q(c.database());
    if (!q.exec(QStringLiteral("SELECT s.state, s.rows_done, r.state FROM stagecraft.steps s JOIN stagecraft.runs r ON r.run_id = s.run_id "
                               "WHERE r.table_name = 'public.moved' AND s.rows_done > 0"))
        || !q.next())
        return QStringLiteral("no backfill step with rows in the journal: ") + q.lastError().text();
    *rowsDone = q.value(1).toLongLong();
    return QStringLiteral("run %1, backfill %2").arg(q.value(2).toString(), q.value(0).toString());
}

void TestFailover::primaryDiesMidBackfill()
{
    ReplicaPair pair(Engine::PostgreSQL);
    QString why;
    STAGECRAFT_REQUIRE(pair.start(&why), QStringLiteral("postgresql"), why);
    const ConnectionProfile primary = pair.primaryProfile();
    const ConnectionProfile replica = pair.replicaProfile();
    // The reference: the same plan, uninterrupted, on a table like it.
    QVERIFY2(EurosTable::make(primary, QStringLiteral("moved"), Rows, &why), qPrintable(why));
    QVERIFY2(EurosTable::make(primary, QStringLiteral("moved_reference"), Rows, &why), qPrintable(why));
    const CliResult clean = runCli({"run", "--through-gates", "-c", primary.toUrl(true), "--spec",
                                    EurosTable::writeSpec(m_dir.path(), QStringLiteral("public"), QStringLiteral("moved_reference")), "--yes"});
    QVERIFY2(clean.code == 0, qPrintable(clean.err + clean.out));

    // The application on the primary, and the run, slowed so that it is caught mid-backfill.
    const QString t = quoteIdentifier(Engine::PostgreSQL, QStringLiteral("moved"));
    const QString insert = QStringLiteral("INSERT INTO %1 (id, cents) VALUES (%2, %2 * 7)").arg(t, QStringLiteral("%1"));
    const QString update = QStringLiteral("UPDATE %1 SET cents = cents + 1 WHERE id = %2").arg(t, QStringLiteral("%1"));
    LiveWriter before(primary, insert, update, Rows, Rows + 1, 50);
    before.start();
    QProcess run;
    run.start(cliProgram(), {"run", "--through-gates", "-c", primary.toUrl(true), "--spec",
                             EurosTable::writeSpec(m_dir.path(), QStringLiteral("public"), QStringLiteral("moved")), "--yes", "--progress",
                             "json", "--throttle", "30ms", "--max-batch", "300"});
    QVERIFY(run.waitForStarted());
    QByteArray out;
    QElapsedTimer timer;
    timer.start();
    while (out.count("\"event\":\"progress\"") < 8 && run.state() == QProcess::Running && timer.elapsed() < 60000) {
        run.waitForReadyRead(50);
        out += run.readAllStandardOutput();
    }
    QVERIFY2(out.count("\"event\":\"progress\"") >= 8, out.constData());
    // The application's writes while its server dies fail with it: that is the failover's, not the
    // run's. It stops first; the primary then dies with whatever the replica had not received.
    before.stop();
    QCOMPARE(before.result().errors, 0);
    pair.crashPrimary();
    QVERIFY(run.waitForFinished(60000));
    out += run.readAllStandardOutput();
    QVERIFY2(out.contains("the connection to the server was lost"), out.constData());
    QCOMPARE(run.exitCode(), 3);

    // Before the promotion the replica is a standby: the resume is refused there, changing nothing.
    qint64 receivedRows = 0;
    const QString journal = backfillJournal(replica, &receivedRows);
    QVERIFY2(journal == QLatin1String("run running, backfill running"), qPrintable(journal));
    QVERIFY(receivedRows > 0 && receivedRows < Rows);
    const CliResult standby = runCli({"resume", "--through-gates", "-c", replica.toUrl(true), "--yes"});
    QVERIFY2(standby.code != 0 && standby.out.contains(QLatin1String("this server is a standby (in recovery)")), qPrintable(standby.out + standby.err));

    // Promoted, the replica is the primary: the application reconnects there, the run resumes there.
    QVERIFY2(TestServers::execute(replica, {QStringLiteral("SELECT pg_promote(true, 60)")}, &why), qPrintable(why));
    LiveWriter after(replica, insert, update, Rows, 1000001, 50);
    after.start();
    const CliResult resumed = runCli({"resume", "-c", replica.toUrl(true), "--yes", "--progress", "json"});
    // It stops at the gate before the contract: the application is deployed (it writes the column
    // itself from now on), and the run resumed once more to its end.
    QVERIFY2(resumed.code == 6, qPrintable(resumed.out + resumed.err));
    QVERIFY2(resumed.out.contains(QStringLiteral("resumes at 127.0.0.1:%1").arg(replica.port)), qPrintable(resumed.out));
    QVERIFY2(resumed.out.contains(QLatin1String("re-checked on this server: in place")), qPrintable(resumed.out));
    QVERIFY(after.waitForWrites(5, 10000));
    after.stop();
    LiveWriter deployed(replica, QStringLiteral("INSERT INTO %1 (id, cents, euros) VALUES (%2, %2 * 7, %2 * 14)").arg(t, QStringLiteral("%1")),
                        QStringLiteral("UPDATE %1 SET cents = cents + 1, euros = (cents + 1) * 2 WHERE id = %2").arg(t, QStringLiteral("%1")),
                        Rows, 5000001, 50);
    deployed.start();
    const CliResult finished = runCli({"resume", "-c", replica.toUrl(true), "--yes"});
    QVERIFY(deployed.waitForWrites(5, 10000));
    deployed.stop();
    QVERIFY2(finished.code == 0, qPrintable(finished.out + finished.err));
    // The backfill continued from the last batch the replica had, not from the start.
    qint64 firstResumedRows = -1;
    for (const QString &line : resumed.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        const QJsonObject event = QJsonDocument::fromJson(line.toUtf8()).object();
        if (event.value("event").toString() == QLatin1String("progress")) {
            firstResumedRows = qint64(event.value("rows_done").toDouble());
            break;
        }
    }
    QVERIFY2(firstResumedRows > receivedRows, qPrintable(QStringLiteral("first progress after the resume: %1 rows; the replica had %2")
                                                              .arg(firstResumedRows).arg(receivedRows)));
    for (const LiveWriter *writer : {&after, &deployed}) {
        const LiveWriter::Result writes = writer->result();
        QVERIFY2(writes.errors == 0, qPrintable(writes.firstErrors.join(QLatin1String("; "))));
        QVERIFY(writes.inserts > 0 && writes.updates > 0);
    }
    QCOMPARE(EurosTable::signature(replica, QStringLiteral("moved"), false), EurosTable::signature(replica, QStringLiteral("moved_reference"), false));
    DatabaseConnection check(replica);
    ConnectionError error;
    QVERIFY(check.open(&error));
    QCOMPARE(LiveWriter::staleRows(check.database(), Engine::PostgreSQL, t, QStringLiteral("euros"), QStringLiteral("cents * 2"), &why), 0);
    qInfo("the replica had %lld rows of the backfill when the primary died; the resume went on from there", receivedRows);
}

// A journal that says a step is done while the schema lacks what it made (restored apart from its
// table, or the object dropped by hand): the resume is refused before it changes anything.
void TestFailover::journalWithoutItsSchemaRefused()
{
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("postgresql"), profile);
    QString why;
    QVERIFY2(EurosTable::make(profile, QStringLiteral("disowned"), 1000, &why), qPrintable(why));
    // The run stops at the deploy gate after the expand steps: column and sync trigger made.
    const CliResult first = runCli({"run", "-c", profile.toUrl(true), "--spec",
                                    EurosTable::writeSpec(m_dir.path(), QStringLiteral("public"), QStringLiteral("disowned")), "--yes"});
    QVERIFY2(first.code == 6, qPrintable(first.out + first.err));
    QVERIFY2(TestServers::execute(profile, {QStringLiteral("DROP TRIGGER disowned_euros_sync_insert ON disowned")}, &why), qPrintable(why));
    const QString before = EurosTable::signature(profile, QStringLiteral("disowned"));
    const CliResult resumed = runCli({"resume", "--through-gates", "-c", profile.toUrl(true), "--yes"});
    QVERIFY2(resumed.code != 0, qPrintable(resumed.out));
    QVERIFY2(resumed.out.contains(QLatin1String("is recorded in the journal as done, but its effect is not in place on this server")),
             qPrintable(resumed.out + resumed.err));
    QVERIFY2(resumed.out.contains(QLatin1String("nothing was changed")), qPrintable(resumed.out));
    QCOMPARE(EurosTable::signature(profile, QStringLiteral("disowned")), before);
    QCOMPARE(EurosTable::journalOf(profile, QStringLiteral("disowned")).value(0), QStringLiteral("run waiting"));
}

QTEST_GUILESS_MAIN(TestFailover)
#include "testfailover.moc"
