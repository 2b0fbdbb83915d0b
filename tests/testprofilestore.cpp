// Saved and recent connections in QSettings, passwords in the system keychain: never a password
// in the settings file, a clear message when no keychain service runs.

#include "connection/connectionbook.h"
#include "connection/passwordstore.h"
#include "connection/profilestore.h"

#include <QFile>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Stagecraft;

class TestProfileStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void saveAndList();
    void saveRefusesBadInput_data();
    void saveRefusesBadInput();
    void replaceAndRemove();
    void recent();
    void keychainRoundTrip();
    void noKeychainService_data();
    void noKeychainService();

private:
    static ConnectionProfile profile(const QString &url)
    {
        ConnectionProfile p;
        QString error;
        if (!ConnectionProfile::fromUrl(url, &p, &error))
            qFatal("bad URL in the test: %s", qPrintable(error));
        return p;
    }
    QTemporaryDir m_dir;
};

void TestProfileStore::saveAndList()
{
    QSettings settings(m_dir.filePath("save.ini"), QSettings::IniFormat);
    ProfileStore store(&settings);
    QString error;
    ConnectionProfile prod = profile("postgresql://app:s3cret@db.example.com:6543/shop?sslmode=verify-full"
                                     "&sslrootcert=/etc/ca.pem");
    QVERIFY2(store.save({"prod", prod, true}, &error), qPrintable(error));
    QVERIFY(store.save({"  Local maria ", profile("mariadb://root@127.0.0.1/test"), false}, &error));
    QVERIFY(store.save({"apple", profile("sqlite:///home/me/a.db"), false}, &error));

    const QList<SavedConnection> list = ProfileStore(&settings).saved();
    QCOMPARE(list.size(), 3);
    QCOMPARE(list.at(0).name, QString("apple"));
    QCOMPARE(list.at(1).name, QString("Local maria")); // trimmed
    QCOMPARE(list.at(2).name, QString("prod"));
    ConnectionProfile expected = prod;
    expected.password.clear();
    QCOMPARE(list.at(2).profile, expected);
    QVERIFY(list.at(2).passwordSaved);
    QVERIFY(!list.at(1).passwordSaved);

    settings.sync();
    QFile file(settings.fileName());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY(text.contains("db.example.com"));
    QVERIFY2(!text.contains("s3cret"), "a password reached the settings file");
}

void TestProfileStore::saveRefusesBadInput_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("error");
    QTest::newRow("no name") << "  " << "postgresql://u@h/db" << "Give the connection a name to save it under.";
    QTest::newRow("no database") << "x" << "postgresql://u@h/-" << "Name the database to save the connection.";
}

void TestProfileStore::saveRefusesBadInput()
{
    QFETCH(QString, name);
    QFETCH(QString, url);
    QFETCH(QString, error);
    QSettings settings(m_dir.filePath("bad.ini"), QSettings::IniFormat);
    ProfileStore store(&settings);
    ConnectionProfile p = profile(url);
    if (p.database == "-")
        p.database.clear(); // a URL always names a database; the form may leave it empty
    QString why;
    QVERIFY(!store.save({name, p, false}, &why));
    QCOMPARE(why, error);
    QVERIFY(store.saved().isEmpty());
}

void TestProfileStore::replaceAndRemove()
{
    QSettings settings(m_dir.filePath("replace.ini"), QSettings::IniFormat);
    ProfileStore store(&settings);
    QString error;
    QVERIFY(store.save({"a", profile("postgresql://u@h/one"), false}, &error));
    QVERIFY(store.save({"b", profile("postgresql://u@h/two"), false}, &error));
    QVERIFY(store.save({"a", profile("postgresql://u@h/three"), true}, &error));
    QCOMPARE(store.saved().size(), 2);
    QCOMPARE(store.saved().at(0).profile.database, QString("three"));
    store.remove("a");
    QCOMPARE(store.saved().size(), 1);
    QCOMPARE(store.saved().at(0).name, QString("b"));
    store.remove("missing");
    QCOMPARE(store.saved().size(), 1);
}

void TestProfileStore::recent()
{
    QSettings settings(m_dir.filePath("recent.ini"), QSettings::IniFormat);
    ProfileStore store(&settings);
    for (int i = 0; i < 10; ++i)
        store.addRecent(profile(QString("postgresql://u:pw@h/db%1").arg(i)));
    store.addRecent(profile("postgresql://u:pw@h/db5")); // again: moves to the front
    const QList<ConnectionProfile> list = store.recent();
    QCOMPARE(list.size(), ProfileStore::MaxRecent);
    QCOMPARE(list.at(0).database, QString("db5"));
    QCOMPARE(list.at(1).database, QString("db9"));
    QCOMPARE(list.last().database, QString("db2")); // db0 and db1 dropped out
    for (const ConnectionProfile &p : list)
        QVERIFY(p.password.isEmpty());
}

