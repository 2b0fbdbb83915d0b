#pragma once

#include "catalog/catalogtypes.h"
#include "connection/connectionprofile.h"
#include "plan/backfillpreview.h"
#include "plan/columnspec.h"
#include "plan/plan.h"

#include <QHash>
#include <QSet>
#include <QTimer>
#include <QWidget>

#include <memory>

class QLabel;
class QTableView;
class QToolButton;

namespace Ui {
class ColumnDesigner;
}

namespace Stagecraft {

class BackfillPreviewModel;
class FieldMessage;

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
    // The spec's problems: each shown on its field's line once the user edited that field (or
    // asked for them all: revealProblems, a spec file); the others wait, unseen.
    void showProblems(const QList<SpecProblem> &problems);
    void showPlan(const Plan &plan);
    // Shows every problem, touched or not (the user asked for the plan).
    void revealProblems();
    // The problem shown on a field's line ("name", "type", ...), empty when none is shown.
    [[nodiscard]] QString problemFor(const QString &field) const;
    // Warnings on fields (SpecValidator::warnings) for the plan on screen, each on its field's line.
    void showWarnings(const QList<SpecProblem> &warnings);
    // The plan's warning shown on a field's line (a CHECK that does not mention the column), or empty.
    [[nodiscard]] QString warningFor(const QString &field) const;
    // The fields whose problems are on screen, in the order of the problems.
    [[nodiscard]] QStringList invalidFields() const;
    // The backfill's values on a sample of rows, under the Backfill field.
    void showBackfillPreview(const BackfillPreviewResult &preview);
    void showBackfillPreviewBusy();
    [[nodiscard]] BackfillPreviewModel *backfillPreview() const { return m_preview; }
    // The line above the preview's rows: how many, or why none.
    [[nodiscard]] QString backfillPreviewStatus() const;
    // The plan's reason for its sync (on or off) as shown beside the sync checkbox; empty when none.
    [[nodiscard]] QString syncReason() const;

Q_SIGNALS:
    void specEdited(const Stagecraft::ColumnSpec &spec);
    void referencedTableChosen(const Stagecraft::TableRef &table);

private:
    void edited();
    void updateTypeParameters();
    void buildBackfillPreview();
    void clearProblems();
    void clearPlanNotes();
    void showFieldMessages();
    void fillFields(const ColumnSpec &spec);
    void updateSyncText();
    [[nodiscard]] bool shown(const QString &field) const;
    [[nodiscard]] const TypeInfo *currentType() const;
    [[nodiscard]] FieldMessage *messageLine(const QString &field) const;

    std::unique_ptr<Ui::ColumnDesigner> m_ui;
    QTimer m_debounce;
    Engine m_engine = Engine::SQLite;
    TableRef m_table;
    QList<TypeInfo> m_types;
    QList<TableSummary> m_tables;
    bool m_showPosition = false; // MySQL/MariaDB, or a spec that asked for a position (shown with its error)
    QString m_planSyncReason; // the last plan's Sync::reason
    bool m_showComment = true; // not SQLite, or a spec that brought a comment (shown with its error)
    QHash<QWidget *, QString> m_fieldOf; // each input's field, as problems name it
    QSet<QString> m_touched; // the fields the user edited since the form was new
    bool m_revealAll = false; // every problem shown, touched or not
    bool m_filling = false; // the fields are being set by the program, not edited by the user
    QList<SpecProblem> m_problems; // the spec's last problems, shown or waiting
    QList<SpecProblem> m_warnings; // the last plan's warnings on fields
    BackfillPreviewModel *m_preview = nullptr;
    QTableView *m_previewView = nullptr;
    QLabel *m_previewStatus = nullptr;
    QToolButton *m_previewToggle = nullptr;
};

} // namespace Stagecraft
