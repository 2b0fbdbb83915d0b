// Rehearsal (stagecraft-cli rehearse): the plan runs on a scratch copy of the table under a
// synthetic writer, each step's time scaled to the table beside its estimate; the copy is dropped
// afterwards, also when stagecraft-cli is killed in the middle (its guard drops it), and the table
// itself is only read. On PostgreSQL, MariaDB and SQLite; the copy's definition is checked exactly.

#include "catalog/catalogtypes.h"
#include "connection/databaseconnection.h"
#include "run/scratchcopy.h"
#include "sql/quoting.h"

#include "rehearsaldialog.h"
#include "rehearsalstepsmodel.h"

#include "eurostable.h"
#include "livewriter.h"
#include "specplan.h"
#include "testservers.h"

#include <QDir>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QLocale>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QScopeGuard>
#include <QTest>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

namespace {

// What a rehearsal could leave: PostgreSQL's schemas, MySQL/MariaDB's databases, SQLite's scratch folders.
QStringList namespaces(const ConnectionProfile &profile, const QString &tmp)
{
    if (profile.engine == Engine::SQLite)
        return QDir(tmp).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden, QDir::Name);
    DatabaseConnection c(profile);
    ConnectionError e;
    if (!c.open(&e))
        return {QStringLiteral("cannot connect: ") + e.text()};
    QSqlQuery q(c.database());
    QStringList names;
    if (q.exec(profile.engine == Engine::PostgreSQL ? QStringLiteral("SELECT nspname FROM pg_namespace ORDER BY 1")
                                                    : QStringLiteral("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA ORDER BY 1"))) {
        while (q.next())
            names << q.value(0).toString();
    }
    return names;
}

QString scratchNamed(const QString &log)
{
    static const QRegularExpression re(QStringLiteral("stagecraft_rehearsal_[0-9a-f]{10}"));
    return re.match(log).captured(0);
}

// stagecraft-cli rehearse started on the table's spec, its scratch copy (SQLite's) going to tmp.
void startRehearsal(QProcess *cli, const ConnectionProfile &profile, const QString &spec, const QString &tmp, const QStringList &more)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("TMPDIR"), tmp);
    cli->setProcessEnvironment(env);
    cli->start(cliProgram(), QStringList{QStringLiteral("rehearse"), QStringLiteral("-c"), profile.toUrl(true), QStringLiteral("--spec"), spec,
                                         QStringLiteral("--yes")}
                                 + more);
}

// Reads its stderr into *log until it holds `needle` (or a minute passed, or it ended).
bool waitForLog(QProcess *cli, const QString &needle, QString *log)
{
    QElapsedTimer waited;
    waited.start();
    while (!log->contains(needle) && waited.elapsed() < 60000 && cli->state() == QProcess::Running) {
        cli->waitForReadyRead(100);
        *log += QString::fromUtf8(cli->readAllStandardError());
    }
    *log += QString::fromUtf8(cli->readAllStandardError());
    return log->contains(needle);
}

} // namespace

class TestRehearsal : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanupTestCase() { TestServers::stopAll(); }
    void definitionForCopy_data();
    void definitionForCopy();
    void rehearsalLeavesNothingBehind_data();
    void rehearsalLeavesNothingBehind();
    void killedRehearsalLeavesNothingBehind_data() { rehearsalLeavesNothingBehind_data(); }
    void killedRehearsalLeavesNothingBehind();
    void cancelledRehearsalLeavesNothingBehind_data() { rehearsalLeavesNothingBehind_data(); }
    void cancelledRehearsalLeavesNothingBehind();
    void badInputChangesNothing();
    void dialogRehearses();

private:
    QTemporaryDir m_dir;
};

