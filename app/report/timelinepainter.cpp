#include "timelinepainter.h"

#include <QCoreApplication>
#include <QFontMetricsF>
#include <QImage>
#include <QLocale>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace Stagecraft {

Severity severityOf(const PlanStep &step)
{
    if (step.blocksReads && step.blocksWrites)
        return Severity::BlocksReadsAndWrites;
    if (step.blocksWrites)
        return Severity::BlocksWrites;
    return Severity::None;
}

QColor severityColor(Severity severity)
{
    switch (severity) {
    case Severity::BlocksReadsAndWrites: return QColor(0xd6, 0x3b, 0x3b); // red
    case Severity::BlocksWrites: return QColor(0xe8, 0x9a, 0x23); // amber
    case Severity::None: return QColor(0x3c, 0xa5, 0x5c); // green
    }
    return {};
}

QString severityText(Severity severity)
{
    switch (severity) {
    case Severity::BlocksReadsAndWrites: return QCoreApplication::translate("Stagecraft::TimelinePainter", "blocks reads and writes");
    case Severity::BlocksWrites: return QCoreApplication::translate("Stagecraft::TimelinePainter", "blocks writes");
    case Severity::None: return QCoreApplication::translate("Stagecraft::TimelinePainter", "blocks nothing");
    }
    return {};
}

namespace {

QString secondsText(double s)
{
    if (s < 1)
        return QCoreApplication::translate("Stagecraft::TimelinePainter", "%1 ms").arg(qRound(s * 1000));
    if (s < 120)
        return QCoreApplication::translate("Stagecraft::TimelinePainter", "%1 s").arg(QLocale().toString(s, 'f', s < 10 ? 1 : 0));
    return QCoreApplication::translate("Stagecraft::TimelinePainter", "%1 min").arg(QLocale().toString(s / 60, 'f', 1));
}

// A round tick step giving about `ticks` ticks over `span` seconds.
double tickStep(double span, int ticks)
{
    const double raw = span / std::max(1, ticks);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
        if (raw <= m * magnitude)
            return m * magnitude;
    }
    return 10 * magnitude;
}

// A deploy gate: no lock, no time of its own, but the run stops there; blue, with a pause sign.
const QColor gateColor(0x42, 0x85, 0xf4);
constexpr double gateWidth = 16;

// The legend's entries, as drawn under the axis.
QList<QPair<QColor, QString>> legend(const Plan &plan)
{
    QList<QPair<QColor, QString>> entries;
    for (Severity s : {Severity::None, Severity::BlocksWrites, Severity::BlocksReadsAndWrites})
        entries.append({severityColor(s), severityText(s)});
    if (std::any_of(plan.steps.cbegin(), plan.steps.cend(), [](const PlanStep &s) { return !s.gate.isEmpty(); }))
        entries.append({gateColor, QCoreApplication::translate("Stagecraft::TimelinePainter", "deploy gate: the run waits for the application")});
    return entries;
}

// Where each legend entry goes, from (left, top), wrapping at right: its swatch's top-left corner.
QList<QPointF> legendPlaces(const QList<QPair<QColor, QString>> &entries, double left, double top, double right, const QFontMetricsF &fm)
{
    QList<QPointF> places;
    double x = left, y = top;
    for (const auto &entry : entries) {
        const double width = 16 + fm.horizontalAdvance(entry.second);
        if (x > left && x + width > right) {
            x = left;
            y += fm.height() + 4;
        }
        places << QPointF(x, y);
        x += width + 18;
    }
    return places;
}

double labelColumnWidth(const QFontMetricsF &fm)
{
    return std::max(fm.horizontalAdvance(QCoreApplication::translate("Stagecraft::TimelinePainter", "One statement")),
                    fm.horizontalAdvance(QCoreApplication::translate("Stagecraft::TimelinePainter", "Staged plan")))
           + 16;
}

