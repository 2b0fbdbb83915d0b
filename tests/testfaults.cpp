// The fault suite (ctest -L faults): stagecraft-cli runs as a user runs it, and things go wrong.
// The runner is killed with SIGKILL at random points of every step, then resumed: the table ends
// exactly as after a clean run, every time. A second Stagecraft on the same column is refused. A
// lock holder that never lets go, a permission the server denies, a temporary-file limit (the
// server running out of disk for a sort) and a server restart each end with the table consistent,
// a report naming what was applied, and a resume that finishes the work.

#include "connection/databaseconnection.h"
#include "plan/columnspec.h"
#include "plan/planworker.h"
#include "plan/runsettings.h"
#include "sql/quoting.h"
#include "eurostable.h"
#include "livewriter.h"
#include "testservers.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>
#include <QTest>

#include <csignal>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

class TestFaults : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase() { TestServers::stopAll(); }
    void killedAnywhereThenResumed_data();
    void killedAnywhereThenResumed();
    void secondStagecraftRefused_data();
    void secondStagecraftRefused();
    void lockHolderNeverLetsGo();
    void permissionDenied();
    void serverOutOfTemporarySpace();
    void serverRestartedMidRun_data();
    void serverRestartedMidRun();
    void serverLostDuringPlan_data();
    void serverLostDuringPlan();
    void signalCancelsServerStatement_data();
    void signalCancelsServerStatement();

private:
    QTemporaryDir m_dir;
    quint32 m_seed = 0;
};

static const int Rows = 10000;

void TestFaults::initTestCase()
{
    // Random kill points, reproducible: STAGECRAFT_FAULT_SEED=N repeats a run.
    m_seed = qEnvironmentVariableIsSet("STAGECRAFT_FAULT_SEED") ? quint32(qEnvironmentVariableIntValue("STAGECRAFT_FAULT_SEED"))
                                                                  : QRandomGenerator::global()->generate();
    qInfo("fault seed %u (STAGECRAFT_FAULT_SEED=%u repeats this run)", m_seed, m_seed);
}

void TestFaults::killedAnywhereThenResumed_data()
{
    QTest::addColumn<QString>("engine");
    QTest::newRow("postgresql") << "postgresql";
    QTest::newRow("mariadb") << "mariadb";
    QTest::newRow("mysql") << "mysql";
    QTest::newRow("sqlite") << "sqlite";
}

