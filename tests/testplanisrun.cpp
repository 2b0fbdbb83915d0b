// What the reviewer reads is what runs: every statement the runner sends during a run that names the
// table is one of the plan's (its parameters aside), and every statement of the plan's steps is
// sent. Read from the server's own statement log (PostgreSQL's log_statement, MariaDB's general
// log) and, for SQLite, which has no server, from the connection's trace (sqlite3_trace_v2).

#include "connection/databaseconnection.h"
#include "plan/planner.h"
#include "plan/specvalidator.h"
#include "run/runner.h"
#include "sql/quoting.h"
#include "testservers.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

#include <dlfcn.h>

#include <memory>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

class TestPlanIsRun : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<Plan>();
        qRegisterMetaType<RunOutcome>();
    }
    void cleanupTestCase()
    {
        m_postgres.reset();
        TestServers::stopAll();
    }
    void runnerSendsThePlan_data();
    void runnerSendsThePlan();

private:
    // A PostgreSQL server of this test's own, logging every statement to a file.
    [[nodiscard]] bool loggingPostgres(ConnectionProfile *profile, QString *why);
    std::unique_ptr<PostgresTestServer> m_postgres;
};

namespace {

const int Rows = 2500;

// SQLite's trace: each statement as it starts running, by its text (the runner sends no parameters).
int traced(unsigned type, void *context, void *, void *text)
{
    if (type == 0x01 /* SQLITE_TRACE_STMT */ && text) {
        const QString sql = QString::fromUtf8(static_cast<const char *>(text));
        if (!sql.startsWith(QLatin1String("--"))) // a trigger's statements, reported as comments
            static_cast<QStringList *>(context)->append(sql);
    }
    return 0;
}

// Installs the trace on every open SQLite connection to path (the runner's): through the library
// Qt's driver loaded, found by name, as the build needs no SQLite headers.
bool traceSqlite(const QString &path, QStringList *log, QString *why)
{
    using TraceV2 = int (*)(void *, unsigned, int (*)(unsigned, void *, void *, void *), void *);
    void *library = dlopen("libsqlite3.so.0", RTLD_NOW | RTLD_NOLOAD);
    const auto trace = library ? reinterpret_cast<TraceV2>(dlsym(library, "sqlite3_trace_v2")) : nullptr;
    if (!trace) {
        *why = QStringLiteral("sqlite3_trace_v2 not found in the loaded libsqlite3.so.0");
        return false;
    }
    int installed = 0;
    for (const QString &name : QSqlDatabase::connectionNames()) {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        if (!db.isOpen() || db.driverName() != QLatin1String("QSQLITE") || db.databaseName() != path)
            continue;
        const QVariant handle = db.driver()->handle();
        void *sqlite = *static_cast<void *const *>(handle.data());
        if (sqlite && trace(sqlite, 0x01, traced, log) == 0)
            ++installed;
    }
    if (installed == 0)
        *why = QStringLiteral("no open SQLite connection to %1").arg(path);
    return installed > 0;
}

// The statements of a PostgreSQL log written from offset on: "pid|LOG:  statement: …" or
// "pid|LOG:  execute <name>: …", a statement running on over the following lines.
QStringList postgresStatements(const QString &file, qint64 offset)
{
    QFile log(file);
    QStringList statements;
    if (!log.open(QIODevice::ReadOnly) || !log.seek(offset))
        return statements;
    static const QRegularExpression entry(QStringLiteral("^\\d+\\|(\\w+):  (?:statement|execute [^:]+): (.*)$"));
    static const QRegularExpression anyEntry(QStringLiteral("^\\d+\\|\\w+:  "));
    bool inStatement = false;
    for (const QString &line : QString::fromUtf8(log.readAll()).split(QLatin1Char('\n'))) {
        const QRegularExpressionMatch m = entry.match(line);
        if (m.hasMatch() && m.captured(1) == QLatin1String("LOG")) {
            static const QRegularExpression prepare(QStringLiteral("^PREPARE \\S+ AS "));
            statements << m.captured(2).remove(prepare); // a prepared statement, by its text
            inStatement = true;
        } else if (anyEntry.match(line).hasMatch()) {
            inStatement = false;
        } else if (inStatement && !line.isEmpty()) {
            // The server logs each further line of a statement after a tab of its own.
            statements.last() += QLatin1Char('\n') + (line.startsWith(QLatin1Char('\t')) ? line.mid(1) : line);
        }
    }
    return statements;
}

// A statement of the plan as a pattern: each named parameter (:from, :to_2, :batch_size) matches
// the literal the runner puts in its place, or the placeholder of the statement prepared once
// ($1 on PostgreSQL, ? on MySQL/MariaDB) whose executions the log shows by name.
QRegularExpression pattern(const QString &statement)
{
    static const QRegularExpression parameter(QStringLiteral(":(?:from|to)(?:_\\d+)?\\b|:batch_size\\b"));
    QString rx = QStringLiteral("^");
    qsizetype at = 0;
    for (auto it = parameter.globalMatch(statement); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        rx += QRegularExpression::escape(statement.mid(at, m.capturedStart() - at)) + QStringLiteral("(?:'(?:[^']|'')*'|-?\\d+|\\$\\d+|\\?)");
        at = m.capturedEnd();
    }
    rx += QRegularExpression::escape(statement.mid(at)) + QStringLiteral("$");
    return QRegularExpression(rx);
}

// Whether sql names the table (quoted as the engine quotes it) outside its string literals: a
// catalog query that holds the name as a value does not touch the table.
bool namesTable(const QString &sql, const QString &quotedName, Engine engine)
{
    // MariaDB's general log writes a bound value with backslash escapes (\' for a quote): the
    // journal's plan, whose JSON holds the trigger steps' quotes, must stay one literal.
    static const QRegularExpression literal(QStringLiteral("'(?:[^']|'')*'"));
    static const QRegularExpression escaped(QStringLiteral("'(?:[^'\\\\]|''|\\\\.)*'"));
    return QString(sql).remove(engine == Engine::MariaDB || engine == Engine::MySQL ? escaped : literal).contains(quotedName);
}

struct PlanStatement
{
    QString where; // which part of the plan
    QString sql;
    QRegularExpression pattern;
    int sent = 0;
};

} // namespace

