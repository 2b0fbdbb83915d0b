// stagecraft-cli: Stagecraft's engine from the command line. Links the engine only, no Widgets.

#include "catalog/catalogreader.h"
#include "connection/databaseconnection.h"
#include "demo/demodatabase.h"
#include "plan/planexport.h"
#include "report/reportwriter.h"
#include "plan/planformat.h"
#include "plan/specvalidator.h"
#include "run/journal.h"
#include "run/planorigin.h"
#include "run/rollbackplan.h"
#include "run/runner.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <csignal>

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QRegularExpression>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QGuiApplication>
#include <QLocale>
#include <QTextStream>

#include <cstdio>
#include <memory>
#include <termios.h>
#include <unistd.h>

using namespace Stagecraft;

namespace {

enum ExitCode { Ok = 0, Failure = 1, BadInput = 2, CannotConnect = 3, RunStopped = 4 };

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}

QTextStream &err()
{
    static QTextStream s(stderr);
    return s;
}

QString connectionUrl(const QCommandLineParser &parser)
{
    if (parser.isSet(QStringLiteral("connection")))
        return parser.value(QStringLiteral("connection"));
    return qEnvironmentVariable("STAGECRAFT_CONNECTION");
}

// Reads a password from the terminal without echoing it.
QString promptPassword(const ConnectionProfile &profile)
{
    err() << "Password for " << profile.displayName() << ": " << Qt::flush;
    termios saved{};
    const bool terminal = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
    if (terminal) {
        termios silent = saved;
        silent.c_lflag &= ~tcflag_t(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &silent);
    }
    char buffer[1024];
    const bool read = std::fgets(buffer, sizeof buffer, stdin) != nullptr;
    if (terminal)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    err() << "\n";
    return read ? QString::fromLocal8Bit(buffer).chopped(QByteArrayView(buffer).endsWith('\n') ? 1 : 0) : QString();
}

// Parses the URL and opens the connection. The password comes from the URL, then
// STAGECRAFT_PASSWORD, then a prompt (with --password-prompt, or on a terminal when the server
// refuses an empty one). Returns an exit code: Ok, BadInput or CannotConnect.
int openConnection(const QString &url, bool prompt, std::unique_ptr<DatabaseConnection> *connection)
{
    ConnectionProfile profile;
    QString why;
    if (url.isEmpty()) {
        err() << "stagecraft-cli: no connection: pass --connection URL or set STAGECRAFT_CONNECTION\n";
        return BadInput;
    }
    if (!ConnectionProfile::fromUrl(url, &profile, &why)) {
        err() << "stagecraft-cli: " << why << "\n";
        return BadInput;
    }
    if (profile.password.isEmpty() && qEnvironmentVariableIsSet("STAGECRAFT_PASSWORD"))
        profile.password = qEnvironmentVariable("STAGECRAFT_PASSWORD");
    if (prompt && profile.engine != Engine::SQLite)
        profile.password = promptPassword(profile);
    auto candidate = std::make_unique<DatabaseConnection>(profile);
    ConnectionError error;
    bool open = candidate->open(&error);
    if (!open && error.kind == ConnectionError::Kind::WrongPassword && profile.password.isEmpty() && !prompt
        && isatty(STDIN_FILENO)) {
        profile.password = promptPassword(profile);
        candidate = std::make_unique<DatabaseConnection>(profile);
        open = candidate->open(&error);
    }
    if (!open) {
        err() << "stagecraft-cli: " << error.text() << "\n";
        return CannotConnect;
    }
    *connection = std::move(candidate);
    return Ok;
}

int listTables(const QString &url, bool prompt)
{
    std::unique_ptr<DatabaseConnection> opened;
    if (const int code = openConnection(url, prompt, &opened); code != Ok)
        return code;
    DatabaseConnection &connection = *opened;
    const ConnectionProfile &profile = connection.profile();
    ConnectionError error;
    QList<TableSummary> tables;
    if (!CatalogReader::create(connection)->listTables(&tables, &error)) {
        err() << "stagecraft-cli: " << error.text() << "\n";
        return Failure;
    }
    out() << "# " << connection.server().displayName() << " at " << profile.displayName() << "\n";
    out() << "schema\ttable\trows\tbytes\n";
    for (const TableSummary &t : std::as_const(tables)) {
        out() << t.table.schema << '\t' << t.table.name << '\t'
              << (t.estimatedRows < 0 ? QStringLiteral("unknown") : QString::number(t.estimatedRows)) << '\t'
              << (t.totalBytes < 0 ? QStringLiteral("unknown") : QString::number(t.totalBytes)) << "\n";
    }
    return Ok;
}