// For every step of the plan, a run is killed with SIGKILL at a random moment once that step has
// started (for the backfill, after a random number of batches), then resumed, while an application
// that does not know the new column inserts rows and updates the column the backfill reads (issue
// 13). Every resumed table has the definition of a table the same plan ran on without interruption,
// every row holds the backfill's value, and no write of the application failed.
void TestFaults::killedAnywhereThenResumed()
{
    QFETCH(QString, engine);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    const QString url = profile.toUrl(true);
    QString why;
    QVERIFY2(EurosTable::make(profile, QStringLiteral("kill_reference"), Rows, &why), qPrintable(why));
    const CliResult clean = runCli({"run", "--through-gates", "-c", url, "--spec", EurosTable::writeSpec(m_dir.path(), EurosTable::schemaOf(profile), "kill_reference"), "--yes", "--progress", "json"});
    QVERIFY2(clean.code == 0, qPrintable(clean.err + clean.out));
    const QString reference = EurosTable::signature(profile, QStringLiteral("kill_reference"), false);
    int steps = 0;
    for (const QString &line : clean.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        const QJsonObject event = QJsonDocument::fromJson(line.toUtf8()).object();
        if (event.value("event").toString() == QLatin1String("run_started"))
            steps = event.value("steps").toInt();
    }
    QVERIFY(steps >= 5);

    QRandomGenerator random(m_seed);
    int resumedMidRun = 0, backfillStep = 0;
    for (int target = 1; target <= steps; ++target) {
        const QString table = QStringLiteral("kill_%1").arg(target);
        QVERIFY2(EurosTable::make(profile, table, Rows, &why), qPrintable(why));
        const QString spec = EurosTable::writeSpec(m_dir.path(), EurosTable::schemaOf(profile), table);
        const QString t = quoteIdentifier(profile.engine, table);
        // SQLite commits each write with its own syncs of the file: fewer a second, or its one lock is nearly always taken.
        const int writesPerSecond = profile.engine == Engine::SQLite ? 20 : 50;
        // The application as deployed before the run, and after the deploy gate: then it writes the
        // column itself (MySQL's SET sees the columns set before it, PostgreSQL's the old row).
        LiveWriter application(profile, QStringLiteral("INSERT INTO %1 (id, cents) VALUES (%2, %2 * 7)").arg(t, QStringLiteral("%1")),
                               QStringLiteral("UPDATE %1 SET cents = cents + 1 WHERE id = %2").arg(t, QStringLiteral("%1")), Rows, Rows + 1,
                               writesPerSecond);
        LiveWriter deployed(profile, QStringLiteral("INSERT INTO %1 (id, cents, euros) VALUES (%2, %2 * 7, %2 * 14)").arg(t, QStringLiteral("%1")),
                            QStringLiteral("UPDATE %1 SET cents = cents + 1, euros = %2 WHERE id = %3")
                                .arg(t, profile.engine == Engine::PostgreSQL || profile.engine == Engine::SQLite ? QStringLiteral("(cents + 1) * 2")
                                                                                                                 : QStringLiteral("cents * 2"),
                                     QStringLiteral("%1")),
                            Rows, 5000001, writesPerSecond);
        bool isDeployed = false;
        const auto deploy = [&] {
            application.stop();
            deployed.start();
            isDeployed = true;
        };
        application.start();
        // The run, or after it stopped at the deploy gate the resume, is killed with SIGKILL once the
        // target step has started.
        QStringList arguments{"run", "-c", url, "--spec", spec, "--yes", "--progress", "json", "--throttle", "20ms", "--max-batch", "500"};
        const int batchesBeforeKill = 1 + int(random.bounded(8));
        const int delayMs = int(random.bounded(6)); // a step of a few milliseconds is still caught inside
        int progress = 0;
        bool killed = false, wasKilled = false;
        for (int attempt = 0; attempt < 3 && !killed; ++attempt) {
            QProcess run;
            run.start(cliProgram(), arguments);
            QVERIFY(run.waitForStarted());
            bool inTarget = false;
            QByteArray pending;
            QElapsedTimer timer;
            timer.start();
            while (!killed && run.state() == QProcess::Running && timer.elapsed() < 120000) {
                run.waitForReadyRead(50);
                pending += run.readAllStandardOutput();
                qsizetype nl;
                while (!killed && (nl = pending.indexOf('\n')) >= 0) {
                    const QJsonObject event = QJsonDocument::fromJson(pending.left(nl)).object();
                    pending.remove(0, nl + 1);
                    const QString kind = event.value("event").toString();
                    if (kind == QLatin1String("step_started") && event.value("step").toInt() == target)
                        inTarget = true;
                    const bool backfill = inTarget && kind == QLatin1String("progress");
                    if (backfill)
                        ++progress;
                    if (inTarget && (kind == QLatin1String("step_started") || (backfill && progress >= batchesBeforeKill))) {
                        if (kind == QLatin1String("progress") || delayMs == 0 || !run.waitForFinished(delayMs)) {
                            ::kill(pid_t(run.processId()), SIGKILL);
                            killed = true;
                        }
                    }
                }
            }
            run.waitForFinished(30000);
            wasKilled = run.exitStatus() == QProcess::CrashExit;
            if (wasKilled || run.exitCode() != 6)
                break;
            deploy(); // stopped at the gate before the target: deployed, resumed
            arguments = QStringList{"resume", "-c", url, "--yes", "--progress", "json", "--throttle", "20ms", "--max-batch", "500"};
        }
        // The run may have finished before the kill landed (a step of a few milliseconds, last).
        CliResult resumed = runCli({"resume", "-c", url, "--yes"});
        if (resumed.code == 6) {
            deploy();
            resumed = runCli({"resume", "-c", url, "--yes"});
        }
        QVERIFY2(resumed.code == 0, qPrintable(QStringLiteral("step %1: %2 %3").arg(target).arg(resumed.err, resumed.out)));
        // Killed after the run had recorded its end, there is nothing to resume: fine too.
        const bool ended = resumed.out.contains(QLatin1String("No unfinished run"));
        QVERIFY2(ended || resumed.out.contains(QLatin1String("Verified on the table")), qPrintable(resumed.out));
        QVERIFY(isDeployed);
        QVERIFY(deployed.waitForWrites(5, 10000));
        deployed.stop();
        for (const LiveWriter *writer : {&application, &deployed}) {
            const LiveWriter::Result writes = writer->result();
            QVERIFY2(writes.errors == 0, qPrintable(QStringLiteral("step %1: %2").arg(target).arg(writes.firstErrors.join(QLatin1String("; ")))));
            QVERIFY(writes.inserts > 0 && writes.updates > 0);
        }
        QCOMPARE(EurosTable::signature(profile, table, false), reference);
        DatabaseConnection check(profile);
        ConnectionError error;
        QVERIFY(check.open(&error));
        QCOMPARE(LiveWriter::staleRows(check.database(), profile.engine, t, QStringLiteral("euros"), QStringLiteral("cents * 2"), &why), 0);
        qInfo("step %d of %d: %s", target, steps,
              !wasKilled ? "finished before the kill" : ended ? "killed after the run ended" : "killed, then resumed");
        if (wasKilled && !ended)
            ++resumedMidRun;
        if (backfillStep == 0 && progress > 0)
            backfillStep = target;
        if (target == backfillStep)
            QVERIFY2(wasKilled && !ended, "the backfill was not killed in the middle");
    }
    // A test that never caught a run in the middle would prove nothing: most steps were.
    QVERIFY2(resumedMidRun * 2 > steps, qPrintable(QStringLiteral("%1 of %2 steps killed mid-run").arg(resumedMidRun).arg(steps)));
}

