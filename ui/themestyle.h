#pragma once

#include <QProxyStyle>

namespace Stagecraft {

// Fusion, as Stagecraft's light and dark themes use it, with one change: in a dark palette Fusion
// outlines a check box in its window colour darkened, which on a dark base is all but invisible;
// here the box gets an outline that stands out (at least 3:1 against the base and the window).
class ThemeStyle : public QProxyStyle
{
    Q_OBJECT
public:
    explicit ThemeStyle(QStyle *base);

    void drawPrimitive(PrimitiveElement element, const QStyleOption *option, QPainter *painter,
                       const QWidget *widget = nullptr) const override;
    // The outline of an unchecked box in a dark palette.
    [[nodiscard]] static QColor darkIndicatorOutline();
};

} // namespace Stagecraft
