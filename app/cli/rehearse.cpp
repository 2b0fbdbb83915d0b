// stagecraft-cli rehearse: the plan for --spec, run on a scratch copy of the table under a
// synthetic writer, its times scaled to the table beside the estimates; the copy is dropped after.
// stagecraft-cli rehearse-cleanup: the guard a rehearsal starts, which drops its copy once the
// rehearsal's process has gone (its standard input closes), however it went.

#include "commands.h"
#include "common.h"
#include "planfromspec.h"
#include "signalcancel.h"

#include "run/rehearsal.h"
#include "run/scratchcopy.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QThread>

#include <csignal>
#include <unistd.h>

namespace Stagecraft::Cli {

int rehearse(const QCommandLineParser &parser)
{
    RehearsalSettings settings;
    if (parser.isSet(QStringLiteral("sample-rows"))) {
        bool ok = false;
        settings.sampleRows = parser.value(QStringLiteral("sample-rows")).toLongLong(&ok);
        if (!ok || settings.sampleRows < 1) {
            err() << "stagecraft-cli: --sample-rows is a number of rows, at least 1, not '" << parser.value(QStringLiteral("sample-rows")) << "'\n";
            return BadInput;
        }
    }
    if (parser.isSet(QStringLiteral("write-rate"))) {
        bool ok = false;
        settings.writesPerSecond = parser.value(QStringLiteral("write-rate")).toDouble(&ok);
        if (!ok || settings.writesPerSecond < 0 || settings.writesPerSecond > 100000) {
            err() << "stagecraft-cli: --write-rate is writes per second, 0 to 100000, not '" << parser.value(QStringLiteral("write-rate")) << "'\n";
            return BadInput;
        }
    }
    if (parser.isSet(QStringLiteral("rehearse-on"))) {
        QString why;
        if (!ConnectionProfile::fromUrl(parser.value(QStringLiteral("rehearse-on")), &settings.target, &why)) {
            err() << "stagecraft-cli: --rehearse-on: " << why << "\n";
            return BadInput;
        }
        if (settings.target.password.isEmpty())
            settings.target.password = qEnvironmentVariable("STAGECRAFT_PASSWORD");
    }
    std::unique_ptr<DatabaseConnection> connection;
    Plan plan;
    if (const int code = makePlan(parser, &connection, &plan); code != Ok)
        return code;
    settings.guardProgram = QCoreApplication::applicationFilePath();
    Rehearsal rehearsal(connection->profile(), plan, settings);
    const QString action = QStringLiteral("rehearse: copy up to %1 rows of the table into %2 (made for it, dropped after), run the plan "
                                          "there under a synthetic writer; the table itself is only read")
                               .arg(settings.sampleRows)
                               .arg(rehearsal.destination());
    for (const QString &warning : std::as_const(plan.warnings))
        err() << "stagecraft-cli: warning: " << warning << "\n";
    if (!confirmed(parser, *connection, plan, action))
        return BadInput;
    connection->close();
    QObject::connect(&rehearsal, &Rehearsal::noted, [](const QString &line) { err() << "stagecraft-cli: rehearse: " << line << "\n" << Qt::flush; });
    RehearsalReport report;
    QObject::connect(&rehearsal, &Rehearsal::finished, [&](const RehearsalReport &r) { report = r; });
    {
        const SignalCancel cancelOnSignal([&rehearsal] { rehearsal.cancel(); });
        rehearsal.run();
    }
    out() << report.text();
    if (!report.cleanedUp)
        return Failure;
    return report.completed ? Ok : RunStopped;
}

int rehearseCleanup(const QCommandLineParser &parser)
{
    // Its own session already (the rehearsal started it so); a terminal's signals are not for it.
    std::signal(SIGINT, SIG_IGN);
    std::signal(SIGHUP, SIG_IGN);
    std::signal(SIGPIPE, SIG_IGN);
    const QString name = parser.value(QStringLiteral("scratch"));
    ConnectionProfile target;
    QString why;
    if (!ScratchCopy::isScratchName(name) || !ConnectionProfile::fromUrl(connectionUrl(parser), &target, &why)) {
        err() << "stagecraft-cli: rehearse-cleanup needs -c URL and --scratch stagecraft_rehearsal_<id>\n";
        return BadInput;
    }
    if (target.password.isEmpty())
        target.password = qEnvironmentVariable("STAGECRAFT_PASSWORD");
    // Waits for the rehearsal's end: its standard input closes when the rehearsal closes it or dies.
    char buffer[256];
    for (;;) {
        const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (n == 0 || (n < 0 && errno != EINTR))
            break;
    }
    // A statement of the dead rehearsal may still run on the server, holding its locks: tried
    // again for two minutes.
    for (int attempt = 0; attempt < 120; ++attempt) {
        why.clear();
        if (ScratchCopy::drop(target, name, &why))
            return Ok;
        QThread::msleep(1000);
    }
    err() << "stagecraft-cli: rehearse-cleanup: could not drop " << name << ": " << why << "\n";
    return Failure;
}

} // namespace Stagecraft::Cli
