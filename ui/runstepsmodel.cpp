#include "runstepsmodel.h"

#include "plan/costmodel.h"
#include "run/runhistory.h"
#include "runhistorymodel.h"

#include <QLocale>

namespace Stagecraft {

RunStepsModel::RunStepsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void RunStepsModel::setRun(const Journal::RunRecord &run)
{
    beginResetModel();
    m_run = run;
    endResetModel();
}

int RunStepsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_run.steps.size());
}

int RunStepsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunStepsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_run.steps.size())
        return {};
    const Journal::StepRecord &s = m_run.steps.at(index.row());
    // Its end: when its state last changed, once it has ended.
    const bool ended = s.state != Journal::StepState::Pending && s.state != Journal::StepState::Running;
    const QDateTime end = ended ? s.updatedAt : QDateTime();
    if (role == Qt::ForegroundRole && index.column() == OutcomeColumn
        && (s.state == Journal::StepState::Failed || s.state == Journal::StepState::Interrupted))
        return RunHistoryModel::failureColor();
    const double versus = RunHistory::versusEstimate(s);
    if (role == Qt::ForegroundRole && index.column() == VersusColumn && (versus > CostModel::RangeHigh || (versus >= 0 && versus < CostModel::RangeLow)))
        return RunHistoryModel::failureColor();
    if (role == Qt::TextAlignmentRole
        && (index.column() == NumberColumn || index.column() == EstimateColumn || index.column() == TimeColumn || index.column() == VersusColumn
            || index.column() == EstimatedRowsColumn || index.column() == RowsColumn || index.column() == AttemptsColumn))
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == MessageColumn)
        return s.error;
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(index.column())) {
    case NumberColumn: return index.row() + 1;
    case StepColumn: return index.row() < m_run.plan.steps.size() ? m_run.plan.steps.at(index.row()).title : QString();
    case OutcomeColumn: return RunHistory::stepOutcome(s.state);
    case StartedColumn: return RunHistoryModel::timeText(s.startedAt);
    case EndedColumn: return RunHistoryModel::timeText(end);
    case EstimateColumn: return s.estimatedSeconds > 0 ? CostModel::rangeText(s.estimatedSeconds) : QString();
    case TimeColumn: return RunHistoryModel::durationText(ended ? RunHistory::stepSeconds(s) : -1);
    case VersusColumn: return RunHistory::versusText(versus);
    case EstimatedRowsColumn: return s.estimatedRows > 0 ? QLocale().toString(s.estimatedRows) : QString();
    case RowsColumn: return s.rowsDone ? QLocale().toString(s.rowsDone) : QString();
    case AttemptsColumn: return s.attempts;
    case MessageColumn: return s.error.simplified();
    case ColumnCount: break;
    }
    return {};
}

QVariant RunStepsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case NumberColumn: return tr("#");
    case StepColumn: return tr("Step");
    case OutcomeColumn: return tr("Outcome");
    case StartedColumn: return tr("Started");
    case EndedColumn: return tr("Ended");
    case EstimateColumn: return tr("Estimate");
    case TimeColumn: return tr("Time");
    case VersusColumn: return tr("vs estimate");
    case EstimatedRowsColumn: return tr("Rows estimated");
    case RowsColumn: return tr("Rows done");
    case AttemptsColumn: return tr("Attempts");
    case MessageColumn: return tr("Message");
    case ColumnCount: break;
    }
    return {};
}

} // namespace Stagecraft
