// A tour of every screen on a real X display (Xvfb, started by CTest), saving a screenshot of each
// into the build folder's screenshots/: the Connect dialog, the schema browser, the column designer
// with bad input, the plan review with its pre-flight findings, the run confirmation, the finished
// run, a run waiting at a deploy gate (on the test PostgreSQL, with a live application writing),
// the preferences, the About box, and the plan review in the dark theme. testscreenshot
// then checks that none is blank; the README shows them (copied to packaging/screenshots).
//
// The run happens on a copy of the demo database: the demo itself is never changed.

#include "columndesigner.h"
#include "confirmrundialog.h"
#include "connectdialog.h"
#include "connection/profilestore.h"
#include "demo/demodatabase.h"
#include "gatecard.h"
#include "historyview.h"
#include "rehearsaldialog.h"
#include "runhistorymodel.h"
#include "livewriter.h"
#include "impactmodel.h"
#include "postgrestestserver.h"
#include "sparkline.h"
#include "testservers.h"
#include "mainwindow.h"
#include "planview.h"
#include "runpanel.h"
#include "settingsdialog.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QScreen>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace Stagecraft;

class Screenshots : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void connectDialog();
    void schemaBrowser();
    void designerWithBadInput();
    void planReviewAndRun();
    void runWaitingAtGate();
    void planImpact();
    void preferencesAndAbout();
    void darkTheme();

private:
    // Saves what the screen shows where the window is (dialogs over it included).
    void shoot(QWidget *window, const QString &name);
    void openDemoCopy(MainWindow &window);
    QTemporaryDir m_dir;
    int m_copies = 0;
};

static const QString Folder = QStringLiteral(STAGECRAFT_SCREENSHOT_DIR);

void Screenshots::initTestCase()
{
    QVERIFY2(QGuiApplication::platformName() == QLatin1String("xcb"),
             "run under Xvfb (the CTest test does): screenshots are of a real X display");
    QVERIFY(QDir().mkpath(Folder));
    QString error;
    QVERIFY2(DemoDatabase::ensure(DemoDatabase::defaultPath(), &error), qPrintable(error));
    // Connections a user would have saved and used; no keychain in the tour.
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/stagecraft-screenshot-bus");
    QSettings().remove(QStringLiteral("connections"));
    ProfileStore store;
    const QStringList saved = {QStringLiteral("Orders (production replica)|postgresql://dba@orders-db.internal/orders?sslmode=verify-full"),
                               QStringLiteral("Staging shop|mariadb://app@staging.internal:3307/shop"),
                               QStringLiteral("Local analytics|postgresql://me@localhost/analytics")};
    for (const QString &entry : saved) {
        SavedConnection c;
        c.name = entry.section(QLatin1Char('|'), 0, 0);
        QVERIFY(ConnectionProfile::fromUrl(entry.section(QLatin1Char('|'), 1), &c.profile, &error));
        QVERIFY(store.save(c, &error));
    }
    for (const QString &url : {QStringLiteral("sqlite:///home/me/projects/shop/dev.db"),
                               QStringLiteral("mariadb://app@staging.internal:3307/shop"),
                               QStringLiteral("postgresql://dba@orders-db.internal/orders?sslmode=verify-full")}) {
        ConnectionProfile p;
        QVERIFY(ConnectionProfile::fromUrl(url, &p, &error));
        store.addRecent(p);
    }
}

void Screenshots::shoot(QWidget *window, const QString &name)
{
    // Let layouts, highlighting and the last paint settle.
    QTest::qWait(400);
    QApplication::processEvents();
    const QRect frame = window->frameGeometry();
    const QPixmap shot = window->screen()->grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height());
    const QString path = Folder + QLatin1Char('/') + name;
    QVERIFY2(!shot.isNull() && shot.save(path), qPrintable(path));
    qInfo("saved %s (%dx%d)", qPrintable(path), shot.width(), shot.height());
}

