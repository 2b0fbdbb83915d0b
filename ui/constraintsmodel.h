#pragma once

#include "catalog/catalogtypes.h"
#include "catalogrowsmodel.h"

namespace Stagecraft {

// The constraints of one table: name, kind, definition, and whether existing rows were validated.
class ConstraintsModel : public CatalogRowsModel<ConstraintInfo>
{
    Q_OBJECT
public:
    enum Column { NameColumn, KindColumn, DefinitionColumn, ValidatedColumn, ColumnCount };
    explicit ConstraintsModel(QObject *parent = nullptr);

protected:
    [[nodiscard]] QVariant display(const ConstraintInfo &k, int column) const override;
    [[nodiscard]] QVariant header(int column) const override;
};

} // namespace Stagecraft
