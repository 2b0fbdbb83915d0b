#pragma once

#include "run/journal.h"

#include <QAbstractTableModel>
#include <QColor>

namespace Stagecraft {

// The past runs on a database (History), one row each, newest first: table, column, started,
// ended, duration, outcome and the steps applied. Times are shown in local time.
class RunHistoryModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { TableColumn, ColumnColumn, StartedColumn, EndedColumn, DurationColumn, OutcomeColumn, StepsColumn, ColumnCount };
    // RunIdRole: the run's id, on every column.
    enum Role { RunIdRole = Qt::UserRole + 1 };

    explicit RunHistoryModel(QObject *parent = nullptr);

    void setRuns(const QList<Journal::RunRecord> &runs);
    [[nodiscard]] const QList<Journal::RunRecord> &runs() const { return m_runs; }
    // Row `row`'s run; nullptr when there is none.
    [[nodiscard]] const Journal::RunRecord *run(int row) const;

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // A time as History shows it (local, to the second); "—" when unknown.
    [[nodiscard]] static QString timeText(const QDateTime &time);
    // The colour of a failed or interrupted outcome: readable on the light and the dark theme.
    [[nodiscard]] static QColor failureColor();
    // A duration as History shows it: "0.42 s", "12 s", "3 min 05 s"; "—" when unknown (< 0).
    [[nodiscard]] static QString durationText(double seconds);

private:
    QList<Journal::RunRecord> m_runs;
};

} // namespace Stagecraft
