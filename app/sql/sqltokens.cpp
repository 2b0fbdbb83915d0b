#include "sqltokens.h"

namespace Stagecraft {

namespace {

bool isWordChar(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('_') || c == QLatin1Char('$');
}

// PostgreSQL folds bare names to lower case, ASCII letters only.
QString asciiLower(const QString &text)
{
    QString out = text;
    for (QChar &c : out)
        if (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
            c = QChar(c.unicode() + 32);
    return out;
}

} // namespace

QList<SqlToken> SqlTokens::split(Engine engine, const QString &text)
{
    const bool postgres = engine == Engine::PostgreSQL;
    const bool mysql = engine == Engine::MySQL || engine == Engine::MariaDB;
    QList<SqlToken> out;
    const qsizetype n = text.size();
    qsizetype i = 0;
    while (i < n) {
        const QChar c = text.at(i);
        if (c.isSpace()) {
            ++i;
        } else if ((c == QLatin1Char('-') && i + 1 < n && text.at(i + 1) == QLatin1Char('-'))
                   || (mysql && c == QLatin1Char('#'))) {
            while (i < n && text.at(i) != QLatin1Char('\n'))
                ++i;
        } else if (c == QLatin1Char('/') && i + 1 < n && text.at(i + 1) == QLatin1Char('*')) {
            const qsizetype end = text.indexOf(QLatin1String("*/"), i + 2);
            i = end < 0 ? n : end + 2;
        } else if (c == QLatin1Char('\'') || c == QLatin1Char('"') || c == QLatin1Char('`')) {
            const bool quotedName = c == QLatin1Char('`') || (!mysql && c == QLatin1Char('"'));
            QString value;
            qsizetype j = i + 1;
            for (; j < n; ++j) {
                const QChar d = text.at(j);
                if (mysql && d == QLatin1Char('\\') && !quotedName && j + 1 < n) {
                    value += text.at(++j);
                } else if (d == c) {
                    if (j + 1 < n && text.at(j + 1) == c) {
                        value += c;
                        ++j;
                    } else {
                        break;
                    }
                } else {
                    value += d;
                }
            }
            out << SqlToken{quotedName ? SqlToken::Kind::Quoted : SqlToken::Kind::String, value};
            i = j + 1;
        } else if (postgres && c == QLatin1Char('$') && i + 1 < n && !text.at(i + 1).isDigit()) {
            // A dollar quote: $$...$$ or $tag$...$tag$.
            const qsizetype close = text.indexOf(QLatin1Char('$'), i + 1);
            if (close < 0) {
                ++i;
                continue;
            }
            const QString tag = text.mid(i, close - i + 1);
            const qsizetype end = text.indexOf(tag, close + 1);
            const qsizetype stop = end < 0 ? n : end;
            out << SqlToken{SqlToken::Kind::String, text.mid(close + 1, stop - close - 1)};
            i = end < 0 ? n : end + tag.size();
        } else if (isWordChar(c)) {
            qsizetype j = i;
            while (j < n && isWordChar(text.at(j)))
                ++j;
            out << SqlToken{SqlToken::Kind::Word, text.mid(i, j - i)};
            i = j;
        } else {
            out << SqlToken{SqlToken::Kind::Symbol, QString(c)};
            ++i;
        }
    }
    return out;
}

bool SqlTokens::names(Engine engine, const SqlToken &token, const QString &name)
{
    if (!token.isName())
        return false;
    if (engine != Engine::PostgreSQL)
        return token.text.compare(name, Qt::CaseInsensitive) == 0;
    return token.kind == SqlToken::Kind::Quoted ? token.text == name : asciiLower(token.text) == name;
}

} // namespace Stagecraft
