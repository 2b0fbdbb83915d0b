// The desktop application as a user drives it, offscreen: the Connect dialog, then the whole flow
// (pick a table, fill the designer, review the plan, run it, see it finish, check the database) on
// SQLite and on the real PostgreSQL and MariaDB servers; pre-flight findings; the keyboard.

#include "columndesigner.h"
#include "columnsmodel.h"
#include "confirmrundialog.h"
#include "gatecard.h"
#include "connectdialog.h"
#include "connection/databaseconnection.h"
#include "connection/connectionbook.h"
#include "connection/profilestore.h"
#include "mainwindow.h"
#include "planstepsmodel.h"
#include "planview.h"
#include "runpanel.h"
#include "schemamodel.h"
#include "sql/quoting.h"
#include "testservers.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QSettings>
#include <QSqlQuery>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTest>
#include <QTemporaryDir>
#include <QTreeView>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

class TestWorkflow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase() { TestServers::stopAll(); }
    void connectDialogForm();
    void connectDialogTestsAndSaves();
    void connectDialogKeychainRaces();
    void wholeFlow_data();
    void wholeFlow();
    void preflightShowsBlockingSession();
    void exportsFromTheWindow();
    void keyboard();
    void aboutBox();
};

void TestWorkflow::initTestCase()
{
    // Each run starts without saved or recent connections, and never sees the user's keychain:
    // no keychain service answers in this process.
    QSettings().remove(QStringLiteral("connections"));
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/stagecraft-test-bus");
}

static ConnectDialog *openDialog(MainWindow &window)
{
    ConnectDialog *dialog = window.showConnectDialog();
    if (dialog)
        static_cast<void>(QTest::qWaitForWindowExposed(dialog));
    return dialog;
}

static void typeInto(QWidget *parent, const char *name, const QString &text)
{
    auto *edit = parent->findChild<QLineEdit *>(QLatin1String(name));
    QVERIFY2(edit, name);
    edit->selectAll();
    edit->del();
    QTest::keyClicks(edit, text);
}

