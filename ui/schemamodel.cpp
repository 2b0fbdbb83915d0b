#include "schemamodel.h"

#include <QFont>
#include <QLocale>

namespace Stagecraft {

SchemaModel::SchemaModel(QObject *parent)
    : QAbstractItemModel(parent)
{
}

void SchemaModel::setTables(const ConnectionSummary &connection, const QList<TableSummary> &tables)
{
    beginResetModel();
    m_connection = connection;
    m_tables = connection.isEmpty() ? QList<TableSummary>() : tables;
    m_schemas.clear();
    for (int i = 0; i < m_tables.size(); ++i) {
        const QString &schema = m_tables.at(i).table.schema;
        if (m_schemas.isEmpty() || m_schemas.last().name != schema)
            m_schemas.append({schema, {}});
        m_schemas.last().tables.append(i);
    }
    endResetModel();
}

void SchemaModel::clear()
{
    setTables({}, {});
}

QModelIndex SchemaModel::indexOf(const TableRef &table) const
{
    for (int s = 0; s < m_schemas.size(); ++s) {
        const QList<int> &rows = m_schemas.at(s).tables;
        for (int r = 0; r < rows.size(); ++r) {
            if (m_tables.at(rows.at(r)).table == table)
                return createIndex(r, 0, TableId + quintptr(s));
        }
    }
    return {};
}

QModelIndex SchemaModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, RootId);
    if (parent.internalId() == RootId)
        return createIndex(row, column, SchemaId);
    return createIndex(row, column, TableId + quintptr(parent.row()));
}

QModelIndex SchemaModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == RootId)
        return {};
    if (child.internalId() == SchemaId)
        return createIndex(0, 0, RootId);
    return createIndex(int(child.internalId() - TableId), 0, SchemaId);
}

int SchemaModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return m_connection.isEmpty() ? 0 : 1;
    if (parent.column() != 0)
        return 0;
    if (parent.internalId() == RootId)
        return int(m_schemas.size());
    if (parent.internalId() == SchemaId)
        return int(m_schemas.at(parent.row()).tables.size());
    return 0;
}

int SchemaModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

static QString rowsText(const TableSummary &t)
{
    if (t.kind == RelationKind::View)
        return {};
    if (t.estimatedRows < 0)
        return QStringLiteral("?");
    const QString n = QLocale().toString(t.estimatedRows);
    return t.rowCountExact ? n : QStringLiteral("≈ ") + n;
}

QVariant SchemaModel::connectionData(int column, int role) const
{
    switch (role) {
    case Qt::DisplayRole:
        // The version in the name column: the short columns stay as wide as a row count.
        return column == NameColumn ? m_connection.oneLine() : QString();
    case Qt::ToolTipRole: return m_connection.toolTip();
    case Qt::FontRole: {
        QFont bold;
        bold.setBold(true);
        return column == NameColumn ? QVariant(bold) : QVariant();
    }
    }
    return {};
}

QVariant SchemaModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (index.internalId() == RootId)
        return connectionData(index.column(), role);
    if (index.internalId() == SchemaId) {
        const Schema &schema = m_schemas.at(index.row());
        if (role == Qt::DisplayRole && index.column() == NameColumn)
            return schema.name;
        if (role == Qt::ToolTipRole)
            return tr("Schema %1: %n table(s)", nullptr, int(schema.tables.size())).arg(schema.name);
        return {};
    }
    const TableSummary &t = m_tables.at(m_schemas.at(int(index.internalId() - TableId)).tables.at(index.row()));
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn: return t.table.name;
        case RowsColumn: return rowsText(t);
        case SizeColumn: return t.totalBytes < 0 ? QString() : QLocale().formattedDataSize(t.totalBytes);
        }
        return {};
    case Qt::TextAlignmentRole:
        return index.column() == NameColumn ? QVariant() : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::FontRole:
        if (t.kind == RelationKind::View) {
            QFont italic;
            italic.setItalic(true);
            return italic;
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == NameColumn) {
            switch (t.kind) {
            case RelationKind::View: return tr("View");
            case RelationKind::PartitionedTable: return tr("Partitioned table");
            case RelationKind::Partition: return tr("Partition of %1.%2").arg(t.parent.schema, t.parent.name);
            case RelationKind::Table: return tr("Table");
            }
        }
        if (index.column() == RowsColumn && t.kind == RelationKind::View)
            return {};
        if (index.column() == RowsColumn && t.estimatedRows < 0)
            return tr("No row estimate yet: the table has not been analysed.");
        if (index.column() == RowsColumn)
            return t.rowCountExact ? tr("Exact row count") : tr("The server's row estimate");
        return {};
    case TableRefRole:
        return QVariant::fromValue(t.table);
    }
    return {};
}

QVariant SchemaModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Table");
    case RowsColumn: return tr("Rows");
    case SizeColumn: return tr("Size");
    }
    return {};
}

} // namespace Stagecraft
