#pragma once

#include "run/stagetimings.h"

#include <QAbstractTableModel>

namespace Stagecraft {

// A run's statement times between the stages (History, under the steps): each top statement on one
// line, its mean per call before the run, during the backfill and during enforce and index, with the
// change against before; the whole text in the statement's tooltip.
class StageTimingsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { StatementColumn, BeforeColumn, BackfillColumn, EnforceColumn, ColumnCount };

    explicit StageTimingsModel(QObject *parent = nullptr);

    void setTimings(const StageTimings &timings);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    StageTimings m_timings;
    QList<StageTimings::Statement> m_statements;
};

} // namespace Stagecraft
