// The sessions the pre-flight finds on a table, cancelled or terminated from Stagecraft: on real
// PostgreSQL, MariaDB and MySQL servers, only the session that was seen is signalled, and in the
// window only after its number is typed.

#include "blockingsessionsmodel.h"
#include "catalog/catalogreader.h"
#include "columndesigner.h"
#include "columnsmodel.h"
#include "connection/databaseconnection.h"
#include "mainwindow.h"
#include "planstepsmodel.h"
#include "planview.h"
#include "run/sessionsignal.h"
#include "sessionsignaldialog.h"
#include "testservers.h"
#include "threadedsession.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QSqlQuery>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

class TestBlockingSessions : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanupTestCase() { TestServers::stopAll(); }
    void signalsOnlyTheSessionSeen_data();
    void signalsOnlyTheSessionSeen();
    void cancelsARunningStatement_data();
    void cancelsARunningStatement();
    void preflightTerminatesAfterTypedConfirmation_data();
    void preflightTerminatesAfterTypedConfirmation();
    void sqliteOffersNoSignal();
    void preflightSkipsOutOfDatePlan();
};

static QStringList servers()
{
    return {QStringLiteral("postgresql"), QStringLiteral("mariadb"), QStringLiteral("mysql")};
}

static void serverRows()
{
    QTest::addColumn<QString>("server");
    for (const QString &server : servers())
        if (TestServers::wanted(server))
            QTest::newRow(qPrintable(server)) << server;
}

static QString beginTransaction(Engine engine)
{
    return engine == Engine::PostgreSQL ? QStringLiteral("BEGIN") : QStringLiteral("START TRANSACTION");
}

// The sessions a pre-flight would find on the table, read on a connection of their own.
static QList<BlockingSession> sessionsOn(const ConnectionProfile &profile, const TableRef &table, QString *why)
{
    DatabaseConnection connection(profile);
    ConnectionError error;
    QList<BlockingSession> sessions;
    if (!connection.open(&error) || !CatalogReader::create(connection)->blockingSessions(table, &sessions, &error))
        *why = error.text();
    return sessions;
}

static const BlockingSession *find(const QList<BlockingSession> &sessions, qint64 pid)
{
    for (const BlockingSession &s : sessions)
        if (s.pid == pid)
            return &s;
    return nullptr;
}

static bool signal(const ConnectionProfile &profile, const BlockingSession &session, SessionSignal::Action action, QString *why)
{
    DatabaseConnection connection(profile);
    ConnectionError error;
    const bool sent = connection.open(&error) && SessionSignal::send(connection, session, action, &error);
    *why = error.text();
    return sent;
}

static TableRef tableOn(const ConnectionProfile &profile, const QString &name)
{
    return {profile.engine == Engine::PostgreSQL ? QStringLiteral("public") : profile.database, name};
}

void TestBlockingSessions::signalsOnlyTheSessionSeen_data()
{
    serverRows();
}

// A session idle in a transaction that read the table is found; a copy of what was seen that no
// longer matches (PostgreSQL: another connection time, as a later session given the same pid would
// have; MySQL/MariaDB: another user) is refused with nothing sent; the session seen is terminated,
// its transaction ends and it is gone from the next pre-flight.
void TestBlockingSessions::signalsOnlyTheSessionSeen()
{
    QFETCH(QString, server);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(server, profile);
    const QString name = QStringLiteral("held_") + QString(server).replace(QLatin1Char('-'), QLatin1Char('_'));
    QString why;
    QVERIFY2(TestServers::execute(profile, {QStringLiteral("DROP TABLE IF EXISTS %1").arg(name),
                                            QStringLiteral("CREATE TABLE %1 (id int PRIMARY KEY, total int)").arg(name),
                                            QStringLiteral("INSERT INTO %1 VALUES (1, 10), (2, 20)").arg(name)},
                                  &why),
             qPrintable(why));
    ThreadedSession holder(profile, {});
    QVERIFY2(holder.waitReady(&why), qPrintable(why));
    holder.run({beginTransaction(profile.engine), QStringLiteral("SELECT total FROM %1 WHERE id = 1").arg(name)});
    QVERIFY(holder.waitIdle(30000));
    QCOMPARE(holder.takeErrors(), QStringList());
    const TableRef table = tableOn(profile, name);

    QList<BlockingSession> seen;
    // MariaDB's INNODB_TRX is refreshed at most every 100 ms: the transaction may show a moment later.
    QTRY_VERIFY_WITH_TIMEOUT((seen = sessionsOn(profile, table, &why), find(seen, holder.connectionId())), 10000);
    QVERIFY2(why.isEmpty(), qPrintable(why));
    const BlockingSession session = *find(seen, holder.connectionId());

    BlockingSession other = session;
    if (profile.engine == Engine::PostgreSQL) {
        QVERIFY(session.connectedAt.isValid());
        other.connectedAt = session.connectedAt.addSecs(-1);
    } else {
        other.user = session.user + QStringLiteral("_other");
    }
    QVERIFY(!signal(profile, other, SessionSignal::Action::Terminate, &why));
    QVERIFY2(why.contains(QLatin1String("has ended")) && why.contains(QLatin1String("nothing was sent")), qPrintable(why));
    holder.run({QStringLiteral("SELECT total FROM %1 WHERE id = 2").arg(name)});
    QVERIFY(holder.waitIdle(30000));
    QCOMPARE(holder.takeErrors(), QStringList()); // still there, its transaction still open

    QVERIFY2(signal(profile, session, SessionSignal::Action::Terminate, &why), qPrintable(why));
    QTRY_VERIFY_WITH_TIMEOUT(!find(sessionsOn(profile, table, &why), holder.connectionId()), 10000);
    holder.run({QStringLiteral("SELECT 1")});
    QVERIFY(holder.waitIdle(30000));
    QCOMPARE(holder.takeErrors().size(), 1); // its connection is gone
    // Nothing left to signal: the same session again is refused.
    QVERIFY(!signal(profile, session, SessionSignal::Action::Terminate, &why));
    QVERIFY2(why.contains(QLatin1String("has ended")), qPrintable(why));
}

