// The column designer as a user meets it (issue 15): no red before anything is typed, fields that
// stay put when messages come and go, the last valid plan kept (out of date) while a field is wrong,
// a fresh form for each Add Column, a warning for a CHECK that does not mention the column, and the
// backfill's values on a sample of rows, on the demo database.

#include "backfillpreviewmodel.h"
#include "columndesigner.h"
#include "columnsmodel.h"
#include "fieldmessage.h"
#include "locktimeline.h"
#include "mainwindow.h"
#include "planstepsmodel.h"
#include "planview.h"
#include "planworkspace.h"
#include "settingsdialog.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTest>

#include <cmath>

using namespace Stagecraft;

class TestColumnDesigner : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void freshFormShowsNoProblems();
    void fieldsStayPut();
    void lastValidPlanKeptOutOfDate();
    void addColumnStartsFresh();
    void checkWithoutColumnWarns();
    void backfillPreview();
    void previewModel();
    void darkThemeAt1024();

private:
    // The demo database open on orders, the designer on it, its first (empty) answer shown.
    void openOnOrders(MainWindow &window);
};

static const QStringList Fields = {QStringLiteral("name"), QStringLiteral("type"), QStringLiteral("nullable"), QStringLiteral("default"),
                                   QStringLiteral("backfill"), QStringLiteral("check"), QStringLiteral("unique"),
                                   QStringLiteral("references"), QStringLiteral("comment"), QStringLiteral("after"), QStringLiteral("sync")};

static void typeInto(ColumnDesigner *designer, const char *field, const QString &text)
{
    auto *edit = designer->findChild<QLineEdit *>(QLatin1String(field));
    QVERIFY(edit);
    edit->selectAll();
    if (text.isEmpty())
        QTest::keyClick(edit, Qt::Key_Backspace);
    else
        QTest::keyClicks(edit, text);
}

void TestColumnDesigner::openOnOrders(MainWindow &window)
{
    window.resize(1024, 700);
    window.show();
    QSignalSpy ready(&window, &MainWindow::ready);
    window.openDemo();
    QVERIFY(ready.wait(120000));
    QVERIFY2(window.lastError().isEmpty(), qPrintable(window.lastError()));
    QSignalSpy reset(window.columnsModel(), &QAbstractItemModel::modelReset);
    QVERIFY(window.selectTable({QStringLiteral("main"), QStringLiteral("orders")}));
    QVERIFY(reset.wait(30000));
    QSignalSpy shown(&window, &MainWindow::planShown);
    window.addColumn();
    QVERIFY(window.designer()->hasTable());
    QVERIFY(shown.wait(30000)); // the empty form's answer: name and type missing
}

void TestColumnDesigner::freshFormShowsNoProblems()
{
    MainWindow window;
    openOnOrders(window);
    if (QTest::currentTestFailed())
        return;
    ColumnDesigner *designer = window.designer();
    // Nothing typed: no field says anything, the plan view shows no problem list.
    for (const QString &field : Fields)
        QVERIFY2(designer->problemFor(field).isEmpty(), qPrintable(field + QLatin1String(": ") + designer->problemFor(field)));
    QVERIFY(designer->invalidFields().isEmpty());
    for (FieldMessage *line : designer->findChildren<FieldMessage *>())
        QVERIFY2(line->text().isEmpty(), qPrintable(line->objectName()));
    QVERIFY(!window.planView()->findChild<QLabel *>(QStringLiteral("specProblems"))->isVisible());

    // A field edited into a problem says so; one not touched yet still waits.
    QSignalSpy shown(&window, &MainWindow::planShown);
    typeInto(designer, "nameEdit", QStringLiteral("status"));
    QVERIFY(shown.wait(30000));
    QCOMPARE(designer->problemFor(QStringLiteral("name")), QStringLiteral("orders already has a column status"));
    QCOMPARE(designer->problemFor(QStringLiteral("type")), QString());
    QCOMPARE(designer->invalidFields(), QStringList{QStringLiteral("name")});
    auto *problems = window.planView()->findChild<QLabel *>(QStringLiteral("specProblems"));
    QVERIFY(problems->isVisible());
    QVERIFY(!problems->text().contains(QLatin1String("type:")));
    // Enter asks for the plan: every problem shows.
    QTest::keyClick(designer->findChild<QLineEdit *>(QStringLiteral("nameEdit")), Qt::Key_Return);
    QCOMPARE(designer->problemFor(QStringLiteral("type")), QStringLiteral("is missing"));
}

