// The application shell as a user meets it: the connection tree, the state the window keeps across
// a refresh and a run, Stagecraft's own journal kept out of sight, a 1024x700 screen, and the
// colours of both themes.

#include "columndesigner.h"
#include "columnsmodel.h"
#include "confirmrundialog.h"
#include "connectionchip.h"
#include "connection/databaseconnection.h"
#include "demo/demodatabase.h"
#include "gatecard.h"
#include "locktimeline.h"
#include "report/timelinepainter.h"
#include "mainwindow.h"
#include "planstepsmodel.h"
#include "planview.h"
#include "runpanel.h"
#include "schemamodel.h"
#include "settingsdialog.h"
#include "sql/quoting.h"
#include "testservers.h"
#include "themecolors.h"
#include "themestyle.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPushButton>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QStyleOptionButton>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

class TestShell : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanupTestCase() { TestServers::stopAll(); }
    void connectionTree_data();
    void connectionTree();
    void refreshKeepsSelection();
    void stateAfterRun();
    void layoutAt1024_data();
    void layoutAt1024();
    void contrast_data();
    void contrast();
    void darkCheckBoxVisible();
    void timelineMarker_data();
    void timelineMarker();
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

static QString demoCopy(QTemporaryDir &dir)
{
    const QString path = dir.filePath(QStringLiteral("shop.sqlite"));
    QString error;
    if (!DemoDatabase::ensure(DemoDatabase::defaultPath(), &error) || !QFile::copy(DemoDatabase::defaultPath(), path))
        return {};
    return path;
}

static ConnectionProfile sqliteProfile(const QString &path)
{
    ConnectionProfile profile;
    profile.engine = Engine::SQLite;
    profile.database = path;
    return profile;
}

// How many of the journal's tables the SQLite database at path holds.
static qlonglong journalTables(const QString &path)
{
    DatabaseConnection c(sqliteProfile(path));
    ConnectionError e;
    if (!c.open(&e))
        return -1;
    QSqlQuery q(c.database());
    return q.exec(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE 'stagecraft\\_%' ESCAPE '\\'")) && q.next()
        ? q.value(0).toLongLong()
        : -1;
}

static bool openAndWait(MainWindow &window, const ConnectionProfile &profile)
{
    QSignalSpy ready(&window, &MainWindow::ready);
    window.openConnection(profile);
    return ready.wait(120000) && window.lastError().isEmpty();
}

static QTreeView *schemaTree(MainWindow &window)
{
    return window.findChild<QTreeView *>(QStringLiteral("schemaTree"));
}

static TableRef selectedTable(MainWindow &window)
{
    const QVariant ref = schemaTree(window)->currentIndex().siblingAtColumn(0).data(SchemaModel::TableRefRole);
    return ref.isValid() ? ref.value<TableRef>() : TableRef();
}

void TestShell::connectionTree_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<QString>("schema");
    QTest::addColumn<QString>("serverName");
    QTest::addColumn<QStringList>("journal"); // statements making a journal of Stagecraft's own, and a table
    QTest::newRow("sqlite") << "sqlite" << "main" << "SQLite"
                            << QStringList{QStringLiteral("CREATE TABLE stagecraft_runs (run_id text)"),
                                           QStringLiteral("CREATE TABLE stagecraft_steps (run_id text)")};
    QTest::newRow("postgresql") << "postgresql" << "public" << "PostgreSQL"
                                << QStringList{QStringLiteral("DROP SCHEMA IF EXISTS stagecraft CASCADE"),
                                               QStringLiteral("DROP TABLE IF EXISTS public.gadgets"),
                                               QStringLiteral("CREATE SCHEMA stagecraft"),
                                               QStringLiteral("CREATE TABLE stagecraft.runs (run_id text)"),
                                               QStringLiteral("CREATE TABLE stagecraft.steps (run_id text)"),
                                               QStringLiteral("CREATE TABLE public.gadgets (id int PRIMARY KEY)")};
}

