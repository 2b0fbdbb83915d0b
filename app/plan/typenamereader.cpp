#include "typenamereader.h"

#include <algorithm>
#include <vector>

namespace Stagecraft {

namespace {

class Reader
{
public:
    Reader(Engine engine, const QString &text)
        : m_engine(engine)
        , m_text(text)
        , m_mysql(engine == Engine::MySQL || engine == Engine::MariaDB)
    {
    }

    // Empty when the text is one type name; otherwise what is wrong with it.
    QString problem()
    {
        if (!tokenize())
            return m_problem;
        if (!name())
            return m_problem.isEmpty() ? QStringLiteral("must start with a type name") : m_problem;
        if (!parameters())
            return m_problem;
        if (m_engine == Engine::PostgreSQL) {
            if (m_zone && (word(0, "with") || word(0, "without")) && word(1, "time") && word(2, "zone"))
                m_at += 3;
            while (punct(0, '[')) {
                qsizetype close = m_at + 1;
                if (close < m_tokens.size() && m_tokens.at(close).kind == Token::Number)
                    ++close;
                if (close >= m_tokens.size() || !isPunct(close, ']'))
                    return QStringLiteral("has an array bracket that does not close: write [] or [n]");
                m_at = close + 1;
            }
        } else if (m_mysql) {
            while (m_at < m_tokens.size()) {
                static const char *const flags[] = {"unsigned", "signed", "zerofill", "binary", "ascii", "unicode"};
                if (std::any_of(std::begin(flags), std::end(flags), [this](const char *f) { return word(0, f); })) {
                    ++m_at;
                } else if ((word(0, "character") && word(1, "set")) || word(0, "charset") || word(0, "collate")) {
                    m_at += word(0, "character") ? 2 : 1;
                    if (m_at >= m_tokens.size() || m_tokens.at(m_at).kind == Token::Punct || m_tokens.at(m_at).kind == Token::Number)
                        return QStringLiteral("names no character set or collation after %1").arg(m_tokens.at(m_at - 1).text);
                    ++m_at;
                } else {
                    break;
                }
            }
        }
        if (m_at < m_tokens.size())
            return QStringLiteral("has '%1' after the type name: write only the type (with its parameters); nullability, "
                                  "default and constraints have fields of their own")
                .arg(m_text.mid(m_tokens.at(m_at).position).trimmed());
        return {};
    }

private:
    struct Token
    {
        enum Kind { Word, Quoted, Number, String, Punct } kind;
        QString text;
        qsizetype position;
    };

    bool tokenize()
    {
        for (qsizetype i = 0; i < m_text.size();) {
            const QChar c = m_text.at(i);
            if (c.isSpace()) {
                ++i;
            } else if (c.isLetter() || c == QLatin1Char('_')) {
                qsizetype j = i + 1;
                while (j < m_text.size()
                       && (m_text.at(j).isLetterOrNumber() || m_text.at(j) == QLatin1Char('_') || m_text.at(j) == QLatin1Char('$')))
                    ++j;
                m_tokens.append({Token::Word, m_text.mid(i, j - i), i});
                i = j;
            } else if (c.isDigit() || (c == QLatin1Char('-') && i + 1 < m_text.size() && m_text.at(i + 1).isDigit())) {
                qsizetype j = i + 1;
                while (j < m_text.size() && m_text.at(j).isDigit())
                    ++j;
                m_tokens.append({Token::Number, m_text.mid(i, j - i), i});
                i = j;
            } else if (c == QLatin1Char('"') || c == QLatin1Char('`') || c == QLatin1Char('\'')) {
                // "..." names on PostgreSQL and SQLite, `...` on MySQL/MariaDB; '...' strings (ENUM values).
                const bool name = m_mysql ? c == QLatin1Char('`') : c == QLatin1Char('"');
                if (!name && c != QLatin1Char('\''))
                    return fail(QStringLiteral("contains %1, which quotes nothing in a type name here").arg(c));
                qsizetype j = i + 1;
                for (; j < m_text.size(); ++j) {
                    if (m_mysql && !name && m_text.at(j) == QLatin1Char('\\')) {
                        ++j;
                    } else if (m_text.at(j) == c) {
                        if (j + 1 < m_text.size() && m_text.at(j + 1) == c)
                            ++j;
                        else
                            break;
                    }
                }
                if (j >= m_text.size())
                    return fail(QStringLiteral("has an unclosed %1").arg(name ? QStringLiteral("quoted name") : QStringLiteral("string")));
                m_tokens.append({name ? Token::Quoted : Token::String, m_text.mid(i, j + 1 - i), i});
                i = j + 1;
            } else {
                // ( ) , . [ ] and anything else (=, %, ...): where a type name has no place for it, the
                // parser says so with the text from there on.
                m_tokens.append({Token::Punct, QString(c), i});
                ++i;
            }
        }
        return true;
    }

