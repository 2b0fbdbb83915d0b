// The MySQL and MariaDB planner's claims, proved on real servers (issue 14). Each row plans a new
// column for the server's own version, as the runner would, and runs the plan's steps one by one on
// a server of the test's own with performance_schema on (the backfill runs too, unchecked, so that
// the steps after it can). Every other step, statement by statement, is checked:
//  (a) its ALGORITHM / LOCK clause is accepted: the statements run;
//  (b) the metadata locks it claims are those performance_schema.metadata_locks shows: what the
//      statement holds and what it waits for while a transaction that read the table (for a lock no
//      reader blocks, a LOCK TABLES ... WRITE) holds it up, and, on MySQL, what it holds while it
//      rebuilds or copies the table;
//  (c) a reader and a writer (an UPDATE) that come while it waits for its exclusive lock queue
//      behind it (what "exclusive briefly" costs), and one that comes while it rebuilds, copies or
//      builds an index waits exactly when the step claims to block reads or writes for longer than
//      a catalog change (PlanStep::lockHeldSeconds);
//  (d) InnoDB's TABLE_ID changes exactly when the step claims to rewrite the table.
// rowVersionLimit drives a table to MySQL's instant row-version limit for real. What the servers
// contradicted is recorded in app/plan/mysqlplanner.cpp.
//
// The table has some tens of thousands of rows, so that a rebuild or an index build lasts long enough
// (a few hundred milliseconds here) for a writer to be tried while it runs; a step that claims a
// build and was over before one could be tried fails, rather than passing unseen.
//
// What is not checked, because it cannot be seen reliably: how long "briefly" is (the exclusive
// moment of an instant change, a trigger or a foreign key lasts milliseconds, too short to meet a
// writer; what it costs is shown by the readers and writers queued behind its wait), and whether
// the exclusive lock an in-place rebuild takes at its end is taken (too short, and nothing holds
// it up there: only the one at its start is seen). ANALYZE blocks nothing: shown by what it asks
// for (SHARED_READ) while a LOCK TABLES holds it up, not by a writer meeting it.

#include "catalog/catalogreader.h"
#include "connection/databaseconnection.h"
#include "plan/costmodel.h"
#include "plan/planner.h"
#include "run/backfillbatch.h"
#include "sql/quoting.h"
#include "testservers.h"
#include "threadedsession.h"

#include <QDeadlineTimer>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QThread>

#include <map>
#include <memory>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

class TestMySqlClaims : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanupTestCase();
    void claims_data();
    void claims();
    void rowVersionLimit_data();
    void rowVersionLimit();
};

namespace {

const int Rows = 30000;

// The servers this test starts for itself, by the names TestServers::profileFor takes ("mysql",
// "mariadb", "mariadb-10.11"). The shared servers run without performance_schema (MySqlTestServer
// turns it off, MariaDB has it off), and it cannot be turned on while a server runs. Each is
// started on first use and shared by the rows that name it.
std::map<QString, std::unique_ptr<TestServer>> &ownServers()
{
    static std::map<QString, std::unique_ptr<TestServer>> servers;
    return servers;
}

TestServer *ownServer(const QString &name, QString *why)
{
    auto &servers = ownServers();
    if (const auto found = servers.find(name); found != servers.end()) {
        if (!found->second)
            *why = QStringLiteral("the %1 server did not start before").arg(name);
        return found->second.get();
    }
    std::unique_ptr<TestServer> server = TestServers::make(name);
    const Engine e = TestServers::engineOf(name);
    if (!server || (e != Engine::MySQL && e != Engine::MariaDB)) {
        *why = QStringLiteral("no MySQL or MariaDB server called '%1'").arg(name);
        return nullptr;
    }
    // MariaDB's metadata-lock instrument is off by default.
    server->setExtraArguments(e == Engine::MariaDB ? QStringList{QStringLiteral("--performance-schema=ON"),
                                                                 QStringLiteral("--performance-schema-instrument=wait/lock/metadata/sql/mdl=ON")}
                                                   : QStringList{QStringLiteral("--performance-schema=ON")});
    if (!server->start(why))
        server.reset();
    return (servers[name] = std::move(server)).get();
}

// What a claim means on the server, as the test sees it.
struct Meaning
{
    // The statement's locks on the table, "TYPE STATUS" sorted, once it waits behind the holder.
    QStringList firstWait;
    // MySQL: the lock it holds while it rebuilds, copies or builds; empty: nothing is built.
    QString building;
    // Held up by LOCK TABLES ... WRITE instead of a transaction that read the table: a lock that no
    // reader blocks.
    bool lockTables = false;
    // What MariaDB's performance_schema shows instead, where it differs: it keeps the type a ticket
    // was granted with when the server upgrades it from SHARED_UPGRADABLE to SHARED_NO_WRITE for a
    // copy (or downgrades it after preparing a rebuild in place), so there the writer that waits
    // while the table is copied is the proof of SHARED_NO_WRITE.
    QStringList firstWaitMariaDb = firstWait;
};

// Every claim the planner makes, with what it means; a claim missing here fails the row, so that
// a new wording is proved before it is shown.
const QHash<QString, Meaning> &meanings()
{
    const QString su = QStringLiteral("SHARED_UPGRADABLE"), snw = QStringLiteral("SHARED_NO_WRITE");
    const QStringList waitsFromSu{QStringLiteral("EXCLUSIVE PENDING"), su + QLatin1String(" GRANTED")};
    const QStringList waitsFromSnw{QStringLiteral("EXCLUSIVE PENDING"), snw + QLatin1String(" GRANTED")};
    static const QHash<QString, Meaning> meanings = {
        {QStringLiteral("metadata lock: shared upgradable, then exclusive briefly"), {waitsFromSu, {}}},
        {QStringLiteral("metadata lock: shared upgradable; exclusive briefly at start and end"), {waitsFromSu, su}},
        {QStringLiteral("metadata lock: shared upgradable for the whole copy, then exclusive briefly"), {waitsFromSu, su}},
        // The copy runs beside the holder and waits for the exclusive lock at its end.
        {QStringLiteral("metadata lock: shared no-write for the whole copy, then exclusive briefly"), {waitsFromSnw, snw, false, waitsFromSu}},
        {QStringLiteral("metadata lock: shared upgradable; exclusive briefly at start and end; shared no-write for the whole rebuild"),
         {waitsFromSu, snw}},
        {QStringLiteral("metadata lock: shared no-write, then exclusive briefly"), {waitsFromSnw, {}}},
        {QStringLiteral("metadata lock: shared read"), {{QStringLiteral("SHARED_READ PENDING")}, {}, true}},
    };
    return meanings;
}

// The sessions' metadata locks on tables ("schema.table" -> "TYPE STATUS") and states, at one moment.
struct Sample
{
    QHash<qint64, QString> state;
    QHash<qint64, QHash<QString, QStringList>> locks;

