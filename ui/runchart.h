#pragma once

#include "run/backfillseries.h"

#include <QWidget>

namespace Stagecraft {

// The run panel's chart of a backfill step (RunChartPainter): fed a point after each batch, or given
// a recorded series (History). It keeps the last series until it is cleared.
class RunChart : public QWidget
{
    Q_OBJECT
public:
    explicit RunChart(QWidget *parent = nullptr);

    void addProgress(const BackfillProgress &progress);
    void setSeries(const BackfillSeries &series);
    void clear();
    // The run's replica lag threshold, drawn as a line (RunSettings::maxReplicaLagMs).
    void setMaxReplicaLagMs(int ms);
    [[nodiscard]] const BackfillSeries &series() const { return m_series; }

    [[nodiscard]] QSize sizeHint() const override;
    [[nodiscard]] QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    BackfillSeries m_series;
    int m_maxReplicaLagMs = 0;
};

} // namespace Stagecraft
