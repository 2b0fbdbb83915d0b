#include "fieldmessage.h"

#include <QPainter>

namespace Stagecraft {

FieldMessage::FieldMessage(QWidget *parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
}

void FieldMessage::setMessage(const QString &text, Kind kind)
{
    // One line: several messages for a field are joined, the whole of them in the tooltip.
    m_text = text;
    m_kind = kind;
    setToolTip(text);
    setAccessibleDescription(text);
    update();
}

QSize FieldMessage::sizeHint() const
{
    return {fontMetrics().averageCharWidth() * 20, fontMetrics().height()};
}

QSize FieldMessage::minimumSizeHint() const
{
    return {0, fontMetrics().height()};
}

QColor FieldMessage::colour(const QPalette &palette, Kind kind)
{
    // Light theme: dark red and dark amber; dark theme: light ones (about 7:1 and 9:1 on #2b2b2b).
    const bool dark = palette.color(QPalette::Window).lightness() < 128;
    if (kind == Kind::Error)
        return dark ? QColor(0xff, 0x9e, 0x9e) : QColor(0xb7, 0x1c, 0x1c);
    return dark ? QColor(0xff, 0xd5, 0x80) : QColor(0x8a, 0x4b, 0x00);
}

void FieldMessage::paintEvent(QPaintEvent *)
{
    if (m_text.isEmpty())
        return;
    QPainter painter(this);
    painter.setPen(colour(palette(), m_kind));
    const QString line = QString(m_text).replace(QLatin1Char('\n'), QLatin1String("; "));
    painter.drawText(rect(), Qt::AlignLeft | Qt::AlignVCenter, fontMetrics().elidedText(line, Qt::ElideRight, width()));
}

} // namespace Stagecraft