void TestFaults::secondStagecraftRefused_data()
{
    QTest::addColumn<QString>("engine");
    QTest::newRow("postgresql") << "postgresql";
    QTest::newRow("mariadb") << "mariadb";
    QTest::newRow("mysql") << "mysql";
}

// Two Stagecraft runs on one column at once: the second (and a resume) are refused at once and
// change nothing; the first finishes as if alone.
void TestFaults::secondStagecraftRefused()
{
    QFETCH(QString, engine);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    const QString url = profile.toUrl(true);
    QString why;
    QVERIFY2(EurosTable::make(profile, "twice", Rows, &why), qPrintable(why));
    QVERIFY2(EurosTable::make(profile, "twice_reference", Rows, &why), qPrintable(why));
    QCOMPARE(runCli({"run", "--through-gates", "-c", url, "--spec", EurosTable::writeSpec(m_dir.path(), EurosTable::schemaOf(profile), "twice_reference"), "--yes"}).code, 0);
    const QString spec = EurosTable::writeSpec(m_dir.path(), EurosTable::schemaOf(profile), "twice");
    QProcess first;
    first.start(cliProgram(), {"run", "--through-gates", "-c", url, "--spec", spec, "--yes", "--progress", "json",
                                                  "--throttle", "50ms", "--max-batch", "200"});
    QVERIFY(first.waitForStarted());
    QByteArray out;
    QElapsedTimer timer;
    timer.start();
    while (!out.contains("\"event\":\"progress\"") && first.state() == QProcess::Running && timer.elapsed() < 60000) {
        first.waitForReadyRead(50);
        out += first.readAllStandardOutput();
    }
    QVERIFY2(out.contains("\"event\":\"progress\""), out.constData());
    // A second run of the same column is refused and changes nothing: by the run lock, or, once the
    // first has added the column, by the check of the spec.
    const CliResult second = runCli({"run", "--through-gates", "-c", url, "--spec", spec, "--yes"});
    QVERIFY2((second.code == 4 && second.out.contains(QLatin1String("Another Stagecraft is adding euros to")))
                 || (second.code == 2 && second.err.contains(QLatin1String("already has a column euros"))),
             qPrintable(second.out + second.err));
    // A resume of the running run is refused by the lock.
    const CliResult resume = runCli({"resume", "--through-gates", "-c", url, "--yes"});
    QVERIFY2(resume.code == 4 && resume.out.contains(QLatin1String("Another Stagecraft is adding euros to")),
             qPrintable(resume.out + resume.err));
    QVERIFY(first.waitForFinished(120000));
    QCOMPARE(first.exitCode(), 0);
    QCOMPARE(EurosTable::signature(profile, "twice"), EurosTable::signature(profile, "twice_reference"));

    // A run killed mid-backfill, then two resumes at once: one finishes it, the other is refused.
    QVERIFY2(EurosTable::make(profile, "twice_resumed", Rows, &why), qPrintable(why));
    QProcess killed;
    killed.start(cliProgram(), {"run", "--through-gates", "-c", url, "--spec", EurosTable::writeSpec(m_dir.path(), EurosTable::schemaOf(profile), "twice_resumed"), "--yes",
                                                   "--progress", "json", "--throttle", "50ms", "--max-batch", "200"});
    QVERIFY(killed.waitForStarted());
    out.clear();
    timer.restart();
    while (!out.contains("\"event\":\"progress\"") && killed.state() == QProcess::Running && timer.elapsed() < 60000) {
        killed.waitForReadyRead(50);
        out += killed.readAllStandardOutput();
    }
    ::kill(pid_t(killed.processId()), SIGKILL);
    QVERIFY(killed.waitForFinished(30000));
    QProcess a, b;
    for (QProcess *p : {&a, &b})
        p->start(cliProgram(), {"resume", "--through-gates", "-c", url, "--yes", "--throttle", "20ms", "--max-batch", "500"});
    QVERIFY(a.waitForFinished(120000) && b.waitForFinished(120000));
    const QList<int> codes = {a.exitCode(), b.exitCode()};
    const QString outputs = QString::fromUtf8(a.readAllStandardOutput() + b.readAllStandardOutput());
    QVERIFY2(codes.contains(0) && codes.contains(4) && outputs.contains(QLatin1String("Another Stagecraft is adding euros to")),
             qPrintable(outputs));
    QCOMPARE(EurosTable::signature(profile, "twice_resumed"), EurosTable::signature(profile, "twice_reference"));
}

