// stagecraft: the desktop application.

#include "connection/connectionprofile.h"
#include "mainwindow.h"
#include "settingsdialog.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QPixmap>
#include <QScreen>
#include <QTimer>

#include <cstdio>

using namespace Stagecraft;

// Saves what the display shows of the window (the real screen under X11, the widget's own
// rendering where the platform has no screen to read, such as offscreen).
static bool saveScreenshot(QWidget &window, const QString &path)
{
    QPixmap shot;
    if (QScreen *screen = window.screen()) {
        const QRect frame = window.frameGeometry();
        shot = screen->grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height());
    }
    if (shot.isNull() || QGuiApplication::platformName() == QLatin1String("offscreen"))
        shot = window.grab();
    return shot.save(path);
}

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("stagecraft"));
    QApplication::setApplicationDisplayName(QStringLiteral("Stagecraft"));
    QApplication::setOrganizationDomain(QStringLiteral("stagecraft.dev"));
    QApplication::setApplicationVersion(QStringLiteral(STAGECRAFT_VERSION));
    // The application id names the desktop file (Wayland matches windows to it) and the icon.
    QGuiApplication::setDesktopFileName(QStringLiteral("dev.stagecraft.Stagecraft"));
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("dev.stagecraft.Stagecraft"),
                                                 QIcon(QStringLiteral(":/icons/dev.stagecraft.Stagecraft.svg"))));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Zero-downtime column migrations, planned and run visually."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("url"),
                                 QStringLiteral("The database to open: postgresql://user@host:5432/db, "
                                                "mysql://…, mariadb://…, sqlite:///path.db. Without one the "
                                                "Connect dialog opens."),
                                 QStringLiteral("[url]"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QStringLiteral("Once the window has loaded, save a screenshot of it to FILE "
                                                       "and quit (for documentation)."),
                                        QStringLiteral("FILE"));
    parser.addOption(screenshot);
    const QCommandLineOption planSpec(QStringLiteral("plan-spec"),
                                      QStringLiteral("Once the database is open, plan the column in FILE (JSON, as for "
                                                     "stagecraft-cli plan --spec) and show the plan review."),
                                      QStringLiteral("FILE"));
    parser.addOption(planSpec);
    const QCommandLineOption demo(QStringLiteral("demo"),
                                  QStringLiteral("Open the demo database (a SQLite shop created on first use)."));
    parser.addOption(demo);
    parser.process(app);
    ConnectionProfile::hidePasswordsInArguments(argc, argv); // no password in the process list while the app runs

    SettingsDialog::applyTheme(SettingsDialog::theme());
    MainWindow window;
    window.show();
    const QStringList args = parser.positionalArguments();
    const bool connectDialog = args.isEmpty() && !parser.isSet(demo) && !parser.isSet(planSpec);
    if (!args.isEmpty())
        window.openUrl(args.first());
    else if (!connectDialog)
        window.openDemo();
    else
        static_cast<void>(window.showConnectDialog());

    if (parser.isSet(planSpec)) {
        const QString spec = parser.value(planSpec);
        QObject::connect(&window, &MainWindow::ready, &window, [&window, spec] {
            if (window.lastError().isEmpty())
                window.planSpecFile(spec);
        }, Qt::SingleShotConnection);
    }

    int exitCode = 0;
    if (parser.isSet(screenshot)) {
        const QString path = parser.value(screenshot);
        // With a spec the picture is of the plan review, once the plan is on screen.
        const bool ofPlan = parser.isSet(planSpec);
        auto shoot = [&] {
            // Let the last layout and paint settle before reading the screen.
            QTimer::singleShot(700, &app, [&] {
                if (saveScreenshot(window, path)) {
                    std::fprintf(stderr, "stagecraft: screenshot saved to %s\n", qPrintable(path));
                } else {
                    std::fprintf(stderr, "stagecraft: could not save the screenshot to %s\n", qPrintable(path));
                    exitCode = 1;
                }
                app.quit();
            });
        };
        if (ofPlan)
            QObject::connect(&window, &MainWindow::planShown, &app, shoot);
        else if (connectDialog)
            shoot(); // the window with the Connect dialog over it
        else
            QObject::connect(&window, &MainWindow::ready, &app, shoot);
        QTimer::singleShot(120000, &app, [&] {
            std::fprintf(stderr, "stagecraft: the window did not finish loading within 120 s\n");
            exitCode = 1;
            app.quit();
        });
    }
    const int code = app.exec();
    return exitCode != 0 ? exitCode : code;
}
