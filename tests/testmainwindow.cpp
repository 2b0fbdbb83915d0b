// The main window offscreen, as a user meets it: the demo database, a real server, bad input.

#include "columndesigner.h"
#include "columnsmodel.h"
#include "constraintsmodel.h"
#include "indexesmodel.h"
#include "confirmrundialog.h"
#include "gatecard.h"
#include "run/runner.h"
#include "runpanel.h"
#include "settingsdialog.h"
#include "locktimeline.h"
#include "planstepsmodel.h"
#include "planview.h"
#include "connection/databaseconnection.h"
#include "demo/demodatabase.h"
#include "plan/specvalidator.h"
#include "mainwindow.h"
#include "schemamodel.h"
#include "sql/quoting.h"
#include "sqlpreview.h"
#include "report/reportwriter.h"
#include "journalfixture.h"
#include "testservers.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QIcon>
#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QProgressBar>
#include <QTabWidget>
#include <QScopeGuard>
#include <QSettings>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QLabel>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QLabel>
#include <QTest>
#include <QFile>
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
    void planReviewOnDemo();
    void planReviewSwitchesVersion();
    void planReviewShowsProblems();
    void specFileWithRepeatedKeyRejected();
    void designerOnDemo();
    void designerOnServer();
    void designerMapsSyncAndGate();
    void planStepsShowGatesAndFailingWrites();
    void runStopsAtGate();
    void runFromPlanReview();
    void resumeOfferedOnConnect();
    void runMadeElsewhereNotOffered();
    void switchingConnectionClearsPlan();
    void pauseThenCloseDuringRun();
    void rollbackFromRunPanel();
    void preferences();
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

    // The tree: the connection, one schema, the shop's four tables, exact row counts.
    const SchemaModel *model = window.schemaModel();
    QCOMPARE(childNames(model, {}), QStringList{QStringLiteral("Demo database — SQLite %1").arg(window.schemaModel()->connection().server.version)});
    QCOMPARE(childNames(model, model->index(0, 0)), QStringList{QStringLiteral("main")});
    const QModelIndex main = model->index(0, 0, model->index(0, 0));
    QCOMPARE(childNames(model, main),
             (QStringList{QStringLiteral("customers"), QStringLiteral("order_items"), QStringLiteral("orders"),
                          QStringLiteral("products")}));
    const QStringList expectedRows = {QLocale().toString(5000), QLocale().toString(400001),
                                      QLocale().toString(200000), QLocale().toString(500)};
    for (int row = 0; row < 4; ++row)
        QCOMPARE(model->index(row, SchemaModel::RowsColumn, main).data().toString(), expectedRows.at(row));
    auto *tree = window.findChild<QTreeView *>(QStringLiteral("schemaTree"));
    QVERIFY(tree && tree->isExpanded(tree->model()->index(0, 0)));
    // Filter as you type: only matching tables stay, their schema with them.
    auto *filter = window.findChild<QLineEdit *>(QStringLiteral("tableFilter"));
    QTest::keyClicks(filter, QStringLiteral("ORD"));
    QCOMPARE(childNames(tree->model(), tree->model()->index(0, 0, tree->model()->index(0, 0))),
             (QStringList{QStringLiteral("order_items"), QStringLiteral("orders")}));
    filter->clear();
    QCOMPARE(tree->model()->rowCount(tree->model()->index(0, 0, tree->model()->index(0, 0))), 4);

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
    QVERIFY(window.selectTable({QStringLiteral("main"), QStringLiteral("orders")}));
    QVERIFY(reset.wait(30000));
    QCOMPARE(columnNames(window.columnsModel()),
             (QStringList{QStringLiteral("id"), QStringLiteral("customer_id"), QStringLiteral("status"),
                          QStringLiteral("placed_at"), QStringLiteral("total_cents")}));
    const QString sql = window.sqlPreview()->toPlainText();
    QVERIFY(sql.startsWith(QLatin1String("CREATE TABLE orders (")));
    QVERIFY(sql.contains(QLatin1String("CREATE INDEX orders_customer_id_idx ON orders (customer_id);")));
    // Its indexes and constraints, in their own tabs.
    QAbstractItemModelTester indexesTester(window.indexesModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester constraintsTester(window.constraintsModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QStringList indexes;
    for (int row = 0; row < window.indexesModel()->rowCount(); ++row)
        indexes << window.indexesModel()->index(row, IndexesModel::NameColumn).data().toString() + QLatin1Char('(')
                       + window.indexesModel()->index(row, IndexesModel::ColumnsColumn).data().toString() + QLatin1Char(')');
    QCOMPARE(indexes, (QStringList{QStringLiteral("orders_customer_id_idx(customer_id)"), QStringLiteral("orders_placed_at_idx(placed_at)")}));
    QStringList constraints;
    for (int row = 0; row < window.constraintsModel()->rowCount(); ++row)
        constraints << window.constraintsModel()->index(row, ConstraintsModel::KindColumn).data().toString();
    QCOMPARE(constraints, (QStringList{QStringLiteral("primary key"), QStringLiteral("foreign key"), QStringLiteral("check")}));
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
    QCOMPARE(model->rowCount(), 1); // the connection
    QCOMPARE(childNames(model, model->index(0, 0)), QStringList{schema});
    QCOMPARE(childNames(model, model->index(0, 0, model->index(0, 0))), QStringList{QStringLiteral("Widgets")});
    QCOMPARE(columnNames(window.columnsModel()), (QStringList{QStringLiteral("id"), QStringLiteral("label")}));
    QTEST(window.sqlPreview()->currentDefinitionName(), "definitionName");
    QFETCH(QString, sqlStart);
    QVERIFY2(window.sqlPreview()->toPlainText().startsWith(sqlStart), qPrintable(window.sqlPreview()->toPlainText()));
}

static QStringList stepRules(const PlanStepsModel *model)
{
    QStringList rules;
    for (const PlanStep &s : model->plan().steps)
        rules << s.rule;
    return rules;
}

void TestMainWindow::planReviewOnDemo()
{
    MainWindow window;
    QAbstractItemModelTester tester(window.planView()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    window.show();
    QSignalSpy ready(&window, &MainWindow::ready);
    window.openDemo();
    QVERIFY(ready.wait(120000));
    QSignalSpy shown(&window, &MainWindow::planShown);
    window.planSpecFile(QStringLiteral(STAGECRAFT_SOURCE_DIR "/resources/demo/orders-total-eur.json"));
    QVERIFY(shown.wait(60000));
    const PlanStepsModel *model = window.planView()->model();
    QCOMPARE(childNames(model, {}), (QStringList{QStringLiteral("expand"), QStringLiteral("backfill"), QStringLiteral("index"),
                                                 QStringLiteral("contract")}));
    QCOMPARE(childNames(model, model->index(1, 0)), QStringList{QStringLiteral("3. Fill total_eur in existing rows")});
    QCOMPARE(model->index(0, PlanStepsModel::BlocksColumn, model->index(1, 0)).data().toString(), QStringLiteral("blocks writes"));
    QCOMPARE(model->index(0, PlanStepsModel::WorkColumn, model->index(1, 0)).data().toString(), QStringLiteral("batches"));
    QCOMPARE(model->index(0, PlanStepsModel::BlocksColumn, model->index(1, 0)).data(Qt::DecorationRole).value<QColor>(),
             severityColor(Severity::BlocksWrites));
    // The whole plan's SQL first, then the selected step's as the runner sends it, with its rollback.
    QVERIFY(window.planView()->sqlPreview()->toPlainText().startsWith(QLatin1String("-- Stagecraft plan: add column total_eur to main.orders")));
    auto *steps = window.planView()->findChild<QTreeView *>(QStringLiteral("planSteps"));
    QVERIFY(steps);
    steps->setCurrentIndex(model->indexOfStep(0));
    QCOMPARE(window.planView()->sqlPreview()->toPlainText(),
             QStringLiteral("-- In the run's session: PRAGMA busy_timeout = 2000;\n"
                            "-- Skipped when already in place: SELECT COUNT(*) > 0 FROM pragma_table_info('orders') WHERE name = 'total_eur';\n"
                            "-- In one transaction:\n"
                            "-- FAILING WRITES: Writes whose total_eur breaks CHECK (total_eur >= 0) fail from here on.\n"
                            "ALTER TABLE \"orders\" ADD COLUMN \"total_eur\" NUMERIC(12,2) CHECK (total_eur >= 0);\n\n-- Rollback:\n"
                            "ALTER TABLE \"orders\" DROP COLUMN \"total_eur\";\n"));
    // The spec is in the designer too, exactly as written, ready to edit.
    QTRY_COMPARE(window.designer()->spec().type, QStringLiteral("NUMERIC(12,2)"));
    QCOMPARE(window.designer()->spec().backfill, QStringLiteral("total_cents / 100.0"));
    QCOMPARE(window.designer()->spec().check, QStringLiteral("total_eur >= 0"));
    // SQLite has no other version to plan for.
    QVERIFY(!window.planView()->versionSwitcher()->isEnabled());
    // The timeline picture draws something in each lane.
    const QImage picture = LockTimeline::render(model->plan(), QSize(800, 170), window.palette());
    QCOMPARE(picture.size(), QSize(800, 170));
    // Mostly green (the backfill lets others write between batches), amber where a step holds the lock.
    int green = 0, amber = 0;
    for (int y = 0; y < picture.height() / 2; ++y)
        green += picture.pixelColor(400, y) == severityColor(Severity::None) ? 1 : 0;
    for (int y = 0; y < picture.height(); ++y)
        for (int x = 0; x < picture.width(); ++x)
            amber += picture.pixelColor(x, y) == severityColor(Severity::BlocksWrites) ? 1 : 0;
    QVERIFY2(green >= 20 && amber >= 100, qPrintable(QStringLiteral("%1 green, %2 amber").arg(green).arg(amber)));
}

void TestMainWindow::planReviewSwitchesVersion()
{
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("postgresql"), profile);
    QString why;
    QVERIFY2(TestServers::execute(profile, {QStringLiteral("CREATE TABLE review (id bigint PRIMARY KEY, total_cents int)"),
                                            QStringLiteral("INSERT INTO review SELECT g, g FROM generate_series(1, 100) g")},
                                  &why),
             qPrintable(why));
    MainWindow window;
    window.show();
    QSignalSpy ready(&window, &MainWindow::ready);
    window.openConnection(profile);
    QVERIFY(ready.wait(60000));
    ColumnSpec spec;
    QList<SpecProblem> problems;
    QVERIFY(ColumnSpec::fromJson(R"j({"table": "public.review", "column": {"name": "total_eur", "type": "numeric(12,2)", "nullable": false, "backfill": "total_cents / 100.0"}})j",
                                 &spec, &problems));
    QSignalSpy shown(&window, &MainWindow::planShown);
    window.planColumn(spec);
    QVERIFY(shown.wait(60000));
    const PlanStepsModel *model = window.planView()->model();
    QVERIFY(stepRules(model).contains(QStringLiteral("pg.not-null.set-using-check")));
    QComboBox *versions = window.planView()->versionSwitcher();
    QCOMPARE(versions->count(), 9); // the connected server, then PostgreSQL 11 to 18
    QVERIFY(versions->isEnabled());
    // Choosing PostgreSQL 18 re-plans: NOT NULL NOT VALID instead of the helper CHECK.
    versions->setCurrentIndex(versions->findData(180000));
    Q_EMIT versions->activated(versions->currentIndex());
    QVERIFY(shown.wait(60000));
    QVERIFY(stepRules(model).contains(QStringLiteral("pg18.not-null.not-valid-validate")));
    QCOMPARE(versions->currentData().toInt(), 180000);
    versions->setCurrentIndex(versions->findData(110000));
    Q_EMIT versions->activated(versions->currentIndex());
    QVERIFY(shown.wait(60000));
    QVERIFY(model->plan().warnings.join(QLatin1Char(' ')).contains(QLatin1String("PostgreSQL 11 cannot use a CHECK")));
}

void TestMainWindow::planReviewShowsProblems()
{
    MainWindow window;
    window.show();
    QSignalSpy ready(&window, &MainWindow::ready);
    window.openDemo();
    QVERIFY(ready.wait(120000));
    QTemporaryDir dir;
    QFile file(dir.filePath(QStringLiteral("bad.json")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"j({"table": "orders", "column": {"name": "status", "type": "TEXT", "after": "id"}})j");
    file.close();
    QSignalSpy shown(&window, &MainWindow::planShown);
    window.planSpecFile(file.fileName());
    QVERIFY(shown.wait(60000));
    auto *problems = window.planView()->findChild<QLabel *>(QStringLiteral("specProblems"));
    QVERIFY(problems && problems->isVisible());
    QCOMPARE(problems->text(), QStringLiteral("The column cannot be planned:\nname: orders already has a column status\n"
                                              "after: only MySQL and MariaDB place a column; SQLite adds it last"));
    QCOMPARE(window.planView()->model()->rowCount(), 0);
}

// A spec file with a key given twice and one not known was loaded into the designer half-read
// (the last "type" taken, the typo dropped): now it is refused, the problems shown by their fields.
void TestMainWindow::specFileWithRepeatedKeyRejected()
{
    MainWindow window;
    window.show();
    QSignalSpy ready(&window, &MainWindow::ready);
    window.openDemo();
    QVERIFY(ready.wait(120000));
    QTemporaryDir dir;
    QFile file(dir.filePath(QStringLiteral("repeated.json")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"j({"table": "orders", "column": {"name": "note", "type": "TEXT", "type": "INTEGER"}, "target_versoin": "3.46"})j");
    file.close();
    QSignalSpy shown(&window, &MainWindow::planShown);
    window.planSpecFile(file.fileName());
    QVERIFY(shown.count() == 1 || shown.wait(60000)); // refused at once, before any server check
    auto *problems = window.planView()->findChild<QLabel *>(QStringLiteral("specProblems"));
    QVERIFY(problems && problems->isVisible());
    QCOMPARE(problems->text(), QStringLiteral("The column cannot be planned:\n"
                                              "target_versoin: is not a spec field (known: table, column)\n"
                                              "type: column.type is given twice: write each key once"));
    QCOMPARE(window.planView()->model()->rowCount(), 0);
}

// Types like a person into a designer field.
static void typeInto(ColumnDesigner *designer, const char *field, const QString &text)
{
    auto *edit = designer->findChild<QLineEdit *>(QLatin1String(field));
    QVERIFY(edit);
    edit->selectAll();
    QTest::keyClicks(edit, text);
}

void TestMainWindow::designerOnDemo()
{
    MainWindow window;
    window.show();
    QSignalSpy ready(&window, &MainWindow::ready);
    window.openDemo();
    QVERIFY(ready.wait(120000));
    QSignalSpy reset(window.columnsModel(), &QAbstractItemModel::modelReset);
    QVERIFY(window.selectTable({QStringLiteral("main"), QStringLiteral("orders")}));
    QVERIFY(reset.wait(30000));
    window.addColumn();
    ColumnDesigner *designer = window.designer();
    QVERIFY(designer->hasTable());
    QSignalSpy shown(&window, &MainWindow::planShown);
    QVERIFY(!designer->findChild<QLineEdit *>(QStringLiteral("commentEdit"))->isVisible()); // SQLite keeps no comments

    // A name already taken: the message appears beside the name, nothing is planned.
    typeInto(designer, "nameEdit", QStringLiteral("status"));
    designer->findChild<QComboBox *>(QStringLiteral("typeCombo"))->setCurrentText(QStringLiteral("INTEGER"));
    QVERIFY(shown.wait(30000));
    QTRY_COMPARE(designer->problemFor(QStringLiteral("name")), QStringLiteral("orders already has a column status"));
    QCOMPARE(window.planView()->model()->rowCount(), 0);

    // A good column: the problems go, the plan appears.
    typeInto(designer, "nameEdit", QStringLiteral("priority"));
    designer->findChild<QComboBox *>(QStringLiteral("defaultKindCombo"))->setCurrentIndex(1);
    typeInto(designer, "defaultEdit", QStringLiteral("0"));
    typeInto(designer, "checkEdit", QStringLiteral("priority BETWEEN 0 AND 9"));
    designer->findChild<QCheckBox *>(QStringLiteral("indexCheck"))->setChecked(true);
    QTRY_VERIFY_WITH_TIMEOUT(window.planView()->model()->rowCount() == 2, 30000); // expand, index
    QCOMPARE(designer->problemFor(QStringLiteral("name")), QString());
    const ColumnSpec spec = designer->spec();
    QCOMPARE(spec.table, (TableRef{QStringLiteral("main"), QStringLiteral("orders")}));
    QCOMPARE(spec.type, QStringLiteral("INTEGER"));
    QCOMPARE(spec.check, QStringLiteral("priority BETWEEN 0 AND 9"));
    QVERIFY(spec.index);
    // SQLite places columns last: no position field.
    QVERIFY(!designer->findChild<QComboBox *>(QStringLiteral("afterCombo"))->isVisible());
}

void TestMainWindow::designerOnServer()
{
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("postgresql"), profile);
    QString why;
    QVERIFY2(TestServers::execute(profile, {QStringLiteral("CREATE TABLE accounts (id bigint PRIMARY KEY)"),
                                            QStringLiteral("CREATE TABLE payments (id bigint PRIMARY KEY, cents int)"),
                                            QStringLiteral("INSERT INTO payments SELECT g, g FROM generate_series(1, 50) g"),
                                            QStringLiteral("CREATE SEQUENCE payments_seq OWNED BY payments.id")},
                                  &why),
             qPrintable(why));
    MainWindow window;
    window.show();
    QSignalSpy ready(&window, &MainWindow::ready);
    window.openConnection(profile);
    QVERIFY(ready.wait(60000));
    QVERIFY(window.selectTable({QStringLiteral("public"), QStringLiteral("payments")}));
    QTRY_COMPARE(window.columnsModel()->rowCount(), 2);
    window.addColumn();
    ColumnDesigner *designer = window.designer();
    QVERIFY(designer->findChild<QLineEdit *>(QStringLiteral("commentEdit"))->isVisible());
    // The type picker offers the server's types, with the parameters each takes.
    auto *types = designer->findChild<QComboBox *>(QStringLiteral("typeCombo"));
    QVERIFY(types->findText(QStringLiteral("numeric")) >= 0);
    QVERIFY(types->findText(QStringLiteral("uuid")) >= 0);
    types->setCurrentText(QStringLiteral("numeric"));
    QVERIFY(designer->findChild<QSpinBox *>(QStringLiteral("precisionSpin"))->isVisibleTo(designer));
    QVERIFY(designer->findChild<QSpinBox *>(QStringLiteral("scaleSpin"))->isVisibleTo(designer));
    QVERIFY(!designer->findChild<QSpinBox *>(QStringLiteral("lengthSpin"))->isVisibleTo(designer));
    QCOMPARE(designer->spec().type, QStringLiteral("numeric(12,2)"));

    // A volatile default: the badge says what the server decided, the plan backfills.
    types->setCurrentText(QStringLiteral("uuid"));
    typeInto(designer, "nameEdit", QStringLiteral("public_id"));
    designer->findChild<QComboBox *>(QStringLiteral("defaultKindCombo"))->setCurrentIndex(2);
    typeInto(designer, "defaultEdit", QStringLiteral("gen_random_uuid()"));
    auto *badge = designer->findChild<QLabel *>(QStringLiteral("volatilityBadge"));
    QTRY_VERIFY_WITH_TIMEOUT(badge->text().startsWith(QLatin1String("volatile:")), 30000);
    QVERIFY(stepRules(window.planView()->model()).contains(QStringLiteral("pg.backfill.keyset")));

    // A foreign key: pick the table, its columns arrive, the plan adds the key NOT VALID.
    types->setCurrentText(QStringLiteral("bigint"));
    typeInto(designer, "nameEdit", QStringLiteral("account_id"));
    designer->findChild<QComboBox *>(QStringLiteral("defaultKindCombo"))->setCurrentIndex(0);
    auto *referenced = designer->findChild<QComboBox *>(QStringLiteral("referencedTableCombo"));
    referenced->setCurrentIndex(referenced->findText(QStringLiteral("public.accounts")));
    auto *column = designer->findChild<QComboBox *>(QStringLiteral("referencedColumnCombo"));
    QTRY_COMPARE(column->count(), 1);
    QCOMPARE(column->currentText(), QStringLiteral("id"));
    QTRY_VERIFY_WITH_TIMEOUT(stepRules(window.planView()->model()).contains(QStringLiteral("pg.foreign-key.not-valid-validate")), 30000);
    // A default expression the server rejects: the message is the server's, beside the default.
    designer->findChild<QComboBox *>(QStringLiteral("defaultKindCombo"))->setCurrentIndex(2);
    typeInto(designer, "defaultEdit", QStringLiteral("no_such_function()"));
    QTRY_VERIFY_WITH_TIMEOUT(designer->problemFor(QStringLiteral("default")).contains(QLatin1String("no_such_function() does not exist")), 30000);
    // A function with a side effect: named beside the default; accepted in the Side effects field, it is planned.
    designer->findChild<QComboBox *>(QStringLiteral("referencedTableCombo"))->setCurrentIndex(0);
    typeInto(designer, "defaultEdit", QStringLiteral("setval('payments_seq', 1)"));
    QTRY_VERIFY_WITH_TIMEOUT(designer->problemFor(QStringLiteral("default"))
                                 .startsWith(QLatin1String("setval changes sequence public.payments_seq, which the application uses for public.payments.id")),
                             30000);
    typeInto(designer, "sideEffectsEdit", QStringLiteral("setval"));
    QCOMPARE(designer->spec().sideEffects, QStringList{QStringLiteral("setval")});
    QTRY_COMPARE_WITH_TIMEOUT(designer->problemFor(QStringLiteral("default")), QString(), 30000);
}

static void confirmWith(MainWindow &window, const QString &table);

// The designer maps the sync (three states: automatic, on, off) and the gate after the expand
// stage to the spec and back, by setSpec and by clicks.
void TestMainWindow::designerMapsSyncAndGate()
{
    ColumnDesigner designer;
    auto *sync = designer.findChild<QCheckBox *>(QStringLiteral("syncCheck"));
    auto *gate = designer.findChild<QCheckBox *>(QStringLiteral("gateAfterExpandCheck"));
    QVERIFY(sync && gate && sync->isTristate());
    QCOMPARE(designer.spec().sync, std::optional<bool>()); // automatic unless asked
    QVERIFY(!designer.spec().gateAfterExpand);
    ColumnSpec spec;
    spec.name = QStringLiteral("total_eur");
    spec.sync = true;
    spec.gateAfterExpand = true;
    designer.setSpec(spec);
    QCOMPARE(sync->checkState(), Qt::Checked);
    QVERIFY(gate->isChecked());
    QCOMPARE(designer.spec().sync, std::optional<bool>(true));
    QVERIFY(designer.spec().gateAfterExpand);
    spec.sync = false;
    spec.gateAfterExpand = false;
    designer.setSpec(spec);
    QCOMPARE(sync->checkState(), Qt::Unchecked);
    QCOMPARE(designer.spec().sync, std::optional<bool>(false));
    QVERIFY(!designer.spec().gateAfterExpand);
    spec.sync.reset();
    designer.setSpec(spec);
    QCOMPARE(sync->checkState(), Qt::PartiallyChecked);
    QCOMPARE(designer.spec().sync, std::optional<bool>());
    // Clicks cycle automatic -> on -> off -> automatic.
    sync->click();
    QCOMPARE(designer.spec().sync, std::optional<bool>(true));
    sync->click();
    QCOMPARE(designer.spec().sync, std::optional<bool>(false));
    sync->click();
    QCOMPARE(designer.spec().sync, std::optional<bool>());
    gate->click();
    QVERIFY(designer.spec().gateAfterExpand);
    // The JSON a spec file holds says the same.
    QVERIFY(designer.spec().toJson().contains("\"gate_after_expand\": true"));
}

// A PostgreSQL table and a derived NOT NULL column: the designer shows the plan's sync reason and
// what the default means afterwards; the plan review shows its gates and the writes that fail.
static bool designOnServer(MainWindow &window, const ConnectionProfile &profile, const QString &table)
{
    window.show();
    QSignalSpy ready(&window, &MainWindow::ready);
    window.openConnection(profile);
    if (!ready.wait(60000) || !window.selectTable({QStringLiteral("public"), table}))
        return false;
    // Another table of two columns may be on view first: wait for this one's.
    if (!QTest::qWaitFor([&] { return columnNames(window.columnsModel()).contains(QStringLiteral("total")); }, 30000))
        return false;
    window.addColumn();
    ColumnDesigner *designer = window.designer();
    if (!QTest::qWaitFor([&] { return designer->hasTable(); }, 30000))
        return false;
    typeInto(designer, "nameEdit", QStringLiteral("total_eur"));
    designer->findChild<QComboBox *>(QStringLiteral("typeCombo"))->setCurrentText(QStringLiteral("integer"));
    typeInto(designer, "backfillEdit", QStringLiteral("total * 2"));
    const bool planned = QTest::qWaitFor(
        [&] { return window.planView()->runButton()->isEnabled() && window.planView()->model()->plan().spec.backfill == QLatin1String("total * 2"); },
        30000);
    if (!planned)
        qWarning("not planned: spec %s, problems: name %s, type %s, backfill %s", designer->spec().toJson().constData(),
                 qPrintable(designer->problemFor(QStringLiteral("name"))), qPrintable(designer->problemFor(QStringLiteral("type"))),
                 qPrintable(designer->problemFor(QStringLiteral("backfill"))));
    return planned;
}

static int stepWithGate(const Plan &plan, const QString &gate)
{
    for (int i = 0; i < plan.steps.size(); ++i)
        if (plan.steps.at(i).gate == gate)
            return i;
    return -1;
}

void TestMainWindow::planStepsShowGatesAndFailingWrites()
{
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("postgresql"), profile);
    QString why;
    QVERIFY2(TestServers::execute(profile, {QStringLiteral("CREATE TABLE reviewed (id bigint PRIMARY KEY, total int)"),
                                            QStringLiteral("INSERT INTO reviewed SELECT g, g FROM generate_series(1, 100) g")},
                                  &why),
             qPrintable(why));
    MainWindow window;
    QAbstractItemModelTester tester(window.planView()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(designOnServer(window, profile, QStringLiteral("reviewed")));
    ColumnDesigner *designer = window.designer();
    // Beside the checkbox: automatic, and the planner's reason.
    QTRY_VERIFY_WITH_TIMEOUT(designer->syncReason().startsWith(QLatin1String("Automatic. The backfill reads total:")), 30000);
    auto *afterSync = designer->findChild<QLabel *>(QStringLiteral("defaultAfterSync"));
    QCOMPARE(afterSync->text(), QStringLiteral("Once the sync ends (contract stage), a row written without total_eur gets NULL."));

    // NOT NULL without a default: once the sync ends, INSERTs that omit the column fail (in red);
    // the gate after the expand stage when asked.
    designer->findChild<QCheckBox *>(QStringLiteral("nullableCheck"))->setChecked(false);
    designer->findChild<QCheckBox *>(QStringLiteral("gateAfterExpandCheck"))->setChecked(true);
    PlanStepsModel *model = window.planView()->model();
    QTRY_VERIFY_WITH_TIMEOUT(stepWithGate(model->plan(), QStringLiteral("after-expand")) >= 0 && !model->plan().spec.nullable, 30000);
    QTRY_COMPARE(afterSync->text(), QStringLiteral("Once the sync ends (contract stage), a row written without total_eur gets nothing: "
                                                   "NOT NULL makes such an INSERT fail."));
    const Plan plan = model->plan();
    const int before = stepWithGate(plan, QStringLiteral("before-contract"));
    QVERIFY(before > 0);
    const QModelIndex gateRow = model->indexOfStep(before);
    QCOMPARE(gateRow.data(PlanStepsModel::GateRole).toString(), QStringLiteral("before-contract"));
    QVERIFY(gateRow.data().toString().contains(QLatin1String("Deploy gate: the application writes total_eur itself")));
    QCOMPARE(gateRow.data(Qt::BackgroundRole).value<QColor>(), PlanStepsModel::gateBackground());
    QVERIFY(!gateRow.data(Qt::DecorationRole).value<QIcon>().isNull());
    QCOMPARE(gateRow.siblingAtColumn(PlanStepsModel::WorkColumn).data().toString(), QStringLiteral("deploy gate"));
    int failing = -1;
    for (int i = 0; i < plan.steps.size(); ++i)
        if (plan.steps.at(i).failingWrites.startsWith(QLatin1String("INSERTs that omit total_eur fail")))
            failing = i;
    QVERIFY2(failing > before, "the step that ends the sync makes INSERTs without the column fail");
    const QModelIndex failingCell = model->indexOfStep(failing).siblingAtColumn(PlanStepsModel::FailingWritesColumn);
    QCOMPARE(failingCell.data().toString(), plan.steps.at(failing).failingWrites);
    QCOMPARE(failingCell.data(Qt::ForegroundRole).value<QColor>(), PlanStepsModel::failingWritesColor());
    QCOMPARE(model->indexOfStep(failing).data(PlanStepsModel::FailingWritesRole).toString(), plan.steps.at(failing).failingWrites);
    QVERIFY(model->indexOfStep(0).siblingAtColumn(PlanStepsModel::FailingWritesColumn).data(Qt::ForegroundRole).isNull());

    // The step's detail: the failing writes in red, the gate, what a failed step removes.
    auto *steps = window.findChild<QTreeView *>(QStringLiteral("planSteps"));
    auto *detail = window.findChild<QLabel *>(QStringLiteral("stepDetail"));
    steps->setCurrentIndex(model->indexOfStep(failing));
    QVERIFY(detail->text().contains(QStringLiteral("<span style=\"color: %1\"><b>Failing writes:</b> INSERTs that omit total_eur fail")
                                        .arg(PlanStepsModel::failingWritesColor().name())));
    steps->setCurrentIndex(gateRow);
    QVERIFY(detail->text().contains(QLatin1String("Deploy gate (before-contract): the run stops here")));
    int removes = -1;
    for (int i = 0; i < plan.steps.size(); ++i)
        if (!plan.steps.at(i).onFailureSql.isEmpty())
            removes = i;
    if (removes >= 0) {
        steps->setCurrentIndex(model->indexOfStep(removes));
        QVERIFY(detail->text().contains(plan.steps.at(removes).onFailureSql.first().toHtmlEscaped()));
    }
    // The review report: the gates and the failing writes in red.
    const QString html = ReportWriter::html(plan, QString());
    QVERIFY(html.contains(QLatin1String("<b>Deploy gate (before-contract):</b>")));
    QVERIFY(html.contains(QLatin1String("<font color=\"#c62828\"><b>Failing writes:</b> INSERTs that omit total_eur fail")));
}

// A run on PostgreSQL stops at the gate before the contract stage: the card names it, says why and
// what the server can tell; Continue resumes the run past it to the end.
void TestMainWindow::runStopsAtGate()
{
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("postgresql"), profile);
    QString why;
    QVERIFY2(TestServers::execute(profile, {QStringLiteral("CREATE TABLE gated_orders (id bigint PRIMARY KEY, total int)"),
                                            QStringLiteral("INSERT INTO gated_orders SELECT g, g FROM generate_series(1, 2000) g")},
                                  &why),
             qPrintable(why));
    MainWindow window;
    QVERIFY(designOnServer(window, profile, QStringLiteral("gated_orders")));
    const Plan plan = window.planView()->model()->plan();
    const int gate = stepWithGate(plan, QStringLiteral("before-contract"));
    QVERIFY(gate > 0);
    GateCard *card = window.runPanel()->gateCard();
    card->setProbeTiming(200, 2000);
    QVERIFY(!card->isVisible());

    QSignalSpy ended(&window, &MainWindow::runEnded);
    window.planView()->runButton()->click();
    confirmWith(window, QStringLiteral("gated_orders"));
    QVERIFY(ended.wait(120000));
    const QString summary = window.runPanel()->summary();
    QVERIFY2(summary.startsWith(QLatin1String("<b>Waiting at a deploy gate</b>")), qPrintable(summary));
    QVERIFY(card->isVisible());
    QCOMPARE(card->step(), gate);
    QCOMPARE(card->titleText(), QStringLiteral("Waiting at step %1 — Deploy gate: the application writes total_eur itself").arg(gate + 1));
    QVERIFY2(card->whyText().startsWith(QLatin1String("The next step ends the sync")), qPrintable(card->whyText()));
    QVERIFY(card->continueButton()->isVisible());
    // The probe, polled off the GUI thread: this server does not count function calls
    // (track_functions is off), and says so.
    QSignalSpy probed(card, &GateCard::probeShown);
    QTRY_VERIFY_WITH_TIMEOUT(probed.size() >= 2, 15000);
    QVERIFY2(card->probeText().startsWith(QLatin1String("This server cannot tell cheaply how often the sync still fills total_eur "
                                                        "(PostgreSQL: set track_functions = 'pl').")),
             qPrintable(card->probeText()));
    QCOMPARE(window.runPanel()->findChild<QProgressBar *>(QStringLiteral("overallProgress"))->value(), gate);
    // The journal has the run waiting; the column is kept filled meanwhile.
    DatabaseConnection c(profile);
    ConnectionError error;
    QVERIFY(c.open(&error));
    QSqlQuery q(c.database());
    QVERIFY(q.exec(QStringLiteral("INSERT INTO gated_orders (id, total) VALUES (9999, 21)")));
    QVERIFY(q.exec(QStringLiteral("SELECT total_eur FROM gated_orders WHERE id = 9999")) && q.next());
    QCOMPARE(q.value(0).toInt(), 42);

    // Continue: no typed confirmation (the run was confirmed), the run resumes past the gate.
    card->continueButton()->click();
    QVERIFY(!card->isVisible());
    QVERIFY(ended.wait(120000));
    const QString done = window.runPanel()->summary();
    QVERIFY2(done.startsWith(QLatin1String("<b>Done</b>")), qPrintable(done));
    QVERIFY(!card->isVisible());
    auto *overall = window.runPanel()->findChild<QProgressBar *>(QStringLiteral("overallProgress"));
    QCOMPARE(overall->value(), overall->maximum());
    QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM gated_orders WHERE total_eur IS DISTINCT FROM total * 2")) && q.next());
    QCOMPARE(q.value(0).toInt(), 0);
    QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'gated_orders'::regclass AND NOT tgisinternal")) && q.next());
    QCOMPARE(q.value(0).toInt(), 0); // the sync is gone
}

// A copy of the demo database: these tests change it.
static QString demoCopy(QTemporaryDir &dir)
{
    const QString path = dir.filePath(QStringLiteral("shop.sqlite"));
    QString error;
    if (!DemoDatabase::ensure(DemoDatabase::defaultPath(), &error) || !QFile::copy(DemoDatabase::defaultPath(), path))
        return {};
    return path;
}

static qlonglong sqliteScalar(const QString &path, const QString &sql)
{
    ConnectionProfile profile;
    profile.engine = Engine::SQLite;
    profile.database = path;
    DatabaseConnection c(profile);
    ConnectionError e;
    if (!c.open(&e))
        return -1;
    QSqlQuery q(c.database());
    return q.exec(sql) && q.next() ? q.value(0).toLongLong() : -1;
}

// Opens the SQLite database at path in the window and plans the spec file's column, up to an
// enabled Run button.
static bool openAndPlan(MainWindow &window, const QString &path, const QString &specFile)
{
    window.show();
    QSignalSpy ready(&window, &MainWindow::ready);
    window.openUrl(QStringLiteral("sqlite://") + path);
    if (!ready.wait(60000))
        return false;
    QSignalSpy shown(&window, &MainWindow::planShown);
    window.planSpecFile(specFile);
    if (!shown.wait(60000))
        return false;
    return QTest::qWaitFor([&] { return window.planView()->runButton()->isEnabled(); }, 30000);
}

// A run stopped at a deploy gate: Continue, as a user who deployed the application would, until it ends.
static bool passGates(MainWindow &window, QSignalSpy &ended)
{
    for (int i = 0; i < 3 && window.runPanel()->summary().startsWith(QLatin1String("<b>Waiting at a deploy gate</b>")); ++i) {
        window.runPanel()->gateCard()->continueButton()->click();
        if (!ended.wait(120000))
            return false;
    }
    return true;
}

static void confirmWith(MainWindow &window, const QString &table)
{
    ConfirmRunDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = window.findChild<ConfirmRunDialog *>(QStringLiteral("confirmRun"))));
    QVERIFY(!dialog->runButton()->isEnabled()); // nothing runs without typing the table's name
    QTest::keyClicks(dialog->confirmationEdit(), table.left(3));
    QVERIFY(!dialog->runButton()->isEnabled());
    QTest::keyClicks(dialog->confirmationEdit(), table.mid(3));
    QVERIFY(dialog->runButton()->isEnabled());
    dialog->runButton()->click();
}

