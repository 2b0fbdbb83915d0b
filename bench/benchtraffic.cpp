// Live traffic while a column is added: a writer doing single-row updates and inserts at a steady
// rate on the table, first alone (the idle baseline), then during the naive single statements
// (ADD COLUMN … NOT NULL DEFAULT <uuid> and a plain CREATE INDEX), then during Stagecraft's staged
// run of the same column, and once more for a column derived from the row (backfill cents / 100.0).
// Reports the writer's p50 / p99 / max latency and errors for each, and for the derived column the
// rows left stale: rows the writer inserted or updated after their batch, which nothing but a sync
// keeps right. On PostgreSQL the writer is pgbench with a custom script (-R: a fixed schedule);
// elsewhere (MariaDB, Oracle MySQL) the tests' LiveWriter. Both time each write from when it was
// due, so a stall counts against every write it held up, not once.
//
//   benchtraffic [--rows N] [--rate OPS] [--engines postgresql,mariadb,mysql] [--out DIR]
//
// Writes DIR/traffic.md and DIR/traffic.csv. Targets: no writer error, p99 within 3x of the idle
// baseline, the longest stall below the runner's lock timeout (2 s), no row left stale.

#include "benchsupport.h"
#include "livewriter.h"
#include "postgrestestserver.h"
#include "run/runner.h"
#include "sql/quoting.h"
#include "testservers.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QThread>

#include <cstdio>
#include <functional>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

namespace {

struct Latencies
{
    QList<double> ms;
    int errors = 0;
    QString firstError;
};

// The same application on PostgreSQL as pgbench: one client, a Poisson schedule at the rate (-R),
// updates and inserts from a custom script. It stops when a row appears in a flag table: a third,
// rare script then fails on purpose, which ends pgbench (its one client aborted) with its
// per-transaction log written. Latency from the log: the transaction's time plus its schedule lag.
class PgbenchWriter
{
public:
    PgbenchWriter(ConnectionProfile profile, QString table, qint64 rows, qint64 firstNewId, int rate)
        : m_profile(std::move(profile)), m_table(std::move(table)), m_rows(rows), m_firstNewId(firstNewId), m_rate(rate)
    {
    }

    bool start(QString *error)
    {
        const QString t = quoteIdentifier(Engine::PostgreSQL, m_table);
        if (!TestServers::execute(m_profile,
                                  {QStringLiteral("CREATE TABLE IF NOT EXISTS bench_stop (x int)"), QStringLiteral("DELETE FROM bench_stop"),
                                   QStringLiteral("DROP SEQUENCE IF EXISTS bench_ids"),
                                   QStringLiteral("CREATE SEQUENCE bench_ids START %1").arg(m_firstNewId)},
                                  error))
            return false;
        const auto script = [this](const QString &name, const QString &text) {
            QFile f(m_dir.filePath(name));
            return f.open(QIODevice::WriteOnly) && f.write(text.toUtf8()) > 0;
        };
        if (!script(QStringLiteral("update.sql"), QStringLiteral("\\set id random(1, %1)\nUPDATE %2 SET cents = cents + 1 WHERE id = :id;\n").arg(m_rows).arg(t))
            || !script(QStringLiteral("insert.sql"), QStringLiteral("INSERT INTO %1 (id, cents) VALUES (nextval('bench_ids'), 1);\n").arg(t))
            || !script(QStringLiteral("stop.sql"), QStringLiteral("SELECT 1 / (count(*) - 1) FROM bench_stop;\n"))) {
            *error = QStringLiteral("cannot write the pgbench scripts in %1").arg(m_dir.path());
            return false;
        }
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PGPASSWORD"), m_profile.password);
        m_process.setProcessEnvironment(env);
        m_process.setWorkingDirectory(m_dir.path());
        // The flag check is 1 transaction in 21: the rate is raised to keep the writes at --rate.
        m_process.start(PostgresTestServer::binDirectory() + QStringLiteral("/pgbench"),
                        {QStringLiteral("-n"), QStringLiteral("-c1"), QStringLiteral("-j1"), QStringLiteral("-R%1").arg(m_rate * 21.0 / 20.0, 0, 'f', 1),
                         QStringLiteral("-T3600"), QStringLiteral("-l"), QStringLiteral("--log-prefix=log"),
                         QStringLiteral("-fupdate.sql@10"), QStringLiteral("-finsert.sql@10"), QStringLiteral("-fstop.sql@1"),
                         QStringLiteral("-h"), m_profile.host, QStringLiteral("-p"), QString::number(m_profile.port),
                         QStringLiteral("-U"), m_profile.user, m_profile.database});
        if (!m_process.waitForStarted()) {
            *error = QStringLiteral("pgbench: %1").arg(m_process.errorString());
            return false;
        }
        return true;
    }

