#include "rehearsal.h"

#include "catalog/catalogreader.h"
#include "connection/databaseconnection.h"
#include "plan/costmodel.h"
#include "plan/planner.h"
#include "plan/specvalidator.h"
#include "runner.h"
#include "scratchcopy.h"
#include "sql/quoting.h"

#include <QElapsedTimer>
#include <QLocale>
#include <QProcess>
#include <QSqlQuery>
#include <QThread>

#include <algorithm>

#include <unistd.h>

namespace Stagecraft {

namespace {

QString seconds(double s)
{
    if (s < 0)
        return QStringLiteral("-");
    return QStringLiteral("%1 s").arg(s, 0, 'f', s < 10 ? 2 : s < 100 ? 1 : 0);
}

QString count(qint64 n)
{
    return QLocale(QLocale::English).toString(n); // 20,000 in every locale: the report is read by scripts too
}

} // namespace

Rehearsal::Rehearsal(ConnectionProfile source, Plan plan, RehearsalSettings settings, QObject *parent)
    : QObject(parent)
    , m_source(std::move(source))
    , m_plan(std::move(plan))
    , m_settings(std::move(settings))
    , m_name(ScratchCopy::newName())
{
}

Rehearsal::~Rehearsal()
{
    stopGuard();
}

ConnectionProfile Rehearsal::target() const
{
    const ConnectionProfile &t = m_settings.target;
    return t.host.isEmpty() && t.database.isEmpty() ? m_source : t;
}

QString Rehearsal::destination() const
{
    return ScratchCopy(target(), m_name).description();
}

void Rehearsal::cancel()
{
    m_cancelled = true;
    const std::lock_guard lock(m_runnerMutex);
    if (m_runner)
        m_runner->cancel();
}

void Rehearsal::startGuard()
{
    if (m_settings.guardProgram.isEmpty())
        return;
    // A process of its own session (a Ctrl-C to this one's terminal does not reach it) that drops
    // the scratch copy once its input closes: when this process ends, however it ends.
    m_guard = new QProcess;
    const ConnectionProfile t = target();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!t.password.isEmpty())
        env.insert(QStringLiteral("STAGECRAFT_PASSWORD"), t.password);
    m_guard->setProcessEnvironment(env);
    m_guard->setStandardOutputFile(QProcess::nullDevice());
    m_guard->setStandardErrorFile(QProcess::nullDevice());
    m_guard->setChildProcessModifier([] { ::setsid(); });
    m_guard->start(m_settings.guardProgram,
                   {QStringLiteral("rehearse-cleanup"), QStringLiteral("-c"), t.toUrl(false), QStringLiteral("--scratch"), m_name});
    if (!m_guard->waitForStarted(10000)) {
        Q_EMIT noted(QStringLiteral("the cleanup guard (%1) did not start: %2; the copy is dropped at the end, but not if this "
                                    "process is killed")
                         .arg(m_settings.guardProgram, m_guard->errorString()));
        delete m_guard;
        m_guard = nullptr;
    }
}

void Rehearsal::stopGuard()
{
    if (!m_guard)
        return;
    m_guard->closeWriteChannel(); // it drops the copy if still there, and ends
    // It tries its drop for two minutes when ours failed: given that long before it is stopped.
    if (!m_guard->waitForFinished(130000))
        m_guard->kill();
    m_guard->waitForFinished(5000);
    delete m_guard;
    m_guard = nullptr;
}

bool Rehearsal::writeCounters(DatabaseConnection &source, qint64 *inserts, qint64 *others, QString *how)
{
    QSqlQuery q(source.database());
    const Engine e = source.engine();
    if (e == Engine::SQLite) {
        *how = QStringLiteral("SQLite keeps no statistics of a table's writes");
        return false;
    }
    if (e == Engine::PostgreSQL) {
        q.prepare(QStringLiteral("SELECT n_tup_ins, n_tup_upd + n_tup_del FROM pg_stat_user_tables WHERE relid = to_regclass(?)"));
        q.addBindValue(quoteQualified(e, m_plan.table.schema, m_plan.table.name));
        *how = QStringLiteral("pg_stat_user_tables");
    } else {
        q.prepare(QStringLiteral("SELECT COUNT_INSERT, COUNT_UPDATE + COUNT_DELETE FROM performance_schema.table_io_waits_summary_by_table "
                                 "WHERE OBJECT_SCHEMA = ? AND OBJECT_NAME = ?"));
        q.addBindValue(m_plan.table.schema);
        q.addBindValue(m_plan.table.name);
        *how = QStringLiteral("performance_schema.table_io_waits_summary_by_table");
    }
    if (q.exec() && q.next()) {
        *inserts = q.value(0).toLongLong();
        *others = q.value(1).toLongLong();
        return true;
    }
    *how = e == Engine::PostgreSQL ? QStringLiteral("pg_stat_user_tables has no row for the table")
                                   : QStringLiteral("performance_schema does not count the table's writes (performance_schema = OFF, "
                                                    "or its table instrumentation is off)");
    return false;
}