void TestMainWindow::runFromPlanReview()
{
    QTemporaryDir dir;
    const QString path = demoCopy(dir);
    QVERIFY(!path.isEmpty());
    MainWindow window;
    QVERIFY(openAndPlan(window, path, QStringLiteral(STAGECRAFT_SOURCE_DIR "/resources/demo/orders-total-eur.json")));
    // Before running, the existing rows are checked: every order gets a non-negative total.
    QSignalSpy checked(&window, &MainWindow::dataChecked);
    window.planView()->checkDataButton()->click();
    QVERIFY(checked.wait(60000));
    QCOMPARE(window.planView()->findingsText(), QStringLiteral("Existing data:\n✓ no rows failing the CHECK\nSessions on the table:\n✓ no other session holds a lock on it or keeps a transaction open"));
    QSignalSpy ended(&window, &MainWindow::runEnded);
    window.planView()->runButton()->click();
    confirmWith(window, QStringLiteral("orders"));
    QVERIFY(ended.wait(120000));
    // The demo's column is derived: the run waits at the gate before the sync ends.
    QVERIFY2(window.runPanel()->summary().startsWith(QLatin1String("<b>Waiting at a deploy gate</b>")), qPrintable(window.runPanel()->summary()));
    QVERIFY(passGates(window, ended));
    QVERIFY2(window.runPanel()->summary().startsWith(QLatin1String("<b>Done</b>")), qPrintable(window.runPanel()->summary()));
    auto *overall = window.runPanel()->findChild<QProgressBar *>(QStringLiteral("overallProgress"));
    QCOMPARE(overall->value(), overall->maximum());
    QCOMPARE(overall->maximum(), 6);
    QCOMPARE(sqliteScalar(path, QStringLiteral("SELECT count(*) FROM orders WHERE total_eur IS NULL OR total_eur <> total_cents / 100.0")), 0);
    QVERIFY(!window.planView()->runButton()->isEnabled());
    QTest::qWait(600); // a late answer from the planner must not take the user away from the run
    QCOMPARE(window.findChild<QTabWidget *>()->currentWidget(), window.runPanel());
    QVERIFY(window.grab().save(QStringLiteral(STAGECRAFT_BINARY_DIR "/screenshots/run-panel.png")));
}

