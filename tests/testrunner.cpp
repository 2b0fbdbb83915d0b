// The runner on real servers: whole runs, a session holding a conflicting lock, cancel and resume.

#include "catalog/catalogreader.h"
#include "connection/databaseconnection.h"
#include "plan/planner.h"
#include "plan/specvalidator.h"
#include "run/journal.h"
#include "run/runlock.h"
#include "run/planorigin.h"
#include "run/rollbackplan.h"
#include "run/runner.h"
#include "run/verification.h"
#include "journalfixture.h"
#include "livewriter.h"
#include "runnertesthook.h"
#include "sql/quoting.h"
#include "testservers.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QScopeGuard>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QRegularExpression>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <optional>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

class TestRunner : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<Plan>();
        qRegisterMetaType<BackfillProgress>();
        qRegisterMetaType<RunOutcome>();
    }
    void cleanupTestCase() { TestServers::stopAll(); }
    void fullRun_data();
    void fullRun();
    void lockHolder_data();
    void lockHolder();
    void cancelAndResume();
    void concurrentWriter_data();
    void concurrentWriter();
    void serverRestartedMidRun();
    void liveApplicationKeepsWorking_data();
    void liveApplicationKeepsWorking();
    void syncNeverFailsAWrite();
    void blockerPolicy_data();
    void blockerPolicy();
    void cancelLongStatement_data();
    void cancelLongStatement();
    void invalidIndexIsRebuilt();
    void verificationFindsProblems();
    void verificationChecksTheDefault_data();
    void verificationChecksTheDefault();
    void pauseAndResume();
    void rowLockedForever();
    void rollbackOfFailedRun_data();
    void rollbackOfFailedRun();
    void rollbackRefusedPastPointOfNoReturn();
    void rollbackRefusedAfterSqliteRebuild();
    void sqliteRebuildChecksForeignKeys();
    void sqliteRebuildKeepsAutoincrement_data();
    void sqliteRebuildKeepsAutoincrement();
    void longNamesRunClean_data();
    void longNamesRunClean();
    void runLockHolder_data();
    void runLockHolder();
    void planMadeElsewhereRefused_data();
    void planMadeElsewhereRefused();
    void journaledRunElsewhereRefused_data();
    void journaledRunElsewhereRefused();
};

namespace {

const int Rows = 3000;

// A table of Rows rows with an id and total_cents. The SQLite variants: "order-lines" (a composite
// key and a CHECK as table constraints, a view and a trigger on it), "without-rowid" (keyed by a
// zero-padded text code such as '01000', which must be bound as text, and the id) and "rowid-column"
// (a column of its own called rowid).
bool makeTable(const ConnectionProfile &profile, const QString &name, QString *why, const QString &variant = QString())
{
    const Engine e = profile.engine;
    const QString t = quoteIdentifier(e, name);
    if (e == Engine::SQLite && !variant.isEmpty()) {
        const QString rows = QStringLiteral("WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < %1) ").arg(Rows);
        QStringList sql{QStringLiteral("CREATE TABLE IF NOT EXISTS coupons (id INTEGER PRIMARY KEY)")};
        if (variant == QLatin1String("order-lines"))
            sql << QStringLiteral("CREATE TABLE %1 (id bigint NOT NULL, line_no INTEGER NOT NULL DEFAULT 1, total_cents int NOT NULL, "
                                  "PRIMARY KEY (id, line_no), CHECK (total_cents >= 0))").arg(t)
                << rows + QStringLiteral("INSERT INTO %1 (id, total_cents) SELECT i, i * 7 FROM g").arg(t)
                << QStringLiteral("CREATE VIEW %1 AS SELECT id, sum(total_cents) AS cents FROM %2 GROUP BY id")
                       .arg(quoteIdentifier(e, name + QLatin1String("_totals")), t)
                << QStringLiteral("CREATE TRIGGER %1 AFTER UPDATE ON %2 BEGIN SELECT 1; END").arg(quoteIdentifier(e, name + QLatin1String("_audit")), t);
        else if (variant == QLatin1String("rowid-column")) // the table's own column hides the rowid's first name
            sql << QStringLiteral("CREATE TABLE %1 (id bigint PRIMARY KEY, total_cents int NOT NULL, \"rowid\" TEXT)").arg(t)
                << rows + QStringLiteral("INSERT INTO %1 (id, total_cents, \"rowid\") SELECT i, i * 7, 'r' || i FROM g").arg(t);
        else
            sql << QStringLiteral("CREATE TABLE %1 (code TEXT NOT NULL, id bigint NOT NULL, total_cents int NOT NULL, "
                                  "PRIMARY KEY (code, id)) WITHOUT ROWID").arg(t)
                << rows + QStringLiteral("INSERT INTO %1 (code, id, total_cents) SELECT substr('0000' || i, -5), i, i * 7 FROM g").arg(t);
        return TestServers::execute(profile, sql, why);
    }
    QString fill;
    if (e == Engine::PostgreSQL)
        fill = QStringLiteral("INSERT INTO %1 SELECT g, g * 7 FROM generate_series(1, %2) g");
    else if (e == Engine::MariaDB)
        fill = QStringLiteral("INSERT INTO %1 SELECT seq, seq * 7 FROM seq_1_to_%2");
    else if (e == Engine::MySQL) // no sequence tables: a recursive CTE (deep enough, below)
        fill = QStringLiteral("INSERT INTO %1 WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < %2) SELECT i, i * 7 FROM g");
    else
        fill = QStringLiteral("WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < %2) INSERT INTO %1 SELECT i, i * 7 FROM g");
    const QString coupons = e == Engine::SQLite ? QStringLiteral("CREATE TABLE IF NOT EXISTS coupons (id INTEGER PRIMARY KEY)")
                                                : QStringLiteral("CREATE TABLE IF NOT EXISTS coupons (id bigint PRIMARY KEY)");
    QStringList sql{coupons, QStringLiteral("CREATE TABLE %1 (id bigint PRIMARY KEY, total_cents int NOT NULL)").arg(t)};
    if (e == Engine::MySQL)
        sql << QStringLiteral("SET SESSION cte_max_recursion_depth = %1").arg(Rows);
    sql << fill.arg(t).arg(Rows);
    return TestServers::execute(profile, sql, why);
}

// The schema a table of the connection's database is named in.
QString schemaOf(const ConnectionProfile &profile)
{
    return profile.engine == Engine::PostgreSQL ? QStringLiteral("public") : profile.engine == Engine::SQLite ? QStringLiteral("main") : profile.database;
}

bool planFor(DatabaseConnection &connection, const QString &table, const QString &column, Plan *plan, QString *why)
{
    const QString schema = schemaOf(connection.profile());
    ColumnSpec spec;
    QList<SpecProblem> problems;
    PlannerInput input;
    if (!ColumnSpec::fromJson(QStringLiteral(R"j({"table": "%1.%2", "column": %3})j").arg(schema, table, column).toUtf8(), &spec, &problems)
        || !SpecValidator(connection).validate(spec, &input, &problems)) {
        *why = problems.isEmpty() ? QStringLiteral("?") : problems.first().field + QLatin1String(": ") + problems.first().message;
        return false;
    }
    *plan = Planner::plan(input);
    return true;
}

// A populated table, a connection to its database and the validated plan for the column.
bool prepareRun(const ConnectionProfile &profile, const QString &table, const QString &column, DatabaseConnection &connection, Plan *plan,
                QString *why, const QString &variant = QString())
{
    ConnectionError error;
    if (!makeTable(profile, table, why, variant))
        return false;
    if (!connection.open(&error)) {
        *why = error.text();
        return false;
    }
    return planFor(connection, table, column, plan, why);
}

// Another session holding a transaction open on a table (its AccessShareLock), from a thread of its
// own, until release(): an application that forgot to commit.
class HeldTransaction
{
public:
    HeldTransaction(const ConnectionProfile &profile, const QString &table)
    {
        m_done = QtConcurrent::run([this, profile, table] {
            DatabaseConnection c(profile);
            ConnectionError e;
            if (!c.open(&e))
                return;
            QSqlQuery q(c.database());
            q.exec(QStringLiteral("BEGIN"));
            q.exec(QStringLiteral("SELECT count(*) FROM %1").arg(table));
            m_holding = true;
            while (!m_release)
                QThread::msleep(20);
            q.exec(QStringLiteral("COMMIT"));
        });
    }
    ~HeldTransaction()
    {
        release();
        m_done.waitForFinished();
    }
    [[nodiscard]] bool holding() const { return m_holding; }
    void release() { m_release = true; }

private:
    std::atomic<bool> m_holding{false}, m_release{false};
    QFuture<void> m_done;
};

qlonglong scalar(QSqlDatabase db, const QString &sql)
{
    QSqlQuery q(db);
    return q.exec(sql) && q.next() ? q.value(0).toLongLong() : -1;
}

} // namespace

void TestRunner::fullRun_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<QString>("column");
    QTest::addColumn<QString>("check"); // statements separated by "; ", the last answering 0
    QTest::addColumn<QString>("variant"); // the table, as makeTable makes it
    QTest::newRow("postgresql/not-null-backfill")
        << "postgresql" << R"j({"name": "total_eur", "type": "numeric(12,2)", "nullable": false, "backfill": "total_cents / 100.0", "index": true})j"
        << "SELECT count(*) FROM %1 WHERE total_eur IS NULL OR total_eur <> round(total_cents / 100.0, 2)" << "";
    QTest::newRow("postgresql/volatile-unique")
        << "postgresql" << R"j({"name": "public_id", "type": "uuid", "nullable": false, "default": {"expression": "gen_random_uuid()"}, "unique": true})j"
        << "SELECT count(*) - count(DISTINCT public_id) FROM %1" << "";
    QTest::newRow("postgresql/nullable") << "postgresql" << R"j({"name": "note", "type": "text"})j"
                                         << "SELECT count(*) FROM %1 WHERE note IS NOT NULL" << "";
    QTest::newRow("postgresql/literal-not-null")
        << "postgresql" << R"j({"name": "status", "type": "varchar(20)", "nullable": false, "default": {"literal": "new"}})j"
        << "SELECT count(*) FROM %1 WHERE status <> 'new'" << "";
    QTest::newRow("postgresql/stable-default") << "postgresql" << R"j({"name": "seen", "type": "timestamptz", "default": {"expression": "now()"}})j"
                                               << "SELECT count(*) FROM %1 WHERE seen IS NULL" << "";
    QTest::newRow("postgresql/check-index-comment")
        << "postgresql" << R"j({"name": "priority", "type": "smallint", "default": {"literal": "0"}, "check": "priority BETWEEN 0 AND 9", "index": true, "comment": "0 = normal"})j"
        << "SELECT count(*) FROM %1 WHERE priority <> 0" << "";
    QTest::newRow("postgresql/foreign-key")
        << "postgresql" << R"j({"name": "coupon_id", "type": "bigint", "references": {"table": "coupons", "column": "id", "on_delete": "set null"}})j"
        << "SELECT count(*) FROM %1 WHERE coupon_id IS NOT NULL" << "";
    // The same columns on MariaDB and on Oracle MySQL.
    for (const char *engine : {"mariadb", "mysql"}) {
        QTest::addRow("%s/expression-not-null", engine)
            << engine << R"j({"name": "public_id", "type": "char(36)", "nullable": false, "default": {"expression": "uuid()"}, "unique": true})j"
            << "SELECT count(*) - count(DISTINCT public_id) FROM %1" << "";
        QTest::addRow("%s/backfill", engine)
            << engine << R"j({"name": "total_eur", "type": "decimal(12,2)", "backfill": "total_cents / 100"})j"
            << "SELECT count(*) FROM %1 WHERE total_eur IS NULL OR total_eur <> round(total_cents / 100, 2)" << "";
        QTest::addRow("%s/literal-after", engine)
            << engine << R"j({"name": "status", "type": "varchar(20)", "nullable": false, "default": {"literal": "new"}, "after": "id"})j"
            << "SELECT count(*) FROM %1 WHERE status <> 'new'" << "";
        QTest::addRow("%s/check-index-comment", engine)
            << engine << R"j({"name": "priority", "type": "smallint", "default": {"literal": "0"}, "check": "priority BETWEEN 0 AND 9", "index": true, "comment": "0 = normal"})j"
            << "SELECT count(*) FROM %1 WHERE priority <> 0" << "";
        QTest::addRow("%s/foreign-key", engine)
            << engine << R"j({"name": "coupon_id", "type": "bigint", "references": {"table": "coupons", "column": "id", "on_delete": "set null"}})j"
            << "SELECT count(*) FROM %1 WHERE coupon_id IS NOT NULL" << "";
    }
    QTest::newRow("sqlite/unique") << "sqlite" << R"j({"name": "code", "type": "TEXT", "unique": true})j"
                                   << "SELECT count(*) FROM %1 WHERE code IS NOT NULL" << "";
    QTest::newRow("sqlite/rebuild")
        << "sqlite" << R"j({"name": "total_eur", "type": "REAL", "nullable": false, "backfill": "total_cents / 100.0"})j"
        << "SELECT count(*) FROM %1 WHERE total_eur <> total_cents / 100.0" << "";
    QTest::newRow("sqlite/expression-default")
        << "sqlite" << R"j({"name": "seen", "type": "TEXT", "default": {"expression": "CURRENT_TIMESTAMP"}, "index": true})j"
        << "SELECT count(*) FROM %1 WHERE seen IS NULL" << "";
    // Issue 11: the rebuilt table had lost the DEFAULT, so an INSERT without the column failed.
    QTest::newRow("sqlite/expression-default-not-null-rebuild")
        << "sqlite" << R"j({"name": "seen", "type": "TEXT", "nullable": false, "default": {"expression": "datetime('now')"}})j"
        << "INSERT INTO %1 (id, total_cents) VALUES (1000000, 1); SELECT count(*) FROM %1 WHERE seen IS NULL" << "";
    QTest::newRow("sqlite/rebuild-order-lines")
        << "sqlite" << R"j({"name": "total_eur", "type": "REAL", "nullable": false, "backfill": "total_cents / 100.0"})j"
        << "SELECT count(*) FROM %1 WHERE total_eur <> total_cents / 100.0" << "order-lines";
    // A new column may no longer be called rowid (issue 12: it would hide the rowid, refused by
    // validation); a table may still have such a column of its own, and the backfill then reaches
    // the rowid as _rowid_.
    QTest::newRow("sqlite/backfill-beside-a-column-named-rowid")
        << "sqlite" << R"j({"name": "total_eur", "type": "REAL", "backfill": "total_cents / 100.0"})j"
        << "SELECT count(*) FROM %1 WHERE total_eur IS NULL OR total_eur <> total_cents / 100.0 OR \"rowid\" IS NOT 'r' || id"
        << "rowid-column";
    QTest::newRow("sqlite/backfill-without-rowid")
        << "sqlite" << R"j({"name": "total_eur", "type": "REAL", "backfill": "total_cents / 100.0"})j"
        << "SELECT count(*) FROM %1 WHERE total_eur IS NULL OR total_eur <> total_cents / 100.0" << "without-rowid";
    QTest::newRow("sqlite/rebuild-without-rowid")
        << "sqlite" << R"j({"name": "total_eur", "type": "REAL", "nullable": false, "backfill": "total_cents / 100.0"})j"
        << "SELECT count(*) FROM %1 WHERE total_eur <> total_cents / 100.0" << "without-rowid";
}

