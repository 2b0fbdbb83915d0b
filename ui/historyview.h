#pragma once

#include "connection/connectionprofile.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QSplitter;
class QTableView;

namespace Stagecraft {

class RunChart;
class RunHistoryModel;
class RunStepsModel;
class StageTimingsModel;

// History: the past runs on the connected database, read from its journal off the GUI thread on
// a connection of its own, newest first; the selected run's steps with their times and outcome
// below, and its report (the plan's Markdown with the outcome) to open or save.
class HistoryView : public QWidget
{
    Q_OBJECT
public:
    explicit HistoryView(QWidget *parent = nullptr);

    // The database to read; clears what was shown for the one before.
    void setConnection(const ConnectionProfile &profile);
    // No database (another is being opened): nothing shown, nothing read.
    void clearConnection();
    // Reads the journal again (after every run); loaded() when the answer is in.
    void refresh();

    [[nodiscard]] RunHistoryModel *runsModel() const { return m_runs; }
    [[nodiscard]] RunStepsModel *stepsModel() const { return m_steps; }
    [[nodiscard]] QTableView *runsView() const { return m_runsView; }
    [[nodiscard]] QTableView *stepsView() const { return m_stepsView; }
    // The selected run's backfill chart (hidden when the journal recorded none).
    [[nodiscard]] RunChart *chart() const { return m_chart; }
    // The selected run's statement times between the stages (hidden when the journal recorded none).
    [[nodiscard]] StageTimingsModel *timingsModel() const { return m_timingsModel; }
    [[nodiscard]] QTableView *timingsView() const { return m_timingsView; }
    [[nodiscard]] QString timingsText() const;
    [[nodiscard]] QPushButton *saveReportButton() const { return m_save; }
    [[nodiscard]] QPushButton *openReportButton() const { return m_open; }
    [[nodiscard]] QString statusText() const;
    // Writes the selected run's report (Markdown) to path.
    [[nodiscard]] bool saveReport(const QString &path, QString *error) const;

Q_SIGNALS:
    void loaded();

private:
    void showSelected();
    [[nodiscard]] int selectedRow() const;

    ConnectionProfile m_profile;
    bool m_connected = false;
    quint64 m_generation = 0; // a late answer for the connection before (or an older refresh) is dropped
    RunHistoryModel *m_runs = nullptr;
    RunStepsModel *m_steps = nullptr;
    QLabel *m_status = nullptr;
    QTableView *m_runsView = nullptr;
    QTableView *m_stepsView = nullptr;
    RunChart *m_chart = nullptr;
    StageTimingsModel *m_timingsModel = nullptr;
    QSplitter *m_split = nullptr; // runs, steps, statement times
    QWidget *m_timings = nullptr; // the title (or how to turn statistics on) and the table
    QLabel *m_timingsNote = nullptr;
    QTableView *m_timingsView = nullptr;
    QPushButton *m_refresh = nullptr;
    QPushButton *m_open = nullptr;
    QPushButton *m_save = nullptr;
};

} // namespace Stagecraft
