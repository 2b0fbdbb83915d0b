#pragma once

#include "catalog/catalogtypes.h"

#include <QAbstractItemModel>

namespace Stagecraft {

// Schemas and their tables as a two-level tree: name, row count and size per table.
class SchemaModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, RowsColumn, SizeColumn, ColumnCount };
    enum Role { TableRefRole = Qt::UserRole + 1 };

    explicit SchemaModel(QObject *parent = nullptr);

    void setTables(const QList<TableSummary> &tables);
    void clear();
    // The index of a table's row (column 0), invalid if it is not in the model.
    [[nodiscard]] QModelIndex indexOf(const TableRef &table) const;
    [[nodiscard]] int tableCount() const { return int(m_tables.size()); }

    [[nodiscard]] QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    [[nodiscard]] QModelIndex parent(const QModelIndex &child) const override;
    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    struct Schema
    {
        QString name;
        QList<int> tables; // indexes into m_tables
    };
    // internalId: 0 for a schema row, 1 + schema number for a table row
    QList<Schema> m_schemas;
    QList<TableSummary> m_tables;
};

} // namespace Stagecraft
