#pragma once

#include "connection/connectionprofile.h"
#include "plan/plan.h"
#include "run/gatewatch.h"

#include <QFrame>
#include <QPointer>

class QLabel;
class QPushButton;
class QThread;

namespace Stagecraft {

class Sparkline;

// The card a run waiting at a deploy gate shows in the run panel: the gate, why it waits, what the
// server can tell cheaply about whether the application already writes the column (a GateWatch
// polling the gate's probe on a thread and connection of its own, stopped when the card closes), a
// sparkline of the sync's fills per probe, and the buttons to continue past the gate or roll back.
class GateCard : public QFrame
{
    Q_OBJECT
public:
    explicit GateCard(QWidget *parent = nullptr);
    ~GateCard() override;

    // Shows the card for the plan's gate step and starts polling its probe on `profile`'s database.
    // slowdown: the run stopped before this (not a gate) step because the application's statements
    // ran slower during the backfill (RunSettings::maxSlowdownFactor), saying so; no probe then.
    void open(const ConnectionProfile &profile, const Plan &plan, int step, bool canRollBack, const QString &slowdown = QString());
    // Hides the card and stops polling.
    void close();
    // How often the probe runs, and the stretch of time its counts cover (tests shorten them).
    void setProbeTiming(int intervalMs, int windowMs);

    [[nodiscard]] int step() const { return m_step; }
    [[nodiscard]] QString titleText() const;
    [[nodiscard]] QString whyText() const;
    [[nodiscard]] QString probeText() const;
    [[nodiscard]] QPushButton *continueButton() const { return m_continue; }
    [[nodiscard]] QPushButton *rollbackButton() const { return m_rollback; }
    [[nodiscard]] const Sparkline *sparkline() const { return m_sparkline; }

Q_SIGNALS:
    void continueRequested();
    void rollbackRequested();
    // Each reading of the probe, once shown (tests wait on it).
    void probeShown(const Stagecraft::GateReading &reading);

private:
    void stopWatching();
    void showReading(const GateReading &reading);

    QLabel *m_title = nullptr;
    QLabel *m_why = nullptr;
    QLabel *m_probe = nullptr;
    Sparkline *m_sparkline = nullptr;
    QPushButton *m_continue = nullptr;
    QPushButton *m_rollback = nullptr;
    int m_step = -1;
    Engine m_engine = Engine::PostgreSQL;
    QString m_column;
    QString m_table;
    int m_intervalMs = 5000;
    int m_windowMs = 30000;
    // The watch's thread: deletes itself and the watch once it has finished, so closing never waits
    // on the GUI thread for a probe in flight.
    QPointer<QThread> m_thread;
};

} // namespace Stagecraft