// The tree's root is the connection (its name, engine and version, where it is), its schemas and
// tables under it; the journal's tables are in neither the tree nor the designer's table picker.
void TestShell::connectionTree()
{
    QFETCH(QString, engine);
    QFETCH(QString, schema);
    QFETCH(QString, serverName);
    QFETCH(QStringList, journal);
    QTemporaryDir dir;
    ConnectionProfile profile;
    if (engine == QLatin1String("sqlite")) {
        const QString path = demoCopy(dir);
        QVERIFY(!path.isEmpty());
        profile = sqliteProfile(path);
    } else {
        STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    }
    QString why;
    QVERIFY2(TestServers::execute(profile, journal, &why), qPrintable(why));
    MainWindow window;
    QAbstractItemModelTester tester(window.schemaModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    window.show();
    QVERIFY(openAndWait(window, profile));

    const SchemaModel *model = window.schemaModel();
    QCOMPARE(model->rowCount(), 1);
    const QModelIndex root = model->index(0, 0);
    const QString rootText = root.data().toString();
    QVERIFY2(rootText.contains(serverName), qPrintable(rootText));
    QVERIFY2(root.data(Qt::ToolTipRole).toString().contains(profile.database),
             qPrintable(root.data(Qt::ToolTipRole).toString()));
    QVERIFY(!model->index(0, 0, root).data(SchemaModel::TableRefRole).isValid()); // a schema, not a table
    QCOMPARE(childNames(model, root), QStringList{schema}); // PostgreSQL's "stagecraft" schema is the journal's alone
    QVERIFY(schemaTree(window)->isExpanded(schemaTree(window)->model()->index(0, 0)));
    const QStringList tables = childNames(model, model->index(0, 0, root));
    QVERIFY2(!tables.contains(QStringLiteral("stagecraft_runs")) && !tables.contains(QStringLiteral("stagecraft_steps")),
             qPrintable(tables.join(u',')));
    // The tabs' chip names the same connection.
    ConnectionChip *chip = window.connectionChip();
    QVERIFY(chip && chip->isVisible());
    QVERIFY2(chip->text().startsWith(QLatin1String("Connected to")) && chip->text().contains(serverName), qPrintable(chip->text()));
    window.findChild<QTabWidget *>()->setCurrentIndex(1);
    QVERIFY2(chip->text().startsWith(QLatin1String("Plan on")), qPrintable(chip->text()));
    // The designer's table picker (the references) offers no journal table either.
    window.addColumn();
    QTRY_VERIFY(window.designer()->hasTable());
    for (QComboBox *combo : window.designer()->findChildren<QComboBox *>()) {
        for (int i = 0; i < combo->count(); ++i)
            QVERIFY2(!combo->itemText(i).contains(QLatin1String("stagecraft_")) && !combo->itemText(i).startsWith(QLatin1String("stagecraft.")),
                     qPrintable(combo->itemText(i)));
    }
    if (engine != QLatin1String("sqlite"))
        QVERIFY2(TestServers::execute(profile, {QStringLiteral("DROP SCHEMA stagecraft CASCADE"), QStringLiteral("DROP TABLE public.gadgets")}, &why),
                 qPrintable(why));
}

static bool planSpec(MainWindow &window, const QString &specFile);

// F5 reads the catalog again and keeps the selected table, so the next Ctrl+N designs a column for
// it; the plan stays, its pre-flight findings said to be of before the refresh.
void TestShell::refreshKeepsSelection()
{
    QTemporaryDir dir;
    const QString path = demoCopy(dir);
    QVERIFY(!path.isEmpty());
    MainWindow window;
    window.show();
    QVERIFY(openAndWait(window, sqliteProfile(path)));
    const TableRef orders{QStringLiteral("main"), QStringLiteral("orders")};
    QVERIFY(window.selectTable(orders));
    QTRY_VERIFY(columnNames(window.columnsModel()).contains(QStringLiteral("customer_id")));
    QVERIFY(planSpec(window, QStringLiteral(STAGECRAFT_SOURCE_DIR "/resources/demo/orders-total-eur.json")));
    QSignalSpy checked(&window, &MainWindow::dataChecked);
    window.planView()->checkDataButton()->click();
    QVERIFY(checked.wait(60000));
    QVERIFY(window.planView()->findingsText().startsWith(QLatin1String("Existing data:")));
    QString why;
    QVERIFY2(TestServers::execute(sqliteProfile(path), {QStringLiteral("ALTER TABLE orders ADD COLUMN note text")}, &why), qPrintable(why));

    QSignalSpy ready(&window, &MainWindow::ready);
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTest::keyClick(&window, Qt::Key_F5);
    QVERIFY(ready.wait(60000));
    QCOMPARE(selectedTable(window), orders);
    QVERIFY2(columnNames(window.columnsModel()).contains(QStringLiteral("note")), qPrintable(columnNames(window.columnsModel()).join(u',')));
    QVERIFY(window.planView()->runButton()->isEnabled()); // the same connection: the plan stays
    QVERIFY2(window.planView()->findingsText().contains(QLatin1String("before the tables were read again")),
             qPrintable(window.planView()->findingsText()));
    // Two refreshes that cross (the second asked before the first's tables are in) keep it too.
    QTest::keyClick(&window, Qt::Key_F5);
    QTest::keyClick(&window, Qt::Key_F5);
    QVERIFY(ready.wait(60000));
    QTest::qWait(500); // the second answer
    QCOMPARE(selectedTable(window), orders);
    QTRY_VERIFY(columnNames(window.columnsModel()).contains(QStringLiteral("note")));
    QVERIFY(window.lastError().isEmpty());
    QTest::keyClick(&window, Qt::Key_N, Qt::ControlModifier);
    QTRY_VERIFY(window.designer()->hasTable());
    QCOMPARE(window.designer()->spec().table, orders);
}

static bool planSpec(MainWindow &window, const QString &specFile)
{
    QSignalSpy shown(&window, &MainWindow::planShown);
    window.planSpecFile(specFile);
    if (!shown.wait(60000))
        return false;
    return QTest::qWaitFor([&] { return window.planView()->runButton()->isEnabled(); }, 30000);
}

static void confirmWith(MainWindow &window, const QString &table)
{
    ConfirmRunDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = window.findChild<ConfirmRunDialog *>(QStringLiteral("confirmRun"))));
    QTest::keyClicks(dialog->confirmationEdit(), table);
    QVERIFY(dialog->runButton()->isEnabled());
    dialog->runButton()->click();
}

