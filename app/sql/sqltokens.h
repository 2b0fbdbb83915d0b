#pragma once

#include "connection/connectionprofile.h"

#include <QList>
#include <QString>

namespace Stagecraft {

// One token of a statement's or expression's text.
struct SqlToken
{
    enum class Kind { Word, Quoted, String, Symbol };
    Kind kind = Kind::Symbol;
    // A word as written; a quoted name or a string without its quotes (doubled quotes and, on
    // MySQL and MariaDB, backslash escapes in strings made single); a symbol's one character.
    QString text;

    [[nodiscard]] bool isName() const { return kind == Kind::Word || kind == Kind::Quoted; }
    [[nodiscard]] bool isSymbol(QChar c) const { return kind == Kind::Symbol && text.size() == 1 && text.at(0) == c; }
    // A word that is this keyword, without case.
    [[nodiscard]] bool isKeyword(QLatin1StringView keyword) const
    {
        return kind == Kind::Word && text.compare(keyword, Qt::CaseInsensitive) == 0;
    }
};

// Splits SQL text into names, strings and symbols, comments left out: as the server normalised it
// (pg_stat_statements' query, a digest's DIGEST_TEXT), an expression, a view's or routine's body.
// Quoted names: "..." on PostgreSQL and SQLite, `...` on MySQL and MariaDB (where "..." is a string
// unless ANSI_QUOTES, and the server writes names back in backticks anyway; SQLite takes `...` too).
// PostgreSQL's dollar quotes ($$...$$, $tag$...$tag$) are strings.
class SqlTokens
{
public:
    [[nodiscard]] static QList<SqlToken> split(Engine engine, const QString &text);
    // Whether a name token names `name` as the engine compares names: on PostgreSQL a bare name as
    // folded to lower case (ASCII letters only), a quoted one exactly; elsewhere without case
    // (MySQL's and MariaDB's column names always compare so; table names do with
    // lower_case_table_names, and a digest keeps the case the client wrote).
    [[nodiscard]] static bool names(Engine engine, const SqlToken &token, const QString &name);
};

} // namespace Stagecraft
