// The Connect dialog at the keyboard: Enter connects wherever the buttons left the focus, and a URL
// fills the form as it is typed or pasted, without the field being rewritten under the cursor.

#include "catalog/catalogworker.h"
#include "connectdialog.h"
#include "connection/connectionbook.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace Stagecraft;

class TestConnectDialog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void enterConnectsAfterTest();
    void typedUrlFillsForm();
    void pastedUrlFillsForm();
};

void TestConnectDialog::initTestCase()
{
    // No saved or recent connections, and no keychain service in this process.
    QSettings().remove(QStringLiteral("connections"));
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/stagecraft-test-bus");
}

static QPushButton *button(QWidget *dialog, const QString &text)
{
    for (QPushButton *b : dialog->findChildren<QPushButton *>()) {
        if (b->text() == text)
            return b;
    }
    return nullptr;
}

static QLineEdit *field(QWidget *dialog, const char *name)
{
    return dialog->findChild<QLineEdit *>(QLatin1String(name));
}

// Test Connection, then Enter: the dialog connects (it neither saves nor cancels), and the focus
// stayed on the button that was clicked.
void TestConnectDialog::enterConnectsAfterTest()
{
    ConnectionBook book;
    ConnectDialog dialog(&book);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowActive(&dialog));
    QTemporaryDir dir;
    dialog.engineChoice()->setCurrentIndex(dialog.engineChoice()->findText(QStringLiteral("SQLite")));
    QTest::keyClicks(field(&dialog, "database"), dir.filePath(QStringLiteral("none.sqlite")));

    QPushButton *test = button(&dialog, QStringLiteral("&Test Connection"));
    QPushButton *connectButton = button(&dialog, QStringLiteral("&Connect"));
    QVERIFY(test && connectButton);
    QVERIFY(connectButton->isDefault());
    QSignalSpy tested(&dialog, &ConnectDialog::tested);
    QTest::mouseClick(test, Qt::LeftButton);
    QCOMPARE(QApplication::focusWidget(), test);
    QVERIFY(tested.wait(30000));
    QCOMPARE(QApplication::focusWidget(), test); // the focus did not jump to Save
    QVERIFY(connectButton->isDefault());
    for (QPushButton *b : dialog.findChildren<QPushButton *>())
        QVERIFY2(b == connectButton || !b->isDefault(), qPrintable(b->text()));

    QSignalSpy saved(&dialog, &ConnectDialog::saved);
    QSignalSpy connectRequested(&dialog, &ConnectDialog::connectRequested);
    QSignalSpy rejected(&dialog, &QDialog::rejected);
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
    QCOMPARE(connectRequested.size(), 1);
    QCOMPARE(connectRequested.at(0).at(0).value<ConnectionProfile>().database, dir.filePath(QStringLiteral("none.sqlite")));
    QCOMPARE(saved.size(), 0);
    QCOMPARE(rejected.size(), 0);
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
}

// Typed letter by letter: the form follows as soon as the text reads as a URL, and the field keeps
// what was typed (the cursor stays where the user types).
void TestConnectDialog::typedUrlFillsForm()
{
    ConnectionBook book;
    ConnectDialog dialog(&book);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowActive(&dialog));
    QLineEdit *url = dialog.urlField();
    url->setFocus();
    url->selectAll();
    url->del();
    const QString typed = QStringLiteral("postgresql://alice@db.example.com:5433/shop");
    QTest::keyClicks(url, typed);
    QCOMPARE(QApplication::focusWidget(), url); // still typing: nothing waited for the field to lose the focus
    QCOMPARE(url->text(), typed);
    QCOMPARE(url->cursorPosition(), typed.size());
    QCOMPARE(field(&dialog, "host")->text(), QStringLiteral("db.example.com"));
    QCOMPARE(dialog.portField()->value(), 5433);
    QCOMPARE(field(&dialog, "user")->text(), QStringLiteral("alice"));
    QCOMPARE(field(&dialog, "database")->text(), QStringLiteral("shop"));
    QCOMPARE(dialog.profile().engine, Engine::PostgreSQL);
    // Editing on: the form follows the URL, and a half-typed one changes nothing, says nothing.
    QTest::keyClick(url, Qt::Key_Backspace);
    QCOMPARE(field(&dialog, "database")->text(), QStringLiteral("sho"));
    url->selectAll();
    QTest::keyClicks(url, QStringLiteral("mariadb:/"));
    QCOMPARE(url->text(), QStringLiteral("mariadb:/"));
    QCOMPARE(field(&dialog, "database")->text(), QStringLiteral("sho"));
}

// Pasted: the form is filled at once, and a password in the URL does not stay on screen.
void TestConnectDialog::pastedUrlFillsForm()
{
    ConnectionBook book;
    ConnectDialog dialog(&book);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowActive(&dialog));
    QLineEdit *url = dialog.urlField();
    url->setFocus();
    url->selectAll();
    url->del();
    QApplication::clipboard()->setText(QStringLiteral("mariadb://app:s3cret@maria.example.com:3307/orders"));
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("mariadb://app:s3cret@maria.example.com:3307/orders"));
    QTest::keyClick(url, Qt::Key_V, Qt::ControlModifier);
    QCOMPARE(QApplication::focusWidget(), url);
    QCOMPARE(field(&dialog, "host")->text(), QStringLiteral("maria.example.com"));
    QCOMPARE(dialog.portField()->value(), 3307);
    QCOMPARE(field(&dialog, "database")->text(), QStringLiteral("orders"));
    QCOMPARE(dialog.passwordField()->text(), QStringLiteral("s3cret"));
    QCOMPARE(dialog.profile().engine, Engine::MariaDB);
    QVERIFY2(!url->text().contains(QLatin1String("s3cret")), qPrintable(url->text()));
}

QTEST_MAIN(TestConnectDialog)
#include "testconnectdialog.moc"
