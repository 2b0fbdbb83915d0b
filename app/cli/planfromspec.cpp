#include "planfromspec.h"

#include "common.h"
#include "plan/planner.h"
#include "plan/specvalidator.h"

#include <QCommandLineParser>
#include <QFile>
#include <QRegularExpression>

namespace Stagecraft::Cli {

namespace {

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

} // namespace

int makePlan(const QCommandLineParser &parser, std::unique_ptr<DatabaseConnection> *connection, Plan *result, TableDetails *table)
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
    if (const int code = openConnection(parser, connection); code != Ok)
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
    SpecValidator validator(**connection);
    if (parsed || !spec.table.name.isEmpty())
        static_cast<void>(validator.validate(spec, &input, &problems, result));
    if (validator.connectionLost().isError()) {
        err() << "stagecraft-cli: " << validator.connectionLost().text() << "\n";
        return CannotConnect;
    }
    if (!problems.isEmpty()) {
        for (const SpecProblem &p : std::as_const(problems))
            err() << "stagecraft-cli: " << p.field << ": " << p.message << "\n";
        return BadInput;
    }
    if (table)
        *table = input.table;
    return Ok;
}

} // namespace Stagecraft::Cli
