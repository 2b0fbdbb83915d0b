#pragma once

#include <QColor>
#include <QString>

class QLabel;
class QPalette;

namespace Stagecraft {

// The colours Stagecraft adds to the palette's: the text of errors, warnings, good news and
// notes, and the banners that carry them, each picked for a light or a dark palette so that its
// contrast stays at least 4.5:1 (WCAG AA for text) in both themes. Nothing else in ui/ names a
// colour by its number.
class ThemeColors
{
public:
    enum Kind { Error, Warning, Success, Info, Neutral };

    // Whether a palette is dark (its window darker than mid-grey).
    [[nodiscard]] static bool isDark(const QPalette &palette);
    // Text of that kind on the palette's window or base (the application's palette when none is given).
    [[nodiscard]] static QColor text(Kind kind);
    [[nodiscard]] static QColor text(Kind kind, const QPalette &palette);
    // A banner's background and its text.
    [[nodiscard]] static QColor bannerBackground(Kind kind, const QPalette &palette);
    [[nodiscard]] static QColor bannerText(Kind kind, const QPalette &palette);
    // The style sheet of a banner label for the application's palette.
    [[nodiscard]] static QString bannerStyle(Kind kind);
    // Makes a label a banner of that kind, and keeps it one across theme changes (restyleAll()).
    static void setBanner(QLabel *label, Kind kind);
    // Makes a label's text that kind's colour (errors under a field), across theme changes too.
    static void setTextColor(QLabel *label, Kind kind);
    // After the application's palette changed: every banner and coloured label takes the new colours.
    static void restyleAll();

    // WCAG 2 relative luminance and contrast ratio (1 to 21).
    [[nodiscard]] static double luminance(const QColor &color);
    [[nodiscard]] static double contrast(const QColor &a, const QColor &b);
};

} // namespace Stagecraft
