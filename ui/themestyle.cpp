#include "themestyle.h"

#include "themecolors.h"

#include <QPainter>
#include <QStyleOption>

namespace Stagecraft {

ThemeStyle::ThemeStyle(QStyle *base)
    : QProxyStyle(base)
{
}

QColor ThemeStyle::darkIndicatorOutline()
{
    return QColor(0x9a, 0x9a, 0x9a);
}

void ThemeStyle::drawPrimitive(PrimitiveElement element, const QStyleOption *option, QPainter *painter, const QWidget *widget) const
{
    QProxyStyle::drawPrimitive(element, option, painter, widget);
    const bool box = element == PE_IndicatorCheckBox || element == PE_IndicatorItemViewItemCheck;
    const bool keyboardFocus = (option->state & State_HasFocus) && (option->state & State_KeyboardFocusChange);
    if (!box || keyboardFocus || !ThemeColors::isDark(option->palette))
        return;
    // Over Fusion's own outline, where it draws it (a rectangle inset by half a pixel).
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, true);
    painter->translate(0.5, 0.5);
    painter->setBrush(Qt::NoBrush);
    painter->setPen(QPen(option->state & State_Enabled ? darkIndicatorOutline() : darkIndicatorOutline().darker(150)));
    painter->drawRect(option->rect.adjusted(0, 0, -1, -1));
    painter->restore();
}

} // namespace Stagecraft