void TestBlockingSessions::cancelsARunningStatement_data()
{
    serverRows();
}

// A session running a long statement inside a transaction on the table: Cancel Statement ends the
// statement within seconds, and the session stays connected.
void TestBlockingSessions::cancelsARunningStatement()
{
    QFETCH(QString, server);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(server, profile);
    const QString name = QStringLiteral("busy_") + QString(server).replace(QLatin1Char('-'), QLatin1Char('_'));
    QString why;
    QVERIFY2(TestServers::execute(profile, {QStringLiteral("DROP TABLE IF EXISTS %1").arg(name),
                                            QStringLiteral("CREATE TABLE %1 (id int PRIMARY KEY, total int)").arg(name),
                                            QStringLiteral("INSERT INTO %1 VALUES (1, 10)").arg(name)},
                                  &why),
             qPrintable(why));
    ThreadedSession busy(profile, {});
    QVERIFY2(busy.waitReady(&why), qPrintable(why));
    const QString sleep = profile.engine == Engine::PostgreSQL ? QStringLiteral("SELECT pg_sleep(60)") : QStringLiteral("SELECT SLEEP(60)");
    busy.run({beginTransaction(profile.engine), QStringLiteral("SELECT total FROM %1").arg(name), sleep});
    const TableRef table = tableOn(profile, name);
    QList<BlockingSession> seen;
    QTRY_VERIFY_WITH_TIMEOUT((seen = sessionsOn(profile, table, &why), find(seen, busy.connectionId())
                                  && find(seen, busy.connectionId())->query.contains(QLatin1String("60"))),
                             20000);
    QElapsedTimer timer;
    timer.start();
    QVERIFY2(signal(profile, *find(seen, busy.connectionId()), SessionSignal::Action::CancelStatement, &why), qPrintable(why));
    QVERIFY(busy.waitIdle(20000));
    QVERIFY2(timer.elapsed() < 20000, "the 60 s statement ended when cancelled");
    static_cast<void>(busy.takeErrors()); // PostgreSQL reports the cancel as the statement's error; MySQL's SLEEP returns 1
    // Still connected: it can roll back and go on.
    busy.run({QStringLiteral("ROLLBACK"), QStringLiteral("SELECT 1")});
    QVERIFY(busy.waitIdle(20000));
    QCOMPARE(busy.takeErrors(), QStringList());
}

// Types like a person into a designer field.
static void typeInto(ColumnDesigner *designer, const char *field, const QString &text)
{
    auto *edit = designer->findChild<QLineEdit *>(QLatin1String(field));
    QVERIFY(edit);
    edit->selectAll();
    QTest::keyClicks(edit, text);
}