// "17", "17.2", "8.0.29", "10.4", "11.8.6" into the version number form of the engine.
int parseVersion(Engine engine, const QString &text, bool *ok)
{
    static const QRegularExpression re(QStringLiteral("^(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?$"));
    const auto m = re.match(text.trimmed());
    *ok = m.hasMatch();
    if (!*ok)
        return 0;
    const int major = m.captured(1).toInt(), minor = m.captured(2).toInt(), patch = m.captured(3).toInt();
    if (engine == Engine::PostgreSQL)
        return major >= 10 ? major * 10000 + minor : major * 10000 + minor * 100 + patch;
    if (engine == Engine::SQLite)
        return major * 1000000 + minor * 1000 + patch;
    return major * 10000 + minor * 100 + patch;
}

const QStringList runFlags = {QStringLiteral("lock-timeout"), QStringLiteral("batch-time"), QStringLiteral("throttle"),
                               QStringLiteral("max-batch"), QStringLiteral("retries"), QStringLiteral("on-blockers")};

bool hasRunFlags(const QCommandLineParser &parser)
{
    return std::any_of(runFlags.cbegin(), runFlags.cend(), [&parser](const QString &flag) { return parser.isSet(flag); });
}

int parseMilliseconds(const QString &text, bool *ok);

// The run settings the flags give, over base: what a plan is made with (plan, run), or what a
// resume or rollback goes by instead of its journaled plan's. Returns an exit code.
int runSettingsFromFlags(const QCommandLineParser &parser, Engine engine, const RunSettings &base, RunSettings *settings)
{
    RunSettings s = base;
    bool ok = true;
    if (parser.isSet(QStringLiteral("lock-timeout")))
        s.lockTimeoutMs = parseMilliseconds(parser.value(QStringLiteral("lock-timeout")), &ok);
    if (ok && parser.isSet(QStringLiteral("batch-time")))
        s.batchTargetMs = parseMilliseconds(parser.value(QStringLiteral("batch-time")), &ok);
    if (ok && parser.isSet(QStringLiteral("throttle")))
        s.pauseBetweenBatchesMs = parseMilliseconds(parser.value(QStringLiteral("throttle")), &ok);
    if (ok && parser.isSet(QStringLiteral("max-batch"))) {
        s.maxBatchRows = parser.value(QStringLiteral("max-batch")).toInt(&ok);
        s.firstBatchRows = std::min(s.firstBatchRows, s.maxBatchRows);
        s.minBatchRows = std::min(s.minBatchRows, s.maxBatchRows);
    }
    if (ok && parser.isSet(QStringLiteral("retries"))) {
        s.maxRetries = parser.value(QStringLiteral("retries")).toInt(&ok);
        ok = ok && s.maxRetries >= 0;
    }
    if (ok && parser.isSet(QStringLiteral("on-blockers")))
        ok = blockerPolicyFromName(parser.value(QStringLiteral("on-blockers")), &s.onBlockers);
    if (!ok || s.lockTimeoutMs <= 0 || s.batchTargetMs <= 0 || s.maxBatchRows <= 0) {
        err() << "stagecraft-cli: --lock-timeout, --batch-time and --throttle take 200ms or 2s; --max-batch a positive number; "
                 "--retries 0 or more; --on-blockers proceed, wait or stop\n";
        return BadInput;
    }
    if (!s.lockTimeoutExact(engine))
        err() << "stagecraft-cli: " << engineName(engine) << " counts lock_wait_timeout in whole seconds: the lock timeout is "
              << s.lockTimeoutSeconds() << " s\n";
    *settings = s;
    return Ok;
}

// Reads the spec, connects, validates and plans; shared by plan and run. Returns an exit code.
int makePlan(const QCommandLineParser &parser, std::unique_ptr<DatabaseConnection> *connection, Plan *result)
{
    const QString specPath = parser.value(QStringLiteral("spec"));
    if (specPath.isEmpty()) {
        err() << "stagecraft-cli: needs --spec FILE (the column, as JSON: see --help)\n";
        return BadInput;
    }
    QFile file(specPath);
    if (!file.open(QIODevice::ReadOnly)) {
        err() << "stagecraft-cli: cannot read " << specPath << ": " << file.errorString() << "\n";
        return BadInput;
    }
    QList<SpecProblem> problems;
    ColumnSpec spec;
    const bool parsed = ColumnSpec::fromJson(file.readAll(), &spec, &problems);
    if (const int code = openConnection(connectionUrl(parser), parser.isSet(QStringLiteral("password-prompt")), connection);
        code != Ok)
        return code;
    PlannerInput input;
    if (const int code = runSettingsFromFlags(parser, (*connection)->engine(), RunSettings{}, &input.settings); code != Ok)
        return code;
    if (parser.isSet(QStringLiteral("target-version"))) {
        bool ok = false;
        input.targetVersion = parseVersion((*connection)->engine(), parser.value(QStringLiteral("target-version")), &ok);
        if (!ok)
            problems.append({QStringLiteral("target-version"), QStringLiteral("'%1' is not a version such as 17, 12.4 or 8.0.29")
                                                                   .arg(parser.value(QStringLiteral("target-version")))});
    }
    // Every problem at once: the server-side checks run on whatever parts of the spec could be read.
    if (parsed || !spec.table.name.isEmpty())
        static_cast<void>(SpecValidator(**connection).validate(spec, &input, &problems));
    if (!problems.isEmpty()) {
        for (const SpecProblem &p : std::as_const(problems))
            err() << "stagecraft-cli: " << p.field << ": " << p.message << "\n";
        return BadInput;
    }
    *result = Planner::plan(input);
    return Ok;
}

