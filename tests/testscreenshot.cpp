// The screenshots taken under Xvfb (screenshot-main-window, screenshot-plan-spec, screenshot-tour)
// show real screens, not blank or single-coloured frames: text in every part of the window.

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
    QTest::addColumn<bool>("dark"); // the dark theme: text is light on dark
    QTest::addColumn<bool>("panes"); // the main window with its panes filled (no dialog over them)
    const auto add = [](const char *name, bool dark, bool panes) {
        QTest::newRow(name) << QStringLiteral(STAGECRAFT_SCREENSHOT_DIR "/%1.png").arg(QLatin1String(name)) << dark << panes;
    };
    add("main-window", false, true);
    add("plan-spec", false, true);
    add("connect-dialog", false, false);
    add("schema-browser", false, true);
    add("column-designer", false, true);
    add("plan-review", false, true);
    add("confirm-run", false, false);
    add("run", false, true);
    add("rehearsal", false, false);
    add("run-gate", false, true);
    add("preferences", false, false);
    add("about", false, false);
    add("plan-review-dark", true, true);
}

void TestScreenshot::notBlank()
{
    QFETCH(QString, path);
    QFETCH(bool, dark);
    QFETCH(bool, panes);
    QImage image(path);
    QVERIFY2(!image.isNull(), qPrintable(QStringLiteral("no screenshot at ") + path));
    QVERIFY(image.width() >= 1000 && image.height() >= 700);
    image = image.convertToFormat(QImage::Format_RGB32);

    QSet<QRgb> colours;
    qint64 text = 0;
    for (int y = 0; y < image.height(); ++y) {
        const auto *line = reinterpret_cast<const QRgb *>(image.constScanLine(y));
        for (int x = 0; x < image.width(); ++x) {
            colours.insert(line[x]);
            if (dark ? qGray(line[x]) > 155 : qGray(line[x]) < 100)
                ++text;
        }
    }
    const double textShare = double(text) / (double(image.width()) * image.height());
    qInfo("%lld distinct colours, %.2f%% text pixels", qint64(colours.size()), textShare * 100);
    // Rendered text (anti-aliased glyphs) and syntax colours give hundreds of colours; an empty
    // window or a failed font gives a handful.
    QVERIFY2(colours.size() > 100, "too few colours: the window looks blank");
    QVERIFY2(textShare > 0.005 && textShare < 0.5, "no text, or a frame all in the text's colour");
    if (!panes)
        return;

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