// Connects the window, designs a column on the table (whose column `source` no other table of the
// test has: the first table's columns may be on view first) and waits for its plan.
static bool designOn(MainWindow &window, const ConnectionProfile &profile, const TableRef &table, const QString &source)
{
    window.show();
    QSignalSpy ready(&window, &MainWindow::ready);
    window.openConnection(profile);
    if (!ready.wait(60000) || !window.selectTable(table))
        return false;
    const auto hasTotal = [&] {
        for (int row = 0; row < window.columnsModel()->rowCount(); ++row)
            if (window.columnsModel()->index(row, ColumnsModel::NameColumn).data().toString() == source)
                return true;
        return false;
    };
    if (!QTest::qWaitFor(hasTotal, 30000))
        return false;
    window.addColumn();
    ColumnDesigner *designer = window.designer();
    if (!QTest::qWaitFor([&] { return designer->hasTable(); }, 30000))
        return false;
    typeInto(designer, "nameEdit", QStringLiteral("total_eur"));
    designer->findChild<QComboBox *>(QStringLiteral("typeCombo"))->setCurrentText(profile.engine == Engine::PostgreSQL ? QStringLiteral("integer") : QStringLiteral("int"));
    typeInto(designer, "backfillEdit", source + QStringLiteral(" * 2"));
    return QTest::qWaitFor([&] { return window.planView()->model()->plan().spec.backfill == source + QStringLiteral(" * 2")
                                        && window.planView()->model()->plan().table == table
                                        && window.planView()->checkDataButton()->isEnabled(); },
                           30000);
}

static int rowOf(const BlockingSessionsModel *model, qint64 pid)
{
    for (int row = 0; row < model->rowCount(); ++row)
        if (model->rows().at(row).pid == pid)
            return row;
    return -1;
}

void TestBlockingSessions::preflightTerminatesAfterTypedConfirmation_data()
{
    serverRows();
}

// The pre-flight lists the session holding the table; Terminate Session asks for its number (a
// wrong one, or none, keeps the button disabled) and names the server and database; once confirmed
// the session is gone and the pre-flight, run again, no longer lists it.
void TestBlockingSessions::preflightTerminatesAfterTypedConfirmation()
{
    QFETCH(QString, server);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(server, profile);
    const QString name = QStringLiteral("preflight_") + QString(server).replace(QLatin1Char('-'), QLatin1Char('_'));
    QString why;
    QVERIFY2(TestServers::execute(profile, {QStringLiteral("DROP TABLE IF EXISTS %1").arg(name),
                                            QStringLiteral("CREATE TABLE %1 (id int PRIMARY KEY, amount int)").arg(name),
                                            QStringLiteral("INSERT INTO %1 VALUES (1, 10), (2, 20)").arg(name)},
                                  &why),
             qPrintable(why));
    MainWindow window;
    const TableRef table = tableOn(profile, name);
    QVERIFY(designOn(window, profile, table, QStringLiteral("amount")));

    ThreadedSession holder(profile, {});
    QVERIFY2(holder.waitReady(&why), qPrintable(why));
    holder.run({beginTransaction(profile.engine), QStringLiteral("SELECT amount FROM %1 WHERE id = 1").arg(name)});
    QVERIFY(holder.waitIdle(30000));
    QCOMPARE(holder.takeErrors(), QStringList());

    PlanView *view = window.planView();
    BlockingSessionsModel *model = view->sessionsModel();
    auto *terminate = view->findChild<QPushButton *>(QStringLiteral("terminateSessionButton"));
    auto *cancel = view->findChild<QPushButton *>(QStringLiteral("cancelSessionButton"));
    QSignalSpy checked(&window, &MainWindow::dataChecked);
    // INNODB_TRX may show the transaction a moment later: check again until it is listed.
    for (int attempt = 0; attempt < 20 && rowOf(model, holder.connectionId()) < 0; ++attempt) {
        checked.clear();
        view->checkDataButton()->click();
        QVERIFY(checked.wait(60000));
    }
    const int row = rowOf(model, holder.connectionId());
    QVERIFY2(row >= 0, qPrintable(QStringLiteral("the pre-flight lists the session that read the table in its open transaction: "
                                                 "%1; %2").arg(view->findingsText(), window.lastError())));
    QVERIFY(view->sessionsView()->isVisible());
    QCOMPARE(model->index(row, BlockingSessionsModel::SessionColumn).data().toLongLong(), holder.connectionId());
    QVERIFY(model->index(row, BlockingSessionsModel::TransactionColumn).data().toString().startsWith(QLatin1String("open for")));
    view->sessionsView()->setCurrentIndex(model->index(row, 0));
    QVERIFY(terminate->isEnabled());
    QVERIFY(cancel->isEnabled());

    terminate->click();
    SessionSignalDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = window.findChild<SessionSignalDialog *>(QStringLiteral("sessionSignalDialog"))));
    const QString pid = QString::number(holder.connectionId());
    QCOMPARE(dialog->windowTitle(), QStringLiteral("Terminate session %1?").arg(pid));
    const QString text = dialog->findChild<QLabel *>(QStringLiteral("sessionSignalText"))->text();
    QVERIFY2(text.contains(profile.displayName().toHtmlEscaped()) && text.contains(profile.database.toHtmlEscaped()), qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("rolled back")), qPrintable(text));
    QVERIFY(!dialog->acceptButton()->isEnabled());
    QTest::keyClicks(dialog->confirmEdit(), pid + QStringLiteral("0"));
    QVERIFY(!dialog->acceptButton()->isEnabled());
    dialog->confirmEdit()->clear();
    QTest::keyClicks(dialog->confirmEdit(), pid);
    QVERIFY(dialog->acceptButton()->isEnabled());
    checked.clear();
    dialog->acceptButton()->click();
    QVERIFY2(checked.wait(60000), "the pre-flight runs again once the session is signalled");
    QTRY_VERIFY_WITH_TIMEOUT(rowOf(model, holder.connectionId()) < 0, 10000);
    QVERIFY2(window.lastError().isEmpty(), qPrintable(window.lastError()));
    holder.run({QStringLiteral("SELECT 1")});
    QVERIFY(holder.waitIdle(30000));
    QCOMPARE(holder.takeErrors().size(), 1); // its connection is gone
}