void TestWorkflow::connectDialogForm()
{
    MainWindow window;
    window.show();
    ConnectDialog *dialog = openDialog(window);
    QVERIFY(dialog);
    QAbstractItemModelTester saved(dialog->savedModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester recent(dialog->recentModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    // The engine picker shows the engine's default port and the TLS modes it knows.
    QComboBox *engine = dialog->engineChoice();
    QCOMPARE(engine->currentText(), QStringLiteral("PostgreSQL"));
    QCOMPARE(dialog->portField()->specialValueText(), QStringLiteral("default (5432)"));
    auto *sslMode = dialog->findChild<QComboBox *>(QStringLiteral("sslMode"));
    QCOMPARE(sslMode->count(), 7); // the driver's default + 6
    engine->setCurrentText(QStringLiteral("MariaDB"));
    QCOMPARE(dialog->portField()->specialValueText(), QStringLiteral("default (3306)"));
    QCOMPARE(sslMode->count(), 5);
    // SQLite needs a file and nothing else.
    engine->setCurrentText(QStringLiteral("SQLite"));
    QVERIFY(!dialog->findChild<QLineEdit *>(QStringLiteral("host"))->isVisible());
    QVERIFY(!dialog->passwordField()->isVisible());
    QVERIFY(dialog->findChild<QLineEdit *>(QStringLiteral("database"))->isVisible());

    // A pasted URL fills the form, TLS included; the form writes the URL back, never the password.
    dialog->urlField()->setText(QStringLiteral("postgresql://app:pw@db.example.com:6543/shop?sslmode=verify-full&sslrootcert=/etc/ca.pem"));
    Q_EMIT dialog->urlField()->editingFinished();
    QCOMPARE(engine->currentText(), QStringLiteral("PostgreSQL"));
    QCOMPARE(dialog->findChild<QLineEdit *>(QStringLiteral("host"))->text(), QStringLiteral("db.example.com"));
    QCOMPARE(dialog->portField()->value(), 6543);
    QCOMPARE(sslMode->currentText(), QStringLiteral("verify-full"));
    QCOMPARE(dialog->passwordField()->text(), QStringLiteral("pw"));
    QCOMPARE(dialog->profile().sslRootCert, QStringLiteral("/etc/ca.pem"));
    QVERIFY(!dialog->urlField()->text().contains(QLatin1String("pw@")));
    typeInto(dialog, "user", QStringLiteral("reporting"));
    QCOMPARE(dialog->urlField()->text(),
             QStringLiteral("postgresql://reporting@db.example.com:6543/shop?sslmode=verify-full&sslrootcert=/etc/ca.pem"));

    // A bad URL says what is wrong and leaves the form alone.
    dialog->urlField()->setText(QStringLiteral("oracle://x/y"));
    Q_EMIT dialog->urlField()->editingFinished();
    QVERIFY2(dialog->statusText().contains(QLatin1String("oracle")), qPrintable(dialog->statusText()));
    QCOMPARE(dialog->findChild<QLineEdit *>(QStringLiteral("host"))->text(), QStringLiteral("db.example.com"));

    // Saving without a name is refused, beside the buttons.
    QSignalSpy savedSpy(dialog, &ConnectDialog::saved);
    dialog->saveConnection();
    QCOMPARE(savedSpy.size(), 1);
    QCOMPARE(dialog->statusText(), QStringLiteral("Give the connection a name to save it under."));
    QCOMPARE(dialog->savedModel()->rowCount(), 0);
    dialog->reject();
}

void TestWorkflow::connectDialogTestsAndSaves()
{
    ConnectionProfile server;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("postgresql"), server);
    MainWindow window;
    window.show();
    ConnectDialog *dialog = openDialog(window);
    QVERIFY(dialog);
    dialog->setProfile(server);

    // Test Connection runs off the GUI thread and names the server.
    QSignalSpy tested(dialog, &ConnectDialog::tested);
    dialog->testConnection();
    QTRY_COMPARE_WITH_TIMEOUT(tested.size(), 1, 30000);
    QVERIFY(tested.at(0).at(0).toBool());
    QVERIFY2(dialog->statusText().startsWith(QStringLiteral("Connected to %1: PostgreSQL 17").arg(server.displayName())),
             qPrintable(dialog->statusText()));
    // A wrong database: the server's answer, explained.
    typeInto(dialog, "database", QStringLiteral("no_such_db"));
    dialog->testConnection();
    QTRY_COMPARE_WITH_TIMEOUT(tested.size(), 2, 30000);
    QVERIFY(!tested.at(1).at(0).toBool());
    QVERIFY2(dialog->statusText().contains(QLatin1String("no_such_db")), qPrintable(dialog->statusText()));
    typeInto(dialog, "database", server.database);

    // Saved with "remember the password" where no keychain service runs (this test's session has
    // none): saved without it, and the dialog says so.
    typeInto(dialog, "name", QStringLiteral("Test server"));
    dialog->passwordField()->setText(QStringLiteral("secret"));
    dialog->rememberPassword()->setChecked(true);
    QSignalSpy saved(dialog, &ConnectDialog::saved);
    dialog->saveConnection();
    QTRY_COMPARE_WITH_TIMEOUT(saved.size(), 1, 30000);
    QVERIFY2(dialog->statusText().startsWith(QStringLiteral("Saved “Test server” without its password.")),
             qPrintable(dialog->statusText()));
    QVERIFY(dialog->statusText().endsWith(QLatin1String("enter it each time you connect.")));
    QCOMPARE(dialog->savedModel()->rowCount(), 1);
    const QList<SavedConnection> stored = ProfileStore().saved();
    QCOMPARE(stored.size(), 1);
    QVERIFY(!stored.first().passwordSaved);
    QCOMPARE(stored.first().profile.database, server.database);

    // Saving kept the form as typed, password included: Connect opens it, and it becomes the first
    // recent connection.
    QCOMPARE(dialog->passwordField()->text(), QStringLiteral("secret"));
    dialog->passwordField()->setText(server.password);
    QSignalSpy ready(&window, &MainWindow::ready);
    QTest::keyClick(dialog, Qt::Key_Return); // Connect is the default button
    QVERIFY(ready.wait(60000));
    QVERIFY2(window.lastError().isEmpty(), qPrintable(window.lastError()));
    QCOMPARE(ProfileStore().recent().value(0).database, server.database);
    QCOMPARE(ProfileStore().recent().value(0).password, QString());

    // Next time: the saved and the recent connection are listed; choosing the saved one fills the form.
    ConnectDialog *again = openDialog(window);
    QCOMPARE(again->recentModel()->rowCount(), 1);
    QVERIFY(again->selectSaved(QStringLiteral("Test server")));
    QCOMPARE(again->nameField()->text(), QStringLiteral("Test server"));
    QCOMPARE(again->profile().port, server.port);
    QCOMPARE(again->statusText(), QStringLiteral("No password saved for “Test server”."));
    again->deleteConnection();
    QCOMPARE(again->savedModel()->rowCount(), 0);
    QVERIFY(ProfileStore().saved().isEmpty());
    again->reject();
}

// Keychain answers arrive later than the user acts: they never land in a form that moved on, never
// let Connect go without the password, and never reach a dialog that is gone.
void TestWorkflow::connectDialogKeychainRaces()
{
    QSettings().remove(QStringLiteral("connections"));
    {
        // A connection saved earlier with its password in the keychain (unreachable in this test).
        QSettings settings;
        settings.beginWriteArray(QStringLiteral("connections/saved"), 1);
        settings.setArrayIndex(0);
        settings.setValue(QStringLiteral("name"), QStringLiteral("Prod"));
        settings.setValue(QStringLiteral("url"), QStringLiteral("postgresql://app@prod.example.com/shop"));
        settings.setValue(QStringLiteral("passwordSaved"), true);
        settings.endArray();
    }
    MainWindow window;
    window.show();
    ConnectDialog *dialog = openDialog(window);
    auto *book = window.findChild<ConnectionBook *>();
    QVERIFY(book);
    QSignalSpy answers(book, &ConnectionBook::passwordRead);
    QVERIFY(dialog->selectSaved(QStringLiteral("Prod")));
    // While the keychain is asked, Connect waits.
    QPushButton *connect = nullptr;
    for (QPushButton *b : dialog->findChildren<QPushButton *>())
        if (b->text() == QLatin1String("&Connect"))
            connect = b;
    QVERIFY(connect && !connect->isEnabled());
    // The user pastes another server before the answer: the answer does not touch the form.
    dialog->urlField()->setText(QStringLiteral("postgresql://other@elsewhere.example.com/db"));
    Q_EMIT dialog->urlField()->editingFinished();
    QVERIFY(connect->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 1, 30000);
    QCOMPARE(dialog->passwordField()->text(), QString());
    QCOMPARE(dialog->statusText(), QStringLiteral("The form now holds other@elsewhere.example.com/db."));

    // A pasted URL that does not parse keeps no password on screen.
    dialog->urlField()->setText(QStringLiteral("postgresql://app:hunter2@db:99999/x"));
    Q_EMIT dialog->urlField()->editingFinished();
    QVERIFY2(!dialog->urlField()->text().contains(QLatin1String("hunter2")), qPrintable(dialog->urlField()->text()));
    QVERIFY(!dialog->statusText().contains(QLatin1String("hunter2")));

    // The dialog closes while the keychain is still asked: the answer goes nowhere, nothing crashes.
    QVERIFY(dialog->selectSaved(QStringLiteral("Prod")));
    dialog->reject(); // deleted on close
    QTRY_VERIFY(!window.findChild<ConnectDialog *>());
    QTRY_COMPARE_WITH_TIMEOUT(answers.size(), 2, 30000);
    QVERIFY(window.isVisible());
}

void TestWorkflow::wholeFlow_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QStringList>("setup");
    const QString create = QStringLiteral("CREATE TABLE accounts (id integer PRIMARY KEY, cents integer NOT NULL)");
    QTest::newRow("sqlite") << "sqlite" << "INTEGER"
                            << QStringList{create,
                                           "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 3000) "
                                           "INSERT INTO accounts SELECT n, n * 7 FROM g"};
    QTest::newRow("postgresql") << "postgresql" << "integer"
                                << QStringList{create, "INSERT INTO accounts SELECT g, g * 7 FROM generate_series(1, 3000) g"};
    QTest::newRow("mariadb") << "mariadb" << "int"
                             << QStringList{create, "INSERT INTO accounts SELECT seq, seq * 7 FROM seq_1_to_3000"};
}