int plan(const QCommandLineParser &parser)
{
    const QString format = parser.value(QStringLiteral("format"));
    PlanExport::Format exportFormat = PlanExport::Format::SqlByStage;
    const bool toFiles = PlanExport::formatFromName(format, &exportFormat);
    if (!toFiles && format != QLatin1String("json") && format != QLatin1String("sql") && format != QLatin1String("markdown")
        && format != QLatin1String("pdf")) {
        err() << "stagecraft-cli: --format must be json, sql, markdown, pdf, sql-stages, flyway, liquibase or golang-migrate\n";
        return BadInput;
    }
    const QString outDir = parser.value(QStringLiteral("out"));
    const bool report = format == QLatin1String("pdf") || (format == QLatin1String("markdown") && !outDir.isEmpty());
    if (format == QLatin1String("pdf") && outDir.isEmpty()) {
        err() << "stagecraft-cli: --format pdf writes a file: give it with --out FILE\n";
        return BadInput;
    }
    if (toFiles && outDir.isEmpty()) {
        err() << "stagecraft-cli: --format " << format << " writes several files: give the folder with --out DIR\n";
        return BadInput;
    }
    std::unique_ptr<DatabaseConnection> connection;
    Plan result;
    if (const int code = makePlan(parser, &connection, &result); code != Ok)
        return code;
    if (report) {
        QString error;
        const bool written = format == QLatin1String("pdf") ? ReportWriter::writePdf(result, QString(), outDir, &error)
                                                            : ReportWriter::writeMarkdown(result, QString(), outDir, &error);
        if (!written) {
            err() << "stagecraft-cli: " << error << "\n";
            return Failure;
        }
        out() << outDir << "\n";
        return Ok;
    }
    if (toFiles) {
        QStringList written;
        QString error;
        if (!PlanExport::write(result, exportFormat, outDir, QDateTime::currentDateTimeUtc(), &written, &error)) {
            err() << "stagecraft-cli: " << error << "\n";
            return Failure;
        }
        for (const QString &path : std::as_const(written))
            out() << path << "\n";
        return Ok;
    }
    if (format == QLatin1String("json"))
        out() << QString::fromUtf8(PlanFormat::toJson(result));
    else if (format == QLatin1String("sql"))
        out() << PlanFormat::toSql(result);
    else
        out() << PlanFormat::toMarkdown(result);
    return Ok;
}

Runner *activeRunner = nullptr;

void onInterrupt(int)
{
    if (activeRunner)
        activeRunner->stopAfterBatch();
}

// "2s", "500ms", "1.5s" or a bare number of milliseconds.
int parseMilliseconds(const QString &text, bool *ok)
{
    static const QRegularExpression re(QStringLiteral("^(\\d+(?:\\.\\d+)?)\\s*(ms|s)?$"));
    const auto m = re.match(text.trimmed());
    *ok = m.hasMatch();
    return *ok ? int(m.captured(1).toDouble() * (m.captured(2) == QLatin1String("s") ? 1000 : 1)) : 0;
}

// Nothing runs without an explicit confirmation naming the server, the database and the table.
// `action` says what will be done, when it is not running the plan (a rollback).
bool confirmed(const QCommandLineParser &parser, const DatabaseConnection &connection, const Plan &plan, const QString &action = {})
{
    const QString where = QStringLiteral("%1 at %2, table %3.%4").arg(connection.server().displayName(), connection.profile().displayName(),
                                                                     plan.table.schema, plan.table.name);
    const QString what = !action.isEmpty() ? where + QStringLiteral(": ") + action
                                           : where + QStringLiteral(": add column %1 in %2 steps; writes blocked about %3 s in all")
                                                         .arg(plan.spec.name)
                                                         .arg(plan.steps.size())
                                                         .arg(plan.secondsWritesBlocked(), 0, 'f', 2);
    if (parser.isSet(QStringLiteral("yes"))) {
        err() << "stagecraft-cli: running on " << what << "\n";
        return true;
    }
    if (!isatty(STDIN_FILENO)) {
        err() << "stagecraft-cli: refusing to change " << what << " without --yes\n";
        return false;
    }
    err() << "About to change " << what << ".\nType the table name (" << plan.table.name << ") to go on: " << Qt::flush;
    char buffer[512];
    const QString answer = std::fgets(buffer, sizeof buffer, stdin) ? QString::fromLocal8Bit(buffer).trimmed() : QString();
    if (answer != plan.table.name) {
        err() << "stagecraft-cli: not confirmed; nothing was changed\n";
        return false;
    }
    return true;
}