// Pause holds the run between batches; closing the window during a run asks first, and a stop ends
// the run after its batch (kept in the journal for a resume) before the window closes.
void TestMainWindow::pauseThenCloseDuringRun()
{
    const auto restore = qScopeGuard([] { QSettings().remove(QStringLiteral("run")); });
    QSettings().setValue(QStringLiteral("run/batchTargetMs"), 10); // small batches, and a pause after each: a run of seconds
    QSettings().setValue(QStringLiteral("run/pauseBetweenBatchesMs"), 400);
    QTemporaryDir dir;
    const QString path = demoCopy(dir);
    QVERIFY(!path.isEmpty());
    MainWindow window;
    QVERIFY(openAndPlan(window, path, QStringLiteral(STAGECRAFT_SOURCE_DIR "/resources/demo/orders-total-eur.json")));
    QSignalSpy ended(&window, &MainWindow::runEnded);
    window.planView()->runButton()->click();
    confirmWith(window, QStringLiteral("orders"));
    const auto filled = [&] { return sqliteScalar(path, QStringLiteral("SELECT count(*) FROM orders WHERE total_eur IS NOT NULL")); };
    QTRY_VERIFY_WITH_TIMEOUT(filled() > 0, 30000);

    auto *pause = window.runPanel()->findChild<QPushButton *>(QStringLiteral("pauseButton"));
    pause->click();
    QTRY_COMPARE(pause->text(), QStringLiteral("&Resume"));
    QTest::qWait(300); // the batch in flight ends
    const qlonglong whilePaused = filled();
    QTest::qWait(500);
    QCOMPARE(filled(), whilePaused);
    pause->click();
    QTRY_VERIFY_WITH_TIMEOUT(filled() > whilePaused, 10000);

    QVERIFY(!window.close()); // asked first
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = window.findChild<QMessageBox *>(QStringLiteral("closeDuringRun"))));
    QVERIFY2(box->text().contains(QLatin1String("adding total_eur to main.orders")), qPrintable(box->text()));
    QAbstractButton *keep = nullptr, *stop = nullptr;
    for (QAbstractButton *b : box->buttons())
        (b->text().contains(QLatin1String("Keep")) ? keep : stop) = b;
    QVERIFY(keep && stop);
    keep->click();
    QTRY_VERIFY(!window.findChild<QMessageBox *>(QStringLiteral("closeDuringRun")));
    QVERIFY(window.isVisible());
    QCOMPARE(ended.size(), 0);

    QVERIFY(!window.close());
    QTRY_VERIFY((box = window.findChild<QMessageBox *>(QStringLiteral("closeDuringRun"))));
    for (QAbstractButton *b : box->buttons())
        if (!b->text().contains(QLatin1String("Keep")))
            b->click();
    QTRY_VERIFY_WITH_TIMEOUT(!window.isVisible(), 30000);
    QCOMPARE(ended.size(), 1);
    QVERIFY2(window.runPanel()->summary().startsWith(QLatin1String("<b>Cancelled</b>")), qPrintable(window.runPanel()->summary()));
    QCOMPARE(sqliteScalar(path, QStringLiteral("SELECT count(*) FROM stagecraft_runs WHERE state = 'cancelled'")), 1);
    const qlonglong kept = filled();
    QVERIFY(kept > 0 && kept < 200000);
}