static qlonglong scalar(const ConnectionProfile &profile, const QString &sql)
{
    DatabaseConnection c(profile);
    ConnectionError e;
    if (!c.open(&e))
        return -1;
    QSqlQuery q(c.database());
    return q.exec(sql) && q.next() ? q.value(0).toLongLong() : -1;
}

void TestWorkflow::wholeFlow()
{
    QFETCH(QString, engine);
    QFETCH(QString, type);
    QFETCH(QStringList, setup);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    QString why;
    QVERIFY2(TestServers::execute(profile, setup, &why), qPrintable(why));

    // Connect through the dialog, field by field, as a person would.
    MainWindow window;
    window.show();
    ConnectDialog *dialog = openDialog(window);
    QVERIFY(dialog);
    dialog->engineChoice()->setCurrentText(engineName(profile.engine));
    typeInto(dialog, "database", profile.database);
    if (profile.engine != Engine::SQLite) {
        typeInto(dialog, "host", profile.host);
        dialog->portField()->setValue(profile.port);
        typeInto(dialog, "user", profile.user);
        typeInto(dialog, "password", profile.password);
    }
    QSignalSpy ready(&window, &MainWindow::ready);
    QTest::keyClick(dialog, Qt::Key_Return);
    QVERIFY(ready.wait(60000));
    QVERIFY2(window.lastError().isEmpty(), qPrintable(window.lastError()));

    // Pick the table, design the column: NOT NULL, filled from another column, checked and indexed.
    const QString schema = window.schemaModel()->index(0, 0, window.schemaModel()->index(0, 0)).data().toString();
    QVERIFY(window.selectTable({schema, QStringLiteral("accounts")}));
    QTRY_COMPARE(window.columnsModel()->rowCount(), 2);
    window.addColumn();
    ColumnDesigner *designer = window.designer();
    QTRY_VERIFY(designer->hasTable());
    QSignalSpy shown(&window, &MainWindow::planShown);
    typeInto(designer, "nameEdit", QStringLiteral("euros"));
    auto *types = designer->findChild<QComboBox *>(QStringLiteral("typeCombo"));
    QVERIFY2(types->findText(type) >= 0, qPrintable(type));
    types->setCurrentText(type);
    designer->findChild<QCheckBox *>(QStringLiteral("nullableCheck"))->setChecked(false);
    typeInto(designer, "backfillEdit", QStringLiteral("cents * 2"));
    typeInto(designer, "checkEdit", QStringLiteral("euros >= 0"));
    designer->findChild<QCheckBox *>(QStringLiteral("indexCheck"))->setChecked(true);
    QTRY_VERIFY_WITH_TIMEOUT(window.planView()->runButton()->isEnabled(), 30000);
    QTRY_COMPARE(designer->spec().backfill, QStringLiteral("cents * 2"));
    const Plan plan = window.planView()->model()->plan();
    QStringList rules;
    for (const PlanStep &step : plan.steps)
        rules << step.rule;
    QVERIFY2(rules.size() >= 2, qPrintable(rules.join(QLatin1Char(' '))));
    QCOMPARE(plan.spec.name, QStringLiteral("euros"));
    QVERIFY(!plan.spec.nullable);
    QVERIFY(plan.spec.index);

    // Run it: the confirmation names the table, then the run finishes with every step done.
    QSignalSpy ended(&window, &MainWindow::runEnded);
    window.planView()->runButton()->click();
    ConfirmRunDialog *confirm = nullptr;
    QTRY_VERIFY((confirm = window.findChild<ConfirmRunDialog *>(QStringLiteral("confirmRun"))));
    QVERIFY(!confirm->runButton()->isEnabled());
    QTest::keyClicks(confirm->confirmationEdit(), QStringLiteral("accounts"));
    QVERIFY(confirm->runButton()->isEnabled());
    confirm->runButton()->click();
    QVERIFY(ended.wait(120000));
    if (std::any_of(plan.steps.cbegin(), plan.steps.cend(), [](const PlanStep &s) { return !s.gate.isEmpty(); })) {
        // A derived column on an engine with a sync: the run waits at the deploy gate before the
        // contract stage; its card continues it.
        QVERIFY2(window.runPanel()->summary().startsWith(QLatin1String("<b>Waiting at a deploy gate</b>")),
                 qPrintable(window.runPanel()->summary()));
        GateCard *card = window.runPanel()->gateCard();
        QVERIFY(card->isVisible());
        QVERIFY(card->titleText().contains(QLatin1String("Deploy gate: the application writes euros itself")));
        for (int gates = 0; card->isVisible() && gates < 3; ++gates) {
            card->continueButton()->click();
            QVERIFY(ended.wait(120000));
        }
        QVERIFY(!card->isVisible());
    }
    const QString summary = window.runPanel()->summary();
    QVERIFY2(summary.startsWith(QLatin1String("<b>Done</b>")), qPrintable(summary));
    // The summary reads the table back: the column as designed, every promise kept.
    QVERIFY2(summary.contains(QLatin1String("Verified on the table:")) && !summary.contains(QStringLiteral("✗")),
             qPrintable(summary));
    for (const QString &line : {QStringLiteral("✓ euros is NOT NULL"),
                                QStringLiteral("✓ CHECK (euros &gt;= 0) in place and validated"),
                                QStringLiteral("✓ index on euros valid")})
        QVERIFY2(summary.contains(line), qPrintable(line + QLatin1String(" missing from: ") + summary));
    auto *overall = window.runPanel()->findChild<QProgressBar *>(QStringLiteral("overallProgress"));
    QCOMPARE(overall->value(), overall->maximum());
    QCOMPARE(overall->maximum(), int(plan.steps.size()));

    // The database: every row filled as designed, NULL refused from now on.
    const QString table = quoteIdentifier(profile.engine, QStringLiteral("accounts"));
    QCOMPARE(scalar(profile, QStringLiteral("SELECT count(*) FROM %1 WHERE euros IS NULL OR euros <> cents * 2").arg(table)), 0);
    QCOMPARE(scalar(profile, QStringLiteral("SELECT count(*) FROM %1").arg(table)), 3000);
    QString error;
    const bool nullAccepted = TestServers::execute(
        profile, {QStringLiteral("INSERT INTO %1 (id, cents, euros) VALUES (999999, 1, NULL)").arg(table)}, &error);
    QVERIFY2(!nullAccepted, "NULL was accepted in the NOT NULL column");
}