void TestRunner::fullRun()
{
    QFETCH(QString, engine);
    QFETCH(QString, column);
    QFETCH(QString, check);
    QFETCH(QString, variant);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    const QString table = QStringLiteral("run_") + QString::fromLatin1(QTest::currentDataTag()).section(QLatin1Char('/'), 1).replace(QLatin1Char('-'), QLatin1Char('_'));
    QString why;
    DatabaseConnection connection(profile);
    ConnectionError error;
    Plan plan;
    QVERIFY2(prepareRun(profile, table, column, connection, &plan, &why, variant), qPrintable(why));

    for (int round = 0; round < 2; ++round) {
        // The second round runs the same plan again: every step is found in place or has nothing to do.
        Runner runner(profile);
        runner.setPassGates(true); // gates have tests of their own
        RunOutcome outcome = RunOutcome::Failed;
        QString summary;
        int done = 0, skipped = 0;
        qint64 backfilled = 0, firstBatch = -1;
        connect(&runner, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
        connect(&runner, &Runner::stepFinished, this, [&] { ++done; });
        connect(&runner, &Runner::stepSkipped, this, [&] { ++skipped; });
        connect(&runner, &Runner::backfillProgressed, this, [&](const BackfillProgress &p) {
            backfilled = p.rowsDone;
            if (firstBatch < 0)
                firstBatch = p.rowsDone;
        });
        if (round == 0) {
            runner.run(plan);
        } else {
            // A new run of it is refused, the column being there now; as given (as a resume
            // would run it), it finds every step in place.
            Runner refused(profile);
            QString refusal;
            connect(&refused, &Runner::runFinished, this, [&](RunOutcome, const QString &s) { refusal = s; });
            refused.run(plan);
            QVERIFY2(refusal.startsWith(QLatin1String("Not run, nothing was changed: the plan was made for")), qPrintable(refusal));
            RunnerTestHook::runAsGiven(runner, plan);
        }
        QVERIFY2(outcome == RunOutcome::Done, qPrintable(summary));
        // Read back, every promise of the plan holds (and on PostgreSQL the column has statistics).
        QVERIFY2(summary.contains(QLatin1String("\nVerified on the table:\n")) && !summary.contains(QStringLiteral("✗")), qPrintable(summary));
        if (connection.engine() == Engine::PostgreSQL)
            QVERIFY2(summary.contains(QStringLiteral("✓ statistics for %1 refreshed").arg(plan.spec.name)), qPrintable(summary));
        QCOMPARE(done + skipped, plan.steps.size());
        const bool hasBackfill = std::any_of(plan.steps.cbegin(), plan.steps.cend(), [](const PlanStep &s) { return !s.backfill.isNull(); });
        if (round == 0 && hasBackfill)
            QCOMPARE(backfilled, Rows);
        // Batches stay batches: a key compared as the wrong type (a text key '01000' bound as the
        // number 1000, which SQLite then compares as '1000') bounds the first one by nothing.
        if (round == 0 && hasBackfill)
            QVERIFY2(firstBatch <= RunSettings().firstBatchRows, qPrintable(QString::number(firstBatch)));
        if (round == 1)
            QCOMPARE(backfilled, 0);
    }
    QStringList statements = check.arg(quoteIdentifier(connection.engine(), table)).split(QLatin1String("; "));
    const QString last = statements.takeLast();
    for (const QString &sql : std::as_const(statements)) {
        QSqlQuery q(connection.database());
        QVERIFY2(q.exec(sql), qPrintable(sql + QLatin1String(": ") + q.lastError().text()));
    }
    QCOMPARE(scalar(connection.database(), last), 0);
    Journal journal(connection);
    QList<Journal::RunRecord> unfinished;
    QVERIFY(journal.unfinished(&unfinished, &error));
    QVERIFY(std::none_of(unfinished.cbegin(), unfinished.cend(), [&](const Journal::RunRecord &r) { return r.column == plan.spec.name && r.table.endsWith(table); }));
}

void TestRunner::lockHolder_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<int>("lockTimeoutMs"); // as the engine honours it: MariaDB's lock_wait_timeout is in whole seconds
    QTest::newRow("postgresql") << "postgresql" << 300;
    QTest::newRow("mariadb") << "mariadb" << 1000;
    QTest::newRow("mysql") << "mysql" << 1000; // lock_wait_timeout in whole seconds too
}

