// stagecraft-cli demo: generate the demo SQLite database (if it is not there or out of date) and
// print its URL, so `tables`, `plan` and `run` can be tried on it at once.

#include "commands.h"
#include "common.h"

#include "demo/demodatabase.h"

#include <QCommandLineParser>

namespace Stagecraft::Cli {

int demo(const QCommandLineParser &parser)
{
    const QString path = parser.value(QStringLiteral("path"));
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

} // namespace Stagecraft::Cli
