#pragma once

#include "catalog/catalogtypes.h"
#include "connection/connectionprofile.h"
#include "plan/columnspec.h"
#include "plan/plan.h"

#include <QTimer>
#include <QWidget>

#include <memory>

class QLabel;

namespace Ui {
class ColumnDesigner;
}

namespace Stagecraft {

// The column designer (columndesigner.ui): it maps its fields to a ColumnSpec and back, nothing
// more. Every edit, after a short pause, is sent out as specEdited(); validation and planning
// happen in the engine, and their answers come back through showProblems() / showPlan(), each
// problem shown beside its field.
class ColumnDesigner : public QWidget
{
    Q_OBJECT
public:
    explicit ColumnDesigner(QWidget *parent = nullptr);
    ~ColumnDesigner() override;

    // The table the column goes into, the types the server offers, the tables a key can reference.
    void setContext(Engine engine, const TableDetails &table, const QList<TypeInfo> &types, const QList<TableSummary> &tables);
    void setReferencedColumns(const TableRef &table, const QStringList &columns);
    [[nodiscard]] ColumnSpec spec() const;
    // Shows a spec in the fields (call after setContext for its table).
    void setSpec(const ColumnSpec &spec);
    [[nodiscard]] bool hasTable() const { return !m_table.name.isEmpty(); }
    // Empty, with no table: everything it held came from a connection that is gone.
    void clear();
    void showProblems(const QList<SpecProblem> &problems);
    void showPlan(const Plan &plan);
    // The message beside a field ("name", "type", ...), empty when none.
    [[nodiscard]] QString problemFor(const QString &field) const;
    // The plan's reason for its sync (on or off) as shown beside the sync checkbox; empty when none.
    [[nodiscard]] QString syncReason() const;

Q_SIGNALS:
    void specEdited(const Stagecraft::ColumnSpec &spec);
    void referencedTableChosen(const Stagecraft::TableRef &table);

private:
    void edited();
    void updateTypeParameters();
    void clearProblems();
    void updateSyncText();
    [[nodiscard]] const TypeInfo *currentType() const;
    [[nodiscard]] QLabel *errorLabel(const QString &field) const;

    std::unique_ptr<Ui::ColumnDesigner> m_ui;
    QTimer m_debounce;
    Engine m_engine = Engine::SQLite;
    TableRef m_table;
    QList<TypeInfo> m_types;
    QList<TableSummary> m_tables;
    bool m_showPosition = false; // MySQL/MariaDB, or a spec that asked for a position (shown with its error)
    QString m_planSyncReason; // the last plan's Sync::reason
    bool m_showComment = true; // not SQLite, or a spec that brought a comment (shown with its error)
};

} // namespace Stagecraft