enum class Mode { Run, Resume, Rollback };

int execute(const QCommandLineParser &parser, DatabaseConnection &connection, const Plan &plan, const QString &runId, Mode mode)
{
    // A run goes by its plan's settings (the flags made them); a resume or rollback by the
    // journaled plan's, unless flags are given now.
    std::optional<RunSettings> settings;
    if (mode != Mode::Run && hasRunFlags(parser)) {
        RunSettings changed;
        if (const int code = runSettingsFromFlags(parser, connection.engine(), plan.settings, &changed); code != Ok)
            return code;
        settings = changed;
    }
    const bool json = parser.value(QStringLiteral("progress")) == QLatin1String("json");
    const bool bar = !json && isatty(STDOUT_FILENO);
    auto event = [json](const QJsonObject &o, const QString &text) {
        if (json)
            out() << QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)) << "\n" << Qt::flush;
        else
            out() << text << "\n" << Qt::flush;
    };
    const QString source = plan.spec.name;
    connection.close(); // the runner opens its own
    Runner runner(connection.profile(), settings);
    activeRunner = &runner;
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    RunOutcome outcome = RunOutcome::Failed;
    QObject::connect(&runner, &Runner::runStarted, [&](const QString &id, int steps) {
        event({{QStringLiteral("event"), QStringLiteral("run_started")}, {QStringLiteral("run_id"), id}, {QStringLiteral("steps"), steps}},
              QStringLiteral("run %1: %2 steps").arg(id).arg(steps));
    });
    QObject::connect(&runner, &Runner::stepStarted, [&](int step, const QString &title) {
        event({{QStringLiteral("event"), QStringLiteral("step_started")}, {QStringLiteral("step"), step + 1}, {QStringLiteral("title"), title}},
              QStringLiteral("step %1: %2").arg(step + 1).arg(title));
    });
    QObject::connect(&runner, &Runner::stepSkipped, [&](int step, const QString &why) {
        event({{QStringLiteral("event"), QStringLiteral("step_skipped")}, {QStringLiteral("step"), step + 1}, {QStringLiteral("reason"), why}},
              QStringLiteral("step %1 skipped: %2").arg(step + 1).arg(why));
    });
    QObject::connect(&runner, &Runner::stepFinished, [&](int step, double seconds) {
        if (bar)
            out() << "\n";
        event({{QStringLiteral("event"), QStringLiteral("step_finished")}, {QStringLiteral("step"), step + 1}, {QStringLiteral("seconds"), seconds}},
              QStringLiteral("step %1 done in %2 s").arg(step + 1).arg(seconds, 0, 'f', 2));
    });
    QObject::connect(&runner, &Runner::stepFailed, [&](int step, const QString &error) {
        event({{QStringLiteral("event"), QStringLiteral("step_failed")}, {QStringLiteral("step"), step + 1}, {QStringLiteral("error"), error}},
              QStringLiteral("step %1 failed: %2").arg(step + 1).arg(error));
    });
    QObject::connect(&runner, &Runner::retrying, [&](int step, int attempt, const QString &reason, double wait) {
        event({{QStringLiteral("event"), QStringLiteral("retry")}, {QStringLiteral("step"), step + 1}, {QStringLiteral("attempt"), attempt},
               {QStringLiteral("reason"), reason}, {QStringLiteral("wait_seconds"), wait}},
              QStringLiteral("step %1: %2; retry %3 in %4 s").arg(step + 1).arg(reason).arg(attempt).arg(wait, 0, 'f', 1));
    });
    QObject::connect(&runner, &Runner::waitingForRunLock, [&](qint64 session, const QString &statement, double seconds) {
        event({{QStringLiteral("event"), QStringLiteral("waiting_for_run_lock")}, {QStringLiteral("session"), double(session)},
               {QStringLiteral("statement"), statement}, {QStringLiteral("seconds"), seconds}},
              QStringLiteral("waiting for session %1, which holds the run lock and has been running this for %2 s "
                             "(a Stagecraft killed mid-statement keeps it until the server finishes): %3")
                  .arg(session).arg(seconds, 0, 'f', 1).arg(statement.left(120)));
    });
    QObject::connect(&runner, &Runner::blockersFound, [&](int step, const QList<BlockingSession> &sessions) {
        for (const BlockingSession &s : sessions)
            event({{QStringLiteral("event"), QStringLiteral("blocker")}, {QStringLiteral("step"), step + 1}, {QStringLiteral("pid"), s.pid},
                   {QStringLiteral("state"), s.state}, {QStringLiteral("transaction_seconds"), s.transactionSeconds},
                   {QStringLiteral("locks"), s.locks.join(QLatin1Char(','))}, {QStringLiteral("query"), s.query}},
                  QStringLiteral("step %1: session %2 (%3, transaction open %4 s, holds %5) may delay it: %6")
                      .arg(step + 1).arg(s.pid).arg(s.state).arg(s.transactionSeconds, 0, 'f', 1)
                      .arg(s.locks.join(QLatin1String(", ")), s.query.left(80)));
    });
    QObject::connect(&runner, &Runner::backfillProgressed, [&](const BackfillProgress &p) {
        const QString eta = p.etaSeconds >= 0 ? QStringLiteral("%1 s").arg(p.etaSeconds, 0, 'f', 0) : QStringLiteral("?");
        if (bar) {
            const int width = 30;
            const int filled = p.rowsTotal > 0 ? int(width * std::min<double>(1.0, double(p.rowsDone) / p.rowsTotal)) : 0;
            out() << "\r  [" << QString(filled, QLatin1Char('#')) << QString(width - filled, QLatin1Char('.')) << "] " << p.rowsDone
                  << "/" << p.rowsTotal << " rows, " << qint64(p.rowsPerSecond) << " rows/s, ETA " << eta << ", batch " << p.batchSize
                  << "   " << Qt::flush;
            return;
        }
        event({{QStringLiteral("event"), QStringLiteral("progress")}, {QStringLiteral("step"), p.step + 1},
               {QStringLiteral("rows_done"), double(p.rowsDone)}, {QStringLiteral("rows_total"), double(p.rowsTotal)},
               {QStringLiteral("rows_per_second"), p.rowsPerSecond}, {QStringLiteral("eta_seconds"), p.etaSeconds},
               {QStringLiteral("batch_size"), p.batchSize}},
              QStringLiteral("step %1: %2/%3 rows, %4 rows/s, ETA %5").arg(p.step + 1).arg(p.rowsDone).arg(p.rowsTotal)
                  .arg(qint64(p.rowsPerSecond)).arg(eta));
    });
    QObject::connect(&runner, &Runner::runFinished, [&](RunOutcome o, const QString &summary) {
        outcome = o;
        const QString name = o == RunOutcome::Done         ? QStringLiteral("done")
                             : o == RunOutcome::Cancelled  ? QStringLiteral("cancelled")
                             : o == RunOutcome::RolledBack ? QStringLiteral("rolled_back")
                                                           : QStringLiteral("failed");
        event({{QStringLiteral("event"), QStringLiteral("run_finished")}, {QStringLiteral("outcome"), name}, {QStringLiteral("summary"), summary}},
              QStringLiteral("run %1: %2").arg(name, summary));
    });
    switch (mode) {
    case Mode::Run: runner.run(plan); break;
    case Mode::Resume: runner.resumeRun(runId); break;
    case Mode::Rollback: runner.rollbackRun(runId); break;
    }
    activeRunner = nullptr;
    Q_UNUSED(source)
    return outcome == (mode == Mode::Rollback ? RunOutcome::RolledBack : RunOutcome::Done) ? Ok : RunStopped;
}

