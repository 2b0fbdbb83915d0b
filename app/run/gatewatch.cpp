#include "gatewatch.h"

#include "connection/databaseconnection.h"

#include <QLocale>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimer>
#include <QVariant>

namespace Stagecraft {

QString GateReading::describe(Engine engine, const QString &column, const QString &table) const
{
    const QLocale locale;
    if (seconds <= 0)
        return QStringLiteral("Counting the writes to %1; the next probe compares.").arg(table);
    const QString window = QStringLiteral("last %1 s").arg(qRound(seconds));
    if (!syncCounted) {
        return written < 0 ? QStringLiteral("This server cannot tell cheaply how many rows are written to %1.").arg(table)
                           : QStringLiteral("%1 rows written to %2 in the %3.").arg(locale.toString(written), table, window);
    }
    if (filled < 0) {
        QString text = QStringLiteral("This server cannot tell cheaply how often the sync still fills %1%2.")
                           .arg(column, engine == Engine::PostgreSQL ? QStringLiteral(" (PostgreSQL: set track_functions = 'pl')") : QString());
        if (written >= 0)
            text += QStringLiteral(" %1 rows written to %2 in the %3.").arg(locale.toString(written), table, window);
        return text;
    }
    if (written < 0)
        return QStringLiteral("The sync filled %1 rows of %2 in the %3.").arg(locale.toString(filled), table, window);
    if (written == 0)
        return QStringLiteral("No row written to %1 in the %2: nothing yet tells whether the application writes %3 itself.")
            .arg(table, window, column);
    if (filled == 0)
        return QStringLiteral("The application now writes %1 itself: the sync filled none of the last %2 writes (%3).")
            .arg(column, locale.toString(written), window);
    return QStringLiteral("The sync filled %1 of the last %2 rows written (%3): a writer still leaves %4 out.")
        .arg(locale.toString(filled), locale.toString(written), window, column);
}

GateWatch::GateWatch(ConnectionProfile profile, PlanStep gate, int intervalMs, int windowMs, QObject *parent)
    : QObject(parent)
    , m_profile(std::move(profile))
    , m_gate(std::move(gate))
    , m_intervalMs(intervalMs)
    , m_windowMs(windowMs)
{
}

GateWatch::~GateWatch()
{
    stop();
}

void GateWatch::start()
{
    stop();
    m_clock.start();
    auto connection = std::make_unique<DatabaseConnection>(m_profile);
    ConnectionError error;
    if (!connection->open(&error)) {
        Q_EMIT failed(error.text());
        return;
    }
    m_connection = std::move(connection);
    if (m_connection->engine() == Engine::PostgreSQL) {
        // With track_functions on, a sync function missing from pg_stat_user_functions has not run
        // since the statistics began: it filled nothing, rather than "cannot tell".
        QSqlQuery q(m_connection->database());
        m_functionsTracked = q.exec(QStringLiteral("SELECT current_setting('track_functions') IN ('pl', 'all')")) && q.next()
            && q.value(0).toBool();
    }
    if (!m_timer) {
        m_timer = new QTimer(this);
        connect(m_timer, &QTimer::timeout, this, &GateWatch::probe);
    }
    m_timer->start(m_intervalMs);
    probe();
}

void GateWatch::probe()
{
    if (!m_connection || m_gate.gateProbeSql.isEmpty())
        return;
    QSqlQuery q(m_connection->database());
    if (!q.exec(m_gate.gateProbeSql) || !q.next()) {
        Q_EMIT failed(q.lastError().text().trimmed());
        return;
    }
    const bool syncCounted = m_gate.gate == QLatin1String("before-contract");
    Sample now;
    now.atMs = m_clock.elapsed();
    const QVariant filled = q.value(0);
    const QVariant written = q.value(1);
    if (!filled.isNull())
        now.filled = filled.toLongLong();
    else if (syncCounted && m_functionsTracked)
        now.filled = 0;
    if (!written.isNull())
        now.written = written.toLongLong();
    // Counters that went back (statistics reset): the window starts again.
    if (!m_samples.isEmpty() && ((now.filled && m_samples.last().filled && *now.filled < *m_samples.last().filled)
                                 || (now.written && m_samples.last().written && *now.written < *m_samples.last().written)))
        m_samples.clear();
    GateReading reading;
    reading.syncCounted = syncCounted;
    if (!m_samples.isEmpty() && now.filled && m_samples.last().filled)
        reading.filledSinceLast = *now.filled - *m_samples.last().filled;
    m_samples << now;
    // Keep the newest probe at or before the window's start, and those after it.
    while (m_samples.size() > 2 && m_samples.at(1).atMs <= now.atMs - m_windowMs)
        m_samples.removeFirst();
    const Sample &base = m_samples.first();
    if (m_samples.size() > 1) {
        reading.seconds = double(now.atMs - base.atMs) / 1000.0;
        if (now.filled && base.filled)
            reading.filled = *now.filled - *base.filled;
        if (now.written && base.written)
            reading.written = *now.written - *base.written;
    }
    Q_EMIT probed(reading);
}

void GateWatch::stop()
{
    if (m_timer)
        m_timer->stop();
    m_connection.reset();
    m_samples.clear();
}

} // namespace Stagecraft