void Rehearsal::run()
{
    RehearsalReport report;
    report.scratch = destination();
    const bool ok = rehearse(&report);
    report.completed = ok && report.completed;
    // Whatever happened: the copy goes (also when its creation failed half-way).
    Q_EMIT progressed(100, QStringLiteral("dropping the scratch copy"));
    QString why;
    report.cleanedUp = !m_made && !m_guard ? true : ScratchCopy::drop(target(), m_name, &why);
    if (!report.cleanedUp) {
        // Another try after a moment: a statement a cancel interrupted may still hold a lock.
        QThread::msleep(1000);
        why.clear();
        report.cleanedUp = ScratchCopy::drop(target(), m_name, &why);
    }
    report.cleanupProblem = why;
    report.made = m_made;
    stopGuard();
    if (report.cleanedUp && m_made)
        Q_EMIT noted(QStringLiteral("dropped the scratch copy (%1)").arg(report.scratch));
    else if (!report.cleanedUp)
        Q_EMIT noted(QStringLiteral("could not drop the scratch copy (%1): %2").arg(report.scratch, why));
    Q_EMIT finished(report);
}

bool Rehearsal::rehearse(RehearsalReport *report)
{
    if (!m_plan.spec.sideEffects.isEmpty()) {
        report->summary = QStringLiteral("Not rehearsed: the spec accepts side effects (%1), which the copy's backfill, default and sync "
                                         "would run for real, outside the copy. Nothing was made.")
                              .arg(m_plan.spec.sideEffects.join(QLatin1String(", ")));
        return false;
    }
    if (!m_plan.spec.referencedColumn.isEmpty()) {
        report->summary = QStringLiteral("Not rehearsed: a foreign key's steps need the referenced table beside the copy, which a rehearsal "
                                         "does not copy yet. Nothing was made.");
        return false;
    }
    Q_EMIT progressed(0, QStringLiteral("reading the table"));
    DatabaseConnection source(m_source);
    ConnectionError error;
    if (!source.open(&error)) {
        report->summary = QStringLiteral("Not rehearsed: %1").arg(error.text());
        return false;
    }
    TableDetails details;
    if (!CatalogReader::create(source)->describeTable(m_plan.table, &details, &error)) {
        report->summary = QStringLiteral("Not rehearsed: %1").arg(error.text());
        return false;
    }
    report->tableRows = std::max<qint64>(0, details.estimatedRows);
    qint64 insertsBefore = 0, othersBefore = 0;
    QString how;
    const bool counted = writeCounters(source, &insertsBefore, &othersBefore, &how);
    QElapsedTimer window;
    window.start();

    // Where the copy goes must take it without harm: the same engine, no replication that would
    // carry the copy to where it breaks something.
    {
        DatabaseConnection onTarget(target());
        if (!onTarget.open(&error)) {
            report->summary = QStringLiteral("Not rehearsed: %1").arg(error.text());
            return false;
        }
        const auto family = [](Engine e) { return e == Engine::MariaDB ? Engine::MySQL : e; };
        if (family(onTarget.engine()) != family(source.engine())) {
            report->summary = QStringLiteral("Not rehearsed: the copy's server is %1, the table's %2; a rehearsal needs the same engine. "
                                             "Nothing was made.")
                                  .arg(onTarget.server().displayName(), source.server().displayName());
            return false;
        }
        QSqlQuery q(onTarget.database());
        if (onTarget.engine() == Engine::PostgreSQL && q.exec(QStringLiteral("SELECT pubname FROM pg_publication WHERE puballtables")) && q.next()) {
            report->summary = QStringLiteral("Not rehearsed: publication %1 publishes every table of this database (FOR ALL TABLES), so "
                                             "the copy would go to its subscribers, whose apply would fail on a table they lack. "
                                             "Rehearse on another server or database (--rehearse-on). Nothing was made.")
                                  .arg(q.value(0).toString());
            return false;
        }
        if (onTarget.engine() != Engine::PostgreSQL && onTarget.engine() != Engine::SQLite
            && q.exec(QStringLiteral("SHOW VARIABLES LIKE 'wsrep_on'")) && q.next() && q.value(1).toString().compare(QLatin1String("ON"), Qt::CaseInsensitive) == 0) {
            report->summary = QStringLiteral("Not rehearsed: this server is a Galera node, where the copy and the plan's schema changes "
                                             "would hold up every node, the table's writes included. Rehearse on another server "
                                             "(--rehearse-on). Nothing was made.");
            return false;
        }
    }
    if (m_cancelled) {
        report->summary = QStringLiteral("Cancelled before anything was made.");
        return false;
    }
    startGuard();
    ScratchCopy scratch(target(), m_name);
    Q_EMIT progressed(2, QStringLiteral("creating %1").arg(report->scratch));
    if (!scratch.create(&error)) {
        report->summary = QStringLiteral("Not rehearsed: %1").arg(error.text());
        return false;
    }
    m_made = true;
    Q_EMIT noted(QStringLiteral("made %1").arg(report->scratch));
    Q_EMIT progressed(5, QStringLiteral("copying rows"));
    ScratchCopy::Copied copied;
    const qint64 heldBack = std::min<qint64>(20000, std::max<qint64>(0, m_settings.sampleRows / 5));
    QString why;
    if (!scratch.copyTable(source, details, std::max<qint64>(1, m_settings.sampleRows), heldBack, &copied, &why, &m_cancelled)) {
        report->summary = QStringLiteral("Not rehearsed: copying the table failed: %1").arg(why);
        return false;
    }
    report->copyRows = copied.rows;
    report->sampled = copied.sampled;
    report->copySeconds = copied.seconds;
    if (!copied.sampled)
        report->tableRows = copied.rows + copied.heldBack;
    report->scale = copied.rows > 0 && copied.sizeKnown ? std::max(1.0, double(report->tableRows) / double(copied.rows)) : 1.0;
    if (copied.sampled && !copied.sizeKnown)
        report->notes << QStringLiteral("The table's size is not known (never analysed): the times are not scaled to it. ANALYZE it first.");
    Q_EMIT noted(QStringLiteral("copied %1 rows%2 in %3 (%4 held back for the writer to insert)")
                     .arg(count(copied.rows + copied.heldBack),
                          copied.sampled ? QStringLiteral(" of about %1").arg(count(details.estimatedRows)) : QString(), seconds(copied.seconds),
                          count(copied.heldBack)));
    if (m_cancelled) {
        report->summary = QStringLiteral("Cancelled while copying.");
        return false;
    }

    // The table's write rate, over the copy and at least 3 s.
    double insertShare = 0.5;
    if (counted) {
        while (window.elapsed() < 3000 && !m_cancelled)
            QThread::msleep(100);
        qint64 insertsAfter = 0, othersAfter = 0;
        QString ignored;
        if (writeCounters(source, &insertsAfter, &othersAfter, &ignored)) {
            const double s = window.elapsed() / 1000.0;
            const qint64 ins = std::max<qint64>(0, insertsAfter - insertsBefore), other = std::max<qint64>(0, othersAfter - othersBefore);
            report->observedWritesPerSecond = (ins + other) / s;
            if (ins + other > 0)
                insertShare = double(ins) / double(ins + other);
            report->observedHow = QStringLiteral("%1 over %2").arg(how, seconds(s));
        }
    } else {
        report->observedHow = how;
    }
    report->writerTarget = m_settings.writesPerSecond >= 0 ? m_settings.writesPerSecond : std::max(0.0, report->observedWritesPerSecond);
    source.close();

    // The same column, planned for the copy.
    Q_EMIT progressed(30, QStringLiteral("planning the column on the copy"));
    ColumnSpec spec = m_plan.spec;
    spec.table = scratch.table(m_plan.table);
    Plan copyPlan;
    {
        DatabaseConnection onCopy(scratch.profile());
        if (!onCopy.open(&error)) {
            report->summary = QStringLiteral("Not rehearsed: %1").arg(error.text());
            return false;
        }
        PlannerInput input;
        input.settings = m_plan.settings;
        input.acceptedEffects = {};
        QList<SpecProblem> problems;
        SpecValidator validator(onCopy);
        if (!validator.validate(spec, &input, &problems, &copyPlan)) {
            QStringList texts;
            for (const SpecProblem &p : std::as_const(problems))
                texts << p.field + QLatin1String(": ") + p.message;
            report->summary = QStringLiteral("Not rehearsed: the column could not be planned on the copy: %1").arg(texts.join(QLatin1String("; ")));
            return false;
        }
    }
    if (copyPlan.steps.size() != m_plan.steps.size())
        report->notes << QStringLiteral("The copy's plan has %1 steps, the table's %2 (the planner chose by size): steps are compared in order.")
                             .arg(copyPlan.steps.size())
                             .arg(m_plan.steps.size());

    // The writer, then the plan.
    std::unique_ptr<SyntheticWriter> writer;
    if (report->writerTarget > 0) {
        SyntheticWriter::Settings w;
        w.profile = scratch.profile();
        w.table = scratch.table(m_plan.table);
        w.heldBack = scratch.pendingTable(m_plan.table);
        w.columns = ScratchCopy::insertableColumns(details);
        w.key = ScratchCopy::keyColumns(details);
        w.writesPerSecond = report->writerTarget;
        w.insertShare = insertShare;
        for (const ColumnInfo &c : std::as_const(details.columns))
            w.overridingSystemValue = w.overridingSystemValue || (c.generated == QLatin1String("identity always") && source.engine() == Engine::PostgreSQL);
        writer = std::make_unique<SyntheticWriter>(w);
        writer->start();
        // A baseline first: the writer's latency before the plan, to compare with its latency during it.
        Q_EMIT progressed(32, QStringLiteral("the synthetic writer's baseline"));
        QElapsedTimer baseline;
        baseline.start();
        while (baseline.elapsed() < 1500 && !m_cancelled)
            QThread::msleep(50);
        writer->mark();
        Q_EMIT noted(QStringLiteral("the synthetic writer writes %1 times a second (%2 inserts)")
                         .arg(report->writerTarget, 0, 'f', 1)
                         .arg(QStringLiteral("%1%").arg(qRound(insertShare * 100))));
    } else {
        report->notes << (report->observedWritesPerSecond < 0
                              ? QStringLiteral("No writer: %1. Give a write rate (--write-rate) to rehearse under load.").arg(report->observedHow)
                              : QStringLiteral("No writer: the table was not written to while it was copied."));
    }
    for (const PlanStep &s : std::as_const(copyPlan.steps)) {
        RehearsedStep r;
        r.title = s.title;
        r.outcome = QStringLiteral("not run");
        report->steps << r;
    }
    // The table's estimate for each of the copy's steps: the same step, in order when both plans have
    // the same steps, else the table's first step of the same rule not matched yet.
    QList<bool> matched(m_plan.steps.size(), false);
    for (int i = 0; i < report->steps.size(); ++i) {
        const QString &rule = copyPlan.steps.at(i).rule;
        int j = copyPlan.steps.size() == m_plan.steps.size() && m_plan.steps.at(i).rule == rule ? i : -1;
        for (int k = 0; j < 0 && k < m_plan.steps.size(); ++k)
            j = !matched.at(k) && m_plan.steps.at(k).rule == rule ? k : -1;
        if (j >= 0)
            matched[j] = true;
        report->steps[i].estimatedSeconds = j >= 0 && m_plan.steps.at(j).gate.isEmpty() ? m_plan.steps.at(j).estimatedSeconds : 0;
    }

    RunOutcome outcome = RunOutcome::Failed;
    QString runSummary;
    {
        Runner runner(scratch.profile());
        runner.setPassGates(true);
        runner.setJournalSchema(scratch.journalSchema());
        const int steps = int(copyPlan.steps.size());
        connect(&runner, &Runner::stepStarted, this, [&](int step, const QString &title) {
            if (m_cancelled) // a cancel that came while the runner was starting, before it listened
                runner.cancel();
            // At a deploy gate the application is deployed: the old one, which the writer plays, is gone.
            if (writer && step < copyPlan.steps.size() && !copyPlan.steps.at(step).gate.isEmpty() && writer->isRunning()) {
                writer->stop();
                writer->wait();
                Q_EMIT noted(QStringLiteral("the synthetic writer stopped at the deploy gate (step %1): the application it plays is "
                                            "replaced there by one that writes %2")
                                 .arg(step + 1)
                                 .arg(m_plan.spec.name));
                report->notes << QStringLiteral("The synthetic writer (the application that does not know %1) stopped at the deploy gate, "
                                                "step %2; the steps after it ran without it.")
                                     .arg(m_plan.spec.name)
                                     .arg(step + 1);
            }
            Q_EMIT progressed(30 + 70 * step / std::max(1, steps), QStringLiteral("step %1 of %2: %3").arg(step + 1).arg(steps).arg(title));
            Q_EMIT noted(QStringLiteral("step %1: %2").arg(step + 1).arg(title));
        });
        connect(&runner, &Runner::backfillProgressed, this, [&](const BackfillProgress &p) {
            Q_UNUSED(p);
        });
        connect(&runner, &Runner::stepFinished, this, [&](int step, double took) {
            if (step < report->steps.size()) {
                report->steps[step].measuredSeconds = took;
                report->steps[step].outcome = QStringLiteral("done");
            }
        });
        connect(&runner, &Runner::stepSkipped, this, [&](int step, const QString &) {
            if (step < report->steps.size())
                report->steps[step].outcome = QStringLiteral("skipped");
        });
        connect(&runner, &Runner::stepFailed, this, [&](int step, const QString &reason) {
            if (step < report->steps.size())
                report->steps[step].outcome = QStringLiteral("failed");
            Q_EMIT noted(QStringLiteral("step %1 failed: %2").arg(step + 1).arg(reason));
        });
        connect(&runner, &Runner::runFinished, this, [&](RunOutcome o, const QString &summary) {
            outcome = o;
            runSummary = summary;
        });
        {
            const std::lock_guard lock(m_runnerMutex);
            m_runner = &runner;
        }
        if (!m_cancelled)
            runner.run(copyPlan);
        else
            runSummary = QStringLiteral("Cancelled before the plan ran.");
        const std::lock_guard lock(m_runnerMutex);
        m_runner = nullptr;
    }
    if (writer) {
        writer->stop();
        writer->wait();
        report->writer = writer->result();
        if (!report->writer.problem.isEmpty())
            report->notes << QStringLiteral("The synthetic writer could not write: %1.").arg(report->writer.problem);
    }
    for (int i = 0; i < report->steps.size(); ++i) {
        RehearsedStep &r = report->steps[i];
        if (r.measuredSeconds < 0)
            continue;
        r.scaled = copyPlan.estimatedRowsOf(copyPlan.steps.at(i)) > 0 && report->scale > 1;
        r.scaledSeconds = r.scaled ? r.measuredSeconds * report->scale : r.measuredSeconds;
    }
    report->completed = outcome == RunOutcome::Done;
    if (outcome == RunOutcome::VerificationFailed) {
        // Every step applied, but the copy read back does not keep a promise: what is broken, line by line.
        report->summary = QStringLiteral("The plan ran to its end on the copy, but the copy read back breaks a promise of the plan.");
        for (const QString &line : runSummary.split(QLatin1Char('\n'))) {
            if (line.startsWith(QStringLiteral("✗")))
                report->notes << QStringLiteral("Read back on the copy: %1").arg(line);
        }
    } else {
        report->summary = report->completed ? QStringLiteral("The plan ran to its end on the copy.")
                                            : QStringLiteral("The plan did not run to its end on the copy: %1").arg(runSummary.section(QLatin1Char('\n'), 0, 0));
    }
    return report->completed;
}

