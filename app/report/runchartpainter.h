#pragma once

#include "run/backfillseries.h"

#include <QPalette>
#include <QRectF>
#include <QSize>

class QImage;
class QPainter;

namespace Stagecraft {

// The backfill chart (Qt Gui only, no widgets): a backfill step's rows per second and batch size
// over time, the writers its batches made wait and how long, and the replicas' lag against the
// run's threshold; bands shade where the run waited between batches. The run panel, History and the
// run's report draw it. Colours come from the palette, so it reads in a light and a dark theme.
class RunChartPainter
{
public:
    // Where the panes were drawn (an empty rect for a pane left out: no replica watched).
    struct Panes
    {
        QRectF rate; // rows/s and batch size
        QRectF waits; // writers waiting and the longest wait
        QRectF lag; // replica lag and its threshold
        QRectF legend;
    };
    // maxReplicaLagMs: the run's threshold (RunSettings::maxReplicaLagMs; 0: none drawn).
    static Panes paint(QPainter &painter, const QRectF &rect, const BackfillSeries &series, const QPalette &palette, int maxReplicaLagMs);
    [[nodiscard]] static QImage render(const BackfillSeries &series, const QSize &size, const QPalette &palette, int maxReplicaLagMs);
    // The height the chart wants: two panes, three with a replica watched.
    [[nodiscard]] static int preferredHeight(const BackfillSeries &series);
};

} // namespace Stagecraft
