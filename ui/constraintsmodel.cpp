#include "constraintsmodel.h"

namespace Stagecraft {

ConstraintsModel::ConstraintsModel(QObject *parent)
    : CatalogRowsModel(ColumnCount, parent)
{
}

QVariant ConstraintsModel::display(const ConstraintInfo &k, int column) const
{
    switch (column) {
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

QVariant ConstraintsModel::header(int column) const
{
    switch (column) {
    case NameColumn: return tr("Constraint");
    case KindColumn: return tr("Kind");
    case DefinitionColumn: return tr("Definition");
    case ValidatedColumn: return tr("Existing rows");
    }
    return {};
}

} // namespace Stagecraft