double RehearsalReport::ratio(const RehearsedStep &step)
{
    if (step.scaledSeconds < 0 || step.estimatedSeconds <= CostModel::CatalogOnlySeconds * 1.5)
        return -1;
    return step.scaledSeconds / step.estimatedSeconds;
}

QString RehearsalReport::versus(const RehearsedStep &step)
{
    const double r = ratio(step);
    return r < 0 ? QString() : QStringLiteral("%1x").arg(r, 0, 'f', 2);
}

QStringList RehearsalReport::facts() const
{
    QStringList t;
    t << QStringLiteral("Copy: %1; %2 rows%3, copied in %4%5.")
             .arg(scratch, count(copyRows),
                  !sampled && tableRows > copyRows ? QStringLiteral(" of %1 (the whole table: the others are held back for the writer's inserts)").arg(count(tableRows))
                  : !sampled       ? QStringLiteral(" (the whole table)")
                  : tableRows > 0 ? QStringLiteral(" of about %1 (a sample)").arg(count(tableRows))
                                  : QStringLiteral(" of a table of unknown size (a sample)"),
                  seconds(copySeconds),
                  scale > 1 ? QStringLiteral("; times of work sized by the table are scaled by %1").arg(scale, 0, 'f', 1) : QString());
    t << QStringLiteral("Writes on the table: %1.")
             .arg(observedWritesPerSecond < 0 ? QStringLiteral("not observed (%1)").arg(observedHow)
                                              : QStringLiteral("%1 a second (%2)").arg(observedWritesPerSecond, 0, 'f', 1).arg(observedHow));
    if (writerTarget > 0) {
        const auto latency = [](const SyntheticWriter::Latency &l) {
            return l.writes == 0 ? QStringLiteral("no write")
                                 : QStringLiteral("%1 writes, mean %2 ms, p95 %3 ms, p99 %4 ms, max %5 ms")
                                       .arg(count(l.writes))
                                       .arg(l.meanMs, 0, 'f', 2)
                                       .arg(l.p95Ms, 0, 'f', 2)
                                       .arg(l.p99Ms, 0, 'f', 2)
                                       .arg(l.maxMs, 0, 'f', 1);
        };
        t << QStringLiteral("Synthetic writer: asked for %1 a second, wrote %2 (%3 inserts, %4 updates) at %5 a second, %6 failed%7.\n"
                            "Its latency before the plan: %8; while the plan ran: %9.")
                 .arg(writerTarget, 0, 'f', 1)
                 .arg(count(writer.writes()), count(writer.inserts), count(writer.updates))
                 .arg(writer.rate(), 0, 'f', 1)
                 .arg(count(writer.failures),
                      writer.firstFailure.isEmpty() ? QString() : QStringLiteral(" (first: %1)").arg(writer.firstFailure),
                      latency(writer.before), latency(writer.during));
    }
    return t;
}

