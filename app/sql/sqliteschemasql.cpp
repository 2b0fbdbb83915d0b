#include "sqliteschemasql.h"

#include <QList>

#include <algorithm>

namespace Stagecraft {

namespace {

enum class Kind { Word, QuotedName, String, Other };

struct Token
{
    Kind kind = Kind::Other;
    qsizetype start = 0;
    qsizetype end = 0; // one past the last character
};

// Characters of a bare name, as in SQLite's tokenizer: every non-ASCII character counts.
bool isNameChar(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('_') || c == QLatin1Char('$') || c.unicode() >= 0x80;
}

// The tokens of sql, comments and white space left out. False (and *why) for an unclosed quote.
bool tokenize(const QString &sql, QList<Token> *tokens, QString *why)
{
    const qsizetype n = sql.size();
    for (qsizetype i = 0; i < n;) {
        const QChar c = sql.at(i);
        if (c.isSpace()) {
            ++i;
        } else if (c == QLatin1Char('-') && i + 1 < n && sql.at(i + 1) == QLatin1Char('-')) {
            const qsizetype eol = sql.indexOf(QLatin1Char('\n'), i);
            i = eol < 0 ? n : eol + 1;
        } else if (c == QLatin1Char('/') && i + 1 < n && sql.at(i + 1) == QLatin1Char('*')) {
            const qsizetype close = sql.indexOf(QLatin1String("*/"), i + 2);
            i = close < 0 ? n : close + 2; // SQLite lets a block comment run to the end
        } else if (c == QLatin1Char('\'') || c == QLatin1Char('"') || c == QLatin1Char('`') || c == QLatin1Char('[')) {
            const QChar closing = c == QLatin1Char('[') ? QLatin1Char(']') : c;
            qsizetype j = i + 1;
            for (; j < n; ++j) {
                if (sql.at(j) != closing)
                    continue;
                if (closing != QLatin1Char(']') && j + 1 < n && sql.at(j + 1) == closing) {
                    ++j; // a doubled quote stands for itself
                    continue;
                }
                break;
            }
            if (j >= n) {
                *why = c == QLatin1Char('\'') ? QStringLiteral("a string is not closed") : QStringLiteral("a quoted name is not closed");
                return false;
            }
            tokens->append({c == QLatin1Char('\'') ? Kind::String : Kind::QuotedName, i, j + 1});
            i = j + 1;
        } else if (isNameChar(c)) {
            // Names, keywords and numbers alike; a number is never mistaken for structure.
            qsizetype j = i + 1;
            while (j < n && isNameChar(sql.at(j)))
                ++j;
            tokens->append({Kind::Word, i, j});
            i = j;
        } else {
            tokens->append({Kind::Other, i, i + 1});
            ++i;
        }
    }
    return true;
}

// The name a token stands for: quotes taken off, doubled quotes undone.
QString nameOf(const QString &sql, const Token &t)
{
    const QString text = sql.mid(t.start, t.end - t.start);
    if (t.kind != Kind::QuotedName && t.kind != Kind::String)
        return text;
    const QChar open = text.at(0);
    QString inner = text.mid(1, text.size() - 2);
    if (open != QLatin1Char('['))
        inner.replace(QString(2, open), QString(open));
    return inner;
}

bool isChar(const QString &sql, const Token &t, char c)
{
    return t.kind == Kind::Other && sql.at(t.start) == QLatin1Char(c);
}

bool isWord(const QString &sql, const Token &t, QLatin1StringView word)
{
    return t.kind == Kind::Word && QStringView(sql).mid(t.start, t.end - t.start).compare(word, Qt::CaseInsensitive) == 0;
}

} // namespace

bool SqliteSchemaSql::parseCreateTable(const QString &sql, TableParts *parts, QString *why)
{
    QList<Token> tokens;
    if (!tokenize(sql, &tokens, why))
        return false;
    // Before the column list come only CREATE [TEMP] TABLE [IF NOT EXISTS] [schema.]name, which
    // hold no parenthesis outside a quoted name: the first one opens the list.
    qsizetype i = 0;
    while (i < tokens.size() && !isChar(sql, tokens.at(i), '('))
        ++i;
    if (i == tokens.size()) {
        *why = QStringLiteral("there is no column list");
        return false;
    }
    *parts = {};
    parts->open = tokens.at(i).start;
    // SQLite's grammar puts every column definition before the first table constraint, and a table
    // constraint starts with one of these words, none of which may name a column unquoted.
    static const QLatin1StringView constraintStarts[] = {QLatin1StringView("CONSTRAINT"), QLatin1StringView("PRIMARY"),
                                                         QLatin1StringView("UNIQUE"), QLatin1StringView("CHECK"),
                                                         QLatin1StringView("FOREIGN")};
    int depth = 0;
    bool elementStarts = false;
    bool inConstraints = false;
    for (; i < tokens.size(); ++i) {
        const Token &t = tokens.at(i);
        if (isChar(sql, t, '(')) {
            if (++depth == 1) {
                elementStarts = true;
                continue;
            }
        } else if (isChar(sql, t, ')')) {
            if (--depth == 0) {
                parts->close = t.start;
                break;
            }
        } else if (depth == 1 && isChar(sql, t, ',')) {
            elementStarts = true;
            continue;
        }
        if (depth == 1 && isWord(sql, t, QLatin1StringView("AUTOINCREMENT")))
            parts->autoincrement = true;
        if (elementStarts) {
            elementStarts = false;
            for (const QLatin1StringView word : constraintStarts)
                inConstraints = inConstraints || isWord(sql, t, word);
        }
        if (!inConstraints)
            parts->columnsEnd = t.end;
    }
    if (parts->close < 0) {
        *why = QStringLiteral("the column list is not closed");
        return false;
    }
    if (parts->columnsEnd < 0) {
        *why = QStringLiteral("there is no column definition");
        return false;
    }
    for (++i; i + 1 < tokens.size(); ++i) {
        if (isWord(sql, tokens.at(i), QLatin1StringView("WITHOUT")) && isWord(sql, tokens.at(i + 1), QLatin1StringView("ROWID")))
            parts->withoutRowid = true;
    }
    return true;
}

bool SqliteSchemaSql::names(const QString &sql, const QString &name)
{
    QList<Token> tokens;
    QString why;
    if (!tokenize(sql, &tokens, &why))
        return true;
    return std::any_of(tokens.cbegin(), tokens.cend(), [&](const Token &t) {
        return t.kind != Kind::Other && sameName(nameOf(sql, t), name);
    });
}

bool SqliteSchemaSql::sameName(const QString &a, const QString &b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        const char16_t x = a.at(i).unicode(), y = b.at(i).unicode();
        const auto fold = [](char16_t c) { return c >= u'A' && c <= u'Z' ? char16_t(c + (u'a' - u'A')) : c; };
        if (fold(x) != fold(y))
            return false;
    }
    return true;
}

} // namespace Stagecraft
