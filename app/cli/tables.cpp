// stagecraft-cli tables: the tables of a database with their row counts and sizes, tab-separated.

#include "commands.h"
#include "common.h"

#include "catalog/catalogreader.h"

#include <QCommandLineParser>

namespace Stagecraft::Cli {

int tables(const QCommandLineParser &parser)
{
    std::unique_ptr<DatabaseConnection> opened;
    if (const int code = openConnection(parser, &opened); code != Ok)
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

} // namespace Stagecraft::Cli
