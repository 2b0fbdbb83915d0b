#pragma once

#include <QString>

namespace Stagecraft {

// The SQL SQLite keeps in sqlite_schema (CREATE TABLE, VIEW, TRIGGER), read token by token the way
// SQLite's own tokenizer reads it: strings ('...'), quoted names ("...", [...], `...`), comments
// (-- and /* */) and nested parentheses are stepped over whole, so a comma, a parenthesis or a
// keyword inside them is never taken for structure.
class SqliteSchemaSql
{
public:
    // Where the parts of a CREATE TABLE are, as offsets into its text.
    struct TableParts
    {
        qsizetype open = -1; // the '(' that opens the column list
        qsizetype close = -1; // the ')' that closes it
        // Just after the last token of the last column definition, before any comment after it
        // and before the table constraints (PRIMARY KEY (a, b), CHECK, ...): where a new column goes.
        qsizetype columnsEnd = -1;
        bool withoutRowid = false; // the table options after ')' say WITHOUT ROWID
        bool autoincrement = false; // a column is INTEGER PRIMARY KEY AUTOINCREMENT: its high-water mark is in sqlite_sequence
    };

    // Reads a CREATE TABLE; false (and *why) for text that has no column list, an unclosed quote
    // or unbalanced parentheses.
    [[nodiscard]] static bool parseCreateTable(const QString &sql, TableParts *parts, QString *why);

    // Whether two names are the same to SQLite: ASCII letters compare without case, nothing else does.
    [[nodiscard]] static bool sameName(const QString &a, const QString &b);

    // True if sql names `name` (as sameName compares) anywhere: as a bare word, a quoted
    // name, or a string, which SQLite also takes for a name where one is expected (FROM 'orders').
    // It errs on the side of yes: text it cannot read counts as naming it.
    [[nodiscard]] static bool names(const QString &sql, const QString &name);
};

} // namespace Stagecraft
