#include "connectionchip.h"

#include "themecolors.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace Stagecraft {

namespace {
constexpr int Padding = 6;
constexpr int Gap = 6;
}

ConnectionChip::ConnectionChip(QWidget *parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    hide();
}

void ConnectionChip::setConnection(const QString &prefix, const ConnectionSummary &connection)
{
    m_prefix = prefix;
    m_connection = connection;
    setToolTip(connection.isEmpty() ? QString() : prefix + QLatin1Char('\n') + connection.toolTip());
    setVisible(!connection.isEmpty());
    updateGeometry();
    update();
}

QString ConnectionChip::text() const
{
    if (m_connection.isEmpty())
        return {};
    return QStringLiteral("%1 %2 [%3] %4").arg(m_prefix, m_connection.title, engineText(), m_connection.where());
}

QString ConnectionChip::engineText() const
{
    return m_connection.server.displayName();
}

QSize ConnectionChip::sizeHint() const
{
    const QFontMetrics fm(font());
    const QString rest = m_connection.title + QStringLiteral(" — ") + m_connection.where();
    const int width = Padding + fm.horizontalAdvance(m_prefix) + Gap + fm.horizontalAdvance(engineText()) + 2 * Padding + Gap
                      + fm.horizontalAdvance(rest) + Padding;
    return {std::min(width, 560), fm.height() + 8};
}

QSize ConnectionChip::minimumSizeHint() const
{
    // The engine badge and a few letters: the rest elides.
    const QFontMetrics fm(font());
    const int least = Padding + fm.horizontalAdvance(m_prefix) + Gap + fm.horizontalAdvance(engineText()) + 2 * Padding + Gap
                      + 6 * fm.averageCharWidth() + Padding;
    return {std::min(sizeHint().width(), least), fm.height() + 8};
}

void ConnectionChip::paintEvent(QPaintEvent *)
{
    if (m_connection.isEmpty())
        return;
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing, true);
    const QFontMetrics fm(font());
    const QRectF box = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    QPainterPath outline;
    outline.addRoundedRect(box, box.height() / 2, box.height() / 2);
    p.fillPath(outline, ThemeColors::bannerBackground(ThemeColors::Neutral, palette()));
    const QColor text = ThemeColors::bannerText(ThemeColors::Neutral, palette());
    int x = Padding;
    const int baseline = (height() + fm.ascent() - fm.descent()) / 2;
    // What the connection is to the tab, then the engine badge, then the name and where it is (elided).
    if (!m_prefix.isEmpty()) {
        p.setPen(text);
        p.drawText(x, baseline, m_prefix);
        x += fm.horizontalAdvance(m_prefix) + Gap;
    }
    const QString engine = engineText();
    const QRectF badge(x, 2.5, fm.horizontalAdvance(engine) + 2 * Padding, height() - 5);
    QPainterPath badgePath;
    badgePath.addRoundedRect(badge, badge.height() / 2, badge.height() / 2);
    p.fillPath(badgePath, ThemeColors::bannerBackground(ThemeColors::Info, palette()));
    p.setPen(ThemeColors::bannerText(ThemeColors::Info, palette()));
    p.drawText(badge, Qt::AlignCenter, engine);
    x = int(badge.right()) + Gap;
    p.setPen(text);
    const QString rest = m_connection.title + QStringLiteral(" — ") + m_connection.where();
    p.drawText(x, baseline, fm.elidedText(rest, Qt::ElideMiddle, std::max(0, width() - x - Padding)));
}

} // namespace Stagecraft
