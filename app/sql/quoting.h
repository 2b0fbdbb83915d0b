#pragma once

#include "connection/connectionprofile.h"

#include <QString>
#include <QStringList>

namespace Stagecraft {

// The only way Stagecraft puts names and values into SQL: by each engine's quoting rules.
// PostgreSQL and SQLite quote identifiers with "..." (doubling "), MySQL and MariaDB with `...`
// (doubling `). Literals use '...' with ' doubled; MySQL and MariaDB also double backslashes,
// since they treat them as escapes unless NO_BACKSLASH_ESCAPES is set. Both rules hold in the
// session modes every Stagecraft session sets (connection/sessionmodes.h: no NO_BACKSLASH_ESCAPES,
// PostgreSQL's standard_conforming_strings on), whatever the server's own settings.
[[nodiscard]] QString quoteIdentifier(Engine engine, const QString &name);
// schema.name, each part quoted; a schema-less engine (SQLite's main, MySQL's current) gives just name.
[[nodiscard]] QString quoteQualified(Engine engine, const QString &schema, const QString &name);
[[nodiscard]] QString quoteLiteral(Engine engine, const QString &value);
// Names as a column list: each quoted, joined by ", ".
[[nodiscard]] QString quoteIdentifierList(Engine engine, const QStringList &names);

} // namespace Stagecraft
