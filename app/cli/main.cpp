// stagecraft-cli: Stagecraft's engine from the command line. Links the engine only, no Widgets.

#include "catalog/catalogreader.h"
#include "connection/databaseconnection.h"
#include "demo/demodatabase.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QLocale>
#include <QTextStream>

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

int listTables(const QString &url)
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
    DatabaseConnection connection(profile);
    ConnectionError error;
    if (!connection.open(&error)) {
        err() << "stagecraft-cli: " << error.text() << "\n";
        return CannotConnect;
    }
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
        "mariadb://user@host/db, sqlite:///path/to/file.db. A password may be given in the URL or in\n"
        "the STAGECRAFT_PASSWORD environment variable.\n\n"
        "Exit codes: 0 success, 1 failure, 2 bad input, 3 cannot connect."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("tables or demo"));
    parser.addOption({{QStringLiteral("c"), QStringLiteral("connection")},
                      QStringLiteral("The database to connect to (default: $STAGECRAFT_CONNECTION)."),
                      QStringLiteral("URL")});
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
        return listTables(connectionUrl(parser));
    if (command == QLatin1String("demo"))
        return makeDemo(parser.value(QStringLiteral("path")));
    err() << "stagecraft-cli: " << (command.isEmpty() ? QStringLiteral("no command given")
                                                      : QStringLiteral("unknown command '%1'").arg(command))
          << " (see stagecraft-cli --help)\n";
    return BadInput;
}
