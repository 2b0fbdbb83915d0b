#include "columnspec.h"

#include "specjson.h"

#include <QJsonDocument>
#include <QJsonArray>
#include <QJsonObject>

namespace Stagecraft {

TableRef parseTableName(const QString &text, const QString &defaultSchema)
{
    // Split on the first dot outside double quotes; a quoted part keeps its dots and doubled quotes.
    QStringList parts{QString()};
    bool quoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c == QLatin1Char('"')) {
            if (quoted && i + 1 < text.size() && text.at(i + 1) == QLatin1Char('"')) {
                parts.last() += c;
                ++i;
            } else {
                quoted = !quoted;
            }
        } else if (c == QLatin1Char('.') && !quoted && parts.size() == 1) {
            parts << QString();
        } else {
            parts.last() += c;
        }
    }
    if (parts.size() == 1)
        return {defaultSchema, parts.first()};
    return {parts.first(), parts.last()};
}

static QString normalisedAction(const QString &action)
{
    return action.trimmed().toUpper().replace(QLatin1Char('_'), QLatin1Char(' '));
}

namespace {

// The keys the spec's objects know, by path. A key not listed is a problem naming it: adding a
// key is adding it here (and reading it).
const QList<std::pair<QString, QStringList>> &specKeys()
{
    static const QList<std::pair<QString, QStringList>> keys = {
        {QStringLiteral(""), {QStringLiteral("table"), QStringLiteral("column")}},
        {QStringLiteral("column"), QStringLiteral("name type nullable default backfill check unique index references "
                                                  "comment after side_effects sync gate_after_expand").split(QLatin1Char(' '))},
        {QStringLiteral("column.default"), {QStringLiteral("literal"), QStringLiteral("expression")}},
        {QStringLiteral("column.references"), {QStringLiteral("table"), QStringLiteral("column"), QStringLiteral("on_delete"), QStringLiteral("on_update")}},
    };
    return keys;
}

// The designer's field a path is about: a column key ("column.default.literal" is "default"), or
// the top-level key itself.
QString fieldOf(const QString &path)
{
    const QStringList parts = path.split(QLatin1Char('.'));
    return parts.size() > 1 && parts.first() == QLatin1String("column") ? parts.at(1) : parts.first();
}

} // namespace