// A session keeps a transaction open on the table and never ends it. Each attempt waits at most the
// lock timeout; after the retries the run stops with nothing applied and says why. Once the
// session is gone, a resume finishes the work.
void TestFaults::lockHolderNeverLetsGo()
{
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("postgresql"), profile);
    const QString url = profile.toUrl(true);
    QString why;
    QVERIFY2(EurosTable::make(profile, "held", 2000, &why), qPrintable(why));
    const QString before = EurosTable::signature(profile, "held");
    auto holder = std::make_unique<DatabaseConnection>(profile);
    ConnectionError error;
    QVERIFY(holder->open(&error));
    QSqlQuery q(holder->database());
    QVERIFY(q.exec("BEGIN") && q.exec("SELECT count(*) FROM held"));
    QElapsedTimer timer;
    timer.start();
    const CliResult r = runCli({"run", "--through-gates", "-c", url, "--spec", EurosTable::writeSpec(m_dir.path(), "public", "held"), "--yes", "--lock-timeout", "200ms",
                          "--retries", "2"});
    QCOMPARE(r.code, 4);
    QVERIFY2(r.out.contains(QLatin1String("Applied steps: none.")), qPrintable(r.out));
    QVERIFY2(r.out.contains(QLatin1String("lock")), qPrintable(r.out));
    QVERIFY2(timer.elapsed() < 30000, "the run waited far longer than its lock timeouts and retries");
    QCOMPARE(EurosTable::signature(profile, "held"), before);
    QVERIFY(q.exec("ROLLBACK"));
    holder.reset();
    const CliResult resumed = runCli({"resume", "--through-gates", "-c", url, "--yes"});
    QVERIFY2(resumed.code == 0, qPrintable(resumed.out + resumed.err));
    QVERIFY(resumed.out.contains(QLatin1String("Verified on the table")));
}

// The server refuses the change (the role may read the table but not alter it): the run stops at
// the first step, nothing applied, the server's words in the report; the table is untouched.
void TestFaults::permissionDenied()
{
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("postgresql"), profile);
    QString why;
    QVERIFY2(EurosTable::make(profile, "guarded", 2000, &why), qPrintable(why));
    // The journal exists (a run by its owner) and the role may write it: only the table is refused.
    QVERIFY2(EurosTable::make(profile, "guarded_other", 100, &why), qPrintable(why));
    QCOMPARE(runCli({"run", "--through-gates", "-c", profile.toUrl(true), "--spec", EurosTable::writeSpec(m_dir.path(), "public", "guarded_other"), "--yes"}).code, 0);
    QVERIFY2(TestServers::execute(profile, {"CREATE ROLE intern LOGIN PASSWORD 'intern'", "GRANT USAGE, CREATE ON SCHEMA public TO intern",
                                            "GRANT SELECT ON guarded TO intern", "GRANT USAGE ON SCHEMA stagecraft TO intern",
                                            "GRANT ALL ON ALL TABLES IN SCHEMA stagecraft TO intern"},
                                  &why),
             qPrintable(why));
    const QString before = EurosTable::signature(profile, "guarded");
    ConnectionProfile intern = profile;
    intern.user = "intern";
    intern.password = "intern";
    const CliResult r = runCli({"run", "--through-gates", "-c", intern.toUrl(true), "--spec", EurosTable::writeSpec(m_dir.path(), "public", "guarded"), "--yes"});
    QVERIFY2(r.code == 4 || r.code == 2, qPrintable(r.out + r.err));
    QVERIFY2((r.out + r.err).contains(QLatin1String("must be owner of table guarded")), qPrintable(r.out + r.err));
    if (r.code == 4)
        QVERIFY2(r.out.contains(QLatin1String("Applied steps: none.")), qPrintable(r.out));
    QCOMPARE(EurosTable::signature(profile, "guarded"), before);
}

