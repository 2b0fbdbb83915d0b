#pragma once

#include "catalog/catalogtypes.h"
#include "connectionsummary.h"

#include <QAbstractItemModel>

namespace Stagecraft {

// The connection tree: the open connection as the root (its name, engine and version, where it
// is), its schemas under it and their tables under them, with a row count and size per table.
class SchemaModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, RowsColumn, SizeColumn, ColumnCount };
    enum Role { TableRefRole = Qt::UserRole + 1 };

    explicit SchemaModel(QObject *parent = nullptr);

    // The connection and its tables (none: the root alone).
    void setTables(const ConnectionSummary &connection, const QList<TableSummary> &tables);
    // Nothing: no connection.
    void clear();
    // The index of a table's row (column 0), invalid if it is not in the model.
    [[nodiscard]] QModelIndex indexOf(const TableRef &table) const;
    [[nodiscard]] int tableCount() const { return int(m_tables.size()); }
    [[nodiscard]] const ConnectionSummary &connection() const { return m_connection; }

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
    [[nodiscard]] QVariant connectionData(int column, int role) const;
    // internalId: RootId for the connection's row, SchemaId for a schema row, TableId + schema
    // number for a table row
    static constexpr quintptr RootId = 0;
    static constexpr quintptr SchemaId = 1;
    static constexpr quintptr TableId = 2;
    ConnectionSummary m_connection; // empty: no root
    QList<Schema> m_schemas;
    QList<TableSummary> m_tables;
};

} // namespace Stagecraft
