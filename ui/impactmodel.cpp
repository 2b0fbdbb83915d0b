#include "impactmodel.h"

#include "themecolors.h"

#include <QFont>
#include <QLocale>

#include <algorithm>

namespace Stagecraft {

namespace {

// Top-level rows carry this internal id; a child carries its group's number.
constexpr quintptr TopLevel = quintptr(-1);

StatementFate::Severity worst(const StatementUse &u)
{
    StatementFate::Severity w = StatementFate::Severity::Info;
    for (const StatementFate &f : u.fates)
        w = std::max(w, f.severity);
    return w;
}

// A tooltip that shows catalog or statement text as written: Qt takes a tooltip that looks like
// HTML for HTML, so it is always given as HTML, escaped.
QVariant plainTip(const QString &text)
{
    if (text.isEmpty())
        return {};
    return QStringLiteral("<p style=\"white-space: pre-wrap\">%1</p>").arg(text.toHtmlEscaped());
}

QString callsText(qint64 calls)
{
    return calls == 1 ? ImpactModel::tr("1 call") : ImpactModel::tr("%1 calls").arg(QLocale().toString(calls));
}

} // namespace

ImpactModel::ImpactModel(QObject *parent)
    : QAbstractItemModel(parent)
{
}

void ImpactModel::setImpact(const Impact &impact)
{
    beginResetModel();
    m_impact = impact;
    endResetModel();
}

int ImpactModel::attentionCount() const
{
    const int dependents = int(std::count_if(m_impact.dependents.cbegin(), m_impact.dependents.cend(),
                                             [](const TableDependent &d) { return !d.impact.isEmpty(); }));
    return dependents + m_impact.statementsAtLeast(StatementFate::Severity::Cost);
}

QString ImpactModel::title() const
{
    const int n = attentionCount();
    return n > 0 ? tr("Impact (%1)").arg(n) : tr("Impact");
}

QModelIndex ImpactModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, TopLevel);
    return createIndex(row, column, quintptr(parent.row()));
}

QModelIndex ImpactModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == TopLevel)
        return {};
    return createIndex(int(child.internalId()), 0, TopLevel);
}

int ImpactModel::rowCount(const QModelIndex &parent) const
{
    if (!m_impact.read)
        return 0;
    if (!parent.isValid())
        return GroupCount;
    if (parent.internalId() != TopLevel || parent.column() != 0)
        return 0;
    return parent.row() == DependentsGroup ? int(m_impact.dependents.size()) : int(m_impact.statements.size());
}

int ImpactModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant ImpactModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case WhoColumn:
        return tr("Who uses the table");
    case WhatColumn:
        return tr("What it is");
    case ChangeColumn:
        return tr("What the new column changes");
    }
    return {};
}

QVariant ImpactModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    if (role == Qt::ToolTipRole) {
        const QVariant tip = data(index, TextTipRole);
        return plainTip(tip.toString());
    }
    if (role == TextTipRole)
        role = Qt::ToolTipRole;
    if (index.internalId() == TopLevel)
        return groupData(index.row(), index.column(), role);
    if (int(index.internalId()) == DependentsGroup)
        return dependentData(m_impact.dependents.at(index.row()), index.column(), role);
    return statementData(m_impact.statements.at(index.row()), index.column(), role);
}

QVariant ImpactModel::groupData(int group, int column, int role) const
{
    if (role == Qt::FontRole) {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    if (group == DependentsGroup) {
        if (column == WhoColumn)
            return tr("In the catalog (%n)", nullptr, int(m_impact.dependents.size()));
        if (column == WhatColumn && m_impact.dependents.isEmpty())
            return tr("Nothing depends on the table");
        return {};
    }
    if (column == WhoColumn)
        return tr("The application's statements (%n)", nullptr, int(m_impact.statements.size()));
    if (column == WhatColumn) {
        if (!m_impact.statisticsNote.isEmpty())
            return tr("Not known: %1").arg(m_impact.statisticsNote);
        return m_impact.statements.isEmpty() ? tr("None counted since the statistics were last reset")
                                             : tr("As the server counted them since its statistics were last reset");
    }
    return {};
}

QVariant ImpactModel::dependentData(const TableDependent &d, int column, int role) const
{
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (column) {
        case WhoColumn:
            return tr("%1 %2").arg(dependentKindName(d.kind), d.name);
        case WhatColumn:
            return d.detail;
        case ChangeColumn:
            return d.impact.isEmpty() && role == Qt::DisplayRole ? tr("nothing to act on") : d.impact;
        }
    }
    if (role == Qt::ForegroundRole && column == ChangeColumn)
        return d.impact.isEmpty() ? ThemeColors::text(ThemeColors::Neutral) : ThemeColors::text(ThemeColors::Warning);
    return {};
}

QVariant ImpactModel::statementData(const StatementUse &u, int column, int role) const
{
    const QLocale locale;
    if (role == Qt::DisplayRole) {
        switch (column) {
        case WhoColumn:
            return u.text.simplified();
        case WhatColumn:
            return tr("%1, %2 ms mean").arg(callsText(u.calls), locale.toString(u.meanMs, 'f', u.meanMs < 10 ? 3 : 1));
        case ChangeColumn: {
            if (u.fates.isEmpty())
                return tr("nothing");
            QStringList parts;
            for (const StatementFate &f : u.fates)
                parts << f.what;
            return parts.join(QLatin1String("; "));
        }
        }
    }
    if (role == Qt::ToolTipRole) {
        if (column == WhoColumn)
            return u.text;
        if (column == ChangeColumn) {
            QStringList parts;
            for (const StatementFate &f : u.fates)
                parts << severityName(f.severity) + QLatin1String(": ") + f.what;
            return parts.join(QLatin1Char('\n'));
        }
        return tr("%1, %2 ms mean, %3 rows in all").arg(callsText(u.calls), locale.toString(u.meanMs, 'f', 3), locale.toString(u.rows));
    }
    if (role == Qt::ForegroundRole && column == ChangeColumn) {
        if (u.fates.isEmpty())
            return ThemeColors::text(ThemeColors::Neutral);
        switch (worst(u)) {
        case StatementFate::Severity::Breaks:
            return ThemeColors::text(ThemeColors::Error);
        case StatementFate::Severity::Cost:
            return ThemeColors::text(ThemeColors::Warning);
        case StatementFate::Severity::Info:
            return {};
        }
    }
    return {};
}

} // namespace Stagecraft
