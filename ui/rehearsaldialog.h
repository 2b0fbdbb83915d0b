#pragma once

#include "connection/connectionprofile.h"
#include "plan/plan.h"
#include "run/rehearsal.h"

#include <QDialog>
#include <QThread>

class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace Stagecraft {

class RehearsalStepsModel;

// Plan > Rehearse: runs the plan on a scratch copy of the table under a synthetic writer (Rehearsal,
// on a worker thread with its own connections) after the user has typed the table's name, with a
// progress bar, the log, each step's estimate beside its time scaled to the table, and the writer's
// latency. Closing it while it works cancels the rehearsal, which drops its copy before it ends.
class RehearsalDialog : public QDialog
{
    Q_OBJECT
public:
    // guardProgram: stagecraft-cli, which drops the copy should this process die.
    RehearsalDialog(const ConnectionProfile &profile, const QString &serverName, const Plan &plan, const QString &guardProgram,
                    QWidget *parent = nullptr);
    ~RehearsalDialog() override;

    [[nodiscard]] QLineEdit *confirmationEdit() const { return m_confirm; }
    [[nodiscard]] QPushButton *startButton() const { return m_start; }
    [[nodiscard]] QSpinBox *sampleRows() const { return m_rows; }
    [[nodiscard]] QDoubleSpinBox *writeRate() const { return m_rate; }
    [[nodiscard]] RehearsalStepsModel *stepsModel() const { return m_steps; }
    [[nodiscard]] QString summaryText() const;
    [[nodiscard]] bool isRehearsing() const { return m_rehearsal != nullptr; }

Q_SIGNALS:
    void rehearsed(const Stagecraft::RehearsalReport &report);

public Q_SLOTS:
    void start();
    void reject() override;

private:
    void onFinished(const RehearsalReport &report);

    ConnectionProfile m_profile;
    Plan m_plan;
    QString m_guard;
    QThread m_thread;
    Rehearsal *m_rehearsal = nullptr;
    bool m_closeWhenDone = false;
    QLineEdit *m_confirm = nullptr;
    QSpinBox *m_rows = nullptr;
    QDoubleSpinBox *m_rate = nullptr;
    QPushButton *m_start = nullptr;
    QPushButton *m_close = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_summary = nullptr;
    QPlainTextEdit *m_log = nullptr;
    RehearsalStepsModel *m_steps = nullptr;
};

} // namespace Stagecraft
