#include "benchsupport.h"

#include "plan/planner.h"
#include "plan/specvalidator.h"
#include "run/runner.h"
#include "sql/quoting.h"
#include "testservers.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>
#include <cstdio>

namespace Stagecraft::Bench {

using Testing::TestServers;

bool makeTable(const ConnectionProfile &profile, const QString &name, qint64 rows, QString *error)
{
    const QString t = quoteIdentifier(profile.engine, name);
    QStringList setup = {QStringLiteral("CREATE TABLE %1 (id bigint PRIMARY KEY, cents int NOT NULL)").arg(t)};
    if (profile.engine == Engine::PostgreSQL) {
        setup << QStringLiteral("INSERT INTO %1 SELECT g, g % 100000 FROM generate_series(1, %2) g").arg(t, QString::number(rows))
              << QStringLiteral("VACUUM ANALYZE %1").arg(t);
    } else if (profile.engine == Engine::MySQL) { // no sequence tables: a recursive CTE, allowed deep enough
        setup << QStringLiteral("SET SESSION cte_max_recursion_depth = %1").arg(rows)
              << QStringLiteral("INSERT INTO %1 WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < %2) "
                                "SELECT i, i MOD 100000 FROM g").arg(t, QString::number(rows))
              << QStringLiteral("ANALYZE TABLE %1").arg(t);
    } else {
        setup << QStringLiteral("INSERT INTO %1 SELECT seq, seq MOD 100000 FROM seq_1_to_%2").arg(t, QString::number(rows))
              << QStringLiteral("ANALYZE TABLE %1").arg(t);
    }
    return TestServers::execute(profile, setup, error);
}

bool planColumn(const ConnectionProfile &profile, const QString &table, const QString &columnJson, Plan *plan, QString *error)
{
    DatabaseConnection connection(profile);
    ConnectionError e;
    if (!connection.open(&e)) {
        *error = e.text();
        return false;
    }
    const QString schema = profile.engine == Engine::PostgreSQL ? QStringLiteral("public") : profile.database;
    ColumnSpec spec;
    QList<SpecProblem> problems;
    PlannerInput input;
    if (!ColumnSpec::fromJson(QStringLiteral(R"j({"table": "%1.%2", "column": %3})j").arg(schema, table, columnJson).toUtf8(), &spec,
                              &problems)
        || !SpecValidator(connection).validate(spec, &input, &problems)) {
        *error = problems.isEmpty() ? QStringLiteral("invalid spec") : problems.first().field + QLatin1String(": ") + problems.first().message;
        return false;
    }
    *plan = Planner::plan(input);
    return true;
}

bool runPlan(const ConnectionProfile &profile, const Plan &plan, QList<double> *stepSeconds, QString *error, const RunSettings &options,
             bool stopAtGate)
{
    Runner runner(profile, options);
    runner.setPassGates(!stopAtGate); // gates have tests of their own
    QList<double> seconds(plan.steps.size(), 0.0);
    RunOutcome outcome = RunOutcome::Failed;
    QString summary;
    QObject::connect(&runner, &Runner::stepFinished, [&seconds](int step, double s) { seconds[step] = s; });
    QObject::connect(&runner, &Runner::runFinished, [&](RunOutcome o, const QString &text) {
        outcome = o;
        summary = text;
    });
    runner.run(plan);
    *stepSeconds = seconds;
    const bool finished = outcome == RunOutcome::Done || (stopAtGate && outcome == RunOutcome::WaitingAtGate);
    if (!finished)
        *error = summary;
    return finished;
}

bool timed(const ConnectionProfile &profile, const QStringList &statements, double *seconds, QString *error)
{
    DatabaseConnection connection(profile);
    ConnectionError e;
    if (!connection.open(&e)) {
        *error = e.text();
        return false;
    }
    QSqlQuery q(connection.database());
    QElapsedTimer timer;
    timer.start();
    for (const QString &s : statements) {
        if (!q.exec(s)) {
            *error = s.left(120) + QLatin1String(": ") + q.lastError().text();
            return false;
        }
    }
    *seconds = timer.nsecsElapsed() / 1e9;
    return true;
}

void writeTable(const QString &dir, const QString &name, const QStringList &header, const QList<QStringList> &rows,
                const QString &note)
{
    QStringList markdown{QLatin1String("| ") + header.join(QLatin1String(" | ")) + QLatin1String(" |"),
                         QLatin1String("|") + QStringList(header.size(), QStringLiteral("---:")).join(QLatin1Char('|')) + QLatin1String("|")};
    QStringList csv{header.join(QLatin1Char(','))};
    for (const QStringList &r : rows) {
        markdown << QLatin1String("| ") + r.join(QLatin1String(" | ")) + QLatin1String(" |");
        csv << r.join(QLatin1Char(','));
    }
    if (!note.isEmpty())
        markdown << QString() << note;
    QDir().mkpath(dir);
    for (const auto &[file, lines] : {std::pair{name + QLatin1String(".md"), markdown}, std::pair{name + QLatin1String(".csv"), csv}}) {
        QFile f(QDir(dir).filePath(file));
        if (f.open(QIODevice::WriteOnly))
            f.write((lines.join(QLatin1Char('\n')) + QLatin1Char('\n')).toUtf8());
    }
    std::printf("%s\n", qPrintable(markdown.join(QLatin1Char('\n'))));
    std::fprintf(stderr, "written to %s/%s.{md,csv}\n", qPrintable(dir), qPrintable(name));
}

double median(QList<double> values)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const qsizetype n = values.size();
    return n % 2 ? values.at(n / 2) : (values.at(n / 2 - 1) + values.at(n / 2)) / 2;
}

} // namespace Stagecraft::Bench
