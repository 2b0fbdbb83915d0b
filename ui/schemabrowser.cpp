#include "schemabrowser.h"

#include "columnsmodel.h"
#include "constraintsmodel.h"
#include "indexesmodel.h"
#include "schemamodel.h"
#include "sqlpreview.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTreeView>
#include <QVBoxLayout>

namespace Stagecraft {

SchemaBrowser::SchemaBrowser(QWidget *parent)
    : QWidget(parent)
    , m_schemaModel(new SchemaModel(this))
    , m_columnsModel(new ColumnsModel(this))
    , m_indexesModel(new IndexesModel(this))
    , m_constraintsModel(new ConstraintsModel(this))
{
    // Built in this order (the tree, then the details) for the keyboard's focus chain.
    QWidget *tree = buildTree();
    QWidget *details = buildDetails();
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(tree);
    splitter->addWidget(details);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    splitter->setSizes({460, 820});
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    connect(m_tree->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &SchemaBrowser::onCurrentChanged);
}

QWidget *SchemaBrowser::buildTree()
{
    // Filter as you type: a table stays when its name matches, its schema with it.
    m_treeProxy = new QSortFilterProxyModel(this);
    m_treeProxy->setSourceModel(m_schemaModel);
    m_treeProxy->setRecursiveFilteringEnabled(true);
    m_treeProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("tableFilter"));
    m_filter->setPlaceholderText(tr("Filter tables…"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_treeProxy->setFilterFixedString(text);
        m_tree->expandAll();
    });
    m_tree = new QTreeView(this);
    m_tree->setObjectName(QStringLiteral("schemaTree"));
    m_tree->setModel(m_treeProxy);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(SchemaModel::NameColumn, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(SchemaModel::RowsColumn, QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(SchemaModel::SizeColumn, QHeaderView::ResizeToContents);

    auto *browser = new QWidget(this);
    auto *layout = new QVBoxLayout(browser);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_filter);
    layout->addWidget(m_tree, 1);
    return browser;
}

QWidget *SchemaBrowser::buildDetails()
{
    m_tableTitle = new QLabel(this);
    QFont titleFont = m_tableTitle->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    titleFont.setBold(true);
    m_tableTitle->setFont(titleFont);

    m_columns = new QTableView(this);
    m_columns->setObjectName(QStringLiteral("columnsView"));
    m_columns->setModel(m_columnsModel);
    m_columns->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_columns->setAlternatingRowColors(true);
    m_columns->verticalHeader()->hide();
    m_columns->verticalHeader()->setDefaultSectionSize(m_columns->fontMetrics().height() + 8);
    // Names whole, the short columns as wide as their contents, the default (often long) takes the rest.
    m_columns->horizontalHeader()->setStretchLastSection(false);
    for (int c = 0; c < ColumnsModel::ColumnCount; ++c)
        m_columns->horizontalHeader()->setSectionResizeMode(c, c == ColumnsModel::DefaultColumn ? QHeaderView::Stretch
                                                                                                 : QHeaderView::ResizeToContents);

    m_preview = new SqlPreview(this);
    m_preview->setObjectName(QStringLiteral("sqlPreview"));

    // Columns, indexes and constraints of the selected table, one tab each.
    auto *detailTabs = new QTabWidget(this);
    detailTabs->setObjectName(QStringLiteral("tableTabs"));
    detailTabs->addTab(m_columns, tr("Columns"));
    // The column that takes the rest of the width: the index's predicate, the constraint's definition.
    for (auto [model, name, title, stretch] :
         {std::tuple{static_cast<QAbstractItemModel *>(m_indexesModel), "indexesView", tr("Indexes"), int(IndexesModel::PredicateColumn)},
          std::tuple{static_cast<QAbstractItemModel *>(m_constraintsModel), "constraintsView", tr("Constraints"),
                     int(ConstraintsModel::DefinitionColumn)}}) {
        auto *view = new QTableView(this);
        view->setObjectName(QLatin1String(name));
        view->setModel(model);
        view->setSelectionBehavior(QAbstractItemView::SelectRows);
        view->verticalHeader()->hide();
        view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 8);
        view->horizontalHeader()->setStretchLastSection(false);
        for (int c = 0; c < model->columnCount(); ++c)
            view->horizontalHeader()->setSectionResizeMode(c, c == stretch ? QHeaderView::Stretch : QHeaderView::ResizeToContents);
        detailTabs->addTab(view, title);
    }
    auto *detailSplitter = new QSplitter(Qt::Vertical, this);
    detailSplitter->addWidget(detailTabs);
    detailSplitter->addWidget(m_preview);
    detailSplitter->setStretchFactor(0, 1);
    detailSplitter->setStretchFactor(1, 1);

    auto *detail = new QWidget(this);
    auto *layout = new QVBoxLayout(detail);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tableTitle);
    layout->addWidget(detailSplitter, 1);
    return detail;
}

void SchemaBrowser::clear()
{
    m_schemaModel->clear();
    m_columnsModel->setRows({});
    m_indexesModel->setRows({});
    m_constraintsModel->setRows({});
    m_preview->clear();
    m_tableTitle->clear();
}

void SchemaBrowser::setTables(const ConnectionSummary &connection, const QList<TableSummary> &tables)
{
    m_schemaModel->setTables(connection, tables);
    m_tree->expandAll();
}

void SchemaBrowser::showNoTables()
{
    m_tableTitle->setText(tr("This database has no tables yet."));
}

bool SchemaBrowser::selectTable(const TableRef &table)
{
    const QModelIndex source = m_schemaModel->indexOf(table);
    if (!source.isValid())
        return false;
    QModelIndex shown = m_treeProxy->mapFromSource(source);
    if (!shown.isValid()) {
        m_filter->clear();
        shown = m_treeProxy->mapFromSource(source);
    }
    m_tree->setCurrentIndex(shown);
    return true;
}

bool SchemaBrowser::isSelected(const TableRef &table) const
{
    const QVariant current = m_tree->currentIndex().siblingAtColumn(0).data(SchemaModel::TableRefRole);
    return current.isValid() && current.value<TableRef>() == table;
}

TableRef SchemaBrowser::selectedTable() const
{
    const QVariant current = m_tree->currentIndex().siblingAtColumn(0).data(SchemaModel::TableRefRole);
    return current.isValid() ? current.value<TableRef>() : TableRef();
}

void SchemaBrowser::showTable(const TableDetails &details, Engine engine)
{
    m_tableTitle->setText(details.table.schema == QLatin1String("main")
                              ? details.table.name
                              : details.table.schema + QLatin1Char('.') + details.table.name);
    m_columnsModel->setRows(details.columns);
    m_indexesModel->setRows(details.indexes);
    m_constraintsModel->setRows(details.constraints);
    m_preview->setSql(details.definitionSql, engine);
}

void SchemaBrowser::onCurrentChanged()
{
    const QModelIndex current = m_tree->currentIndex();
    const QVariant ref = current.siblingAtColumn(0).data(SchemaModel::TableRefRole);
    if (!ref.isValid())
        return;
    const TableRef table = ref.value<TableRef>();
    m_tableTitle->setText(table.name);
    Q_EMIT tableSelected(table);
}

} // namespace Stagecraft