// SQLite: another connection holding the write lock is listed, with nothing to signal.
void TestBlockingSessions::sqliteOffersNoSignal()
{
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("sqlite"), profile);
    QString why;
    QVERIFY2(TestServers::execute(profile, {QStringLiteral("CREATE TABLE orders (id integer PRIMARY KEY, total int)"),
                                            QStringLiteral("INSERT INTO orders VALUES (1, 10)")},
                                  &why),
             qPrintable(why));
    MainWindow window;
    QVERIFY(designOn(window, profile, {QStringLiteral("main"), QStringLiteral("orders")}, QStringLiteral("total")));
    DatabaseConnection other(profile);
    ConnectionError error;
    QVERIFY2(other.open(&error), qPrintable(error.text()));
    QSqlQuery q(other.database());
    QVERIFY(q.exec(QStringLiteral("BEGIN IMMEDIATE")));
    QSignalSpy checked(&window, &MainWindow::dataChecked);
    window.planView()->checkDataButton()->click();
    QVERIFY(checked.wait(60000));
    BlockingSessionsModel *model = window.planView()->sessionsModel();
    QCOMPARE(model->rowCount(), 1);
    QCOMPARE(model->index(0, BlockingSessionsModel::SessionColumn).data().toString(), QStringLiteral("another program"));
    QVERIFY(!window.planView()->findChild<QPushButton *>(QStringLiteral("terminateSessionButton"))->isEnabled());
    QVERIFY(!window.planView()->findChild<QPushButton *>(QStringLiteral("cancelSessionButton"))->isEnabled());
    QVERIFY(q.exec(QStringLiteral("ROLLBACK")));
}

// While the fields on screen are invalid (the plan on view is the last valid one, out of date), the
// pre-flight does not run: it would evaluate expressions the validator has not passed.
void TestBlockingSessions::preflightSkipsOutOfDatePlan()
{
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("sqlite"), profile);
    QString why;
    QVERIFY2(TestServers::execute(profile, {QStringLiteral("CREATE TABLE orders (id integer PRIMARY KEY, total int)"),
                                            QStringLiteral("INSERT INTO orders VALUES (1, 10)")},
                                  &why),
             qPrintable(why));
    MainWindow window;
    QVERIFY(designOn(window, profile, {QStringLiteral("main"), QStringLiteral("orders")}, QStringLiteral("total")));
    typeInto(window.designer(), "backfillEdit", QStringLiteral("no_such_column + 1"));
    QTRY_VERIFY_WITH_TIMEOUT(window.planView()->isOutOfDate(), 30000);
    QVERIFY(!window.planView()->checkDataButton()->isEnabled());
    QSignalSpy checked(&window, &MainWindow::dataChecked);
    window.checkData();
    QVERIFY2(!checked.wait(3000), "no pre-flight of an out-of-date plan");
    QVERIFY(window.planView()->findingsText().isEmpty());
    QVERIFY2(window.lastError().isEmpty(), qPrintable(window.lastError()));
}

QTEST_MAIN(TestBlockingSessions)
#include "testblockingsessions.moc"
