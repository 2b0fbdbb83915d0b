#include "runchartpainter.h"

#include <QCoreApplication>
#include <QFontMetricsF>
#include <QImage>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>
#include <functional>

namespace Stagecraft {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Stagecraft::RunChartPainter", text);
}

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

// The series' colours: hues that read on the palette's base, lighter on a dark one.
QColor rateColor(const QPalette &pal) { return isDark(pal) ? QColor(0x6c, 0xb4, 0xff) : QColor(0x1f, 0x5f, 0xbf); }
QColor batchColor(const QPalette &pal) { return isDark(pal) ? QColor(0xd0, 0xa0, 0xff) : QColor(0x7b, 0x3f, 0xb5); }
QColor writersColor(const QPalette &pal) { return isDark(pal) ? QColor(0xff, 0xb3, 0x4d) : QColor(0xc2, 0x6a, 0x00); }
QColor waitColor(const QPalette &pal) { return isDark(pal) ? QColor(0xff, 0x7a, 0x7a) : QColor(0xc0, 0x24, 0x24); }
QColor lagColor(const QPalette &pal) { return isDark(pal) ? QColor(0x5f, 0xd3, 0x8d) : QColor(0x1e, 0x7f, 0x45); }
QColor throttleColor(const QPalette &pal)
{
    QColor c = isDark(pal) ? QColor(0xff, 0xd0, 0x60) : QColor(0xe8, 0x9a, 0x23);
    c.setAlpha(isDark(pal) ? 60 : 55);
    return c;
}

QString number(double v)
{
    if (v >= 1e6)
        return QLocale().toString(v / 1e6, 'f', v >= 1e7 ? 0 : 1) + QLatin1Char('M');
    if (v >= 1e4)
        return QLocale().toString(v / 1e3, 'f', 0) + QLatin1Char('k');
    return QLocale().toString(v, 'f', v < 10 && v != std::floor(v) ? 1 : 0);
}

QString secondsText(double s)
{
    if (s > 0 && s < 1)
        return tr("%1 ms").arg(qRound(s * 1000));
    if (s < 120)
        return tr("%1 s").arg(QLocale().toString(s, 'f', s < 10 && s != std::floor(s) ? 1 : 0));
    return tr("%1 min").arg(QLocale().toString(s / 60, 'f', 1));
}

// A round step giving about `ticks` ticks up to `top`.
double niceStep(double top, int ticks)
{
    const double raw = std::max(top, 1e-9) / std::max(1, ticks);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
        if (raw <= m * magnitude)
            return m * magnitude;
    }
    return 10 * magnitude;
}

// The axis top: a round number at or over the largest value.
double niceTop(double max)
{
    if (max <= 0)
        return 1;
    // Some room over the largest value, so its line does not run along the frame.
    const double step = niceStep(max * 1.1, 4);
    return std::ceil(max * 1.1 / step) * step;
}

struct Axis
{
    double top = 1;
    QString unit;
};

struct Frame
{
    QRectF plot;
    double seconds = 1;
    double x(double s) const { return plot.left() + plot.width() * std::clamp(s / seconds, 0.0, 1.0); }
    double y(double v, const Axis &a) const { return plot.bottom() - plot.height() * std::clamp(v / a.top, 0.0, 1.0); }
};

