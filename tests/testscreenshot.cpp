// The screenshot taken under Xvfb by the screenshot-main-window test shows a real window, not a
// blank or single-coloured frame.

#include <QImage>
#include <QHash>
#include <QSet>
#include <QTest>

class TestScreenshot : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void notBlank_data();
    void notBlank();
};

void TestScreenshot::notBlank_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("main window") << QStringLiteral(STAGECRAFT_SCREENSHOT);
    QTest::newRow("plan review") << QStringLiteral(STAGECRAFT_PLAN_SCREENSHOT);
}

void TestScreenshot::notBlank()
{
    QFETCH(QString, path);
    QImage image(path);
    QVERIFY2(!image.isNull(), qPrintable(QStringLiteral("no screenshot at ") + path));
    QVERIFY(image.width() >= 1000 && image.height() >= 700);
    image = image.convertToFormat(QImage::Format_RGB32);

    QSet<QRgb> colours;
    qint64 dark = 0;
    for (int y = 0; y < image.height(); ++y) {
        const auto *line = reinterpret_cast<const QRgb *>(image.constScanLine(y));
        for (int x = 0; x < image.width(); ++x) {
            colours.insert(line[x]);
            if (qGray(line[x]) < 100)
                ++dark;
        }
    }
    const double darkShare = double(dark) / (double(image.width()) * image.height());
    qInfo("%lld distinct colours, %.2f%% dark (text) pixels", qint64(colours.size()), darkShare * 100);
    // Rendered text (anti-aliased glyphs) and syntax colours give hundreds of colours; an empty
    // window or a failed font gives a handful.
    QVERIFY2(colours.size() > 100, "too few colours: the window looks blank");
    QVERIFY2(darkShare > 0.005 && darkShare < 0.5, "no text, or an all-dark frame");

    // Something drawn in each part of the window (text, bars): pixels clearly unlike the area's
    // background, which is its most frequent colour.
    const auto textIn = [&image](const QRect &area) {
        QHash<QRgb, int> frequency;
        for (int y = area.top(); y <= area.bottom(); ++y)
            for (int x = area.left(); x <= area.right(); ++x)
                ++frequency[image.pixel(x, y)];
        QRgb background = 0;
        int best = -1;
        for (auto it = frequency.cbegin(); it != frequency.cend(); ++it) {
            if (it.value() > best) {
                best = it.value();
                background = it.key();
            }
        }
        int count = 0;
        for (int y = area.top(); y <= area.bottom(); ++y) {
            for (int x = area.left(); x <= area.right(); ++x) {
                const QRgb c = image.pixel(x, y);
                const int diff = std::max({std::abs(qRed(c) - qRed(background)), std::abs(qGreen(c) - qGreen(background)),
                                           std::abs(qBlue(c) - qBlue(background))});
                count += diff > 60 ? 1 : 0;
            }
        }
        return count;
    };
    const int w = image.width(), h = image.height();
    QVERIFY2(textIn(QRect(0, h / 10, w / 3, h / 3)) > 200, "the left part is empty");
    QVERIFY2(textIn(QRect(w / 2, h / 10, w / 2 - 1, h / 3)) > 200, "the upper right part is empty");
    QVERIFY2(textIn(QRect(w / 2, h / 2, w / 2 - 1, h / 3)) > 200, "the lower right part is empty");
}

QTEST_GUILESS_MAIN(TestScreenshot)
#include "testscreenshot.moc"