// After a run, whatever its outcome: the tree and the table are read again (the new column shows,
// the selection stays, the journal the run made stays hidden), Run… says why it is disabled and
// offers Plan Again, and the pre-flight findings say they are of before the run.
void TestShell::stateAfterRun()
{
    QTemporaryDir dir;
    const QString path = demoCopy(dir);
    QVERIFY(!path.isEmpty());
    MainWindow window;
    window.resize(1024, 700);
    window.show();
    QVERIFY(openAndWait(window, sqliteProfile(path)));
    QVERIFY(planSpec(window, QStringLiteral(STAGECRAFT_SOURCE_DIR "/resources/demo/orders-total-eur.json")));
    const TableRef orders{QStringLiteral("main"), QStringLiteral("orders")};
    QTRY_COMPARE(selectedTable(window), orders);
    QSignalSpy checked(&window, &MainWindow::dataChecked);
    window.planView()->checkDataButton()->click();
    QVERIFY(checked.wait(60000));
    QVERIFY(window.planView()->findingsText().startsWith(QLatin1String("Existing data:")));
    QVERIFY(window.planView()->runStateText().isEmpty());

    QSignalSpy ended(&window, &MainWindow::runEnded);
    window.planView()->runButton()->click();
    confirmWith(window, QStringLiteral("orders"));
    QVERIFY(ended.wait(120000));
    QVERIFY2(window.connectionChip()->text().startsWith(QLatin1String("Run on")), qPrintable(window.connectionChip()->text()));
    // The demo's column waits at a deploy gate first: said so, not offered for another run.
    QVERIFY2(window.planView()->runStateText().contains(QLatin1String("waits at a deploy gate")), qPrintable(window.planView()->runStateText()));
    QVERIFY(!window.planView()->runButton()->isEnabled());
    // The run panel with its gate card fits a 1024 px screen.
    QVERIFY2(window.minimumSizeHint().width() <= 1024, qPrintable(QString::number(window.minimumSizeHint().width())));
    QVERIFY(QDir().mkpath(QStringLiteral(STAGECRAFT_BINARY_DIR "/screenshots")));
    QVERIFY(window.grab().save(QStringLiteral(STAGECRAFT_BINARY_DIR "/screenshots/shell-1024-run-gate.png")));
    for (int i = 0; i < 3 && window.runPanel()->summary().startsWith(QLatin1String("<b>Waiting at a deploy gate</b>")); ++i) {
        window.runPanel()->gateCard()->continueButton()->click();
        QVERIFY(ended.wait(120000));
    }
    QVERIFY2(window.runPanel()->summary().startsWith(QLatin1String("<b>Done</b>")), qPrintable(window.runPanel()->summary()));
    QVERIFY2(window.minimumSizeHint().width() <= 1024, qPrintable(QString::number(window.minimumSizeHint().width())));

    // The Schema tab, without F5: the new column, the same table, no journal tables.
    QTRY_VERIFY2_WITH_TIMEOUT(columnNames(window.columnsModel()).contains(QStringLiteral("total_eur")),
                              qPrintable(window.lastError() + u' ' + columnNames(window.columnsModel()).join(u',')), 30000);
    QCOMPARE(selectedTable(window), orders);
    const QModelIndex main = window.schemaModel()->index(0, 0, window.schemaModel()->index(0, 0));
    QCOMPARE(childNames(window.schemaModel(), main),
             (QStringList{QStringLiteral("customers"), QStringLiteral("order_items"), QStringLiteral("orders"), QStringLiteral("products")}));
    QCOMPARE(journalTables(path), 2); // the journal is there, in the database
    // Why Run… is disabled, and Plan Again.
    QVERIFY(!window.planView()->runButton()->isEnabled());
    const QString state = window.planView()->runStateText();
    QVERIFY2(state.startsWith(QLatin1String("This plan has run (done at ")) && state.contains(QLatin1String("Plan Again")), qPrintable(state));
    QVERIFY2(window.planView()->findingsText().startsWith(QLatin1String("As of ")) && window.planView()->findingsText().contains(QLatin1String("before the run")), qPrintable(window.planView()->findingsText()));
    auto *label = window.planView()->findChild<QLabel *>(QStringLiteral("planRunState"));
    QVERIFY(label && label->isVisibleTo(window.planView()));
    QSignalSpy shown(&window, &MainWindow::planShown);
    QVERIFY(QMetaObject::invokeMethod(label, "linkActivated", Q_ARG(QString, QStringLiteral("plan-again"))));
    window.findChild<QTabWidget *>()->setCurrentIndex(1);
    QVERIFY(window.grab().save(QStringLiteral(STAGECRAFT_BINARY_DIR "/screenshots/shell-1024-after-run.png")));
    QVERIFY(shown.wait(60000));
    QVERIFY(!label->isVisibleTo(window.planView())); // a new answer from the planner (here: the column exists now)
}