void TestColumnDesigner::fieldsStayPut()
{
    // Every input keeps its place whether its field, or any other, has a message or not.
    ColumnDesigner designer;
    designer.resize(460, 1000);
    designer.show();
    QVERIFY(QTest::qWaitForWindowExposed(&designer));
    TableDetails table;
    table.table = {QStringLiteral("main"), QStringLiteral("orders")};
    table.estimatedRows = 10;
    ColumnInfo id;
    id.name = QStringLiteral("id");
    id.type = QStringLiteral("INTEGER");
    table.columns << id;
    designer.setContext(Engine::MariaDB, table, {}, {});
    QApplication::processEvents();
    const auto places = [&] {
        QMap<QString, QRect> at;
        for (QWidget *w : designer.findChildren<QWidget *>()) {
            if (!w->objectName().isEmpty() && w->isVisible()
                && (qobject_cast<QLineEdit *>(w) || qobject_cast<QComboBox *>(w) || qobject_cast<QCheckBox *>(w)
                    || qobject_cast<QSpinBox *>(w)))
                at.insert(w->objectName(), QRect(w->mapTo(&designer, QPoint(0, 0)), w->size()));
        }
        return at;
    };
    // A plan on screen first (its notes under the default take their lines), then the problems.
    Plan plan;
    plan.spec.name = QStringLiteral("x");
    designer.showPlan(plan);
    QApplication::processEvents();
    const QMap<QString, QRect> before = places();
    QVERIFY(before.contains(QStringLiteral("nameEdit")) && before.contains(QStringLiteral("sideEffectsEdit")));
    QList<SpecProblem> everywhere;
    for (const QString &field : Fields)
        everywhere.append({field, QStringLiteral("a message long enough to wrap over more than one line in a narrow form, "
                                                 "said twice: a message long enough to wrap over more than one line")});
    designer.showProblems(everywhere);
    designer.revealProblems();
    QApplication::processEvents();
    for (const QString &field : Fields)
        QVERIFY2(!designer.problemFor(field).isEmpty(), qPrintable(field));
    QCOMPARE(places(), before);
    designer.showPlan(plan);
    designer.showWarnings({{QStringLiteral("check"), QStringLiteral("CHECK (id > 0) does not mention x")}});
    QApplication::processEvents();
    QCOMPARE(designer.problemFor(QStringLiteral("name")), QString());
    QCOMPARE(designer.warningFor(QStringLiteral("check")), QStringLiteral("CHECK (id > 0) does not mention x"));
    QCOMPARE(places(), before);
}

void TestColumnDesigner::lastValidPlanKeptOutOfDate()
{
    MainWindow window;
    openOnOrders(window);
    if (QTest::currentTestFailed())
        return;
    ColumnDesigner *designer = window.designer();
    typeInto(designer, "nameEdit", QStringLiteral("priority"));
    designer->findChild<QComboBox *>(QStringLiteral("typeCombo"))->setCurrentText(QStringLiteral("INTEGER"));
    PlanView *view = window.planView();
    QTRY_VERIFY_WITH_TIMEOUT(view->model()->rowCount() > 0 && view->runButton()->isEnabled(), 30000);
    const int steps = view->model()->rowCount();
    auto *outOfDate = view->findChild<QLabel *>(QStringLiteral("planOutOfDate"));
    QVERIFY(outOfDate && !outOfDate->isVisible());

    // An invalid keystroke: the plan stays, out of date, naming the field; Run is off.
    QSignalSpy shown(&window, &MainWindow::planShown);
    typeInto(designer, "nameEdit", QStringLiteral("status"));
    QVERIFY(shown.wait(30000));
    QCOMPARE(view->model()->rowCount(), steps);
    QVERIFY(view->isOutOfDate());
    QVERIFY(outOfDate->isVisible());
    QVERIFY2(outOfDate->text().startsWith(QLatin1String("Out of date: name is not valid.")), qPrintable(outOfDate->text()));
    QVERIFY(outOfDate->text().contains(QLatin1String("orders already has a column status")));
    QVERIFY(!view->runButton()->isEnabled());
    QVERIFY(!view->checkDataButton()->isEnabled());
    QVERIFY(view->timeline()->isVisible());
    QVERIFY(view->timeline()->graphicsEffect() != nullptr); // greyed
    QVERIFY(!view->findChild<QWidget *>(QStringLiteral("planSteps"))->isEnabled());
    QVERIFY(!view->versionSwitcher()->isEnabled());
    if (const QByteArray folder = qgetenv("STAGECRAFT_SHOTS"); !folder.isEmpty())
        QVERIFY(window.grab().save(QString::fromLocal8Bit(folder) + QStringLiteral("/designer-out-of-date.png")));

    // Valid again: the new plan replaces it.
    typeInto(designer, "nameEdit", QStringLiteral("priority2"));
    QTRY_VERIFY_WITH_TIMEOUT(!view->isOutOfDate() && view->runButton()->isEnabled(), 30000);
    QVERIFY(!outOfDate->isVisible());
    QVERIFY(view->timeline()->graphicsEffect() == nullptr);
    QVERIFY(view->findChild<QWidget *>(QStringLiteral("planSteps"))->isEnabled());
    QVERIFY(view->model()->plan().spec.name == QLatin1String("priority2"));
}