void TestRehearsal::definitionForCopy_data()
{
    QTest::addColumn<int>("engine");
    QTest::addColumn<QString>("definition");
    QTest::addColumn<QStringList>("expected");
    TableDetails pg;
    QTest::newRow("postgresql: foreign key left out, indexes and comments on the copy")
        << int(Engine::PostgreSQL)
        << QStringLiteral("CREATE TABLE \"public\".\"orders\" (\n    \"id\" bigint NOT NULL,\n    \"customer_id\" integer,\n"
                          "    CONSTRAINT \"orders_pkey\" PRIMARY KEY (id),\n"
                          "    CONSTRAINT \"orders_customer_fk\" FOREIGN KEY (customer_id) REFERENCES customers(id)\n);\n"
                          "CREATE INDEX orders_customer_idx ON public.orders USING btree (customer_id);\n"
                          "COMMENT ON TABLE \"public\".\"orders\" IS 'the orders';\n")
        << QStringList{QStringLiteral("CREATE TABLE \"stagecraft_rehearsal_00000000aa\".\"orders\" (\n    \"id\" bigint NOT NULL,\n"
                                      "    \"customer_id\" integer,\n    CONSTRAINT \"orders_pkey\" PRIMARY KEY (id)\n)"),
                       QStringLiteral("CREATE INDEX orders_customer_idx ON \"stagecraft_rehearsal_00000000aa\".\"orders\" USING btree (customer_id)"),
                       QStringLiteral("COMMENT ON TABLE \"stagecraft_rehearsal_00000000aa\".\"orders\" IS 'the orders'")};
    QTest::newRow("mariadb: foreign key lines out, the comma before them too")
        << int(Engine::MariaDB)
        << QStringLiteral("CREATE TABLE `orders` (\n  `id` bigint(20) NOT NULL,\n  `customer_id` int(11) DEFAULT NULL,\n"
                          "  PRIMARY KEY (`id`),\n  KEY `orders_customer_fk` (`customer_id`),\n"
                          "  CONSTRAINT `orders_customer_fk` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`)\n"
                          ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n")
        << QStringList{QStringLiteral("CREATE TABLE `stagecraft_rehearsal_00000000aa`.`orders` (\n  `id` bigint(20) NOT NULL,\n"
                                      "  `customer_id` int(11) DEFAULT NULL,\n  PRIMARY KEY (`id`),\n  KEY `orders_customer_fk` (`customer_id`)\n"
                                      ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4")};
}

void TestRehearsal::definitionForCopy()
{
    QFETCH(int, engine);
    QFETCH(QString, definition);
    QFETCH(QStringList, expected);
    TableDetails details;
    details.table = {QStringLiteral("public"), QStringLiteral("orders")};
    details.definitionSql = definition;
    ConstraintInfo fk;
    fk.name = QStringLiteral("orders_customer_fk");
    fk.kind = ConstraintKind::ForeignKey;
    fk.definition = QStringLiteral("FOREIGN KEY (customer_id) REFERENCES customers(id)");
    details.constraints << fk;
    QCOMPARE(ScratchCopy::definitionFor(Engine(engine), details, {QStringLiteral("stagecraft_rehearsal_00000000aa"), QStringLiteral("orders")}),
             expected);
}

void TestRehearsal::rehearsalLeavesNothingBehind_data()
{
    QTest::addColumn<QString>("engine");
    QTest::newRow("postgresql") << "postgresql";
    QTest::newRow("mariadb") << "mariadb";
    QTest::newRow("sqlite") << "sqlite";
}

// A rehearsal on a table of 20,000 rows copying 5,000 (and 1,000 more held back for the writer's
// inserts): the plan runs to its end on the copy while the writer writes, every step's time is
// printed beside the table's estimate and scaled to the table, the copy is gone afterwards and the
// table is as it was. On PostgreSQL an application writes to the table meanwhile, and the writer
// takes its observed rate; elsewhere the rate is given.
void TestRehearsal::rehearsalLeavesNothingBehind()
{
    QFETCH(QString, engine);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    const QString table = QStringLiteral("rehearsed");
    QString why;
    QVERIFY2(EurosTable::make(profile, table, 20000, &why), qPrintable(why));
    const QString spec = EurosTable::writeSpec(m_dir.path(), EurosTable::schemaOf(profile), table);
    QTemporaryDir tmp;
    const QStringList before = namespaces(profile, tmp.path());
    const QString definitionBefore = EurosTable::signature(profile, table, false);
    const QString rowsBefore = EurosTable::signature(profile, table, true);

    std::unique_ptr<LiveWriter> application;
    QStringList arguments{QStringLiteral("rehearse"), QStringLiteral("-c"), profile.toUrl(true), QStringLiteral("--spec"), spec,
                          QStringLiteral("--yes"), QStringLiteral("--sample-rows"), QStringLiteral("5000")};
    if (profile.engine == Engine::PostgreSQL) {
        const QString t = quoteQualified(profile.engine, EurosTable::schemaOf(profile), table);
        application = std::make_unique<LiveWriter>(profile, QStringLiteral("INSERT INTO %1 (id, cents) VALUES (%2, 7)").arg(t, QStringLiteral("%1")),
                                                   QStringLiteral("UPDATE %1 SET cents = cents + 1 WHERE id = %2").arg(t, QStringLiteral("%1")),
                                                   20000, 1000000, 40);
        application->start();
    } else {
        arguments << QStringLiteral("--write-rate") << QStringLiteral("40");
    }
    const CliResult result = runCli(arguments, {QStringLiteral("TMPDIR=") + tmp.path()});
    if (application) {
        application->stop();
        QCOMPARE(application->result().errors, 0);
    }
    QVERIFY2(result.code == 0, qPrintable(result.err + result.out));
    const QString &out = result.out;
    QVERIFY2(out.startsWith(QLatin1String("The plan ran to its end on the copy.\n")), qPrintable(out));
    // 5,000 rows copied (and 1,000 more held back); the servers' row estimates are close to 20,000.
    static const QRegularExpression copy(QStringLiteral("; 5,000 rows of about ([0-9,]+) \\(a sample\\), copied in [0-9.]+ s; times of work "
                                                        "sized by the table are scaled by ([0-9.]+)\\.\n"));
    const auto c = copy.match(out);
    QVERIFY2(c.hasMatch(), qPrintable(out));
    const double tableRows = QLocale::c().toDouble(c.captured(1));
    QVERIFY2(tableRows > 15000 && tableRows < 25000, qPrintable(out));
    QVERIFY2(qAbs(c.captured(2).toDouble() - tableRows / 5000) < 0.06, qPrintable(out));
    if (profile.engine == Engine::PostgreSQL) {
        static const QRegularExpression observed(QStringLiteral("Writes on the table: ([0-9.]+) a second \\(pg_stat_user_tables over "));
        const auto m = observed.match(out);
        QVERIFY2(m.hasMatch(), qPrintable(out));
        QVERIFY2(m.captured(1).toDouble() > 10, qPrintable(out)); // the application's 40 a second
    } else {
        QVERIFY2(out.contains(QLatin1String("Synthetic writer: asked for 40.0 a second")), qPrintable(out));
    }
    static const QRegularExpression writer(QStringLiteral("wrote ([0-9,]+) \\(([0-9,]+) inserts, ([0-9,]+) updates\\) at [0-9.]+ a second, ([0-9,]+) failed\\.\n"
                                                          "Its latency before the plan: [0-9,]+ writes, mean [0-9.]+ ms, .*; while the plan ran: "));
    const auto w = writer.match(out);
    QVERIFY2(w.hasMatch(), qPrintable(out));
    QVERIFY2(w.captured(2) != QLatin1String("0") && w.captured(3) != QLatin1String("0"), qPrintable(out));
    QCOMPARE(w.captured(4), QStringLiteral("0"));
    QVERIFY2(out.contains(QLatin1String("step\ttitle\toutcome\testimate\trehearsal\tscaled to the table\tvs estimate\n")), qPrintable(out));
    // Every step ran; the backfill's time is scaled, with its ratio to the estimate.
    static const QRegularExpression stepLine(QStringLiteral("^\\d+\\t[^\\t]+\\t(done|skipped)\\t"), QRegularExpression::MultilineOption);
    QVERIFY2(out.count(stepLine) >= 5, qPrintable(out));
    static const QRegularExpression backfill(QStringLiteral("^\\d+\\tFill [^\\t]*\\tdone\\t[^\\t]+\\t[0-9.]+ s\\t[0-9.]+ s\\t[0-9.]+x$"),
                                             QRegularExpression::MultilineOption | QRegularExpression::CaseInsensitiveOption);
    QVERIFY2(backfill.match(out).hasMatch(), qPrintable(out));
    QVERIFY2(out.endsWith(QLatin1String("The scratch copy was dropped; the table was only read.\n")), qPrintable(out));

    // Nothing left, the table as it was.
    QCOMPARE(namespaces(profile, tmp.path()), before);
    QCOMPARE(EurosTable::signature(profile, table, false), definitionBefore);
    if (!application)
        QCOMPARE(EurosTable::signature(profile, table, true), rowsBefore);
}

// stagecraft-cli is killed with SIGKILL while it fills the copy: its guard drops the copy.
void TestRehearsal::killedRehearsalLeavesNothingBehind()
{
    QFETCH(QString, engine);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    const QString table = QStringLiteral("rehearsed_killed");
    QString why;
    QVERIFY2(EurosTable::make(profile, table, 60000, &why), qPrintable(why));
    const QString spec = EurosTable::writeSpec(m_dir.path(), EurosTable::schemaOf(profile), table);
    QTemporaryDir tmp;
    const QStringList before = namespaces(profile, tmp.path());
    const QString definitionBefore = EurosTable::signature(profile, table, true);

    QProcess cli;
    startRehearsal(&cli, profile, spec, tmp.path(), {QStringLiteral("--sample-rows"), QStringLiteral("60000"), QStringLiteral("--write-rate"), QStringLiteral("20")});
    QVERIFY(cli.waitForStarted());
    // Killed once the copy exists: while it is being filled (or planned, or run: never after its own cleanup).
    QString log;
    QVERIFY2(waitForLog(&cli, QStringLiteral("rehearse: made "), &log), qPrintable(log));
    const QString scratch = scratchNamed(log);
    QVERIFY2(!scratch.isEmpty(), qPrintable(log));
    cli.kill();
    QVERIFY(cli.waitForFinished(10000));
    QCOMPARE(cli.exitStatus(), QProcess::CrashExit);
    // Not by itself: it says so on stderr, line by line, when it drops its copy.
    log += QString::fromUtf8(cli.readAllStandardError());
    QVERIFY2(!log.contains(QLatin1String("dropped the scratch copy")), qPrintable(log));
    // The guard drops it (a statement of the killed session may finish first).
    const auto gone = [&] {
        return profile.engine == Engine::SQLite ? !QDir(tmp.filePath(scratch)).exists() : !ScratchCopy::exists(profile, scratch);
    };
    QTRY_VERIFY_WITH_TIMEOUT(gone(), 90000);
    QTRY_COMPARE_WITH_TIMEOUT(namespaces(profile, tmp.path()), before, 30000);
    // The guard has ended.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            for (const QString &pid : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
                QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
                if (cmdline.open(QIODevice::ReadOnly) && cmdline.readAll().contains(scratch.toUtf8()))
                    return false;
            }
            return true;
        }(),
        30000);
    QCOMPARE(EurosTable::signature(profile, table, true), definitionBefore);
}