void TestShell::layoutAt1024_data()
{
    QTest::addColumn<bool>("dark");
    QTest::newRow("light") << false;
    QTest::newRow("dark") << true;
}

// Every step's name fits its column; the columns fill the view where they fit in it.
static bool stepNamesWhole(QTreeView *steps, QString *why)
{
    QHeaderView *header = steps->header();
    const QAbstractItemModel *model = steps->model();
    for (int stage = 0; stage < model->rowCount(); ++stage) {
        const QModelIndex parent = model->index(stage, 0);
        for (int step = 0; step < model->rowCount(parent); ++step) {
            const QModelIndex index = model->index(step, PlanStepsModel::StepColumn, parent);
            const QRect rect = steps->visualRect(index);
            const int needed = steps->fontMetrics().horizontalAdvance(index.data().toString());
            if (rect.width() < needed) {
                *why = QStringLiteral("%1: %2 px for %3").arg(index.data().toString()).arg(rect.width()).arg(needed);
                return false;
            }
        }
    }
    int total = 0;
    for (int c = 0; c < header->count(); ++c)
        total += header->isSectionHidden(c) ? 0 : header->sectionSize(c);
    if (total < steps->viewport()->width() - 1) {
        *why = QStringLiteral("the columns take %1 of %2 px").arg(total).arg(steps->viewport()->width());
        return false;
    }
    return true;
}

