#pragma once

#include "columnspec.h"
#include "connection/connectionprofile.h"

#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QStringList>

#include <functional>

namespace Stagecraft {

// How a backfill step fills the existing rows: the one description the planner makes, the plan
// shows (its statements, with their parameters named), the runner sends (the values in place of
// the names, as literals) and the exports loop over.
//
// With a key, batch by batch in key order: a bound statement finds the last key of the next batch
// (:batch_size rows after :from), a fill statement fills the rows up to it (:to) still NULL; the
// first batch has no lower bound. When the bound statement finds no row, every row is done.
// Without a key (a table without primary key): one statement that fills at most :batch_size rows
// still NULL, repeated until it changes nothing. Rows whose value is NULL are left NULL, so the
// repetition ends whatever the expression yields.
struct Backfill
{
    enum class Statement { FirstBound, NextBound, FirstFill, NextFill, Repeat };

    Engine engine = Engine::SQLite;
    QString table; // quoted, as the plan's other statements name it
    QString column; // the new column, unquoted
    QString expression; // the value each existing row gets
    QStringList keyColumns; // the key, unquoted (SQLite's rowid by one of its names); empty: no key
    bool partitioned = false; // PostgreSQL without a key: a ctid is unique only within one partition

    bool operator==(const Backfill &) const = default;

    [[nodiscard]] bool isNull() const { return expression.isEmpty(); }
    [[nodiscard]] bool keyed() const { return !keyColumns.isEmpty(); }
    // The statements it is made of, in the order the plan shows them.
    [[nodiscard]] QList<Statement> forms() const;
    // One statement with its parameters named: :from / :to (:from_1, :from_2, … for a composite
    // key) and :batch_size.
    [[nodiscard]] QString sql(Statement statement) const;
    // The statements of forms(), each with its parameters named: the backfill step's SQL.
    [[nodiscard]] QStringList statements() const;
    // One statement as the runner sends it: the key values (as the bound statement returned them)
    // and the batch size in place of the parameters, as literals.
    [[nodiscard]] QString sql(Statement statement, const QStringList &from, const QStringList &to, qint64 batchSize) const;
    // One statement with each parameter replaced by what value(name, index) says (index counts the
    // key's columns from 0): what the exports' loops use, with their variables.
    [[nodiscard]] QString sql(Statement statement, const std::function<QString(const QString &name, int index)> &value) const;
    // One statement prepared once and executed for every batch: its parameters as the engine's
    // placeholders ($1, $2, … on PostgreSQL; ? on MySQL/MariaDB and SQLite), each occurrence its
    // own, and for each in order the parameter it stands for (its name and key column index).
    struct Prepared
    {
        QString sql;
        QList<QPair<QString, int>> parameters;
    };
    [[nodiscard]] Prepared prepared(Statement statement) const;
    // A key value as the bound statement returned it (text), as a literal of this engine.
    [[nodiscard]] QString keyLiteral(const QString &text) const;
    // Every existing row at once, in one statement (the naive way, and SQLite's export, which
    // cannot loop in SQL).
    [[nodiscard]] QString wholeTableSql() const;
    // The key columns as the statements name them.
    [[nodiscard]] QStringList quotedKeys() const;

    [[nodiscard]] QJsonObject toJson() const;
    [[nodiscard]] static Backfill fromJson(Engine engine, const QJsonObject &json);

    // The value an existing row gets when the column is added: the backfill expression, else the
    // default (a literal quoted, an expression in parentheses), else none (the column stays NULL).
    [[nodiscard]] static QString valueForExistingRows(Engine engine, const ColumnSpec &spec);
};

} // namespace Stagecraft
