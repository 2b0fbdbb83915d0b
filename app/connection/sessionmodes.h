#pragma once

#include "connectionprofile.h"

#include <QStringList>

namespace Stagecraft {

// The session modes Stagecraft relies on, set on every connection of its own when it opens and
// shown in every plan's session (which the runner sends and the exports carry), so that no server
// or role setting changes what its SQL means: how a literal is read (quoteLiteral's rules), how the
// user's expressions parse, and whether a value that does not fit is refused or silently changed.
// PostgreSQL: standard_conforming_strings on ('\' is an ordinary character in '...').
// MySQL/MariaDB: one explicit sql_mode, whatever the server's: strict (a NULL or a value that does
// not fit is an error, never turned into 0 or cut), without NO_BACKSLASH_ESCAPES (quoteLiteral
// doubles backslashes), ANSI_QUOTES ("..." stays a string), PIPES_AS_CONCAT (|| stays OR) or any
// other mode that changes parsing (EMPTY_STRING_IS_NULL, ORACLE, REAL_AS_FLOAT, ...).
// SQLite has no such modes.
struct SessionModes
{
    [[nodiscard]] static QStringList sql(Engine engine);
};

} // namespace Stagecraft
