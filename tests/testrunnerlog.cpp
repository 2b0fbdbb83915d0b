// What the runner's log says about sessions that may delay a step, and that it agrees with the
// pre-flight: on the real PostgreSQL server, a session idle in a transaction in another database
// is not named; one in this database holding a lock on the table is, properly.

#include "catalog/catalogreader.h"
#include "connection/databaseconnection.h"
#include "plan/planner.h"
#include "plan/specvalidator.h"
#include "run/runner.h"
#include "sql/quoting.h"
#include "testservers.h"

#include "specplan.h"
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTest>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>

Q_DECLARE_METATYPE(Stagecraft::BlockingSession)

using namespace Stagecraft;
using namespace Stagecraft::Testing;

namespace {

// Another session, from a thread of its own, that opens a transaction, runs one statement and
// stays idle in it until release(): an application that forgot to commit.
class IdleInTransaction
{
public:
    IdleInTransaction(const ConnectionProfile &profile, const QString &statement)
    {
        m_done = QtConcurrent::run([this, profile, statement] {
            DatabaseConnection c(profile);
            ConnectionError e;
            if (!c.open(&e))
                return;
            QSqlQuery q(c.database());
            if (!q.exec(QStringLiteral("SELECT pg_backend_pid()")) || !q.next())
                return;
            m_pid = q.value(0).toLongLong();
            q.exec(QStringLiteral("BEGIN"));
            q.exec(statement);
            m_holding = true;
            while (!m_release)
                QThread::msleep(20);
            q.exec(QStringLiteral("COMMIT"));
        });
    }
    ~IdleInTransaction()
    {
        m_release = true;
        m_done.waitForFinished();
    }
    [[nodiscard]] bool holding() const { return m_holding; }
    [[nodiscard]] qint64 pid() const { return m_pid; }

private:
    std::atomic<bool> m_holding{false}, m_release{false};
    std::atomic<qint64> m_pid{0};
    QFuture<void> m_done;
};

bool planFor(const ConnectionProfile &profile, const QString &table, Plan *plan, QString *why)
{
    return planSpec(profile, QStringLiteral(R"j({"table": "public.%1", "column": {"name": "note", "type": "text"}})j").arg(table).toUtf8(),
                    RunSettings{}, plan, why);
}

// The pre-flight's sessions on the table (as Pre-flight Checks asks).
QList<BlockingSession> preflight(const ConnectionProfile &profile, const TableRef &table, QString *why)
{
    DatabaseConnection c(profile);
    ConnectionError e;
    QList<BlockingSession> sessions;
    if (!c.open(&e) || !CatalogReader::create(c)->blockingSessions(table, &sessions, &e))
        *why = e.text();
    return sessions;
}

} // namespace

class TestRunnerLog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<RunOutcome>(); }
    void cleanupTestCase() { TestServers::stopAll(); }
    void describe_data();
    void describe();
    void sessionInAnotherDatabaseIsNotNamed();
    void sessionHoldingTheTableIsNamed();
};

void TestRunnerLog::describe_data()
{
    QTest::addColumn<BlockingSession>("session");
    QTest::addColumn<QString>("text");
    BlockingSession holder;
    holder.pid = 4242;
    holder.user = QStringLiteral("shop");
    holder.application = QStringLiteral("psql");
    holder.state = QStringLiteral("idle in transaction");
    holder.transactionSeconds = 12.34;
    holder.query = QStringLiteral("SELECT count(*)\n  FROM orders");
    holder.locks = {QStringLiteral("AccessShareLock")};
    QTest::newRow("holds a lock") << holder
                                  << QStringLiteral("session 4242 (shop, psql): idle in transaction; transaction open for 12.3 s; "
                                                    "holds AccessShareLock; last statement: SELECT count(*) FROM orders");
    BlockingSession old = holder;
    old.locks.clear();
    old.application.clear();
    QTest::newRow("no lock on the table") << old
                                          << QStringLiteral("session 4242 (shop): idle in transaction; transaction open for 12.3 s; "
                                                            "holds no lock on the table; last statement: SELECT count(*) FROM orders");
    BlockingSession waiting;
    waiting.pid = 7;
    waiting.state = QStringLiteral("active");
    waiting.locks = {QStringLiteral("metadata lock SHARED_READ (waiting)")};
    waiting.waiting = true;
    QTest::newRow("waiting, no transaction, no statement")
        << waiting << QStringLiteral("session 7: active; holds metadata lock SHARED_READ (waiting); waiting for a lock");
    BlockingSession sqlite; // SQLite names no session
    sqlite.state = QStringLiteral("holds the write lock");
    sqlite.query = QStringLiteral("database is locked");
    sqlite.locks = {QStringLiteral("RESERVED")};
    QTest::newRow("sqlite") << sqlite
                            << QStringLiteral("another connection: holds the write lock; holds RESERVED; last statement: database is locked");
}

void TestRunnerLog::describe()
{
    QFETCH(BlockingSession, session);
    QFETCH(QString, text);
    QCOMPARE(Runner::describe(session), text);
}

