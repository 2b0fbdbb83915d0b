#include "locktimeline.h"

#include "plan/costmodel.h"
#include "planstepsmodel.h"
#include "report/timelinepainter.h"

#include <QHelpEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <cmath>

namespace Stagecraft {



LockTimeline::LockTimeline(QWidget *parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    QSizePolicy policy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
}

QSize LockTimeline::sizeHint() const
{
    return {800, heightForWidth(800)};
}

QSize LockTimeline::minimumSizeHint() const
{
    // Room for the lane labels and a few bars; the picture scales its time axis to the width.
    return {320, heightForWidth(320)};
}

int LockTimeline::heightForWidth(int width) const
{
    return TimelinePainter::heightFor(m_plan, width, font());
}

void LockTimeline::setPlan(const Plan &plan)
{
    m_plan = plan;
    m_selected = -1;
    updateGeometry(); // a marker line or another legend line: another height
    update();
}

void LockTimeline::setSelectedStep(int step)
{
    m_selected = step;
    update();
}

QImage LockTimeline::render(const Plan &plan, const QSize &size, const QPalette &palette)
{
    return TimelinePainter::render(plan, size, palette);
}

void LockTimeline::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    m_bars = TimelinePainter::paint(painter, rect(), m_plan, palette(), m_selected);
}

int LockTimeline::stepAt(const QPointF &point) const
{
    for (int i = 0; i < m_bars.size(); ++i) {
        if (m_bars.at(i).adjusted(-1, -1, 1, 1).contains(point))
            return i;
    }
    return -1;
}

bool LockTimeline::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const int i = stepAt(help->pos());
        if (i >= 0) {
            const PlanStep &s = m_plan.steps.at(i);
            QToolTip::showText(help->globalPos(), tr("%1. %2\n%3, %4%5")
                                                      .arg(i + 1)
                                                      .arg(s.title, severityText(severityOf(s)), CostModel::rangeText(s.estimatedSeconds),
                                                           s.lockHeldSeconds > 0 ? tr(" (lock held ~%1)").arg(durationText(s.lockHeldSeconds)) : QString()),
                               this);
        } else {
            QToolTip::hideText();
        }
        return true;
    }
    return QWidget::event(event);
}

void LockTimeline::mousePressEvent(QMouseEvent *event)
{
    const int i = stepAt(event->position());
    if (i >= 0)
        Q_EMIT stepClicked(i);
}

} // namespace Stagecraft