// A run stopped by its guard (duplicates for UNIQUE) offers a rollback; confirmed, it undoes the
// applied steps and the table is as before.
void TestMainWindow::rollbackFromRunPanel()
{
    QTemporaryDir dir;
    const QString path = demoCopy(dir);
    QVERIFY(!path.isEmpty());
    const QString specPath = dir.filePath(QStringLiteral("code.json"));
    QFile specFile(specPath);
    QVERIFY(specFile.open(QIODevice::WriteOnly));
    specFile.write(R"j({"table": "main.orders", "column": {"name": "code", "type": "integer", "backfill": "total_cents % 10", "unique": true}})j");
    specFile.close();
    const QString columnsBefore = QString::number(sqliteScalar(path, QStringLiteral("SELECT count(*) FROM pragma_table_info('orders')")));
    MainWindow window;
    QVERIFY(openAndPlan(window, path, specPath));
    QSignalSpy ended(&window, &MainWindow::runEnded);
    window.planView()->runButton()->click();
    confirmWith(window, QStringLiteral("orders"));
    QVERIFY(ended.wait(120000));
    QVERIFY2(window.runPanel()->summary().startsWith(QLatin1String("<b>Failed</b>")), qPrintable(window.runPanel()->summary()));
    QCOMPARE(QString::number(sqliteScalar(path, QStringLiteral("SELECT count(*) FROM pragma_table_info('orders')"))).toInt(), columnsBefore.toInt() + 1);
    auto *rollback = window.runPanel()->findChild<QPushButton *>(QStringLiteral("rollbackButton"));
    QVERIFY(rollback->isVisible());
    rollback->click();
    confirmWith(window, QStringLiteral("orders"));
    QVERIFY(ended.wait(120000));
    QVERIFY2(window.runPanel()->summary().startsWith(QLatin1String("<b>Rolled back</b>")), qPrintable(window.runPanel()->summary()));
    QVERIFY(!rollback->isVisible());
    QCOMPARE(QString::number(sqliteScalar(path, QStringLiteral("SELECT count(*) FROM pragma_table_info('orders')"))), columnsBefore);
    QCOMPARE(sqliteScalar(path, QStringLiteral("SELECT count(*) FROM stagecraft_runs WHERE state = 'rolled_back'")), 1);
}

