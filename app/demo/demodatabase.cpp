#include "demodatabase.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QUuid>

namespace Stagecraft {

static constexpr int DemoVersion = 1; // PRAGMA user_version at the end of shop.sql

QString DemoDatabase::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QLatin1String("/demo/shop.sqlite");
}

QStringList DemoDatabase::statements()
{
    QFile file(QStringLiteral(":/demo/shop.sql"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QStringList result;
    QString current;
    const QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'));
    for (const QString &line : lines) {
        if (line.trimmed().startsWith(QLatin1String("--")) || (current.isEmpty() && line.trimmed().isEmpty()))
            continue;
        current += line + QLatin1Char('\n');
        if (line.trimmed().endsWith(QLatin1Char(';'))) {
            result << current.trimmed();
            current.clear();
        }
    }
    return result;
}

// Runs fn with a QSqlDatabase for the SQLite file at path, under a connection name of its own.
template<typename Fn>
static auto withSqlite(const QString &path, const QString &options, Fn fn)
{
    const QString name = QStringLiteral("stagecraft-demo-") + QUuid::createUuid().toString(QUuid::Id128);
    auto result = [&] {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        db.setConnectOptions(options);
        return fn(db);
    }();
    QSqlDatabase::removeDatabase(name);
    return result;
}

bool DemoDatabase::isCurrent(const QString &path)
{
    if (!QFileInfo(path).isFile())
        return false;
    return withSqlite(path, QStringLiteral("QSQLITE_OPEN_READONLY"), [](QSqlDatabase &db) {
        if (!db.open())
            return false;
        QSqlQuery q(db);
        const bool current = q.exec(QStringLiteral("PRAGMA user_version")) && q.next()
            && q.value(0).toInt() == DemoVersion;
        q.finish();
        db.close();
        return current;
    });
}

bool DemoDatabase::ensure(const QString &path, QString *error, const std::function<void(int, int)> &progress)
{
    if (isCurrent(path))
        return true;
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) {
        if (error)
            *error = QStringLiteral("Cannot create the folder %1.").arg(QFileInfo(path).absolutePath());
        return false;
    }
    // Two Stagecraft processes starting at once generate it only once.
    QLockFile lock(path + QLatin1String(".lock"));
    if (!lock.lock()) {
        if (error)
            *error = QStringLiteral("Cannot lock %1.lock.").arg(path);
        return false;
    }
    if (isCurrent(path))
        return true;
    const QStringList script = statements();
    if (script.isEmpty()) {
        if (error)
            *error = QStringLiteral("The demo database's definition is missing from this build.");
        return false;
    }
    const QString partial = path + QLatin1String(".partial");
    QFile::remove(partial);
    const bool ok = withSqlite(partial, QString(), [&](QSqlDatabase &db) {
        if (!db.open()) {
            if (error)
                *error = QStringLiteral("Cannot create %1: %2").arg(partial, db.lastError().text());
            return false;
        }
        QSqlQuery q(db);
        for (int i = 0; i < script.size(); ++i) {
            if (!q.exec(script.at(i))) {
                if (error)
                    *error = QStringLiteral("Generating the demo database failed at statement %1: %2")
                                 .arg(i + 1)
                                 .arg(q.lastError().text());
                return false;
            }
            if (progress)
                progress(i + 1, int(script.size()));
        }
        q.finish();
        db.close();
        return true;
    });
    if (!ok) {
        QFile::remove(partial);
        return false;
    }
    QFile::remove(path);
    QFile::remove(path + QLatin1String("-wal"));
    QFile::remove(path + QLatin1String("-shm"));
    if (!QFile::rename(partial, path)) {
        if (error)
            *error = QStringLiteral("Cannot move the generated demo database to %1.").arg(path);
        QFile::remove(partial);
        return false;
    }
    return true;
}

} // namespace Stagecraft
