#include "columnsmodel.h"

namespace Stagecraft {

ColumnsModel::ColumnsModel(QObject *parent)
    : CatalogRowsModel(ColumnCount, parent)
{
}

QVariant ColumnsModel::display(const ColumnInfo &c, int column) const
{
    switch (column) {
    case NameColumn: return c.name;
    case TypeColumn: return c.type;
    case NullableColumn: return c.nullable ? tr("null") : tr("not null");
    case KeyColumn: return c.primaryKey ? tr("PK") : QString();
    case DefaultColumn:
        return c.generated.isEmpty() ? c.defaultExpression : tr("generated (%1)").arg(c.generated);
    }
    return {};
}

QVariant ColumnsModel::toolTip(const ColumnInfo &c, int column) const
{
    if (column == KeyColumn && c.primaryKey)
        return tr("Part of the primary key");
    return {};
}

QVariant ColumnsModel::header(int column) const
{
    switch (column) {
    case NameColumn: return tr("Column");
    case TypeColumn: return tr("Type");
    case NullableColumn: return tr("Null");
    case KeyColumn: return tr("Key");
    case DefaultColumn: return tr("Default");
    }
    return {};
}

} // namespace Stagecraft
