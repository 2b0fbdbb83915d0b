// The fault suite (ctest -L faults): stagecraft-cli runs as a user runs it, and things go wrong.
// The runner is killed with SIGKILL at random points of every step, then resumed: the table ends
// exactly as after a clean run, every time. A second Stagecraft on the same column is refused. A
// lock holder that never lets go, a permission the server denies, a temporary-file limit (the
// server running out of disk for a sort) and a server restart each end with the table consistent,
// a report naming what was applied, and a resume that finishes the work.

#include "connection/databaseconnection.h"
#include "sql/quoting.h"
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
    void serverRestartedMidRun();

private:
    struct Result
    {
        int code = -1;
        QString out;
        QString err;
    };
    Result cli(const QStringList &arguments, const QStringList &environment = {});
    QString writeSpec(const QString &schema, const QString &table);
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

TestFaults::Result TestFaults::cli(const QStringList &arguments, const QStringList &environment)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &e : environment)
        env.insert(e.section(QLatin1Char('='), 0, 0), e.section(QLatin1Char('='), 1));
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(STAGECRAFT_CLI), arguments);
    if (!process.waitForFinished(180000))
        return {};
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

QString TestFaults::writeSpec(const QString &schema, const QString &table)
{
    const QString path = m_dir.filePath(table + QLatin1String(".json"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(QStringLiteral(R"j({"table": "%1.%2", "column": {"name": "euros", "type": "bigint", "nullable": false, "backfill": "cents * 2", "check": "euros >= 0", "index": true}})j")
                   .arg(schema, table)
                   .toUtf8());
    return path;
}

static QString schemaOf(const ConnectionProfile &profile)
{
    return profile.engine == Engine::PostgreSQL ? QStringLiteral("public") : profile.database;
}

static bool makeTable(const ConnectionProfile &profile, const QString &table, int rows, QString *why)
{
    const QString t = quoteIdentifier(profile.engine, table);
    const QString fill = profile.engine == Engine::PostgreSQL
                             ? QStringLiteral("INSERT INTO %1 SELECT g, g * 7 FROM generate_series(1, %2) g")
                             : QStringLiteral("INSERT INTO %1 SELECT seq, seq * 7 FROM seq_1_to_%2");
    QStringList setup = {QStringLiteral("CREATE TABLE %1 (id bigint PRIMARY KEY, cents int NOT NULL)").arg(t), fill.arg(t).arg(rows)};
    if (profile.engine == Engine::PostgreSQL)
        setup << QStringLiteral("ANALYZE %1").arg(t);
    return TestServers::execute(profile, setup, why);
}

// Everything about the table a run changes, with the table's name taken out: its rows, and its
// definition (columns, NOT NULL, constraints and their validation, indexes and their validity).
static QString signature(const ConnectionProfile &profile, const QString &table)
{
    DatabaseConnection c(profile);
    ConnectionError e;
    if (!c.open(&e))
        return e.text();
    QSqlQuery q(c.database());
    const QString t = quoteIdentifier(profile.engine, table);
    QStringList parts;
    const QString hasEuros = profile.engine == Engine::PostgreSQL
                                 ? QStringLiteral("SELECT count(*) FROM pg_attribute WHERE attrelid = '%1'::regclass AND attname = 'euros' AND NOT attisdropped").arg(t)
                                 : QStringLiteral("SELECT count(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '%1' AND column_name = 'euros'").arg(table);
    if (!q.exec(hasEuros) || !q.next())
        return q.lastError().text();
    const bool euros = q.value(0).toInt() == 1;
    const QString row = euros ? QStringLiteral("id, ':', cents, ':', coalesce(euros, -1)") : QStringLiteral("id, ':', cents");
    if (profile.engine == Engine::PostgreSQL) {
        if (!q.exec(QStringLiteral("SELECT md5(string_agg(concat(%1), ',' ORDER BY id)) FROM %2").arg(row, t)) || !q.next())
            return q.lastError().text();
        parts << q.value(0).toString();
        q.exec(QStringLiteral("SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod) || ' ' || attnotnull, ', ' ORDER BY attnum) "
                              "FROM pg_attribute WHERE attrelid = '%1'::regclass AND attnum > 0 AND NOT attisdropped").arg(t));
        q.next();
        parts << q.value(0).toString();
        q.exec(QStringLiteral("SELECT string_agg(pg_get_constraintdef(oid) || ' valid=' || convalidated, '; ' ORDER BY pg_get_constraintdef(oid)) FROM pg_constraint WHERE conrelid = '%1'::regclass").arg(t));
        q.next();
        parts << q.value(0).toString();
        q.exec(QStringLiteral("SELECT string_agg(replace(pg_get_indexdef(indexrelid), '%2', 'T') || ' valid=' || indisvalid, '; ' ORDER BY pg_get_indexdef(indexrelid)) FROM pg_index WHERE indrelid = '%1'::regclass").arg(t, table));
        q.next();
        parts << q.value(0).toString();
    } else {
        q.exec(QStringLiteral("SET SESSION group_concat_max_len = 10000000"));
        if (!q.exec(QStringLiteral("SELECT md5(group_concat(concat(%1) ORDER BY id SEPARATOR ',')) FROM %2").arg(row, t)) || !q.next())
            return q.lastError().text();
        parts << q.value(0).toString();
        if (!q.exec(QStringLiteral("SHOW CREATE TABLE %1").arg(t)) || !q.next())
            return q.lastError().text();
        parts << q.value(1).toString().replace(table, QStringLiteral("T"));
    }
    return parts.join(QLatin1String(" | "));
}

void TestFaults::killedAnywhereThenResumed_data()
{
    QTest::addColumn<QString>("engine");
    QTest::newRow("postgresql") << "postgresql";
    QTest::newRow("mariadb") << "mariadb";
}

// For every step of the plan, a run is killed with SIGKILL at a random moment once that step has
// started (for the backfill, after a random number of batches), then resumed. Every resumed table
// has the signature of a table the same plan ran on without interruption.
void TestFaults::killedAnywhereThenResumed()
{
    QFETCH(QString, engine);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    const QString url = profile.toUrl(true);
    QString why;
    QVERIFY2(makeTable(profile, QStringLiteral("kill_reference"), Rows, &why), qPrintable(why));
    const Result clean = cli({"run", "-c", url, "--spec", writeSpec(schemaOf(profile), "kill_reference"), "--yes", "--progress", "json"});
    QVERIFY2(clean.code == 0, qPrintable(clean.err + clean.out));
    const QString reference = signature(profile, QStringLiteral("kill_reference"));
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
        QVERIFY2(makeTable(profile, table, Rows, &why), qPrintable(why));
        const QString spec = writeSpec(schemaOf(profile), table);
        QProcess run;
        run.start(QStringLiteral(STAGECRAFT_CLI), {"run", "-c", url, "--spec", spec, "--yes", "--progress", "json",
                                                    "--throttle", "20ms", "--max-batch", "500"});
        QVERIFY(run.waitForStarted());
        const int batchesBeforeKill = 1 + int(random.bounded(8));
        const int delayMs = int(random.bounded(6)); // a step of a few milliseconds is still caught inside
        int progress = 0;
        bool inTarget = false, killed = false;
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
        const bool wasKilled = run.exitStatus() == QProcess::CrashExit;
        // The run may have finished before the kill landed (a step of a few milliseconds, last).
        Result resumed = cli({"resume", "-c", url, "--yes"});
        QVERIFY2(resumed.code == 0, qPrintable(QStringLiteral("step %1: %2 %3").arg(target).arg(resumed.err, resumed.out)));
        // Killed after the run had recorded its end, there is nothing to resume: fine too.
        const bool ended = resumed.out.contains(QLatin1String("No unfinished run"));
        QVERIFY2(ended || resumed.out.contains(QLatin1String("Verified on the table")), qPrintable(resumed.out));
        QCOMPARE(signature(profile, table), reference);
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
    QVERIFY2(makeTable(profile, "twice", Rows, &why), qPrintable(why));
    QVERIFY2(makeTable(profile, "twice_reference", Rows, &why), qPrintable(why));
    QCOMPARE(cli({"run", "-c", url, "--spec", writeSpec(schemaOf(profile), "twice_reference"), "--yes"}).code, 0);
    const QString spec = writeSpec(schemaOf(profile), "twice");
    QProcess first;
    first.start(QStringLiteral(STAGECRAFT_CLI), {"run", "-c", url, "--spec", spec, "--yes", "--progress", "json",
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
    const Result second = cli({"run", "-c", url, "--spec", spec, "--yes"});
    QVERIFY2((second.code == 4 && second.out.contains(QLatin1String("Another Stagecraft is adding euros to")))
                 || (second.code == 2 && second.err.contains(QLatin1String("already has a column euros"))),
             qPrintable(second.out + second.err));
    // A resume of the running run is refused by the lock.
    const Result resume = cli({"resume", "-c", url, "--yes"});
    QVERIFY2(resume.code == 4 && resume.out.contains(QLatin1String("Another Stagecraft is adding euros to")),
             qPrintable(resume.out + resume.err));
    QVERIFY(first.waitForFinished(120000));
    QCOMPARE(first.exitCode(), 0);
    QCOMPARE(signature(profile, "twice"), signature(profile, "twice_reference"));

    // A run killed mid-backfill, then two resumes at once: one finishes it, the other is refused.
    QVERIFY2(makeTable(profile, "twice_resumed", Rows, &why), qPrintable(why));
    QProcess killed;
    killed.start(QStringLiteral(STAGECRAFT_CLI), {"run", "-c", url, "--spec", writeSpec(schemaOf(profile), "twice_resumed"), "--yes",
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
        p->start(QStringLiteral(STAGECRAFT_CLI), {"resume", "-c", url, "--yes", "--throttle", "20ms", "--max-batch", "500"});
    QVERIFY(a.waitForFinished(120000) && b.waitForFinished(120000));
    const QList<int> codes = {a.exitCode(), b.exitCode()};
    const QString outputs = QString::fromUtf8(a.readAllStandardOutput() + b.readAllStandardOutput());
    QVERIFY2(codes.contains(0) && codes.contains(4) && outputs.contains(QLatin1String("Another Stagecraft is adding euros to")),
             qPrintable(outputs));
    QCOMPARE(signature(profile, "twice_resumed"), signature(profile, "twice_reference"));
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
    QVERIFY2(makeTable(profile, "held", 2000, &why), qPrintable(why));
    const QString before = signature(profile, "held");
    auto holder = std::make_unique<DatabaseConnection>(profile);
    ConnectionError error;
    QVERIFY(holder->open(&error));
    QSqlQuery q(holder->database());
    QVERIFY(q.exec("BEGIN") && q.exec("SELECT count(*) FROM held"));
    QElapsedTimer timer;
    timer.start();
    const Result r = cli({"run", "-c", url, "--spec", writeSpec("public", "held"), "--yes", "--lock-timeout", "200ms",
                          "--retries", "2"});
    QCOMPARE(r.code, 4);
    QVERIFY2(r.out.contains(QLatin1String("Applied steps: none.")), qPrintable(r.out));
    QVERIFY2(r.out.contains(QLatin1String("lock")), qPrintable(r.out));
    QVERIFY2(timer.elapsed() < 30000, "the run waited far longer than its lock timeouts and retries");
    QCOMPARE(signature(profile, "held"), before);
    QVERIFY(q.exec("ROLLBACK"));
    holder.reset();
    const Result resumed = cli({"resume", "-c", url, "--yes"});
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
    QVERIFY2(makeTable(profile, "guarded", 2000, &why), qPrintable(why));
    // The journal exists (a run by its owner) and the role may write it: only the table is refused.
    QVERIFY2(makeTable(profile, "guarded_other", 100, &why), qPrintable(why));
    QCOMPARE(cli({"run", "-c", profile.toUrl(true), "--spec", writeSpec("public", "guarded_other"), "--yes"}).code, 0);
    QVERIFY2(TestServers::execute(profile, {"CREATE ROLE intern LOGIN PASSWORD 'intern'", "GRANT USAGE, CREATE ON SCHEMA public TO intern",
                                            "GRANT SELECT ON guarded TO intern", "GRANT USAGE ON SCHEMA stagecraft TO intern",
                                            "GRANT ALL ON ALL TABLES IN SCHEMA stagecraft TO intern"},
                                  &why),
             qPrintable(why));
    const QString before = signature(profile, "guarded");
    ConnectionProfile intern = profile;
    intern.user = "intern";
    intern.password = "intern";
    const Result r = cli({"run", "-c", intern.toUrl(true), "--spec", writeSpec("public", "guarded"), "--yes"});
    QVERIFY2(r.code == 4 || r.code == 2, qPrintable(r.out + r.err));
    QVERIFY2((r.out + r.err).contains(QLatin1String("must be owner of table guarded")), qPrintable(r.out + r.err));
    if (r.code == 4)
        QVERIFY2(r.out.contains(QLatin1String("Applied steps: none.")), qPrintable(r.out));
    QCOMPARE(signature(profile, "guarded"), before);
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
    QVERIFY2(makeTable(profile, "cramped_orders", 200000, &why), qPrintable(why));
    ConnectionProfile cramped = profile;
    cramped.user = "cramped";
    cramped.password = "cramped";
    const Result r = cli({"run", "-c", cramped.toUrl(true), "--spec", writeSpec("public", "cramped_orders"), "--yes"});
    QCOMPARE(r.code, 4);
    QVERIFY2(r.out.contains(QLatin1String("temporary file size exceeds temp_file_limit")), qPrintable(r.out));
    QVERIFY2(r.out.contains(QLatin1String("Applied steps: 1 (")), qPrintable(r.out));
    QCOMPARE(TestServers::execute(profile, {"INSERT INTO cramped_orders (id, cents) VALUES (-1, 1)"}, &why), false); // NOT NULL holds
    QVERIFY2(TestServers::execute(profile, {"ALTER ROLE cramped RESET temp_file_limit"}, &why), qPrintable(why));
    const Result resumed = cli({"resume", "-c", cramped.toUrl(true), "--yes"});
    QVERIFY2(resumed.code == 0, qPrintable(resumed.out + resumed.err));
    QVERIFY2(resumed.out.contains(QStringLiteral("✓ index on euros valid")), qPrintable(resumed.out));
}

// The server restarts while the backfill runs: the run stops with the table consistent and the
// batches done kept; once the server is back, a resume continues from the last committed batch.
void TestFaults::serverRestartedMidRun()
{
    QString why;
    PostgresTestServer *server = TestServers::postgres(&why);
    STAGECRAFT_REQUIRE(server, QStringLiteral("postgresql"), why);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("postgresql"), profile);
    const QString url = profile.toUrl(true);
    QVERIFY2(makeTable(profile, "restarted", Rows, &why), qPrintable(why));
    QVERIFY2(makeTable(profile, "restarted_reference", Rows, &why), qPrintable(why));
    QCOMPARE(cli({"run", "-c", url, "--spec", writeSpec("public", "restarted_reference"), "--yes"}).code, 0);
    QProcess run;
    run.start(QStringLiteral(STAGECRAFT_CLI), {"run", "-c", url, "--spec", writeSpec("public", "restarted"), "--yes",
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
    QVERIFY2(server->restart(&why), qPrintable(why));
    QVERIFY(run.waitForFinished(120000));
    out += run.readAllStandardOutput();
    QCOMPARE(run.exitCode(), 4);
    QVERIFY2(out.contains("Applied steps: 1 ("), out.constData());
    const Result resumed = cli({"resume", "-c", url, "--yes"});
    QVERIFY2(resumed.code == 0, qPrintable(resumed.out + resumed.err));
    QCOMPARE(signature(profile, "restarted"), signature(profile, "restarted_reference"));
}

QTEST_GUILESS_MAIN(TestFaults)
#include "testfaults.moc"