// The server runs out of room for a sort (temp_file_limit stands in for a full disk) while the
// index is built: the run stops there, names the steps applied, leaves the column filled and no
// half-built index in use; with room again, a resume rebuilds the index and finishes.
void TestFaults::serverOutOfTemporarySpace()
{
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("postgresql"), profile);
    QString why;
    QVERIFY2(TestServers::execute(profile, {"CREATE ROLE cramped LOGIN SUPERUSER PASSWORD 'cramped'",
                                            "ALTER ROLE cramped SET temp_file_limit = '64kB'",
                                            "ALTER ROLE cramped SET maintenance_work_mem = '1MB'"},
                                  &why),
             qPrintable(why));
    QVERIFY2(EurosTable::make(profile, "cramped_orders", 200000, &why), qPrintable(why));
    ConnectionProfile cramped = profile;
    cramped.user = "cramped";
    cramped.password = "cramped";
    const CliResult r = runCli({"run", "--through-gates", "-c", cramped.toUrl(true), "--spec", EurosTable::writeSpec(m_dir.path(), "public", "cramped_orders"), "--yes"});
    QCOMPARE(r.code, 4);
    QVERIFY2(r.out.contains(QLatin1String("temporary file size exceeds temp_file_limit")), qPrintable(r.out));
    QVERIFY2(r.out.contains(QLatin1String("Applied steps: 1 (")), qPrintable(r.out));
    // NOT NULL holds, and the sync still fills the column for a writer that leaves it out (or
    // writes NULL, which it cannot tell apart): the application's INSERTs keep working.
    QVERIFY2(TestServers::execute(profile, {"INSERT INTO cramped_orders (id, cents) VALUES (-1, 1)",
                                            "INSERT INTO cramped_orders (id, cents, euros) VALUES (-2, 3, NULL)",
                                            "DO $$ BEGIN IF (SELECT sum(euros) FROM cramped_orders WHERE id < 0) <> 8 OR NOT (SELECT attnotnull "
                                            "FROM pg_attribute WHERE attrelid = 'cramped_orders'::regclass AND attname = 'euros') "
                                            "THEN RAISE 'not filled, or nullable'; END IF; END $$"},
                                  &why),
             qPrintable(why));
    QVERIFY2(TestServers::execute(profile, {"ALTER ROLE cramped RESET temp_file_limit"}, &why), qPrintable(why));
    const CliResult resumed = runCli({"resume", "--through-gates", "-c", cramped.toUrl(true), "--yes"});
    QVERIFY2(resumed.code == 0, qPrintable(resumed.out + resumed.err));
    QVERIFY2(resumed.out.contains(QStringLiteral("✓ index on euros valid")), qPrintable(resumed.out));
}

