#include "themecolors.h"

#include <QApplication>
#include <QLabel>
#include <QPalette>
#include <QVariant>

#include <cmath>

namespace Stagecraft {

static const char BannerProperty[] = "stagecraftBanner";
static const char TextColorProperty[] = "stagecraftTextColor";

bool ThemeColors::isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QColor ThemeColors::text(Kind kind)
{
    return text(kind, QApplication::palette());
}

QColor ThemeColors::text(Kind kind, const QPalette &palette)
{
    // Light: dark shades (>= 5:1 on white and on Fusion's #efefef); dark: light tints (>= 6:1 on #1f2124 and #2b2d30).
    const bool dark = isDark(palette);
    switch (kind) {
    case Error: return dark ? QColor(0xff, 0x8a, 0x80) : QColor(0xb3, 0x26, 0x1e);
    case Warning: return dark ? QColor(0xff, 0xcc, 0x66) : QColor(0x8a, 0x4b, 0x00);
    case Success: return dark ? QColor(0x81, 0xc7, 0x84) : QColor(0x1b, 0x5e, 0x20);
    case Info: return dark ? QColor(0x90, 0xca, 0xf9) : QColor(0x0d, 0x47, 0xa1);
    case Neutral: return palette.color(QPalette::WindowText);
    }
    return palette.color(QPalette::WindowText);
}

QColor ThemeColors::bannerBackground(Kind kind, const QPalette &palette)
{
    const bool dark = isDark(palette);
    switch (kind) {
    case Error: return dark ? QColor(0x4a, 0x1c, 0x20) : QColor(0xf8, 0xd7, 0xda);
    case Warning: return dark ? QColor(0x4d, 0x3d, 0x05) : QColor(0xff, 0xf3, 0xcd);
    case Success: return dark ? QColor(0x12, 0x35, 0x24) : QColor(0xd1, 0xe7, 0xdd);
    case Info: return dark ? QColor(0x0b, 0x2a, 0x55) : QColor(0xcf, 0xe2, 0xff);
    case Neutral: return dark ? QColor(0x3a, 0x3d, 0x41) : QColor(0xe9, 0xec, 0xef);
    }
    return palette.color(QPalette::Window);
}

QColor ThemeColors::bannerText(Kind kind, const QPalette &palette)
{
    const bool dark = isDark(palette);
    switch (kind) {
    case Error: return dark ? QColor(0xf5, 0xc2, 0xc7) : QColor(0x58, 0x15, 0x1c);
    case Warning: return dark ? QColor(0xff, 0xe6, 0x9c) : QColor(0x66, 0x4d, 0x03);
    case Success: return dark ? QColor(0xa3, 0xcf, 0xbb) : QColor(0x0a, 0x36, 0x22);
    case Info: return dark ? QColor(0x9e, 0xc5, 0xfe) : QColor(0x05, 0x2c, 0x65);
    case Neutral: return dark ? QColor(0xe6, 0xe6, 0xe6) : QColor(0x21, 0x25, 0x29);
    }
    return palette.color(QPalette::WindowText);
}

QString ThemeColors::bannerStyle(Kind kind)
{
    const QPalette palette = QApplication::palette();
    return QStringLiteral("QLabel { background: %1; color: %2; border-radius: 4px; }")
        .arg(bannerBackground(kind, palette).name(), bannerText(kind, palette).name());
}

void ThemeColors::setBanner(QLabel *label, Kind kind)
{
    label->setProperty(BannerProperty, int(kind));
    label->setStyleSheet(bannerStyle(kind));
}

void ThemeColors::setTextColor(QLabel *label, Kind kind)
{
    label->setProperty(TextColorProperty, int(kind));
    label->setStyleSheet(QStringLiteral("QLabel { color: %1; }").arg(text(kind).name()));
}

void ThemeColors::restyleAll()
{
    for (QWidget *widget : QApplication::allWidgets()) {
        auto *label = qobject_cast<QLabel *>(widget);
        if (!label)
            continue;
        if (const QVariant kind = label->property(BannerProperty); kind.isValid())
            setBanner(label, Kind(kind.toInt()));
        else if (const QVariant textKind = label->property(TextColorProperty); textKind.isValid())
            setTextColor(label, Kind(textKind.toInt()));
    }
}

double ThemeColors::luminance(const QColor &color)
{
    const auto channel = [](double c) { return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(color.blueF());
}

double ThemeColors::contrast(const QColor &a, const QColor &b)
{
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

} // namespace Stagecraft
