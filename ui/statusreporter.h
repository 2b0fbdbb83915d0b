#pragma once

#include <QObject>
#include <QString>

class QLabel;
class QMainWindow;
class QProgressBar;

namespace Stagecraft {

// What the window says about the work under way and the last failure: a line and a progress bar
// in the status bar, and an error banner (placed by the window above its tabs) with a
// window-modal message box that never blocks.
class StatusReporter : public QObject
{
    Q_OBJECT
public:
    // Adds the line and the progress bar to window's status bar.
    explicit StatusReporter(QMainWindow *window);

    [[nodiscard]] QLabel *banner() const { return m_banner; }
    // The line says message; the bar counts done of total (0 of 0: a busy indicator).
    void showBusy(const QString &message, int done = 0, int total = 0);
    void clearBusy();
    void showStatus(const QString &text);
    void showError(const QString &title, const QString &message);
    // Hides the banner and forgets the last error: a new connection starts clean.
    void clearError();
    [[nodiscard]] QString lastError() const { return m_lastError; }

Q_SIGNALS:
    // An error is on screen (the banner and its box).
    void errorShown();

private:
    QMainWindow *m_window;
    QLabel *m_banner;
    QLabel *m_statusLabel = nullptr;
    QProgressBar *m_progress = nullptr;
    QString m_lastError;
};

} // namespace Stagecraft