void drawPane(QPainter &p, const Frame &f, const QPalette &pal, const QString &title, const Axis &left, const QColor &leftColor,
              const Axis *right, const QColor &rightColor, const BackfillSeries &series)
{
    const QFontMetricsF fm(p.font());
    // The spans where the run waited between batches.
    const auto &points = series.points();
    double before = 0;
    for (const auto &pt : points) {
        if (pt.throttled)
            p.fillRect(QRectF(QPointF(f.x(before), f.plot.top()), QPointF(std::max(f.x(pt.seconds), f.x(before) + 2), f.plot.bottom())),
                       throttleColor(pal));
        before = pt.seconds;
    }
    QColor grid = pal.color(QPalette::Text);
    grid.setAlpha(40);
    p.setPen(QPen(grid, 1));
    for (int i = 0; i <= 2; ++i) {
        const double y = f.plot.bottom() - f.plot.height() * i / 2;
        p.drawLine(QPointF(f.plot.left(), y), QPointF(f.plot.right(), y));
    }
    p.setPen(pal.color(QPalette::Text));
    p.drawRect(f.plot);
    // Axis labels: the top and the middle, with units.
    for (int i = 1; i <= 2; ++i) {
        const double y = f.plot.bottom() - f.plot.height() * i / 2;
        p.setPen(leftColor);
        p.drawText(QRectF(f.plot.left() - 60, y - fm.height() / 2, 56, fm.height()), Qt::AlignRight | Qt::AlignVCenter,
                   number(left.top * i / 2));
        if (right) {
            p.setPen(rightColor);
            p.drawText(QRectF(f.plot.right() + 4, y - fm.height() / 2, 56, fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                       number(right->top * i / 2));
        }
    }
    p.setPen(pal.color(QPalette::Text));
    QFont bold = p.font();
    bold.setBold(true);
    p.save();
    p.setFont(bold);
    p.drawText(QRectF(f.plot.left() + 6, f.plot.top() + 2, f.plot.width() - 12, fm.height()), Qt::AlignLeft | Qt::AlignTop, title);
    p.restore();
    p.setPen(leftColor);
    p.drawText(QRectF(f.plot.left() - 60, f.plot.bottom() - fm.height(), 56, fm.height()), Qt::AlignRight | Qt::AlignBottom, left.unit);
    if (right) {
        p.setPen(rightColor);
        p.drawText(QRectF(f.plot.right() + 4, f.plot.bottom() - fm.height(), 56, fm.height()), Qt::AlignLeft | Qt::AlignBottom, right->unit);
    }
}

// A line through the points' values (skipping the ones that are not measured, value < 0).
void drawLine(QPainter &p, const Frame &f, const Axis &a, const QColor &color, const BackfillSeries &series,
              const std::function<double(const BackfillSeries::Point &)> &value, bool stepped)
{
    QPainterPath path;
    bool open = false;
    double lastY = 0;
    for (const auto &pt : series.points()) {
        const double v = value(pt);
        if (v < 0) {
            open = false;
            continue;
        }
        const double x = f.x(pt.seconds);
        const double y = f.y(v, a);
        if (!open) {
            path.moveTo(x, y);
            open = true;
        } else {
            if (stepped)
                path.lineTo(x, lastY);
            path.lineTo(x, y);
        }
        lastY = y;
    }
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(color, 2));
    p.setBrush(Qt::NoBrush);
    p.drawPath(path);
    // A lone point (one batch so far) still shows.
    if (series.points().size() == 1 && value(series.points().constFirst()) >= 0) {
        p.setBrush(color);
        p.drawEllipse(QPointF(f.x(series.points().constFirst().seconds), f.y(value(series.points().constFirst()), a)), 3, 3);
    }
    p.restore();
}

} // namespace

int RunChartPainter::preferredHeight(const BackfillSeries &series)
{
    return series.watchedReplicas() ? 330 : 240;
}

