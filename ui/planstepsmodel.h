#pragma once

#include "plan/plan.h"
#include "report/timelinepainter.h"

#include <QAbstractItemModel>
#include <QColor>

namespace Stagecraft {

// A plan's steps grouped by stage: stage rows, and under each its steps with their lock, what
// they block, rewrite and scan markers, estimated durations, whether a real server of the plan's
// version proved the step's claims in the tests (RuleEvidence), and the application writes each
// makes fail (in red). A deploy gate's row looks apart: tinted, with a pause icon.
class PlanStepsModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column {
        StepColumn,
        LocksColumn,
        BlocksColumn,
        WorkColumn,
        SecondsColumn,
        LockSecondsColumn,
        ClaimsColumn,
        FailingWritesColumn,
        ColumnCount
    };
    // GateRole: the step's deploy gate id (PlanStep::gate), empty for other steps; FailingWritesRole:
    // PlanStep::failingWrites, on every column of the step's row.
    enum Role { StepIndexRole = Qt::UserRole + 1, SeverityRole, GateRole, FailingWritesRole };
    // The colours the rows use: failing writes, and a gate row's tint and text.
    // They follow the application's palette, light or dark (ThemeColors).
    [[nodiscard]] static QColor failingWritesColor();
    [[nodiscard]] static QColor gateBackground();
    [[nodiscard]] static QColor gateForeground();
    // Claims that rest on the documentation only.
    [[nodiscard]] static QColor unprovedColor();

    explicit PlanStepsModel(QObject *parent = nullptr);

    void setPlan(const Plan &plan);
    [[nodiscard]] const Plan &plan() const { return m_plan; }
    // The index of step i of the plan (column 0).
    [[nodiscard]] QModelIndex indexOfStep(int step) const;

    [[nodiscard]] QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    [[nodiscard]] QModelIndex parent(const QModelIndex &child) const override;
    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    struct Group
    {
        Stage stage;
        QList<int> steps;
    };
    Plan m_plan;
    QList<Group> m_groups; // internalId: 0 for a stage row, 1 + group for a step row
};

} // namespace Stagecraft
