#pragma once

#include "plan/plan.h"

#include <QWidget>

namespace Stagecraft {

// The lock timeline: the plan's steps one after another on a time axis, each bar green where the
// step lets reads and writes go on, amber where it blocks writes, red where it blocks both; and
// below it the naive single statement on the same axis, so the difference is seen at a glance.
class LockTimeline : public QWidget
{
    Q_OBJECT
public:
    explicit LockTimeline(QWidget *parent = nullptr);

    void setPlan(const Plan &plan);
    void setSelectedStep(int step);
    // The same picture as an image (for reports and exports).
    [[nodiscard]] static QImage render(const Plan &plan, const QSize &size, const QPalette &palette);
    [[nodiscard]] QSize sizeHint() const override;
    [[nodiscard]] QSize minimumSizeHint() const override;
    // As tall as the picture needs at that width (the legend wraps on a narrow window).
    [[nodiscard]] bool hasHeightForWidth() const override { return true; }
    [[nodiscard]] int heightForWidth(int width) const override;

Q_SIGNALS:
    void stepClicked(int step);

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;

private:
    [[nodiscard]] int stepAt(const QPointF &point) const;

    Plan m_plan;
    int m_selected = -1;
    QList<QRectF> m_bars;
};

} // namespace Stagecraft