// SIGTERM while the plan runs on the copy: the rehearsal cancels, drops its copy and says so (exit 4).
void TestRehearsal::cancelledRehearsalLeavesNothingBehind()
{
    QFETCH(QString, engine);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    const QString table = QStringLiteral("rehearsed_cancelled");
    QString why;
    QVERIFY2(EurosTable::make(profile, table, 30000, &why), qPrintable(why));
    const QString spec = EurosTable::writeSpec(m_dir.path(), EurosTable::schemaOf(profile), table);
    QTemporaryDir tmp;
    const QStringList before = namespaces(profile, tmp.path());
    // Small batches and a pause between them: the backfill lasts long enough to be cancelled in.
    QProcess cli;
    startRehearsal(&cli, profile, spec, tmp.path(),
                   {QStringLiteral("--write-rate"), QStringLiteral("20"), QStringLiteral("--max-batch"), QStringLiteral("500"),
                    QStringLiteral("--throttle"), QStringLiteral("50ms")});
    QVERIFY(cli.waitForStarted());
    QString log;
    QVERIFY2(waitForLog(&cli, QStringLiteral(": Fill "), &log), qPrintable(log));
    cli.terminate();
    QVERIFY(cli.waitForFinished(60000));
    log += QString::fromUtf8(cli.readAllStandardError());
    const QString out = QString::fromUtf8(cli.readAllStandardOutput());
    QCOMPARE(cli.exitStatus(), QProcess::NormalExit);
    QVERIFY2(cli.exitCode() == 4, qPrintable(log + out));
    QVERIFY2(out.startsWith(QLatin1String("The plan did not run to its end on the copy: Cancelled")), qPrintable(out));
    QVERIFY2(out.endsWith(QLatin1String("The scratch copy was dropped; the table was only read.\n")), qPrintable(out));
    QCOMPARE(namespaces(profile, tmp.path()), before);
}