void TestWorkflow::preflightShowsBlockingSession()
{
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("postgresql"), profile);
    QString why;
    QVERIFY2(TestServers::execute(profile, {QStringLiteral("CREATE TABLE busy (id bigint PRIMARY KEY, n int)"),
                                            QStringLiteral("INSERT INTO busy SELECT g, g FROM generate_series(1, 10) g")},
                                  &why),
             qPrintable(why));
    // Another application reads the table in a transaction it leaves open.
    DatabaseConnection other(profile);
    ConnectionError error;
    QVERIFY(other.open(&error));
    QSqlQuery q(other.database());
    QVERIFY(q.exec(QStringLiteral("SET application_name = 'report-job'")));
    QVERIFY(q.exec(QStringLiteral("BEGIN")));
    QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM busy")));

    MainWindow window;
    window.show();
    QSignalSpy ready(&window, &MainWindow::ready);
    window.openConnection(profile);
    QVERIFY(ready.wait(60000));
    ColumnSpec spec;
    QList<SpecProblem> problems;
    QVERIFY(ColumnSpec::fromJson(R"j({"table": "public.busy", "column": {"name": "flag", "type": "boolean"}})j", &spec, &problems));
    QSignalSpy shown(&window, &MainWindow::planShown);
    window.planColumn(spec);
    QVERIFY(shown.wait(60000));
    QSignalSpy checked(&window, &MainWindow::dataChecked);
    window.planView()->checkDataButton()->click();
    QVERIFY(checked.wait(60000));
    const QString text = window.planView()->findingsText();
    QVERIFY2(text.contains(QLatin1String("report-job")) && text.contains(QLatin1String("AccessShareLock"))
                 && text.contains(QLatin1String("idle in transaction")),
             qPrintable(text));
    QVERIFY(text.contains(QLatin1String("A schema change waits behind these sessions")));

    // Once it commits, the pre-flight is clean.
    QVERIFY(q.exec(QStringLiteral("COMMIT")));
    window.planView()->checkDataButton()->click();
    QVERIFY(checked.wait(60000));
    QVERIFY2(window.planView()->findingsText().endsWith(
                 QStringLiteral("✓ no other session holds a lock on it or keeps a transaction open")),
             qPrintable(window.planView()->findingsText()));
}