// Fully inside the window and not squeezed below its own minimum.
static bool shownWhole(const QWidget *widget, const QWidget *window, QString *why)
{
    if (!widget->isVisible()) {
        *why = widget->objectName() + QLatin1String(" is hidden");
        return false;
    }
    const QRect inWindow(widget->mapTo(window, QPoint(0, 0)), widget->size());
    if (!window->rect().contains(inWindow)) {
        *why = QStringLiteral("%1 at %2,%3 %4x%5 is outside the window")
                   .arg(widget->objectName())
                   .arg(inWindow.x())
                   .arg(inWindow.y())
                   .arg(inWindow.width())
                   .arg(inWindow.height());
        return false;
    }
    if (widget->width() < widget->minimumSizeHint().width()) {
        *why = QStringLiteral("%1 is %2 wide, under its minimum %3").arg(widget->objectName()).arg(widget->width()).arg(widget->minimumSizeHint().width());
        return false;
    }
    return true;
}

// A 1024x700 screen shows the whole window: the plan review with its buttons, a long volatility
// badge wrapped, header sections that give names their width.
void TestShell::layoutAt1024()
{
    QFETCH(bool, dark);
    const auto restore = qScopeGuard([] { SettingsDialog::applyTheme(SettingsDialog::Theme::System); });
    if (dark)
        SettingsDialog::applyTheme(SettingsDialog::Theme::Dark);
    QTemporaryDir dir;
    const QString path = demoCopy(dir);
    QVERIFY(!path.isEmpty());
    MainWindow window;
    window.resize(1024, 700);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(openAndWait(window, sqliteProfile(path)));
    QVERIFY2(window.minimumSizeHint().width() <= 1024, qPrintable(QString::number(window.minimumSizeHint().width())));
    QCOMPARE(window.width(), 1024);

    // The Schema tab: the indexes' and constraints' names whole, the stretched column taking the rest.
    QVERIFY(window.selectTable({QStringLiteral("main"), QStringLiteral("orders")}));
    QTRY_VERIFY(columnNames(window.columnsModel()).contains(QStringLiteral("customer_id")));
    for (const char *name : {"columnsView", "indexesView", "constraintsView"}) {
        auto *view = window.findChild<QTableView *>(QLatin1String(name));
        QVERIFY(view);
        view->show();
        QHeaderView *header = view->horizontalHeader();
        for (int row = 0; row < view->model()->rowCount(); ++row) {
            const QString text = view->model()->index(row, 0).data().toString();
            QVERIFY2(header->sectionSize(0) >= view->fontMetrics().horizontalAdvance(text), qPrintable(QString::fromLatin1(name) + u' ' + text));
        }
    }
    QString why;
    QVERIFY2(shownWhole(schemaTree(window), &window, &why), qPrintable(why));

    // The Plan tab, with a plan whose default is volatile (the longest badge).
    // The spec file opens in the designer with its plan (Add Column… would start an empty one).
    QVERIFY(planSpec(window, QStringLiteral(STAGECRAFT_SOURCE_DIR "/resources/demo/orders-total-eur.json")));
    QTRY_VERIFY(window.designer()->hasTable());
    auto *defaultEdit = window.designer()->findChild<QLineEdit *>(QStringLiteral("defaultEdit"));
    QVERIFY(defaultEdit);
    QTest::qWait(100);
    QCOMPARE(window.width(), 1024);
    QVERIFY2(window.minimumSizeHint().width() <= 1024, qPrintable(QString::number(window.minimumSizeHint().width())));
    PlanView *plan = window.planView();
    for (QWidget *widget : std::initializer_list<QWidget *>{plan->runButton(), plan->checkDataButton(), plan->versionSwitcher(),
                                                             plan->timeline(), window.connectionChip()})
        QVERIFY2(shownWhole(widget, &window, &why), qPrintable(why));
    QVERIFY(plan->timeline()->height() >= plan->timeline()->heightForWidth(plan->timeline()->width()));
    // The steps: every step's name whole (the view scrolls sideways where the width is short).
    auto *steps = plan->findChild<QTreeView *>(QStringLiteral("planSteps"));
    QVERIFY(steps);
    QVERIFY2(stepNamesWhole(steps, &why), qPrintable(why));
    QVERIFY(QDir().mkpath(QStringLiteral(STAGECRAFT_BINARY_DIR "/screenshots")));
    QVERIFY(window.grab().save(QStringLiteral(STAGECRAFT_BINARY_DIR "/screenshots/shell-1024-%1.png").arg(dark ? "dark" : "light")));
    window.findChild<QTabWidget *>()->setCurrentIndex(0);
    QVERIFY(window.grab().save(QStringLiteral(STAGECRAFT_BINARY_DIR "/screenshots/shell-1024-schema-%1.png").arg(dark ? "dark" : "light")));
    // Wide: the title's column takes the width the others leave, no sideways scrolling.
    window.findChild<QTabWidget *>()->setCurrentIndex(1);
    window.resize(2000, 900);
    QTRY_COMPARE(window.width(), 2000);
    QTRY_VERIFY2(stepNamesWhole(steps, &why), qPrintable(why));
    int total = 0;
    for (int c = 0; c < steps->header()->count(); ++c)
        total += steps->header()->isSectionHidden(c) ? 0 : steps->header()->sectionSize(c);
    QVERIFY2(steps->header()->sectionResizeMode(PlanStepsModel::StepColumn) == QHeaderView::Stretch,
             qPrintable(QStringLiteral("%1 in %2").arg(total).arg(steps->viewport()->width())));
    QVERIFY2(total <= steps->viewport()->width() + 1, qPrintable(QStringLiteral("%1 > %2").arg(total).arg(steps->viewport()->width())));
}

