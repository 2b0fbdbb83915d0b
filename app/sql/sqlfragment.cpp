#include "sqlfragment.h"

#include <QSet>

namespace Stagecraft {

// Skips a quoted run starting at text[i] (the opening quote); returns the index after the closing
// quote, or -1 if it never closes. A doubled quote stands for itself; MySQL also escapes with \.
static qsizetype skipQuoted(const QString &text, qsizetype i, QChar quote, bool backslashEscapes)
{
    for (qsizetype j = i + 1; j < text.size(); ++j) {
        const QChar c = text.at(j);
        if (backslashEscapes && c == QLatin1Char('\\')) {
            ++j;
            continue;
        }
        if (c == quote) {
            if (j + 1 < text.size() && text.at(j + 1) == quote) {
                ++j;
                continue;
            }
            return j + 1;
        }
    }
    return -1;
}

// A PostgreSQL dollar quote $tag$ ... $tag$ starting at text[i]; returns the index after it, i if
// text[i] does not open one, or -1 if it never closes.
static qsizetype skipDollarQuoted(const QString &text, qsizetype i)
{
    qsizetype j = i + 1;
    while (j < text.size() && (text.at(j).isLetterOrNumber() || text.at(j) == QLatin1Char('_')))
        ++j;
    if (j >= text.size() || text.at(j) != QLatin1Char('$'))
        return i; // a parameter like $1, or a $ inside a name
    if (j > i + 1 && text.at(i + 1).isDigit())
        return i;
    const QString tag = text.mid(i, j - i + 1);
    const qsizetype end = text.indexOf(tag, j + 1);
    return end < 0 ? -1 : end + tag.size();
}

bool SqlFragment::check(Engine engine, const QString &text, QString *why)
{
    auto fail = [why](const QString &reason) {
        if (why)
            *why = reason;
        return false;
    };
    if (text.trimmed().isEmpty())
        return fail(QStringLiteral("is empty"));
    const bool mysql = engine == Engine::MySQL || engine == Engine::MariaDB;
    int depth = 0;
    for (qsizetype i = 0; i < text.size();) {
        const QChar c = text.at(i);
        if (c == QLatin1Char('\'') || c == QLatin1Char('"') || (mysql && c == QLatin1Char('`'))) {
            const bool escapes = mysql && c != QLatin1Char('`');
            const qsizetype next = skipQuoted(text, i, c, escapes);
            if (next < 0)
                return fail(QStringLiteral("has an unclosed %1").arg(c == QLatin1Char('\'') ? QStringLiteral("string")
                                                                                             : QStringLiteral("quoted name")));
            i = next;
            continue;
        }
        if (c == QLatin1Char('$') && engine == Engine::PostgreSQL) {
            const qsizetype next = skipDollarQuoted(text, i);
            if (next < 0)
                return fail(QStringLiteral("has an unclosed $-quoted string"));
            if (next > i) {
                i = next;
                continue;
            }
        }
        if (c == QLatin1Char(';'))
            return fail(QStringLiteral("contains ';': write one expression, not statements"));
        if ((c == QLatin1Char('-') && text.mid(i, 2) == QLatin1String("--"))
            || (c == QLatin1Char('/') && text.mid(i, 2) == QLatin1String("/*"))
            || (mysql && c == QLatin1Char('#')))
            return fail(QStringLiteral("contains a comment"));
        if (c == QLatin1Char('(')) {
            ++depth;
        } else if (c == QLatin1Char(')')) {
            if (--depth < 0)
                return fail(QStringLiteral("closes a parenthesis it never opened"));
        } else if (c.unicode() < 0x20 && c != QLatin1Char('\n') && c != QLatin1Char('\t') && c != QLatin1Char('\r')) {
            return fail(QStringLiteral("contains a control character"));
        }
        ++i;
    }
    if (depth != 0)
        return fail(QStringLiteral("leaves %1 parenthesis(es) open").arg(depth));
    return true;
}

QStringList SqlFragment::columnsRead(Engine engine, const QString &text, const QString &table, const QStringList &columns)
{
    const bool mysql = engine == Engine::MySQL || engine == Engine::MariaDB;
    struct Name
    {
        QString text;
        bool quoted = false;
        qsizetype end = 0; // index after it
    };
    const auto same = [&](const Name &name, const QString &catalogName) {
        if (mysql || (engine == Engine::SQLite && !name.quoted))
            return name.text.compare(catalogName, Qt::CaseInsensitive) == 0;
        if (engine == Engine::PostgreSQL && !name.quoted)
            return name.text.toLower() == catalogName;
        return name.text == catalogName;
    };
    QList<Name> names;
    QSet<QString> read;
    const auto isWordStart = [](QChar c) { return c.isLetter() || c == QLatin1Char('_'); };
    const auto isWordPart = [](QChar c) { return c.isLetterOrNumber() || c == QLatin1Char('_') || c == QLatin1Char('$'); };
    for (qsizetype i = 0; i < text.size();) {
        const QChar c = text.at(i);
        const bool identifierQuote = (c == QLatin1Char('"') && !mysql) || (c == QLatin1Char('`') && engine != Engine::PostgreSQL);
        if (c == QLatin1Char('\'') || (c == QLatin1Char('"') && mysql)) {
            const qsizetype next = skipQuoted(text, i, c, mysql);
            i = next < 0 ? text.size() : next;
            continue;
        }
        if (c == QLatin1Char('$') && engine == Engine::PostgreSQL) {
            const qsizetype next = skipDollarQuoted(text, i);
            if (next != i) {
                i = next < 0 ? text.size() : next;
                continue;
            }
        }
        Name name;
        if (identifierQuote || (c == QLatin1Char('[') && engine == Engine::SQLite)) {
            const QChar close = c == QLatin1Char('[') ? QLatin1Char(']') : c;
            const qsizetype next = c == QLatin1Char('[') ? text.indexOf(close, i + 1) + 1 : skipQuoted(text, i, close, false);
            if (next <= 0)
                break;
            name = {text.mid(i + 1, next - i - 2).replace(QString(2, close), QString(close)), true, next};
        } else if (isWordStart(c)) {
            qsizetype j = i + 1;
            while (j < text.size() && isWordPart(text.at(j)))
                ++j;
            name = {text.mid(i, j - i), false, j};
        } else if (c.isDigit()) {
            qsizetype j = i + 1;
            while (j < text.size() && (isWordPart(text.at(j)) || text.at(j) == QLatin1Char('.')))
                ++j;
            i = j;
            continue;
        } else {
            ++i;
            continue;
        }
        // What precedes it (a "." after a name) and what follows ("(": a function).
        qsizetype before = i - 1;
        while (before >= 0 && text.at(before).isSpace())
            --before;
        const bool qualified = before >= 0 && text.at(before) == QLatin1Char('.') && !names.isEmpty();
        qsizetype after = name.end;
        while (after < text.size() && text.at(after).isSpace())
            ++after;
        const bool call = after < text.size() && text.at(after) == QLatin1Char('(');
        const bool qualifies = after < text.size() && text.at(after) == QLatin1Char('.');
        if (!call && !qualifies && (!qualified || same(names.last(), table))) {
            for (const QString &column : columns) {
                if (same(name, column))
                    read.insert(column);
            }
            // The table's name alone is the whole row (PostgreSQL's orders::text, f(orders)):
            // it reads every column.
            if (!qualified && same(name, table))
                read = QSet<QString>(columns.cbegin(), columns.cend());
        }
        names << name;
        i = name.end;
    }
    QStringList out;
    for (const QString &column : columns) {
        if (read.contains(column))
            out << column;
    }
    return out;
}

QString SqlFragment::oneRowProblem(Engine engine, const QString &text)
{
    const bool mysql = engine == Engine::MySQL || engine == Engine::MariaDB;
    const auto isWordStart = [](QChar c) { return c.isLetter() || c == QLatin1Char('_'); };
    const auto isWordPart = [](QChar c) { return c.isLetterOrNumber() || c == QLatin1Char('_') || c == QLatin1Char('$'); };
    int parts = 0; // names so far in the current dotted chain
    bool dotPending = false; // a "." followed the last name
    for (qsizetype i = 0; i < text.size();) {
        const QChar c = text.at(i);
        if (c == QLatin1Char('\'') || (c == QLatin1Char('"') && mysql)) { // strings
            const qsizetype next = skipQuoted(text, i, c, mysql);
            i = next < 0 ? text.size() : next;
            parts = 0;
            dotPending = false;
            continue;
        }
        const bool identifierQuote = (c == QLatin1Char('"') && !mysql) || (c == QLatin1Char('`') && engine != Engine::PostgreSQL);
        qsizetype end = -1;
        bool keywordSelect = false;
        if (identifierQuote) {
            end = skipQuoted(text, i, c, false);
            if (end < 0)
                break;
        } else if (isWordStart(c)) {
            end = i + 1;
            while (end < text.size() && isWordPart(text.at(end)))
                ++end;
            keywordSelect = text.mid(i, end - i).compare(QLatin1String("select"), Qt::CaseInsensitive) == 0;
        } else if (c.isDigit()) { // a number, 1.5 included: no name
            while (i < text.size() && (isWordPart(text.at(i)) || text.at(i) == QLatin1Char('.')))
                ++i;
            parts = 0;
            dotPending = false;
            continue;
        } else {
            if (c == QLatin1Char('.') && parts > 0)
                dotPending = true;
            else if (!c.isSpace()) {
                parts = 0;
                dotPending = false;
            }
            ++i;
            continue;
        }
        if (keywordSelect)
            return QStringLiteral("it holds a subquery, which would read only the row being written");
        parts = dotPending ? parts + 1 : 1;
        dotPending = false;
        if (parts >= 3)
            return QStringLiteral("it names a column with its schema (schema.table.column), which a trigger cannot read: "
                                  "write table.column or the column alone");
        i = end;
    }
    return {};
}

qsizetype SqlFragment::findOutside(Engine engine, const QString &text, qsizetype from, const std::function<bool(qsizetype)> &stop)
{
    const bool mysql = engine == Engine::MySQL || engine == Engine::MariaDB;
    int depth = 0;
    for (qsizetype i = from; i < text.size();) {
        if (depth == 0 && stop(i))
            return i;
        const QChar c = text.at(i);
        if (c == QLatin1Char('\'') || c == QLatin1Char('"') || (mysql && c == QLatin1Char('`'))) {
            i = skipQuoted(text, i, c, mysql && c != QLatin1Char('`'));
            if (i < 0)
                return -1;
            continue;
        }
        if (c == QLatin1Char('('))
            ++depth;
        else if (c == QLatin1Char(')'))
            --depth;
        ++i;
    }
    return -1;
}

} // namespace Stagecraft
