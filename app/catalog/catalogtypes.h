#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

namespace Stagecraft {

// Plain values read from a database's catalog. They carry no connection and may cross threads.

struct TableRef
{
    QString schema; // PostgreSQL schema, MySQL/MariaDB database, SQLite "main"
    QString name;
    bool operator==(const TableRef &) const = default;
};

struct TableSummary
{
    TableRef table;
    qint64 estimatedRows = -1; // -1: unknown (PostgreSQL never analysed)
    bool rowCountExact = false; // SQLite counts rows; the servers estimate them
    qint64 totalBytes = -1; // table + indexes + TOAST; -1: unknown
};

struct ColumnInfo
{
    QString name;
    QString type; // as the engine spells it, with length / precision
    bool nullable = true;
    QString defaultExpression; // empty: no default
    bool primaryKey = false;
    QString generated; // "identity always", "identity by default", "stored", "virtual" or empty
};

struct TableDetails
{
    TableRef table;
    QList<ColumnInfo> columns;
    QString definitionSql; // CREATE TABLE with its constraints and indexes, as the engine would accept it
};

} // namespace Stagecraft

Q_DECLARE_METATYPE(Stagecraft::TableRef)
Q_DECLARE_METATYPE(Stagecraft::TableSummary)
Q_DECLARE_METATYPE(Stagecraft::TableDetails)