// --approved FILE: the plan about to run must be the one reviewed (its fingerprint in FILE).
int checkApproved(const QCommandLineParser &parser, const Plan &plan)
{
    if (!parser.isSet(QStringLiteral("approved")))
        return Ok;
    const QString path = parser.value(QStringLiteral("approved"));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        err() << "stagecraft-cli: --approved: cannot read " << path << ": " << file.errorString() << "\n";
        return BadInput;
    }
    const QString approved = PlanFormat::findFingerprint(file.readAll());
    if (approved.isEmpty()) {
        err() << "stagecraft-cli: --approved: " << path
              << " holds no plan fingerprint (sha256:…); give the plan's JSON, SQL or review report\n";
        return BadInput;
    }
    const QString now = PlanFormat::fingerprint(plan);
    if (approved != now) {
        err() << "stagecraft-cli: the plan differs from the approved one: nothing was changed.\n"
              << "  approved: " << approved << "\n  now:      " << now << "\n"
              << "The spec, the server's version or the table changed since the review: review the new plan "
                 "(stagecraft-cli plan --format markdown) and approve it again.\n";
        return BadInput;
    }
    err() << "stagecraft-cli: the plan matches the approved one (" << now << ")\n";
    return Ok;
}

int run(const QCommandLineParser &parser)
{
    std::unique_ptr<DatabaseConnection> connection;
    Plan result;
    if (const int code = makePlan(parser, &connection, &result); code != Ok)
        return code;
    if (const int code = checkApproved(parser, result); code != Ok)
        return code;
    if (!confirmed(parser, *connection, result))
        return BadInput;
    return execute(parser, *connection, result, QString(), Mode::Run);
}