    [[nodiscard]] QStringList on(qint64 id, const QString &relation) const
    {
        QStringList l = locks.value(id).value(relation);
        l.sort();
        return l;
    }
    [[nodiscard]] QString pending(qint64 id, const QString &relation) const
    {
        for (const QString &l : locks.value(id).value(relation)) {
            if (l.endsWith(QLatin1String(" PENDING")))
                return l.section(QLatin1Char(' '), 0, 0);
        }
        return {};
    }
    [[nodiscard]] bool pendingAnywhere(qint64 id) const
    {
        for (const QStringList &l : locks.value(id)) {
            if (std::any_of(l.cbegin(), l.cend(), [](const QString &s) { return s.endsWith(QLatin1String(" PENDING")); }))
                return true;
        }
        return false;
    }
    // Rebuilding, copying or building an index of the table, holding no exclusive lock on it and
    // waiting for none (MySQL holds one on the copy's temporary name meanwhile).
    [[nodiscard]] bool building(qint64 id, const QString &relation) const
    {
        const QString s = state.value(id);
        if (!s.startsWith(QLatin1String("alter table (")) && s != QLatin1String("copy to tmp table"))
            return false;
        const QStringList l = locks.value(id).value(relation);
        return !pendingAnywhere(id) && std::none_of(l.cbegin(), l.cend(), [](const QString &s) { return s.startsWith(QLatin1String("EXCLUSIVE ")); });
    }
};

Sample sample(QSqlDatabase db, const QList<qint64> &ids)
{
    QStringList list;
    for (qint64 id : ids)
        list << QString::number(id);
    Sample s;
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT t.PROCESSLIST_ID, t.PROCESSLIST_STATE, CONCAT(m.OBJECT_SCHEMA, '.', m.OBJECT_NAME), "
                               "m.LOCK_TYPE, m.LOCK_STATUS FROM performance_schema.threads t "
                               "LEFT JOIN performance_schema.metadata_locks m ON m.OWNER_THREAD_ID = t.THREAD_ID "
                               "AND m.OBJECT_TYPE = 'TABLE' WHERE t.PROCESSLIST_ID IN (%1)").arg(list.join(QLatin1Char(',')))))
        qWarning("performance_schema: %s", qPrintable(q.lastError().text()));
    while (q.next()) {
        const qint64 id = q.value(0).toLongLong();
        s.state[id] = q.value(1).toString();
        if (!q.value(2).isNull())
            s.locks[id][q.value(2).toString()] << q.value(3).toString() + QLatin1Char(' ') + q.value(4).toString();
    }
    return s;
}

QString tableId(QSqlDatabase db, Engine engine, const QString &schema, const QString &table)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT TABLE_ID FROM information_schema.%1 WHERE NAME = CONCAT(?, '/', ?)")
                  .arg(engine == Engine::MySQL ? QStringLiteral("INNODB_TABLES") : QStringLiteral("INNODB_SYS_TABLES")));
    q.addBindValue(schema);
    q.addBindValue(table);
    return q.exec() && q.next() ? q.value(0).toString() : QStringLiteral("error: ") + q.lastError().text();
}

