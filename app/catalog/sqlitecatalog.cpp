#include "sqlitecatalog.h"

#include "connection/databaseconnection.h"
#include "sql/quoting.h"

#include <QSqlQuery>

namespace Stagecraft {

bool SqliteCatalog::listTables(QList<TableSummary> *tables, ConnectionError *error)
{
    QSqlQuery q(m_connection.database());
    if (!run(q, QStringLiteral("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
                               "ESCAPE '\\' ORDER BY name"),
             {}, QStringLiteral("listing the tables"), error))
        return false;
    QStringList names;
    while (q.next())
        names << q.value(0).toString();
    tables->clear();
    // SQLite keeps no row estimate worth the name; counting is exact and, on a local file, fast.
    for (const QString &name : std::as_const(names)) {
        TableSummary t;
        t.table = {QStringLiteral("main"), name};
        t.rowCountExact = true;
        const QString quoted = quoteIdentifier(Engine::SQLite, name);
        if (!run(q, QStringLiteral("SELECT count(*) FROM %1").arg(quoted), {},
                 QStringLiteral("counting the rows of %1").arg(quoted), error))
            return false;
        if (q.next())
            t.estimatedRows = q.value(0).toLongLong();
        // dbstat is an optional SQLite module; without it the size stays unknown.
        QSqlQuery size(m_connection.database());
        if (size.prepare(QStringLiteral("SELECT sum(pgsize) FROM dbstat WHERE name = ? OR name IN "
                                        "(SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = ?)"))) {
            size.addBindValue(name);
            size.addBindValue(name);
            if (size.exec() && size.next() && !size.value(0).isNull())
                t.totalBytes = size.value(0).toLongLong();
        }
        tables->append(t);
    }
    return true;
}

bool SqliteCatalog::describeTable(const TableRef &table, TableDetails *details, ConnectionError *error)
{
    const QString quoted = quoteIdentifier(Engine::SQLite, table.name);
    const QString what = QStringLiteral("reading table %1").arg(quoted);
    QSqlQuery q(m_connection.database());
    // table_xinfo also lists generated columns (hidden 2 = virtual, 3 = stored).
    if (!run(q, QStringLiteral("SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?)"),
             {table.name}, what, error))
        return false;
    details->table = table;
    details->columns.clear();
    while (q.next()) {
        ColumnInfo c;
        c.name = q.value(0).toString();
        c.type = q.value(1).toString();
        c.nullable = !q.value(2).toBool();
        c.defaultExpression = q.value(3).toString();
        c.primaryKey = q.value(4).toInt() > 0;
        const int hidden = q.value(5).toInt();
        if (hidden == 1)
            continue; // hidden columns of virtual tables
        if (hidden == 2 || hidden == 3)
            c.generated = hidden == 3 ? QStringLiteral("stored") : QStringLiteral("virtual");
        details->columns.append(c);
    }
    if (!run(q, QStringLiteral("SELECT sql FROM sqlite_schema WHERE tbl_name = ? AND sql IS NOT NULL "
                               "ORDER BY type <> 'table', name"),
             {table.name}, what, error))
        return false;
    QString sql;
    while (q.next())
        sql += q.value(0).toString() + QLatin1String(";\n");
    if (sql.isEmpty()) {
        if (error) {
            error->kind = ConnectionError::Kind::Query;
            error->explanation = QStringLiteral("Table %1 no longer exists.").arg(quoted);
        }
        return false;
    }
    details->definitionSql = sql;
    return true;
}

} // namespace Stagecraft