// The sessions of the database other than this test's own: the CLI's (PostgreSQL's background
// workers have no database).
static QString othersSql(Engine e)
{
    return e == Engine::PostgreSQL
        ? QStringLiteral("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        : QStringLiteral("SELECT ID FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID()");
}

void TestFaults::serverRestartedMidRun_data()
{
    QTest::addColumn<QString>("engine");
    QTest::newRow("postgresql") << "postgresql"; // the server restarted
    QTest::newRow("mariadb") << "mariadb"; // the server ends the runner's session (KILL CONNECTION)
    QTest::newRow("mysql") << "mysql"; // the same
}

// The connection is lost while the backfill runs (issue 12, item 8: the run said "Step 2 … failed: "
// with no reason, exit 4, and left the journal "running"): the run stops with the table consistent,
// the batches done kept, says the connection was lost, exits as a connection problem, and the
// journal records the step as interrupted; a resume continues from the last committed batch.
void TestFaults::serverRestartedMidRun()
{
    QFETCH(QString, engine);
    QString why;
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    PostgresTestServer *server = profile.engine == Engine::PostgreSQL ? TestServers::postgres(&why) : nullptr;
    const QString url = profile.toUrl(true);
    const QString schema = EurosTable::schemaOf(profile);
    QVERIFY2(EurosTable::make(profile, "restarted", Rows, &why), qPrintable(why));
    QVERIFY2(EurosTable::make(profile, "restarted_reference", Rows, &why), qPrintable(why));
    QCOMPARE(runCli({"run", "--through-gates", "-c", url, "--spec", EurosTable::writeSpec(m_dir.path(), schema, "restarted_reference"), "--yes"}).code, 0);
    QProcess run;
    run.start(cliProgram(), {"run", "--through-gates", "-c", url, "--spec", EurosTable::writeSpec(m_dir.path(), schema, "restarted"), "--yes",
                                                "--progress", "json", "--throttle", "30ms", "--max-batch", "300"});
    QVERIFY(run.waitForStarted());
    QByteArray out;
    QElapsedTimer timer;
    timer.start();
    while (out.count("\"event\":\"progress\"") < 3 && run.state() == QProcess::Running && timer.elapsed() < 60000) {
        run.waitForReadyRead(50);
        out += run.readAllStandardOutput();
    }
    QVERIFY(out.count("\"event\":\"progress\"") >= 3);
    if (server) {
        QVERIFY2(server->restart(&why), qPrintable(why));
    } else {
        DatabaseConnection killer(profile);
        ConnectionError error;
        QVERIFY(killer.open(&error));
        QSqlQuery q(killer.database());
        QVERIFY(q.exec(othersSql(profile.engine)));
        QStringList ids;
        while (q.next())
            ids << q.value(0).toString();
        QVERIFY(!ids.isEmpty());
        for (const QString &id : std::as_const(ids))
            QSqlQuery(killer.database()).exec(QStringLiteral("KILL CONNECTION %1").arg(id));
    }
    QVERIFY(run.waitForFinished(120000));
    out += run.readAllStandardOutput();
    QVERIFY2(out.contains("Applied steps: 1 ("), out.constData());
    QVERIFY2(out.contains("the connection to the server was lost: "), out.constData());
    QVERIFY2(!out.contains("failed: \""), out.constData()); // a reason, not an empty one
    QCOMPARE(run.exitCode(), 3);
    const QStringList journal = EurosTable::journalOf(profile, "restarted");
    QCOMPARE(journal.size(), 2);
    QCOMPARE(journal.at(0), QStringLiteral("run interrupted"));
    QVERIFY2(journal.at(1).startsWith(QLatin1String("step 3 interrupted: the connection to the server was lost")), qPrintable(journal.at(1)));
    const CliResult resumed = runCli({"resume", "--through-gates", "-c", url, "--yes"});
    QVERIFY2(resumed.code == 0, qPrintable(resumed.out + resumed.err));
    QCOMPARE(EurosTable::signature(profile, "restarted"), EurosTable::signature(profile, "restarted_reference"));
}

void TestFaults::serverLostDuringPlan_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<bool>("desktop"); // the desktop app's plan worker instead of the CLI
    QTest::newRow("postgresql") << "postgresql" << false; // the server restarted
    QTest::newRow("mariadb") << "mariadb" << false; // the server ends the session (KILL CONNECTION)
    QTest::newRow("postgresql desktop") << "postgresql" << true;
    QTest::newRow("mariadb desktop") << "mariadb" << true;
    QTest::newRow("mysql") << "mysql" << false;
    QTest::newRow("mysql desktop") << "mysql" << true;
}

