#include "mysqlcatalog.h"

#include "connection/databaseconnection.h"
#include "sql/quoting.h"

#include <QSqlQuery>

namespace Stagecraft {

bool MySqlCatalog::listTables(QList<TableSummary> *tables, ConnectionError *error)
{
    QSqlQuery q(m_connection.database());
    // TABLE_ROWS is InnoDB's estimate, as the planner will use it.
    if (!run(q, QStringLiteral("SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_ROWS, DATA_LENGTH + INDEX_LENGTH "
                               "FROM information_schema.TABLES "
                               "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' "
                               "ORDER BY TABLE_NAME"),
             {}, QStringLiteral("listing the tables"), error))
        return false;
    tables->clear();
    while (q.next()) {
        TableSummary t;
        t.table = {q.value(0).toString(), q.value(1).toString()};
        t.estimatedRows = q.value(2).isNull() ? -1 : q.value(2).toLongLong();
        t.totalBytes = q.value(3).isNull() ? -1 : q.value(3).toLongLong();
        tables->append(t);
    }
    return true;
}

bool MySqlCatalog::describeTable(const TableRef &table, TableDetails *details, ConnectionError *error)
{
    const Engine e = m_connection.engine();
    const QString qualified = quoteQualified(e, table.schema, table.name);
    const QString what = QStringLiteral("reading table %1").arg(qualified);
    QSqlQuery q(m_connection.database());
    if (!run(q, QStringLiteral("SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE = 'YES', COLUMN_DEFAULT, EXTRA, "
                               "COLUMN_KEY = 'PRI', GENERATION_EXPRESSION "
                               "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? "
                               "ORDER BY ORDINAL_POSITION"),
             {table.schema, table.name}, what, error))
        return false;
    details->table = table;
    details->columns.clear();
    while (q.next()) {
        ColumnInfo c;
        c.name = q.value(0).toString();
        c.type = q.value(1).toString();
        c.nullable = q.value(2).toBool();
        const QString extra = q.value(4).toString().toUpper();
        c.primaryKey = q.value(5).toBool();
        if (extra.contains(QLatin1String("STORED GENERATED")) || extra.contains(QLatin1String("PERSISTENT")))
            c.generated = QStringLiteral("stored");
        else if (extra.contains(QLatin1String("VIRTUAL")))
            c.generated = QStringLiteral("virtual");
        else if (extra.contains(QLatin1String("AUTO_INCREMENT")))
            c.generated = QStringLiteral("auto_increment");
        else if (!q.value(3).isNull() && q.value(3).toString() != QLatin1String("NULL"))
            c.defaultExpression = q.value(3).toString(); // MariaDB writes an absent default as NULL
        details->columns.append(c);
    }
    // The server's own rendering is the definition a MySQL or MariaDB user knows.
    if (!run(q, QStringLiteral("SHOW CREATE TABLE %1").arg(qualified), {}, what, error))
        return false;
    details->definitionSql = q.next() ? q.value(1).toString() + QLatin1String(";\n") : QString();
    return true;
}

} // namespace Stagecraft
