#pragma once

#include "catalog/catalogtypes.h"

#include <QAbstractTableModel>

namespace Stagecraft {

// The columns of one table: name, type, nullability, key and default.
class ColumnsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, TypeColumn, NullableColumn, KeyColumn, DefaultColumn, ColumnCount };

    explicit ColumnsModel(QObject *parent = nullptr);

    void setColumns(const QList<ColumnInfo> &columns);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QList<ColumnInfo> m_columns;
};

} // namespace Stagecraft
