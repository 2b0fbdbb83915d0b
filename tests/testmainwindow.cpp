// The main window offscreen, as a user meets it: the demo database, a real server, bad input.

#include "columnsmodel.h"
#include "connection/databaseconnection.h"
#include "demo/demodatabase.h"
#include "mainwindow.h"
#include "schemamodel.h"
#include "sql/quoting.h"
#include "sqlpreview.h"
#include "testservers.h"

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTest>
#include <QTreeView>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanupTestCase() { TestServers::stopAll(); }
    void opensDemo();
    void browsesServer_data();
    void browsesServer();
    void badInput_data();
    void badInput();
};

static QStringList childNames(const QAbstractItemModel *model, const QModelIndex &parent)
{
    QStringList names;
    for (int row = 0; row < model->rowCount(parent); ++row)
        names << model->index(row, 0, parent).data().toString();
    return names;
}

static QStringList columnNames(const ColumnsModel *model)
{
    QStringList names;
    for (int row = 0; row < model->rowCount(); ++row)
        names << model->index(row, ColumnsModel::NameColumn).data().toString();
    return names;
}

void TestMainWindow::opensDemo()
{
    MainWindow window;
    QAbstractItemModelTester schemaTester(window.schemaModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester columnsTester(window.columnsModel(),
                                           QAbstractItemModelTester::FailureReportingMode::QtTest);
    window.show();
    QSignalSpy ready(&window, &MainWindow::ready);
    window.openDemo();
    QVERIFY(ready.wait(120000));
    QVERIFY2(window.lastError().isEmpty(), qPrintable(window.lastError()));
    QVERIFY(DemoDatabase::isCurrent(DemoDatabase::defaultPath()));

    // The tree: one schema, the shop's four tables, exact row counts.
    const SchemaModel *model = window.schemaModel();
    QCOMPARE(childNames(model, {}), QStringList{QStringLiteral("main")});
    const QModelIndex main = model->index(0, 0);
    QCOMPARE(childNames(model, main),
             (QStringList{QStringLiteral("customers"), QStringLiteral("order_items"), QStringLiteral("orders"),
                          QStringLiteral("products")}));
    const QStringList expectedRows = {QLocale().toString(5000), QLocale().toString(400001),
                                      QLocale().toString(200000), QLocale().toString(500)};
    for (int row = 0; row < 4; ++row)
        QCOMPARE(model->index(row, SchemaModel::RowsColumn, main).data().toString(), expectedRows.at(row));
    auto *tree = window.findChild<QTreeView *>(QStringLiteral("schemaTree"));
    QVERIFY(tree && tree->isExpanded(main));

    // The first table is shown at once: its columns and its definition, highlighted as plain SQL.
    QCOMPARE(columnNames(window.columnsModel()),
             (QStringList{QStringLiteral("id"), QStringLiteral("email"), QStringLiteral("full_name"),
                          QStringLiteral("country"), QStringLiteral("created_at")}));
    QCOMPARE(window.columnsModel()->index(0, ColumnsModel::KeyColumn).data().toString(), QStringLiteral("PK"));
    QCOMPARE(window.columnsModel()->index(1, ColumnsModel::KeyColumn).data().toString(), QString());
    QVERIFY(window.sqlPreview()->toPlainText().startsWith(QLatin1String("CREATE TABLE customers (")));
    QCOMPARE(window.sqlPreview()->currentDefinitionName(), QStringLiteral("SQL"));

    // Selecting another table loads it off the GUI thread.
    QSignalSpy reset(window.columnsModel(), &QAbstractItemModel::modelReset);
    tree->setCurrentIndex(model->index(2, 0, main));
    QVERIFY(reset.wait(30000));
    QCOMPARE(columnNames(window.columnsModel()),
             (QStringList{QStringLiteral("id"), QStringLiteral("customer_id"), QStringLiteral("status"),
                          QStringLiteral("placed_at"), QStringLiteral("total_cents")}));
    const QString sql = window.sqlPreview()->toPlainText();
    QVERIFY(sql.startsWith(QLatin1String("CREATE TABLE orders (")));
    QVERIFY(sql.contains(QLatin1String("CREATE INDEX orders_customer_id_idx ON orders (customer_id);")));
}

void TestMainWindow::browsesServer_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<QString>("schema");
    QTest::addColumn<QString>("definitionName");
    QTest::addColumn<QString>("sqlStart");
    QTest::newRow("postgresql") << "postgresql" << "public" << "SQL (PostgreSQL)"
                                << "CREATE TABLE \"public\".\"Widgets\" (";
    QTest::newRow("mariadb") << "mariadb" << "stagecraft_test" << "SQL (MySQL)" << "CREATE TABLE `Widgets` (";
}

void TestMainWindow::browsesServer()
{
    QFETCH(QString, engine);
    QFETCH(QString, schema);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    QString why;
    QVERIFY2(TestServers::execute(profile,
                                  {QStringLiteral("CREATE TABLE %1 (id int PRIMARY KEY, label varchar(40) NOT NULL)")
                                       .arg(quoteIdentifier(profile.engine, QStringLiteral("Widgets")))},
                                  &why),
             qPrintable(why));
    MainWindow window;
    window.show();
    QSignalSpy ready(&window, &MainWindow::ready);
    window.openConnection(profile);
    QVERIFY(ready.wait(60000));
    QVERIFY2(window.lastError().isEmpty(), qPrintable(window.lastError()));
    const SchemaModel *model = window.schemaModel();
    QCOMPARE(childNames(model, {}), QStringList{schema});
    QCOMPARE(childNames(model, model->index(0, 0)), QStringList{QStringLiteral("Widgets")});
    QCOMPARE(columnNames(window.columnsModel()), (QStringList{QStringLiteral("id"), QStringLiteral("label")}));
    QTEST(window.sqlPreview()->currentDefinitionName(), "definitionName");
    QFETCH(QString, sqlStart);
    QVERIFY2(window.sqlPreview()->toPlainText().startsWith(sqlStart), qPrintable(window.sqlPreview()->toPlainText()));
}

void TestMainWindow::badInput_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("message");
    QTest::newRow("not a url") << "localhost:5432"
                               << "'localhost:5432' is not a connection URL: expected postgresql://, mysql://, "
                                  "mariadb:// or sqlite:///path/to/file.db";
    QTest::newRow("unreachable") << QStringLiteral("postgresql://u@127.0.0.1:%1/d").arg(freeLoopbackPort())
                                 << "Could not reach PostgreSQL at 127.0.0.1:";
    QTest::newRow("no such file") << "sqlite:///nonexistent/shop.db"
                                  << "There is no SQLite database file at /nonexistent/shop.db.";
}

void TestMainWindow::badInput()
{
    QFETCH(QString, url);
    QFETCH(QString, message);
    MainWindow window;
    window.show();
    QSignalSpy ready(&window, &MainWindow::ready);
    window.openUrl(url);
    QVERIFY(ready.count() == 1 || ready.wait(30000));
    QVERIFY2(window.lastError().startsWith(message), qPrintable(window.lastError()));
    auto *banner = window.findChild<QLabel *>(QStringLiteral("errorBanner"));
    QVERIFY(banner && banner->isVisible());
    QCOMPARE(window.schemaModel()->rowCount(), 0);
    QVERIFY(!QFile::exists(QStringLiteral("/nonexistent/shop.db")));
}

QTEST_MAIN(TestMainWindow)
#include "testmainwindow.moc"