bool ColumnSpec::fromJson(const QByteArray &json, ColumnSpec *spec, QList<SpecProblem> *problems)
{
    const auto before = problems->size();
    // Not QJsonDocument: it reads numbers as doubles and keeps the last of two equal keys.
    SpecJson document;
    QString parseError;
    if (!document.parse(json, &parseError)) {
        problems->append({QStringLiteral("spec"), QStringLiteral("is not valid JSON: %1").arg(parseError)});
        return false;
    }
    if (!document.root().isObject()) {
        problems->append({QStringLiteral("spec"), QStringLiteral("must be an object: {\"table\": ..., \"column\": {...}}")});
        return false;
    }
    const QJsonObject root = document.root().toObject();
    // Keys not known, in the order written: a misspelt key is not silently left out of the plan. A
    // top-level or column key is a field of its own; a key inside default or references is a
    // problem of that field.
    for (const auto &[path, keys] : specKeys()) {
        const QString name = path.section(QLatin1Char('.'), -1);
        const QString known = keys.join(QLatin1String(", "));
        for (const QString &key : document.keys(path)) {
            if (keys.contains(key))
                continue;
            if (path.isEmpty())
                problems->append({key, QStringLiteral("is not a spec field (known: %1)").arg(known)});
            else if (path == QLatin1String("column"))
                problems->append({key, QStringLiteral("is not a column field (known: %1)").arg(known)});
            else
                problems->append({name, QStringLiteral("'%1' is not a %2 field (known: %3)").arg(key, name, known)});
        }
    }
    ColumnSpec s;
    auto text = [&](const QJsonObject &object, const QString &key, const QString &field, QString *out) {
        const QJsonValue value = object.value(key);
        if (value.isUndefined() || value.isNull())
            return;
        if (!value.isString())
            problems->append({field, QStringLiteral("must be a string")});
        else
            *out = value.toString();
    };
    auto flag = [&](const QJsonObject &object, const QString &key, bool *out) {
        const QJsonValue value = object.value(key);
        if (value.isUndefined() || value.isNull())
            return;
        if (!value.isBool())
            problems->append({key, QStringLiteral("must be true or false")});
        else
            *out = value.toBool();
    };
    // A key given twice: which one was meant? (QJsonDocument took the last without a word.)
    for (const QString &path : document.repeatedKeys())
        problems->append({fieldOf(path), QStringLiteral("%1 is given twice: write each key once").arg(path)});
    QString table;
    text(root, QStringLiteral("table"), QStringLiteral("table"), &table);
    if (table.isEmpty())
        problems->append({QStringLiteral("table"), QStringLiteral("is missing: write \"schema.table\"")});
    s.table = parseTableName(table, QString());

    if (!root.value(QStringLiteral("column")).isObject()) {
        problems->append({QStringLiteral("column"), QStringLiteral("is missing: an object with the column's name and type")});
        return false;
    }
    const QJsonObject column = root.value(QStringLiteral("column")).toObject();
    text(column, QStringLiteral("name"), QStringLiteral("name"), &s.name);
    text(column, QStringLiteral("type"), QStringLiteral("type"), &s.type);
    flag(column, QStringLiteral("nullable"), &s.nullable);
    text(column, QStringLiteral("backfill"), QStringLiteral("backfill"), &s.backfill);
    text(column, QStringLiteral("check"), QStringLiteral("check"), &s.check);
    flag(column, QStringLiteral("unique"), &s.unique);
    flag(column, QStringLiteral("index"), &s.index);
    flag(column, QStringLiteral("gate_after_expand"), &s.gateAfterExpand);
    if (const QJsonValue sync = column.value(QStringLiteral("sync")); sync.isBool())
        s.sync = sync.toBool();
    else if (!sync.isUndefined() && !sync.isNull())
        problems->append({QStringLiteral("sync"), QStringLiteral("must be true, false or null (null: when the backfill reads the row)")});
    text(column, QStringLiteral("comment"), QStringLiteral("comment"), &s.comment);
    text(column, QStringLiteral("after"), QStringLiteral("after"), &s.after);
    const QJsonValue accepted = column.value(QStringLiteral("side_effects"));
    for (const QJsonValue &name : accepted.toArray())
        s.sideEffects << name.toString();
    if ((!accepted.isUndefined() && !accepted.isNull() && !accepted.isArray()) || s.sideEffects.contains(QString()))
        problems->append({QStringLiteral("side_effects"), QStringLiteral("must be a list of function names")});

    const QJsonValue def = column.value(QStringLiteral("default"));
    if (def.isObject()) {
        const QJsonObject d = def.toObject();
        if (d.contains(QStringLiteral("literal")) == d.contains(QStringLiteral("expression"))) {
            problems->append({QStringLiteral("default"), QStringLiteral("must be {\"literal\": ...} or {\"expression\": ...}")});
        } else if (d.contains(QStringLiteral("literal"))) {
            s.defaultKind = DefaultKind::Literal;
            const QJsonValue v = d.value(QStringLiteral("literal"));
            // Numbers exactly as the JSON spells them (never through a double), booleans as true or
            // false, strings as given.
            s.defaultValue = v.isString() ? v.toString() : v.isBool() ? (v.toBool() ? QStringLiteral("true") : QStringLiteral("false"))
                                                                     : document.numberText(QStringLiteral("column.default.literal"));
            if (v.isNull() || v.isArray() || v.isObject())
                problems->append({QStringLiteral("default"), QStringLiteral("a literal must be a string, number or boolean")});
        } else {
            s.defaultKind = DefaultKind::Expression;
            text(d, QStringLiteral("expression"), QStringLiteral("default"), &s.defaultValue);
        }
    } else if (!def.isNull() && !def.isUndefined()) {
        problems->append({QStringLiteral("default"), QStringLiteral("must be {\"literal\": ...}, {\"expression\": ...} or null")});
    }

    const QJsonValue refs = column.value(QStringLiteral("references"));
    if (refs.isObject()) {
        const QJsonObject r = refs.toObject();
        QString referenced;
        text(r, QStringLiteral("table"), QStringLiteral("references"), &referenced);
        text(r, QStringLiteral("column"), QStringLiteral("references"), &s.referencedColumn);
        text(r, QStringLiteral("on_delete"), QStringLiteral("references"), &s.onDelete);
        text(r, QStringLiteral("on_update"), QStringLiteral("references"), &s.onUpdate);
        s.onDelete = normalisedAction(s.onDelete);
        s.onUpdate = normalisedAction(s.onUpdate);
        if (referenced.isEmpty() || s.referencedColumn.isEmpty())
            problems->append({QStringLiteral("references"), QStringLiteral("needs a table and a column")});
        s.referencedTable = parseTableName(referenced, s.table.schema);
        static const QStringList actions = {QString(), QStringLiteral("NO ACTION"), QStringLiteral("RESTRICT"),
                                            QStringLiteral("CASCADE"), QStringLiteral("SET NULL"),
                                            QStringLiteral("SET DEFAULT")};
        for (const QString &action : {s.onDelete, s.onUpdate}) {
            if (!actions.contains(action))
                problems->append({QStringLiteral("references"),
                                  QStringLiteral("'%1' is not a referential action (NO ACTION, RESTRICT, CASCADE, SET NULL, "
                                                 "SET DEFAULT)").arg(action)});
        }
    } else if (!refs.isNull() && !refs.isUndefined()) {
        problems->append({QStringLiteral("references"), QStringLiteral("must be {\"table\", \"column\", \"on_delete\"} or null")});
    }
    *spec = s;
    return problems->size() == before;
}