    bool stop(QString *error)
    {
        if (!TestServers::execute(m_profile, {QStringLiteral("INSERT INTO bench_stop VALUES (1)")}, error))
            return false;
        if (!m_process.waitForFinished(60000)) {
            m_process.kill();
            *error = QStringLiteral("pgbench did not stop");
            return false;
        }
        // Any abort but the planned one is a writer error.
        for (const QString &line : QString::fromUtf8(m_process.readAllStandardError()).split(QLatin1Char('\n'))) {
            if (!line.contains(QRegularExpression(QStringLiteral("client [0-9]+ .*aborted"))) || line.contains(QLatin1String("division by zero")))
                continue;
            ++m_result.errors;
            if (m_result.firstError.isEmpty())
                m_result.firstError = line;
        }
        // client_id transaction_no time script_no time_epoch time_us schedule_lag (microseconds)
        for (const QString &name : QDir(m_dir.path()).entryList({QStringLiteral("log.*")}, QDir::Files)) {
            QFile f(m_dir.filePath(name));
            if (!f.open(QIODevice::ReadOnly))
                continue;
            while (!f.atEnd()) {
                const QList<QByteArray> fields = f.readLine().simplified().split(' ');
                if (fields.size() < 7 || fields.at(3).toInt() == 2) // the flag check is no write
                    continue;
                m_result.ms << (fields.at(2).toDouble() + fields.at(6).toDouble()) / 1000.0;
            }
        }
        if (m_result.ms.isEmpty()) {
            *error = QStringLiteral("pgbench logged no transaction: %1").arg(QString::fromUtf8(m_process.readAllStandardOutput()));
            return false;
        }
        return true;
    }