// Connects, then finds the newest unfinished run or the one --run names; false with *code set
// when there is none (after saying so and `nothing`) or on failure.
bool openUnfinished(const QCommandLineParser &parser, std::unique_ptr<DatabaseConnection> *connection, Journal::RunRecord *run,
                    int *code, const char *nothing)
{
    *code = openConnection(connectionUrl(parser), parser.isSet(QStringLiteral("password-prompt")), connection);
    if (*code != Ok)
        return false;
    Journal journal(**connection);
    QList<Journal::RunRecord> runs;
    ConnectionError error;
    if (!journal.exists()) {
        out() << "No Stagecraft run was ever started on this database.\n" << nothing << "\n";
        return false;
    }
    if (!journal.unfinished(&runs, &error)) {
        err() << "stagecraft-cli: " << error.text() << "\n";
        *code = Failure;
        return false;
    }
    // A run is resumed or rolled back only on the engine and database it was made on: without
    // --run, the newest of those; one made elsewhere is named, with why, and left alone.
    const QString wanted = parser.value(QStringLiteral("run"));
    const PlanOrigin here = PlanOrigin::of(**connection);
    const auto found = std::find_if(runs.cbegin(), runs.cend(), [&](const Journal::RunRecord &r) {
        return wanted.isEmpty() ? r.origin.journaledRefusal(here).isEmpty() : r.runId == wanted;
    });
    if (found != runs.cend() && !found->origin.journaledRefusal(here).isEmpty()) {
        err() << "stagecraft-cli: run " << found->runId << " is neither resumed nor rolled back here: "
              << found->origin.journaledRefusal(here) << ". Nothing was changed.\n";
        *code = BadInput;
        return false;
    }
    if (found == runs.cend()) {
        // Without --run, every unfinished run here was made elsewhere (or there is none).
        for (const Journal::RunRecord &r : std::as_const(runs))
            if (wanted.isEmpty())
                err() << "stagecraft-cli: run " << r.runId << " (adding " << r.plan.spec.name << " to " << r.table
                      << ") is left alone: " << r.origin.journaledRefusal(here) << ".\n";
        out() << (!wanted.isEmpty()     ? QStringLiteral("No unfinished run %1.\n").arg(wanted)
                  : runs.isEmpty() ? QStringLiteral("No unfinished run.\n")
                                   : QStringLiteral("No unfinished run made on this database.\n"))
              << nothing << "\n";
        *code = wanted.isEmpty() ? Ok : BadInput;
        return false;
    }
    *run = *found;
    return true;
}

// Undoes what an unfinished run applied (before the point of no return).
int rollback(const QCommandLineParser &parser)
{
    std::unique_ptr<DatabaseConnection> connection;
    Journal::RunRecord run;
    int code = Ok;
    if (!openUnfinished(parser, &connection, &run, &code, "Nothing to roll back."))
        return code;
    const QList<int> touched = RollbackPlan::touchedSteps(run.steps);
    if (const QString refusal = RollbackPlan::refusal(run.plan, run.steps); !refusal.isEmpty()) {
        err() << "stagecraft-cli: run " << run.runId << " cannot be rolled back: " << refusal << ". Nothing was changed.\n";
        return BadInput;
    }
    QStringList steps;
    for (auto it = touched.crbegin(); it != touched.crend(); ++it)
        steps << QStringLiteral("%1 (%2)").arg(*it + 1).arg(run.plan.steps.at(*it).title);
    const QString action = QStringLiteral("undo what run %1 applied for column %2: %3")
                               .arg(run.runId, run.plan.spec.name, steps.isEmpty() ? QStringLiteral("nothing") : steps.join(QLatin1String(", ")));
    if (!confirmed(parser, *connection, run.plan, action))
        return BadInput;
    return execute(parser, *connection, run.plan, run.runId, Mode::Rollback);
}