void Screenshots::openDemoCopy(MainWindow &window)
{
    // A fresh copy each time: the run changes it.
    const QString copy = m_dir.filePath(QStringLiteral("shop-%1.sqlite").arg(++m_copies));
    QVERIFY(QFile::copy(DemoDatabase::defaultPath(), copy));
    QSignalSpy ready(&window, &MainWindow::ready);
    window.openUrl(QStringLiteral("sqlite://") + copy);
    QVERIFY(ready.wait(60000));
    QVERIFY2(window.lastError().isEmpty(), qPrintable(window.lastError()));
}

static void prepare(MainWindow &window)
{
    window.resize(1280, 800);
    window.move(0, 0);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
}

void Screenshots::connectDialog()
{
    MainWindow window;
    prepare(window);
    ConnectDialog *dialog = window.showConnectDialog();
    QVERIFY(QTest::qWaitForWindowExposed(dialog));
    QVERIFY(dialog->selectSaved(QStringLiteral("Orders (production replica)")));
    shoot(&window, QStringLiteral("connect-dialog.png"));
    dialog->reject();
}

void Screenshots::schemaBrowser()
{
    MainWindow window;
    prepare(window);
    openDemoCopy(window);
    QVERIFY(window.selectTable({QStringLiteral("main"), QStringLiteral("orders")}));
    QTest::qWait(800); // the table's details load off the GUI thread
    shoot(&window, QStringLiteral("schema-browser.png"));
}

void Screenshots::designerWithBadInput()
{
    MainWindow window;
    prepare(window);
    openDemoCopy(window);
    QVERIFY(window.selectTable({QStringLiteral("main"), QStringLiteral("orders")}));
    QTest::qWait(800);
    window.addColumn();
    ColumnDesigner *designer = window.designer();
    QTRY_VERIFY(designer->hasTable());
    auto type = [designer](const char *name, const QString &text) {
        auto *edit = designer->findChild<QLineEdit *>(QLatin1String(name));
        edit->selectAll();
        edit->del();
        QTest::keyClicks(edit, text);
    };
    // A name already taken and a CHECK on a column that does not exist: the messages sit beside
    // their fields, and Run stays disabled.
    type("nameEdit", QStringLiteral("status"));
    designer->findChild<QComboBox *>(QStringLiteral("typeCombo"))->setCurrentText(QStringLiteral("TEXT"));
    type("checkEdit", QStringLiteral("length(status) <= 20"));
    QTRY_VERIFY_WITH_TIMEOUT(!designer->problemFor(QStringLiteral("name")).isEmpty(), 30000);
    QVERIFY(!window.planView()->runButton()->isEnabled());
    shoot(&window, QStringLiteral("column-designer.png"));
}