// Runs under a private D-Bus session with an unlocked GNOME Keyring (the CTest test
// testprofilestore-keychain sets that up); skipped when started without one.
void TestProfileStore::keychainRoundTrip()
{
    if (qEnvironmentVariable("STAGECRAFT_KEYCHAIN_TEST") != "1")
        QSKIP("needs a keychain service: run as the CTest test testprofilestore-keychain");
    PasswordStore store;
    QSignalSpy written(&store, &PasswordStore::passwordWritten);
    store.write("prod", "pä ss'word");
    QTRY_COMPARE_WITH_TIMEOUT(written.size(), 1, 20000);
    QCOMPARE(written.at(0).at(0).toString(), QString("prod"));
    QCOMPARE(written.at(0).at(1).toString(), QString());

    QSignalSpy read(&store, &PasswordStore::passwordRead);
    store.read("prod");
    QTRY_COMPARE_WITH_TIMEOUT(read.size(), 1, 20000);
    QCOMPARE(read.at(0).at(1).toBool(), true);
    QCOMPARE(read.at(0).at(2).toString(), QString("pä ss'word"));
    QCOMPARE(read.at(0).at(3).toString(), QString());

    // Another entry is not found, and that is no error.
    store.read("other");
    QTRY_COMPARE_WITH_TIMEOUT(read.size(), 2, 20000);
    QCOMPARE(read.at(1).at(1).toBool(), false);
    QCOMPARE(read.at(1).at(3).toString(), QString());

    QSignalSpy removed(&store, &PasswordStore::passwordRemoved);
    store.remove("prod");
    QTRY_COMPARE_WITH_TIMEOUT(removed.size(), 1, 20000);
    QCOMPARE(removed.at(0).at(1).toString(), QString());
    store.read("prod");
    QTRY_COMPARE_WITH_TIMEOUT(read.size(), 3, 20000);
    QCOMPARE(read.at(2).at(1).toBool(), false);

    // The book: a password is marked saved only once the keychain has it; a rename moves it; a
    // deletion removes it.
    QSettings settings(m_dir.filePath("book.ini"), QSettings::IniFormat);
    ConnectionBook book(&settings);
    QSignalSpy saved(&book, &ConnectionBook::saveFinished);
    ConnectionProfile p = profile("postgresql://app:s3cret@db.example.com/shop");
    book.save("Shop", p, true);
    QTRY_COMPARE_WITH_TIMEOUT(saved.size(), 1, 20000);
    QCOMPARE(saved.at(0).at(1).toBool(), true);
    QCOMPARE(saved.at(0).at(2).toString(), QString());
    QVERIFY(book.saved().value(0).passwordSaved);
    book.save("Shop (renamed)", p, true, "Shop");
    QTRY_COMPARE_WITH_TIMEOUT(saved.size(), 2, 20000);
    QCOMPARE(book.saved().size(), 1);
    QCOMPARE(book.saved().value(0).name, QString("Shop (renamed)"));
    QSignalSpy bookRead(&book, &ConnectionBook::passwordRead);
    book.readPassword("Shop (renamed)");
    QTRY_COMPARE_WITH_TIMEOUT(bookRead.size(), 1, 20000);
    QCOMPARE(bookRead.at(0).at(0).toString(), QString("Shop (renamed)"));
    QCOMPARE(bookRead.at(0).at(2).toString(), QString("s3cret"));
    book.readPassword("Shop"); // the old name's entry went with the rename
    QTRY_COMPARE_WITH_TIMEOUT(bookRead.size(), 2, 20000);
    QCOMPARE(bookRead.at(1).at(1).toBool(), false);
    book.remove("Shop (renamed)");
    QVERIFY(book.saved().isEmpty());
    book.readPassword("Shop (renamed)");
    QTRY_COMPARE_WITH_TIMEOUT(bookRead.size(), 3, 20000);
    QCOMPARE(bookRead.at(2).at(1).toBool(), false);
}

void TestProfileStore::noKeychainService_data()
{
    QTest::addColumn<bool>("busAddress");
    QTest::newRow("no session bus") << false;
    QTest::newRow("session bus gone") << true;
}

void TestProfileStore::noKeychainService()
{
    QFETCH(bool, busAddress);
    if (qEnvironmentVariable("STAGECRAFT_KEYCHAIN_TEST") == "1")
        QSKIP("a keychain service runs in this test's session");
    // Nothing answers for org.freedesktop.secrets or KWallet: the write fails with a sentence that
    // tells the user the password is not kept, and nothing is stored anywhere else instead.
    const QByteArray saved = qgetenv("DBUS_SESSION_BUS_ADDRESS");
    if (busAddress)
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + m_dir.filePath("no-bus").toLocal8Bit());
    else
        qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    const auto restore = qScopeGuard([&saved] { qputenv("DBUS_SESSION_BUS_ADDRESS", saved); });
    PasswordStore store;
    QSignalSpy written(&store, &PasswordStore::passwordWritten);
    store.write("shop", "pw");
    QTRY_COMPARE_WITH_TIMEOUT(written.size(), 1, 30000);
    const QString error = written.at(0).at(1).toString();
    qInfo("%s", qPrintable(error));
    QVERIFY2(error.contains("keychain") && error.contains("password could not be saved")
                 && error.endsWith("enter it each time you connect."),
             qPrintable(error));
    QSignalSpy read(&store, &PasswordStore::passwordRead);
    store.read("shop");
    QTRY_COMPARE_WITH_TIMEOUT(read.size(), 1, 30000);
    QCOMPARE(read.at(0).at(1).toBool(), false);
    QVERIFY(read.at(0).at(3).toString().contains("password could not be read"));

    // The book saves the connection without its password, and says so.
    QSettings settings(m_dir.filePath(QString("nobook-%1.ini").arg(busAddress)), QSettings::IniFormat);
    ConnectionBook book(&settings);
    QSignalSpy bookSaved(&book, &ConnectionBook::saveFinished);
    book.save("Shop", profile("postgresql://app:pw@db.example.com/shop"), true);
    QTRY_COMPARE_WITH_TIMEOUT(bookSaved.size(), 1, 30000);
    QCOMPARE(bookSaved.at(0).at(1).toBool(), true);
    QVERIFY2(bookSaved.at(0).at(2).toString().startsWith(QStringLiteral("Saved “Shop” without its password. ")),
             qPrintable(bookSaved.at(0).at(2).toString()));
    QCOMPARE(book.saved().size(), 1);
    QVERIFY(!book.saved().value(0).passwordSaved);
}

QTEST_GUILESS_MAIN(TestProfileStore)
#include "testprofilestore.moc"