bool TestPlanIsRun::loggingPostgres(ConnectionProfile *profile, QString *why)
{
    if (!m_postgres) {
        auto server = std::make_unique<PostgresTestServer>();
        server->setLogStatements(true);
        if (!server->start(why))
            return false;
        m_postgres = std::move(server);
    }
    *profile = m_postgres->profile();
    return true;
}

void TestPlanIsRun::runnerSendsThePlan_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<bool>("keyed");
    QTest::addColumn<QString>("type");
    QTest::addColumn<bool>("nullable");
    for (const QString &engine : {QStringLiteral("postgresql"), QStringLiteral("mariadb"), QStringLiteral("sqlite")}) {
        const QString type = engine == QLatin1String("postgresql") ? QStringLiteral("numeric(12,2)")
                             : engine == QLatin1String("mariadb")  ? QStringLiteral("decimal(12,2)")
                                                                   : QStringLiteral("NUMERIC");
        QTest::addRow("%s keyed, NOT NULL", qPrintable(engine)) << engine << true << type << false;
        // Every SQLite table has a key, its rowid; NOT NULL there takes the rebuild, nullable the backfill.
        if (engine == QLatin1String("sqlite"))
            QTest::addRow("%s keyed, nullable", qPrintable(engine)) << engine << true << type << true;
        else
            QTest::addRow("%s no key, nullable", qPrintable(engine)) << engine << false << type << true;
    }
}

