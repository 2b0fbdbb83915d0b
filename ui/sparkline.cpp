#include "sparkline.h"

#include <QPainter>

#include <algorithm>

namespace Stagecraft {

Sparkline::Sparkline(QWidget *parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    setToolTip(tr("Rows the sync filled per probe, newest on the right"));
}

void Sparkline::append(qint64 value)
{
    m_values << std::max<qint64>(0, value);
    while (m_values.size() > m_capacity)
        m_values.removeFirst();
    update();
}

void Sparkline::clear()
{
    m_values.clear();
    update();
}

void Sparkline::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const QRectF area = QRectF(rect()).adjusted(1, 1, -1, -1);
    p.setPen(palette().color(QPalette::Mid));
    p.drawLine(area.bottomLeft(), area.bottomRight()); // the zero line: no fill at all
    if (m_values.isEmpty())
        return;
    const qint64 top = std::max<qint64>(1, *std::max_element(m_values.cbegin(), m_values.cend()));
    const double slot = area.width() / m_capacity;
    const QColor bar = palette().color(QPalette::Highlight);
    for (int i = 0; i < m_values.size(); ++i) {
        const double h = m_values.at(i) == 0 ? 0 : std::max(2.0, (area.height() - 1) * double(m_values.at(i)) / double(top));
        const double x = area.right() - (m_values.size() - i) * slot;
        p.fillRect(QRectF(x + 1, area.bottom() - h, std::max(1.0, slot - 2), h), bar);
    }
}

} // namespace Stagecraft