void TestColumnDesigner::addColumnStartsFresh()
{
    MainWindow window;
    openOnOrders(window);
    if (QTest::currentTestFailed())
        return;
    ColumnDesigner *designer = window.designer();
    typeInto(designer, "nameEdit", QStringLiteral("priority"));
    designer->findChild<QComboBox *>(QStringLiteral("typeCombo"))->setCurrentText(QStringLiteral("INTEGER"));
    typeInto(designer, "backfillEdit", QStringLiteral("total_cents % 7"));
    typeInto(designer, "checkEdit", QStringLiteral("priority >= 0"));
    designer->findChild<QCheckBox *>(QStringLiteral("indexCheck"))->setChecked(true);
    QTRY_VERIFY_WITH_TIMEOUT(window.planView()->model()->rowCount() > 0, 30000);

    // Add Column again: a new column, from an empty form, no plan of the one before.
    QSignalSpy shown(&window, &MainWindow::planShown);
    window.addColumn();
    const ColumnSpec spec = designer->spec();
    QCOMPARE(spec.table, (TableRef{QStringLiteral("main"), QStringLiteral("orders")}));
    QCOMPARE(spec.name, QString());
    QCOMPARE(spec.type, QString());
    QCOMPARE(spec.backfill, QString());
    QCOMPARE(spec.check, QString());
    QVERIFY(!spec.index);
    QVERIFY(spec.nullable);
    QCOMPARE(window.planView()->model()->rowCount(), 0);
    QVERIFY(!window.planView()->runButton()->isEnabled());
    QVERIFY(shown.wait(30000));
    QCOMPARE(window.planView()->model()->rowCount(), 0); // no answer of the old column comes back
    for (const QString &field : Fields)
        QVERIFY2(designer->problemFor(field).isEmpty(), qPrintable(field));
    QCOMPARE(designer->backfillPreview()->rowCount(), 0);
}

void TestColumnDesigner::checkWithoutColumnWarns()
{
    MainWindow window;
    openOnOrders(window);
    if (QTest::currentTestFailed())
        return;
    ColumnDesigner *designer = window.designer();
    typeInto(designer, "nameEdit", QStringLiteral("total_eur"));
    designer->findChild<QComboBox *>(QStringLiteral("typeCombo"))->setCurrentText(QStringLiteral("REAL"));
    typeInto(designer, "checkEdit", QStringLiteral("total_cents >= 0"));
    const QString warning = QStringLiteral("CHECK (total_cents >= 0) does not mention total_eur: it constrains other columns, and "
                                           "fails writes of the application that break it");
    QTRY_COMPARE_WITH_TIMEOUT(designer->warningFor(QStringLiteral("check")), warning, 30000);
    QCOMPARE(designer->problemFor(QStringLiteral("check")), QString()); // a warning, not an error: the plan is there
    QVERIFY(window.planView()->runButton()->isEnabled());
    QVERIFY(window.planView()->model()->plan().warnings.contains(warning));
    // Named, quoted: no warning.
    typeInto(designer, "checkEdit", QStringLiteral("\"total_eur\" >= total_cents / 100.0 - 1"));
    QTRY_VERIFY_WITH_TIMEOUT(window.planView()->model()->plan().spec.check.startsWith(QLatin1Char('"')), 30000);
    QCOMPARE(designer->warningFor(QStringLiteral("check")), QString());
}

void TestColumnDesigner::backfillPreview()
{
    MainWindow window;
    openOnOrders(window);
    if (QTest::currentTestFailed())
        return;
    ColumnDesigner *designer = window.designer();
    auto *workspace = window.findChild<PlanWorkspace *>();
    QVERIFY(workspace);
    BackfillPreviewModel *model = designer->backfillPreview();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy previewed(workspace, &PlanWorkspace::backfillPreviewed);
    typeInto(designer, "nameEdit", QStringLiteral("total_eur"));
    designer->findChild<QComboBox *>(QStringLiteral("typeCombo"))->setCurrentText(QStringLiteral("REAL"));
    typeInto(designer, "backfillEdit", QStringLiteral("CASE WHEN id % 4 = 0 THEN NULL ELSE total_cents / 100.0 END"));
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() == 20, 30000);
    // Beside each value: the row's key and the column it reads.
    QCOMPARE(model->columnCount(), 3);
    QCOMPARE(model->headerData(0, Qt::Horizontal).toString(), QStringLiteral("id"));
    QCOMPARE(model->headerData(1, Qt::Horizontal).toString(), QStringLiteral("total_cents"));
    QCOMPARE(model->headerData(2, Qt::Horizontal).toString(), QStringLiteral("→ total_eur"));
    for (int row = 0; row < 20; ++row) {
        const int id = model->index(row, 0).data().toInt();
        QCOMPARE(id, row + 1);
        const QModelIndex value = model->index(row, 2);
        if (id % 4 == 0) {
            QCOMPARE(value.data().toString(), QStringLiteral("NULL"));
            QVERIFY(value.data(Qt::EditRole).isNull());
            QVERIFY(value.data(Qt::FontRole).value<QFont>().italic());
        } else {
            QCOMPARE(value.data(Qt::EditRole).toDouble(), model->index(row, 1).data(Qt::EditRole).toDouble() / 100.0);
        }
    }
    QVERIFY2(designer->backfillPreviewStatus().startsWith(QLatin1String("20 rows")), qPrintable(designer->backfillPreviewStatus()));

    // A failing expression: the server's reason, no rows.
    typeInto(designer, "backfillEdit", QStringLiteral("no_such_column + 1"));
    QTRY_VERIFY_WITH_TIMEOUT(designer->backfillPreviewStatus().contains(QLatin1String("no such column: no_such_column")), 30000);
    QCOMPARE(model->rowCount(), 0);
    // None: nothing to preview.
    typeInto(designer, "backfillEdit", QString());
    QTRY_VERIFY_WITH_TIMEOUT(designer->backfillPreviewStatus().startsWith(QLatin1String("Give a backfill")), 30000);
}

