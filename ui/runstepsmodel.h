#pragma once

#include "run/journal.h"

#include <QAbstractTableModel>

namespace Stagecraft {

// The steps of one past run (History's lower table): number, title, outcome, started, ended, the
// estimate beside the time it took (and how far apart, in red outside the estimate's range), the
// rows estimated beside the rows done, attempts and the journal's message.
class RunStepsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { NumberColumn, StepColumn, OutcomeColumn, StartedColumn, EndedColumn, EstimateColumn, TimeColumn, VersusColumn,
                  EstimatedRowsColumn, RowsColumn, AttemptsColumn, MessageColumn, ColumnCount };

    explicit RunStepsModel(QObject *parent = nullptr);

    // Empty run: no rows.
    void setRun(const Journal::RunRecord &run);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    Journal::RunRecord m_run;
};

} // namespace Stagecraft
