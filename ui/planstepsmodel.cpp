#include "planstepsmodel.h"

#include "plan/costmodel.h"
#include "themecolors.h"

#include "plan/ruleevidence.h"

#include <QApplication>
#include <QFont>
#include <QLocale>
#include <QStyle>

namespace Stagecraft {

QColor PlanStepsModel::failingWritesColor()
{
    return ThemeColors::text(ThemeColors::Error);
}

QColor PlanStepsModel::gateBackground()
{
    return ThemeColors::bannerBackground(ThemeColors::Info, QApplication::palette());
}

QColor PlanStepsModel::gateForeground()
{
    return ThemeColors::bannerText(ThemeColors::Info, QApplication::palette());
}

QColor PlanStepsModel::unprovedColor()
{
    return ThemeColors::text(ThemeColors::Warning);
}

PlanStepsModel::PlanStepsModel(QObject *parent)
    : QAbstractItemModel(parent)
{
}

void PlanStepsModel::setPlan(const Plan &plan)
{
    beginResetModel();
    m_plan = plan;
    m_groups.clear();
    for (int i = 0; i < m_plan.steps.size(); ++i) {
        const Stage stage = m_plan.steps.at(i).stage;
        if (m_groups.isEmpty() || m_groups.last().stage != stage)
            m_groups.append({stage, {}});
        m_groups.last().steps.append(i);
    }
    endResetModel();
}

QModelIndex PlanStepsModel::indexOfStep(int step) const
{
    for (int g = 0; g < m_groups.size(); ++g) {
        const int row = int(m_groups.at(g).steps.indexOf(step));
        if (row >= 0)
            return createIndex(row, 0, quintptr(g + 1));
    }
    return {};
}

QModelIndex PlanStepsModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    return createIndex(row, column, parent.isValid() ? quintptr(parent.row() + 1) : quintptr(0));
}

QModelIndex PlanStepsModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == 0)
        return {};
    return createIndex(int(child.internalId() - 1), 0, quintptr(0));
}

int PlanStepsModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_groups.size());
    if (parent.internalId() == 0 && parent.column() == 0)
        return int(m_groups.at(parent.row()).steps.size());
    return 0;
}

int PlanStepsModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant PlanStepsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (index.internalId() == 0) {
        const Group &g = m_groups.at(index.row());
        if (role == Qt::DisplayRole && index.column() == StepColumn)
            return stageName(g.stage);
        if (role == Qt::FontRole) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    }
    const int stepIndex = m_groups.at(int(index.internalId() - 1)).steps.at(index.row());
    const PlanStep &s = m_plan.steps.at(stepIndex);
    const Severity severity = severityOf(s);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case StepColumn:
            return QStringLiteral("%1. %2%3").arg(stepIndex + 1).arg(s.title,
                                                                     stepIndex == m_plan.pointOfNoReturn ? tr("  (point of no return)") : QString());
        case LocksColumn: {
            QStringList modes;
            for (const LockClaim &l : s.locks) {
                if (!modes.contains(l.mode))
                    modes << l.mode;
            }
            return modes.join(QLatin1String(", "));
        }
        case BlocksColumn: return s.gate.isEmpty() ? severityText(severity) : tr("nothing: the run waits");
        case WorkColumn: {
            if (!s.gate.isEmpty())
                return tr("deploy gate");
            QStringList work;
            if (s.rewritesTable)
                work << tr("rewrites");
            if (s.scansTable)
                work << tr("scans");
            if (!s.backfill.isNull())
                work << tr("batches");
            return work.join(QLatin1String(", "));
        }
        case SecondsColumn: return s.gate.isEmpty() ? CostModel::rangeText(s.estimatedSeconds) : tr("until resumed");
        case LockSecondsColumn: return s.lockHeldSeconds > 0 ? CostModel::rangeText(s.lockHeldSeconds) : QString();
        case ClaimsColumn:
            if (!s.gate.isEmpty() || m_plan.targetVersion == 0)
                return QString();
            return RuleEvidence::proved(m_plan.engine, m_plan.targetVersion, s.rule)
                ? tr("proved on %1").arg(RuleEvidence::versionFamily(m_plan.engine, m_plan.targetVersion))
                : tr("documentation");
        case FailingWritesColumn: return s.failingWrites;
        }
        return {};
    case Qt::DecorationRole:
        if (index.column() == StepColumn && !s.gate.isEmpty())
            return QApplication::style()->standardIcon(QStyle::SP_MediaPause);
        return index.column() == BlocksColumn && s.gate.isEmpty() ? QVariant(severityColor(severity)) : QVariant();
    case Qt::ForegroundRole:
        if (index.column() == FailingWritesColumn && !s.failingWrites.isEmpty())
            return failingWritesColor();
        if (index.column() == ClaimsColumn && s.gate.isEmpty() && !RuleEvidence::proved(m_plan.engine, m_plan.targetVersion, s.rule))
            return unprovedColor();
        return s.gate.isEmpty() ? QVariant() : QVariant(gateForeground());
    case Qt::BackgroundRole: return s.gate.isEmpty() ? QVariant() : QVariant(gateBackground());
    case Qt::FontRole:
        if (!s.gate.isEmpty() && index.column() == StepColumn) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case Qt::ToolTipRole: {
        if (index.column() == ClaimsColumn && s.gate.isEmpty() && m_plan.targetVersion != 0)
            return RuleEvidence::text(m_plan.engine, m_plan.targetVersion, s.rule);
        // The cell's own text first: elided in a narrow window, it is whole here.
        const QString text = data(index, Qt::DisplayRole).toString();
        const QString why = text.isEmpty() || index.column() == FailingWritesColumn ? s.why : QStringLiteral("%1\n\n%2").arg(text, s.why);
        return s.failingWrites.isEmpty() ? why : QStringLiteral("%1\n\n%2").arg(why, s.failingWrites);
    }
    case GateRole: return s.gate;
    case FailingWritesRole: return s.failingWrites;
    case Qt::TextAlignmentRole:
        return index.column() == SecondsColumn || index.column() == LockSecondsColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case StepIndexRole: return stepIndex;
    case SeverityRole: return int(severity);
    }
    return {};
}

QVariant PlanStepsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case StepColumn: return tr("Step");
    case LocksColumn: return tr("Lock");
    case BlocksColumn: return tr("Blocks");
    case WorkColumn: return tr("Work");
    case SecondsColumn: return tr("Estimate");
    case LockSecondsColumn: return tr("Lock held");
    case ClaimsColumn: return tr("Claims");
    case FailingWritesColumn: return tr("Application writes that fail");
    }
    return {};
}

} // namespace Stagecraft
