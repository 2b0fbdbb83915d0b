#pragma once

#include <QHash>
#include <QJsonValue>
#include <QStringList>

namespace Stagecraft {

// A strict JSON reader for column specs. QJsonDocument reads every number as a double (the literal
// 1.00000000000000000001 became 1, 12345678901234567.89 became 12345678901234568) and keeps the
// last of two equal keys without a word; this one keeps each number's text as written and the
// keys of each object in their order, and names every key given twice. Values come out as
// QJsonValue (a number also as a double, for what only needs its kind).
// Paths name a value from the root: "column.default.literal"; an array element "column.x[2]".
class SpecJson
{
public:
    // Reads text (UTF-8, RFC 8259 JSON, nothing after the value). False when it is not JSON;
    // *error then says what was expected where: "a key in quotes expected at line 1, column 20".
    [[nodiscard]] bool parse(const QByteArray &text, QString *error);

    [[nodiscard]] const QJsonValue &root() const { return m_root; }
    // The number at path exactly as written ("1E+2", "-0", "1e400"); empty when no number is there.
    [[nodiscard]] QString numberText(const QString &path) const { return m_numbers.value(path); }
    // The keys of the object at path in the order written, each once ("" is the root).
    [[nodiscard]] QStringList keys(const QString &path) const { return m_keys.value(path); }
    // The path of every key given more than once in its object, in the order met (the value
    // read is the last one).
    [[nodiscard]] const QStringList &repeatedKeys() const { return m_repeated; }

private:
    [[nodiscard]] bool value(const QString &path, int depth, QJsonValue *out);
    [[nodiscard]] bool object(const QString &path, int depth, QJsonValue *out);
    [[nodiscard]] bool array(const QString &path, int depth, QJsonValue *out);
    [[nodiscard]] bool string(QString *out);
    [[nodiscard]] bool number(const QString &path, QJsonValue *out);
    [[nodiscard]] bool literal(const char *word, const QJsonValue &meaning, QJsonValue *out);
    void skipSpace();
    [[nodiscard]] bool fail(const QString &what);

    QByteArray m_text;
    qsizetype m_pos = 0;
    QString m_error;
    QJsonValue m_root;
    QHash<QString, QString> m_numbers;
    QHash<QString, QStringList> m_keys;
    QStringList m_repeated;
};

} // namespace Stagecraft
