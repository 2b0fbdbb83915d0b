// The application id dev.stagecraft.Stagecraft is used consistently: desktop file, AppStream
// metainfo, icon, Flatpak manifest, the running application; the Flatpak manifest grants what the
// application needs (Wayland and X11, the network, the keychain) and builds this source tree.

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

class TestPackaging : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void applicationId();
    void flatpakManifest();
};

static const QString AppId = QStringLiteral("dev.stagecraft.Stagecraft");
static const QString Packaging = QStringLiteral(STAGECRAFT_SOURCE_DIR "/packaging/");

static QString read(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

void TestPackaging::applicationId()
{
    const QString desktop = read(Packaging + AppId + ".desktop");
    QVERIFY(desktop.contains("\nIcon=" + AppId + "\n"));
    QVERIFY(desktop.contains("\nExec=stagecraft %u\n"));
    const QString metainfo = read(Packaging + AppId + ".metainfo.xml");
    QVERIFY(metainfo.contains("<id>" + AppId + "</id>"));
    QVERIFY(metainfo.contains("<launchable type=\"desktop-id\">" + AppId + ".desktop</launchable>"));
    QVERIFY(QFile::exists(Packaging + "icons/" + AppId + ".svg"));
    const QString install = read(Packaging + "CMakeLists.txt");
    QVERIFY(install.contains("set(STAGECRAFT_APP_ID " + AppId + ")"));
    // The running application names its desktop file (Wayland matches windows by it).
    const QString main = read(QStringLiteral(STAGECRAFT_SOURCE_DIR "/app/gui/main.cpp"));
    QVERIFY(main.contains("setDesktopFileName(QStringLiteral(\"" + AppId + "\"))"));
}

void TestPackaging::flatpakManifest()
{
    QJsonParseError error;
    const QJsonObject manifest = QJsonDocument::fromJson(read(Packaging + "flatpak/" + AppId + ".json").toUtf8(), &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(manifest.value("id").toString(), AppId);
    QCOMPARE(manifest.value("runtime").toString(), QString("org.kde.Platform"));
    QCOMPARE(manifest.value("sdk").toString(), QString("org.kde.Sdk"));
    QCOMPARE(manifest.value("command").toString(), QString("stagecraft"));
    QStringList args;
    for (const QJsonValue &a : manifest.value("finish-args").toArray())
        args << a.toString();
    for (const char *needed : {"--socket=wayland", "--socket=fallback-x11", "--share=network", "--share=ipc",
                               "--talk-name=org.freedesktop.secrets"})
        QVERIFY2(args.contains(QLatin1String(needed)), needed);
    const QJsonArray modules = manifest.value("modules").toArray();
    QStringList names;
    for (const QJsonValue &m : modules)
        names << m.toObject().value("name").toString();
    // The SQL drivers need their client libraries; QtKeychain is not in the KDE runtime.
    QVERIFY(names.indexOf("libpq") < names.indexOf("qt-sqldrivers"));
    QVERIFY(names.indexOf("mariadb-connector-c") < names.indexOf("qt-sqldrivers"));
    QVERIFY(names.contains("qtkeychain"));
    const QJsonObject last = modules.last().toObject();
    QCOMPARE(last.value("name").toString(), QString("stagecraft"));
    QCOMPARE(last.value("sources").toArray().first().toObject().value("path").toString(), QString("../.."));
    QVERIFY(last.value("config-opts").toArray().contains(QJsonValue("-DBUILD_TESTING=OFF")));
}

QTEST_GUILESS_MAIN(TestPackaging)
#include "testpackaging.moc"
