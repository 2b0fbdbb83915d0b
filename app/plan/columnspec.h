#pragma once

#include "catalog/catalogtypes.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace Stagecraft {

// One problem with a column spec, naming the field it is about ("name", "type", "default", ...).
struct SpecProblem
{
    QString field;
    QString message;
    bool operator==(const SpecProblem &) const = default;
};

// The new column a user wants: what the designer edits and `stagecraft-cli plan --spec` reads.
struct ColumnSpec
{
    enum class DefaultKind { None, Literal, Expression };

    TableRef table;
    QString name;
    QString type; // as written in DDL, with its parameters: numeric(10,2), varchar(40), uuid, text[]
    bool nullable = true;
    DefaultKind defaultKind = DefaultKind::None;
    QString defaultValue; // the literal's text (quoted by Stagecraft), or the expression
    QString backfill; // expression for existing rows, when it should differ from the default
    QString check; // CHECK expression, may name the new column and the table's others
    bool unique = false;
    bool index = false;
    TableRef referencedTable; // foreign key, when referencedColumn is set
    QString referencedColumn;
    QString onDelete; // NO ACTION (empty), RESTRICT, CASCADE, SET NULL, SET DEFAULT
    QString onUpdate;
    QString comment;
    QString after; // MySQL/MariaDB: place the column after this one
    // Functions with side effects outside the row (setval, pg_sleep, a user's VOLATILE function) that
    // the default, backfill or CHECK may call because the user says so; any other is refused.
    QStringList sideEffects;
    // Whether the plan keeps the column filled for writers that do not know it (a trigger computing
    // the backfill expression from the row) until the contract stage. Unset: when the backfill reads
    // the row's columns (see Sync::decide).
    std::optional<bool> sync;
    // A deploy gate after the expand stage: the run waits there until the application is deployed.
    bool gateAfterExpand = false;

    [[nodiscard]] bool hasForeignKey() const { return !referencedColumn.isEmpty(); }

    // Reads the JSON form:
    // {"table": "schema.table", "column": {"name", "type", "nullable", "default": {"literal": ...} |
    //  {"expression": ...} | null, "backfill", "check", "unique", "index",
    //  "references": {"table", "column", "on_delete", "on_update"}, "comment", "after", "side_effects": [function names],
    //  "sync": true | false, "gate_after_expand": true | false}}
    // Every problem found is appended to *problems; returns true when there were none.
    [[nodiscard]] static bool fromJson(const QByteArray &json, ColumnSpec *spec, QList<SpecProblem> *problems);
    [[nodiscard]] QByteArray toJson() const;
};

// "schema.table" or "table" (the default schema) into a TableRef; quoted parts ("a.b"."c") allowed.
[[nodiscard]] TableRef parseTableName(const QString &text, const QString &defaultSchema);

} // namespace Stagecraft
