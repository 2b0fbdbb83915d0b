#include "catalogreader.h"

#include "connection/databaseconnection.h"
#include "mysqlcatalog.h"
#include "postgrescatalog.h"
#include "sqlitecatalog.h"
#include "sql/quoting.h"

#include <QSqlError>
#include <QSqlQuery>

namespace Stagecraft {

std::unique_ptr<CatalogReader> CatalogReader::create(DatabaseConnection &connection)
{
    switch (connection.engine()) {
    case Engine::PostgreSQL: return std::make_unique<PostgresCatalog>(connection);
    case Engine::MySQL:
    case Engine::MariaDB: return std::make_unique<MySqlCatalog>(connection);
    case Engine::SQLite: return std::make_unique<SqliteCatalog>(connection);
    }
    return nullptr;
}

bool CatalogReader::run(QSqlQuery &query, const QString &sql, const QVariantList &values, const QString &what,
                        ConnectionError *error) const
{
    query.setForwardOnly(true);
    bool ok;
    if (m_connection.engine() == Engine::MySQL) {
        // Oracle MySQL (9.7) declares some information_schema texts shorter than they come (a CHECK
        // clause or an expression default with non-ASCII letters, which it encodes twice, a SHOW
        // CREATE TABLE with multibyte names): fetched as a prepared statement's row, such a row is
        // truncated, which Qt's driver takes for the end of the rows, so a table's constraints or
        // definition were silently cut short. The text protocol has no such limit: the values go
        // in as quoted literals, in place of the ? outside quotes.
        QString text;
        qsizetype next = 0;
        QChar quote;
        for (qsizetype i = 0; i < sql.size(); ++i) {
            const QChar c = sql.at(i);
            if (!quote.isNull()) {
                if (c == quote)
                    quote = QChar();
            } else if (c == QLatin1Char('\'') || c == QLatin1Char('"') || c == QLatin1Char('`')) {
                quote = c;
            } else if (c == QLatin1Char('?') && next < values.size()) {
                text += quoteLiteral(Engine::MySQL, values.at(next++).toString());
                continue;
            }
            text += c;
        }
        ok = query.exec(text);
    } else {
        ok = query.prepare(sql);
        if (ok) {
            for (const QVariant &value : values)
                query.addBindValue(value);
            ok = query.exec();
        }
    }
    if (!ok && error)
        *error = ConnectionError::fromQueryFailure(what, query.lastError());
    return ok;
}

bool CatalogReader::probeDefault(const QString &, const QString &, DefaultProbe *probe, ConnectionError *)
{
    *probe = {};
    return true;
}

bool CatalogReader::functionsCalled(ExpressionPlace, const QString &, const QString &, const TableRef &, const QString &,
                                    ExpressionCalls *calls, ConnectionError *)
{
    *calls = {};
    return true;
}

bool CatalogReader::probeTypeRewrite(const QString &, bool *rewrites, ConnectionError *)
{
    *rewrites = false;
    return true;
}

void CatalogReader::noSuchTable(const QString &quotedName, ConnectionError *error)
{
    if (error) {
        error->kind = ConnectionError::Kind::Query;
        error->serverMessage.clear();
        error->explanation = QStringLiteral("Table %1 does not exist (any more).").arg(quotedName);
    }
}

} // namespace Stagecraft