void TestShell::contrast_data()
{
    QTest::addColumn<int>("theme");
    QTest::newRow("light") << int(SettingsDialog::Theme::Light);
    QTest::newRow("dark") << int(SettingsDialog::Theme::Dark);
}

// WCAG: text of every kind at least 4.5:1 on the window and in views, and in its banner.
void TestShell::contrast()
{
    QFETCH(int, theme);
    const auto restore = qScopeGuard([] { SettingsDialog::applyTheme(SettingsDialog::Theme::System); });
    MainWindow window; // made before the change: its banners follow the theme
    SettingsDialog::applyTheme(SettingsDialog::Theme(theme));
    const QPalette palette = QApplication::palette();
    QCOMPARE(ThemeColors::isDark(palette), theme == int(SettingsDialog::Theme::Dark));
    for (ThemeColors::Kind kind : {ThemeColors::Error, ThemeColors::Warning, ThemeColors::Success, ThemeColors::Info, ThemeColors::Neutral}) {
        for (QPalette::ColorRole background : {QPalette::Window, QPalette::Base, QPalette::AlternateBase}) {
            const double ratio = ThemeColors::contrast(ThemeColors::text(kind, palette), palette.color(background));
            QVERIFY2(ratio >= 4.5, qPrintable(QStringLiteral("kind %1 on role %2: %3:1").arg(kind).arg(background).arg(ratio)));
        }
        const double banner = ThemeColors::contrast(ThemeColors::bannerText(kind, palette), ThemeColors::bannerBackground(kind, palette));
        QVERIFY2(banner >= 4.5, qPrintable(QStringLiteral("banner %1: %2:1").arg(kind).arg(banner)));
        // A link in a banner (the resume bar, Plan Again).
        const double link = ThemeColors::contrast(palette.color(QPalette::Link), ThemeColors::bannerBackground(kind, palette));
        QVERIFY2(link >= 4.5, qPrintable(QStringLiteral("link on banner %1: %2:1").arg(kind).arg(link)));
    }
    // The plan's own colours, on the views' base.
    for (const QColor &color : {PlanStepsModel::failingWritesColor(), PlanStepsModel::unprovedColor()})
        QVERIFY2(ThemeColors::contrast(color, palette.color(QPalette::Base)) >= 4.5, qPrintable(color.name()));
    QVERIFY(ThemeColors::contrast(PlanStepsModel::gateForeground(), PlanStepsModel::gateBackground()) >= 4.5);
    // The banners on screen took the theme's colours.
    auto *banner = window.findChild<QLabel *>(QStringLiteral("errorBanner"));
    QVERIFY(banner);
    QVERIFY2(banner->styleSheet().contains(ThemeColors::bannerBackground(ThemeColors::Error, palette).name()), qPrintable(banner->styleSheet()));
    QVERIFY(banner->styleSheet().contains(ThemeColors::bannerText(ThemeColors::Error, palette).name()));
}

