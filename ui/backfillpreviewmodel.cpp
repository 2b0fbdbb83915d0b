#include "backfillpreviewmodel.h"

#include <QFont>
#include <QGuiApplication>
#include <QPalette>

namespace Stagecraft {

BackfillPreviewModel::BackfillPreviewModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void BackfillPreviewModel::setPreview(const BackfillPreviewResult &preview)
{
    beginResetModel();
    m_preview = preview;
    endResetModel();
}

int BackfillPreviewModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_preview.rows.size());
}

int BackfillPreviewModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() || m_preview.state != BackfillPreviewResult::State::Done ? 0 : int(m_preview.columns.size()) + 1;
}

QVariant BackfillPreviewModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QVariant value = m_preview.rows.at(index.row()).value(index.column());
    const bool null = !value.isValid() || value.isNull();
    switch (role) {
    case Qt::DisplayRole: return null ? QStringLiteral("NULL") : value.toString();
    case Qt::EditRole: return value; // the value itself: a null QVariant for NULL
    case Qt::ToolTipRole:
        return null ? tr("NULL (no value)") : value.toString().isEmpty() ? tr("an empty string") : value.toString();
    case Qt::FontRole: {
        if (!null && index.column() != valueColumn())
            return {};
        QFont font;
        font.setItalic(null);
        font.setBold(index.column() == valueColumn());
        return font;
    }
    case Qt::ForegroundRole:
        if (null)
            return QGuiApplication::palette().color(QPalette::PlaceholderText);
        return {};
    case Qt::TextAlignmentRole:
        return value.typeId() == QMetaType::QString || null ? QVariant() : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    default: return {};
    }
}

QVariant BackfillPreviewModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section > m_preview.columns.size())
        return QAbstractTableModel::headerData(section, orientation, role);
    const bool value = section == valueColumn();
    if (role == Qt::DisplayRole)
        return value ? tr("→ %1").arg(m_preview.valueColumn) : m_preview.columns.at(section);
    if (role == Qt::ToolTipRole) {
        if (value)
            return m_preview.type.isEmpty() ? tr("The value %1 gets: %2").arg(m_preview.valueColumn, m_preview.expression)
                                            : tr("The value %1 gets: %2, as %3").arg(m_preview.valueColumn, m_preview.expression, m_preview.type);
        return section < m_preview.keyColumns ? tr("Primary key") : tr("Read by the expression");
    }
    return {};
}

} // namespace Stagecraft