void TestRunner::lockHolder()
{
    // Another session keeps a transaction open on the table. Adding the column needs ACCESS
    // EXCLUSIVE (on MariaDB the exclusive metadata lock): each attempt waits at most the lock
    // timeout, gives up, backs off and retries, so readers arriving meanwhile wait at most that
    // long behind it; once the session commits, the step succeeds.
    QFETCH(QString, engine);
    QFETCH(int, lockTimeoutMs);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    QString why;
    DatabaseConnection connection(profile);
    ConnectionError error;
    Plan plan;
    QVERIFY2(prepareRun(profile, QStringLiteral("held"), R"j({"name": "note", "type": "text"})j", connection, &plan, &why),
             qPrintable(why));

    HeldTransaction holder(profile, QStringLiteral("held"));
    QTRY_VERIFY(holder.holding());
    // A reader keeps querying the table while the runner retries; its worst wait is measured.
    std::atomic<bool> stopReading{false};
    std::atomic<qint64> worstReadMs{0};
    auto reader = QtConcurrent::run([&] {
        DatabaseConnection c(profile);
        ConnectionError e;
        if (!c.open(&e))
            return;
        QSqlQuery q(c.database());
        while (!stopReading) {
            QElapsedTimer t;
            t.start();
            q.exec(QStringLiteral("SELECT count(*) FROM held"));
            worstReadMs = std::max<qint64>(worstReadMs, t.elapsed());
            QThread::msleep(10);
        }
    });

    RunSettings options;
    options.lockTimeoutMs = lockTimeoutMs;
    options.retryBaseMs = 100;
    Runner runner(profile, options);
    runner.setPassGates(true); // gates have tests of their own
    int retries = 0;
    RunOutcome outcome = RunOutcome::Failed;
    QString summary;
    connect(&runner, &Runner::retrying, this, [&](int, int, const QString &reason, double) {
        ++retries;
        QVERIFY2(reason.contains(QLatin1String("timeout"), Qt::CaseInsensitive), qPrintable(reason));
        if (retries == 3)
            holder.release();
    });
    connect(&runner, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    QList<BlockingSession> blockers;
    // The first pre-flight's: a later one (a retry's) may find only the reader, queued behind the
    // ALTER's lock request and so holding no granted lock at that moment.
    connect(&runner, &Runner::blockersFound, this, [&](int, const QList<BlockingSession> &s) {
        if (blockers.isEmpty())
            blockers = s;
    });
    runner.run(plan);
    stopReading = true;
    reader.waitForFinished();
    QVERIFY2(outcome == RunOutcome::Done, qPrintable(summary));
    QVERIFY(retries >= 3);
    QVERIFY(!blockers.isEmpty()); // the pre-flight named the session holding the lock
    if (profile.engine == Engine::PostgreSQL)
        QCOMPARE(blockers.first().locks, QStringList{QStringLiteral("AccessShareLock")});
    qInfo("worst read while the ALTER retried: %lld ms (lock timeout %d ms)", qint64(worstReadMs), lockTimeoutMs);
    QVERIFY2(worstReadMs < lockTimeoutMs + 250, qPrintable(QString::number(worstReadMs)));
}

void TestRunner::cancelAndResume()
{
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("postgresql"), profile);
    QString why;
    QVERIFY2(makeTable(profile, QStringLiteral("cancelled"), &why), qPrintable(why));
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY(connection.open(&error));
    Plan plan;
    QVERIFY2(planFor(connection, QStringLiteral("cancelled"),
                     R"j({"name": "total_eur", "type": "numeric(12,2)", "nullable": false, "backfill": "total_cents / 100.0"})j", &plan, &why),
             qPrintable(why));
    RunSettings slow;
    slow.firstBatchRows = slow.minBatchRows = slow.maxBatchRows = 100;
    slow.pauseBetweenBatchesMs = 30;
    Runner runner(profile, slow);
    runner.setPassGates(true); // gates have tests of their own
    QString runId, summary;
    RunOutcome outcome = RunOutcome::Done;
    qint64 rowsAtCancel = 0;
    connect(&runner, &Runner::runStarted, this, [&](const QString &id) { runId = id; });
    connect(&runner, &Runner::backfillProgressed, this, [&](const BackfillProgress &p) {
        rowsAtCancel = p.rowsDone;
        if (p.rowsDone >= 500)
            runner.cancel(); // takes effect after this batch
    });
    connect(&runner, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    runner.run(plan);
    QCOMPARE(outcome, RunOutcome::Cancelled);
    QVERIFY2(summary.contains(QLatin1String("Applied steps: 1 (Add column total_eur), 2 (Keep total_eur filled for writers that do not know it).")),
             qPrintable(summary));
    QVERIFY2(summary.contains(QLatin1String("To undo them: DROP TRIGGER IF EXISTS \"cancelled_total_eur_sync_insert\" ON \"public\".\"cancelled\"; "
                                            "DROP TRIGGER IF EXISTS \"cancelled_total_eur_sync_update\" ON \"public\".\"cancelled\"; "
                                            "DROP FUNCTION IF EXISTS \"public\".\"cancelled_total_eur_sync\"(); "
                                            "ALTER TABLE \"public\".\"cancelled\" DROP COLUMN IF EXISTS \"total_eur\";")),
             qPrintable(summary));
    QCOMPARE(rowsAtCancel, 500);
    // The table is consistent: exactly the batches done are filled, the rest untouched.
    QCOMPARE(scalar(connection.database(), QStringLiteral("SELECT count(*) FROM cancelled WHERE total_eur IS NOT NULL")), 500);

    Runner again(profile);

    again.setPassGates(true);
    qint64 resumedRows = -1;
    connect(&again, &Runner::backfillProgressed, this, [&](const BackfillProgress &p) { resumedRows = p.rowsDone; });
    connect(&again, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    again.resumeRun(runId);
    QVERIFY2(outcome == RunOutcome::Done, qPrintable(summary));
    QCOMPARE(resumedRows, Rows); // counted on from the journal: 500 before, 2500 now
    QCOMPARE(scalar(connection.database(), QStringLiteral("SELECT count(*) FROM cancelled WHERE total_eur IS NULL "
                                                          "OR total_eur <> round(total_cents / 100.0, 2)")),
             0);
    QCOMPARE(scalar(connection.database(), QStringLiteral("SELECT count(*) FROM pg_attribute WHERE attrelid = 'cancelled'::regclass "
                                                          "AND attname = 'total_eur' AND attnotnull")),
             1);
}

void TestRunner::concurrentWriter_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("uuid");
    QTest::newRow("postgresql") << "postgresql" << "uuid" << "gen_random_uuid()";
    // On MariaDB 11.8 (innodb_snapshot_isolation) a batch under REPEATABLE READ failed with
    // "Record has changed since last read" when the writer touched its rows.
    QTest::newRow("mariadb") << "mariadb" << "uuid" << "uuid()";
    QTest::newRow("mysql") << "mysql" << "char(36)" << "uuid()"; // Oracle MySQL has no uuid type
}

void TestRunner::concurrentWriter()
{
    // An application keeps inserting and updating rows while the column is added with a volatile
    // default, backfilled and made NOT NULL: no write fails, every row ends with a value.
    QFETCH(QString, engine);
    QFETCH(QString, type);
    QFETCH(QString, uuid);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    QString why;
    QVERIFY2(makeTable(profile, QStringLiteral("busy"), &why), qPrintable(why));
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY(connection.open(&error));
    Plan plan;
    QVERIFY2(planFor(connection, QStringLiteral("busy"),
                     QStringLiteral(R"j({"name": "public_id", "type": "%1", "nullable": false, "default": {"expression": "%2"}, "unique": true})j").arg(type, uuid),
                     &plan, &why),
             qPrintable(why));
    std::atomic<bool> stop{false};
    std::atomic<int> inserted{0}, updated{0}, failures{0};
    QString lastFailure;
    auto writer = QtConcurrent::run([&] {
        DatabaseConnection c(profile);
        ConnectionError e;
        if (!c.open(&e)) {
            ++failures;
            return;
        }
        QSqlQuery q(c.database());
        for (int i = 0; !stop; ++i) {
            if (q.exec(QStringLiteral("INSERT INTO busy (id, total_cents) VALUES (%1, 1)").arg(100000 + i)))
                ++inserted;
            else
                ++failures, lastFailure = q.lastError().text();
            if (q.exec(QStringLiteral("UPDATE busy SET total_cents = total_cents + 1 WHERE id = %1").arg(1 + i % Rows)))
                ++updated;
            else
                ++failures, lastFailure = q.lastError().text();
        }
    });
    RunSettings options;
    options.maxBatchRows = 200;
    options.pauseBetweenBatchesMs = 5;
    Runner runner(profile, options);
    runner.setPassGates(true); // gates have tests of their own
    RunOutcome outcome = RunOutcome::Failed;
    QString summary;
    connect(&runner, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    runner.run(plan);
    stop = true;
    writer.waitForFinished();
    QVERIFY2(outcome == RunOutcome::Done, qPrintable(summary));
    qInfo("writer during the run: %d inserts, %d updates, %d failures", int(inserted), int(updated), int(failures));
    QVERIFY2(failures == 0, qPrintable(lastFailure));
    QVERIFY(inserted > 0 && updated > 0);
    QCOMPARE(scalar(connection.database(), QStringLiteral("SELECT count(*) FROM busy")), Rows + qlonglong(inserted));
    QCOMPARE(scalar(connection.database(), QStringLiteral("SELECT count(*) FROM busy WHERE public_id IS NULL")), 0);
    QCOMPARE(scalar(connection.database(), QStringLiteral("SELECT count(*) - count(DISTINCT public_id) FROM busy")), 0);
}

void TestRunner::liveApplicationKeepsWorking_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<QString>("column"); // the spec's column object
    QTest::addColumn<QString>("expression"); // the value every row must hold at the end
    QTest::addColumn<QString>("deployed"); // the deployed application's INSERT and UPDATE, "|"-separated: it writes the column
    struct Row
    {
        const char *engine, *name, *type, *extra, *expression, *deployedInsert, *deployedUpdate;
    };
    // Issue 13's cases: a NOT NULL derived column with a CHECK and an index (every INSERT of the
    // application failed from the NOT VALID CHECK on), a nullable derived text column (rows inserted
    // or updated after their batch ended NULL or stale) and a default with a backfill expression.
    const Row rows[] = {
        {"postgresql", "not-null-check-index", "numeric(12,2)", R"j("nullable": false, "check": "live_value >= 0", "index": true)j",
         "total_cents / 100.0", "(%1, %1 * 7, %1 * 7 / 100.0)", "total_cents = total_cents + 1, live_value = (total_cents + 1) / 100.0"},
        {"postgresql", "nullable-case", "text", R"j("index": true)j", "CASE WHEN total_cents >= 10000 THEN 'high' ELSE 'low' END",
         "(%1, %1 * 7, CASE WHEN %1 * 7 >= 10000 THEN 'high' ELSE 'low' END)",
         "total_cents = total_cents + 1, live_value = CASE WHEN total_cents + 1 >= 10000 THEN 'high' ELSE 'low' END"},
        {"postgresql", "default-and-backfill", "integer", R"j("default": {"literal": "0"})j", "total_cents % 10",
         "(%1, %1 * 7, %1 * 7 % 10)", "total_cents = total_cents + 1, live_value = (total_cents + 1) % 10"},
        {"mariadb", "not-null-check-index", "decimal(12,2)", R"j("nullable": false, "check": "live_value >= 0", "index": true)j",
         "total_cents / 100", "(%1, %1 * 7, %1 * 7 / 100)", "total_cents = total_cents + 1, live_value = total_cents / 100"}, // MariaDB: SET sees the new total_cents
        {"mariadb", "nullable-case", "varchar(8)", R"j("index": true)j", "CASE WHEN total_cents >= 10000 THEN 'high' ELSE 'low' END",
         "(%1, %1 * 7, CASE WHEN %1 * 7 >= 10000 THEN 'high' ELSE 'low' END)",
         "total_cents = total_cents + 1, live_value = CASE WHEN total_cents >= 10000 THEN 'high' ELSE 'low' END"},
        {"mariadb", "default-and-backfill", "int", R"j("default": {"literal": "0"})j", "total_cents % 10",
         "(%1, %1 * 7, %1 * 7 % 10)", "total_cents = total_cents + 1, live_value = total_cents % 10"},
        {"sqlite", "not-null-check-index", "REAL", R"j("nullable": false, "check": "live_value >= 0", "index": true)j",
         "total_cents / 100.0", "(%1, %1 * 7, %1 * 7 / 100.0)", "total_cents = total_cents + 1, live_value = (total_cents + 1) / 100.0"},
        {"sqlite", "nullable-case", "TEXT", R"j("index": true)j", "CASE WHEN total_cents >= 10000 THEN 'high' ELSE 'low' END",
         "(%1, %1 * 7, CASE WHEN %1 * 7 >= 10000 THEN 'high' ELSE 'low' END)",
         "total_cents = total_cents + 1, live_value = CASE WHEN total_cents + 1 >= 10000 THEN 'high' ELSE 'low' END"},
        {"sqlite", "default-and-backfill", "INTEGER", R"j("default": {"literal": "0"})j", "total_cents % 10",
         "(%1, %1 * 7, %1 * 7 % 10)", "total_cents = total_cents + 1, live_value = (total_cents + 1) % 10"},
    };
    for (const Row &r : rows) {
        // Oracle MySQL gets MariaDB's rows: its UPDATE's SET sees the columns set before it too.
        QStringList engines{QString::fromLatin1(r.engine)};
        if (engines.first() == QLatin1String("mariadb"))
            engines << QStringLiteral("mysql");
        for (const QString &engine : std::as_const(engines))
            QTest::newRow(qPrintable(QStringLiteral("%1/%2").arg(engine, QLatin1String(r.name))))
                << engine
                << QStringLiteral(R"j({"name": "live_value", "type": "%1", "backfill": "%2", %3})j")
                       .arg(QLatin1String(r.type), QLatin1String(r.expression), QLatin1String(r.extra))
                << QString::fromLatin1(r.expression)
                << QStringLiteral("%1|%2").arg(QLatin1String(r.deployedInsert), QLatin1String(r.deployedUpdate));
    }
}

// Issue 13: an application that does not know the new column writes all through the run, which
// stops at the deploy gate before the sync ends; the application deployed then writes the column
// itself, and the resumed run ends. No write of either fails, and every row holds the value.
void TestRunner::liveApplicationKeepsWorking()
{
    QFETCH(QString, engine);
    QFETCH(QString, column);
    QFETCH(QString, expression);
    QFETCH(QString, deployed);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    const QString table = QStringLiteral("live_") + QString::fromLatin1(QTest::currentDataTag()).section(QLatin1Char('/'), 1).replace(QLatin1Char('-'), QLatin1Char('_'));
    DatabaseConnection connection(profile);
    Plan plan;
    QString why;
    QVERIFY2(prepareRun(profile, table, column, connection, &plan, &why), qPrintable(why));
    QVERIFY(plan.sync.enabled);
    const QString t = quoteIdentifier(profile.engine, table);
    // SQLite commits each write with its own syncs of the file: a hundred a second would hold its
    // one lock nearly all the time.
    const int writesPerSecond = profile.engine == Engine::SQLite ? 25 : 100;
    LiveWriter old(profile, QStringLiteral("INSERT INTO %1 (id, total_cents) VALUES (%2, %2 * 7)").arg(t, QStringLiteral("%1")),
                   QStringLiteral("UPDATE %1 SET total_cents = total_cents + 1 WHERE id = %2").arg(t, QStringLiteral("%1")), Rows, 100001,
                   writesPerSecond);
    old.start();
    QVERIFY(old.waitForWrites(10, 10000));

    RunSettings options;
    options.maxBatchRows = 300;
    options.pauseBetweenBatchesMs = 5;
    Runner runner(profile, options);
    QString runId, summary, gate;
    RunOutcome outcome = RunOutcome::Failed;
    connect(&runner, &Runner::runStarted, this, [&](const QString &id) { runId = id; });
    connect(&runner, &Runner::gateReached, this, [&](int, const QString &g) { gate = g; });
    connect(&runner, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    runner.run(plan);
    QVERIFY2(outcome == RunOutcome::WaitingAtGate, qPrintable(summary));
    QCOMPARE(gate, QStringLiteral("before-contract"));
    QVERIFY2(summary.contains(QLatin1String("`stagecraft-cli resume` continues past the gate")), qPrintable(summary));
    // Waiting at the gate, the run is still the column's: a second one is refused.
    Runner second(profile);
    connect(&second, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    second.run(plan);
    QVERIFY2(outcome == RunOutcome::Failed && summary.contains(runId), qPrintable(summary));
    // The sync still fills the column for the application that does not know it.
    QVERIFY(old.waitForWrites(20, 10000));
    old.stop();
    const LiveWriter::Result before = old.result();
    qInfo("before the deploy: %lld inserts, %lld updates, %lld errors", before.inserts, before.updates, before.errors);
    QVERIFY2(before.errors == 0, qPrintable(before.firstErrors.join(QLatin1String("\n"))));
    QVERIFY(before.inserts > 0 && before.updates > 0);
    QCOMPARE(LiveWriter::staleRows(connection.database(), profile.engine, t, QStringLiteral("live_value"), expression, &why), 0);

    // Deployed: the application writes the column itself; the run goes on past the gate.
    LiveWriter upgraded(profile, QStringLiteral("INSERT INTO %1 (id, total_cents, live_value) VALUES %2").arg(t, deployed.section(QLatin1Char('|'), 0, 0)),
                        QStringLiteral("UPDATE %1 SET %2 WHERE id = %3").arg(t, deployed.section(QLatin1Char('|'), 1), QStringLiteral("%1")),
                        Rows, 200001, writesPerSecond);
    upgraded.start();
    Runner again(profile, options);
    connect(&again, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    again.resumeRun(runId);
    QVERIFY2(outcome == RunOutcome::Done, qPrintable(summary));
    QVERIFY(upgraded.waitForWrites(10, 10000));
    upgraded.stop();
    const LiveWriter::Result after = upgraded.result();
    QVERIFY2(after.errors == 0, qPrintable(after.firstErrors.join(QLatin1String("\n"))));
    QCOMPARE(LiveWriter::staleRows(connection.database(), profile.engine, t, QStringLiteral("live_value"), expression, &why), 0);
    // The sync is gone with the run (on SQLite a default's trigger takes over from it).
    const QString triggers = profile.engine == Engine::PostgreSQL
        ? QStringLiteral("SELECT count(*) FROM pg_trigger WHERE tgrelid = '%1'::regclass AND tgname LIKE '%%sync%%'").arg(t)
        : profile.engine == Engine::SQLite ? QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name LIKE '%%sync%%'")
                                           : QStringLiteral("SELECT count(*) FROM information_schema.TRIGGERS WHERE TRIGGER_NAME LIKE '%%sync%%'");
    QCOMPARE(scalar(connection.database(), triggers), 0);
}

// The hostile probe of issue 13: a backfill that fails for a row the application writes later
// (here a division by zero) made that INSERT fail while the sync was in place. The sync leaves the
// column NULL there; the write goes through. PostgreSQL only: MySQL's and MariaDB's sync trigger does
// not catch an error of the expression, so there such a write does fail, and the plan's sync step
// says so (failingWrites, shown to the reviewer).
void TestRunner::syncNeverFailsAWrite()
{
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("postgresql"), profile);
    DatabaseConnection connection(profile);
    Plan plan;
    QString why;
    QVERIFY2(prepareRun(profile, QStringLiteral("sync_errors"), R"j({"name": "ratio", "type": "numeric", "backfill": "100.0 / (total_cents - 700007)"})j",
                        connection, &plan, &why),
             qPrintable(why));
    Runner runner(profile);
    RunOutcome outcome = RunOutcome::Failed;
    QString summary;
    connect(&runner, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    runner.run(plan);
    QVERIFY2(outcome == RunOutcome::WaitingAtGate, qPrintable(summary));
    QSqlQuery q(connection.database());
    QVERIFY2(q.exec(QStringLiteral("INSERT INTO sync_errors (id, total_cents) VALUES (100001, 700007), (100002, 700107)")), qPrintable(q.lastError().text()));
    QVERIFY2(q.exec(QStringLiteral("UPDATE sync_errors SET total_cents = 700007 WHERE id = 1")), qPrintable(q.lastError().text()));
    QCOMPARE(scalar(connection.database(), QStringLiteral("SELECT count(*) FROM sync_errors WHERE ratio IS NULL")), 2);
    QCOMPARE(scalar(connection.database(), QStringLiteral("SELECT ratio FROM sync_errors WHERE id = 100002")), 1);
}

void TestRunner::serverRestartedMidRun()
{
    // A server of its own, restarted while the runner (on its own thread, as in the GUI) is in the
    // middle of the backfill: the run fails cleanly, and a resume after the restart completes it.
    PostgresTestServer server;
    STAGECRAFT_REQUIRE_STARTED(server);
    QString why;
    const ConnectionProfile profile = server.profile();
    QVERIFY2(makeTable(profile, QStringLiteral("restarted"), &why), qPrintable(why));
    Plan plan;
    {
        DatabaseConnection connection(profile);
        ConnectionError error;
        QVERIFY(connection.open(&error));
        QVERIFY2(planFor(connection, QStringLiteral("restarted"),
                         R"j({"name": "total_eur", "type": "numeric(12,2)", "nullable": false, "backfill": "total_cents / 100.0"})j",
                         &plan, &why),
                 qPrintable(why));
    }
    RunSettings slow;
    slow.firstBatchRows = slow.minBatchRows = slow.maxBatchRows = 100;
    slow.pauseBetweenBatchesMs = 20;
    QThread thread;
    auto *runner = new Runner(profile, slow);
    runner->setPassGates(true); // gates have tests of their own
    runner->moveToThread(&thread);
    connect(&thread, &QThread::finished, runner, &QObject::deleteLater);
    thread.start();
    const auto stopThread = qScopeGuard([&thread] {
        thread.quit();
        thread.wait();
    });
    QString runId, summary;
    qint64 rows = 0;
    std::optional<RunOutcome> outcome;
    connect(runner, &Runner::runStarted, this, [&](const QString &id) { runId = id; });
    connect(runner, &Runner::backfillProgressed, this, [&](const BackfillProgress &p) { rows = p.rowsDone; });
    connect(runner, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    QMetaObject::invokeMethod(runner, "run", Qt::QueuedConnection, Q_ARG(Stagecraft::Plan, plan));
    QTRY_VERIFY_WITH_TIMEOUT(rows >= 500, 30000);
    QVERIFY2(server.restart(&why), qPrintable(why));
    QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 30000);
    // Issue 12, item 8: the connection lost, named as such (not "failed: " with no reason).
    QCOMPARE(*outcome, RunOutcome::ConnectionLost);
    QVERIFY2(summary.contains(QLatin1String("the connection to the server was lost: ")), qPrintable(summary));
    QVERIFY2(summary.contains(QLatin1String("Applied steps: 1 (Add column total_eur), 2 (Keep total_eur filled for writers that do not know it).")),
             qPrintable(summary));

    Runner again(profile);

    again.setPassGates(true);
    RunOutcome finalOutcome = RunOutcome::Failed;
    connect(&again, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { finalOutcome = o; summary = s; });
    again.resumeRun(runId);
    QVERIFY2(finalOutcome == RunOutcome::Done, qPrintable(summary));
    DatabaseConnection check(profile);
    ConnectionError error;
    QVERIFY(check.open(&error));
    QCOMPARE(scalar(check.database(), QStringLiteral("SELECT count(*) FROM restarted WHERE total_eur IS NULL "
                                                     "OR total_eur <> round(total_cents / 100.0, 2)")),
             0);
}

void TestRunner::blockerPolicy_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<int>("policy");
    QTest::addColumn<int>("outcome");
    // On MySQL the session is found by the other way (performance_schema off: open transactions).
    for (const char *engine : {"postgresql", "mysql"}) {
        QTest::addRow("%s/stop", engine) << engine << int(BlockerPolicy::Stop) << int(RunOutcome::Failed);
        QTest::addRow("%s/wait", engine) << engine << int(BlockerPolicy::Wait) << int(RunOutcome::Done);
    }
}

void TestRunner::blockerPolicy()
{
    // A session sits idle in a transaction on the table. "stop" refuses to start the step at all;
    // "wait" holds back until the session commits, then runs the step.
    QFETCH(QString, engine);
    QFETCH(int, policy);
    QFETCH(int, outcome);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    const QString table = QStringLiteral("blocked_") + QString::fromLatin1(QTest::currentDataTag()).section(QLatin1Char('/'), 1);
    QString why;
    DatabaseConnection connection(profile);
    ConnectionError error;
    Plan plan;
    QVERIFY2(prepareRun(profile, table, R"j({"name": "note", "type": "text"})j", connection, &plan, &why), qPrintable(why));
    HeldTransaction holder(profile, table);
    QTRY_VERIFY(holder.holding());
    RunSettings options;
    options.onBlockers = BlockerPolicy(policy);
    Runner runner(profile, options);
    runner.setPassGates(true); // gates have tests of their own
    int reports = 0;
    RunOutcome result = RunOutcome::Cancelled;
    QString summary;
    connect(&runner, &Runner::blockersFound, this, [&] {
        if (++reports == 2)
            holder.release(); // "wait" sees the session twice, then it goes away
    });
    connect(&runner, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { result = o; summary = s; });
    runner.run(plan);
    holder.release();
    QVERIFY2(int(result) == outcome, qPrintable(summary));
    const bool added = scalar(connection.database(), QStringLiteral("SELECT count(*) FROM information_schema.columns WHERE table_schema = %1 "
                                                                    "AND table_name = %2 AND column_name = 'note'")
                                                         .arg(quoteLiteral(profile.engine, schemaOf(profile)), quoteLiteral(profile.engine, table)))
        == 1;
    QCOMPARE(added, result == RunOutcome::Done);
    if (result == RunOutcome::Failed)
        QVERIFY2(summary.contains(QLatin1String("and the run was set to stop then")), qPrintable(summary));
}

void TestRunner::cancelLongStatement_data()
{
    QTest::addColumn<QString>("engine");
    QTest::newRow("postgresql") << "postgresql"; // pg_cancel_backend
    QTest::newRow("mariadb") << "mariadb"; // KILL QUERY
    QTest::newRow("mysql") << "mysql"; // KILL QUERY
}

void TestRunner::cancelLongStatement()
{
    // A step whose statement runs for a minute: cancel() asks the server to cancel it from another
    // connection, and the run stops within a second, the step rolled back.
    QFETCH(QString, engine);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    const bool postgres = profile.engine == Engine::PostgreSQL;
    Plan plan;
    plan.engine = profile.engine;
    plan.table = {postgres ? QStringLiteral("public") : profile.database, QStringLiteral("long_statement")};
    plan.spec.name = QStringLiteral("x");
    PlanStep slow;
    slow.title = QStringLiteral("A minute of work");
    // MySQL ends a KILLed statement that is nothing but SLEEP() without an error (SLEEP answers 1):
    // the step would be done. As part of a statement, it ends with "interrupted", as real work does.
    slow.sql = {postgres                             ? QStringLiteral("SELECT pg_sleep(60)")
                    : profile.engine == Engine::MySQL ? QStringLiteral("SELECT 1 FROM DUAL WHERE SLEEP(60) = 0")
                                                      : QStringLiteral("SELECT SLEEP(60)")};
    plan.steps = {slow};
    QThread thread;
    auto *runner = new Runner(profile);
    runner->setPassGates(true); // gates have tests of their own
    runner->moveToThread(&thread);
    connect(&thread, &QThread::finished, runner, &QObject::deleteLater);
    thread.start();
    const auto stopThread = qScopeGuard([&thread] {
        thread.quit();
        thread.wait();
    });
    std::optional<RunOutcome> outcome;
    bool started = false;
    connect(runner, &Runner::stepStarted, this, [&] { started = true; });
    connect(runner, &Runner::runFinished, this, [&](RunOutcome o) { outcome = o; });
    // No planner makes this plan: it runs as given, on the runner's thread.
    QMetaObject::invokeMethod(runner, [runner, plan] { RunnerTestHook::runAsGiven(*runner, plan); }, Qt::QueuedConnection);
    QTRY_VERIFY(started);
    QThread::msleep(300);
    QElapsedTimer timer;
    timer.start();
    runner->cancel();
    QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 10000);
    QCOMPARE(*outcome, RunOutcome::Cancelled);
    qInfo("cancelled a running statement in %lld ms", timer.elapsed());
    QVERIFY(timer.elapsed() < 2000);
}

void TestRunner::invalidIndexIsRebuilt()
{
    // An earlier attempt left an INVALID index under the name the plan uses (a CREATE UNIQUE INDEX
    // CONCURRENTLY that failed on duplicates). The run must not take it for done: it drops it and
    // builds a valid one.
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("postgresql"), profile);
    QString why;
    QVERIFY2(makeTable(profile, QStringLiteral("leftover"), &why), qPrintable(why));
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY(connection.open(&error));
    QSqlQuery q(connection.database());
    Plan plan;
    QVERIFY2(planFor(connection, QStringLiteral("leftover"), R"j({"name": "code", "type": "integer", "backfill": "id", "unique": true})j", &plan, &why),
             qPrintable(why));
    // As an interrupted earlier attempt would leave it: the column added, its unique index INVALID.
    QVERIFY(q.exec(QStringLiteral("ALTER TABLE leftover ADD COLUMN code integer")));
    QVERIFY(q.exec(QStringLiteral("UPDATE leftover SET code = 7 WHERE id <= 2")));
    QVERIFY(!q.exec(QStringLiteral("CREATE UNIQUE INDEX CONCURRENTLY leftover_code_key ON leftover (code)")));
    QVERIFY(q.exec(QStringLiteral("UPDATE leftover SET code = NULL")));
    QCOMPARE(scalar(connection.database(), QStringLiteral("SELECT count(*) FROM pg_index WHERE indexrelid = 'leftover_code_key'::regclass "
                                                          "AND NOT indisvalid")),
             1);
    Runner runner(profile);
    runner.setPassGates(true); // gates have tests of their own
    RunOutcome outcome = RunOutcome::Failed;
    QString summary;
    QStringList skipped;
    connect(&runner, &Runner::stepSkipped, this, [&](int step) { skipped << plan.steps.at(step).rule; });
    connect(&runner, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    // The column is there now, so a new run of the plan would be refused: it runs as given, as the
    // resume of the earlier attempt would.
    RunnerTestHook::runAsGiven(runner, plan);
    QVERIFY2(outcome == RunOutcome::Done, qPrintable(summary));
    QCOMPARE(skipped, QStringList{QStringLiteral("pg.add-column")}); // the column was there; the invalid index was not taken for done
    QCOMPARE(scalar(connection.database(), QStringLiteral("SELECT count(*) FROM pg_index WHERE indexrelid = 'leftover_code_key'::regclass "
                                                          "AND indisvalid AND indisunique")),
             1);
    QCOMPARE(scalar(connection.database(), QStringLiteral("SELECT count(*) FROM leftover WHERE code IS DISTINCT FROM id")), 0);
}

// A table that does not hold what the plan promised: each broken promise is named.
void TestRunner::verificationFindsProblems()
{
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("postgresql"), profile);
    QString why;
    QVERIFY2(TestServers::execute(profile,
                                  {QStringLiteral("CREATE TABLE half_done (id int PRIMARY KEY, euros int, euro int)"),
                                   QStringLiteral("INSERT INTO half_done VALUES (1, 5), (2, NULL)"),
                                   QStringLiteral("ALTER TABLE half_done ADD CONSTRAINT euros_positive CHECK (euros >= 0) NOT VALID")},
                                  &why),
             qPrintable(why));
    Plan plan;
    plan.table = {QStringLiteral("public"), QStringLiteral("half_done")};
    plan.spec.table = plan.table;
    plan.spec.name = QStringLiteral("euros");
    plan.spec.type = QStringLiteral("integer");
    plan.spec.nullable = false;
    plan.spec.check = QStringLiteral("euros >= 0");
    plan.spec.index = true;
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY(connection.open(&error));
    QList<VerificationCheck> checks;
    QVERIFY2(Verification::verify(connection, plan, &checks, &error), qPrintable(error.text()));
    QCOMPARE(Verification::format(checks),
             QStringLiteral("✓ column euros exists (integer)\n"
                            "✗ euros is NOT NULL: the column still accepts NULL\n"
                            "✗ CHECK (euros >= 0) in place and validated: euros_positive is still NOT VALID\n"
                            "✗ index on euros valid: no such index on the table"));
    // A CHECK on euros is not one on euro.
    plan.spec.name = QStringLiteral("euro");
    plan.spec.check = QStringLiteral("euro >= 0");
    plan.spec.nullable = true;
    plan.spec.index = false;
    QVERIFY(Verification::verify(connection, plan, &checks, &error));
    QCOMPARE(Verification::format(checks), QStringLiteral("✓ column euro exists (integer)\n"
                                                          "✗ CHECK (euro >= 0) in place and validated: not found on the table"));
    // A plan that ends with ANALYZE promises statistics for the column: none yet, then some.
    PlanStep analyze;
    analyze.rule = QStringLiteral("pg.verify.analyze");
    plan.steps << analyze;
    plan.spec.check.clear();
    QVERIFY(Verification::verify(connection, plan, &checks, &error));
    QCOMPARE(Verification::format(checks), QStringLiteral("✓ column euro exists (integer)\n"
                                                          "✗ statistics for euro refreshed: pg_stats has none: run ANALYZE on the table"));
    QVERIFY2(TestServers::execute(profile, {QStringLiteral("ANALYZE half_done")}, &why), qPrintable(why));
    QVERIFY(Verification::verify(connection, plan, &checks, &error));
    QCOMPARE(Verification::format(checks), QStringLiteral("✓ column euro exists (integer)\n✓ statistics for euro refreshed"));
    plan.steps.clear();
    // A column that is not there at all.
    plan.spec.name = QStringLiteral("missing");
    QVERIFY(Verification::verify(connection, plan, &checks, &error));
    QCOMPARE(Verification::format(checks), QStringLiteral("✗ column missing exists: the table has no such column"));
}

// The column's default read back and compared with the spec's as the server writes both: a run
// that left the column without its default (the SQLite rebuild of issue 11) is reported, and where
// a trigger stands in for the default (SQLite's ADD COLUMN), the trigger must be there.
void TestRunner::verificationChecksTheDefault_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<QString>("definition"); // the column as the table has it
    QTest::addColumn<QString>("column"); // the spec's column object
    QTest::addColumn<bool>("makeTrigger"); // run the plan's trigger step first
    QTest::addColumn<QString>("expected"); // the lines about the default
    QTest::newRow("postgresql/literal") << "postgresql" << "status varchar(20) DEFAULT 'new'"
        << R"j({"name": "status", "type": "varchar(20)", "default": {"literal": "new"}})j" << false << "✓ status defaults to 'new'";
    QTest::newRow("postgresql/literal-smallint") << "postgresql" << "priority smallint DEFAULT '0'::smallint"
        << R"j({"name": "priority", "type": "smallint", "default": {"literal": "0"}})j" << false << "✓ priority defaults to '0'";
    QTest::newRow("postgresql/literal-missing") << "postgresql" << "status varchar(20)"
        << R"j({"name": "status", "type": "varchar(20)", "default": {"literal": "new"}})j" << false
        << "✗ status defaults to 'new': the column has no default: a row inserted without it gets NULL";
    QTest::newRow("postgresql/literal-other") << "postgresql" << "status varchar(20) DEFAULT 'old'"
        << R"j({"name": "status", "type": "varchar(20)", "default": {"literal": "new"}})j" << false
        << "✗ status defaults to 'new': the column defaults to 'old'::character varying";
    QTest::newRow("postgresql/now") << "postgresql" << "seen timestamptz NOT NULL DEFAULT now()"
        << R"j({"name": "seen", "type": "timestamptz", "nullable": false, "default": {"expression": "now()"}})j" << false
        << "✓ seen defaults to now()";
    QTest::newRow("postgresql/uuid") << "postgresql" << "public_id uuid DEFAULT gen_random_uuid()"
        << R"j({"name": "public_id", "type": "uuid", "default": {"expression": "gen_random_uuid()"}})j" << false
        << "✓ public_id defaults to gen_random_uuid()";
    QTest::newRow("postgresql/unexpected") << "postgresql" << "note text DEFAULT 'x'"
        << R"j({"name": "note", "type": "text"})j" << false << "✗ note has no default: the column defaults to 'x'::text";
    QTest::newRow("postgresql/none") << "postgresql" << "note text" << R"j({"name": "note", "type": "text"})j" << false << "";
    for (const char *engine : {"mariadb", "mysql"}) {
        QTest::addRow("%s/literal", engine) << engine << "status varchar(20) DEFAULT 'new'"
            << R"j({"name": "status", "type": "varchar(20)", "default": {"literal": "new"}})j" << false << "✓ status defaults to 'new'";
        QTest::addRow("%s/literal-missing", engine) << engine << "status varchar(20) NOT NULL"
            << R"j({"name": "status", "type": "varchar(20)", "nullable": false, "default": {"literal": "new"}})j" << false
            << "✗ status defaults to 'new': the column has no default: a row inserted without it gets NULL";
        QTest::addRow("%s/uuid", engine) << engine << "public_id char(36) DEFAULT (uuid())"
            << R"j({"name": "public_id", "type": "char(36)", "default": {"expression": "uuid()"}})j" << false << "✓ public_id defaults to uuid()";
        QTest::addRow("%s/uuid-missing", engine) << engine << "public_id char(36)"
            << R"j({"name": "public_id", "type": "char(36)", "default": {"expression": "uuid()"}})j" << false
            << "✗ public_id defaults to uuid(): the column has no default: a row inserted without it gets NULL";
    }
    // MySQL's defaults are read from SHOW CREATE TABLE: a literal with what looks like the end of the clause.
    QTest::newRow("mysql/literal-quoted") << "mysql" << R"(note varchar(40) DEFAULT 'it''s (a) DEFAULT, x' COMMENT 'y')"
        << R"j({"name": "note", "type": "varchar(40)", "default": {"literal": "it's (a) DEFAULT, x"}})j" << false
        << "✓ note defaults to 'it''s (a) DEFAULT, x'";
    QTest::newRow("mysql/expression-other") << "mysql" << "seen datetime DEFAULT (now())"
        << R"j({"name": "seen", "type": "datetime", "default": {"expression": "curdate()"}})j" << false
        << "✗ seen defaults to curdate(): the column defaults to (now())";
    QTest::newRow("sqlite/literal") << "sqlite" << "status TEXT DEFAULT 'new'"
        << R"j({"name": "status", "type": "TEXT", "default": {"literal": "new"}})j" << false << "✓ status defaults to 'new'";
    QTest::newRow("sqlite/expression") << "sqlite" << "seen TEXT NOT NULL DEFAULT (datetime('now'))"
        << R"j({"name": "seen", "type": "TEXT", "nullable": false, "default": {"expression": "datetime('now')"}})j" << false
        << "✓ seen defaults to datetime('now')";
    // What the rebuild made before the fix.
    QTest::newRow("sqlite/expression-missing") << "sqlite" << "seen TEXT NOT NULL"
        << R"j({"name": "seen", "type": "TEXT", "nullable": false, "default": {"expression": "datetime('now')"}})j" << false
        << "✗ seen defaults to datetime('now'): the column has no default: a row inserted without it gets NULL";
    QTest::newRow("sqlite/trigger") << "sqlite" << "seen TEXT"
        << R"j({"name": "seen", "type": "TEXT", "default": {"expression": "CURRENT_TIMESTAMP"}})j" << true
        << "✓ a trigger gives new rows of seen its default";
    QTest::newRow("sqlite/trigger-missing") << "sqlite" << "seen TEXT"
        << R"j({"name": "seen", "type": "TEXT", "default": {"expression": "CURRENT_TIMESTAMP"}})j" << false
        << "✗ a trigger gives new rows of seen its default: the trigger is not there: new rows get NULL";
}