void TestMainWindow::resumeOfferedOnConnect()
{
    QTemporaryDir dir;
    const QString path = demoCopy(dir);
    QVERIFY(!path.isEmpty());
    ConnectionProfile profile;
    profile.engine = Engine::SQLite;
    profile.database = path;
    // A run cancelled in the middle of its backfill leaves an unfinished run in the journal.
    {
        DatabaseConnection c(profile);
        ConnectionError e;
        QVERIFY(c.open(&e));
        QFile specFile(QStringLiteral(STAGECRAFT_SOURCE_DIR "/resources/demo/orders-total-eur.json"));
        QVERIFY(specFile.open(QIODevice::ReadOnly));
        ColumnSpec spec;
        QList<SpecProblem> problems;
        QVERIFY(ColumnSpec::fromJson(specFile.readAll(), &spec, &problems));
        PlannerInput input;
        QVERIFY(SpecValidator(c).validate(spec, &input, &problems));
        const Plan plan = Planner::plan(input);
        RunSettings small;
        small.firstBatchRows = small.minBatchRows = small.maxBatchRows = 1000;
        Runner runner(profile, small);
        connect(&runner, &Runner::backfillProgressed, &runner, [&runner](const BackfillProgress &p) {
            if (p.rowsDone >= 5000)
                runner.stopAfterBatch();
        });
        runner.run(plan);
    }
    QCOMPARE(sqliteScalar(path, QStringLiteral("SELECT count(*) FROM orders WHERE total_eur IS NOT NULL")), 5000);

    MainWindow window;
    window.show();
    QSignalSpy checked(&window, &MainWindow::journalChecked);
    window.openUrl(QStringLiteral("sqlite://") + path);
    QVERIFY(checked.wait(60000));
    QVERIFY(!window.resumableRun().isEmpty());
    auto *bar = window.findChild<QLabel *>(QStringLiteral("resumeBar"));
    QVERIFY(bar->isVisible());
    QVERIFY(bar->text().contains(QLatin1String("adding <b>total_eur</b> to <b>main.orders</b>")));
    QVERIFY(bar->text().contains(QLatin1String("<a href=\"rollback\">roll it back</a>")));
    QSignalSpy ended(&window, &MainWindow::runEnded);
    window.resumeInterruptedRun();
    confirmWith(window, QStringLiteral("orders"));
    QVERIFY(ended.wait(120000));
    QVERIFY(passGates(window, ended));
    QVERIFY2(window.runPanel()->summary().startsWith(QLatin1String("<b>Done</b>")), qPrintable(window.runPanel()->summary()));
    QVERIFY(!bar->isVisible());
    QCOMPARE(sqliteScalar(path, QStringLiteral("SELECT count(*) FROM orders WHERE total_eur IS NULL OR total_eur <> total_cents / 100.0")), 0);
}

