#pragma once

#include "plan/impact.h"

#include <QAbstractItemModel>

namespace Stagecraft {

// Who uses the planned table, for the plan review's Impact tab: two groups, the dependents read
// from the catalog and the application's statements the server counted, each row with what the new
// column changes for it (in the warning or error colour by how bad it is).
class ImpactModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { WhoColumn, WhatColumn, ChangeColumn, ColumnCount };
    enum Group { DependentsGroup, StatementsGroup, GroupCount };
    // The tooltip's text as written (Qt::ToolTipRole gives it as escaped HTML).
    static constexpr int TextTipRole = Qt::UserRole + 1;

    explicit ImpactModel(QObject *parent = nullptr);

    void setImpact(const Impact &impact);
    [[nodiscard]] const Impact &impact() const { return m_impact; }
    // The tab's title: "Impact", with how many rows need acting on ("Impact (2)").
    [[nodiscard]] QString title() const;
    // How many rows have something to act on: a dependent with an impact, a statement that breaks or costs.
    [[nodiscard]] int attentionCount() const;

    [[nodiscard]] QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    [[nodiscard]] QModelIndex parent(const QModelIndex &child) const override;
    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    [[nodiscard]] QVariant groupData(int group, int column, int role) const;
    [[nodiscard]] QVariant dependentData(const TableDependent &d, int column, int role) const;
    [[nodiscard]] QVariant statementData(const StatementUse &u, int column, int role) const;

    Impact m_impact;
};

} // namespace Stagecraft