// One bar: the blocking part (at least a visible tick) in its severity colour, the rest green.
void drawBar(QPainter &p, const QRectF &bar, const PlanStep &step, double pixelsPerSecond, bool selected, const QPalette &palette)
{
    if (!step.gate.isEmpty()) {
        p.fillRect(bar, gateColor);
        const double h = bar.height() * 0.45, cx = bar.center().x(), top = bar.center().y() - h / 2;
        p.fillRect(QRectF(cx - 4, top, 3, h), Qt::white);
        p.fillRect(QRectF(cx + 1, top, 3, h), Qt::white);
        p.setPen(QPen(selected ? palette.color(QPalette::Highlight) : palette.color(QPalette::Base), selected ? 2.5 : 1));
        p.drawRect(bar);
        return;
    }
    p.fillRect(bar, severityColor(Severity::None));
    const Severity severity = severityOf(step);
    if (severity != Severity::None) {
        const double width = std::clamp(step.lockHeldSeconds * pixelsPerSecond, 3.0, bar.width());
        p.fillRect(QRectF(bar.left(), bar.top(), width, bar.height()), severityColor(severity));
    }
    p.setPen(QPen(selected ? palette.color(QPalette::Highlight) : palette.color(QPalette::Base), selected ? 2.5 : 1));
    p.drawRect(bar);
}

} // namespace

QString durationText(double seconds)
{
    return secondsText(seconds);
}