// The rows every fixture copies, and the table a foreign key references: made once per server.
bool prepareServer(const ConnectionProfile &profile, const QString &name, QString *why)
{
    static QSet<QString> prepared;
    if (prepared.contains(name))
        return true;
    const Engine e = profile.engine;
    QStringList sql{QStringLiteral("CREATE TABLE claims_rows (id bigint PRIMARY KEY, customer_id bigint NOT NULL, total_cents int NOT NULL, "
                                   "pad varchar(200) NOT NULL)"),
                    QStringLiteral("CREATE TABLE coupons (id bigint PRIMARY KEY, label varchar(20))")};
    const QString fill = QStringLiteral("SELECT i, i % 97, i * 7, REPEAT('x', 150) FROM ");
    if (e == Engine::MySQL) // no sequence tables: a recursive CTE
        sql << QStringLiteral("SET SESSION cte_max_recursion_depth = %1").arg(Rows + 1)
            << QStringLiteral("INSERT INTO claims_rows WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < %1) ")
                       .arg(Rows) + fill + QLatin1String("g")
            << QStringLiteral("INSERT INTO coupons (id) SELECT id FROM claims_rows WHERE id <= 100");
    else
        sql << QStringLiteral("INSERT INTO claims_rows ") + fill + QStringLiteral("(SELECT seq AS i FROM seq_1_to_%1) g").arg(Rows)
            << QStringLiteral("INSERT INTO coupons (id) SELECT seq FROM seq_1_to_100");
    if (!TestServers::execute(profile, sql, why))
        return false;
    prepared << name;
    return true;
}

// The table a row plans for: "" (a primary key), "no-key", "fulltext", "two-fulltext", "compressed".
QStringList fixture(Engine e, const QString &table, const QString &variant)
{
    const QString t = quoteIdentifier(e, table);
    const QString key = variant == QLatin1String("no-key") ? QStringLiteral("id bigint NOT NULL") : QStringLiteral("id bigint PRIMARY KEY");
    QString fulltext;
    if (variant == QLatin1String("fulltext"))
        fulltext = QStringLiteral(", notes text, FULLTEXT KEY notes_ft (notes)");
    else if (variant == QLatin1String("two-fulltext"))
        fulltext = QStringLiteral(", notes text, remarks text, FULLTEXT KEY notes_ft (notes), FULLTEXT KEY remarks_ft (remarks)");
    const QString options = variant == QLatin1String("compressed") ? QStringLiteral(" ROW_FORMAT=COMPRESSED") : QString();
    return {QStringLiteral("CREATE TABLE %1 (%2, customer_id bigint NOT NULL, total_cents int NOT NULL, pad varchar(200) NOT NULL%3)%4")
                .arg(t, key, fulltext, options),
            QStringLiteral("INSERT INTO %1 (id, customer_id, total_cents, pad) SELECT id, customer_id, total_cents, pad FROM claims_rows").arg(t),
            QStringLiteral("ANALYZE TABLE %1").arg(t)};
}

// A reader and a writer of a table (the row's, or the one its foreign key references), each
// touching one row and nothing a new column or constraint could refuse.
struct Traffic
{
    QString read;
    QString write; // queued behind an exclusive lock
    QString writeWhileBuilding; // another row: the writer above may still hold its own
};

} // namespace

void TestMySqlClaims::cleanupTestCase()
{
    ownServers().clear();
}

