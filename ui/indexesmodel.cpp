#include "indexesmodel.h"

namespace Stagecraft {

IndexesModel::IndexesModel(QObject *parent)
    : CatalogRowsModel(ColumnCount, parent)
{
}

QVariant IndexesModel::display(const IndexInfo &i, int column) const
{
    switch (column) {
    case NameColumn: return i.name;
    case ColumnsColumn: return i.columns.join(QLatin1String(", "));
    case UniqueColumn: return i.primary ? tr("primary key") : i.unique ? tr("unique") : QString();
    case MethodColumn: return i.method;
    case PredicateColumn: return i.predicate;
    // An invalid index (a failed CREATE INDEX CONCURRENTLY) still slows writes: say so plainly.
    case ValidColumn: return i.valid ? tr("valid") : tr("INVALID");
    }
    return {};
}

QVariant IndexesModel::header(int column) const
{
    switch (column) {
    case NameColumn: return tr("Index");
    case ColumnsColumn: return tr("Columns");
    case UniqueColumn: return tr("Unique");
    case MethodColumn: return tr("Method");
    case PredicateColumn: return tr("Where");
    case ValidColumn: return tr("State");
    }
    return {};
}

} // namespace Stagecraft
