#include "stagetimingsmodel.h"

namespace Stagecraft {

StageTimingsModel::StageTimingsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void StageTimingsModel::setTimings(const StageTimings &timings)
{
    beginResetModel();
    m_timings = timings;
    m_statements = timings.unavailable().isEmpty() ? timings.statements() : QList<StageTimings::Statement>{};
    endResetModel();
}

int StageTimingsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_statements.size());
}

int StageTimingsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant StageTimingsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_statements.size())
        return {};
    const StageTimings::Statement &s = m_statements.at(index.row());
    if (role == Qt::ToolTipRole && index.column() == StatementColumn)
        return s.text;
    if (role == Qt::TextAlignmentRole && index.column() != StatementColumn)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(index.column())) {
    case StatementColumn: return StageTimings::shortened(s.text);
    case BeforeColumn: return StageTimings::meanText(s.before);
    case BackfillColumn:
        return m_timings.measuresBackfill() ? StageTimings::meanText(s.backfill) + StageTimings::factorText(s.before, s.backfill)
                                            : tr("not measured");
    case EnforceColumn:
        return m_timings.measuresEnforce() ? StageTimings::meanText(s.enforce) + StageTimings::factorText(s.before, s.enforce)
                                           : tr("not measured");
    case ColumnCount: break;
    }
    return {};
}

QVariant StageTimingsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole && section == BeforeColumn)
        return tr("The statement's mean per call up to the run's start, since the server's statistics were last reset.");
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case StatementColumn: return tr("Statement");
    case BeforeColumn: return tr("Before the run");
    case BackfillColumn: return tr("During the backfill");
    case EnforceColumn: return tr("During enforce and index");
    case ColumnCount: break;
    }
    return {};
}

} // namespace Stagecraft