// A journal entry recorded on another engine (a PostgreSQL plan run on this SQLite file by an older
// Stagecraft) is not offered for resume or rollback on connect: the bar says why instead.
void TestMainWindow::runMadeElsewhereNotOffered()
{
    QTemporaryDir dir;
    const QString path = demoCopy(dir);
    QVERIFY(!path.isEmpty());
    ConnectionProfile profile;
    profile.engine = Engine::SQLite;
    profile.database = path;
    QString runId, why;
    QVERIFY2(JournalFixture::record(profile, JournalFixture::postgresPlan(), JournalFixture::postgresOrigin(), &runId, &why), qPrintable(why));
    MainWindow window;
    window.show();
    QSignalSpy checked(&window, &MainWindow::journalChecked);
    window.openUrl(QStringLiteral("sqlite://") + path);
    QVERIFY(checked.wait(60000));
    QVERIFY(window.resumableRun().isEmpty());
    auto *bar = window.findChild<QLabel *>(QStringLiteral("resumeBar"));
    QVERIFY(bar->isVisible());
    QVERIFY2(bar->text().contains(QLatin1String("It can be neither resumed nor rolled back on this connection: it was recorded on "
                                                "PostgreSQL shop at db.example.com:5432, and this connection is SQLite shop.sqlite, another engine")),
             qPrintable(bar->text()));
    QVERIFY(!bar->text().contains(QLatin1String("<a href")));
    window.resumeInterruptedRun(); // nothing to confirm
    QTest::qWait(200);
    QVERIFY(!window.findChild<ConfirmRunDialog *>(QStringLiteral("confirmRun")));
}