void TestWorkflow::exportsFromTheWindow()
{
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("postgresql"), profile);
    QString why;
    QVERIFY2(TestServers::execute(profile, {QStringLiteral("CREATE TABLE exported (id bigint PRIMARY KEY, cents int)"),
                                            QStringLiteral("INSERT INTO exported SELECT g, g FROM generate_series(1, 100) g")},
                                  &why),
             qPrintable(why));
    MainWindow window;
    window.show();
    QSignalSpy ready(&window, &MainWindow::ready);
    window.openConnection(profile);
    QVERIFY(ready.wait(60000));
    QString error;
    QVERIFY(!window.exportPlan(QStringLiteral("pdf"), QStringLiteral("/nonexistent/x.pdf"), &error));
    QCOMPARE(error, QStringLiteral("There is no plan to export."));
    ColumnSpec spec;
    QList<SpecProblem> problems;
    QVERIFY(ColumnSpec::fromJson(R"j({"table": "public.exported", "column": {"name": "euros", "type": "bigint", "nullable": false, "backfill": "cents * 2", "index": true}})j",
                                 &spec, &problems));
    QSignalSpy shown(&window, &MainWindow::planShown);
    window.planColumn(spec);
    QVERIFY(shown.wait(60000));
    QSignalSpy checked(&window, &MainWindow::dataChecked);
    window.planView()->checkDataButton()->click();
    QVERIFY(checked.wait(60000));

    QTemporaryDir dir;
    // The PDF: a real document with the timeline picture in it.
    const QString pdf = dir.filePath(QStringLiteral("review.pdf"));
    QVERIFY2(window.exportPlan(QStringLiteral("pdf"), pdf, &error), qPrintable(error));
    QFile pdfFile(pdf);
    QVERIFY(pdfFile.open(QIODevice::ReadOnly));
    const QByteArray bytes = pdfFile.readAll();
    QVERIFY(bytes.startsWith("%PDF-"));
    QVERIFY2(bytes.contains("/Subtype /Image"), "no picture in the PDF");
    QVERIFY(bytes.contains("/Title"));
    QVERIFY(bytes.size() > 20000);
    // The Markdown: the picture beside it, the pre-flight findings and the fingerprint in it.
    const QString md = dir.filePath(QStringLiteral("review.md"));
    QVERIFY2(window.exportPlan(QStringLiteral("markdown"), md, &error), qPrintable(error));
    QFile mdFile(md);
    QVERIFY(mdFile.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(mdFile.readAll());
    QVERIFY(text.contains(QLatin1String("](review-timeline.png)")));
    QVERIFY(text.contains(QLatin1String("## Pre-flight")));
    QVERIFY(text.contains(QStringLiteral("✓ no other session holds a lock on it")));
    QVERIFY(text.contains(QLatin1String("Fingerprint: `sha256:")));
    const QImage picture(dir.filePath(QStringLiteral("review-timeline.png")));
    QCOMPARE(picture.size(), QSize(1000, 200));
    // Migrations for a tool: into a folder, never over existing files.
    const QString folder = dir.filePath(QStringLiteral("golang"));
    QVERIFY(QDir().mkpath(folder));
    QVERIFY2(window.exportPlan(QStringLiteral("golang-migrate"), folder, &error), qPrintable(error));
    const QStringList written = QDir(folder).entryList(QDir::Files);
    QVERIFY(written.size() >= 2 * window.planView()->model()->plan().steps.size());
    QVERIFY(!window.exportPlan(QStringLiteral("golang-migrate"), folder, &error));
    QVERIFY2(error.contains(QLatin1String("exists already")), qPrintable(error));
    QCOMPARE(QDir(folder).entryList(QDir::Files), written);
}

