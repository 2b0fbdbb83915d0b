#pragma once

#include "connection/connectionprofile.h"
#include "plan/plan.h"
#include "run/runner.h"

#include <QObject>
#include <QPointer>
#include <QThread>

class QWidget;

namespace Stagecraft {

class RunPanel;

// Runs started from the window: each after the typed confirmation that names the server, the
// database and the table, on a runner living on a thread of its own, followed by the run panel.
// On connect it looks in the journal (off the GUI thread) for an interrupted run to offer for
// resume or rollback.
class RunController : public QObject
{
    Q_OBJECT
public:
    struct Interrupted
    {
        QString runId; // empty: none
        Plan plan;
        // Why it may be neither resumed nor rolled back on this connection (recorded on another
        // engine or database); empty when it may.
        QString refusal;
    };

    // Confirmation dialogs are opened on dialogParent.
    RunController(RunPanel *panel, QWidget *dialogParent);
    ~RunController() override;

    // The database runs go to; forgets the interrupted run of the one before.
    void setConnection(const ConnectionProfile &profile, const QString &serverName);
    // Looks for an interrupted run, the newest that was made on this engine and database (or else
    // the newest, with why it is not offered); journalChecked() when the answer is in.
    void checkJournal();
    [[nodiscard]] const Interrupted &interrupted() const { return m_interrupted; }

    void requestRun(const Plan &plan);
    void requestResume(const QString &runId, const Plan &plan);
    void requestRollback(const QString &runId, const Plan &plan);
    // What a rollback of the run drops, and what stays, for its confirmation.
    [[nodiscard]] static QString rollbackImpact(const QString &runId, const Plan &plan);
    // Resumes a run waiting at a deploy gate, past the gate. No typed confirmation: the run was
    // confirmed when it started, on this connection, and the card's button is the decision.
    void continuePastGate(const QString &runId, const Plan &plan);
    [[nodiscard]] bool isRunning() const { return m_runner != nullptr; }
    // Stops the run in progress after its current batch (the journal keeps it for a resume).
    void cancel();

Q_SIGNALS:
    void started(); // a confirmed run, resume or rollback began
    void ended();
    void journalChecked();

private:
    enum class Kind { Run, Resume, Rollback };
    void confirm(const Plan &plan, const QString &runId, Kind kind, const QString &impact);
    void start(const Plan &plan, const QString &runId, Kind kind);

    RunPanel *m_panel;
    QWidget *m_dialogParent;
    ConnectionProfile m_profile;
    QString m_serverName;
    quint64 m_generation = 0; // bumped per connection: a late journal answer for an old one is dropped
    Interrupted m_interrupted;
    QThread m_thread;
    QPointer<Runner> m_runner; // the run in progress (lives on m_thread)
};

} // namespace Stagecraft