// An unchecked check box in the dark theme: its outline stands out from the window (3:1, WCAG's
// contrast for the parts of a control).
void TestShell::darkCheckBoxVisible()
{
    const auto restore = qScopeGuard([] { SettingsDialog::applyTheme(SettingsDialog::Theme::System); });
    SettingsDialog::applyTheme(SettingsDialog::Theme::Dark);
    QCheckBox box(QStringLiteral("Keep filled"));
    box.resize(box.sizeHint());
    box.show();
    QVERIFY(QTest::qWaitForWindowExposed(&box));
    const QImage image = box.grab().toImage();
    QStyleOptionButton option;
    option.initFrom(&box);
    const QRect indicator = box.style()->subElementRect(QStyle::SE_CheckBoxIndicator, &option, &box);
    QVERIFY(!indicator.isEmpty());
    const QColor window = box.palette().color(QPalette::Window);
    double best = 1;
    for (int y = indicator.top(); y <= indicator.bottom(); ++y) {
        for (int x = indicator.left(); x <= indicator.right(); ++x)
            best = std::max(best, ThemeColors::contrast(image.pixelColor(x * image.width() / box.width(), y * image.height() / box.height()), window));
    }
    QVERIFY2(best >= 3.0, qPrintable(QString::number(best)));
}

void TestShell::timelineMarker_data()
{
    QTest::addColumn<int>("marker"); // the step where the point of no return is
    QTest::addColumn<int>("width");
    QTest::newRow("middle, wide") << 1 << 900;
    QTest::newRow("last step, narrow") << 2 << 360;
}

// The timeline's "point of no return" label on a line of its own under the header, inside the
// picture (left of its line where the right has no room); the legend wraps, and the widget is as
// tall as the picture needs.
void TestShell::timelineMarker()
{
    QFETCH(int, marker);
    QFETCH(int, width);
    Plan plan;
    plan.spec.name = QStringLiteral("total_eur");
    for (int i = 0; i < 3; ++i) {
        PlanStep step;
        step.title = QStringLiteral("step %1").arg(i + 1);
        step.estimatedSeconds = i == 1 ? 4 : 1;
        step.blocksWrites = i != 1;
        step.lockHeldSeconds = i != 1 ? 0.5 : 0;
        plan.steps << step;
    }
    plan.pointOfNoReturn = marker;
    plan.naive.estimatedSeconds = 6;
    plan.naive.blocksWrites = true;
    plan.naive.lockHeldSeconds = 6;
    LockTimeline timeline;
    timeline.setPlan(plan);
    Plan without = plan;
    without.pointOfNoReturn = -1;
    const QFontMetrics fm(timeline.font());
    QVERIFY(timeline.heightForWidth(width) >= TimelinePainter::heightFor(without, width, timeline.font()) + fm.height());
    QVERIFY(timeline.heightForWidth(360) >= timeline.heightForWidth(900)); // the legend wraps when narrow
    QPalette palette;
    palette.setColor(QPalette::Base, Qt::white);
    palette.setColor(QPalette::Text, Qt::black);
    const QImage image = LockTimeline::render(plan, QSize(width, timeline.heightForWidth(width)), palette).convertToFormat(QImage::Format_RGB32);
    // The label's band: below the header line, above the staged lane.
    const int bandTop = 4 + fm.height() + 6, bandBottom = fm.height() + 10 + fm.height();
    int left = width, right = -1;
    for (int y = bandTop; y < bandBottom; ++y) {
        for (int x = 0; x < width; ++x) {
            const QRgb pixel = image.pixel(x, y);
            // Text only (black or its grey antialiasing): no bar reaches up into the label's line.
            QVERIFY2(std::abs(qRed(pixel) - qGreen(pixel)) < 40 && std::abs(qGreen(pixel) - qBlue(pixel)) < 40,
                     qPrintable(QStringLiteral("a colour at %1,%2").arg(x).arg(y)));
            if (qGray(pixel) < 128) {
                left = std::min(left, x);
                right = std::max(right, x);
            }
        }
    }
    QVERIFY2(right > left + fm.horizontalAdvance(QStringLiteral("point of no return")) / 2, qPrintable(QStringLiteral("%1..%2").arg(left).arg(right)));
    QVERIFY2(right < width - 1, qPrintable(QString::number(right)));
    QVERIFY(QDir().mkpath(QStringLiteral(STAGECRAFT_BINARY_DIR "/screenshots")));
    QVERIFY(image.save(QStringLiteral(STAGECRAFT_BINARY_DIR "/screenshots/timeline-marker-%1.png").arg(width)));
}

QTEST_MAIN(TestShell)
#include "testshell.moc"
