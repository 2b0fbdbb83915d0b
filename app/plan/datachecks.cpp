#include "datachecks.h"

#include "backfill.h"
#include "connection/databaseconnection.h"
#include "connection/readonlyquery.h"
#include "sql/quoting.h"

#include <QSqlError>
#include <QSqlQuery>

namespace Stagecraft {

namespace {

QString notDoneText(int timeoutMs)
{
    return QStringLiteral("not done: it took longer than %1 s (the statement timeout of the checks)").arg(QString::number(timeoutMs / 1000.0));
}

} // namespace

bool DataChecks::run(DatabaseConnection &connection, const ColumnSpec &spec, const QStringList &keyColumns,
                     QList<DataFinding> *findings, ConnectionError *error, int timeoutMs)
{
    findings->clear();
    const Engine e = connection.engine();
    // The value each existing row will hold; without one the column stays NULL, which every constraint accepts.
    const QString value = Backfill::valueForExistingRows(e, spec);
    if (value.isEmpty())
        return true;
    const QString table = e == Engine::SQLite ? quoteIdentifier(e, spec.table.name) : quoteQualified(e, spec.table.schema, spec.table.name);
    const QString column = quoteIdentifier(e, spec.name);
    QStringList keys;
    for (const QString &k : keyColumns)
        keys << quoteIdentifier(e, k);
    const QString key = keys.isEmpty() ? QStringLiteral("NULL") : keys.join(e == Engine::PostgreSQL || e == Engine::SQLite ? QLatin1String(" || ',' || ")
                                                                                                                          : QLatin1String(", ','"));
    const QString keyText = keys.isEmpty() ? QStringLiteral("''")
        : (e == Engine::MySQL || e == Engine::MariaDB) ? QStringLiteral("CONCAT(%1)").arg(key)
                                                        : QStringLiteral("CAST(%1 AS TEXT)").arg(key);
    // Each row with its future value, as a derived table.
    const QString rows = QStringLiteral("(SELECT %1 AS stagecraft_key, %2 AS %3, t.* FROM %4 t) rows_with_value")
                             .arg(keyText, value, column, table);
    const QString what = QStringLiteral("checking the existing rows");
    auto countAndSamples = [&](const QString &check, const QString &title, const QString &where) {
        ReadOnlyQuery checking(connection, timeoutMs);
        QSqlQuery &q = checking.query();
        if (!checking.begin()) {
            *error = ConnectionError::fromQueryFailure(what, q.lastError());
            return false;
        }
        if (!checking.exec(QStringLiteral("SELECT count(*) FROM %1 WHERE %2").arg(rows, where)) || !q.next()) {
            if (checking.timedOut()) {
                findings->append(DataFinding{check, title, 0, {}, notDoneText(timeoutMs)});
                return true;
            }
            *error = ConnectionError::fromQueryFailure(what, q.lastError());
            return false;
        }
        DataFinding f{check, title, q.value(0).toLongLong(), {}, {}};
        if (f.count > 0 && checking.exec(QStringLiteral("SELECT stagecraft_key, %1 FROM %2 WHERE %3 LIMIT 5").arg(column, rows, where))) {
            while (q.next())
                f.samples << QStringLiteral("key %1: %2").arg(q.value(0).toString(), q.value(1).isNull() ? QStringLiteral("NULL") : q.value(1).toString());
        }
        findings->append(f);
        return true;
    };
    if (!spec.nullable && !countAndSamples(QStringLiteral("not-null"), QStringLiteral("rows whose value would be NULL"),
                                           QStringLiteral("%1 IS NULL").arg(column)))
        return false;
    if (!spec.check.isEmpty() && !countAndSamples(QStringLiteral("check"), QStringLiteral("rows failing the CHECK"),
                                                  QStringLiteral("NOT (%1)").arg(spec.check)))
        return false;
    if (spec.hasForeignKey()) {
        const QString referenced = e == Engine::SQLite ? quoteIdentifier(e, spec.referencedTable.name)
                                                       : quoteQualified(e, spec.referencedTable.schema, spec.referencedTable.name);
        if (!countAndSamples(QStringLiteral("foreign-key"), QStringLiteral("rows referencing a missing %1").arg(spec.referencedTable.name),
                             QStringLiteral("%1 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM %2 p WHERE p.%3 = rows_with_value.%1)")
                                 .arg(column, referenced, quoteIdentifier(e, spec.referencedColumn))))
            return false;
    }
    if (spec.unique) {
        ReadOnlyQuery checking(connection, timeoutMs);
        QSqlQuery &q = checking.query();
        const QString title = QStringLiteral("rows sharing a value");
        if (!checking.begin()) {
            *error = ConnectionError::fromQueryFailure(what, q.lastError());
            return false;
        }
        if (!checking.exec(QStringLiteral("SELECT count(*), coalesce(sum(n), 0) FROM (SELECT %1, count(*) AS n FROM %2 WHERE %1 IS NOT NULL "
                                          "GROUP BY %1 HAVING count(*) > 1) duplicates").arg(column, rows))
            || !q.next()) {
            if (checking.timedOut()) {
                findings->append(DataFinding{QStringLiteral("unique"), title, 0, {}, notDoneText(timeoutMs)});
                return true;
            }
            *error = ConnectionError::fromQueryFailure(what, q.lastError());
            return false;
        }
        DataFinding f{QStringLiteral("unique"), title, q.value(1).toLongLong(), {}, {}};
        if (f.count > 0 && checking.exec(QStringLiteral("SELECT %1, count(*) FROM %2 WHERE %1 IS NOT NULL GROUP BY %1 HAVING count(*) > 1 "
                                                        "ORDER BY count(*) DESC LIMIT 5").arg(column, rows))) {
            while (q.next())
                f.samples << QStringLiteral("%1 × %2").arg(q.value(1).toString(), q.value(0).toString());
        }
        findings->append(f);
    }
    return true;
}

} // namespace Stagecraft
