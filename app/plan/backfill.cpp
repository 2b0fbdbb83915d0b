#include "backfill.h"

#include "sql/quoting.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace Stagecraft {

namespace {

// "a", or "(a, b)" for a composite key.
QString tuple(const QStringList &parts)
{
    return parts.size() == 1 ? parts.first() : QLatin1Char('(') + parts.join(QLatin1String(", ")) + QLatin1Char(')');
}

} // namespace

// A key value as the bound statement returned it (text), as a literal of this engine. SQLite
// compares by type, not by number: only text that an integer prints back to is an integer (a text
// key '01000' written as 1000 would be compared as '1000' against a TEXT column, and a batch meant
// to end at '01000' would take every key up to '1000'). PostgreSQL and MySQL/MariaDB give a quoted
// literal the key column's type.
QString Backfill::keyLiteral(const QString &text) const
{
    if (engine == Engine::SQLite) {
        bool isInteger = false;
        const qlonglong number = text.toLongLong(&isInteger);
        if (isInteger && QString::number(number) == text)
            return text;
    }
    return quoteLiteral(engine, text);
}

QList<Backfill::Statement> Backfill::forms() const
{
    if (!keyed())
        return {Statement::Repeat};
    return {Statement::FirstBound, Statement::FirstFill, Statement::NextBound, Statement::NextFill};
}

QStringList Backfill::quotedKeys() const
{
    QStringList keys;
    for (const QString &k : keyColumns)
        // SQLite's rowid as plans have always named it; its other names (_rowid_, oid) reach it quoted too.
        keys << (engine == Engine::SQLite && k == QLatin1String("rowid") ? k : quoteIdentifier(engine, k));
    return keys;
}

QString Backfill::sql(Statement statement) const
{
    return sql(statement, [this](const QString &name, int index) {
        return keyColumns.size() > 1 && name != QLatin1String("batch_size") ? QStringLiteral(":%1_%2").arg(name).arg(index + 1)
                                                                             : QLatin1Char(':') + name;
    });
}

QStringList Backfill::statements() const
{
    QStringList out;
    for (Statement s : forms())
        out << sql(s);
    return out;
}

QString Backfill::sql(Statement statement, const QStringList &from, const QStringList &to, qint64 batchSize) const
{
    return sql(statement, [&](const QString &name, int index) {
        if (name == QLatin1String("batch_size"))
            return QString::number(batchSize);
        return keyLiteral((name == QLatin1String("from") ? from : to).value(index));
    });
}

QString Backfill::sql(Statement statement, const std::function<QString(const QString &, int)> &value) const
{
    const QStringList keys = quotedKeys();
    const QString key = tuple(keys);
    const QString col = quoteIdentifier(engine, column);
    const auto parameter = [&](const QString &name) {
        QStringList values;
        for (int i = 0; i < keys.size(); ++i)
            values << value(name, i);
        return tuple(values);
    };
    const QString batchSize = value(QStringLiteral("batch_size"), 0);
    // Each statement is made by one arg() call: the user's expression may hold a '%' that a second
    // call would take for a marker.
    switch (statement) {
    case Statement::FirstBound:
    case Statement::NextBound: {
        // The batch's last key, by the keys of the batch (the batch may be the last one, and shorter).
        QStringList aliased, outer, descending;
        for (int i = 0; i < keys.size(); ++i) {
            const QString alias = QStringLiteral("key_%1").arg(i + 1);
            aliased << keys.at(i) + QLatin1String(" AS ") + alias;
            outer << alias;
            descending << alias + QLatin1String(" DESC");
        }
        const QString after = statement == Statement::NextBound ? QStringLiteral(" WHERE %1 > %2").arg(key, parameter(QStringLiteral("from")))
                                                                : QString();
        return QStringLiteral("SELECT %1 FROM (SELECT %2 FROM %3%4 ORDER BY %5 LIMIT %6) AS batch ORDER BY %7 LIMIT 1")
            .arg(outer.join(QLatin1String(", ")), aliased.join(QLatin1String(", ")), table, after, keys.join(QLatin1String(", ")),
                 batchSize, descending.join(QLatin1String(", ")));
    }
    case Statement::FirstFill:
        return QStringLiteral("UPDATE %1 SET %2 = %3 WHERE %4 <= %5 AND %2 IS NULL")
            .arg(table, col, expression, key, parameter(QStringLiteral("to")));
    case Statement::NextFill:
        return QStringLiteral("UPDATE %1 SET %2 = %3 WHERE %4 > %5 AND %4 <= %6 AND %2 IS NULL")
            .arg(table, col, expression, key, parameter(QStringLiteral("from")), parameter(QStringLiteral("to")));
    case Statement::Repeat:
        switch (engine) {
        case Engine::PostgreSQL:
            // A ctid is unique within one partition only: on a partitioned table the same address picks
            // rows in the other partitions too, which must not be filled again (they may hold newer values).
            return QStringLiteral("UPDATE %1 SET %2 = %3 WHERE ctid = ANY (ARRAY(SELECT ctid FROM %1 WHERE %2 IS NULL AND (%3) IS "
                                  "NOT NULL LIMIT %4))%5")
                .arg(table, col, expression, batchSize, partitioned ? QStringLiteral(" AND %1 IS NULL").arg(col) : QString());
        case Engine::MySQL:
        case Engine::MariaDB:
            return QStringLiteral("UPDATE %1 SET %2 = %3 WHERE %2 IS NULL AND (%3) IS NOT NULL LIMIT %4").arg(table, col, expression, batchSize);
        case Engine::SQLite:
            return QStringLiteral("UPDATE %1 SET %2 = %3 WHERE rowid IN (SELECT rowid FROM %1 WHERE %2 IS NULL AND (%3) IS NOT NULL "
                                  "LIMIT %4)").arg(table, col, expression, batchSize);
        }
    }
    return {};
}

