#include "demo/demodatabase.h"

#include <QDir>
#include <QDateTime>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Stagecraft;

class TestDemoDatabase : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void generated();
    void contents_data();
    void contents();
    void keptWhenCurrent();
    void regeneratedWhenOutdated();
    void unwritableFolder();

private:
    QVariant scalar(const QString &sql);

    QTemporaryDir m_dir;
    QString m_path;
    QList<int> m_progress;
};

void TestDemoDatabase::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(QStringLiteral("nested/demo/shop.sqlite"));
    QString error;
    QVERIFY2(DemoDatabase::ensure(m_path, &error, [this](int done, int) { m_progress << done; }), qPrintable(error));
    auto db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
    db.setDatabaseName(m_path);
    QVERIFY(db.open());
}

void TestDemoDatabase::cleanupTestCase()
{
    QSqlDatabase::database(QStringLiteral("check")).close();
    QSqlDatabase::removeDatabase(QStringLiteral("check"));
}

QVariant TestDemoDatabase::scalar(const QString &sql)
{
    QSqlQuery q(QSqlDatabase::database(QStringLiteral("check")));
    if (!q.exec(sql) || !q.next())
        return {};
    return q.value(0);
}

void TestDemoDatabase::generated()
{
    QVERIFY(DemoDatabase::isCurrent(m_path));
    const int statements = int(DemoDatabase::statements().size());
    QCOMPARE(statements, 17);
    QCOMPARE(m_progress.size(), statements); // progress after every statement
    QCOMPARE(m_progress.last(), statements);
    QVERIFY(!QFileInfo::exists(m_path + QLatin1String(".partial")));
}

void TestDemoDatabase::contents_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QVariant>("expected");
    QTest::newRow("customers") << "SELECT count(*) FROM customers" << QVariant(5000);
    QTest::newRow("products") << "SELECT count(*) FROM products" << QVariant(500);
    QTest::newRow("orders") << "SELECT count(*) FROM orders" << QVariant(200000);
    QTest::newRow("order items") << "SELECT count(*) FROM order_items" << QVariant(400001);
    // Every value derives from the row number: the same totals on every machine.
    QTest::newRow("deterministic totals") << "SELECT sum(total_cents) FROM orders" << QVariant(4845628558LL);
    QTest::newRow("totals match items")
        << "SELECT count(*) FROM orders o WHERE total_cents <> (SELECT sum(quantity * unit_price_cents) "
           "FROM order_items WHERE order_id = o.id)"
        << QVariant(0);
    QTest::newRow("first order") << "SELECT customer_id || '|' || status || '|' || placed_at FROM orders WHERE id = 1"
                                 << QVariant(QStringLiteral("2920|shipped|2024-01-01 00:04:29"));
    QTest::newRow("foreign keys hold") << "SELECT count(*) FROM pragma_foreign_key_check" << QVariant(0);
    QTest::newRow("integrity") << "PRAGMA integrity_check" << QVariant(QStringLiteral("ok"));
    QTest::newRow("foreign keys declared")
        << "SELECT group_concat(\"table\" || '.' || \"from\", ',') FROM (SELECT * FROM pragma_foreign_key_list('orders') "
           "UNION ALL SELECT * FROM pragma_foreign_key_list('order_items') ORDER BY 3, 4)"
        << QVariant(QStringLiteral("customers.customer_id,orders.order_id,products.product_id"));
    QTest::newRow("indexes")
        << "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_schema WHERE type = 'index' "
           "AND sql IS NOT NULL ORDER BY name)"
        << QVariant(QStringLiteral("order_items_product_id_idx,orders_customer_id_idx,orders_placed_at_idx"));
    QTest::newRow("wal") << "PRAGMA journal_mode" << QVariant(QStringLiteral("wal"));
    QTest::newRow("version") << "PRAGMA user_version" << QVariant(1);
}

void TestDemoDatabase::contents()
{
    QFETCH(QString, sql);
    QFETCH(QVariant, expected);
    const QVariant actual = scalar(sql);
    QVERIFY2(actual.isValid(), qPrintable(sql));
    QCOMPARE(actual.toString(), expected.toString());
}

void TestDemoDatabase::keptWhenCurrent()
{
    const QDateTime before = QFileInfo(m_path).lastModified();
    bool called = false;
    QString error;
    QVERIFY(DemoDatabase::ensure(m_path, &error, [&](int, int) { called = true; }));
    QVERIFY(!called);
    QCOMPARE(QFileInfo(m_path).lastModified(), before);
}

void TestDemoDatabase::regeneratedWhenOutdated()
{
    const QString path = m_dir.filePath(QStringLiteral("old.sqlite"));
    {
        auto db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("old"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("CREATE TABLE leftover (x)")));
        QVERIFY(q.exec(QStringLiteral("PRAGMA user_version = 0")));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("old"));
    QVERIFY(!DemoDatabase::isCurrent(path));
    QString error;
    QVERIFY2(DemoDatabase::ensure(path, &error), qPrintable(error));
    QVERIFY(DemoDatabase::isCurrent(path));
}

void TestDemoDatabase::unwritableFolder()
{
    // /proc refuses new folders even to root.
    QString error;
    QVERIFY(!DemoDatabase::ensure(QStringLiteral("/proc/stagecraft/shop.sqlite"), &error));
    QVERIFY(error.startsWith(QLatin1String("Cannot create the folder /proc/stagecraft")));
}

QTEST_GUILESS_MAIN(TestDemoDatabase)
#include "testdemodatabase.moc"
