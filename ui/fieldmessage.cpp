#include "fieldmessage.h"

#include "themecolors.h"

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
    // The application's one set of message colours, readable in the light and the dark theme.
    return ThemeColors::text(kind == Kind::Error ? ThemeColors::Error : ThemeColors::Warning, palette);
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