void Screenshots::planReviewAndRun()
{
    MainWindow window;
    prepare(window);
    openDemoCopy(window);
    QSignalSpy shown(&window, &MainWindow::planShown);
    window.planSpecFile(QStringLiteral(STAGECRAFT_SOURCE_DIR "/resources/demo/orders-total-eur.json"));
    QVERIFY(shown.wait(60000));
    QTRY_VERIFY(window.planView()->runButton()->isEnabled());
    QSignalSpy checked(&window, &MainWindow::dataChecked);
    window.planView()->checkDataButton()->click();
    QVERIFY(checked.wait(60000));
    shoot(&window, QStringLiteral("plan-review.png"));
    // The review report as a DBA receives it, kept beside the screenshots.
    QString error;
    QVERIFY2(window.exportPlan(QStringLiteral("pdf"), Folder + QStringLiteral("/review-report.pdf"), &error), qPrintable(error));
    QVERIFY2(window.exportPlan(QStringLiteral("markdown"), Folder + QStringLiteral("/review-report.md"), &error), qPrintable(error));

    // Rehearse: the plan on a copy of 20,000 of the 200,000 orders under a writer of 50 writes a second.
    window.planView()->rehearseButton()->click();
    RehearsalDialog *rehearsal = nullptr;
    QTRY_VERIFY((rehearsal = window.findChild<RehearsalDialog *>(QStringLiteral("rehearsal"))));
    QVERIFY(QTest::qWaitForWindowExposed(rehearsal));
    QTest::keyClicks(rehearsal->confirmationEdit(), QStringLiteral("orders"));
    rehearsal->sampleRows()->setValue(20000);
    rehearsal->writeRate()->setValue(50);
    QSignalSpy rehearsed(rehearsal, &RehearsalDialog::rehearsed);
    rehearsal->startButton()->click();
    QVERIFY(rehearsed.wait(120000));
    QVERIFY2(rehearsed.first().first().value<RehearsalReport>().completed, qPrintable(rehearsal->summaryText()));
    shoot(rehearsal, QStringLiteral("rehearsal.png"));
    rehearsal->close();

    QSignalSpy ended(&window, &MainWindow::runEnded);
    window.planView()->runButton()->click();
    ConfirmRunDialog *confirm = nullptr;
    QTRY_VERIFY((confirm = window.findChild<ConfirmRunDialog *>(QStringLiteral("confirmRun"))));
    QVERIFY(QTest::qWaitForWindowExposed(confirm));
    QTest::keyClicks(confirm->confirmationEdit(), QStringLiteral("orders"));
    shoot(&window, QStringLiteral("confirm-run.png"));
    confirm->runButton()->click();
    QVERIFY(ended.wait(120000));
    // The demo's column is derived: the run waits at the deploy gate; the user deployed, continues.
    for (int i = 0; i < 3 && window.runPanel()->summary().startsWith(QLatin1String("<b>Waiting at a deploy gate</b>")); ++i) {
        window.runPanel()->gateCard()->continueButton()->click();
        QVERIFY(ended.wait(120000));
    }
    QVERIFY2(window.runPanel()->summary().startsWith(QLatin1String("<b>Done</b>")), qPrintable(window.runPanel()->summary()));
    shoot(&window, QStringLiteral("run.png"));
    // History: the run just made, newest first, with its steps' times and outcome.
    HistoryView *history = window.historyView();
    QTRY_VERIFY_WITH_TIMEOUT(history->runsModel()->rowCount() > 0, 30000);
    for (QTabWidget *tabs : window.findChildren<QTabWidget *>())
        if (tabs->indexOf(history) >= 0)
            tabs->setCurrentWidget(history);
    QVERIFY(history->isVisible());
    history->runsView()->selectRow(0);
    shoot(&window, QStringLiteral("history.png"));
}