// A bad flag is refused before anything is made.
void TestRehearsal::badInputChangesNothing()
{
    QTemporaryDir tmp;
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("sqlite"), profile);
    QString why;
    QVERIFY2(EurosTable::make(profile, QStringLiteral("bad_input"), 100, &why), qPrintable(why));
    const QString spec = EurosTable::writeSpec(m_dir.path(), EurosTable::schemaOf(profile), QStringLiteral("bad_input"));
    const QStringList base{QStringLiteral("rehearse"), QStringLiteral("-c"), profile.toUrl(true), QStringLiteral("--spec"), spec, QStringLiteral("--yes")};
    const CliResult rows = runCli(base + QStringList{QStringLiteral("--sample-rows"), QStringLiteral("0")}, {QStringLiteral("TMPDIR=") + tmp.path()});
    QCOMPARE(rows.code, 2);
    QVERIFY2(rows.err.contains(QLatin1String("--sample-rows is a number of rows, at least 1, not '0'")), qPrintable(rows.err));
    const CliResult rate = runCli(base + QStringList{QStringLiteral("--write-rate"), QStringLiteral("fast")}, {QStringLiteral("TMPDIR=") + tmp.path()});
    QCOMPARE(rate.code, 2);
    QVERIFY2(rate.err.contains(QLatin1String("--write-rate is writes per second")), qPrintable(rate.err));
    // Without --yes and no terminal: refused, naming where the copy would go.
    const CliResult unconfirmed = runCli(base.mid(0, base.size() - 1), {QStringLiteral("TMPDIR=") + tmp.path()});
    QCOMPARE(unconfirmed.code, 2);
    QVERIFY2(unconfirmed.err.contains(QLatin1String("refusing to change")) && unconfirmed.err.contains(QLatin1String("stagecraft_rehearsal_")),
             qPrintable(unconfirmed.err));
    QVERIFY(QDir(tmp.path()).isEmpty());
}