void TestPlanIsRun::runnerSendsThePlan()
{
    QFETCH(QString, engine);
    QFETCH(bool, keyed);
    QFETCH(QString, type);
    QFETCH(bool, nullable);
    ConnectionProfile profile;
    if (engine == QLatin1String("postgresql")) {
        QString why;
        STAGECRAFT_REQUIRE(loggingPostgres(&profile, &why), engine, why);
    } else {
        STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    }
    const Engine e = profile.engine;
    const QString name = QStringLiteral("sent_%1_%2").arg(keyed ? QStringLiteral("keyed") : QStringLiteral("keyless"),
                                                          nullable ? QStringLiteral("null") : QStringLiteral("not_null"));
    const QString t = quoteIdentifier(e, name);
    QString why;
    const QString fill = e == Engine::PostgreSQL ? QStringLiteral("INSERT INTO %1 SELECT g, g * 7 FROM generate_series(1, %2) g")
                         : e == Engine::MariaDB  ? QStringLiteral("INSERT INTO %1 SELECT seq, seq * 7 FROM seq_1_to_%2")
                                                 : QStringLiteral("WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < %2) "
                                                                  "INSERT INTO %1 SELECT i, i * 7 FROM g");
    QVERIFY2(TestServers::execute(profile, {QStringLiteral("DROP TABLE IF EXISTS %1").arg(t),
                                            QStringLiteral("CREATE TABLE %1 (id bigint%2, total_cents int NOT NULL)")
                                                .arg(t, keyed ? QStringLiteral(" PRIMARY KEY") : QString()),
                                            fill.arg(t).arg(Rows)},
                                  &why),
             qPrintable(why));

    // The plan, made as the app makes it, with batches small enough for several of each kind.
    Plan plan;
    {
        DatabaseConnection connection(profile);
        ConnectionError error;
        QVERIFY2(connection.open(&error), qPrintable(error.text()));
        const QString schema = e == Engine::PostgreSQL ? QStringLiteral("public") : e == Engine::MariaDB ? profile.database : QStringLiteral("main");
        ColumnSpec spec;
        QList<SpecProblem> problems;
        PlannerInput input;
        input.settings.firstBatchRows = 300;
        input.settings.maxBatchRows = 600;
        QVERIFY(ColumnSpec::fromJson(QStringLiteral(R"j({"table": "%1.%2", "column": {"name": "total_eur", "type": "%3", "nullable": %4,
                                                         "backfill": "total_cents / 100", "check": "total_eur >= 0", "index": true}})j")
                                         .arg(schema, name, type, nullable ? QStringLiteral("true") : QStringLiteral("false")).toUtf8(),
                                     &spec, &problems));
        QVERIFY2(SpecValidator(connection).validate(spec, &input, &problems),
                 qPrintable(problems.isEmpty() ? QString() : problems.first().message));
        plan = Planner::plan(input);
    } // closed: only the runner's connection is open on the database while it runs

    QList<PlanStatement> statements;
    const auto add = [&statements](const QString &where, const QString &sql) {
        if (!sql.isEmpty())
            statements.append({where, sql, pattern(sql), 0});
    };
    for (const QString &sql : std::as_const(plan.sessionSql))
        add(QStringLiteral("session"), sql);
    for (int i = 0; i < plan.steps.size(); ++i) {
        const PlanStep &s = plan.steps.at(i);
        for (const QString &sql : s.sql)
            add(QStringLiteral("step %1").arg(i + 1), sql);
        add(QStringLiteral("step %1 applied?").arg(i + 1), s.appliedSql);
        add(QStringLiteral("step %1 guard").arg(i + 1), s.guardSql);
    }

    // Run it, with the server (or the connection) writing down every statement.
    QStringList sent;
    qint64 logOffset = 0;
    if (e == Engine::PostgreSQL)
        logOffset = QFileInfo(m_postgres->logFile()).size();
    if (e == Engine::MariaDB)
        QVERIFY2(TestServers::execute(profile, {QStringLiteral("SET GLOBAL log_output = 'TABLE'"), QStringLiteral("TRUNCATE TABLE mysql.general_log"),
                                                QStringLiteral("SET GLOBAL general_log = 1")},
                                      &why),
                 qPrintable(why));
    Runner runner(profile);
    runner.setPassGates(true); // gates have tests of their own
    RunOutcome outcome = RunOutcome::Failed;
    QString summary, traceProblem;
    connect(&runner, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    // Before the run starts, the runner plans again on its connection to check that the plan is
    // this connection's (read-only probes of the table); the run itself starts with runStarted,
    // marked in the server's log by a statement from another session.
    const QString marker = QStringLiteral("SELECT 'stagecraft test: the run starts'");
    connect(&runner, &Runner::runStarted, this, [&] {
        if (e == Engine::SQLite)
            static_cast<void>(traceSqlite(profile.database, &sent, &traceProblem));
        else if (!TestServers::execute(profile, {marker}, &traceProblem))
            traceProblem.prepend(QLatin1String("marking the log: "));
    });
    runner.run(plan);
    if (e == Engine::MariaDB) {
        DatabaseConnection reader(profile);
        ConnectionError error;
        QVERIFY2(reader.open(&error), qPrintable(error.text()));
        QSqlQuery q(reader.database());
        QVERIFY(q.exec(QStringLiteral("SET GLOBAL general_log = 0")));
        // In the order written (the log is a CSV table): the marker from another session stays in place.
        QVERIFY2(q.exec(QStringLiteral("SELECT CONVERT(argument USING utf8mb4) FROM mysql.general_log "
                                       "WHERE command_type IN ('Query', 'Execute')")),
                 qPrintable(q.lastError().text()));
        while (q.next())
            sent << q.value(0).toString();
    } else if (e == Engine::PostgreSQL) {
        // The logging collector writes behind: wait for the run's last statement, the read-back.
        QTRY_VERIFY_WITH_TIMEOUT(postgresStatements(m_postgres->logFile(), logOffset).join(QLatin1Char('\n')).contains(QLatin1String("pg_stats")), 5000);
        sent = postgresStatements(m_postgres->logFile(), logOffset);
    }
    QVERIFY2(traceProblem.isEmpty(), qPrintable(traceProblem));
    QVERIFY2(outcome == RunOutcome::Done, qPrintable(summary));
    QVERIFY2(sent.size() > 10, qPrintable(QStringLiteral("only %1 statements logged").arg(sent.size())));

    // Everything sent that names the table is the plan's; the runner's own reads of the catalog
    // mostly name it as a value. Allowed besides: the read-back of the result after the last step,
    // which only reads (SQLite's table_info and row count, MariaDB's SHOW CREATE TABLE, the
    // PostgreSQL statistics check).
    static const QRegularExpression readBack(QStringLiteral("^(PRAGMA (table_info|table_xinfo|index_list|index_info|index_xinfo|"
                                                            "foreign_key_list)\\(|SELECT EXISTS \\(SELECT 1 FROM pg_stats |"
                                                            "SHOW CREATE TABLE |SELECT count\\(\\*\\) FROM \"[^\"]+\"$)"));
    // Before the run: the check that the plan is still this connection's, which reads the table's
    // definition and types the expressions (SHOW CREATE TABLE, a SELECT … LIMIT 0, a temporary
    // table LIKE it, a temporary view or a PREPARE holding the backfill, to read what it calls
    // without running it), and writes nothing.
    // And the journal's record of the run, whose plan (JSON, in a value) names the table.
    static const QRegularExpression check(QStringLiteral("^(SELECT .* LIMIT 0|CREATE TEMPORARY (TABLE|VIEW) stagecraft_probe .*|"
                                                         "PREPARE stagecraft_probe FROM .*|SHOW CREATE TABLE .*|"
                                                         "EXECUTE qpsqlpstmt_\\w+ \\('[0-9a-f-]{36}', .*)$"),
                                          QRegularExpression::DotMatchesEverythingOption);
    const qsizetype start = e == Engine::SQLite ? 0 : sent.indexOf(marker);
    QVERIFY2(start >= 0, "the start of the run is not in the log");
    QStringList foreign;
    for (qsizetype i = 0; i < sent.size(); ++i) {
        const QString &sql = sent.at(i);
        bool matched = false;
        for (PlanStatement &p : statements) {
            if (p.pattern.match(sql).hasMatch()) {
                ++p.sent;
                matched = true;
            }
        }
        if (!matched && namesTable(sql, t, e) && !(i < start ? check : readBack).match(sql).hasMatch())
            foreign << (i < start ? QStringLiteral("(before the run) ") : QString()) + sql;
    }
    QVERIFY2(foreign.isEmpty(), qPrintable(QStringLiteral("sent but not in the plan:\n") + foreign.join(QLatin1Char('\n'))));
    // And every statement of the plan was sent: each kind of the backfill's (batches after the first
    // included), the checks and guards, the session's (on SQLite the trace starts after it).
    QStringList unsent;
    for (const PlanStatement &p : std::as_const(statements)) {
        if (p.sent == 0 && !(e == Engine::SQLite && p.where == QLatin1String("session")))
            unsent << p.where + QLatin1String(": ") + p.sql;
    }
    QVERIFY2(unsent.isEmpty(), qPrintable(QStringLiteral("in the plan but never sent:\n") + unsent.join(QLatin1Char('\n'))));
    for (const PlanStatement &p : std::as_const(statements))
        qInfo("%4d × %s: %s", p.sent, qPrintable(p.where), qPrintable(p.sql.left(110)));
}

QTEST_GUILESS_MAIN(TestPlanIsRun)
#include "testplanisrun.moc"
