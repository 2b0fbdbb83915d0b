// stagecraft-cli: Stagecraft's engine from the command line. Links the engine only, no Widgets.

#include "catalog/catalogreader.h"
#include "connection/databaseconnection.h"
#include "demo/demodatabase.h"

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
        "  tables   list the tables of a database with their row counts and sizes\n"
        "  demo     generate the demo SQLite database (if needed) and print its URL\n\n"
        "Connection URLs: postgresql://user@host:5432/db?sslmode=require, mysql://user@host/db,\n"
        "mariadb://user@host/db, sqlite:///path/to/file.db; TLS options: ?sslmode=require|verify-ca|\n"
        "verify-full&sslrootcert=FILE&sslcert=FILE&sslkey=FILE. The password comes from the URL, the\n"
        "STAGECRAFT_PASSWORD environment variable, or a prompt (-W, or on a terminal when the server asks).\n\n"
        "Exit codes: 0 success, 1 failure, 2 bad input, 3 cannot connect."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("tables or demo"));
    parser.addOption({{QStringLiteral("c"), QStringLiteral("connection")},
                      QStringLiteral("The database to connect to (default: $STAGECRAFT_CONNECTION)."),
                      QStringLiteral("URL")});
    parser.addOption({{QStringLiteral("W"), QStringLiteral("password-prompt")},
                      QStringLiteral("Ask for the password (without echo) instead of reading it from the URL or "
                                     "$STAGECRAFT_PASSWORD.")});
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
    if (command == QLatin1String("demo"))
        return makeDemo(parser.value(QStringLiteral("path")));
    err() << "stagecraft-cli: " << (command.isEmpty() ? QStringLiteral("no command given")
                                                      : QStringLiteral("unknown command '%1'").arg(command))
          << " (see stagecraft-cli --help)\n";
    return BadInput;
}