// A plan belongs to the connection it was made on: connecting to another database clears the Plan
// tab (the plan, its pre-flight findings, the designer with its table) and disables Run, and an
// answer the planner gives late, for the connection before, does not bring a plan back.
void TestMainWindow::switchingConnectionClearsPlan()
{
    QTemporaryDir dir;
    const QString path = demoCopy(dir);
    QVERIFY(!path.isEmpty());
    const QString other = dir.filePath(QStringLiteral("other.sqlite"));
    QVERIFY(QFile::copy(path, other));
    const QString specPath = QStringLiteral(STAGECRAFT_SOURCE_DIR "/resources/demo/orders-total-eur.json");
    MainWindow window;
    QVERIFY(openAndPlan(window, path, specPath));
    QSignalSpy checked(&window, &MainWindow::dataChecked);
    window.planView()->checkDataButton()->click();
    QVERIFY(checked.wait(60000));
    QVERIFY(!window.planView()->findingsText().isEmpty());
    QVERIFY(window.designer()->hasTable());

    QSignalSpy ready(&window, &MainWindow::ready);
    window.openUrl(QStringLiteral("sqlite://") + other);
    // At once, before the other database has answered.
    QVERIFY(!window.planView()->runButton()->isEnabled());
    QVERIFY(!window.planView()->checkDataButton()->isEnabled());
    QVERIFY(window.planView()->model()->plan().steps.isEmpty());
    QVERIFY(window.planView()->findingsText().isEmpty());
    QVERIFY(!window.designer()->hasTable());
    QVERIFY(window.designer()->spec().name.isEmpty());
    QVERIFY(ready.wait(60000));
    QVERIFY(!window.planView()->runButton()->isEnabled());

    // Planned, then switched before the answer came: the answer is dropped. The planner answers in
    // order, so once the plan asked for on the new connection is shown, the old one was dropped.
    QFile specFile(specPath);
    QVERIFY(specFile.open(QIODevice::ReadOnly));
    ColumnSpec spec;
    QList<SpecProblem> problems;
    QVERIFY(ColumnSpec::fromJson(specFile.readAll(), &spec, &problems));
    QSignalSpy shown(&window, &MainWindow::planShown);
    window.planColumn(spec);
    window.openUrl(QStringLiteral("sqlite://") + path);
    QVERIFY(ready.wait(60000));
    QVERIFY(!window.planView()->runButton()->isEnabled());
    window.planColumn(spec);
    QVERIFY(shown.wait(60000));
    QTest::qWait(100);
    QCOMPARE(shown.size(), 1);
    QTRY_VERIFY(window.planView()->runButton()->isEnabled()); // made here: it may run here
}

