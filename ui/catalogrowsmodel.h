#pragma once

#include <QAbstractTableModel>
#include <QList>

namespace Stagecraft {

// A flat table of one kind of catalog row (columns, indexes, constraints of a table): it holds the
// rows and the row, column and header plumbing; a subclass only says what each column shows.
template<typename Row>
class CatalogRowsModel : public QAbstractTableModel
{
public:
    void setRows(const QList<Row> &rows)
    {
        beginResetModel();
        m_rows = rows;
        endResetModel();
    }

    [[nodiscard]] const QList<Row> &rows() const { return m_rows; }

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override
    {
        return parent.isValid() ? 0 : int(m_rows.size());
    }
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override
    {
        return parent.isValid() ? 0 : m_columnCount;
    }
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override
    {
        if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
            return {};
        const Row &row = m_rows.at(index.row());
        if (role == Qt::DisplayRole)
            return display(row, index.column());
        if (role == Qt::ToolTipRole)
            return toolTip(row, index.column());
        return {};
    }
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation, int role) const override
    {
        if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
            return {};
        return header(section);
    }

protected:
    CatalogRowsModel(int columnCount, QObject *parent)
        : QAbstractTableModel(parent)
        , m_columnCount(columnCount)
    {
    }

    // What a cell shows; an invalid QVariant for nothing.
    [[nodiscard]] virtual QVariant display(const Row &row, int column) const = 0;
    [[nodiscard]] virtual QVariant toolTip(const Row &row, int column) const
    {
        Q_UNUSED(row)
        Q_UNUSED(column)
        return {};
    }
    // A column's title; an invalid QVariant for a section past the last.
    [[nodiscard]] virtual QVariant header(int column) const = 0;

private:
    QList<Row> m_rows;
    int m_columnCount;
};

} // namespace Stagecraft