QByteArray ColumnSpec::toJson() const
{
    QJsonObject column{{QStringLiteral("name"), name}, {QStringLiteral("type"), type}, {QStringLiteral("nullable"), nullable}};
    if (defaultKind == DefaultKind::Literal)
        column.insert(QStringLiteral("default"), QJsonObject{{QStringLiteral("literal"), defaultValue}});
    else if (defaultKind == DefaultKind::Expression)
        column.insert(QStringLiteral("default"), QJsonObject{{QStringLiteral("expression"), defaultValue}});
    else
        column.insert(QStringLiteral("default"), QJsonValue::Null);
    for (const auto &[key, value] : {std::pair{"backfill", backfill}, std::pair{"check", check},
                                     std::pair{"comment", comment}, std::pair{"after", after}}) {
        if (!value.isEmpty())
            column.insert(QLatin1String(key), value);
    }
    column.insert(QStringLiteral("unique"), unique);
    column.insert(QStringLiteral("index"), index);
    if (!sideEffects.isEmpty())
        column.insert(QStringLiteral("side_effects"), QJsonArray::fromStringList(sideEffects));
    if (sync)
        column.insert(QStringLiteral("sync"), *sync);
    if (gateAfterExpand)
        column.insert(QStringLiteral("gate_after_expand"), true);
    if (hasForeignKey()) {
        QJsonObject r{{QStringLiteral("table"), referencedTable.schema.isEmpty() ? referencedTable.name
                                                                                 : referencedTable.schema + QLatin1Char('.') + referencedTable.name},
                      {QStringLiteral("column"), referencedColumn}};
        if (!onDelete.isEmpty())
            r.insert(QStringLiteral("on_delete"), onDelete);
        if (!onUpdate.isEmpty())
            r.insert(QStringLiteral("on_update"), onUpdate);
        column.insert(QStringLiteral("references"), r);
    }
    const QString tableName = table.schema.isEmpty() ? table.name : table.schema + QLatin1Char('.') + table.name;
    return QJsonDocument(QJsonObject{{QStringLiteral("table"), tableName}, {QStringLiteral("column"), column}})
        .toJson(QJsonDocument::Indented);
}

} // namespace Stagecraft
