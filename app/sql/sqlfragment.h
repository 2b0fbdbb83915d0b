#pragma once

#include "connection/connectionprofile.h"

#include <QString>

namespace Stagecraft {

// User-written SQL that Stagecraft must place inside its own statements: a default or CHECK
// expression, a type name. Such text cannot be quoted, so before it goes near a server it must be
// one self-contained fragment: no statement separator, no comment that could hide the rest of our
// statement, parentheses balanced, every quote closed. Strings ('...'), quoted identifiers ("..."
// or `...`) and PostgreSQL dollar quotes ($tag$...$tag$) are skipped over, so their contents may hold
// anything.
class SqlFragment
{
public:
    // True if text is one self-contained fragment; otherwise *why names the problem.
    [[nodiscard]] static bool check(Engine engine, const QString &text, QString *why);
};

} // namespace Stagecraft
