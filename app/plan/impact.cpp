#include "impact.h"

namespace Stagecraft {

namespace {

// A statement's text on one line, cut for a warning.
QString shortText(const QString &text)
{
    const QString line = text.simplified();
    return line.size() <= 90 ? line : line.left(89) + QChar(0x2026);
}

} // namespace

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
