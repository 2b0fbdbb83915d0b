#pragma once

#include "connection/connectionprofile.h"
#include "plan/plan.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>

#include <memory>
#include <optional>

class QTimer;

namespace Stagecraft {

class DatabaseConnection;

// What a deploy gate's probe (PlanStep::gateProbeSql) told over the last stretch of time: how many
// rows the sync filled and how many rows were written to the table. -1 where the server cannot
// tell cheaply.
struct GateReading
{
    qint64 filled = -1; // rows the sync filled within the window
    qint64 written = -1; // rows written to the table within the window
    double seconds = 0; // the window the counts cover; 0 for the first probe (nothing to compare yet)
    qint64 filledSinceLast = -1; // rows the sync filled since the probe before (a sparkline's point)
    bool syncCounted = false; // the gate's probe counts the sync's fills (the gate before the contract stage)

    // In words, for the gate's card: "The sync filled 12 of the last 340 rows written (last 30 s)…".
    [[nodiscard]] QString describe(Engine engine, const QString &column, const QString &table) const;
};

// Polls a waiting deploy gate's probe, off the GUI thread, on a connection of its own: move it to a
// QThread, call start() there (queued, or from QThread::started); it probes at once, then every
// interval, and answers each time by probed() (or failed()). Quitting the thread stops it; its
// connection is closed on that thread when it is deleted (connect QThread::finished to deleteLater).
// The probe reads only the statistics the server keeps anyway: no write, no lock on the table.
class GateWatch : public QObject
{
    Q_OBJECT
public:
    // `gate` is the plan's gate step; the counts cover the last `windowMs` (at least two probes).
    GateWatch(ConnectionProfile profile, PlanStep gate, int intervalMs = 5000, int windowMs = 30000, QObject *parent = nullptr);
    ~GateWatch() override;

public Q_SLOTS:
    void start();
    // One probe now (start() has opened the connection).
    void probe();
    void stop();

Q_SIGNALS:
    void probed(const Stagecraft::GateReading &reading);
    void failed(const QString &error);

private:
    struct Sample
    {
        qint64 atMs = 0;
        std::optional<qint64> filled;
        std::optional<qint64> written;
    };

    ConnectionProfile m_profile;
    PlanStep m_gate;
    int m_intervalMs;
    int m_windowMs;
    std::unique_ptr<DatabaseConnection> m_connection;
    QTimer *m_timer = nullptr; // made in start(), on the worker's thread
    QElapsedTimer m_clock;
    QList<Sample> m_samples; // the window's probes, oldest first
    bool m_functionsTracked = false; // PostgreSQL's track_functions counts the sync's function
};

} // namespace Stagecraft

Q_DECLARE_METATYPE(Stagecraft::GateReading)
