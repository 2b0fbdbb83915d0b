#pragma once

#include "catalog/catalogtypes.h"

#include <QAbstractTableModel>

namespace Stagecraft {

// The indexes of one table: name, columns, unique, method, partial predicate, validity.
class IndexesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, ColumnsColumn, UniqueColumn, MethodColumn, PredicateColumn, ValidColumn, ColumnCount };
    explicit IndexesModel(QObject *parent = nullptr);
    void setIndexes(const QList<IndexInfo> &indexes);
    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QList<IndexInfo> m_indexes;
};

// The constraints of one table: name, kind, definition, and whether existing rows were validated.
class ConstraintsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, KindColumn, DefinitionColumn, ValidatedColumn, ColumnCount };
    explicit ConstraintsModel(QObject *parent = nullptr);
    void setConstraints(const QList<ConstraintInfo> &constraints);
    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QList<ConstraintInfo> m_constraints;
};

} // namespace Stagecraft