void TestMainWindow::preferences()
{
    const auto restore = qScopeGuard([] {
        QSettings().remove(QStringLiteral("run"));
        QSettings().remove(QStringLiteral("appearance"));
        SettingsDialog::applyTheme(SettingsDialog::Theme::System);
    });
    MainWindow window;
    window.show();
    window.showSettings();
    SettingsDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = window.findChild<SettingsDialog *>(QStringLiteral("settingsDialog"))));
    QCOMPARE(dialog->lockTimeout()->value(), 2000); // the defaults first
    QCOMPARE(dialog->batchTime()->value(), 200);
    dialog->lockTimeout()->setValue(750);
    dialog->batchTime()->setValue(300);
    QCOMPARE(dialog->retries()->value(), 8);
    QCOMPARE(BlockerPolicy(dialog->blockerPolicy()->currentData().toInt()), BlockerPolicy::Proceed);
    dialog->retries()->setValue(3);
    QCOMPARE(dialog->throttle()->value(), 0);
    dialog->throttle()->setValue(150);
    dialog->blockerPolicy()->setCurrentIndex(dialog->blockerPolicy()->findData(int(BlockerPolicy::Stop)));
    dialog->themeChoice()->setCurrentIndex(int(SettingsDialog::Theme::Dark));
    dialog->accept();
    QTRY_VERIFY(!window.findChild<SettingsDialog *>(QStringLiteral("settingsDialog")));
    QCOMPARE(SettingsDialog::runSettings().lockTimeoutMs, 750);
    QCOMPARE(SettingsDialog::runSettings().batchTargetMs, 300);
    QCOMPARE(SettingsDialog::runSettings().maxRetries, 3);
    QCOMPARE(SettingsDialog::runSettings().pauseBetweenBatchesMs, 150);
    QCOMPARE(SettingsDialog::runSettings().onBlockers, BlockerPolicy::Stop);
    QCOMPARE(SettingsDialog::theme(), SettingsDialog::Theme::Dark);
    // The dark palette reaches the window, and the SQL highlighting follows it.
    QVERIFY(window.palette().color(QPalette::Base).lightness() < 128);
    QTRY_VERIFY2(window.sqlPreview()->themeName().contains(QLatin1String("Dark")), qPrintable(window.sqlPreview()->themeName()));
    SettingsDialog::applyTheme(SettingsDialog::Theme::Light);
    QTRY_VERIFY2(!window.sqlPreview()->themeName().contains(QLatin1String("Dark")), qPrintable(window.sqlPreview()->themeName()));
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