void TestRunner::verificationChecksTheDefault()
{
    QFETCH(QString, engine);
    QFETCH(QString, definition);
    QFETCH(QString, column);
    QFETCH(bool, makeTrigger);
    QFETCH(QString, expected);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    const QString table = QStringLiteral("verify_") + QString::fromLatin1(QTest::currentDataTag()).section(QLatin1Char('/'), 1).replace(QLatin1Char('-'), QLatin1Char('_'));
    QString why;
    QVERIFY2(TestServers::execute(profile, {QStringLiteral("CREATE TABLE %1 (id int PRIMARY KEY, %2)").arg(quoteIdentifier(profile.engine, table), definition)}, &why),
             qPrintable(why));
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY2(connection.open(&error), qPrintable(error.text()));
    // The plan as the planner makes it for this column (the table has it already: only its steps'
    // rules and queries matter to the verification).
    PlannerInput input;
    input.server = connection.server();
    input.targetVersion = input.server.versionNumber;
    QList<SpecProblem> problems;
    const QString schema = engine == QLatin1String("postgresql") ? QStringLiteral("public")
        : engine == QLatin1String("sqlite")                     ? QStringLiteral("main")
                                                                : profile.database;
    QVERIFY(ColumnSpec::fromJson(QStringLiteral(R"j({"table": "%1.%2", "column": %3})j").arg(schema, table, column).toUtf8(), &input.spec, &problems));
    QVERIFY2(CatalogReader::create(connection)->describeTable(input.spec.table, &input.table, &error), qPrintable(error.text()));
    const Plan plan = Planner::plan(input);
    if (makeTrigger) {
        const auto trigger = std::find_if(plan.steps.cbegin(), plan.steps.cend(),
                                          [](const PlanStep &s) { return s.rule == QLatin1String("sqlite.default.trigger"); });
        QVERIFY(trigger != plan.steps.cend());
        QVERIFY2(TestServers::execute(profile, trigger->sql, &why), qPrintable(why));
    }
    QList<VerificationCheck> checks;
    QVERIFY2(Verification::verify(connection, plan, &checks, &error), qPrintable(error.text()));
    QStringList lines = Verification::format(checks).split(QLatin1Char('\n'));
    lines.removeIf([](const QString &line) { return !line.contains(QLatin1String("default")); });
    QCOMPARE(lines.join(QLatin1Char('\n')), expected);
}

