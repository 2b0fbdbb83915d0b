// A tour of every screen on a real X display (Xvfb, started by CTest), saving a screenshot of each
// into the build folder's screenshots/: the Connect dialog, the schema browser, the column designer
// with bad input, the plan review with its pre-flight findings, the run confirmation, the finished
// run, the preferences, the About box, and the plan review in the dark theme. testscreenshot
// then checks that none is blank; the README shows them (copied to packaging/screenshots).
//
// The run happens on a copy of the demo database: the demo itself is never changed.

#include "columndesigner.h"
#include "confirmrundialog.h"
#include "connectdialog.h"
#include "connection/profilestore.h"
#include "demo/demodatabase.h"
#include "mainwindow.h"
#include "planview.h"
#include "runpanel.h"
#include "settingsdialog.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QScreen>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
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

    QSignalSpy ended(&window, &MainWindow::runEnded);
    window.planView()->runButton()->click();
    ConfirmRunDialog *confirm = nullptr;
    QTRY_VERIFY((confirm = window.findChild<ConfirmRunDialog *>(QStringLiteral("confirmRun"))));
    QVERIFY(QTest::qWaitForWindowExposed(confirm));
    QTest::keyClicks(confirm->confirmationEdit(), QStringLiteral("orders"));
    shoot(&window, QStringLiteral("confirm-run.png"));
    confirm->runButton()->click();
    QVERIFY(ended.wait(120000));
    QVERIFY2(window.runPanel()->summary().startsWith(QLatin1String("<b>Done</b>")), qPrintable(window.runPanel()->summary()));
    shoot(&window, QStringLiteral("run.png"));
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
}

// Before QApplication exists: the tour never reaches the user's keychain.
static void isolateKeychain()
{
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/stagecraft-screenshot-bus");
}
Q_CONSTRUCTOR_FUNCTION(isolateKeychain)

QTEST_MAIN(Screenshots)
#include "screenshots.moc"
