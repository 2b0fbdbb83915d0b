#include "columnsmodel.h"

namespace Stagecraft {

ColumnsModel::ColumnsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void ColumnsModel::setColumns(const QList<ColumnInfo> &columns)
{
    beginResetModel();
    m_columns = columns;
    endResetModel();
}

int ColumnsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_columns.size());
}

int ColumnsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ColumnsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ColumnInfo &c = m_columns.at(index.row());
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case NameColumn: return c.name;
        case TypeColumn: return c.type;
        case NullableColumn: return c.nullable ? tr("null") : tr("not null");
        case KeyColumn: return c.primaryKey ? tr("PK") : QString();
        case DefaultColumn:
            return c.generated.isEmpty() ? c.defaultExpression : tr("generated (%1)").arg(c.generated);
        }
    } else if (role == Qt::ToolTipRole && index.column() == KeyColumn && c.primaryKey) {
        return tr("Part of the primary key");
    }
    return {};
}

QVariant ColumnsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Column");
    case TypeColumn: return tr("Type");
    case NullableColumn: return tr("Null");
    case KeyColumn: return tr("Key");
    case DefaultColumn: return tr("Default");
    }
    return {};
}

} // namespace Stagecraft
