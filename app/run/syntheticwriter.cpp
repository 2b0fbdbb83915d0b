#include "syntheticwriter.h"

#include "connection/databaseconnection.h"
#include "sql/quoting.h"

#include <QElapsedTimer>
#include <QMutexLocker>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>
#include <cmath>

namespace Stagecraft {

SyntheticWriter::SyntheticWriter(Settings settings, QObject *parent)
    : QThread(parent)
    , m_settings(std::move(settings))
{
}

SyntheticWriter::~SyntheticWriter()
{
    stop();
    wait();
}

SyntheticWriter::Result SyntheticWriter::result() const
{
    QMutexLocker lock(&m_mutex);
    return m_result;
}

QString SyntheticWriter::touchedColumn(const QStringList &columns, const QStringList &key)
{
    for (const QString &c : columns) {
        if (!key.contains(c))
            return c;
    }
    return key.value(0);
}

void SyntheticWriter::run()
{
    Result r;
    const auto done = [&] {
        QMutexLocker lock(&m_mutex);
        m_result = r;
    };
    const Settings &s = m_settings;
    if (s.key.isEmpty()) {
        r.problem = QStringLiteral("the table has no primary key: the synthetic writer cannot pick rows");
        return done();
    }
    DatabaseConnection connection(s.profile);
    ConnectionError opened;
    if (!connection.open(&opened)) {
        r.problem = opened.text();
        return done();
    }
    const Engine e = connection.engine();
    const QString table = quoteQualified(e, s.table.schema, s.table.name);
    const QString heldBack = quoteQualified(e, s.heldBack.schema, s.heldBack.name);
    const QString columns = quoteIdentifierList(e, s.columns), keys = quoteIdentifierList(e, s.key);
    QStringList keyMatch;
    for (const QString &k : s.key)
        keyMatch << quoteIdentifier(e, k) + QLatin1String(" = ?");
    // The rows to insert, in key order (an application appends), and rows to update.
    const auto keysOf = [&](const QString &sql, QList<QVariantList> *into) {
        QSqlQuery q(connection.database());
        if (!q.exec(sql))
            return false;
        while (q.next()) {
            QVariantList key;
            for (int i = 0; i < s.key.size(); ++i)
                key << q.value(i);
            into->append(key);
        }
        return true;
    };
    QList<QVariantList> toInsert, toUpdate;
    if (!keysOf(QStringLiteral("SELECT %1 FROM %2 ORDER BY %1").arg(keys, heldBack), &toInsert)
        || !keysOf(QStringLiteral("SELECT %1 FROM %2 LIMIT 10000").arg(keys, table), &toUpdate)) {
        r.problem = QStringLiteral("reading the copy's keys: %1").arg(connection.database().lastError().text());
        return done();
    }
    const QString touched = quoteIdentifier(e, touchedColumn(s.columns, s.key));
    QSqlQuery insert(connection.database()), update(connection.database());
    if (!insert.prepare(QStringLiteral("INSERT INTO %1 (%2)%3 SELECT %2 FROM %4 WHERE %5")
                            .arg(table, columns,
                                 s.overridingSystemValue ? QStringLiteral(" OVERRIDING SYSTEM VALUE") : QString(), heldBack,
                                 keyMatch.join(QLatin1String(" AND "))))
        || !update.prepare(QStringLiteral("UPDATE %1 SET %2 = %2 WHERE %3").arg(table, touched, keyMatch.join(QLatin1String(" AND "))))) {
        r.problem = QStringLiteral("preparing the writes: %1").arg(connection.database().lastError().text());
        return done();
    }
    QList<double> before, during;
    QElapsedTimer clock;
    clock.start();
    qint64 n = 0;
    while (!m_stop && s.writesPerSecond > 0) {
        // Paced by the clock: the n-th write starts at n / rate seconds, later when the one before it was slow.
        const qint64 due = qint64(1000.0 * n / s.writesPerSecond);
        const qint64 wait = due - clock.elapsed();
        if (wait > 0) {
            QThread::msleep(std::min<qint64>(wait, 100));
            continue;
        }
        ++n;
        const bool inserting = !toInsert.isEmpty() && (toUpdate.isEmpty() || QRandomGenerator::global()->generateDouble() < s.insertShare);
        if (!inserting && toUpdate.isEmpty())
            break;
        const QVariantList key = inserting ? toInsert.takeFirst() : toUpdate.at(QRandomGenerator::global()->bounded(int(toUpdate.size())));
        QSqlQuery &q = inserting ? insert : update;
        for (int i = 0; i < key.size(); ++i)
            q.bindValue(i, key.at(i));
        QElapsedTimer took;
        took.start();
        const bool ok = q.exec();
        (m_marked ? during : before) << took.nsecsElapsed() / 1e6;
        if (!ok) {
            ++r.failures;
            if (r.firstFailure.isEmpty())
                r.firstFailure = q.lastError().text().trimmed();
        } else if (inserting) {
            ++r.inserts;
            toUpdate << key;
        } else {
            ++r.updates;
        }
    }
    r.seconds = clock.elapsed() / 1000.0;
    const auto summarise = [](QList<double> latencies) {
        Latency l;
        l.writes = latencies.size();
        if (latencies.isEmpty())
            return l;
        std::sort(latencies.begin(), latencies.end());
        double sum = 0;
        for (double v : std::as_const(latencies))
            sum += v;
        l.meanMs = sum / latencies.size();
        const auto at = [&](double p) { return latencies.at(std::min<qsizetype>(latencies.size() - 1, qsizetype(std::ceil(p * latencies.size())) - 1)); };
        l.p95Ms = at(0.95);
        l.p99Ms = at(0.99);
        l.maxMs = latencies.last();
        return l;
    };
    r.before = summarise(before);
    r.during = summarise(during);
    done();
}

} // namespace Stagecraft