void TestMySqlClaims::claims_data()
{
    QTest::addColumn<QString>("server"); // a name TestServers::profileFor takes
    QTest::addColumn<QString>("variant"); // the table (fixture())
    QTest::addColumn<QString>("column"); // the spec's column object
    QTest::addColumn<int>("targetVersion"); // 0: the server's own
    QTest::addColumn<QString>("rules"); // rules the plan must have, so that the row keeps proving them
    struct Row
    {
        const char *server, *name, *variant, *spec, *rules;
        int targetVersion = 0;
    };
    const char *nullable = R"j({"name": "note", "type": "varchar(20)"})j";
    const char *literalAfter = R"j({"name": "status", "type": "varchar(20)", "nullable": false, "default": {"literal": "new"}, "after": "id"})j";
    const char *notNullBackfill = R"j({"name": "total_eur", "type": "decimal(12,2)", "nullable": false, "backfill": "total_cents / 100"})j";
    const char *backfill = R"j({"name": "total_eur", "type": "decimal(12,2)", "backfill": "total_cents / 100"})j";
    const char *uuidNotNullUnique =
        R"j({"name": "public_id", "type": "char(36)", "nullable": false, "default": {"expression": "uuid()"}, "unique": true})j";
    const char *checkIndex =
        R"j({"name": "priority", "type": "smallint", "default": {"literal": "0"}, "check": "priority BETWEEN 0 AND 9", "index": true})j";
    const char *foreignKey = R"j({"name": "coupon_id", "type": "bigint", "references": {"table": "coupons", "column": "id"}})j";
    const Row rows[] = {
        {"mysql", "nullable", "", nullable, "mysql.add-column.instant,mysql.verify.analyze"},
        {"mysql", "literal-not-null-after", "", literalAfter, "mysql.add-column.instant"},
        {"mysql", "fulltext-not-null-backfill", "fulltext", notNullBackfill,
         "mysql.add-column.fulltext-copy,mysql.sync.trigger,mysql.not-null.fulltext-copy,mysql.sync.drop"},
        {"mysql", "no-key-backfill", "no-key", backfill, "mysql.add-column.instant,mysql.backfill.limit"},
        {"mysql", "compressed", "compressed", nullable, "mysql.add-column.inplace"},
        {"mysql", "uuid-not-null-unique", "", uuidNotNullUnique,
         "mysql.add-column.instant,mysql.expression-default.set-default,mysql.not-null.inplace,mysql.index.inplace"},
        {"mysql", "check-index", "", checkIndex, "mysql.check.copy,mysql.index.inplace"},
        {"mysql", "foreign-key", "", foreignKey, "mysql.index.inplace,mysql.foreign-key.checks-off"},

        {"mariadb", "nullable", "", nullable, "mariadb.add-column.instant,mysql.verify.analyze"},
        {"mariadb", "literal-not-null-after", "", literalAfter, "mariadb.add-column.instant"},
        {"mariadb", "fulltext-not-null-backfill", "fulltext", notNullBackfill,
         "mariadb.add-column.fulltext-online-copy,mariadb.sync.trigger,mariadb.sync.drop,mariadb.not-null.fulltext-online-copy"},
        // The plan for 10.6 (in place with LOCK=SHARED), as 11.8 runs it: what 10.6 itself does rests
        // on MariaDB's documentation.
        {"mariadb", "fulltext-not-null-plan-for-10-6", "fulltext", notNullBackfill,
         "mariadb.add-column.fulltext-shared,mariadb.not-null.fulltext-shared", 100621},
        // Two FULLTEXT indexes: 11.8 refuses the rebuild in place, so 10.6's plan copies the table.
        {"mariadb", "two-fulltext-plan-for-10-6", "two-fulltext", nullable, "mariadb.add-column.fulltext-copy", 100621},
        {"mariadb", "no-key-backfill", "no-key", backfill, "mariadb.add-column.instant,mysql.backfill.limit"},
        {"mariadb", "compressed", "compressed", nullable, "mariadb.add-column.inplace"},
        {"mariadb", "uuid-not-null-unique", "", uuidNotNullUnique,
         "mariadb.add-column.instant,mysql.expression-default.set-default,mysql.not-null.inplace,mariadb.index.nocopy"},
        {"mariadb", "check-index", "", checkIndex, "mariadb.check.copy-online,mariadb.index.nocopy"},
        {"mariadb", "foreign-key", "", foreignKey, "mariadb.index.nocopy,mysql.foreign-key.checks-off"},

        // MariaDB 10.11: before 11.2, a FULLTEXT table is rebuilt in place with LOCK=SHARED (two
        // indexes: copied), a CHECK copies the table with LOCK=SHARED.
        {"mariadb-10.11", "nullable", "", nullable, "mariadb.add-column.instant,mysql.verify.analyze"},
        {"mariadb-10.11", "fulltext-not-null-backfill", "fulltext", notNullBackfill,
         "mariadb.add-column.fulltext-shared,mariadb.sync.trigger,mariadb.sync.drop,mariadb.not-null.fulltext-shared"},
        {"mariadb-10.11", "two-fulltext", "two-fulltext", nullable, "mariadb.add-column.fulltext-copy"},
        {"mariadb-10.11", "compressed", "compressed", nullable, "mariadb.add-column.inplace"},
        {"mariadb-10.11", "uuid-not-null-unique", "", uuidNotNullUnique,
         "mariadb.add-column.instant,mysql.expression-default.set-default,mysql.not-null.inplace,mariadb.index.nocopy"},
        {"mariadb-10.11", "check-index", "", checkIndex, "mysql.check.copy,mariadb.index.nocopy"},
        {"mariadb-10.11", "foreign-key", "", foreignKey, "mariadb.index.nocopy,mysql.foreign-key.checks-off"},
    };
    for (const Row &r : rows)
        QTest::newRow(qPrintable(QStringLiteral("%1/%2").arg(QLatin1String(r.server), QLatin1String(r.name))))
            << QString::fromLatin1(r.server) << QString::fromLatin1(r.variant) << QString::fromUtf8(r.spec) << r.targetVersion
            << QString::fromLatin1(r.rules);
}