void TestWorkflow::keyboard()
{
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("sqlite"), profile);
    QString why;
    QVERIFY2(TestServers::execute(profile, {QStringLiteral("CREATE TABLE a (id integer PRIMARY KEY)"),
                                            QStringLiteral("CREATE TABLE b (id integer PRIMARY KEY, x text)")},
                                  &why),
             qPrintable(why));
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    // Ctrl+O opens the Connect dialog; Escape closes it.
    QTest::keyClick(&window, Qt::Key_O, Qt::ControlModifier);
    QPointer<ConnectDialog> dialog;
    QTRY_VERIFY((dialog = window.findChild<ConnectDialog *>()));
    QTRY_VERIFY(dialog->isVisible());
    // Tab walks the form in reading order.
    QWidget *url = dialog->urlField();
    url->setFocus();
    QTRY_VERIFY(url->hasFocus());
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QCOMPARE(QApplication::focusWidget(), dialog->nameField());
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QCOMPARE(QApplication::focusWidget(), dialog->engineChoice());
    QTest::keyClick(dialog, Qt::Key_Escape);
    QTRY_VERIFY(!dialog);

    QSignalSpy ready(&window, &MainWindow::ready);
    window.openConnection(profile);
    QVERIFY(ready.wait(60000));
    // Arrow keys in the table tree pick the table.
    auto *tree = window.findChild<QTreeView *>(QStringLiteral("schemaTree"));
    tree->setFocus();
    QCOMPARE(tree->currentIndex().data().toString(), QStringLiteral("a"));
    QTest::keyClick(tree, Qt::Key_Down);
    QCOMPARE(tree->currentIndex().data().toString(), QStringLiteral("b"));
    QTRY_COMPARE(window.columnsModel()->rowCount(), 2);
    // Ctrl+N: the designer, with the cursor in the name field.
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QTest::keyClick(&window, Qt::Key_N, Qt::ControlModifier);
    QTRY_VERIFY(window.designer()->hasTable());
    QTRY_COMPARE(QApplication::focusWidget(), window.designer()->findChild<QLineEdit *>(QStringLiteral("nameEdit")));
    QTest::keyClicks(QApplication::focusWidget(), QStringLiteral("note"));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QCOMPARE(QApplication::focusWidget(), window.designer()->findChild<QComboBox *>(QStringLiteral("typeCombo")));
    // Every menu has a mnemonic, every top-level action a shortcut or a mnemonic.
    for (QAction *menu : window.menuBar()->actions()) {
        QVERIFY2(menu->text().contains(QLatin1Char('&')), qPrintable(menu->text()));
        for (QAction *action : menu->menu()->actions())
            QVERIFY2(action->isSeparator() || action->text().contains(QLatin1Char('&')), qPrintable(action->text()));
    }
}

void TestWorkflow::aboutBox()
{
    MainWindow window;
    window.show();
    QAction *about = nullptr;
    for (QAction *menu : window.menuBar()->actions())
        for (QAction *action : menu->menu()->actions())
            if (action->text() == QLatin1String("&About Stagecraft"))
                about = action;
    QVERIFY(about);
    about->trigger();
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = window.findChild<QMessageBox *>()));
    QVERIFY(box->text().contains(QLatin1String("Stagecraft " STAGECRAFT_VERSION)));
    QVERIFY(box->text().contains(QLatin1String("PostgreSQL, MySQL, MariaDB and SQLite")));
    box->accept();
}

// Before QApplication exists (D-Bus caches its session connection): this process never reaches the
// user's keychain, even when run by hand outside CTest.
static void isolateKeychain()
{
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/stagecraft-test-bus");
}
Q_CONSTRUCTOR_FUNCTION(isolateKeychain)

QTEST_MAIN(TestWorkflow)
#include "testworkflow.moc"