void TestColumnDesigner::previewModel()
{
    // NULL and the empty string are told apart.
    BackfillPreviewModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    BackfillPreviewResult result;
    result.state = BackfillPreviewResult::State::Done;
    result.columns = {QStringLiteral("id"), QStringLiteral("note")};
    result.keyColumns = 1;
    result.valueColumn = QStringLiteral("label");
    result.rows = {{1, QString(), QStringLiteral("")}, {2, QVariant(), QVariant()}, {3, QStringLiteral("NULL"), QStringLiteral("x")}};
    model.setPreview(result);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.columnCount(), 3);
    QCOMPARE(model.index(0, 2).data().toString(), QString());
    QCOMPARE(model.index(0, 2).data(Qt::ToolTipRole).toString(), QStringLiteral("an empty string"));
    QCOMPARE(model.index(1, 2).data().toString(), QStringLiteral("NULL"));
    QCOMPARE(model.index(1, 2).data(Qt::ToolTipRole).toString(), QStringLiteral("NULL (no value)"));
    QVERIFY(model.index(1, 2).data(Qt::FontRole).value<QFont>().italic());
    QVERIFY(!model.index(2, 1).data(Qt::FontRole).value<QFont>().italic()); // the text NULL is text
    result.state = BackfillPreviewResult::State::Failed;
    result.rows.clear();
    model.setPreview(result);
    QCOMPARE(model.columnCount(), 0);
}

void TestColumnDesigner::darkThemeAt1024()
{
    // The designer at 1024x700 in the dark theme: messages readable (contrast over 4.5:1), the
    // preview in place. STAGECRAFT_SHOTS=folder keeps a picture to look at.
    SettingsDialog::applyTheme(SettingsDialog::Theme::Dark);
    const auto restore = qScopeGuard([] { SettingsDialog::applyTheme(SettingsDialog::Theme::Light); });
    MainWindow window;
    openOnOrders(window);
    if (QTest::currentTestFailed())
        return;
    ColumnDesigner *designer = window.designer();
    typeInto(designer, "nameEdit", QStringLiteral("status"));
    designer->findChild<QComboBox *>(QStringLiteral("typeCombo"))->setCurrentText(QStringLiteral("REAL"));
    typeInto(designer, "backfillEdit", QStringLiteral("total_cents / 100.0"));
    typeInto(designer, "checkEdit", QStringLiteral("total_cents >= 0"));
    QTRY_VERIFY_WITH_TIMEOUT(!designer->problemFor(QStringLiteral("name")).isEmpty() && designer->backfillPreview()->rowCount() == 20, 30000);
    const auto luminance = [](const QColor &c) {
        const auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
    };
    const QColor window_ = designer->palette().color(QPalette::Window);
    for (auto kind : {FieldMessage::Kind::Error, FieldMessage::Kind::Warning}) {
        const double a = luminance(FieldMessage::colour(designer->palette(), kind)), b = luminance(window_);
        const double contrast = (std::max(a, b) + 0.05) / (std::min(a, b) + 0.05);
        QVERIFY2(contrast >= 4.5, qPrintable(QString::number(contrast)));
    }
    if (const QByteArray folder = qgetenv("STAGECRAFT_SHOTS"); !folder.isEmpty()) {
        QTest::qWait(300);
        QVERIFY(window.grab().save(QString::fromLocal8Bit(folder) + QStringLiteral("/designer-dark-1024.png")));
    }
}

QTEST_MAIN(TestColumnDesigner)
#include "testcolumndesigner.moc"
