// Backfill throughput: Stagecraft's batched backfill (the runner: keyset batches steered to 200 ms,
// each committed with its progress in the journal) against the obvious alternative, one UPDATE of
// the whole table, on PostgreSQL, MariaDB and Oracle MySQL, in the same run on the same server.
//
//   benchbackfill [--rows N] [--runs R] [--engines postgresql,mariadb,mysql] [--out DIR]
//
// Prints a table and writes DIR/backfill.md and DIR/backfill.csv. Target: Stagecraft's rows per
// second at least 0.7 of the single UPDATE's.

#include "benchsupport.h"
#include "run/runner.h"
#include "testservers.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QLocale>
#include <QSysInfo>
#include <QThread>

#include <cstdio>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Backfill throughput: batched against one UPDATE."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("rows"), QStringLiteral("Rows in the table (default 1000000)."), QStringLiteral("N"), QStringLiteral("1000000")});
    parser.addOption({QStringLiteral("runs"), QStringLiteral("Repetitions, the median is reported (default 3)."), QStringLiteral("R"), QStringLiteral("3")});
    parser.addOption({QStringLiteral("engines"), QStringLiteral("Engines (default postgresql,mariadb,mysql)."), QStringLiteral("LIST"),
                      QStringLiteral("postgresql,mariadb,mysql")});
    parser.addOption({QStringLiteral("out"), QStringLiteral("Where to write backfill.md and backfill.csv."), QStringLiteral("DIR"),
                      QStringLiteral("bench-results")});
    parser.process(app);
    const qint64 rows = parser.value(QStringLiteral("rows")).toLongLong();
    const int runs = std::max(1, parser.value(QStringLiteral("runs")).toInt());

    QList<QStringList> table;
    for (const QString &engine : parser.value(QStringLiteral("engines")).split(QLatin1Char(','))) {
        ConnectionProfile profile;
        QString error;
        if (!TestServers::profileFor(engine, &profile, &error)) {
            std::fprintf(stderr, "benchbackfill: %s: %s\n", qPrintable(engine), qPrintable(error));
            return 1;
        }
        QList<double> batched, shortBatched, single;
        RunSettings shortBatches; // fixed 20 ms batches: what a busy table's pacing comes down to
        shortBatches.batchTargetMs = 20;
        shortBatches.maxWriterWaitMs = 0;
        for (int run = 0; run < runs; ++run) {
            const QString a = QStringLiteral("fill_stagecraft_%1").arg(run), b = QStringLiteral("fill_single_%1").arg(run),
                          c = QStringLiteral("fill_short_%1").arg(run);
            double singleSeconds = 0;
            Plan plan, planShort;
            QList<double> steps, stepsShort;
            const auto measureSingle = [&] {
                return Bench::makeTable(profile, b, rows, &error)
                       && Bench::timed(profile, {QStringLiteral("ALTER TABLE %1 ADD COLUMN euros bigint").arg(b)}, &singleSeconds, &error)
                       && Bench::timed(profile, {QStringLiteral("UPDATE %1 SET euros = cents * 2").arg(b)}, &singleSeconds, &error);
            };
            const auto measureBatched = [&](const QString &table, const RunSettings &options, Plan *p, QList<double> *s) {
                return Bench::makeTable(profile, table, rows, &error)
                       && Bench::planColumn(profile, table, QStringLiteral(R"j({"name": "euros", "type": "bigint", "backfill": "cents * 2"})j"), p, &error)
                       && Bench::runPlan(profile, *p, s, &error, options);
            };
            // Alternate which goes first, so neither always meets a warmer cache.
            const auto measureDefault = [&] { return measureBatched(a, RunSettings{}, &plan, &steps); };
            const bool ok = (run % 2 ? measureSingle() && measureDefault() : measureDefault() && measureSingle())
                            && measureBatched(c, shortBatches, &planShort, &stepsShort);
            if (!ok) {
                std::fprintf(stderr, "benchbackfill: %s: %s\n", qPrintable(engine), qPrintable(error));
                return 1;
            }
            const auto backfillTime = [](const Plan &p, const QList<double> &s) {
                double seconds = 0;
                for (int i = 0; i < p.steps.size(); ++i)
                    if (!p.steps.at(i).backfill.isNull())
                        seconds += s.at(i);
                return seconds;
            };
            const double backfillSeconds = backfillTime(plan, steps);
            batched << rows / backfillSeconds;
            shortBatched << rows / backfillTime(planShort, stepsShort);
            single << rows / singleSeconds;
            std::fprintf(stderr, "  %s run %d: batched %.2f s, single UPDATE %.2f s\n", qPrintable(engine), run + 1, backfillSeconds,
                         singleSeconds);
            static_cast<void>(TestServers::execute(profile, {QStringLiteral("DROP TABLE %1").arg(a), QStringLiteral("DROP TABLE %1").arg(b),
                                                             QStringLiteral("DROP TABLE %1").arg(c)},
                                                   &error));
        }
        DatabaseConnection c(profile);
        ConnectionError e;
        const QString version = c.open(&e) ? c.server().displayName() : engine;
        const double ratio = Bench::median(batched) / Bench::median(single);
        const double shortRatio = Bench::median(shortBatched) / Bench::median(single);
        table << QStringList{version, QLocale::c().toString(rows), QString::number(qRound64(Bench::median(batched))),
                             QString::number(qRound64(Bench::median(single))), QString::number(ratio, 'f', 2),
                             ratio >= 0.9 ? QStringLiteral("yes") : QStringLiteral("no"), QString::number(qRound64(Bench::median(shortBatched))),
                             QString::number(shortRatio, 'f', 2)};
    }
    Bench::writeTable(parser.value(QStringLiteral("out")), QStringLiteral("backfill"),
                      {QStringLiteral("server"), QStringLiteral("rows"), QStringLiteral("Stagecraft batched (rows/s)"),
                       QStringLiteral("one UPDATE (rows/s)"), QStringLiteral("ratio"), QStringLiteral("≥ 0.9"),
                       QStringLiteral("20 ms batches (rows/s)"), QStringLiteral("ratio (20 ms)")},
                      table,
                      QStringLiteral("Median of %1 runs on %2 cores, %3. Batched: the runner's backfill step (keyset batches "
                                     "at the defaults (200 ms, paced on writers' waits: none on this idle table), or fixed at 20 ms, each "
                                     "committed with its journal row, its statements prepared once); one "
                                     "UPDATE: the whole table in one statement.")
                          .arg(runs)
                          .arg(QThread::idealThreadCount())
                          .arg(QSysInfo::prettyProductName()));
    TestServers::stopAll();
    return 0;
}
