#include "goldenfile.h"

#include <QFile>

namespace Stagecraft::Testing {

QString GoldenFile::check(const QString &actual, const QString &path, bool *written)
{
    *written = false;
    if (qEnvironmentVariableIsSet("STAGECRAFT_UPDATE_GOLDEN")) {
        QFile out(path);
        if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate) || out.write(actual.toUtf8()) < 0)
            return QStringLiteral("cannot write %1: %2").arg(path, out.errorString());
        *written = true;
        return {};
    }
    QFile in(path);
    if (!in.open(QIODevice::ReadOnly))
        return QStringLiteral("no golden file %1: run scripts/update-golden").arg(path);
    // Line by line, so that a difference is shown where it is.
    const QStringList expected = QString::fromUtf8(in.readAll()).split(QLatin1Char('\n'));
    const QStringList lines = actual.split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < std::min(lines.size(), expected.size()); ++i) {
        if (lines.at(i) != expected.at(i))
            return QStringLiteral("%1, line %2:\n  actual:   %3\n  expected: %4").arg(path).arg(i + 1).arg(lines.at(i), expected.at(i));
    }
    if (lines.size() != expected.size())
        return QStringLiteral("%1: %2 lines, expected %3").arg(path).arg(lines.size()).arg(expected.size());
    return {};
}

} // namespace Stagecraft::Testing
