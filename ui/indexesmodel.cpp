#include "indexesmodel.h"

namespace Stagecraft {

IndexesModel::IndexesModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void IndexesModel::setIndexes(const QList<IndexInfo> &indexes)
{
    beginResetModel();
    m_indexes = indexes;
    endResetModel();
}

int IndexesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_indexes.size());
}

int IndexesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant IndexesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || role != Qt::DisplayRole)
        return {};
    const IndexInfo &i = m_indexes.at(index.row());
    switch (index.column()) {
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

QVariant IndexesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Index");
    case ColumnsColumn: return tr("Columns");
    case UniqueColumn: return tr("Unique");
    case MethodColumn: return tr("Method");
    case PredicateColumn: return tr("Where");
    case ValidColumn: return tr("State");
    }
    return {};
}

ConstraintsModel::ConstraintsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void ConstraintsModel::setConstraints(const QList<ConstraintInfo> &constraints)
{
    beginResetModel();
    m_constraints = constraints;
    endResetModel();
}

int ConstraintsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_constraints.size());
}

int ConstraintsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ConstraintsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || role != Qt::DisplayRole)
        return {};
    const ConstraintInfo &k = m_constraints.at(index.row());
    switch (index.column()) {
    case NameColumn: return k.name;
    case KindColumn:
        switch (k.kind) {
        case ConstraintKind::PrimaryKey: return tr("primary key");
        case ConstraintKind::Unique: return tr("unique");
        case ConstraintKind::ForeignKey: return tr("foreign key");
        case ConstraintKind::Check: return tr("check");
        case ConstraintKind::Exclusion: return tr("exclusion");
        }
        return {};
    case DefinitionColumn: return k.definition;
    case ValidatedColumn: return k.validated ? tr("validated") : tr("NOT VALID");
    }
    return {};
}

QVariant ConstraintsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Constraint");
    case KindColumn: return tr("Kind");
    case DefinitionColumn: return tr("Definition");
    case ValidatedColumn: return tr("Existing rows");
    }
    return {};
}

} // namespace Stagecraft
