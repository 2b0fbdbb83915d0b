#pragma once

#include "plan/plan.h"

#include <QColor>
#include <QList>
#include <QPalette>
#include <QRectF>
#include <QSize>

class QFont;
class QFontMetricsF;
class QImage;
class QPainter;

namespace Stagecraft {

// How much a step gets in the way of the application: the colour of its badge and timeline bar.
enum class Severity { None, BlocksWrites, BlocksReadsAndWrites };
[[nodiscard]] Severity severityOf(const PlanStep &step);
[[nodiscard]] QColor severityColor(Severity severity);
[[nodiscard]] QString severityText(Severity severity);
// "350 ms", "12 s", "4.5 min": a duration as the timeline writes it.
[[nodiscard]] QString durationText(double seconds);

// The lock timeline picture (Qt Gui only, no widgets): the plan's steps one after another on a time
// axis, each bar green where reads and writes go on, amber where writes wait, red where both do;
// the naive statement below on the same axis. The window's LockTimeline and the reports draw it.
class TimelinePainter
{
public:
    // Draws into rect; returns each step's bar, for hit testing. selected: a step to outline, or -1.
    static QList<QRectF> paint(QPainter &painter, const QRectF &rect, const Plan &plan, const QPalette &palette, int selected);
    [[nodiscard]] static QImage render(const Plan &plan, const QSize &size, const QPalette &palette);
    // The height the picture needs at a width, in a font: the legend wraps where the width is short.
    [[nodiscard]] static int heightFor(const Plan &plan, double width, const QFont &font);
};

} // namespace Stagecraft