    Latencies result() const { return m_result; }

private:
    ConnectionProfile m_profile;
    QString m_table;
    qint64 m_rows;
    qint64 m_firstNewId;
    int m_rate;
    QTemporaryDir m_dir;
    QProcess m_process;
    Latencies m_result;
};

double percentile(QList<double> v, double p)
{
    if (v.isEmpty())
        return 0;
    std::sort(v.begin(), v.end());
    return v.at(std::min<qsizetype>(v.size() - 1, qsizetype(p * double(v.size()))));
}

// Runs `work` while the writer writes (one second of traffic before and after it).
bool underTraffic(const ConnectionProfile &profile, const QString &table, qint64 rows, int rate,
                  const std::function<bool(QString *)> &work, Latencies *latencies, double *seconds, QString *error)
{
    static qint64 phase = 0;
    const qint64 firstNewId = rows + 1 + 10000000 * ++phase;
    const auto timedWork = [&] {
        QThread::msleep(1000);
        QElapsedTimer timer;
        timer.start();
        const bool ok = !work || work(error);
        *seconds = timer.nsecsElapsed() / 1e9;
        QThread::msleep(1000);
        return ok;
    };
    if (profile.engine == Engine::PostgreSQL) {
        PgbenchWriter writer(profile, table, rows, firstNewId, rate);
        if (!writer.start(error))
            return false;
        const bool ok = timedWork();
        QString stopError;
        const bool stopped = writer.stop(&stopError);
        *latencies = writer.result();
        if (ok && !stopped)
            *error = stopError;
        return ok && stopped;
    }
    const QString t = quoteIdentifier(profile.engine, table);
    LiveWriter writer(profile, QStringLiteral("INSERT INTO %1 (id, cents) VALUES (%2, 1)").arg(t, QStringLiteral("%1")),
                      QStringLiteral("UPDATE %1 SET cents = cents + 1 WHERE id = %2").arg(t, QStringLiteral("%1")), rows, firstNewId, rate);
    writer.start();
    const bool ok = timedWork();
    writer.stop();
    const LiveWriter::Result r = writer.result();
    latencies->ms = r.latenciesMs;
    latencies->errors = int(r.errors);
    latencies->firstError = r.firstErrors.value(0);
    return ok;
}

// stale: rows left stale after the run ("-" where no column derived from the row was added).
QStringList row(const QString &server, const QString &phase, const Latencies &l, double seconds, double baselineP99,
                const QString &stale = QStringLiteral("-"))
{
    const double p99 = percentile(l.ms, 0.99), max = percentile(l.ms, 1.0);
    const bool ok = l.errors == 0 && (baselineP99 <= 0 || p99 <= 3 * baselineP99) && max < 2000
                    && (stale == QLatin1String("-") || stale == QLatin1String("0"));
    return {server, phase, QString::number(seconds, 'f', 1), QString::number(l.ms.size()), QString::number(percentile(l.ms, 0.5), 'f', 1),
            QString::number(p99, 'f', 1), baselineP99 <= 0 ? QStringLiteral("1.0x") : QStringLiteral("%1x").arg(p99 / baselineP99, 0, 'f', 1),
            QString::number(max, 'f', 0), QString::number(l.errors), stale,
            baselineP99 <= 0 ? QStringLiteral("(baseline)") : ok ? QStringLiteral("yes") : QStringLiteral("no")};
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Writer latency during the naive statements and during Stagecraft's run."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("rows"), QStringLiteral("Rows in the table (default 1000000)."), QStringLiteral("N"), QStringLiteral("1000000")});
    parser.addOption({QStringLiteral("rate"), QStringLiteral("Writer operations per second (default 200)."), QStringLiteral("OPS"), QStringLiteral("200")});
    parser.addOption({QStringLiteral("engines"), QStringLiteral("Engines (default postgresql,mariadb,mysql)."), QStringLiteral("LIST"),
                      QStringLiteral("postgresql,mariadb,mysql")});
    parser.addOption({QStringLiteral("out"), QStringLiteral("Where to write traffic.md and traffic.csv."), QStringLiteral("DIR"),
                      QStringLiteral("bench-results")});
    parser.process(app);
    const qint64 rows = parser.value(QStringLiteral("rows")).toLongLong();
    const int rate = std::max(1, parser.value(QStringLiteral("rate")).toInt());

    QList<QStringList> table;
    for (const QString &engine : parser.value(QStringLiteral("engines")).split(QLatin1Char(','))) {
        ConnectionProfile profile;
        QString error;
        if (!TestServers::profileFor(engine, &profile, &error)) {
            std::fprintf(stderr, "benchtraffic: %s: %s\n", qPrintable(engine), qPrintable(error));
            return 1;
        }
        const bool pg = profile.engine == Engine::PostgreSQL;
        const QString uuid = pg ? QStringLiteral("gen_random_uuid()") : QStringLiteral("uuid()");
        // Oracle MySQL has no uuid type: the text form, as applications there keep it.
        const QString uuidType = profile.engine == Engine::MySQL ? QStringLiteral("char(36)") : QStringLiteral("uuid");
        DatabaseConnection c(profile);
        ConnectionError e;
        const QString server = c.open(&e) ? c.server().displayName() : engine;
        Latencies idle, naive, staged, unpaced, stagedShort, derived;
        double idleSeconds = 0, naiveSeconds = 0, stagedSeconds = 0, unpacedSeconds = 0, stagedShortSeconds = 0, derivedSeconds = 0;
        const QString tokenColumn =
            QStringLiteral(R"j({"name": "token", "type": "%1", "nullable": false, "default": {"expression": "%2"}, "index": true})j").arg(uuidType, uuid);
        // A column derived from the row, written by nobody but the plan: every row the writer
        // inserts or updates after its batch is stale unless something keeps the column in sync.
        const QString derivedExpression = QStringLiteral("cents / 100.0");
        const QString derivedColumn =
            QStringLiteral(R"j({"name": "euros", "type": "numeric(12,2)", "nullable": true, "backfill": "%1"})j").arg(derivedExpression);
        qint64 stale = -1;
        // Stagecraft's run of the column on its own copy of the table, under traffic. The second
        // time with 20 ms batches: a write that meets a row of the batch in flight waits for the
        // batch's commit, so the batch time bounds how long such a write waits.
        // The derived column's run stops at the gate before the contract stage: from there on the
        // application is meant to write the column itself, and a writer that leaves it out makes
        // stale rows by design (about one a write in the second the writer goes on after the work).
        const auto stagedRun = [&](const QString &table, const QString &column, const RunSettings &options, Latencies *latencies,
                                   double *seconds, bool stopAtGate = false) {
            Plan plan;
            return Bench::makeTable(profile, table, rows, &error)
                   && Bench::planColumn(profile, table, column, &plan, &error)
                   && underTraffic(profile, table, rows, rate,
                                   [&](QString *why) {
                                       QList<double> steps;
                                       return Bench::runPlan(profile, plan, &steps, why, options, stopAtGate);
                                   },
                                   latencies, seconds, &error);
        };
        // The defaults pace the batches on the writers' waits (20 ms); the alternatives: the same
        // 200 ms batches without that pacing, and fixed 20 ms batches without it.
        RunSettings unpacedBatches;
        unpacedBatches.maxWriterWaitMs = 0;
        RunSettings shortBatches;
        shortBatches.batchTargetMs = 20;
        shortBatches.maxWriterWaitMs = 0;
        // Oracle MySQL refuses ADD COLUMN with a default of uuid() ("unsafe ... may return a different
        // value on the replica", even without a binary log): by hand there, the column is added
        // nullable with its default, filled by one UPDATE, then made NOT NULL (a table copy).
        const QStringList naiveStatements = profile.engine == Engine::MySQL
            ? QStringList{QStringLiteral("ALTER TABLE traffic_naive ADD COLUMN token %1").arg(uuidType),
                          QStringLiteral("ALTER TABLE traffic_naive ALTER COLUMN token SET DEFAULT (%1)").arg(uuid),
                          QStringLiteral("UPDATE traffic_naive SET token = %1 WHERE token IS NULL").arg(uuid),
                          QStringLiteral("ALTER TABLE traffic_naive MODIFY token %1 NOT NULL DEFAULT (%2)").arg(uuidType, uuid),
                          QStringLiteral("CREATE INDEX traffic_naive_token_idx ON traffic_naive (token)")}
            : QStringList{QStringLiteral("ALTER TABLE traffic_naive ADD COLUMN token %1 NOT NULL DEFAULT %2")
                              .arg(uuidType, pg ? uuid : QLatin1Char('(') + uuid + QLatin1Char(')')),
                          QStringLiteral("CREATE INDEX traffic_naive_token_idx ON traffic_naive (token)")};
        const bool ok =
            Bench::makeTable(profile, QStringLiteral("traffic_naive"), rows, &error)
            && underTraffic(profile, QStringLiteral("traffic_naive"), rows, rate, {}, &idle, &idleSeconds, &error)
            && underTraffic(profile, QStringLiteral("traffic_naive"), rows, rate,
                            [&](QString *why) {
                                double s = 0;
                                return Bench::timed(profile, naiveStatements, &s, why);
                            },
                            &naive, &naiveSeconds, &error)
            && stagedRun(QStringLiteral("traffic_staged"), tokenColumn, RunSettings{}, &staged, &stagedSeconds)
            && stagedRun(QStringLiteral("traffic_unpaced"), tokenColumn, unpacedBatches, &unpaced, &unpacedSeconds)
            && stagedRun(QStringLiteral("traffic_short"), tokenColumn, shortBatches, &stagedShort, &stagedShortSeconds)
            && stagedRun(QStringLiteral("traffic_derived"), derivedColumn, RunSettings{}, &derived, &derivedSeconds, true)
            && (c.isOpen() || (error = e.text(), false))
            && (stale = LiveWriter::staleRows(c.database(), profile.engine, quoteIdentifier(profile.engine, QStringLiteral("traffic_derived")),
                                              QStringLiteral("euros"), derivedExpression, &error))
                   >= 0;
        if (!ok) {
            std::fprintf(stderr, "benchtraffic: %s: %s\n", qPrintable(engine), qPrintable(error));
            return 1;
        }
        const double baseline = percentile(idle.ms, 0.99);
        table << row(server, QStringLiteral("idle"), idle, idleSeconds, 0)
              << row(server, QStringLiteral("naive statements"), naive, naiveSeconds, baseline)
              << row(server, QStringLiteral("Stagecraft, defaults (paced on writers' waits)"), staged, stagedSeconds, baseline)
              << row(server, QStringLiteral("Stagecraft, 200 ms batches, not paced"), unpaced, unpacedSeconds, baseline)
              << row(server, QStringLiteral("Stagecraft, 20 ms batches, not paced"), stagedShort, stagedShortSeconds, baseline)
              << row(server, QStringLiteral("Stagecraft, derived column, to the gate"), derived, derivedSeconds, baseline, QString::number(stale));
        for (const Latencies *l : {&naive, &staged, &unpaced, &stagedShort, &derived})
            if (!l->firstError.isEmpty())
                std::fprintf(stderr, "  %s: first writer error: %s\n", qPrintable(server), qPrintable(l->firstError));
    }
    Bench::writeTable(parser.value(QStringLiteral("out")), QStringLiteral("traffic"),
                      {QStringLiteral("server"), QStringLiteral("while"), QStringLiteral("work (s)"), QStringLiteral("writes"),
                       QStringLiteral("p50 (ms)"), QStringLiteral("p99 (ms)"), QStringLiteral("p99 / idle"), QStringLiteral("max (ms)"),
                       QStringLiteral("writer errors"), QStringLiteral("rows left stale"),
                       QStringLiteral("targets met")},
                      table,
                      QStringLiteral("%1 rows; the writer (pgbench -R on PostgreSQL, the tests' LiveWriter elsewhere) does %2 "
                                     "single-row updates and inserts per second on its own connection, from 1 s before the work "
                                     "to 1 s after it, each timed from when it was due. Rows left stale: after the derived column's run "
                                     "(backfill %5) up to the deploy gate before the contract stage, where the application would be "
                                     "deployed, rows whose column does not hold the expression's value, NULLs included. "
                                     "Targets: no error, p99 within 3x of idle, max below the 2 s lock timeout, no row left stale. %3 cores, %4.")
                          .arg(rows)
                          .arg(rate)
                          .arg(QThread::idealThreadCount())
                          .arg(QSysInfo::prettyProductName())
                          .arg(QStringLiteral("cents / 100.0")));
    TestServers::stopAll();
    return 0;
}