RunChartPainter::Panes RunChartPainter::paint(QPainter &p, const QRectF &rect, const BackfillSeries &series, const QPalette &pal,
                                              int maxReplicaLagMs)
{
    Panes panes;
    p.save();
    p.fillRect(rect, pal.color(QPalette::Base));
    const QFontMetricsF fm(p.font());
    const double line = fm.height();
    const auto &points = series.points();
    const auto figures = series.figures();

    // The legend under the time axis.
    struct Entry
    {
        QColor color;
        QString text;
        bool band = false;
    };
    QList<Entry> entries{{rateColor(pal), tr("rows/s")}, {batchColor(pal), tr("batch size (rows)")}};
    if (series.watchedWriters())
        entries << Entry{writersColor(pal), tr("writers waiting")} << Entry{waitColor(pal), tr("longest wait (ms)")};
    if (series.watchedReplicas())
        entries << Entry{lagColor(pal), tr("replica lag (s)")};
    entries << Entry{throttleColor(pal), tr("run waited"), true};
    double legendHeight = line + 6;
    {
        double x = rect.left() + 64;
        for (const Entry &e : entries) {
            const double w = 18 + fm.horizontalAdvance(e.text) + 16;
            if (x + w > rect.right() - 8) {
                x = rect.left() + 64;
                legendHeight += line + 2;
            }
            x += w;
        }
    }
    const double axisHeight = line + 4;
    const QRectF area(rect.left() + 64, rect.top() + 6, rect.width() - 64 - 64, rect.height() - 12 - axisHeight - legendHeight);
    const int paneCount = series.watchedReplicas() ? 3 : 2;
    const double gap = 8;
    const double paneHeight = (area.height() - gap * (paneCount - 1)) / paneCount;
    // The time axis ends at a round time just past the last point (a short backfill gets a short axis).
    const double span = std::max(figures.seconds, 0.01);
    const double seconds = niceStep(span, 6) * std::ceil(span / niceStep(span, 6));
    auto frameAt = [&](int i) {
        Frame f;
        f.plot = QRectF(area.left(), area.top() + i * (paneHeight + gap), area.width(), paneHeight);
        f.seconds = seconds;
        return f;
    };

    if (points.isEmpty()) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(rect, Qt::AlignCenter, tr("The chart begins with the first batch."));
        p.restore();
        return panes;
    }

    // Rows per second (left) and batch size (right).
    double maxRate = 0;
    for (const auto &pt : points)
        maxRate = std::max(maxRate, pt.rowsPerSecond);
    const Frame rate = frameAt(0);
    const Axis rateAxis{niceTop(maxRate), tr("rows/s")};
    const Axis batchAxis{niceTop(figures.maxBatchSize), tr("rows")};
    drawPane(p, rate, pal, tr("Rate and batch size"), rateAxis, rateColor(pal), &batchAxis, batchColor(pal), series);
    drawLine(p, rate, batchAxis, batchColor(pal), series, [](const auto &pt) { return double(pt.batchSize); }, true);
    drawLine(p, rate, rateAxis, rateColor(pal), series, [](const auto &pt) { return pt.rowsPerSecond; }, false);
    panes.rate = rate.plot;

    // Writers waiting (left, bars) and the longest wait (right).
    const Frame waits = frameAt(1);
    const Axis writersAxis{niceTop(std::max(1, figures.maxWritersWaiting)), tr("writers")};
    const Axis waitAxis{niceTop(std::max(1.0, figures.longestWaitMs)), tr("ms")};
    drawPane(p, waits, pal, series.watchedWriters() ? tr("Writers waiting on the batches") : tr("Writers waiting: not watched"),
             writersAxis, writersColor(pal), &waitAxis, waitColor(pal), series);
    if (series.watchedWriters()) {
        double before = 0;
        p.save();
        QColor bar = writersColor(pal);
        bar.setAlpha(170);
        for (const auto &pt : points) {
            if (pt.writersWaiting > 0) {
                const double x0 = waits.x(before);
                const double x1 = std::max(waits.x(pt.seconds), x0 + 2);
                p.fillRect(QRectF(QPointF(x0, waits.y(pt.writersWaiting, writersAxis)), QPointF(x1, waits.plot.bottom())), bar);
            }
            before = pt.seconds;
        }
        p.restore();
        drawLine(p, waits, waitAxis, waitColor(pal), series, [](const auto &pt) { return pt.longestWaitMs; }, false);
    }
    panes.waits = waits.plot;

    Frame last = waits;
    if (series.watchedReplicas()) {
        const Frame lag = frameAt(2);
        const double threshold = maxReplicaLagMs / 1000.0;
        const Axis lagAxis{niceTop(std::max(figures.maxReplicaLagSeconds, threshold * 1.2)), tr("s")};
        drawPane(p, lag, pal, tr("Replica lag"), lagAxis, lagColor(pal), nullptr, QColor(), series);
        if (threshold > 0) {
            p.save();
            p.setPen(QPen(waitColor(pal), 1.5, Qt::DashLine));
            const double y = lag.y(threshold, lagAxis);
            p.drawLine(QPointF(lag.plot.left(), y), QPointF(lag.plot.right(), y));
            p.drawText(QRectF(lag.plot.left(), y - line - 1, lag.plot.width() - 6, line), Qt::AlignRight | Qt::AlignBottom,
                       tr("threshold %1").arg(secondsText(threshold)));
            p.restore();
        }
        drawLine(p, lag, lagAxis, lagColor(pal), series, [](const auto &pt) { return pt.replicaLagSeconds; }, false);
        panes.lag = lag.plot;
        last = lag;
    }

    // The time axis, under the last pane.
    p.setPen(pal.color(QPalette::Text));
    const double step = niceStep(seconds, std::max(2, int(area.width() / 110)));
    for (double s = 0; s <= seconds + step / 1000; s += step) {
        const double x = last.x(s);
        p.drawLine(QPointF(x, last.plot.bottom()), QPointF(x, last.plot.bottom() + 3));
        p.drawText(QRectF(x - 50, last.plot.bottom() + 3, 100, line), Qt::AlignHCenter | Qt::AlignTop, secondsText(s));
    }

    // The legend.
    panes.legend = QRectF(rect.left() + 64, last.plot.bottom() + axisHeight + 4, area.width(), legendHeight);
    double x = panes.legend.left();
    double y = panes.legend.top();
    for (const Entry &e : entries) {
        const double w = 18 + fm.horizontalAdvance(e.text) + 16;
        if (x + w > rect.right() - 8) {
            x = panes.legend.left();
            y += line + 2;
        }
        const QRectF swatch(x, y + line / 2 - 5, 14, 10);
        if (e.band)
            p.fillRect(swatch, e.color);
        else
            p.fillRect(QRectF(swatch.left(), swatch.center().y() - 1.5, swatch.width(), 3), e.color);
        p.setPen(pal.color(QPalette::Text));
        p.drawText(QRectF(x + 18, y, w, line), Qt::AlignLeft | Qt::AlignVCenter, e.text);
        x += w;
    }
    p.restore();
    return panes;
}

QImage RunChartPainter::render(const BackfillSeries &series, const QSize &size, const QPalette &palette, int maxReplicaLagMs)
{
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(palette.color(QPalette::Base));
    QPainter painter(&image);
    paint(painter, QRectF(QPointF(0, 0), QSizeF(size)), series, palette, maxReplicaLagMs);
    painter.end();
    return image;
}

} // namespace Stagecraft