// A SQLite rebuild whose new rows break a foreign key (the backfill points at coupons that are not
// there): foreign keys are off during the copy, so only PRAGMA foreign_key_check sees it. Its rows
// fail the step, named in the summary, and the rebuild's transaction is rolled back: the table is
// exactly as it was.
void TestRunner::sqliteRebuildChecksForeignKeys()
{
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("sqlite"), profile);
    QString why;
    QVERIFY2(makeTable(profile, QStringLiteral("orphans"), &why), qPrintable(why));
    QVERIFY2(TestServers::execute(profile, {QStringLiteral("WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 10) "
                                                           "INSERT OR IGNORE INTO coupons SELECT i FROM g")},
                                  &why),
             qPrintable(why));
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY(connection.open(&error));
    Plan plan;
    QVERIFY2(planFor(connection, QStringLiteral("orphans"),
                     R"j({"name": "coupon_id", "type": "INTEGER", "nullable": false, "sync": false, "backfill": "id % 20 + 1", "references": {"table": "coupons", "column": "id"}})j",
                     &plan, &why),
             qPrintable(why));
    QCOMPARE(plan.steps.first().rule, QStringLiteral("sqlite.rebuild"));
    const auto schema = [&] { // all but the journal
        QSqlQuery q(connection.database());
        QStringList rows;
        if (q.exec(QStringLiteral("SELECT type, name, sql FROM sqlite_schema WHERE tbl_name NOT LIKE 'stagecraft%' ORDER BY name")))
            while (q.next())
                rows << q.value(0).toString() + QLatin1Char(' ') + q.value(1).toString() + QLatin1String(": ") + q.value(2).toString();
        return rows;
    };
    const QStringList before = schema();
    const QString contents = QStringLiteral("SELECT count(*) * 1000000 + sum(total_cents) FROM orphans");
    const qlonglong rowsBefore = scalar(connection.database(), contents);

    Runner runner(profile);
    runner.setPassGates(true); // gates have tests of their own
    RunOutcome outcome = RunOutcome::Done;
    QString summary;
    connect(&runner, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    runner.run(plan);
    QCOMPARE(outcome, RunOutcome::Failed);
    qInfo("%s", qPrintable(summary.section(QLatin1Char('\n'), 0, 0)));
    // Ids 10-19, 30-39, ... point at coupons 11-20, which do not exist: 1500 of the 3000 rows.
    QVERIFY2(summary.contains(QLatin1String("Step 1 (Rebuild orphans with the new column) failed: PRAGMA foreign_key_check(\"orphans\") "
                                            "answered 1500 row(s), each a row of orphans that breaks a foreign key (table=orphans, rowid=")),
             qPrintable(summary));
    QVERIFY2(summary.contains(QLatin1String("parent=coupons, fkid=0")) && summary.contains(QLatin1String("the step was rolled back and changed nothing")),
             qPrintable(summary));
    QVERIFY2(summary.contains(QLatin1String("Applied steps: none.")), qPrintable(summary));
    QCOMPARE(schema(), before);
    QCOMPARE(scalar(connection.database(), QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE name = 'stagecraft_new_orphans'")), 0);
    QCOMPARE(scalar(connection.database(), contents), rowsBefore);
}

void TestRunner::sqliteRebuildKeepsAutoincrement_data()
{
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("deleted"); // the top ones
    QTest::newRow("top 10 of 20000 deleted") << 20000 << 10;
    QTest::newRow("every row deleted") << 20 << 20; // the copy inserts nothing, so only the old table has a sequence
}

// Issue 12, item 6: the rebuild forgot the AUTOINCREMENT high-water mark kept in sqlite_sequence;
// after deleting the top rows and a migration the next insert got an id issued once before.
void TestRunner::sqliteRebuildKeepsAutoincrement()
{
    QFETCH(int, rows);
    QFETCH(int, deleted);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("sqlite"), profile);
    QString why;
    QVERIFY2(TestServers::execute(profile,
                                  {QStringLiteral("CREATE TABLE tickets (id INTEGER PRIMARY KEY AUTOINCREMENT, total_cents int NOT NULL)"),
                                   QStringLiteral("WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < %1) "
                                                  "INSERT INTO tickets (total_cents) SELECT i * 7 FROM g").arg(rows),
                                   QStringLiteral("DELETE FROM tickets WHERE id > %1").arg(rows - deleted)},
                                  &why),
             qPrintable(why));
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY(connection.open(&error));
    QCOMPARE(scalar(connection.database(), QStringLiteral("SELECT seq FROM sqlite_sequence WHERE name = 'tickets'")), rows);
    Plan plan;
    QVERIFY2(planFor(connection, QStringLiteral("tickets"),
                     R"j({"name": "total_eur", "type": "REAL", "nullable": false, "sync": false, "backfill": "total_cents / 100.0"})j", &plan, &why),
             qPrintable(why));
    QCOMPARE(plan.steps.first().rule, QStringLiteral("sqlite.rebuild"));
    Runner runner(profile);
    runner.setPassGates(true); // gates have tests of their own
    RunOutcome outcome = RunOutcome::Failed;
    QString summary;
    connect(&runner, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    runner.run(plan);
    QVERIFY2(outcome == RunOutcome::Done, qPrintable(summary));
    QCOMPARE(scalar(connection.database(), QStringLiteral("SELECT count(*) FROM sqlite_sequence WHERE name = 'tickets'")), 1);
    QCOMPARE(scalar(connection.database(), QStringLiteral("SELECT seq FROM sqlite_sequence WHERE name = 'tickets'")), rows);
    QCOMPARE(scalar(connection.database(), QStringLiteral("SELECT count(*) FROM sqlite_sequence WHERE name LIKE 'stagecraft%'")), 0);
    QSqlQuery insert(connection.database());
    QVERIFY2(insert.exec(QStringLiteral("INSERT INTO tickets (total_cents, total_eur) VALUES (1, 0.01)")), qPrintable(insert.lastError().text()));
    // Above every id ever issued, not just above the ids left.
    QCOMPARE(insert.lastInsertId().toLongLong(), qlonglong(rows) + 1);
}

// Issue 12, item 4: a column name of 61-63 bytes (PostgreSQL) made the CHECK, the NOT NULL helper
// and the index share one name cut by the server; the helper's steps were skipped as "already in
// place" and its drop took the user's CHECK. Long names (multibyte too) at each engine's limit run
// to the end with every promise kept.
void TestRunner::longNamesRunClean_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<QString>("name");
    for (int length : {61, 62, 63})
        QTest::newRow(qPrintable(QStringLiteral("postgresql %1 bytes").arg(length))) << "postgresql" << QString(length, QLatin1Char('c'));
    QTest::newRow("postgresql 63 bytes, multibyte") << "postgresql" << QString(31, QChar(0x00e9)) + QLatin1Char('c');
    QTest::newRow("mariadb 64 characters") << "mariadb" << QString(64, QLatin1Char('c'));
    QTest::newRow("mariadb 64 characters, multibyte") << "mariadb" << QString(64, QChar(0x00e9));
    QTest::newRow("mysql 64 characters") << "mysql" << QString(64, QLatin1Char('c'));
    QTest::newRow("mysql 64 characters, multibyte") << "mysql" << QString(64, QChar(0x00e9));
    QTest::newRow("sqlite 63 characters") << "sqlite" << QString(63, QLatin1Char('c'));
    QTest::newRow("sqlite 100 characters, multibyte") << "sqlite" << QString(100, QChar(0x00e9));
}

void TestRunner::longNamesRunClean()
{
    QFETCH(QString, engine);
    QFETCH(QString, name);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    const Engine e = profile.engine;
    // A table name long enough that the generated names must be cut.
    const QString table = QStringLiteral("long_names_") + QString::number(name.size()) + QLatin1Char('_')
        + QString::number(name.toUtf8().size()) + (name.at(0).unicode() > 0x7f ? QStringLiteral("_mb") : QString());
    QString why;
    QVERIFY2(makeTable(profile, table, &why), qPrintable(why));
    QVERIFY2(TestServers::execute(profile, {e == Engine::PostgreSQL ? QStringLiteral("INSERT INTO coupons SELECT g FROM generate_series(1, 5) g ON CONFLICT DO NOTHING")
                                            : e == Engine::SQLite   ? QStringLiteral("INSERT OR IGNORE INTO coupons VALUES (1), (2), (3), (4), (5)")
                                                                    : QStringLiteral("INSERT IGNORE INTO coupons VALUES (1), (2), (3), (4), (5)")},
                                  &why),
             qPrintable(why));
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY(connection.open(&error));
    const QString quoted = QString(quoteIdentifier(e, name)).replace(QLatin1Char('"'), QLatin1String("\\\""));
    const QString column = QStringLiteral(R"j({"name": "%1", "type": "%3", "nullable": false, "backfill": "id % 5 + 1",
                                              "check": "%2 > 0", "index": true, "references": {"table": "coupons", "column": "id"}})j")
                               .arg(name, quoted, e == Engine::SQLite ? QStringLiteral("INTEGER") : QStringLiteral("bigint"));
    Plan plan;
    QVERIFY2(planFor(connection, table, column, &plan, &why), qPrintable(why));
    Runner runner(profile);
    runner.setPassGates(true); // gates have tests of their own
    RunOutcome outcome = RunOutcome::Failed;
    QString summary;
    QStringList skipped;
    connect(&runner, &Runner::stepSkipped, this, [&](int step, const QString &reason) { skipped << QString::number(step + 1) + QLatin1String(": ") + reason; });
    connect(&runner, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    runner.run(plan);
    QVERIFY2(outcome == RunOutcome::Done, qPrintable(summary));
    QVERIFY2(skipped.isEmpty(), qPrintable(skipped.join(QLatin1Char('\n'))));
    QVERIFY2(summary.contains(QLatin1String("Verified on the table")) && !summary.contains(QStringLiteral("✗")), qPrintable(summary));
    QVERIFY2(summary.contains(QStringLiteral("✓ CHECK")), qPrintable(summary));
    // The CHECK holds: a row breaking it is refused.
    QSqlQuery q(connection.database());
    QVERIFY(!q.exec(QStringLiteral("UPDATE %1 SET %2 = -1 WHERE id = 1").arg(quoteIdentifier(e, table), quoteIdentifier(e, name))));
}

void TestRunner::runLockHolder_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<bool>("busy"); // the holder is in a statement when the runner looks
    QTest::addColumn<bool>("staysAfter"); // the holder keeps its session after the statement
    for (const char *engine : {"postgresql", "mariadb", "mysql"}) {
        QTest::addRow("%s: idle holder, a live runner", engine) << engine << false << true;
        QTest::addRow("%s: holder in a statement, then gone (a killed runner)", engine) << engine << true << false;
        QTest::addRow("%s: holder in a statement, then idle (a live runner)", engine) << engine << true << true;
    }
}

