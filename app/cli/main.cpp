// stagecraft-cli: Stagecraft's engine from the command line. Links the engine only, no Widgets.

#include "catalog/catalogreader.h"
#include "connection/databaseconnection.h"
#include "demo/demodatabase.h"
#include "plan/planformat.h"
#include "plan/specvalidator.h"

#include <QFile>
#include <QRegularExpression>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QLocale>
#include <QTextStream>

#include <cstdio>
#include <memory>
#include <termios.h>
#include <unistd.h>

using namespace Stagecraft;

namespace {

enum ExitCode { Ok = 0, Failure = 1, BadInput = 2, CannotConnect = 3 };

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

int plan(const QCommandLineParser &parser)
{
    const QString specPath = parser.value(QStringLiteral("spec"));
    const QString format = parser.value(QStringLiteral("format"));
    if (specPath.isEmpty()) {
        err() << "stagecraft-cli: plan needs --spec FILE (the column, as JSON: see --help)\n";
        return BadInput;
    }
    if (format != QLatin1String("json") && format != QLatin1String("sql") && format != QLatin1String("markdown")) {
        err() << "stagecraft-cli: --format must be json, sql or markdown\n";
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
    std::unique_ptr<DatabaseConnection> connection;
    if (const int code = openConnection(connectionUrl(parser), parser.isSet(QStringLiteral("password-prompt")), &connection);
        code != Ok)
        return code;
    PlannerInput input;
    if (parser.isSet(QStringLiteral("target-version"))) {
        bool ok = false;
        input.targetVersion = parseVersion(connection->engine(), parser.value(QStringLiteral("target-version")), &ok);
        if (!ok)
            problems.append({QStringLiteral("target-version"), QStringLiteral("'%1' is not a version such as 17, 12.4 or 8.0.29")
                                                                   .arg(parser.value(QStringLiteral("target-version")))});
    }
    // Every problem at once: the server-side checks run on whatever parts of the spec could be read.
    if (parsed || !spec.table.name.isEmpty())
        static_cast<void>(SpecValidator(*connection).validate(spec, &input, &problems));
    if (!problems.isEmpty()) {
        for (const SpecProblem &p : std::as_const(problems))
            err() << "stagecraft-cli: " << p.field << ": " << p.message << "\n";
        return BadInput;
    }
    const Plan result = Planner::plan(input);
    if (format == QLatin1String("json"))
        out() << QString::fromUtf8(PlanFormat::toJson(result));
    else if (format == QLatin1String("sql"))
        out() << PlanFormat::toSql(result);
    else
        out() << PlanFormat::toMarkdown(result);
    return Ok;
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

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("stagecraft"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("stagecraft.dev"));
    QCoreApplication::setApplicationVersion(QStringLiteral(STAGECRAFT_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Stagecraft plans and runs zero-downtime column migrations.\n\n"
        "Commands:\n"
        "  plan     plan adding a column: stagecraft-cli plan -c URL --spec FILE [--target-version V]\n"
        "           [--format json|sql|markdown]. FILE is JSON: {\"table\": \"schema.table\", \"column\":\n"
        "           {\"name\", \"type\", \"nullable\", \"default\": {\"literal\": ...} | {\"expression\": ...} | null,\n"
        "           \"backfill\", \"check\", \"unique\", \"index\", \"references\": {\"table\", \"column\",\n"
        "           \"on_delete\", \"on_update\"}, \"comment\", \"after\"}}. Nothing is changed in the database:\n"
        "           the spec is checked by the server in transactions that are rolled back. JSON output:\n"
        "           engine, server_version, target_version, table, steps[] (stage, title, sql[], transactional,\n"
        "           locks[], blocks_reads, blocks_writes, rewrites_table, scans_table, estimated_seconds,\n"
        "           lock_held_seconds, rollback_sql[], rule, why), point_of_no_return, totals, warnings, naive.\n"
        "  tables   list the tables of a database with their row counts and sizes\n"
        "  demo     generate the demo SQLite database (if needed) and print its URL\n\n"
        "Connection URLs: postgresql://user@host:5432/db?sslmode=require, mysql://user@host/db,\n"
        "mariadb://user@host/db, sqlite:///path/to/file.db; TLS options: ?sslmode=require|verify-ca|\n"
        "verify-full&sslrootcert=FILE&sslcert=FILE&sslkey=FILE. The password comes from the URL, the\n"
        "STAGECRAFT_PASSWORD environment variable, or a prompt (-W, or on a terminal when the server asks).\n\n"
        "Exit codes: 0 success, 1 failure, 2 bad input (for plan: an invalid spec, every problem on\n"
        "stderr naming its field), 3 cannot connect."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("plan, tables or demo"));
    parser.addOption({{QStringLiteral("c"), QStringLiteral("connection")},
                      QStringLiteral("The database to connect to (default: $STAGECRAFT_CONNECTION)."),
                      QStringLiteral("URL")});
    parser.addOption({{QStringLiteral("W"), QStringLiteral("password-prompt")},
                      QStringLiteral("Ask for the password (without echo) instead of reading it from the URL or "
                                     "$STAGECRAFT_PASSWORD.")});
    parser.addOption({QStringLiteral("spec"), QStringLiteral("plan: the column to add, as a JSON file."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("target-version"), QStringLiteral("plan: plan for this server version instead of the connected one."),
                      QStringLiteral("V")});
    parser.addOption({QStringLiteral("format"), QStringLiteral("plan: json (default), sql or markdown."), QStringLiteral("FORMAT"),
                      QStringLiteral("json")});
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
    if (command == QLatin1String("demo"))
        return makeDemo(parser.value(QStringLiteral("path")));
    err() << "stagecraft-cli: " << (command.isEmpty() ? QStringLiteral("no command given")
                                                      : QStringLiteral("unknown command '%1'").arg(command))
          << " (see stagecraft-cli --help)\n";
    return BadInput;
}