QStringList RehearsalReport::ending() const
{
    QStringList t;
    for (const QString &n : notes)
        t << QStringLiteral("Note: %1").arg(n);
    t << (!made      ? QStringLiteral("No scratch copy was made; nothing was changed.")
          : cleanedUp ? QStringLiteral("The scratch copy was dropped; the table was only read.")
                      : QStringLiteral("The scratch copy could not be dropped: %1. Drop it by hand: %2.").arg(cleanupProblem, scratch));
    return t;
}

QString RehearsalReport::text() const
{
    QString t = (QStringList{summary} + facts()).join(QLatin1Char('\n')) + QLatin1Char('\n');
    t += QStringLiteral("step\ttitle\toutcome\testimate\trehearsal\tscaled to the table\tvs estimate\n");
    for (int i = 0; i < steps.size(); ++i) {
        const RehearsedStep &s = steps.at(i);
        t += QStringLiteral("%1\t%2\t%3\t%4\t%5\t%6\t%7\n")
                 .arg(i + 1)
                 .arg(s.title, s.outcome, s.estimatedSeconds > 0 ? CostModel::rangeText(s.estimatedSeconds) : QStringLiteral("-"),
                      seconds(s.measuredSeconds), s.scaledSeconds < 0 ? QStringLiteral("-") : seconds(s.scaledSeconds) + (s.scaled ? QString() : QStringLiteral(" (not scaled)")),
                      versus(s).isEmpty() ? QStringLiteral("-") : versus(s));
    }
    return t + ending().join(QLatin1Char('\n')) + QLatin1Char('\n');
}

} // namespace Stagecraft