// The run lock held by another session. A live runner is refused; a runner killed in the middle of
// a statement keeps its session, and the lock, on the server until that statement ends: the new
// run waits for the statement, then goes on.
void TestRunner::runLockHolder()
{
    QFETCH(QString, engine);
    QFETCH(bool, busy);
    QFETCH(bool, staysAfter);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    static int row = 0;
    const QString table = QStringLiteral("run_lock_%1").arg(++row);
    QString why;
    DatabaseConnection connection(profile);
    ConnectionError error;
    Plan plan;
    QVERIFY2(prepareRun(profile, table, R"j({"name": "note", "type": "text"})j", connection, &plan, &why), qPrintable(why));

    const bool postgres = profile.engine == Engine::PostgreSQL;
    std::atomic<bool> holding{false}, release{false};
    auto holder = QtConcurrent::run([&] {
        DatabaseConnection c(profile);
        ConnectionError e;
        if (!c.open(&e))
            return;
        QSqlQuery q(c.database());
        q.prepare(postgres ? QStringLiteral("SELECT pg_advisory_lock(hashtext(?))") : QStringLiteral("SELECT GET_LOCK(?, 5)"));
        q.addBindValue(RunLock::name(plan.table, plan.spec.name));
        if (!q.exec())
            return;
        holding = true;
        if (busy)
            q.exec(postgres ? QStringLiteral("SELECT pg_sleep(1.5)") : QStringLiteral("SELECT SLEEP(1.5)"));
        while (staysAfter && !release)
            QThread::msleep(20);
    });
    QTRY_VERIFY(holding);
    if (busy)
        QThread::msleep(200); // inside its sleep

    Runner runner(profile);
    runner.setPassGates(true); // gates have tests of their own
    RunOutcome outcome = RunOutcome::Failed;
    QString summary;
    qint64 waitedFor = 0;
    connect(&runner, &Runner::waitingForRunLock, this, [&](qint64 session, const QString &, double) { waitedFor = session; });
    connect(&runner, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    QElapsedTimer timer;
    timer.start();
    runner.run(plan);
    const qint64 took = timer.elapsed();
    release = true;
    holder.waitForFinished();
    QCOMPARE(waitedFor != 0, busy);
    if (staysAfter) {
        QCOMPARE(outcome, RunOutcome::Failed);
        QVERIFY2(summary.contains(QLatin1String("Another Stagecraft is adding note to")), qPrintable(summary));
        QVERIFY2(took < (busy ? 4000 : 1000), qPrintable(QString::number(took))); // not the whole wait (1.3 s, then 1 s idle)
        const QString column = postgres ? QStringLiteral("SELECT count(*) FROM information_schema.columns WHERE table_name = '%1' AND column_name = 'note'")
                                        : QStringLiteral("SELECT count(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '%1' AND column_name = 'note'");
        QCOMPARE(scalar(connection.database(), column.arg(table)), 0);
    } else {
        QVERIFY2(outcome == RunOutcome::Done, qPrintable(summary));
    }
}

// Paused after a batch, the runner starts no other until resumed: the table does not move.
void TestRunner::pauseAndResume()
{
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("postgresql"), profile);
    QString why;
    DatabaseConnection connection(profile);
    ConnectionError error;
    Plan plan;
    QVERIFY2(prepareRun(profile, QStringLiteral("paused"), R"j({"name": "euros", "type": "bigint", "backfill": "total_cents / 100"})j",
                        connection, &plan, &why),
             qPrintable(why));
    RunSettings options;
    options.firstBatchRows = options.minBatchRows = options.maxBatchRows = 500;
    Runner runner(profile, options);
    runner.setPassGates(true); // gates have tests of their own
    QFuture<void> watcher;
    std::atomic<qlonglong> whilePausedEarly{-1}, whilePausedLate{-1};
    std::atomic<int> progressWhilePaused{0};
    RunOutcome outcome = RunOutcome::Failed;
    QString summary;
    connect(&runner, &Runner::backfillProgressed, this, [&](const BackfillProgress &p) {
        if (runner.isPaused())
            ++progressWhilePaused;
        if (p.rowsDone != 500)
            return;
        runner.pause();
        // Another thread watches the table while the run is paused, then resumes it.
        watcher = QtConcurrent::run([&] {
            DatabaseConnection c(profile);
            ConnectionError e;
            if (!c.open(&e))
                return;
            QThread::msleep(300);
            whilePausedEarly = scalar(c.database(), QStringLiteral("SELECT count(*) FROM paused WHERE euros IS NOT NULL"));
            QThread::msleep(400);
            whilePausedLate = scalar(c.database(), QStringLiteral("SELECT count(*) FROM paused WHERE euros IS NOT NULL"));
            runner.resume();
        });
    });
    connect(&runner, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    QElapsedTimer timer;
    timer.start();
    runner.run(plan);
    watcher.waitForFinished();
    QVERIFY2(outcome == RunOutcome::Done, qPrintable(summary));
    QVERIFY(timer.elapsed() >= 700);
    QCOMPARE(qlonglong(whilePausedEarly), 500);
    QCOMPARE(qlonglong(whilePausedLate), 500);
    QCOMPARE(int(progressWhilePaused), 0);
    QCOMPARE(scalar(connection.database(), QStringLiteral("SELECT count(*) FROM paused WHERE euros IS DISTINCT FROM total_cents / 100")), 0);
}

// A row the backfill needs stays locked by another session: each batch attempt waits at most the
// lock timeout, is retried with backoff up to the limit, then the run fails with its batches so far
// kept; once the row is free, a resume finishes it.
void TestRunner::rowLockedForever()
{
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("postgresql"), profile);
    QString why;
    DatabaseConnection connection(profile);
    ConnectionError error;
    Plan plan;
    QVERIFY2(prepareRun(profile, QStringLiteral("row_locked"), R"j({"name": "euros", "type": "bigint", "backfill": "total_cents / 100"})j",
                        connection, &plan, &why),
             qPrintable(why));
    RunSettings options;
    options.firstBatchRows = options.minBatchRows = options.maxBatchRows = 500;
    options.lockTimeoutMs = 200;
    options.maxRetries = 2;
    options.retryBaseMs = 50;
    Runner runner(profile, options);
    runner.setPassGates(true); // gates have tests of their own
    std::atomic<bool> holding{false}, release{false};
    QFuture<void> holder;
    int retries = 0;
    QString runId, summary;
    RunOutcome outcome = RunOutcome::Done;
    connect(&runner, &Runner::runStarted, this, [&](const QString &id) { runId = id; });
    connect(&runner, &Runner::retrying, this, [&](int, int, const QString &, double) { ++retries; });
    connect(&runner, &Runner::backfillProgressed, this, [&](const BackfillProgress &p) {
        if (p.rowsDone != 500)
            return;
        // Taken once the column exists (it would otherwise block the ALTER itself): row 2000, in the 4th batch.
        holder = QtConcurrent::run([&] {
            DatabaseConnection c(profile);
            ConnectionError e;
            if (!c.open(&e))
                return;
            QSqlQuery q(c.database());
            q.exec(QStringLiteral("BEGIN"));
            q.exec(QStringLiteral("SELECT * FROM row_locked WHERE id = 2000 FOR UPDATE"));
            holding = true;
            while (!release)
                QThread::msleep(20);
            q.exec(QStringLiteral("ROLLBACK"));
        });
        while (!holding)
            QThread::msleep(10);
    });
    connect(&runner, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    runner.run(plan);
    release = true;
    holder.waitForFinished();
    QCOMPARE(outcome, RunOutcome::Failed);
    QVERIFY2(summary.contains(QLatin1String("a batch still waited for a row lock after 2 retries")), qPrintable(summary));
    QCOMPARE(retries, 2);
    QCOMPARE(scalar(connection.database(), QStringLiteral("SELECT count(*) FROM row_locked WHERE euros IS NOT NULL")), 1500);

    Runner again(profile);

    again.setPassGates(true);
    connect(&again, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    again.resumeRun(runId);
    QVERIFY2(outcome == RunOutcome::Done, qPrintable(summary));
    QCOMPARE(scalar(connection.database(), QStringLiteral("SELECT count(*) FROM row_locked WHERE euros IS DISTINCT FROM total_cents / 100")), 0);
}

void TestRunner::rollbackOfFailedRun_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<QString>("column");
    // Rows 1..14 get a negative value: the CHECK's guard stops the run after the backfill.
    const QString check = R"j({"name": "euros", "type": "bigint", "nullable": false, "backfill": "total_cents - 100", "check": "euros >= 0", "index": true})j";
    QTest::newRow("postgresql") << "postgresql" << check;
    QTest::newRow("mariadb") << "mariadb" << check;
    QTest::newRow("mysql") << "mysql" << check;
    // SQLite adds that column by a rebuild, all or nothing; a unique index meets duplicates instead.
    QTest::newRow("sqlite") << "sqlite" << R"j({"name": "euros", "type": "bigint", "backfill": "total_cents / 1000", "unique": true})j";
}

// A run that failed half-way (its backfill left rows the constraint refuses, so the guard stops it) is
// rolled back: what it applied is undone, last step first, the table is as before, and the run is
// finished in the journal.
void TestRunner::rollbackOfFailedRun()
{
    QFETCH(QString, engine);
    QFETCH(QString, column);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    QString why;
    QVERIFY2(makeTable(profile, QStringLiteral("undone"), &why), qPrintable(why));
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY(connection.open(&error));
    const auto columns = [&] {
        auto reader = CatalogReader::create(connection);
        TableDetails details;
        ConnectionError e;
        const Engine en = connection.engine();
        const TableRef ref{en == Engine::PostgreSQL ? QStringLiteral("public") : en == Engine::SQLite ? QStringLiteral("main") : connection.profile().database,
                           QStringLiteral("undone")};
        if (!reader->describeTable(ref, &details, &e))
            return QStringList{e.text()};
        QStringList names;
        for (const ColumnInfo &c : details.columns)
            names << c.name;
        names << QString::number(details.indexes.size()) << QString::number(details.constraints.size());
        return names;
    };
    const QStringList before = columns();
    Plan plan;
    QVERIFY2(planFor(connection, QStringLiteral("undone"), column, &plan, &why), qPrintable(why));
    Runner runner(profile);
    runner.setPassGates(true); // gates have tests of their own
    QString runId, summary;
    RunOutcome outcome = RunOutcome::Done;
    connect(&runner, &Runner::runStarted, this, [&](const QString &id) { runId = id; });
    connect(&runner, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    runner.run(plan);
    QCOMPARE(outcome, RunOutcome::Failed);
    QVERIFY2(summary.contains(QLatin1String("`stagecraft-cli rollback` undoes it")), qPrintable(summary));
    QVERIFY(columns() != before);

    Runner undo(profile);
    QStringList undoneSteps;
    connect(&undo, &Runner::stepStarted, this, [&](int, const QString &title) { undoneSteps << title; });
    connect(&undo, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    undo.rollbackRun(runId);
    QVERIFY2(outcome == RunOutcome::RolledBack, qPrintable(summary));
    QVERIFY2(summary.contains(QLatin1String("nothing the run added is left")), qPrintable(summary));
    QVERIFY(!undoneSteps.isEmpty());
    QVERIFY2(undoneSteps.last().startsWith(QLatin1String("Undo: Add column")), qPrintable(undoneSteps.join(QLatin1String(" | "))));
    QCOMPARE(columns(), before);
    QCOMPARE(scalar(connection.database(), QStringLiteral("SELECT sum(total_cents) FROM undone")), qlonglong(7) * Rows * (Rows + 1) / 2);
    // Finished: nothing left to resume or roll back.
    Journal journal(connection);
    QList<Journal::RunRecord> runs;
    QVERIFY(journal.unfinished(&runs, &error));
    QVERIFY(std::none_of(runs.cbegin(), runs.cend(), [&](const Journal::RunRecord &r) { return r.runId == runId; }));
    Runner again(profile);
    again.setPassGates(true);
    connect(&again, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    again.rollbackRun(runId);
    QCOMPARE(outcome, RunOutcome::Failed);
    QVERIFY2(summary.contains(QLatin1String("No unfinished run")), qPrintable(summary));
}

void TestRunner::rollbackRefusedPastPointOfNoReturn()
{
    Plan plan;
    for (const char *title : {"Add column", "Backfill", "Drop the helper CHECK"}) {
        PlanStep step;
        step.title = QString::fromLatin1(title);
        plan.steps << step;
    }
    plan.pointOfNoReturn = 2;
    QVERIFY(RollbackPlan::refusal(plan, {0, 1}).isEmpty());
    QCOMPARE(RollbackPlan::refusal(plan, {0, 1, 2}),
             QStringLiteral("step 3 (Drop the helper CHECK) is past the point of no return: it cannot be undone; resume the run to finish it"));
    QList<Journal::StepRecord> steps(3);
    steps[0].state = Journal::StepState::Done;
    steps[1].state = Journal::StepState::Skipped; // already there before the run: not the run's to undo
    steps[2].state = Journal::StepState::Running; // killed inside it
    QCOMPARE(RollbackPlan::touchedSteps(steps), (QList<int>{0, 2}));
    QVERIFY(!RollbackPlan::refusal(plan, steps).isEmpty()); // cut off inside the step past the point
    steps[2].state = Journal::StepState::Failed; // it failed and rolled itself back
    QVERIFY(RollbackPlan::refusal(plan, steps).isEmpty());
}

// SQLite's rebuild replaces the table: once it committed, a rollback is refused and changes nothing.
void TestRunner::rollbackRefusedAfterSqliteRebuild()
{
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("sqlite"), profile);
    QString why;
    DatabaseConnection connection(profile);
    ConnectionError error;
    Plan plan;
    // NOT NULL with a backfill and no sync: a rebuild in the expand stage; then the UNIQUE index meets duplicates and the run stops.
    QVERIFY2(prepareRun(profile, QStringLiteral("rebuilt"), R"j({"name": "code", "type": "INTEGER", "nullable": false, "sync": false, "backfill": "total_cents / 1000", "unique": true})j",
                        connection, &plan, &why),
             qPrintable(why));
    QCOMPARE(plan.pointOfNoReturn, 0);
    Runner runner(profile);
    runner.setPassGates(true); // gates have tests of their own
    QString runId, summary;
    RunOutcome outcome = RunOutcome::Done;
    connect(&runner, &Runner::runStarted, this, [&](const QString &id) { runId = id; });
    connect(&runner, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    runner.run(plan);
    QCOMPARE(outcome, RunOutcome::Failed);
    QVERIFY2(summary.contains(QLatin1String("No rollback: step 1 (Rebuild rebuilt with the new column) is past the point of no return")),
             qPrintable(summary));
    Runner undo(profile);
    connect(&undo, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    undo.rollbackRun(runId);
    QCOMPARE(outcome, RunOutcome::Failed);
    QVERIFY2(summary.startsWith(QLatin1String("Rollback refused, nothing was changed: step 1")), qPrintable(summary));
    QCOMPARE(scalar(connection.database(), QStringLiteral("SELECT count(*) FROM pragma_table_info('rebuilt') WHERE name = 'code'")), 1);
}

void TestRunner::planMadeElsewhereRefused_data()
{
    QTest::addColumn<QString>("engine"); // where the plan is made
    QTest::addColumn<QString>("elsewhere"); // where it is run: an engine (SQLite: a file of its own), or a fresh database of a server
    QTest::addColumn<QString>("variant"); // the table there, as makeTable makes it; "none": no such table
    QTest::addColumn<QString>("why"); // the refusal, a pattern
    const QString start = QStringLiteral("^Not run, nothing was changed: the plan was made for ");
    const QString end = QStringLiteral(": plan again on this connection\\.\nApplied steps: none\\.$");
    QTest::newRow("postgresql plan on sqlite") << "postgresql" << "sqlite" << ""
                                               << start + "PostgreSQL public\\.elsewhere_\\d+; this connection is SQLite test-\\d+\\.sqlite, another engine" + end;
    QTest::newRow("postgresql plan on another database")
        << "postgresql" << "postgresql-database" << "none"
        << start + "PostgreSQL public\\.elsewhere_\\d+; on this connection \\(PostgreSQL stagecraft_elsewhere at [^)]+\\) it cannot be planned \\(table: .+\\)" + end;
    QTest::newRow("sqlite plan on a file without the table")
        << "sqlite" << "sqlite" << "none" << start + "SQLite main\\.elsewhere_\\d+; on this connection \\(SQLite test-\\d+\\.sqlite\\) it cannot be planned \\(table: .+\\)" + end;
    QTest::newRow("sqlite plan on a table keyed otherwise")
        << "sqlite" << "sqlite" << "without-rowid" << start + "SQLite main\\.elsewhere_\\d+; on this connection \\(SQLite test-\\d+\\.sqlite\\) it would be different" + end;
    // The same table, in a fresh database (no journal there yet): only the engine tells Oracle MySQL and MariaDB apart.
    QTest::newRow("mysql plan on mariadb")
        << "mysql" << "mariadb-database" << "" << start + "MySQL stagecraft_test\\.elsewhere_\\d+; this connection is MariaDB stagecraft_elsewhere at [^,]+, another engine" + end;
}

// A plan runs only where it was made: run on another engine, another database, or a table that
// would get another plan, it is refused before anything is changed there (no journal, no run lock
// left, no step started), and nothing is offered for a rollback.
void TestRunner::planMadeElsewhereRefused()
{
    QFETCH(QString, engine);
    QFETCH(QString, elsewhere);
    QFETCH(QString, variant);
    QFETCH(QString, why);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    static int row = 0;
    const QString table = QStringLiteral("elsewhere_%1").arg(++row);
    QString reason;
    DatabaseConnection connection(profile);
    Plan plan;
    QVERIFY2(prepareRun(profile, table, R"j({"name": "euros", "type": "bigint", "backfill": "total_cents / 100"})j", connection, &plan, &reason),
             qPrintable(reason));
    ConnectionProfile other;
    if (elsewhere == QLatin1String("postgresql-database")) {
        QVERIFY2(TestServers::execute(profile, {QStringLiteral("DROP DATABASE IF EXISTS stagecraft_elsewhere"),
                                                QStringLiteral("CREATE DATABASE stagecraft_elsewhere")},
                                      &reason),
                 qPrintable(reason));
        other = profile;
        other.database = QStringLiteral("stagecraft_elsewhere");
    } else if (elsewhere == QLatin1String("mariadb-database")) {
        STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("mariadb"), other);
        QVERIFY2(TestServers::execute(other, {QStringLiteral("DROP DATABASE IF EXISTS stagecraft_elsewhere"), QStringLiteral("CREATE DATABASE stagecraft_elsewhere")},
                                      &reason),
                 qPrintable(reason));
        other.database = QStringLiteral("stagecraft_elsewhere");
    } else {
        STAGECRAFT_REQUIRE_PROFILE(elsewhere, other);
    }
    if (variant != QLatin1String("none"))
        QVERIFY2(makeTable(other, table, &reason, variant), qPrintable(reason));

    Runner runner(other);
    runner.setPassGates(true); // gates have tests of their own
    std::optional<RunOutcome> outcome;
    QString summary;
    bool started = false;
    connect(&runner, &Runner::runStarted, this, [&] { started = true; });
    connect(&runner, &Runner::stepStarted, this, [&] { started = true; });
    connect(&runner, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    runner.run(plan);
    QVERIFY2(outcome == RunOutcome::Failed, qPrintable(summary));
    QVERIFY(!started); // no run id: nothing to resume or roll back
    QVERIFY2(QRegularExpression(why).match(summary).hasMatch(), qPrintable(summary));

    // Nothing was changed there, and the run lock was let go at once (the runner still lives).
    DatabaseConnection there(other);
    ConnectionError error;
    QVERIFY2(there.open(&error), qPrintable(error.text()));
    QVERIFY(!Journal(there).exists());
    if (other.engine == Engine::SQLite) {
        const QFileInfo file(other.database);
        QCOMPARE(QDir(file.absolutePath()).entryList({file.fileName() + QLatin1String(".*.lock")}), QStringList());
        if (variant != QLatin1String("none"))
            QCOMPARE(scalar(there.database(), QStringLiteral("SELECT count(*) FROM pragma_table_info('%1') WHERE name = 'euros'").arg(table)), 0);
    } else if (other.engine == Engine::PostgreSQL) {
        QCOMPARE(scalar(there.database(), QStringLiteral("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")), 0);
    } else {
        QCOMPARE(scalar(there.database(), QStringLiteral("SELECT IS_USED_LOCK(%1) IS NOT NULL")
                                              .arg(quoteLiteral(other.engine, RunLock::name(plan.table, plan.spec.name)))),
                 0);
    }
    // Where it was made, the same plan runs.
    Runner home(profile);
    home.setPassGates(true);
    connect(&home, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    home.run(plan);
    QVERIFY2(outcome == RunOutcome::Done, qPrintable(summary));
}

void TestRunner::journaledRunElsewhereRefused_data()
{
    QTest::addColumn<QString>("engine"); // where the journal is
    QTest::addColumn<QString>("recordedEngine"); // the run's, as its plan and the journal say
    QTest::addColumn<QString>("recordedDatabase"); // as the journal says; "-": not recorded (a journal of an older Stagecraft)
    QTest::addColumn<QString>("why"); // a pattern
    QTest::newRow("sqlite journal, a postgresql run")
        << "sqlite" << "postgresql" << "shop"
        << "it was recorded on PostgreSQL shop at db\\.example\\.com:5432, and this connection is SQLite test-\\d+\\.sqlite, another engine";
    QTest::newRow("sqlite journal of an older stagecraft, a postgresql run")
        << "sqlite" << "postgresql" << "-"
        << "it was recorded on PostgreSQL \\(database not recorded\\), and this connection is SQLite test-\\d+\\.sqlite, another engine";
    QTest::newRow("sqlite file copied under another name")
        << "sqlite" << "sqlite" << "original.sqlite"
        << "it was recorded on SQLite original\\.sqlite, and this connection is SQLite test-\\d+\\.sqlite, another database";
    QTest::newRow("postgresql, another database's run")
        << "postgresql" << "postgresql" << "shop" << "it was recorded on PostgreSQL shop at db\\.example\\.com:5432, and this connection is "
                                                     "PostgreSQL postgres at [^,]+, another database";
    QTest::newRow("mariadb, another database's run")
        << "mariadb" << "mariadb" << "shop" << "it was recorded on MariaDB shop at db\\.example\\.com:5432, and this connection is "
                                               "MariaDB [^ ]+ at [^,]+, another database";
    QTest::newRow("mysql, another database's run")
        << "mysql" << "mysql" << "shop" << "it was recorded on MySQL shop at db\\.example\\.com:5432, and this connection is "
                                           "MySQL [^ ]+ at [^,]+, another database";
    // Both speak the same protocol and SQL: only the engine the journal recorded tells them apart.
    QTest::newRow("mysql journal, a mariadb run")
        << "mysql" << "mariadb" << "shop" << "it was recorded on MariaDB shop at db\\.example\\.com:5432, and this connection is "
                                             "MySQL [^ ]+ at [^,]+, another engine";
}

// A run found in the journal that was recorded on another engine or database (the journal of a
// plan run where it was not made, a database copied or restored under another name) is neither
// resumed nor rolled back there: both are refused and change nothing, the journal included.
void TestRunner::journaledRunElsewhereRefused()
{
    QFETCH(QString, engine);
    QFETCH(QString, recordedEngine);
    QFETCH(QString, recordedDatabase);
    QFETCH(QString, why);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY2(connection.open(&error), qPrintable(error.text()));
    const bool older = recordedDatabase == QLatin1String("-");
    if (older) // the journal as Stagecraft made it before runs recorded where they were made
        QVERIFY2(TestServers::execute(profile, {QStringLiteral("CREATE TABLE stagecraft_runs (run_id varchar(40) NOT NULL PRIMARY KEY, "
                                                               "table_name varchar(300) NOT NULL, column_name varchar(300) NOT NULL, "
                                                               "state varchar(16) NOT NULL, plan text NOT NULL, started_at varchar(40) NOT NULL, "
                                                               "updated_at varchar(40) NOT NULL)"),
                                                QStringLiteral("CREATE TABLE stagecraft_steps (run_id varchar(40) NOT NULL, step integer NOT NULL, "
                                                               "state varchar(16) NOT NULL, rows_done bigint NOT NULL DEFAULT 0, last_key text, "
                                                               "attempts integer NOT NULL DEFAULT 0, error text, updated_at varchar(40) NOT NULL, "
                                                               "PRIMARY KEY (run_id, step))")},
                                      &error.explanation),
                 qPrintable(error.explanation));
    Journal journal(connection);

    // Two steps, the first done: a resume would create the one marker table, a rollback the other.
    PlanOrigin recorded;
    for (const Engine e : {Engine::PostgreSQL, Engine::MySQL, Engine::MariaDB, Engine::SQLite})
        if (engineName(e).toLower() == recordedEngine)
            recorded.engine = e;
    QCOMPARE(engineName(recorded.engine).toLower(), recordedEngine);
    recorded.server = recorded.engine == Engine::SQLite ? QStringLiteral("/elsewhere/original.sqlite") : QStringLiteral("db.example.com:5432");
    recorded.database = recordedDatabase;
    Plan plan;
    plan.engine = recorded.engine;
    plan.table = {recorded.engine == Engine::SQLite ? QStringLiteral("main") : recordedDatabase, QStringLiteral("journaled")};
    plan.spec.table = plan.table;
    plan.spec.name = QStringLiteral("euros");
    PlanStep add;
    add.title = QStringLiteral("Add column euros");
    add.sql = {QStringLiteral("CREATE TABLE journaled_added (id int)")};
    add.rollbackSql = {QStringLiteral("CREATE TABLE journaled_undone (id int)")};
    PlanStep next;
    next.title = QStringLiteral("Backfill euros");
    next.sql = {QStringLiteral("CREATE TABLE journaled_resumed (id int)")};
    plan.steps = {add, next};
    QString runId;
    QVERIFY2(JournalFixture::record(profile, plan, recorded, &runId, &error.explanation), qPrintable(error.explanation));

    for (const bool rollback : {false, true}) {
        Runner runner(profile);
        runner.setPassGates(true); // gates have tests of their own
        std::optional<RunOutcome> outcome;
        QString summary;
        bool started = false;
        connect(&runner, &Runner::runStarted, this, [&] { started = true; });
        connect(&runner, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
        rollback ? runner.rollbackRun(runId) : runner.resumeRun(runId);
        QVERIFY2(outcome == RunOutcome::Failed, qPrintable(summary));
        QVERIFY(!started);
        QVERIFY2(QRegularExpression(QStringLiteral("^Run %1 is neither resumed nor rolled back here, nothing was changed: %2\\. Connect to where it "
                                                   "was made to resume or roll it back\\.$")
                                        .arg(runId, why))
                     .match(summary)
                     .hasMatch(),
                 qPrintable(summary));
    }
    // Nothing ran, and the journal says what it said.
    QSqlQuery q(connection.database());
    for (const char *marker : {"journaled_undone", "journaled_resumed"})
        QVERIFY2(!q.exec(QStringLiteral("SELECT 1 FROM %1").arg(QLatin1String(marker))), marker);
    QList<Journal::RunRecord> runs;
    QVERIFY2(journal.unfinished(&runs, &error), qPrintable(error.text()));
    const auto found = std::find_if(runs.cbegin(), runs.cend(), [&](const Journal::RunRecord &r) { return r.runId == runId; });
    QVERIFY(found != runs.cend());
    QCOMPARE(found->state, QStringLiteral("failed"));
    QCOMPARE(found->steps.size(), 2);
    QCOMPARE(found->steps.at(0).state, Journal::StepState::Done);
    QCOMPARE(found->steps.at(1).state, Journal::StepState::Pending);
    QCOMPARE(found->steps.at(1).attempts, 0);
    QCOMPARE(found->origin.engine, recorded.engine);
    QCOMPARE(found->origin.database, older ? QString() : recordedDatabase);
    if (older) {
        // An older journal keeps working: the columns are added by the next run's ensure(), its
        // earlier runs' origin unknown but for their plan's engine.
        const QString columns = QStringLiteral("SELECT count(*) FROM pragma_table_info('stagecraft_runs') WHERE name IN "
                                               "('engine_name', 'server_address', 'database_name')");
        QCOMPARE(scalar(connection.database(), columns), 0);
        QVERIFY2(journal.ensure(&error), qPrintable(error.text()));
        QCOMPARE(scalar(connection.database(), columns), 3);
        QVERIFY(journal.unfinished(&runs, &error));
        QCOMPARE(runs.size(), 1);
        QCOMPARE(runs.first().origin.engine, Engine::PostgreSQL);
        QVERIFY(runs.first().origin.database.isEmpty());
    }
}

QTEST_GUILESS_MAIN(TestRunner)
#include "testrunner.moc"