int resume(const QCommandLineParser &parser)
{
    std::unique_ptr<DatabaseConnection> connection;
    Journal::RunRecord run;
    int code = Ok;
    if (!openUnfinished(parser, &connection, &run, &code, "Nothing to resume."))
        return code;
    if (!confirmed(parser, *connection, run.plan))
        return BadInput;
    return execute(parser, *connection, run.plan, run.runId, Mode::Resume);
}

int makeDemo(const QString &path)
{
    QString error;
    const QString target = path.isEmpty() ? DemoDatabase::defaultPath() : path;
    const bool existed = DemoDatabase::isCurrent(target);
    if (!DemoDatabase::ensure(target, &error, [](int done, int total) {
            err() << "\rgenerating the demo database: " << done << "/" << total << Qt::flush;
        })) {
        err() << "\nstagecraft-cli: " << error << "\n";
        return Failure;
    }
    if (!existed)
        err() << "\n";
    out() << "sqlite://" << target << "\n";
    return Ok;
}

} // namespace

// A report with the timeline picture (PDF, or Markdown written to a file) paints text: that needs
// Qt Gui's fonts, so those runs get a QGuiApplication on the offscreen platform, no display needed.
static bool paintsReport(int argc, char *argv[])
{
    QByteArray format;
    bool out = false;
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "--format" && i + 1 < argc)
            format = argv[i + 1];
        else if (arg.startsWith("--format="))
            format = arg.mid(9);
        out = out || arg == "--out" || arg.startsWith("--out=");
    }
    return format == "pdf" || (format == "markdown" && out);
}

