#include "specjson.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QStringDecoder>

namespace Stagecraft {

namespace {

// Deeper than any spec needs; bounds the recursion on hostile input.
const int MaxDepth = 64;

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

QString child(const QString &path, const QString &key)
{
    return path.isEmpty() ? key : path + QLatin1Char('.') + key;
}

} // namespace

bool SpecJson::parse(const QByteArray &text, QString *error)
{
    m_text = text;
    m_pos = 0;
    m_error.clear();
    m_root = QJsonValue();
    m_numbers.clear();
    m_keys.clear();
    m_repeated.clear();
    if (m_text.startsWith("\xEF\xBB\xBF")) // a UTF-8 byte order mark, as some editors write
        m_pos = 3;
    skipSpace();
    bool ok = value(QString(), 0, &m_root);
    if (ok) {
        skipSpace();
        if (m_pos < m_text.size())
            ok = fail(QStringLiteral("the end"));
    }
    if (!ok && error)
        *error = m_error;
    return ok;
}

bool SpecJson::fail(const QString &what)
{
    if (!m_error.isEmpty())
        return false;
    // Line and column of the offending character, counted in characters as an editor shows them.
    const QByteArray before = m_text.left(m_pos);
    const int line = int(before.count('\n')) + 1;
    const QString lastLine = QString::fromUtf8(before.mid(before.lastIndexOf('\n') + 1));
    m_error = QStringLiteral("%1 expected at line %2, column %3").arg(what).arg(line).arg(lastLine.size() + 1);
    return false;
}

void SpecJson::skipSpace()
{
    while (m_pos < m_text.size()) {
        const char c = m_text.at(m_pos);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return;
        ++m_pos;
    }
}

bool SpecJson::value(const QString &path, int depth, QJsonValue *out)
{
    if (depth > MaxDepth)
        return fail(QStringLiteral("less nesting"));
    if (m_pos >= m_text.size())
        return fail(QStringLiteral("a value"));
    const char c = m_text.at(m_pos);
    switch (c) {
    case '{': return object(path, depth, out);
    case '[': return array(path, depth, out);
    case '"': {
        QString s;
        if (!string(&s))
            return false;
        *out = s;
        return true;
    }
    case 't': return literal("true", true, out);
    case 'f': return literal("false", false, out);
    case 'n': return literal("null", QJsonValue::Null, out);
    default:
        if (c == '-' || isDigit(c))
            return number(path, out);
        return fail(QStringLiteral("a value"));
    }
}

bool SpecJson::object(const QString &path, int depth, QJsonValue *out)
{
    ++m_pos; // {
    QJsonObject result;
    m_keys.insert(path, {});
    skipSpace();
    if (m_pos < m_text.size() && m_text.at(m_pos) == '}') {
        ++m_pos;
        *out = result;
        return true;
    }
    for (;;) {
        skipSpace();
        if (m_pos >= m_text.size() || m_text.at(m_pos) != '"')
            return fail(QStringLiteral("a key in quotes"));
        QString key;
        if (!string(&key))
            return false;
        skipSpace();
        if (m_pos >= m_text.size() || m_text.at(m_pos) != ':')
            return fail(QStringLiteral("':' after the key"));
        ++m_pos;
        skipSpace();
        QJsonValue v;
        if (!value(child(path, key), depth + 1, &v))
            return false;
        if (result.contains(key)) {
            if (!m_repeated.contains(child(path, key)))
                m_repeated << child(path, key);
        } else {
            m_keys[path] << key; // looked up again: the hash may have grown while the value was read
        }
        result.insert(key, v);
        skipSpace();
        if (m_pos < m_text.size() && m_text.at(m_pos) == ',') {
            ++m_pos;
            continue;
        }
        if (m_pos < m_text.size() && m_text.at(m_pos) == '}') {
            ++m_pos;
            *out = result;
            return true;
        }
        return fail(QStringLiteral("',' or '}'"));
    }
}

bool SpecJson::array(const QString &path, int depth, QJsonValue *out)
{
    ++m_pos; // [
    QJsonArray result;
    skipSpace();
    if (m_pos < m_text.size() && m_text.at(m_pos) == ']') {
        ++m_pos;
        *out = result;
        return true;
    }
    for (;;) {
        skipSpace();
        QJsonValue v;
        if (!value(QStringLiteral("%1[%2]").arg(path).arg(result.size()), depth + 1, &v))
            return false;
        result.append(v);
        skipSpace();
        if (m_pos < m_text.size() && m_text.at(m_pos) == ',') {
            ++m_pos;
            continue;
        }
        if (m_pos < m_text.size() && m_text.at(m_pos) == ']') {
            ++m_pos;
            *out = result;
            return true;
        }
        return fail(QStringLiteral("',' or ']'"));
    }
}

bool SpecJson::string(QString *out)
{
    ++m_pos; // "
    QByteArray raw; // UTF-8 as written, escapes resolved
    for (;;) {
        if (m_pos >= m_text.size())
            return fail(QStringLiteral("the closing '\"'"));
        const char c = m_text.at(m_pos);
        if (c == '"') {
            ++m_pos;
            break;
        }
        if (static_cast<unsigned char>(c) < 0x20)
            return fail(QStringLiteral("an escape (\\n, \\t, \\u00XX) instead of a control character"));
        if (c != '\\') {
            raw += c;
            ++m_pos;
            continue;
        }
        if (m_pos + 1 >= m_text.size())
            return fail(QStringLiteral("an escape"));
        const char e = m_text.at(m_pos + 1);
        m_pos += 2;
        switch (e) {
        case '"': raw += '"'; break;
        case '\\': raw += '\\'; break;
        case '/': raw += '/'; break;
        case 'b': raw += '\b'; break;
        case 'f': raw += '\f'; break;
        case 'n': raw += '\n'; break;
        case 'r': raw += '\r'; break;
        case 't': raw += '\t'; break;
        case 'u': {
            const auto hex4 = [this](char32_t *unit) {
                if (m_pos + 4 > m_text.size())
                    return false;
                bool ok = false;
                *unit = m_text.mid(m_pos, 4).toUInt(&ok, 16);
                for (int i = 0; i < 4; ++i)
                    ok = ok && QByteArrayView("0123456789abcdefABCDEF").contains(m_text.at(m_pos + i));
                if (ok)
                    m_pos += 4;
                return ok;
            };
            char32_t unit = 0;
            m_pos -= 2;
            const qsizetype escape = m_pos;
            m_pos += 2;
            if (!hex4(&unit)) {
                m_pos = escape;
                return fail(QStringLiteral("four hex digits after \\u"));
            }
            if (unit >= 0xD800 && unit <= 0xDBFF) {
                char32_t low = 0;
                if (!(m_text.mid(m_pos, 2) == "\\u" && (m_pos += 2, hex4(&low)) && low >= 0xDC00 && low <= 0xDFFF)) {
                    m_pos = escape;
                    return fail(QStringLiteral("a surrogate pair (\\uD8xx\\uDCxx)"));
                }
                unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
            } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
                m_pos = escape;
                return fail(QStringLiteral("a surrogate pair (\\uD8xx\\uDCxx)"));
            }
            raw += QString::fromUcs4(&unit, 1).toUtf8();
            break;
        }
        default:
            m_pos -= 2;
            return fail(QStringLiteral("a JSON escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)"));
        }
    }
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    *out = decoder.decode(raw);
    if (decoder.hasError())
        return fail(QStringLiteral("UTF-8 text"));
    return true;
}