// An idle transaction in another database of the same server, open longer than the 5 s after
// which one in this database would count: neither the pre-flight nor the run's log names it.
void TestRunnerLog::sessionInAnotherDatabaseIsNotNamed()
{
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("postgresql"), profile);
    QString why;
    QVERIFY2(TestServers::execute(profile, {QStringLiteral("DROP DATABASE IF EXISTS stagecraft_log_other"),
                                            QStringLiteral("CREATE DATABASE stagecraft_log_other"),
                                            QStringLiteral("DROP TABLE IF EXISTS log_quiet"),
                                            QStringLiteral("CREATE TABLE log_quiet (id bigint PRIMARY KEY, total_cents int NOT NULL)"),
                                            QStringLiteral("INSERT INTO log_quiet SELECT g, g FROM generate_series(1, 1000) g")},
                                  &why),
             qPrintable(why));
    ConnectionProfile other = profile;
    other.database = QStringLiteral("stagecraft_log_other");
    // A table of the same name there, read in the transaction: its lock is on another database's table.
    QVERIFY2(TestServers::execute(other, {QStringLiteral("CREATE TABLE log_quiet (id bigint)")}, &why), qPrintable(why));
    IdleInTransaction elsewhere(other, QStringLiteral("SELECT count(*) FROM log_quiet"));
    QTRY_VERIFY(elsewhere.holding());
    QTest::qWait(5500); // older than the 5 s after which a transaction in this database counts

    const TableRef table{QStringLiteral("public"), QStringLiteral("log_quiet")};
    QCOMPARE(preflight(profile, table, &why).size(), 0);
    QVERIFY2(why.isEmpty(), qPrintable(why));
    Plan plan;
    QVERIFY2(planFor(profile, QStringLiteral("log_quiet"), &plan, &why), qPrintable(why));
    Runner runner(profile);
    runner.setPassGates(true);
    QStringList logged;
    RunOutcome outcome = RunOutcome::Failed;
    QString summary;
    connect(&runner, &Runner::blockersFound, this, [&](int step, const QList<BlockingSession> &sessions) {
        for (const BlockingSession &s : sessions)
            logged << QStringLiteral("step %1: %2").arg(step + 1).arg(Runner::describe(s));
    });
    connect(&runner, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    runner.run(plan);
    QVERIFY2(outcome == RunOutcome::Done, qPrintable(summary));
    QVERIFY2(logged.isEmpty(), qPrintable(logged.join(QLatin1Char('\n'))));
    QVERIFY(elsewhere.holding()); // it was there all along
}

// A session in this database, idle in a transaction that read the table: the pre-flight and the
// log both name it, with the lock it holds, its state and its statement.
void TestRunnerLog::sessionHoldingTheTableIsNamed()
{
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("postgresql"), profile);
    QString why;
    QVERIFY2(TestServers::execute(profile, {QStringLiteral("DROP TABLE IF EXISTS log_held"),
                                            QStringLiteral("CREATE TABLE log_held (id bigint PRIMARY KEY, total_cents int NOT NULL)"),
                                            QStringLiteral("INSERT INTO log_held SELECT g, g FROM generate_series(1, 1000) g")},
                                  &why),
             qPrintable(why));
    IdleInTransaction holder(profile, QStringLiteral("SELECT count(*) FROM log_held"));
    QTRY_VERIFY(holder.holding());
    const TableRef table{QStringLiteral("public"), QStringLiteral("log_held")};
    const QList<BlockingSession> found = preflight(profile, table, &why);
    QVERIFY2(why.isEmpty(), qPrintable(why));
    QCOMPARE(found.size(), 1);
    QCOMPARE(found.first().pid, holder.pid());

    Plan plan;
    QVERIFY2(planFor(profile, QStringLiteral("log_held"), &plan, &why), qPrintable(why));
    RunSettings options;
    options.onBlockers = BlockerPolicy::Stop; // named, then stopped: nothing waits on the lock
    Runner runner(profile, options);
    runner.setPassGates(true);
    QStringList logged;
    RunOutcome outcome = RunOutcome::Done;
    QString summary;
    connect(&runner, &Runner::blockersFound, this, [&](int step, const QList<BlockingSession> &sessions) {
        for (const BlockingSession &s : sessions)
            logged << QStringLiteral("step %1 may wait for %2").arg(step + 1).arg(Runner::describe(s));
    });
    connect(&runner, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    runner.run(plan);
    QVERIFY2(outcome == RunOutcome::Failed, qPrintable(summary));
    QCOMPARE(logged.size(), 1);
    const QRegularExpression line(QStringLiteral("^step 1 may wait for session %1 \\(%2(, [^)]+)?\\): idle in transaction; transaction open for "
                                                 "\\d+\\.\\d s; holds AccessShareLock; last statement: SELECT count\\(\\*\\) FROM log_held$")
                                      .arg(holder.pid())
                                      .arg(QRegularExpression::escape(profile.user)));
    QVERIFY2(line.match(logged.first()).hasMatch(), qPrintable(logged.first()));
}

QTEST_GUILESS_MAIN(TestRunnerLog)
#include "testrunnerlog.moc"