// A run on PostgreSQL waiting at the gate before the contract stage, while two versions of the
// application write: the old one leaves total_eur out (the sync fills it), the new one sets it.
void Screenshots::runWaitingAtGate()
{
    using namespace Stagecraft::Testing;
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("postgresql"), profile);
    const auto stopServers = qScopeGuard([] { TestServers::stopAll(); });
    QString why;
    // Sessions count PL/pgSQL calls, so the card can tell how often the sync still fills the column.
    QVERIFY2(TestServers::execute(profile, {QStringLiteral("ALTER DATABASE postgres SET track_functions = 'pl'"),
                                            QStringLiteral("CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int NOT NULL, "
                                                           "total_cents int NOT NULL)"),
                                            QStringLiteral("INSERT INTO orders SELECT g, g % 5000, (g * 37) % 90000 FROM generate_series(1, 50000) g")},
                                  &why),
             qPrintable(why));
    QFile spec(m_dir.filePath(QStringLiteral("orders-total-eur-pg.json")));
    QVERIFY(spec.open(QIODevice::WriteOnly));
    spec.write(R"j({"table": "public.orders", "column": {"name": "total_eur", "type": "numeric(12,2)", "backfill": "total_cents / 100.0",
                   "check": "total_eur >= 0", "index": true}})j");
    spec.close();

    MainWindow window;
    prepare(window);
    QSignalSpy ready(&window, &MainWindow::ready);
    window.openConnection(profile);
    QVERIFY(ready.wait(60000));
    QSignalSpy shown(&window, &MainWindow::planShown);
    window.planSpecFile(spec.fileName());
    QVERIFY(shown.wait(60000));
    QTRY_VERIFY_WITH_TIMEOUT(window.planView()->runButton()->isEnabled(), 30000);
    // The plan review on PostgreSQL: the sync's reason in the designer, the gate's row, the writes
    // that fail in red (kept in the build folder, not shown in the README).
    shoot(&window, QStringLiteral("plan-review-gate.png"));
    GateCard *card = window.runPanel()->gateCard();
    card->setProbeTiming(1000, 10000); // the picture in seconds rather than half a minute

    QSignalSpy ended(&window, &MainWindow::runEnded);
    window.planView()->runButton()->click();
    ConfirmRunDialog *confirm = nullptr;
    QTRY_VERIFY((confirm = window.findChild<ConfirmRunDialog *>(QStringLiteral("confirmRun"))));
    QTest::keyClicks(confirm->confirmationEdit(), QStringLiteral("orders"));
    confirm->runButton()->click();
    QVERIFY(ended.wait(120000));
    QVERIFY2(window.runPanel()->summary().startsWith(QLatin1String("<b>Waiting at a deploy gate</b>")), qPrintable(window.runPanel()->summary()));
    QVERIFY(card->isVisible());

    LiveWriter oldApp(profile, QStringLiteral("INSERT INTO orders (id, customer_id, total_cents) VALUES (%1, 7, 1999)"),
                      QStringLiteral("UPDATE orders SET total_cents = total_cents + 1 WHERE id = %1"), 50000, 100001, 4);
    LiveWriter newApp(profile, QStringLiteral("INSERT INTO orders (id, customer_id, total_cents, total_eur) VALUES (%1, 9, 2500, 25.00)"),
                      QStringLiteral("UPDATE orders SET total_cents = total_cents + 1, total_eur = (total_cents + 1) / 100.0 WHERE id = %1"),
                      50000, 200001, 30);
    oldApp.start();
    newApp.start();
    QTRY_VERIFY_WITH_TIMEOUT(card->sparkline()->values().size() >= 8 && card->probeText().startsWith(QLatin1String("The sync filled")), 60000);
    oldApp.stop();
    newApp.stop();
    QVERIFY2(oldApp.result().errors == 0 && newApp.result().errors == 0,
             qPrintable((oldApp.result().firstErrors + newApp.result().firstErrors).join(QLatin1Char('\n'))));
    shoot(&window, QStringLiteral("run-gate.png"));
    QString ignored;
    static_cast<void>(TestServers::execute(profile, {QStringLiteral("ALTER DATABASE postgres RESET track_functions")}, &ignored));
}

