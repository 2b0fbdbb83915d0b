#pragma once

#include "catalog/catalogtypes.h"
#include "catalogrowsmodel.h"

namespace Stagecraft {

// The columns of one table: name, type, nullability, key and default.
class ColumnsModel : public CatalogRowsModel<ColumnInfo>
{
    Q_OBJECT
public:
    enum Column { NameColumn, TypeColumn, NullableColumn, KeyColumn, DefaultColumn, ColumnCount };

    explicit ColumnsModel(QObject *parent = nullptr);

protected:
    [[nodiscard]] QVariant display(const ColumnInfo &c, int column) const override;
    [[nodiscard]] QVariant toolTip(const ColumnInfo &c, int column) const override;
    [[nodiscard]] QVariant header(int column) const override;
};

} // namespace Stagecraft