int main(int argc, char *argv[])
{
    const bool gui = paintsReport(argc, argv);
    if (gui && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    std::unique_ptr<QCoreApplication> application = gui ? std::make_unique<QGuiApplication>(argc, argv)
                                                        : std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("stagecraft"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("stagecraft.dev"));
    QCoreApplication::setApplicationVersion(QStringLiteral(STAGECRAFT_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Stagecraft plans and runs zero-downtime column migrations.\n\n"
        "Commands:\n"
        "  plan     plan adding a column: stagecraft-cli plan -c URL --spec FILE [--target-version V]\n"
        "           [--format json|sql|markdown] | --format pdf --out FILE | --format sql-stages|flyway|\n"
        "           liquibase|golang-migrate --out DIR.\n"
        "           FILE is JSON: {\"table\": \"schema.table\", \"column\":\n"
        "           {\"name\", \"type\", \"nullable\", \"default\": {\"literal\": ...} | {\"expression\": ...} | null,\n"
        "           \"backfill\", \"check\", \"unique\", \"index\", \"references\": {\"table\", \"column\",\n"
        "           \"on_delete\", \"on_update\"}, \"comment\", \"after\"}}. Nothing is changed in the database:\n"
        "           the spec is checked by the server in transactions that are rolled back. JSON output:\n"
        "           engine, server_version, target_version, table, steps[] (stage, title, sql[], transactional,\n"
        "           locks[], blocks_reads, blocks_writes, rewrites_table, scans_table, estimated_seconds,\n"
        "           lock_held_seconds, rollback_sql[], rule, why, creates[] (kind, name, schema, table, unique_in,\n"
        "           for) where the step creates something), point_of_no_return, totals, warnings, naive.\n"
        "  run      plan the column, then run the plan: stagecraft-cli run -c URL --spec FILE --yes\n"
        "           [--lock-timeout 2s] [--retries 8] [--batch-time 200ms] [--throttle 0ms] [--max-batch N]\n"
        "           [--on-blockers proceed|wait|stop] [--progress text|json] [--approved FILE]. Without --yes it\n"
        "           asks you, on a terminal, to type the table\n"
        "           name. Ctrl-C stops after the current batch; `resume` continues. The journal lives in\n"
        "           the database (PostgreSQL schema stagecraft; elsewhere tables stagecraft_runs/_steps).\n"
        "  resume   continue the newest unfinished run (or --run ID): stagecraft-cli resume -c URL [--yes]. A run\n"
        "           recorded on another engine or database is neither resumed nor rolled back (named, with why).\n"
        "  rollback undo what the newest unfinished (failed or cancelled) run applied, or --run ID's, last\n"
        "           step first, under the same lock timeout and retries: stagecraft-cli rollback -c URL [--yes].\n"
        "           Refused, changing nothing, once a step past the plan's point of no return was applied.\n"
        "  tables   list the tables of a database with their row counts and sizes\n"
        "  demo     generate the demo SQLite database (if needed) and print its URL\n\n"
        "Connection URLs: postgresql://user@host:5432/db?sslmode=require, mysql://user@host/db,\n"
        "mariadb://user@host/db, sqlite:///path/to/file.db; TLS options: ?sslmode=require|verify-ca|\n"
        "verify-full&sslrootcert=FILE&sslcert=FILE&sslkey=FILE. The password comes from the URL, the\n"
        "STAGECRAFT_PASSWORD environment variable, or a prompt (-W, or on a terminal when the server asks).\n\n"
        "Exit codes: 0 success, 1 failure, 2 bad input (for plan: an invalid spec, every problem on\n"
        "stderr naming its field), 3 cannot connect, 4 a run cancelled or failed with the table consistent."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("plan, run, resume, rollback, tables or demo"));
    parser.addOption({{QStringLiteral("c"), QStringLiteral("connection")},
                      QStringLiteral("The database to connect to (default: $STAGECRAFT_CONNECTION)."),
                      QStringLiteral("URL")});
    parser.addOption({{QStringLiteral("W"), QStringLiteral("password-prompt")},
                      QStringLiteral("Ask for the password (without echo) instead of reading it from the URL or "
                                     "$STAGECRAFT_PASSWORD.")});
    parser.addOption({QStringLiteral("spec"), QStringLiteral("plan: the column to add, as a JSON file."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("target-version"), QStringLiteral("plan: plan for this server version instead of the connected one."),
                      QStringLiteral("V")});
    parser.addOption({QStringLiteral("format"),
                      QStringLiteral("plan: json (default), sql, markdown or pdf (a review report), or migration files for a "
                                     "tool: sql-stages, flyway, liquibase, golang-migrate (with --out)."),
                      QStringLiteral("FORMAT"), QStringLiteral("json")});
    parser.addOption({QStringLiteral("out"),
                      QStringLiteral("plan: the folder for migration files, or the report file for pdf (and markdown, "
                                     "with its timeline picture beside it)."),
                      QStringLiteral("PATH")});
    parser.addOption({QStringLiteral("yes"), QStringLiteral("run/resume/rollback: confirm changing the database without asking.")});
    parser.addOption({QStringLiteral("lock-timeout"), QStringLiteral("run: longest wait for a lock per attempt (default 2s)."), QStringLiteral("TIME")});
    parser.addOption({QStringLiteral("batch-time"), QStringLiteral("run: target time of one backfill batch (default 200ms)."), QStringLiteral("TIME")});
    parser.addOption({QStringLiteral("throttle"), QStringLiteral("run: pause between backfill batches (default 0ms)."), QStringLiteral("TIME")});
    parser.addOption({QStringLiteral("retries"), QStringLiteral("run: attempts after a lock timeout, per step (default 8)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("max-batch"), QStringLiteral("run: largest backfill batch in rows (default 50000)."), QStringLiteral("N")});
    parser.addOption({QStringLiteral("progress"), QStringLiteral("run: text (default) or json, one object per event."), QStringLiteral("FORMAT"),
                      QStringLiteral("text")});
    parser.addOption({QStringLiteral("on-blockers"),
                      QStringLiteral("run: when sessions would block a step: proceed (default; the lock timeout protects "
                                     "traffic), wait for them (up to 5 minutes) or stop."),
                      QStringLiteral("WHAT"), QStringLiteral("proceed")});
    parser.addOption({QStringLiteral("approved"),
                      QStringLiteral("run: refuse unless the plan's fingerprint is the one in FILE (the reviewed plan's "
                                     "JSON, SQL or Markdown report)."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("run"), QStringLiteral("resume/rollback: the run to continue or undo (default: the newest unfinished)."), QStringLiteral("ID")});
    parser.addOption({QStringLiteral("path"), QStringLiteral("demo: where to write the demo database."),
                      QStringLiteral("FILE")});
    if (!parser.parse(QCoreApplication::arguments())) {
        err() << "stagecraft-cli: " << parser.errorText() << "\n";
        return BadInput;
    }
    if (parser.isSet(QStringLiteral("help")))
        parser.showHelp(Ok);
    if (parser.isSet(QStringLiteral("version")))
        parser.showVersion();

    const QStringList args = parser.positionalArguments();
    const QString command = args.value(0);
    if (command == QLatin1String("tables"))
        return listTables(connectionUrl(parser), parser.isSet(QStringLiteral("password-prompt")));
    if (command == QLatin1String("plan"))
        return plan(parser);
    if (command == QLatin1String("run"))
        return run(parser);
    if (command == QLatin1String("resume"))
        return resume(parser);
    if (command == QLatin1String("rollback"))
        return rollback(parser);
    if (command == QLatin1String("demo"))
        return makeDemo(parser.value(QStringLiteral("path")));
    err() << "stagecraft-cli: " << (command.isEmpty() ? QStringLiteral("no command given")
                                                      : QStringLiteral("unknown command '%1'").arg(command))
          << " (see stagecraft-cli --help)\n";
    return BadInput;
}