// Who uses the table, on a PostgreSQL that counts statements: a view made with SELECT *, a
// function, a publication, and the application's statements with what the new column changes.
void Screenshots::planImpact()
{
    using namespace Stagecraft::Testing;
    if (!TestServers::wanted(QStringLiteral("postgresql")))
        QSKIP("not among STAGECRAFT_TEST_SERVERS");
    std::unique_ptr<TestServer> server = TestServers::make(QStringLiteral("postgresql"));
    QVERIFY(server);
    static_cast<PostgresTestServer *>(server.get())->setStatementStatistics(true);
    STAGECRAFT_REQUIRE_STARTED(*server);
    const ConnectionProfile profile = server->profile();
    QString why;
    QStringList setup{QStringLiteral("CREATE EXTENSION pg_stat_statements"),
                      QStringLiteral("CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int NOT NULL, total_cents int NOT NULL)"),
                      QStringLiteral("INSERT INTO orders SELECT g, g % 500, g * 7 FROM generate_series(1, 5000) g"),
                      QStringLiteral("CREATE VIEW order_list AS SELECT * FROM orders"),
                      QStringLiteral("CREATE FUNCTION order_count() RETURNS bigint LANGUAGE plpgsql AS $$BEGIN RETURN (SELECT count(*) FROM orders); END$$"),
                      QStringLiteral("CREATE PUBLICATION orders_feed FOR TABLE orders")};
    for (int i = 0; i < 40; ++i)
        setup << QStringLiteral("SELECT * FROM orders WHERE id = %1").arg(i + 1)
              << QStringLiteral("UPDATE orders SET total_cents = total_cents + 1 WHERE id = %1").arg(i + 1);
    for (int i = 0; i < 12; ++i)
        setup << QStringLiteral("INSERT INTO orders (id, customer_id) SELECT %1, 1 WHERE false").arg(10000 + i);
    QVERIFY2(TestServers::execute(profile, setup, &why), qPrintable(why));
    QFile spec(m_dir.filePath(QStringLiteral("orders-total-eur-impact.json")));
    QVERIFY(spec.open(QIODevice::WriteOnly));
    spec.write(R"j({"table": "public.orders", "column": {"name": "total_eur", "type": "numeric(12,2)", "nullable": false,
                   "backfill": "total_cents / 100.0"}})j");
    spec.close();

    MainWindow window;
    prepare(window);
    QSignalSpy ready(&window, &MainWindow::ready);
    window.openConnection(profile);
    QVERIFY(ready.wait(60000));
    QSignalSpy shown(&window, &MainWindow::planShown);
    window.planSpecFile(spec.fileName());
    QVERIFY(shown.wait(60000));
    PlanView *view = window.planView();
    QTRY_VERIFY_WITH_TIMEOUT(view->detailTabs()->isTabEnabled(PlanView::ImpactTab), 30000);
    const Impact &impact = view->impactModel()->impact();
    QVERIFY2(impact.statisticsNote.isEmpty(), qPrintable(impact.statisticsNote));
    QVERIFY(impact.statements.size() >= 3);
    QVERIFY(std::any_of(impact.dependents.cbegin(), impact.dependents.cend(),
                        [](const TableDependent &d) { return d.name == QLatin1String("public.order_list"); }));
    view->detailTabs()->setCurrentIndex(PlanView::ImpactTab);
    shoot(&window, QStringLiteral("plan-impact.png"));
}

void Screenshots::preferencesAndAbout()
{
    MainWindow window;
    prepare(window);
    openDemoCopy(window);
    window.showSettings();
    SettingsDialog *settings = nullptr;
    QTRY_VERIFY((settings = window.findChild<SettingsDialog *>()));
    QVERIFY(QTest::qWaitForWindowExposed(settings));
    shoot(&window, QStringLiteral("preferences.png"));
    settings->reject();
    for (QAction *menu : window.menuBar()->actions())
        for (QAction *action : menu->menu()->actions())
            if (action->text() == QLatin1String("&About Stagecraft"))
                action->trigger();
    QMessageBox *about = nullptr;
    QTRY_VERIFY((about = window.findChild<QMessageBox *>()));
    QVERIFY(QTest::qWaitForWindowExposed(about));
    shoot(&window, QStringLiteral("about.png"));
    about->accept();
}

void Screenshots::darkTheme()
{
    SettingsDialog::applyTheme(SettingsDialog::Theme::Dark);
    const auto restore = qScopeGuard([] { SettingsDialog::applyTheme(SettingsDialog::Theme::Light); });
    MainWindow window;
    prepare(window);
    openDemoCopy(window);
    QSignalSpy shown(&window, &MainWindow::planShown);
    window.planSpecFile(QStringLiteral(STAGECRAFT_SOURCE_DIR "/resources/demo/orders-total-eur.json"));
    QVERIFY(shown.wait(60000));
    shoot(&window, QStringLiteral("plan-review-dark.png"));
    // The smallest screen the window is made for (not in the README; to look at).
    window.resize(1024, 700);
    QTest::qWait(200);
    shoot(&window, QStringLiteral("plan-review-dark-1024.png"));
}

// Before QApplication exists: the tour never reaches the user's keychain.
static void isolateKeychain()
{
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/stagecraft-screenshot-bus");
}
Q_CONSTRUCTOR_FUNCTION(isolateKeychain)

QTEST_MAIN(Screenshots)
#include "screenshots.moc"
