#include "runhistorymodel.h"

#include "run/runhistory.h"

#include <QGuiApplication>
#include <QPalette>

namespace Stagecraft {

RunHistoryModel::RunHistoryModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void RunHistoryModel::setRuns(const QList<Journal::RunRecord> &runs)
{
    beginResetModel();
    m_runs = runs;
    endResetModel();
}

const Journal::RunRecord *RunHistoryModel::run(int row) const
{
    return row >= 0 && row < m_runs.size() ? &m_runs.at(row) : nullptr;
}

int RunHistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size());
}

int RunHistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString RunHistoryModel::timeText(const QDateTime &time)
{
    return time.isValid() ? time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : QStringLiteral("—");
}

QColor RunHistoryModel::failureColor()
{
    const bool dark = QGuiApplication::palette().color(QPalette::Base).lightness() < 128;
    return dark ? QColor(0xff, 0x8a, 0x80) : QColor(0xc6, 0x28, 0x28);
}

QString RunHistoryModel::durationText(double seconds)
{
    if (seconds < 0)
        return QStringLiteral("—");
    if (seconds < 10)
        return tr("%1 s").arg(seconds, 0, 'f', 2);
    if (seconds < 60)
        return tr("%1 s").arg(qRound(seconds));
    const int whole = qRound(seconds);
    return tr("%1 min %2 s").arg(whole / 60).arg(whole % 60, 2, 10, QLatin1Char('0'));
}

QVariant RunHistoryModel::data(const QModelIndex &index, int role) const
{
    const Journal::RunRecord *r = index.isValid() ? run(index.row()) : nullptr;
    if (!r)
        return {};
    if (role == RunIdRole)
        return r->runId;
    if (role == Qt::ForegroundRole && index.column() == OutcomeColumn) {
        if (r->state == QLatin1String("failed") || r->state == QLatin1String("interrupted"))
            return failureColor();
        return {};
    }
    if (role == Qt::TextAlignmentRole && index.column() == DurationColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole)
        return tr("Run %1").arg(r->runId);
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(index.column())) {
    case TableColumn: return r->table;
    case ColumnColumn: return r->column;
    case StartedColumn: return timeText(r->startedAt);
    case EndedColumn: return timeText(RunHistory::ended(*r));
    case DurationColumn: return durationText(RunHistory::seconds(r->startedAt, RunHistory::ended(*r)));
    case OutcomeColumn: return RunHistory::outcome(*r);
    case StepsColumn: return tr("%1 of %2").arg(RunHistory::stepsApplied(*r)).arg(r->plan.steps.size());
    case ColumnCount: break;
    }
    return {};
}

QVariant RunHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case TableColumn: return tr("Table");
    case ColumnColumn: return tr("Column");
    case StartedColumn: return tr("Started");
    case EndedColumn: return tr("Ended");
    case DurationColumn: return tr("Duration");
    case OutcomeColumn: return tr("Outcome");
    case StepsColumn: return tr("Steps applied");
    case ColumnCount: break;
    }
    return {};
}

} // namespace Stagecraft
