// What the new column changes for the application's statements, from their normalised texts (as
// pg_stat_statements and performance_schema digests write them) and a plan the real planner made
// for the planner tests' orders (id, customer_id, total_cents): each fate compared exactly.

#include "plan/planner.h"
#include "plan/statementimpact.h"
#include "plannerfixture.h"

#include <QTest>

using namespace Stagecraft;

class TestStatementImpact : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fates_data();
    void fates();
};

namespace {

// The plan for one of the specs below on the planner tests' orders.
Plan planFor(Engine engine, const QString &column, QString *why)
{
    PlannerInput input;
    input.table = Testing::ordersTable(engine);
    input.server.engine = engine;
    input.server.versionNumber = engine == Engine::PostgreSQL ? 170002 : engine == Engine::MariaDB ? 110806 : engine == Engine::MySQL ? 90700 : 3046001;
    input.server.version = engine == Engine::SQLite ? QStringLiteral("3.46.1") : QStringLiteral("as tested");
    input.defaultProbe.volatility = DefaultProbe::Volatility::Immutable;
    QList<SpecProblem> problems;
    const QByteArray json = QStringLiteral(R"j({"table": "%1.orders", "column": %2})j").arg(input.table.table.schema, column).toUtf8();
    if (!ColumnSpec::fromJson(json, &input.spec, &problems)) {
        *why = problems.isEmpty() ? QStringLiteral("?") : problems.first().message;
        return {};
    }
    return Planner::plan(input);
}

} // namespace

