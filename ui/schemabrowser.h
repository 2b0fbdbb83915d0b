#pragma once

#include "catalog/catalogtypes.h"
#include "connection/connectionprofile.h"
#include "connectionsummary.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;
class QTreeView;

namespace Stagecraft {

class ColumnsModel;
class ConstraintsModel;
class IndexesModel;
class SchemaModel;
class SqlPreview;

// The Schema tab: schemas and tables with row estimates and sizes, filtered as you type, and the
// selected table's columns, indexes and constraints (a tab each) above its definition. It only
// shows: the ConnectionController reads the catalog and hands the answers in.
class SchemaBrowser : public QWidget
{
    Q_OBJECT
public:
    explicit SchemaBrowser(QWidget *parent = nullptr);

    // Nothing shown: the tables and the table belonged to the connection before.
    void clear();
    // The connection tree: the connection, its schemas and tables (the journal's left out by the caller).
    void setTables(const ConnectionSummary &connection, const QList<TableSummary> &tables);
    void showNoTables();
    // Selects a table in the tree (clearing a filter that hides it); false if it is not there.
    bool selectTable(const TableRef &table);
    // Whether table is the one selected in the tree.
    [[nodiscard]] bool isSelected(const TableRef &table) const;
    // The table selected in the tree (empty when none is).
    [[nodiscard]] TableRef selectedTable() const;
    void showTable(const TableDetails &details, Engine engine);

    [[nodiscard]] SchemaModel *schemaModel() const { return m_schemaModel; }
    [[nodiscard]] ColumnsModel *columnsModel() const { return m_columnsModel; }
    [[nodiscard]] IndexesModel *indexesModel() const { return m_indexesModel; }
    [[nodiscard]] ConstraintsModel *constraintsModel() const { return m_constraintsModel; }
    [[nodiscard]] SqlPreview *sqlPreview() const { return m_preview; }

Q_SIGNALS:
    // Another table became the current one in the tree; its details are to be read.
    void tableSelected(const Stagecraft::TableRef &table);

private:
    QWidget *buildTree();
    QWidget *buildDetails();
    void onCurrentChanged();

    SchemaModel *m_schemaModel;
    ColumnsModel *m_columnsModel;
    IndexesModel *m_indexesModel;
    ConstraintsModel *m_constraintsModel;
    QLineEdit *m_filter = nullptr;
    QSortFilterProxyModel *m_treeProxy = nullptr;
    QTreeView *m_tree = nullptr;
    QLabel *m_tableTitle = nullptr;
    QTableView *m_columns = nullptr;
    SqlPreview *m_preview = nullptr;
};

} // namespace Stagecraft
