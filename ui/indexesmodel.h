#pragma once

#include "catalog/catalogtypes.h"
#include "catalogrowsmodel.h"

namespace Stagecraft {

// The indexes of one table: name, columns, unique, method, partial predicate, validity.
class IndexesModel : public CatalogRowsModel<IndexInfo>
{
    Q_OBJECT
public:
    enum Column { NameColumn, ColumnsColumn, UniqueColumn, MethodColumn, PredicateColumn, ValidColumn, ColumnCount };
    explicit IndexesModel(QObject *parent = nullptr);

protected:
    [[nodiscard]] QVariant display(const IndexInfo &i, int column) const override;
    [[nodiscard]] QVariant header(int column) const override;
};

} // namespace Stagecraft