void TestMySqlClaims::claims()
{
    QFETCH(QString, server);
    QFETCH(QString, variant);
    QFETCH(QString, column);
    QFETCH(int, targetVersion);
    QFETCH(QString, rules);
    QString why;
    TestServer *own = ownServer(server, &why);
    STAGECRAFT_REQUIRE(own, server, why);
    const ConnectionProfile profile = own->profile();
    QVERIFY2(prepareServer(profile, server, &why), qPrintable(why));
    const QString table = QStringLiteral("claims_")
        + QString::fromLatin1(QTest::currentDataTag()).section(QLatin1Char('/'), 1).replace(QLatin1Char('-'), QLatin1Char('_'));
    const Engine e = profile.engine;
    QVERIFY2(TestServers::execute(profile, fixture(e, table, variant), &why), qPrintable(why));

    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY2(connection.open(&error), qPrintable(error.text()));
    QSqlDatabase db = connection.database();
    auto reader = CatalogReader::create(connection);
    PlannerInput input;
    input.server = connection.server();
    input.targetVersion = targetVersion;
    QList<SpecProblem> problems;
    QVERIFY(ColumnSpec::fromJson(QStringLiteral(R"j({"table": "%1.%2", "column": %3})j").arg(profile.database, table, column).toUtf8(),
                                 &input.spec, &problems));
    input.spec.referencedTable.schema = profile.database;
    QVERIFY2(reader->describeTable(input.spec.table, &input.table, &error), qPrintable(error.text()));
    if (input.spec.defaultKind == ColumnSpec::DefaultKind::Expression)
        QVERIFY2(reader->probeDefault(input.spec.type, input.spec.defaultValue, &input.defaultProbe, &error), qPrintable(error.text()));
    QVERIFY2(reader->probeTypeRewrite(input.spec.type, &input.typeRewritesTable, &error), qPrintable(error.text()));
    const Plan plan = Planner::plan(input);
    QStringList planned;
    for (const PlanStep &s : plan.steps)
        planned << s.rule;
    for (const QString &rule : rules.split(QLatin1Char(',')))
        QVERIFY2(planned.contains(rule), qPrintable(QStringLiteral("%1 not in the plan: %2").arg(rule, planned.join(QLatin1String(", ")))));
    for (const QString &sql : plan.sessionSql)
        QVERIFY2(QSqlQuery(db).exec(sql), qPrintable(sql));

    const QString label = profile.database + QLatin1Char('.') + table;
    const QString referenced = profile.database + QLatin1String(".coupons");
    const QHash<QString, Traffic> traffic = {
        {label, {QStringLiteral("SELECT COUNT(*) FROM %1 WHERE id = 1").arg(quoteIdentifier(e, table)),
                 QStringLiteral("UPDATE %1 SET total_cents = total_cents + 1 WHERE id = 2").arg(quoteIdentifier(e, table)),
                 QStringLiteral("UPDATE %1 SET total_cents = total_cents + 1 WHERE id = 3").arg(quoteIdentifier(e, table))}},
        {referenced,
         {QStringLiteral("SELECT COUNT(*) FROM coupons WHERE id = 1"), QStringLiteral("UPDATE coupons SET label = 'seen' WHERE id = 2"), {}}},
    };
    // The step's own session: the plan's, with room to wait while the test looks. The others wait
    // long enough never to time out behind a step.
    const QStringList waiting{QStringLiteral("SET SESSION lock_wait_timeout = 60"), QStringLiteral("SET SESSION innodb_lock_wait_timeout = 60"),
                              QStringLiteral("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")};
    ThreadedSession ddl(profile, plan.sessionSql + waiting);
    ThreadedSession buildWriter(profile, waiting), buildReader(profile, waiting);
    std::map<QString, std::unique_ptr<ThreadedSession>> queuedWriters, queuedReaders;
    std::map<QString, std::unique_ptr<DatabaseConnection>> holders;
    for (const QString &relation : {label, referenced}) {
        queuedWriters[relation] = std::make_unique<ThreadedSession>(profile, waiting);
        queuedReaders[relation] = std::make_unique<ThreadedSession>(profile, waiting);
        holders[relation] = std::make_unique<DatabaseConnection>(profile);
        QVERIFY2(holders[relation]->open(&error), qPrintable(error.text()));
        // A holder that meets another's lock fails rather than hanging the test.
        QVERIFY(QSqlQuery(holders[relation]->database()).exec(QStringLiteral("SET SESSION lock_wait_timeout = 10")));
    }
    for (ThreadedSession *s : {&ddl, &buildWriter, &buildReader, queuedWriters[label].get(), queuedReaders[label].get(),
                               queuedWriters[referenced].get(), queuedReaders[referenced].get()})
        QVERIFY2(s->waitReady(&why), qPrintable(why));
    const QList<qint64> ids{ddl.connectionId(), buildWriter.connectionId(), buildReader.connectionId(),
                            queuedWriters[label]->connectionId(), queuedReaders[label]->connectionId(),
                            queuedWriters[referenced]->connectionId(), queuedReaders[referenced]->connectionId()};
    const qint64 d = ddl.connectionId();

    int checked = 0;
    for (int i = 0; i < plan.steps.size(); ++i) {
        const PlanStep &step = plan.steps.at(i);
        const QString where = QStringLiteral("step %1 (%2)").arg(i + 1).arg(step.rule);
        if (!step.gate.isEmpty())
            continue;
        if (!step.backfill.isNull()) { // run, not checked: the steps after it need the rows filled
            QStringList after;
            for (;;) {
                QVERIFY(db.transaction());
                const BackfillBatch batch = BackfillBatch::fill(db, step.backfill, after, Rows * 2);
                QVERIFY2(batch.ok(), qPrintable(where + QLatin1String(": ") + batch.failure.text()));
                QVERIFY(db.commit());
                if (batch.last)
                    break;
                if (step.backfill.keyed())
                    after = batch.upper;
            }
            continue;
        }
        // What each relation's claims mean.
        QHash<QString, QSet<QString>> expectedWaits;
        QHash<QString, bool> lockTables;
        QSet<QString> expectedBuilding;
        for (const LockClaim &claim : step.locks) {
            QVERIFY2(meanings().contains(claim.mode), qPrintable(QStringLiteral("%1: no meaning for the claim '%2'").arg(where, claim.mode)));
            QVERIFY2(holders.count(claim.relation), qPrintable(where + QLatin1String(": a claim on ") + claim.relation));
            const Meaning &m = meanings().value(claim.mode);
            expectedWaits[claim.relation] << (e == Engine::MariaDB ? m.firstWaitMariaDb : m.firstWait).join(QLatin1String(", "));
            lockTables[claim.relation] = m.lockTables;
            if (claim.relation == label && !m.building.isEmpty())
                expectedBuilding << m.building;
        }
        // The table a foreign key references is held up by every statement of such a row, with LOCK
        // TABLES ... WRITE where no claim names it: any metadata lock the statement takes there shows
        // as a wait, and must be claimed.
        // (Not beside a LOCK TABLES of the row's table, ANALYZE's: that locks the referenced table
        // too, and the two would wait for each other.)
        QSet<QString> held(expectedWaits.keyBegin(), expectedWaits.keyEnd());
        if (input.spec.hasForeignKey() && !held.contains(referenced) && !lockTables.value(label)) {
            held << referenced;
            lockTables[referenced] = true;
        }
        // A step that rebuilds, copies or scans the table has a phase a writer can be tried in.
        const bool builds = step.rewritesTable || step.scansTable;
        QCOMPARE(!expectedBuilding.isEmpty(), builds);
        const bool writesWait = step.blocksWrites && step.lockHeldSeconds > CostModel::CatalogOnlySeconds;
        const bool readsWait = step.blocksReads && step.lockHeldSeconds > CostModel::CatalogOnlySeconds;
        const QString idBefore = tableId(db, e, profile.database, table);

        QHash<QString, QSet<QString>> waits;
        QSet<QString> heldWhileBuilding;
        enum class Seen { Untried, Trying, Waited, WentThrough };
        Seen writer = Seen::Untried, reader = Seen::Untried;
        const QList<ThreadedSession *> traffickers{&buildWriter, &buildReader, queuedWriters[label].get(), queuedReaders[label].get(),
                                                  queuedWriters[referenced].get(), queuedReaders[referenced].get()};
        for (const QString &sql : step.sql) {
            // Readers and writers queued behind the statement before are through: none holds a lock
            // this one would wait for.
            for (ThreadedSession *s : traffickers)
                QVERIFY2(s->waitIdle(60000), qPrintable(where + QLatin1String(": a reader or writer still waits")));
            // Hold every claimed table up: the statement's locks show while it waits.
            QSet<QString> holding;
            for (const QString &relation : std::as_const(held)) {
                QSqlQuery h(holders[relation]->database());
                const QString t = quoteQualified(e, relation.section(QLatin1Char('.'), 0, 0), relation.section(QLatin1Char('.'), 1));
                if (lockTables.value(relation))
                    QVERIFY2(h.exec(QStringLiteral("LOCK TABLES %1 WRITE").arg(t)), qPrintable(h.lastError().text()));
                else
                    QVERIFY2(h.exec(QStringLiteral("START TRANSACTION")) && h.exec(QStringLiteral("SELECT 1 FROM %1 LIMIT 1").arg(t)),
                             qPrintable(h.lastError().text()));
                holding << relation;
            }
            const auto release = [&](const QString &relation) {
                QSqlQuery h(holders[relation]->database());
                const bool ok = h.exec(lockTables.value(relation) ? QStringLiteral("UNLOCK TABLES") : QStringLiteral("COMMIT"));
                holding.remove(relation);
                return ok;
            };
            ddl.run({sql});
            const QDeadlineTimer deadline(60000);
            for (;;) {
                QVERIFY2(!deadline.hasExpired(), qPrintable(where + QLatin1String(": still running after 60 s: ") + sql));
                // Read before the sample: a writer done now finished before what the sample shows.
                const bool writerDone = buildWriter.isIdle(), readerDone = buildReader.isIdle();
                const bool buildersDone = writerDone && readerDone;
                const bool done = ddl.isIdle();
                const Sample now = sample(db, ids);
                for (const QString &relation : QSet<QString>(holding)) {
                    const QString pending = now.pending(d, relation);
                    if (pending.isEmpty())
                        continue;
                    waits[relation] << now.on(d, relation).join(QLatin1String(", "));
                    if (pending == QLatin1String("EXCLUSIVE")) {
                        // (c) What "exclusive briefly" costs: reads and writes that come now queue.
                        ThreadedSession &w = *queuedWriters[relation], &r = *queuedReaders[relation];
                        QVERIFY(w.isIdle() && r.isIdle());
                        w.run({traffic.value(relation).write});
                        r.run({traffic.value(relation).read});
                        Sample last;
                        QTRY_VERIFY2_WITH_TIMEOUT([&] {
                            last = sample(db, ids);
                            return !last.pending(w.connectionId(), relation).isEmpty() && !last.pending(r.connectionId(), relation).isEmpty();
                        }(), qPrintable(QStringLiteral("%1: a reader or writer of %2 went past it while it waited for the exclusive lock "
                                                       "(step: %3 [%4]; writer %5: %6 [%7] %8; reader %9: %10 [%11] %12)")
                                            .arg(where, relation, last.state.value(d), last.on(d, relation).join(QLatin1String(", ")))
                                            .arg(w.isIdle() ? QStringLiteral("done") : QStringLiteral("running"), last.state.value(w.connectionId()),
                                                 last.on(w.connectionId(), relation).join(QLatin1String(", ")), w.takeErrors().join(QLatin1Char(' ')))
                                            .arg(r.isIdle() ? QStringLiteral("done") : QStringLiteral("running"), last.state.value(r.connectionId()),
                                                 last.on(r.connectionId(), relation).join(QLatin1String(", ")), r.takeErrors().join(QLatin1Char(' ')))),
                                                  10000);
                    }
                    QVERIFY(release(relation));
                }
                if (builds && now.building(d, label)) {
                    for (const QString &l : now.on(d, label))
                        heldWhileBuilding << l.section(QLatin1Char(' '), 0, 0);
                    // (c) A writer and a reader that come while it builds: through or waiting?
                    if (writer == Seen::Untried && reader == Seen::Untried && buildersDone) {
                        buildWriter.run({traffic.value(label).writeWhileBuilding});
                        buildReader.run({traffic.value(label).read});
                        writer = reader = Seen::Trying;
                    } else {
                        const auto verdict = [&](Seen *seen, ThreadedSession &s, bool wasDone) {
                            if (*seen != Seen::Trying)
                                return;
                            if (!now.pending(s.connectionId(), label).isEmpty())
                                *seen = Seen::Waited;
                            else if (wasDone) // finished before this sample, which finds the build still going
                                *seen = Seen::WentThrough;
                        };
                        verdict(&writer, buildWriter, writerDone);
                        verdict(&reader, buildReader, readerDone);
                    }
                } else if (!now.building(d, label) && buildersDone) {
                    // Over before a verdict: tried again in the next build phase, if there is one.
                    if (writer == Seen::Trying)
                        writer = Seen::Untried;
                    if (reader == Seen::Trying)
                        reader = Seen::Untried;
                }
                if (done)
                    break;
                QThread::msleep(2);
            }
            for (const QString &relation : QSet<QString>(holding))
                QVERIFY(release(relation));
            // (a) The statement ran: the server accepted its ALGORITHM and LOCK.
            const QStringList failed = ddl.takeErrors();
            QVERIFY2(failed.isEmpty(), qPrintable(where + QLatin1String(": ") + failed.join(QLatin1Char('\n'))));
        }
        for (ThreadedSession *s : traffickers) {
            QVERIFY2(s->waitIdle(60000), qPrintable(where + QLatin1String(": a reader or writer still waits")));
            const QStringList failed = s->takeErrors();
            QVERIFY2(failed.isEmpty(), qPrintable(where + QLatin1String(": ") + failed.join(QLatin1Char('\n'))));
        }

        // What was seen, for the log: the server's answer to each claim.
        QStringList seenWaits;
        for (auto it = waits.cbegin(); it != waits.cend(); ++it)
            seenWaits << it.key() + QLatin1String(": [")
                    + QStringList(it.value().cbegin(), it.value().cend()).join(QLatin1String("] [")) + QLatin1Char(']');
        const auto name = [](Seen s) {
            return s == Seen::Waited ? QStringLiteral("waited") : s == Seen::WentThrough ? QStringLiteral("went through") : QStringLiteral("-");
        };
        qInfo("%s: waited with %s; while building held %s, writer %s, reader %s", qPrintable(where), qPrintable(seenWaits.join(QLatin1String("; "))),
              qPrintable(QStringList(heldWhileBuilding.cbegin(), heldWhileBuilding.cend()).join(QLatin1Char(','))), qPrintable(name(writer)),
              qPrintable(name(reader)));

        // (b) The locks claimed are the locks it waited with, table by table.
        for (auto it = expectedWaits.cbegin(); it != expectedWaits.cend(); ++it) {
            QStringList seen(waits.value(it.key()).cbegin(), waits.value(it.key()).cend()), claimed(it.value().cbegin(), it.value().cend());
            seen.sort();
            claimed.sort();
            QVERIFY2(seen == claimed, qPrintable(QStringLiteral("%1 on %2: waited with [%3]; claimed [%4]")
                                                     .arg(where, it.key(), seen.join(QLatin1String("] [")), claimed.join(QLatin1String("] [")))));
        }
        for (const QString &relation : waits.keys())
            QVERIFY2(expectedWaits.contains(relation), qPrintable(QStringLiteral("%1: waited on %2, which it does not claim").arg(where, relation)));
        if (builds) {
            // (c) Its build was seen, with a writer and a reader tried while it lasted.
            QVERIFY2(writer == Seen::Waited || writer == Seen::WentThrough,
                     qPrintable(where + QLatin1String(": the build was over before a writer could be tried; more rows are needed")));
            QVERIFY2(reader == Seen::Waited || reader == Seen::WentThrough,
                     qPrintable(where + QLatin1String(": the build was over before a reader could be tried; more rows are needed")));
            QVERIFY2((writer == Seen::Waited) == writesWait,
                     qPrintable(QStringLiteral("%1: a writer %2 while it built; it claims to block writes %3")
                                    .arg(where, writer == Seen::Waited ? QStringLiteral("waited") : QStringLiteral("went through"),
                                         writesWait ? QStringLiteral("throughout") : QStringLiteral("only briefly"))));
            QVERIFY2((reader == Seen::Waited) == readsWait,
                     qPrintable(QStringLiteral("%1: a reader %2 while it built; it claims to block reads %3")
                                    .arg(where, reader == Seen::Waited ? QStringLiteral("waited") : QStringLiteral("went through"),
                                         readsWait ? QStringLiteral("throughout") : QStringLiteral("only briefly"))));
            // (b) MySQL shows the lock held while building; MariaDB's performance_schema keeps the
            // type a ticket was granted with when the server downgrades it after preparing
            // (EXCLUSIVE to SHARED_NO_WRITE for LOCK=SHARED showed as SHARED_UPGRADABLE on 11.8.9
            // while a writer waited), so there the writer above is the proof.
            if (e == Engine::MySQL)
                QVERIFY2(heldWhileBuilding == expectedBuilding,
                         qPrintable(QStringLiteral("%1: held %2 while building; claimed %3")
                                        .arg(where, QStringList(heldWhileBuilding.cbegin(), heldWhileBuilding.cend()).join(QLatin1Char(',')),
                                             QStringList(expectedBuilding.cbegin(), expectedBuilding.cend()).join(QLatin1Char(',')))));
        }
        // (d) Rebuilt exactly when it says so.
        const QString idAfter = tableId(db, e, profile.database, table);
        QVERIFY(!idBefore.startsWith(QLatin1String("error")) && !idAfter.startsWith(QLatin1String("error")));
        QVERIFY2((idAfter != idBefore) == step.rewritesTable,
                 qPrintable(QStringLiteral("%1: TABLE_ID %2 -> %3; claims %4 rewrite").arg(where, idBefore, idAfter,
                                                                                         step.rewritesTable ? QString() : QStringLiteral("no"))));
        ++checked;
    }
    QVERIFY(checked >= 2);

    TableDetails after;
    QVERIFY(reader->describeTable(input.spec.table, &after, &error));
    const ColumnInfo *c = after.column(input.spec.name);
    QVERIFY(c);
    QCOMPARE(c->nullable, input.spec.nullable);
}