// Issue 12, item 8: the server went away while `plan` checked the spec, and the CLI blamed the spec
// (a problem of `default`, exit 2). The check is held up on a lock the test holds, the connection
// is lost there, and the CLI says so with the exit code of a connection problem.
void TestFaults::serverLostDuringPlan()
{
    QFETCH(QString, engine);
    QFETCH(bool, desktop);
    QString why;
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    const bool pg = profile.engine == Engine::PostgreSQL;
    PostgresTestServer *server = pg ? TestServers::postgres(&why) : nullptr;
    const QString table = desktop ? QStringLiteral("plan_lost_desktop") : QStringLiteral("plan_lost");
    QVERIFY2(EurosTable::make(profile, table, 100, &why), qPrintable(why));
    ColumnSpec spec;
    QList<SpecProblem> specProblems;
    QFile specFile(EurosTable::writeSpec(m_dir.path(), EurosTable::schemaOf(profile), table));
    QVERIFY(specFile.open(QIODevice::ReadOnly) && ColumnSpec::fromJson(specFile.readAll(), &spec, &specProblems));
    auto holder = std::make_unique<DatabaseConnection>(profile);
    ConnectionError error;
    QVERIFY(holder->open(&error));
    QSqlQuery hold(holder->database());
    if (pg)
        QVERIFY(hold.exec("BEGIN") && hold.exec(QStringLiteral("LOCK TABLE %1 IN ACCESS EXCLUSIVE MODE").arg(table)));
    else
        QVERIFY(hold.exec(QStringLiteral("LOCK TABLES %1 WRITE").arg(table)));
    QProcess plan;
    // The desktop app plans on a worker thread (PlanWorker), which answers failed() or rejected().
    PlanWorker worker;
    std::optional<ConnectionError> workerFailed;
    std::optional<QList<SpecProblem>> workerRejected;
    connect(&worker, &PlanWorker::failed, &worker, [&](const ConnectionError &e) { workerFailed = e; }, Qt::DirectConnection);
    connect(&worker, &PlanWorker::rejected, &worker, [&](const QList<SpecProblem> &p) { workerRejected = p; }, Qt::DirectConnection);
    std::unique_ptr<QThread> thread;
    if (desktop) {
        thread.reset(QThread::create([&] { worker.plan(profile, spec, 0, RunSettings()); }));
        thread->start();
    } else {
        plan.start(cliProgram(), {"plan", "-c", profile.toUrl(true), "--spec", specFile.fileName()});
        QVERIFY(plan.waitForStarted());
    }
    auto running = [&] { return desktop ? !thread->isFinished() : plan.state() == QProcess::Running; };
    // Until the check waits for the lock.
    const QString waiting = pg ? QStringLiteral("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()")
                               : QStringLiteral("SELECT ID FROM information_schema.PROCESSLIST WHERE STATE LIKE 'Waiting for table%' "
                                                "AND ID <> CONNECTION_ID()");
    // Watched from a connection outside the holder's transaction, in which PostgreSQL would show
    // the same snapshot of pg_stat_activity every time.
    DatabaseConnection watcher(profile);
    QVERIFY(watcher.open(&error));
    QString session;
    QElapsedTimer timer;
    timer.start();
    while (session.isEmpty() && running() && timer.elapsed() < 30000) {
        QSqlQuery q(watcher.database());
        if (q.exec(waiting) && q.next())
            session = q.value(0).toString();
        else
            QThread::msleep(20);
    }
    QVERIFY2(!session.isEmpty(), qPrintable(QString::fromUtf8(plan.readAllStandardError())));
    if (server) {
        QVERIFY2(server->restart(&why), qPrintable(why));
    } else {
        QVERIFY(QSqlQuery(holder->database()).exec(QStringLiteral("KILL CONNECTION %1").arg(session)));
        QVERIFY(hold.exec("UNLOCK TABLES"));
    }
    if (desktop) {
        QVERIFY(thread->wait(60000));
        QVERIFY2(!workerRejected, workerRejected ? qPrintable(workerRejected->constFirst().field + QLatin1String(": ")
                                                              + workerRejected->constFirst().message) : "");
        QVERIFY(workerFailed);
        QVERIFY2(workerFailed->kind == ConnectionError::Kind::Lost, qPrintable(workerFailed->text()));
        return;
    }
    QVERIFY(plan.waitForFinished(60000));
    const QString err = QString::fromUtf8(plan.readAllStandardError());
    QVERIFY2(err.contains(QLatin1String("The connection to the server was lost")), qPrintable(err));
    for (const char *field : {"table: ", "type: ", "default: ", "backfill: ", "check: ", "index: "})
        QVERIFY2(!err.contains(QLatin1String(field)), qPrintable(err)); // not a problem of the spec
    QCOMPARE(plan.exitCode(), 3);
}

void TestFaults::signalCancelsServerStatement_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<int>("signal");
    QTest::newRow("postgresql SIGTERM") << "postgresql" << int(SIGTERM);
    QTest::newRow("postgresql SIGINT") << "postgresql" << int(SIGINT);
    QTest::newRow("mariadb SIGTERM") << "mariadb" << int(SIGTERM);
    QTest::newRow("mariadb SIGINT") << "mariadb" << int(SIGINT);
    QTest::newRow("mysql SIGTERM") << "mysql" << int(SIGTERM);
    QTest::newRow("mysql SIGINT") << "mysql" << int(SIGINT);
}

