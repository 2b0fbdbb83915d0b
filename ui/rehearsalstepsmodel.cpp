#include "rehearsalstepsmodel.h"

#include "plan/costmodel.h"
#include "runhistorymodel.h"

namespace Stagecraft {

RehearsalStepsModel::RehearsalStepsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void RehearsalStepsModel::setSteps(const QList<RehearsedStep> &steps)
{
    beginResetModel();
    m_steps = steps;
    endResetModel();
}

int RehearsalStepsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_steps.size());
}

int RehearsalStepsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RehearsalStepsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_steps.size())
        return {};
    const RehearsedStep &s = m_steps.at(index.row());
    const double ratio = RehearsalReport::ratio(s);
    if (role == Qt::ForegroundRole && index.column() == VersusColumn && ratio >= 0 && (ratio > CostModel::RangeHigh || ratio < CostModel::RangeLow))
        return RunHistoryModel::failureColor();
    if (role == Qt::TextAlignmentRole && index.column() != StepColumn && index.column() != OutcomeColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == ScaledColumn && s.scaledSeconds >= 0)
        return s.scaled ? tr("The time on the copy times the table's rows over the copy's") : tr("Not sized by the table: as on the copy");
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(index.column())) {
    case NumberColumn: return index.row() + 1;
    case StepColumn: return s.title;
    case OutcomeColumn: return s.outcome;
    case EstimateColumn: return s.estimatedSeconds > 0 ? CostModel::rangeText(s.estimatedSeconds) : QString();
    case RehearsalColumn: return s.measuredSeconds >= 0 ? RunHistoryModel::durationText(s.measuredSeconds) : QString();
    case ScaledColumn: return s.scaledSeconds >= 0 ? RunHistoryModel::durationText(s.scaledSeconds) : QString();
    case VersusColumn: return RehearsalReport::versus(s);
    case ColumnCount: break;
    }
    return {};
}

QVariant RehearsalStepsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case NumberColumn: return tr("#");
    case StepColumn: return tr("Step");
    case OutcomeColumn: return tr("Outcome");
    case EstimateColumn: return tr("Estimate");
    case RehearsalColumn: return tr("On the copy");
    case ScaledColumn: return tr("Scaled to the table");
    case VersusColumn: return tr("vs estimate");
    case ColumnCount: break;
    }
    return {};
}

} // namespace Stagecraft