void TestStatementImpact::fates_data()
{
    QTest::addColumn<int>("engine");
    QTest::addColumn<QString>("column"); // the spec's column object
    QTest::addColumn<QString>("statement"); // as the server normalised it
    QTest::addColumn<QStringList>("fates"); // "severity: what"
    const int pg = int(Engine::PostgreSQL), maria = int(Engine::MariaDB), my = int(Engine::MySQL), lite = int(Engine::SQLite);
    // NOT NULL, filled by the sync until the contract stage (it reads total_cents).
    const QString synced = QStringLiteral(R"j({"name": "total_eur", "type": "numeric(12,2)", "nullable": false, "backfill": "total_cents / 100.0"})j");
    const QString syncedMy = QStringLiteral(R"j({"name": "total_eur", "type": "decimal(12,2)", "nullable": false, "backfill": "total_cents / 100"})j");
    // NOT NULL without default, the sync off: the application must write it before NOT NULL holds.
    const QString unsynced = QStringLiteral(R"j({"name": "total_eur", "type": "numeric(12,2)", "nullable": false, "backfill": "total_cents / 100.0", "sync": false})j");
    const QString nullable = QStringLiteral(R"j({"name": "note", "type": "text"})j");
    QTest::newRow("pg positional insert, nullable") << pg << nullable << "INSERT INTO orders VALUES ($1, $2, $3)" << QStringList();
    QTest::newRow("mariadb positional insert, nullable") << maria << nullable << "INSERT INTO `orders` VALUES (...)" << 
        QStringList{"breaks: fails from step 1 (Add column note): MariaDB rejects an INSERT without a column list once the table has another column (Column count doesn't match value count at row 1)"};
    QTest::newRow("mysql positional insert ... select") << my << nullable << "INSERT INTO `shop` . `orders` SELECT * FROM `staging`" << 
        QStringList{"breaks: fails from step 1 (Add column note): MySQL rejects an INSERT without a column list once the table has another column (Column count doesn't match value count at row 1)"};
    QTest::newRow("mysql replace") << my << nullable << "REPLACE INTO `orders` VALUES (...) /* , ... */" << 
        QStringList{"breaks: fails from step 1 (Add column note): MySQL rejects a REPLACE without a column list once the table has another column (Column count doesn't match value count at row 1)"};
    QTest::newRow("sqlite positional insert") << lite << nullable << "INSERT INTO orders VALUES (?, ?, ?)" << 
        QStringList{"breaks: fails from step 1 (Add column note): SQLite rejects an INSERT without a column list once the table has another column (table orders has 4 columns but 3 values were supplied)"};
    QTest::newRow("mariadb insert with a column list") << maria << nullable << "INSERT INTO `orders` ( `id` , `customer_id` , `total_cents` ) VALUES (...)" << QStringList();
    QTest::newRow("pg insert with a column list, synced") << pg << synced << "INSERT INTO orders (id, customer_id, total_cents) VALUES ($1, $2, $3)" << 
        QStringList{"cost: the sync trigger orders_total_eur_sync_insert computes total_eur for each row it inserts (it leaves total_eur out), from step 2 (Keep total_eur filled for writers that do not know it) until step 8 (Stop filling total_eur: the application writes it)",
        "breaks: fails from step 8 (Stop filling total_eur: the application writes it): it leaves total_eur out, and from there on total_eur is NOT NULL with no default and nothing fills it"};
    QTest::newRow("pg positional insert, synced") << pg << synced << "INSERT INTO public.orders VALUES ($1, $2, $3)" << 
        QStringList{"cost: the sync trigger orders_total_eur_sync_insert computes total_eur for each row it inserts (without a column list, it leaves total_eur out), from step 2 (Keep total_eur filled for writers that do not know it) until step 8 (Stop filling total_eur: the application writes it)",
        "breaks: fails from step 8 (Stop filling total_eur: the application writes it): without a column list, it leaves total_eur out, and from there on total_eur is NOT NULL with no default and nothing fills it"};
    QTest::newRow("pg insert with a column list, not synced") << pg << unsynced << "INSERT INTO orders (id, total_cents) VALUES ($1, $2)" << 
        QStringList{"breaks: fails from step 4 (Add CHECK (total_eur IS NOT NULL) and validate it): it leaves total_eur out, and from there on total_eur is NOT NULL with no default and nothing fills it"};
    QTest::newRow("pg positional insert, not synced") << pg << unsynced << "INSERT INTO orders VALUES ($1, $2, $3)" << 
        QStringList{"breaks: fails from step 4 (Add CHECK (total_eur IS NOT NULL) and validate it): without a column list, it leaves total_eur out, and from there on total_eur is NOT NULL with no default and nothing fills it"};
    QTest::newRow("pg default values, not synced") << pg << unsynced << "INSERT INTO orders DEFAULT VALUES" << 
        QStringList{"breaks: fails from step 4 (Add CHECK (total_eur IS NOT NULL) and validate it): it leaves total_eur out, and from there on total_eur is NOT NULL with no default and nothing fills it"};
    QTest::newRow("mysql insert with a column list, synced") << my << syncedMy << "INSERT INTO `orders` ( `id` , `total_cents` ) VALUES (...)" << 
        QStringList{"cost: the sync trigger orders_total_eur_sync_insert computes total_eur for each row it inserts (it leaves total_eur out), from step 2 (Keep total_eur filled for writers that do not know it) until step 6 (Stop filling total_eur: the application writes it)",
        "breaks: fails from step 6 (Stop filling total_eur: the application writes it): it leaves total_eur out, and from there on total_eur is NOT NULL with no default and nothing fills it"};
    QTest::newRow("mariadb insert ... set, synced") << maria << syncedMy << "INSERT INTO `orders` SET `id` = ? , `total_cents` = ?" << 
        QStringList{"cost: the sync trigger orders_total_eur_sync_insert computes total_eur for each row it inserts (it leaves total_eur out), from step 2 (Keep total_eur filled for writers that do not know it) until step 5 (Stop filling total_eur: the application writes it)",
        "breaks: fails from step 6 (Make total_eur NOT NULL): it leaves total_eur out, and from there on total_eur is NOT NULL with no default and nothing fills it"};
    QTest::newRow("sqlite insert with a column list, synced") << lite << synced << "INSERT INTO orders (id, total_cents) VALUES (?, ?)" << 
        QStringList{"cost: the sync trigger orders_total_eur_sync_insert computes total_eur for each row it inserts (it leaves total_eur out), from step 2 (Keep total_eur filled for writers that do not know it) until step 5 (Rebuild orders with total_eur NOT NULL, ending the sync)",
        "breaks: fails from step 5 (Rebuild orders with total_eur NOT NULL, ending the sync): it leaves total_eur out, and from there on total_eur is NOT NULL with no default and nothing fills it"};
    QTest::newRow("pg select *") << pg << nullable << "SELECT * FROM orders WHERE id = $1" << 
        QStringList{"info: returns one more column from step 1 (Add column note): code that reads columns by position or maps every column sees it"};
    QTest::newRow("pg select o.*") << pg << nullable << "SELECT o.*, c.name FROM orders o JOIN customers c ON c.id = o.customer_id" << 
        QStringList{"info: returns one more column from step 1 (Add column note): code that reads columns by position or maps every column sees it"};
    QTest::newRow("pg select c.* only") << pg << nullable << "SELECT c.* FROM orders o JOIN customers c ON c.id = o.customer_id" << QStringList();
    QTest::newRow("pg select * of another table, orders in a subquery") << pg << nullable << "SELECT * FROM customers WHERE id IN (SELECT customer_id FROM orders)" << QStringList();
    QTest::newRow("pg count(*)") << pg << nullable << "SELECT count(*) FROM orders" << QStringList();
    QTest::newRow("pg returning *") << pg << nullable << "UPDATE orders SET customer_id = $1 WHERE id = $2 RETURNING *" << 
        QStringList{"info: returns one more column from step 1 (Add column note): code that reads columns by position or maps every column sees it"};
    QTest::newRow("mariadb select *") << maria << nullable << "SELECT * FROM `orders` WHERE `id` = ?" << 
        QStringList{"info: returns one more column from step 1 (Add column note): code that reads columns by position or maps every column sees it"};
    QTest::newRow("pg archive from select *") << pg << nullable << "INSERT INTO orders_archive SELECT * FROM orders WHERE id < $1" << 
        QStringList{"breaks: fails from step 1 (Add column note): its SELECT * returns one more column than the INSERT into orders_archive takes (INSERT has more expressions than target columns)"};
    QTest::newRow("mysql archive from select *") << my << nullable << "INSERT INTO `orders_archive` SELECT * FROM `orders` WHERE `id` < ?" << 
        QStringList{"breaks: fails from step 1 (Add column note): its SELECT * returns one more column than the INSERT into orders_archive takes (Column count doesn't match value count at row 1)"};
    QTest::newRow("pg copy into itself") << pg << nullable << "INSERT INTO orders SELECT * FROM orders WHERE id < $1" << QStringList();
    QTest::newRow("pg update of a column read") << pg << synced << "UPDATE orders SET total_cents = total_cents + $1 WHERE id = $2" << 
        QStringList{"cost: the sync trigger orders_total_eur_sync_update computes total_eur again for each row it updates where total_cents changes, from step 2 (Keep total_eur filled for writers that do not know it) until step 8 (Stop filling total_eur: the application writes it)"};
    QTest::newRow("pg update of another column") << pg << synced << "UPDATE orders SET customer_id = $1 WHERE id = $2" << QStringList();
    QTest::newRow("pg update, aliased") << pg << synced << "UPDATE orders AS o SET total_cents = $1 FROM customers c WHERE c.id = o.customer_id" << 
        QStringList{"cost: the sync trigger orders_total_eur_sync_update computes total_eur again for each row it updates where total_cents changes, from step 2 (Keep total_eur filled for writers that do not know it) until step 8 (Stop filling total_eur: the application writes it)"};
    QTest::newRow("pg update of another table") << pg << synced << "UPDATE customers SET total_cents = o.total_cents FROM orders o WHERE o.customer_id = customers.id" << QStringList();
    QTest::newRow("pg upsert") << pg << synced << "INSERT INTO orders (id, customer_id, total_cents) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET total_cents = EXCLUDED.total_cents" << 
        QStringList{"cost: the sync trigger orders_total_eur_sync_insert computes total_eur for each row it inserts (it leaves total_eur out), from step 2 (Keep total_eur filled for writers that do not know it) until step 8 (Stop filling total_eur: the application writes it)",
        "cost: the sync trigger orders_total_eur_sync_update computes total_eur again for each row it updates where total_cents changes, from step 2 (Keep total_eur filled for writers that do not know it) until step 8 (Stop filling total_eur: the application writes it)",
        "breaks: fails from step 8 (Stop filling total_eur: the application writes it): it leaves total_eur out, and from there on total_eur is NOT NULL with no default and nothing fills it"};
    QTest::newRow("mariadb update of a column read") << maria << syncedMy << "UPDATE `orders` SET `total_cents` = `total_cents` + ? WHERE `id` = ?" << 
        QStringList{"cost: the sync trigger orders_total_eur_sync_update computes total_eur again for each row it updates where total_cents changes, from step 2 (Keep total_eur filled for writers that do not know it) until step 5 (Stop filling total_eur: the application writes it)"};
    QTest::newRow("mariadb update of another column") << maria << syncedMy << "UPDATE `orders` SET `customer_id` = ? WHERE `id` = ?" << 
        QStringList{"info: the sync trigger orders_total_eur_sync_update runs for each row it updates, only to compare total_cents, which it does not change, from step 2 (Keep total_eur filled for writers that do not know it) until step 5 (Stop filling total_eur: the application writes it)"};
    QTest::newRow("mysql multi-table update") << my << syncedMy << "UPDATE `orders` `o` JOIN `customers` `c` ON `c` . `id` = `o` . `customer_id` SET `o` . `total_cents` = ?" << 
        QStringList{"cost: the sync trigger orders_total_eur_sync_update computes total_eur again for each row it updates where total_cents changes, from step 2 (Keep total_eur filled for writers that do not know it) until step 6 (Stop filling total_eur: the application writes it)"};
    QTest::newRow("sqlite update of a column read") << lite << synced << "UPDATE orders SET total_cents = ? WHERE id = ?" << 
        QStringList{"cost: the sync trigger orders_total_eur_sync_update computes total_eur again for each row it updates where total_cents changes (one more UPDATE of the row), from step 2 (Keep total_eur filled for writers that do not know it) until step 5 (Rebuild orders with total_eur NOT NULL, ending the sync)"};
    QTest::newRow("sqlite update of another column") << lite << synced << "UPDATE orders SET customer_id = ? WHERE id = ?" << QStringList();
    QTest::newRow("pg update, not synced") << pg << unsynced << "UPDATE orders SET total_cents = $1 WHERE id = $2" << QStringList();
    QTest::newRow("pg delete") << pg << synced << "DELETE FROM orders WHERE id = $1" << QStringList();
    QTest::newRow("pg select of named columns") << pg << synced << "SELECT id, total_cents * $1 FROM orders WHERE id = $2" << QStringList();
    QTest::newRow("pg similar name") << pg << synced << "INSERT INTO orders_archive VALUES ($1, $2)" << QStringList();
    QTest::newRow("mysql similar name") << my << nullable << "INSERT INTO `orders_archive` VALUES (...)" << QStringList();
    QTest::newRow("mysql similar name, select *") << my << nullable << "SELECT * FROM `orders_archive`" << QStringList();
    QTest::newRow("pg in a string") << pg << synced << "SELECT 'orders' AS kind, * FROM customers" << QStringList();
    QTest::newRow("pg another schema's") << pg << nullable << "SELECT * FROM archive.orders" << QStringList();
    QTest::newRow("pg cte into the table") << pg << unsynced << "WITH n AS (SELECT $1 AS id) INSERT INTO orders (id) SELECT id FROM n" << 
        QStringList{"breaks: fails from step 4 (Add CHECK (total_eur IS NOT NULL) and validate it): it leaves total_eur out, and from there on total_eur is NOT NULL with no default and nothing fills it"};
    const QString literalNotNull = QStringLiteral(R"j({"name": "status", "type": "varchar(20)", "nullable": false, "default": {"literal": "new"}})j");
    QTest::newRow("pg positional insert, not null with a default") << pg << literalNotNull << "INSERT INTO orders VALUES ($1, $2, $3)" << QStringList();
    QTest::newRow("pg insert with a column list, not null with a default") << pg << literalNotNull << "INSERT INTO orders (id) VALUES ($1)" << QStringList();
    QTest::newRow("sqlite insert with a column list, not synced") << lite << unsynced << "INSERT INTO orders (id, total_cents) VALUES (?, ?)" << 
        QStringList{"breaks: fails from step 1 (Rebuild orders with the new column): it leaves total_eur out, and from there on total_eur is NOT NULL with no default and nothing fills it"};
    QTest::newRow("mysql on duplicate key update") << my << syncedMy << "INSERT INTO `orders` ( `id` , `total_cents` ) VALUES (...) ON DUPLICATE KEY UPDATE `total_cents` = VALUES ( `total_cents` )" << 
        QStringList{"cost: the sync trigger orders_total_eur_sync_insert computes total_eur for each row it inserts (it leaves total_eur out), from step 2 (Keep total_eur filled for writers that do not know it) until step 6 (Stop filling total_eur: the application writes it)",
        "cost: the sync trigger orders_total_eur_sync_update computes total_eur again for each row it updates where total_cents changes, from step 2 (Keep total_eur filled for writers that do not know it) until step 6 (Stop filling total_eur: the application writes it)",
        "breaks: fails from step 6 (Stop filling total_eur: the application writes it): it leaves total_eur out, and from there on total_eur is NOT NULL with no default and nothing fills it"};
    QTest::newRow("mariadb insert ignore, positional") << maria << syncedMy << "INSERT IGNORE INTO `shop` . `orders` VALUES (...)" << 
        QStringList{"breaks: fails from step 1 (Add column total_eur): MariaDB rejects an INSERT without a column list once the table has another column (Column count doesn't match value count at row 1)"};
    QTest::newRow("sqlite insert or replace, positional") << lite << nullable << "INSERT OR REPLACE INTO \"orders\" VALUES (?, ?, ?)" << 
        QStringList{"breaks: fails from step 1 (Add column note): SQLite rejects an INSERT without a column list once the table has another column (table orders has 4 columns but 3 values were supplied)"};
    QTest::newRow("mysql multi-table update of the other table") << my << syncedMy << "UPDATE `orders` `o` JOIN `customers` `c` ON `c` . `id` = `o` . `customer_id` SET `c` . `total_cents` = ?" << QStringList();
    QTest::newRow("mysql multi-table update, the table second") << my << syncedMy << "UPDATE `customers` AS `c` , `orders` AS `o` SET `o` . `total_cents` = ? WHERE `c` . `id` = `o` . `customer_id`" << 
        QStringList{"cost: the sync trigger orders_total_eur_sync_update computes total_eur again for each row it updates where total_cents changes, from step 2 (Keep total_eur filled for writers that do not know it) until step 6 (Stop filling total_eur: the application writes it)"};
    // A star under EXISTS, IN or in a derived table nothing reads with a star returns nothing.
    QTest::newRow("pg insert ... where not exists (select *)") << pg << nullable << "INSERT INTO orders (id, total_cents) SELECT id, t FROM staging s WHERE NOT EXISTS (SELECT * FROM orders o WHERE o.id = s.id)" << QStringList();
    QTest::newRow("mysql insert ... where not exists (select *)") << my << nullable << "INSERT INTO `orders_archive` ( `id` ) SELECT `id` FROM `staging` `s` WHERE NOT EXISTS ( SELECT * FROM `orders` `o` WHERE `o` . `id` = `s` . `id` )" << QStringList();
    QTest::newRow("pg count over a derived select *") << pg << nullable << "INSERT INTO audit (n) SELECT count(*) FROM (SELECT * FROM orders) x" << QStringList();
    QTest::newRow("pg exists (select *)") << pg << nullable << "SELECT id FROM customers c WHERE EXISTS (SELECT * FROM orders o WHERE o.customer_id = c.id)" << QStringList();
    QTest::newRow("pg in (select *)") << pg << nullable << "SELECT id FROM customers WHERE (id, $1) = ANY (SELECT * FROM orders)" << QStringList();
    // A derived table's star read through an outer star: maybe, so only Info, never Breaks.
    QTest::newRow("pg select * from a derived select *") << pg << nullable << "SELECT * FROM (SELECT * FROM orders WHERE id > $1) x" << 
        QStringList{"info: returns one more column from step 1 (Add column note): code that reads columns by position or maps every column sees it"};
    QTest::newRow("pg insert of a derived select *") << pg << nullable << "INSERT INTO orders_archive SELECT * FROM (SELECT * FROM orders) x" << 
        QStringList{"info: returns one more column from step 1 (Add column note): code that reads columns by position or maps every column sees it"};
    QTest::newRow("pg insert from a parenthesised select *") << pg << nullable << "INSERT INTO orders_archive (SELECT * FROM orders)" << 
        QStringList{"breaks: fails from step 1 (Add column note): its SELECT * returns one more column than the INSERT into orders_archive takes (INSERT has more expressions than target columns)"};
    // Set operations: a branch selecting * from the table beside one that does not.
    QTest::newRow("pg union all with the archive") << pg << nullable << "SELECT * FROM orders UNION ALL SELECT * FROM orders_archive" << 
        QStringList{"breaks: fails from step 1 (Add column note): a branch of its UNION selects * from orders and another does not, so they no longer return as many columns (each UNION query must have the same number of columns)"};
    QTest::newRow("pg except, the table second") << pg << nullable << "SELECT id, customer_id, total_cents FROM orders_archive EXCEPT SELECT * FROM orders" << 
        QStringList{"breaks: fails from step 1 (Add column note): a branch of its EXCEPT selects * from orders and another does not, so they no longer return as many columns (each EXCEPT query must have the same number of columns)"};
    QTest::newRow("pg parenthesised branches") << pg << nullable << "(SELECT * FROM orders_archive) UNION (SELECT * FROM orders) ORDER BY 1" << 
        QStringList{"breaks: fails from step 1 (Add column note): a branch of its UNION selects * from orders and another does not, so they no longer return as many columns (each UNION query must have the same number of columns)"};
    QTest::newRow("mariadb union with the archive") << maria << nullable << "SELECT * FROM `orders_archive` UNION SELECT * FROM `orders` WHERE `id` = ?" << 
        QStringList{"breaks: fails from step 1 (Add column note): a branch of its UNION selects * from orders and another does not, so they no longer return as many columns (The used SELECT statements have a different number of columns)"};
    QTest::newRow("mysql intersect") << my << nullable << "SELECT * FROM `orders` INTERSECT SELECT `id` , `customer_id` , `total_cents` FROM `staging`" << 
        QStringList{"breaks: fails from step 1 (Add column note): a branch of its INTERSECT selects * from orders and another does not, so they no longer return as many columns (The used SELECT statements have a different number of columns)"};
    QTest::newRow("sqlite union all") << lite << nullable << "SELECT * FROM orders UNION ALL SELECT * FROM orders_archive" << 
        QStringList{"breaks: fails from step 1 (Add column note): a branch of its UNION selects * from orders and another does not, so they no longer return as many columns (SELECTs to the left and right of UNION ALL do not have the same number of result columns)"};
    QTest::newRow("pg union of the table with itself") << pg << nullable << "SELECT * FROM orders WHERE id < $1 UNION ALL SELECT * FROM orders WHERE id > $2" << 
        QStringList{"info: returns one more column from step 1 (Add column note): code that reads columns by position or maps every column sees it"};
    QTest::newRow("pg union, the star in a subquery") << pg << nullable << "SELECT id FROM orders_archive UNION SELECT id FROM customers WHERE EXISTS (SELECT * FROM orders)" << QStringList();
    QTest::newRow("empty") << pg << synced << "" << QStringList();
    QTest::newRow("cut off") << my << syncedMy << "INSERT INTO `orders` (" << 
        QStringList{"cost: the sync trigger orders_total_eur_sync_insert computes total_eur for each row it inserts (it leaves total_eur out), from step 2 (Keep total_eur filled for writers that do not know it) until step 6 (Stop filling total_eur: the application writes it)",
        "breaks: fails from step 6 (Stop filling total_eur: the application writes it): it leaves total_eur out, and from there on total_eur is NOT NULL with no default and nothing fills it"};
    QTest::newRow("cut off update") << my << syncedMy << "UPDATE `orders` SET" << QStringList();
}

void TestStatementImpact::fates()
{
    QFETCH(int, engine);
    QFETCH(QString, column);
    QFETCH(QString, statement);
    QFETCH(QStringList, fates);
    QString why;
    const Plan plan = planFor(Engine(engine), column, &why);
    QVERIFY2(why.isEmpty(), qPrintable(why));
    QStringList actual;
    for (const StatementFate &f : StatementImpact::fates(plan, Testing::ordersTable(Engine(engine)), statement))
        actual << severityName(f.severity) + QLatin1String(": ") + f.what;
    if (actual != fates)
        qWarning().noquote() << QTest::currentDataTag() << "\n  " << actual.join(QLatin1String("\n   "));
    QCOMPARE(actual, fates);
}

QTEST_GUILESS_MAIN(TestStatementImpact)
#include "teststatementimpact.moc"
