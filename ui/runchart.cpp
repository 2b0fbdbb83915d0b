#include "runchart.h"

#include "report/runchartpainter.h"

#include <QPainter>

namespace Stagecraft {

RunChart::RunChart(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("runChart"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setAccessibleName(tr("Backfill chart"));
}

void RunChart::addProgress(const BackfillProgress &progress)
{
    const bool grows = m_series.watchedReplicas() != (progress.replicaLagSeconds >= 0);
    m_series.add(progress);
    if (grows)
        updateGeometry(); // the replica pane comes (or goes with a new step)
    update();
}

void RunChart::setSeries(const BackfillSeries &series)
{
    m_series = series;
    updateGeometry();
    update();
}

void RunChart::clear()
{
    m_series.clear();
    updateGeometry();
    update();
}

void RunChart::setMaxReplicaLagMs(int ms)
{
    m_maxReplicaLagMs = ms;
    update();
}

QSize RunChart::sizeHint() const
{
    return {600, RunChartPainter::preferredHeight(m_series)};
}

QSize RunChart::minimumSizeHint() const
{
    return {300, RunChartPainter::preferredHeight(m_series)};
}

void RunChart::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    RunChartPainter::paint(painter, rect(), m_series, palette(), m_maxReplicaLagMs);
}

} // namespace Stagecraft