// Plan > Rehearse: nothing starts before the table's name is typed; then the rehearsal runs on its
// worker thread, the dialog shows every step's estimate beside its time, and the copy is gone.
void TestRehearsal::dialogRehearses()
{
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("sqlite"), profile);
    QString why;
    QVERIFY2(EurosTable::make(profile, QStringLiteral("in_dialog"), 3000, &why), qPrintable(why));
    QTemporaryDir tmp;
    qputenv("TMPDIR", tmp.path().toUtf8()); // where the scratch copy goes
    const auto restore = qScopeGuard([] { qunsetenv("TMPDIR"); });
    QFile spec(EurosTable::writeSpec(m_dir.path(), EurosTable::schemaOf(profile), QStringLiteral("in_dialog")));
    QVERIFY(spec.open(QIODevice::ReadOnly));
    Plan plan;
    QVERIFY2(planSpec(profile, spec.readAll(), RunSettings{}, &plan, &why), qPrintable(why));
    RehearsalDialog dialog(profile, QStringLiteral("SQLite"), plan, cliProgram());
    dialog.show();
    QVERIFY(!dialog.startButton()->isEnabled());
    QTest::keyClicks(dialog.confirmationEdit(), QStringLiteral("in_dia"));
    QVERIFY(!dialog.startButton()->isEnabled());
    QTest::keyClicks(dialog.confirmationEdit(), QStringLiteral("log"));
    QVERIFY(dialog.startButton()->isEnabled());
    dialog.sampleRows()->setValue(2000);
    dialog.writeRate()->setValue(20);
    QSignalSpy rehearsed(&dialog, &RehearsalDialog::rehearsed);
    dialog.startButton()->click();
    QVERIFY(dialog.isRehearsing());
    QVERIFY(!dialog.startButton()->isEnabled());
    QVERIFY(rehearsed.wait(120000));
    const RehearsalReport report = rehearsed.first().first().value<RehearsalReport>();
    QVERIFY2(report.completed, qPrintable(report.text()));
    QVERIFY(report.cleanedUp);
    QCOMPARE(report.copyRows, 2000); // and 400 more held back for the writer's inserts
    QVERIFY(report.writer.inserts > 0);
    QCOMPARE(report.writer.failures, 0);
    RehearsalStepsModel *steps = dialog.stepsModel();
    QCOMPARE(steps->rowCount(), plan.steps.size());
    for (int i = 0; i < steps->rowCount(); ++i) {
        QCOMPARE(steps->index(i, RehearsalStepsModel::StepColumn).data().toString(), plan.steps.at(i).title);
        QVERIFY(!steps->index(i, RehearsalStepsModel::RehearsalColumn).data().toString().isEmpty());
    }
    QVERIFY2(dialog.summaryText().contains(QLatin1String("Synthetic writer: asked for 20.0 a second")), qPrintable(dialog.summaryText()));
    QVERIFY2(dialog.summaryText().contains(QLatin1String("The scratch copy was dropped")), qPrintable(dialog.summaryText()));
    QTRY_VERIFY_WITH_TIMEOUT(QDir(tmp.path()).isEmpty(), 30000);
}

QTEST_MAIN(TestRehearsal)
#include "testrehearsal.moc"