bool SpecJson::number(const QString &path, QJsonValue *out)
{
    // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    const qsizetype start = m_pos;
    const auto digits = [this] {
        const qsizetype from = m_pos;
        while (m_pos < m_text.size() && isDigit(m_text.at(m_pos)))
            ++m_pos;
        return m_pos > from;
    };
    if (m_text.at(m_pos) == '-')
        ++m_pos;
    if (m_pos < m_text.size() && m_text.at(m_pos) == '0')
        ++m_pos;
    else if (!digits())
        return fail(QStringLiteral("a digit"));
    if (m_pos < m_text.size() && m_text.at(m_pos) == '.') {
        ++m_pos;
        if (!digits())
            return fail(QStringLiteral("a digit after '.'"));
    }
    if (m_pos < m_text.size() && (m_text.at(m_pos) == 'e' || m_text.at(m_pos) == 'E')) {
        ++m_pos;
        if (m_pos < m_text.size() && (m_text.at(m_pos) == '+' || m_text.at(m_pos) == '-'))
            ++m_pos;
        if (!digits())
            return fail(QStringLiteral("a digit in the exponent"));
    }
    const QString text = QString::fromLatin1(m_text.mid(start, m_pos - start));
    m_numbers.insert(path, text);
    *out = text.toDouble(); // for the kind and plain counts; the text is what a literal keeps
    return true;
}

bool SpecJson::literal(const char *word, const QJsonValue &meaning, QJsonValue *out)
{
    const QByteArrayView w(word);
    if (m_text.mid(m_pos, w.size()) != w)
        return fail(QStringLiteral("a value"));
    m_pos += w.size();
    *out = meaning;
    return true;
}

} // namespace Stagecraft
