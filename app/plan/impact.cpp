#include "impact.h"

#include <algorithm>

namespace Stagecraft {

namespace {

// A statement's text on one line, cut for a warning.
QString shortText(const QString &text)
{
    const QString line = text.simplified();
    return line.size() <= 90 ? line : line.left(89) + QChar(0x2026);
}

} // namespace

QString severityName(StatementFate::Severity severity)
{
    switch (severity) {
    case StatementFate::Severity::Info:
        return QStringLiteral("info");
    case StatementFate::Severity::Cost:
        return QStringLiteral("cost");
    case StatementFate::Severity::Breaks:
        return QStringLiteral("breaks");
    }
    return {};
}

bool severityFromName(const QString &name, StatementFate::Severity *severity)
{
    for (const StatementFate::Severity s : {StatementFate::Severity::Info, StatementFate::Severity::Cost, StatementFate::Severity::Breaks})
        if (severityName(s) == name) {
            *severity = s;
            return true;
        }
    return false;
}

int Impact::statementsAtLeast(StatementFate::Severity severity) const
{
    int n = 0;
    for (const StatementUse &s : statements)
        n += std::any_of(s.fates.cbegin(), s.fates.cend(), [&](const StatementFate &f) { return f.severity >= severity; });
    return n;
}

QStringList Impact::warnings() const
{
    QStringList out;
    for (const TableDependent &d : dependents)
        if (!d.impact.isEmpty())
            out << QStringLiteral("%1 %2: %3").arg(dependentKindName(d.kind), d.name, d.impact);
    for (const StatementUse &s : statements)
        for (const StatementFate &f : s.fates)
            if (f.severity != StatementFate::Severity::Info)
                out << QStringLiteral("%1 (%2 calls): %3").arg(shortText(s.text)).arg(s.calls).arg(f.what);
    return out;
}

} // namespace Stagecraft