    bool name()
    {
        if (m_at >= m_tokens.size())
            return false;
        if (m_engine == Engine::SQLite) {
            // SQLite takes any words as a type name ("UNSIGNED BIG INT"), up to a word that starts a
            // column constraint.
            static const char *const constraints[] = {"constraint", "primary", "not", "null", "unique", "check", "default",
                                                      "collate", "references", "generated", "as"};
            const qsizetype start = m_at;
            while (m_at < m_tokens.size() && (m_tokens.at(m_at).kind == Token::Word || m_tokens.at(m_at).kind == Token::Quoted)
                   && std::none_of(std::begin(constraints), std::end(constraints), [this](const char *k) { return word(0, k); }))
                ++m_at;
            return m_at > start;
        }
        const Token &first = m_tokens.at(m_at);
        if (first.kind == Token::Word) {
            if (m_mysql && word(0, "serial"))
                return fail(QStringLiteral("SERIAL stands for BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE: give the type, "
                                           "nullability and unique in their own fields"));
            if (const qsizetype n = phrase(); n > 1) {
                m_at += n;
                return true;
            }
            m_zone = m_engine == Engine::PostgreSQL && (word(0, "timestamp") || word(0, "time")) && !punct(1, '.');
        } else if (first.kind != Token::Quoted) {
            return false;
        }
        // A name, maybe qualified: schema.type (PostgreSQL also database.schema.type).
        ++m_at;
        for (int dots = 0; dots < 2 && punct(0, '.') && m_at + 1 < m_tokens.size()
                           && (m_tokens.at(m_at + 1).kind == Token::Word || m_tokens.at(m_at + 1).kind == Token::Quoted);
             ++dots)
            m_at += 2;
        return true;
    }

    // How many words of a multi-word type name start here (1 for any other word).
    qsizetype phrase() const
    {
        using Phrase = std::vector<const char *>;
        static const std::vector<Phrase> postgres = {
            {"national", "character", "varying"}, {"national", "char", "varying"}, {"double", "precision"},
            {"character", "varying"}, {"char", "varying"}, {"national", "character"}, {"national", "char"},
            {"nchar", "varying"}, {"bit", "varying"},
            {"interval", "year", "to", "month"}, {"interval", "day", "to", "hour"}, {"interval", "day", "to", "minute"},
            {"interval", "day", "to", "second"}, {"interval", "hour", "to", "minute"}, {"interval", "hour", "to", "second"},
            {"interval", "minute", "to", "second"}, {"interval", "year"}, {"interval", "month"}, {"interval", "day"},
            {"interval", "hour"}, {"interval", "minute"}, {"interval", "second"},
        };
        static const std::vector<Phrase> mysql = {
            {"national", "character", "varying"}, {"national", "char", "varying"}, {"double", "precision"},
            {"character", "varying"}, {"char", "varying"}, {"national", "character"}, {"national", "char"},
            {"national", "varchar"}, {"nchar", "varchar"}, {"nchar", "varying"}, {"long", "varchar"}, {"long", "varbinary"},
        };
        for (const Phrase &words : m_mysql ? mysql : postgres) {
            bool all = true;
            for (size_t k = 0; k < words.size() && all; ++k)
                all = word(qsizetype(k), words[k]);
            if (all)
                return qsizetype(words.size());
        }
        return 1;
    }

    bool parameters()
    {
        if (!punct(0, '('))
            return true;
        ++m_at;
        for (int count = 1;; ++count) {
            if (m_at >= m_tokens.size())
                return fail(QStringLiteral("leaves its parameter list open"));
            const Token &t = m_tokens.at(m_at);
            // Numbers; a PostgreSQL extension type's words (geometry(Point, 4326)); MySQL ENUM/SET strings.
            const bool ok = t.kind == Token::Number || (t.kind == Token::Word && m_engine == Engine::PostgreSQL)
                || (t.kind == Token::String && m_mysql);
            if (!ok || (m_engine == Engine::SQLite && count > 2))
                return fail(QStringLiteral("has '%1' among its parameters, which takes only %2")
                                .arg(t.text, m_mysql ? QStringLiteral("numbers or quoted values") : QStringLiteral("numbers")));
            ++m_at;
            if (m_at >= m_tokens.size()) // "varchar(20": no ')' to say is missing in its place
                return fail(QStringLiteral("leaves its parameter list open"));
            if (punct(0, ')')) {
                ++m_at;
                return true;
            }
            if (!punct(0, ','))
                return fail(QStringLiteral("has '%1' in its parameter list where ',' or ')' belongs")
                                .arg(m_at < m_tokens.size() ? m_tokens.at(m_at).text : QString()));
            ++m_at;
        }
    }

    bool word(qsizetype ahead, const char *lowercase) const
    {
        const qsizetype i = m_at + ahead;
        return i < m_tokens.size() && m_tokens.at(i).kind == Token::Word
            && m_tokens.at(i).text.compare(QLatin1String(lowercase), Qt::CaseInsensitive) == 0;
    }
    bool isPunct(qsizetype i, char c) const
    {
        return i < m_tokens.size() && m_tokens.at(i).kind == Token::Punct && m_tokens.at(i).text == QLatin1Char(c);
    }
    bool punct(qsizetype ahead, char c) const { return isPunct(m_at + ahead, c); }
    bool fail(const QString &problem)
    {
        m_problem = problem;
        return false;
    }

    Engine m_engine;
    QString m_text;
    bool m_mysql;
    QList<Token> m_tokens;
    qsizetype m_at = 0;
    bool m_zone = false; // timestamp or time: WITH / WITHOUT TIME ZONE may follow its parameters
    QString m_problem;
};

} // namespace

QString TypeNameReader::problem(Engine engine, const QString &type)
{
    return Reader(engine, type).problem();
}

} // namespace Stagecraft
