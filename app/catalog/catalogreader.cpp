#include "catalogreader.h"

#include "connection/databaseconnection.h"
#include "mysqlcatalog.h"
#include "postgrescatalog.h"
#include "sqlitecatalog.h"

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
    bool ok = query.prepare(sql);
    if (ok) {
        for (const QVariant &value : values)
            query.addBindValue(value);
        ok = query.exec();
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
