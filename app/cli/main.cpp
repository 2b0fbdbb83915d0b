// stagecraft-cli: Stagecraft's engine from the command line. Links the engine only, no Widgets.
// This file sets up the options (one parser: the commands share most of them, and --help lists
// them all) and calls the command; each command lives in its own file (commands.h).

#include "commands.h"
#include "common.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QGuiApplication>

#include <memory>

using namespace Stagecraft::Cli;

namespace {

const char *const description =
    "Stagecraft plans and runs zero-downtime column migrations.\n\n"
    "Commands:\n"
    "  plan     plan adding a column: stagecraft-cli plan -c URL --spec FILE [--target-version V]\n"
    "           [--format json|sql|markdown] | --format pdf --out FILE | --format sql-stages|flyway|\n"
    "           liquibase|golang-migrate --out DIR.\n"
    "           FILE is JSON: {\"table\": \"schema.table\", \"column\":\n"
    "           {\"name\", \"type\", \"nullable\", \"default\": {\"literal\": ...} | {\"expression\": ...} | null,\n"
    "           \"backfill\", \"check\", \"unique\", \"index\", \"references\": {\"table\", \"column\",\n"
    "           \"on_delete\", \"on_update\"}, \"comment\", \"after\", \"side_effects\": [names], \"sync\",\n"
    "           \"gate_after_expand\"}}. sync (default: when the backfill reads the row's columns) keeps the\n"
    "           column filled by triggers for writers that do not know it, until the contract stage; the\n"
    "           default applies once the sync ends. Nothing is\n"
    "           changed in the database: the spec is checked by the server in transactions that are rolled\n"
    "           back; an expression is evaluated only READ ONLY under a 2 s statement timeout, and what it\n"
    "           calls is read from the catalog. A default, backfill or CHECK calling a function with side\n"
    "           effects outside the row (setval, nextval of another column's sequence, pg_sleep, SLEEP,\n"
    "           pg_terminate_backend, dblink, query_to_xml, advisory locks, GET_LOCK, any function of your\n"
    "           own, whatever it is declared) is refused unless named in \"side_effects\"; the plan then warns\n"
    "           where it runs. JSON output:\n"
    "           engine, server_version, target_version, table, steps[] (stage, title, sql[], transactional,\n"
    "           locks[], blocks_reads, blocks_writes, rewrites_table, scans_table, estimated_seconds,\n"
    "           lock_held_seconds, rollback_sql[], rule, why, creates[] (kind, name, schema, table, unique_in,\n"
    "           for) where the step creates something, on_failure_sql[] (what the runner removes when the step\n"
    "           fails), failing_writes (the application writes that fail from that step on), gate {id, probe_sql}\n"
    "           for a deploy gate), point_of_no_return, totals, warnings, naive, sync {enabled, expression,\n"
    "           columns_read, reason}.\n"
    "  run      plan the column, then run the plan: stagecraft-cli run -c URL --spec FILE --yes\n"
    "           [--lock-timeout 2s] [--retries 8] [--batch-time 200ms] [--throttle 0ms] [--max-batch N]\n"
    "           [--on-blockers proceed|wait|stop] [--max-writer-wait 20ms] [--max-replica-lag 1s]\n"
    "           [--replica mariadb://user@host:port/db ...] [--max-latency-factor 0] [--max-slowdown 0]\n"
    "           [--progress text|json] [--approved FILE] [--through-gates].\n"
    "           The backfill's batches shrink at once when a session waited longer than --max-writer-wait on\n"
    "           their row locks and grow slowly back while nobody waits; the run waits between batches while a\n"
    "           replica is further behind than --max-replica-lag (PostgreSQL's replicas are read from the primary,\n"
    "           MySQL/MariaDB's given by --replica or reported by the primary); with --max-latency-factor the\n"
    "           batches also shrink while the application's statements on the table are that much slower.\n"
    "           Where the server times statements (pg_stat_statements, performance_schema digests) the summary\n"
    "           shows the application's top statements' mean time before the run, during the backfill and\n"
    "           during enforce and index; with --max-slowdown X the run stops before the enforce stage (exit 6,\n"
    "           like a gate; `resume` continues past it) when one ran over X times slower during the backfill.\n"
    "           A run stops at each deploy gate (exit 6, naming it): deploy the application, then `resume`\n"
    "           continues past it; --through-gates passes them for pipelines that deploy in between. Without --yes it\n"
    "           asks you, on a terminal, to type the table\n"
    "           name. Ctrl-C or SIGTERM cancels the statement running on the server and stops (exit 4);\n"
    "           `resume` continues. The journal lives in\n"
    "           the database (PostgreSQL schema stagecraft; elsewhere tables stagecraft_runs/_steps).\n"
    "  resume   continue the newest unfinished run (or --run ID): stagecraft-cli resume -c URL [--yes]. A run\n"
    "           recorded on another engine or database is neither resumed nor rolled back (named, with why).\n"
    "  rollback undo what the newest unfinished (failed or cancelled) run applied, or --run ID's, last\n"
    "           step first, under the same lock timeout and retries: stagecraft-cli rollback -c URL [--yes].\n"
    "           Refused, changing nothing, once a step past the plan's point of no return was applied.\n"
    "  history  the runs in the database's journal, newest first (or --run ID): each step's estimate\n"
    "           beside the time it took and the rows it did, and how far apart they are: stagecraft-cli\n"
    "           history -c URL [--format text|json]. Nothing is changed.\n"
    "  rehearse run the plan for --spec on a scratch copy of the table: stagecraft-cli rehearse -c URL\n"
    "           --spec FILE --yes [--sample-rows 50000] [--write-rate N] [--rehearse-on URL]. The table's\n"
    "           definition (without its foreign keys and triggers) and up to --sample-rows of its rows (read\n"
    "           without locks; every row of a smaller table) go into a new PostgreSQL schema, MySQL/MariaDB\n"
    "           database or SQLite file named stagecraft_rehearsal_<id>, on the table's own server or the\n"
    "           one --rehearse-on names; the plan runs there while a writer that does not know the column\n"
    "           inserts and updates at the table's observed write rate (pg_stat_user_tables,\n"
    "           performance_schema; or --write-rate per second). Prints each step's estimate beside its\n"
    "           time on the copy scaled to the table, and the writer's latency. The copy is dropped at the\n"
    "           end, on Ctrl-C too, and by a guard process should stagecraft-cli be killed. Exit 0 when the\n"
    "           plan ran to its end on the copy, 4 when it did not, 1 when the copy could not be dropped.\n"
    "  tables   list the tables of a database with their row counts and sizes\n"
    "  demo     generate the demo SQLite database (if needed) and print its URL\n\n"
    "Connection URLs: postgresql://user@host:5432/db?sslmode=require, mysql://user@host/db,\n"
    "mariadb://user@host/db, sqlite:///path/to/file.db; TLS options: ?sslmode=require|verify-ca|\n"
    "verify-full&sslrootcert=FILE&sslcert=FILE&sslkey=FILE; on MySQL/MariaDB too, a mode that cannot be had\n"
    "(a server without TLS, a certificate that fails) refuses to connect. The password comes from the URL,\n"
    "the STAGECRAFT_PASSWORD environment variable, or a prompt (-W, or on a terminal when the server asks).\n"
    "Prefer STAGECRAFT_PASSWORD or -W: a command line is visible to every user of the machine (ps,\n"
    "/proc/PID/cmdline); stagecraft-cli overwrites a URL's password there once started, but not before.\n\n"
    "Exit codes: 0 success, 1 failure, 2 bad input (for plan: an invalid spec, every problem on\n"
    "stderr naming its field), 3 cannot connect (or the connection was lost), 4 a run cancelled or failed with the table consistent, 5 a run done whose check of the table found a promise broken,\n"
    "6 a run waiting at a deploy gate (resume continues past it).";

void addOptions(QCommandLineParser &parser)
{
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("plan, run, resume, rollback, history, rehearse, tables or demo"));
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
    parser.addOption({QStringLiteral("max-writer-wait"),
                      QStringLiteral("run: shrink the backfill's batches when a session waits longer than this on them (default 20ms; 0: off)."),
                      QStringLiteral("TIME")});
    parser.addOption({QStringLiteral("max-replica-lag"),
                      QStringLiteral("run: wait between batches while a replica is further behind than this (default 1s; 0: off)."),
                      QStringLiteral("TIME")});
    parser.addOption({QStringLiteral("replica"), QStringLiteral("run: a MySQL/MariaDB replica to watch, by URL without password (repeatable)."),
                      QStringLiteral("URL")});
    parser.addOption({QStringLiteral("max-latency-factor"),
                      QStringLiteral("run: shrink the batches while the application's statements on the table are this much slower "
                                     "than before the backfill (default 0: off)."),
                      QStringLiteral("X")});
    parser.addOption({QStringLiteral("max-slowdown"),
                      QStringLiteral("run/resume: stop before the enforce stage when an application statement on the table ran this "
                                     "much slower during the backfill than before the run (default 0: off)."),
                      QStringLiteral("X")});
    parser.addOption({QStringLiteral("max-batch"), QStringLiteral("run: largest backfill batch in rows (default 50000)."), QStringLiteral("N")});
    parser.addOption({QStringLiteral("through-gates"),
                      QStringLiteral("run/resume: pass every deploy gate without stopping (a pipeline that deploys in between).")});
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
    parser.addOption({QStringLiteral("run"), QStringLiteral("resume/rollback: the run to continue or undo (default: the newest unfinished); history: the run to show."), QStringLiteral("ID")});
    parser.addOption({QStringLiteral("sample-rows"), QStringLiteral("rehearse: rows copied at most (default 50000)."), QStringLiteral("N")});
    parser.addOption({QStringLiteral("write-rate"),
                      QStringLiteral("rehearse: the synthetic writer's writes per second (default: the table's observed rate)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("rehearse-on"), QStringLiteral("rehearse: the server and database the scratch copy goes to (default: the table's)."),
                      QStringLiteral("URL")});
    parser.addOption({QStringLiteral("scratch"), QStringLiteral("rehearse-cleanup (internal): the scratch copy to drop."), QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("path"), QStringLiteral("demo: where to write the demo database."),
                      QStringLiteral("FILE")});
}

// A report with the timeline picture (PDF, or Markdown written to a file) paints text: that needs
// Qt Gui's fonts, so those runs get a QGuiApplication on the offscreen platform, no display needed.
bool paintsReport(int argc, char *argv[])
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

struct Command
{
    QLatin1StringView name;
    int (*execute)(const QCommandLineParser &parser);
};

const Command commands[] = {
    {QLatin1StringView("tables"), tables}, {QLatin1StringView("plan"), plan},         {QLatin1StringView("run"), run},
    {QLatin1StringView("resume"), resume}, {QLatin1StringView("rollback"), rollback}, {QLatin1StringView("demo"), demo},
    {QLatin1StringView("history"), history}, {QLatin1StringView("rehearse"), rehearse},
    {QLatin1StringView("rehearse-cleanup"), rehearseCleanup},
};

} // namespace

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
    parser.setApplicationDescription(QString::fromUtf8(description));
    addOptions(parser);
    const bool parsed = parser.parse(QCoreApplication::arguments());
    Stagecraft::ConnectionProfile::hidePasswordsInArguments(argc, argv);
    if (!parsed) {
        err() << "stagecraft-cli: " << parser.errorText() << "\n";
        return BadInput;
    }
    if (parser.isSet(QStringLiteral("help")))
        parser.showHelp(Ok);
    if (parser.isSet(QStringLiteral("version")))
        parser.showVersion();

    const QStringList args = parser.positionalArguments();
    const QString command = args.value(0);
    for (const Command &c : commands) {
        if (command == c.name)
            return c.execute(parser);
    }
    err() << "stagecraft-cli: " << (command.isEmpty() ? QStringLiteral("no command given")
                                                      : QStringLiteral("unknown command '%1'").arg(command))
          << " (see stagecraft-cli --help)\n";
    return BadInput;
}