// MySQL counts a table's instant ADD and DROP COLUMNs (INNODB_TABLES.TOTAL_ROW_VERSIONS) and refuses
// one more at its limit (4092). The table is driven there for real: one short of it the plan is
// instant and the server takes it; at it the plan rebuilds in place, the server refuses INSTANT,
// and takes the plan's step, which starts the count again.
void TestMySqlClaims::rowVersionLimit_data()
{
    QTest::addColumn<QString>("server");
    QTest::addColumn<int>("limit");
    // lock-impact.md: 64 from 8.0.29, 255 from 9.1; 9.7.4 says 255. 64 rests on the documentation.
    QTest::newRow("mysql") << "mysql" << 255;
}

void TestMySqlClaims::rowVersionLimit()
{
    QFETCH(QString, server);
    QFETCH(int, limit);
    QString why;
    TestServer *own = ownServer(server, &why);
    STAGECRAFT_REQUIRE(own, server, why);
    const ConnectionProfile profile = own->profile();
    const Engine e = profile.engine;
    const QString table = QStringLiteral("claims_row_versions");
    const QString t = quoteIdentifier(e, table);
    QVERIFY2(TestServers::execute(profile, {QStringLiteral("CREATE TABLE %1 (id bigint PRIMARY KEY, total_cents int NOT NULL)").arg(t),
                                            QStringLiteral("INSERT INTO %1 VALUES (1, 7), (2, 14), (3, 21)").arg(t)},
                                  &why),
             qPrintable(why));
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY2(connection.open(&error), qPrintable(error.text()));
    QSqlDatabase db = connection.database();
    QSqlQuery q(db);
    const auto versions = [&] {
        QSqlQuery v(db);
        v.prepare(QStringLiteral("SELECT TOTAL_ROW_VERSIONS FROM information_schema.INNODB_TABLES WHERE NAME = CONCAT(?, '/', ?)"));
        v.addBindValue(profile.database);
        v.addBindValue(table);
        return v.exec() && v.next() ? v.value(0).toInt() : -1;
    };
    for (int i = 1; i < limit; ++i)
        QVERIFY2(q.exec(QStringLiteral("ALTER TABLE %1 ADD COLUMN %2 tinyint, ALGORITHM=INSTANT")
                            .arg(t, quoteIdentifier(e, QStringLiteral("c%1").arg(i)))),
                 qPrintable(q.lastError().text()));
    QCOMPARE(versions(), limit - 1);

    const auto planFor = [&](const QString &name) {
        PlannerInput input;
        input.server = connection.server();
        QList<SpecProblem> problems;
        if (!ColumnSpec::fromJson(QStringLiteral(R"j({"table": "%1.%2", "column": {"name": "%3", "type": "varchar(20)"}})j")
                                      .arg(profile.database, table, name).toUtf8(),
                                  &input.spec, &problems)
            || !CatalogReader::create(connection)->describeTable(input.spec.table, &input.table, &error))
            return Plan();
        return Planner::plan(input);
    };
    // One short of the limit: instant, and the server agrees.
    const Plan last = planFor(QStringLiteral("note"));
    QVERIFY(!last.steps.isEmpty());
    QCOMPARE(last.steps.first().rule, QStringLiteral("mysql.add-column.instant"));
    QVERIFY2(q.exec(last.steps.first().sql.first()), qPrintable(q.lastError().text()));
    QCOMPARE(versions(), limit);

    // At the limit: the plan rebuilds, as the server requires.
    const Plan full = planFor(QStringLiteral("note2"));
    QVERIFY(!full.steps.isEmpty());
    const PlanStep &add = full.steps.first();
    QCOMPARE(add.rule, QStringLiteral("mysql.add-column.inplace"));
    QVERIFY(add.rewritesTable);
    QVERIFY(!q.exec(QStringLiteral("ALTER TABLE %1 ADD COLUMN %2 varchar(20), ALGORITHM=INSTANT")
                        .arg(t, quoteIdentifier(e, QStringLiteral("note2")))));
    QCOMPARE(q.lastError().nativeErrorCode(), QStringLiteral("4092"));
    const QString idBefore = tableId(db, e, profile.database, table);
    QVERIFY2(q.exec(add.sql.first()), qPrintable(q.lastError().text()));
    QVERIFY(tableId(db, e, profile.database, table) != idBefore);
    QCOMPARE(versions(), 0);
}

QTEST_GUILESS_MAIN(TestMySqlClaims)
#include "testmysqlclaims.moc"
