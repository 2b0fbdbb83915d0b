#pragma once

#include "run/rehearsal.h"

#include <QAbstractTableModel>

namespace Stagecraft {

// A rehearsal's steps (the Rehearse dialog's table): number, title, outcome, the table's estimate,
// the time on the copy, that time scaled to the table, and the scaled time over the estimate (in
// red outside the estimate's range).
class RehearsalStepsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { NumberColumn, StepColumn, OutcomeColumn, EstimateColumn, RehearsalColumn, ScaledColumn, VersusColumn, ColumnCount };

    explicit RehearsalStepsModel(QObject *parent = nullptr);

    void setSteps(const QList<RehearsedStep> &steps);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<RehearsedStep> m_steps;
};

} // namespace Stagecraft
