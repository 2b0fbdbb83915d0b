// stagecraft-cli plan: the plan for a column, on stdout (JSON, SQL, Markdown), as a review report
// (PDF, or Markdown with its timeline picture) or as migration files for a tool. Changes nothing.

#include "commands.h"
#include "common.h"
#include "planfromspec.h"

#include "plan/impactreader.h"
#include "plan/planexport.h"
#include "plan/planformat.h"
#include "report/reportwriter.h"

#include <QCommandLineParser>
#include <QDateTime>

namespace Stagecraft::Cli {

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
    TableDetails tableDetails;
    if (const int code = makePlan(parser, &connection, &result, &tableDetails); code != Ok)
        return code;
    // Who uses the table: its dependents and the application's statements, read now (read-only).
    result.impact = ImpactReader::read(*connection, result, tableDetails);
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

} // namespace Stagecraft::Cli