// A backfill batch waits for a row the test keeps locked (under a lock timeout of a minute): SIGTERM
// or SIGINT cancels that statement on the server, the journal records the step as cancelled, and
// the CLI exits with the code of a cancelled run within a couple of seconds (issue 12, items 7 and
// 8: a run ignored SIGTERM, and the server went on after the client died). A resume finishes.
void TestFaults::signalCancelsServerStatement()
{
    QFETCH(QString, engine);
    QFETCH(int, signal);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    const bool pg = profile.engine == Engine::PostgreSQL;
    const QString table = QStringLiteral("signalled_") + (signal == SIGTERM ? QStringLiteral("term") : QStringLiteral("int"));
    QString why;
    const int rows = 8000; // 80 batches of 100, 50 ms apart: the last row is far off when the test locks it
    QVERIFY2(EurosTable::make(profile, table, rows, &why), qPrintable(why));
    auto holder = std::make_unique<DatabaseConnection>(profile);
    ConnectionError error;
    QVERIFY(holder->open(&error));
    QSqlQuery hold(holder->database());
    QProcess run;
    run.start(cliProgram(), {"run", "--through-gates", "-c", profile.toUrl(true), "--spec", EurosTable::writeSpec(m_dir.path(), EurosTable::schemaOf(profile), table), "--yes",
                                                "--progress", "json", "--lock-timeout", "60s", "--max-batch", "100", "--throttle", "50ms"});
    QVERIFY(run.waitForStarted());
    QByteArray out;
    QElapsedTimer timer;
    timer.start();
    while (!out.contains("\"event\":\"progress\"") && run.state() == QProcess::Running && timer.elapsed() < 60000) {
        run.waitForReadyRead(50);
        out += run.readAllStandardOutput();
    }
    QVERIFY2(out.contains("\"event\":\"progress\""), out.constData());
    // The last row, which a later batch needs.
    QVERIFY(hold.exec(pg ? "BEGIN" : "START TRANSACTION"));
    QVERIFY2(hold.exec(QStringLiteral("SELECT id FROM %1 WHERE id = %2 FOR UPDATE").arg(quoteIdentifier(profile.engine, table)).arg(rows)),
             qPrintable(hold.lastError().text()));
    DatabaseConnection watcher(profile); // outside the holder's transaction, whose pg_stat_activity would not change
    QVERIFY(watcher.open(&error));
    // The table's UPDATEs running on the server for at least `ms` (a batch on its own takes far less).
    const auto runningUpdates = [&](int ms) {
        // PostgreSQL: the batch's statement, prepared once, runs as EXECUTE stagecraft_backfill_… there.
        const QString sql = pg ? QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                                                "AND (query LIKE 'UPDATE%%%1%%' OR query LIKE 'EXECUTE stagecraft\\_backfill\\_%%') "
                                                "AND now() - query_start >= interval '%2 ms' AND pid <> pg_backend_pid()").arg(table).arg(ms)
            : profile.engine == Engine::MariaDB
                               ? QStringLiteral("SELECT count(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'UPDATE%%%1%%' "
                                                "AND TIME_MS >= %2 AND ID <> CONNECTION_ID()").arg(table).arg(ms)
                               // MySQL's PROCESSLIST counts whole seconds only
                               : QStringLiteral("SELECT count(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'UPDATE%%%1%%' "
                                                "AND TIME >= %2 AND ID <> CONNECTION_ID()").arg(table).arg((ms + 999) / 1000);
        QSqlQuery q(watcher.database());
        return q.exec(sql) && q.next() ? q.value(0).toInt() : -1;
    };
    timer.restart();
    while (runningUpdates(1000) < 1 && run.state() == QProcess::Running && timer.elapsed() < 60000)
        QThread::msleep(50);
    QVERIFY2(run.state() == QProcess::Running, qPrintable(QString::fromUtf8(out + run.readAllStandardOutput()).right(2000)));
    QCOMPARE(runningUpdates(1000), 1); // waiting for the row, well inside the minute
    timer.restart();
    ::kill(pid_t(run.processId()), signal);
    QVERIFY(run.waitForFinished(30000));
    const qint64 ms = timer.elapsed();
    out += run.readAllStandardOutput();
    qInfo("stopped %lld ms after the signal", ms);
    QCOMPARE(runningUpdates(0), 0); // the server is not still at it
    QVERIFY2(ms < 3000, qPrintable(QStringLiteral("%1 ms").arg(ms)));
    QCOMPARE(run.exitStatus(), QProcess::NormalExit);
    QCOMPARE(run.exitCode(), 4);
    QVERIFY2(out.contains("\"outcome\":\"cancelled\""), out.constData());
    const QStringList journal = EurosTable::journalOf(profile, table);
    QCOMPARE(journal, (QStringList{QStringLiteral("run cancelled"), QStringLiteral("step 3 pending: cancelled")})); // 2 is the sync
    QVERIFY(hold.exec("ROLLBACK"));
    holder.reset();
    const CliResult resumed = runCli({"resume", "--through-gates", "-c", profile.toUrl(true), "--yes"});
    QVERIFY2(resumed.code == 0, qPrintable(resumed.out + resumed.err));
    QVERIFY2(resumed.out.contains(QLatin1String("Verified on the table")), qPrintable(resumed.out));
}

QTEST_GUILESS_MAIN(TestFaults)
#include "testfaults.moc"