Backfill::Prepared Backfill::prepared(Statement statement) const
{
    // Each parameter first as a marker no SQL text holds, then, in the order the markers appear
    // (the statement is built in another order), as a placeholder.
    QList<QPair<QString, int>> asked;
    const QString text = sql(statement, [&asked](const QString &name, int index) {
        asked.append({name, index});
        return QStringLiteral("\x01%1\x01").arg(asked.size() - 1);
    });
    static const QRegularExpression marker(QStringLiteral("\\x01(\\d+)\\x01"));
    Prepared p;
    qsizetype at = 0;
    for (auto it = marker.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        p.parameters.append(asked.at(m.captured(1).toInt()));
        p.sql += text.mid(at, m.capturedStart() - at)
                 + (engine == Engine::PostgreSQL ? QStringLiteral("$%1").arg(p.parameters.size()) : QStringLiteral("?"));
        at = m.capturedEnd();
    }
    p.sql += text.mid(at);
    return p;
}

QString Backfill::wholeTableSql() const
{
    return QStringLiteral("UPDATE %1 SET %2 = %3 WHERE %2 IS NULL").arg(table, quoteIdentifier(engine, column), expression);
}

QJsonObject Backfill::toJson() const
{
    QJsonObject o{{QStringLiteral("table"), table},
                  {QStringLiteral("column"), column},
                  {QStringLiteral("expression"), expression},
                  {QStringLiteral("key_columns"), QJsonArray::fromStringList(keyColumns)}};
    if (partitioned)
        o.insert(QStringLiteral("partitioned"), true);
    return o;
}

Backfill Backfill::fromJson(Engine engine, const QJsonObject &json)
{
    Backfill b;
    b.engine = engine;
    b.table = json.value(QStringLiteral("table")).toString();
    b.column = json.value(QStringLiteral("column")).toString();
    b.expression = json.value(QStringLiteral("expression")).toString();
    for (const QJsonValue &k : json.value(QStringLiteral("key_columns")).toArray())
        b.keyColumns << k.toString();
    b.partitioned = json.value(QStringLiteral("partitioned")).toBool();
    return b;
}

QString Backfill::valueForExistingRows(Engine engine, const ColumnSpec &spec)
{
    if (!spec.backfill.isEmpty())
        return spec.backfill;
    switch (spec.defaultKind) {
    case ColumnSpec::DefaultKind::Literal: return quoteLiteral(engine, spec.defaultValue);
    case ColumnSpec::DefaultKind::Expression: return QLatin1Char('(') + spec.defaultValue + QLatin1Char(')');
    case ColumnSpec::DefaultKind::None: return {};
    }
    return {};
}

} // namespace Stagecraft