QList<QRectF> TimelinePainter::paint(QPainter &p, const QRectF &rect, const Plan &plan, const QPalette &palette, int selected)
{
    QList<QRectF> bars;
    p.fillRect(rect, palette.color(QPalette::Base));
    p.setRenderHint(QPainter::Antialiasing, false);
    const QFontMetricsF fm(p.font());
    const double labelWidth = labelColumnWidth(fm);
    const double left = rect.left() + labelWidth, right = rect.right() - 12;
    const double laneHeight = 26;
    // A line of its own under the header for the "point of no return" marker, when there is one:
    // drawn into the lane's margin it overlapped the header.
    const bool marker = plan.pointOfNoReturn >= 0 && plan.pointOfNoReturn < plan.steps.size();
    const double top = rect.top() + fm.height() + 10 + (marker ? fm.height() + 2 : 0);
    const double stagedY = top, naiveY = top + laneHeight + 18;
    const double axisY = naiveY + laneHeight + 8;

    p.setPen(palette.color(QPalette::Text));
    QFont bold = p.font();
    bold.setBold(true);
    p.setFont(bold);
    const QString headline = QCoreApplication::translate("Stagecraft::TimelinePainter", "Writes blocked: ~%1 staged, ~%2 as one statement")
                                 .arg(secondsText(plan.secondsWritesBlocked()), secondsText(plan.naive.blocksWrites ? plan.naive.lockHeldSeconds : 0));
    p.drawText(QRectF(rect.left() + 8, rect.top() + 4, rect.width() - 16, fm.height()), Qt::AlignLeft,
               QFontMetricsF(bold).elidedText(headline, Qt::ElideRight, rect.width() - 16));
    p.setFont(QFont(p.font().family(), p.font().pointSize()));
    p.drawText(QRectF(rect.left() + 8, stagedY, labelWidth, laneHeight), Qt::AlignVCenter, QCoreApplication::translate("Stagecraft::TimelinePainter", "Staged plan"));
    p.drawText(QRectF(rect.left() + 8, naiveY, labelWidth, laneHeight), Qt::AlignVCenter, QCoreApplication::translate("Stagecraft::TimelinePainter", "One statement"));
    if (plan.steps.isEmpty())
        return bars;

    const double span = std::max({plan.totalSeconds(), plan.naive.estimatedSeconds, 0.05});
    const double pps = (right - left) / span;
    // Steps one after another; a bar never narrower than a few pixels, so millisecond steps show.
    double x = left;
    for (int i = 0; i < plan.steps.size(); ++i) {
        const PlanStep &s = plan.steps.at(i);
        const double least = s.gate.isEmpty() ? 6.0 : gateWidth;
        const double width = std::max(least, s.estimatedSeconds * pps);
        const QRectF bar(x, stagedY, std::min(width, std::max(least, right - x)), laneHeight);
        drawBar(p, bar, s, pps, i == selected, palette);
        bars << bar;
        if (s.gate.isEmpty() && bar.width() > fm.horizontalAdvance(QString::number(i + 1)) + 4) {
            p.setPen(Qt::white);
            p.drawText(bar, Qt::AlignCenter, QString::number(i + 1));
        }
        x = bar.right();
    }
    if (plan.pointOfNoReturn >= 0 && plan.pointOfNoReturn < bars.size()) {
        const double px = bars.at(plan.pointOfNoReturn).left();
        p.setPen(QPen(palette.color(QPalette::Text), 1, Qt::DashLine));
        const double lineTop = stagedY - fm.height() - 2;
        p.drawLine(QPointF(px, lineTop), QPointF(px, stagedY + laneHeight + 4));
        // Right of the line, or left of it where the right has no room: whole, inside the picture.
        const QString label = QCoreApplication::translate("Stagecraft::TimelinePainter", "point of no return");
        const double labelWidth = fm.horizontalAdvance(label);
        const double lx = px + 4 + labelWidth <= rect.right() - 2 ? px + 4 : std::max(rect.left() + 2, px - 4 - labelWidth);
        p.drawText(QRectF(lx, lineTop, labelWidth + 1, fm.height()), Qt::AlignLeft | Qt::AlignVCenter, label);
    }
    drawBar(p, QRectF(left, naiveY, std::max(6.0, plan.naive.estimatedSeconds * pps), laneHeight), plan.naive, pps, false, palette);

    // The time axis.
    p.setPen(palette.color(QPalette::Text));
    p.drawLine(QPointF(left, axisY), QPointF(right, axisY));
    const double step = tickStep(span, 6);
    for (double t = 0; t <= span + 1e-9; t += step) {
        const double tx = left + t * pps;
        p.drawLine(QPointF(tx, axisY), QPointF(tx, axisY + 4));
        p.drawText(QRectF(tx - 40, axisY + 5, 80, fm.height()), Qt::AlignHCenter, secondsText(t));
    }
    // Legend, wrapped where the width is short (heightFor() counts its lines).
    const QList<QPair<QColor, QString>> entries = legend(plan);
    const QList<QPointF> places = legendPlaces(entries, left, axisY + fm.height() + 10, right, fm);
    for (int i = 0; i < entries.size(); ++i) {
        const QPointF at = places.at(i);
        p.fillRect(QRectF(at.x(), at.y() + 2, 12, fm.height() - 4), entries.at(i).first);
        p.setPen(palette.color(QPalette::Text));
        p.drawText(QPointF(at.x() + 16, at.y() + fm.ascent()), entries.at(i).second);
    }
    return bars;
}

int TimelinePainter::heightFor(const Plan &plan, double width, const QFont &font)
{
    // As paint() lays it out: the header, the marker's line, two lanes, the axis, the legend.
    const QFontMetricsF fm(font);
    const bool marker = plan.pointOfNoReturn >= 0 && plan.pointOfNoReturn < plan.steps.size();
    const double laneHeight = 26;
    const double axisY = fm.height() + 10 + (marker ? fm.height() + 2 : 0) + 2 * laneHeight + 18 + 8;
    const double legendTop = axisY + fm.height() + 10;
    const QList<QPointF> places = legendPlaces(legend(plan), labelColumnWidth(fm), legendTop, width - 12, fm);
    const double bottom = (places.isEmpty() ? legendTop : places.last().y()) + fm.height() + 6;
    return int(std::ceil(bottom));
}

QImage TimelinePainter::render(const Plan &plan, const QSize &size, const QPalette &palette)
{
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    QPainter painter(&image);
    paint(painter, QRectF(QPointF(0, 0), QSizeF(size)), plan, palette, -1);
    return image;
}

} // namespace Stagecraft
