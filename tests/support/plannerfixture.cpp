#include "plannerfixture.h"

namespace Stagecraft::Testing {

TableDetails ordersTable(Engine engine, bool withPrimaryKey)
{
    TableDetails t;
    t.table = {engine == Engine::SQLite ? QStringLiteral("main") : engine == Engine::PostgreSQL ? QStringLiteral("public") : QStringLiteral("shop"),
               QStringLiteral("orders")};
    t.estimatedRows = 1000000;
    t.heapBytes = 120000000;
    t.indexBytes = 40000000;
    t.totalBytes = 160000000;
    t.columns = {{QStringLiteral("id"), QStringLiteral("bigint")}, {QStringLiteral("customer_id"), QStringLiteral("bigint")},
                 {QStringLiteral("total_cents"), QStringLiteral("integer")}};
    if (withPrimaryKey) {
        t.columns[0].primaryKey = true;
        t.columns[0].nullable = false;
        t.constraints = {{QStringLiteral("orders_pkey"), ConstraintKind::PrimaryKey, {QStringLiteral("id")}}};
    }
    t.rowFormat = engine == Engine::MySQL || engine == Engine::MariaDB ? QStringLiteral("Dynamic") : QString();
    if (engine == Engine::SQLite)
        t.createSql = QStringLiteral("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, total_cents INTEGER)");
    return t;
}

} // namespace Stagecraft::Testing
