#include "statusreporter.h"

#include "themecolors.h"

#include <QLabel>
#include <QMainWindow>
#include <QMessageBox>
#include <QProgressBar>
#include <QStatusBar>

namespace Stagecraft {

StatusReporter::StatusReporter(QMainWindow *window)
    : QObject(window)
    , m_window(window)
    , m_banner(new QLabel(window))
{
    m_banner->setObjectName(QStringLiteral("errorBanner"));
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->setMargin(8);
    ThemeColors::setBanner(m_banner, ThemeColors::Error);
    m_banner->hide();

    m_statusLabel = new QLabel(tr("Not connected"), window);
    m_progress = new QProgressBar(window);
    m_progress->setMaximumWidth(240);
    m_progress->hide();
    window->statusBar()->addWidget(m_statusLabel, 1);
    window->statusBar()->addPermanentWidget(m_progress);
}

void StatusReporter::showBusy(const QString &message, int done, int total)
{
    m_statusLabel->setText(message);
    m_progress->setRange(0, total); // 0..0: a busy indicator
    m_progress->setValue(done);
    m_progress->show();
}

void StatusReporter::clearBusy()
{
    m_progress->hide();
}

void StatusReporter::showStatus(const QString &text)
{
    m_statusLabel->setText(text);
}

void StatusReporter::showError(const QString &title, const QString &message)
{
    m_lastError = message;
    m_banner->setText(QStringLiteral("<b>%1</b><br>%2").arg(title.toHtmlEscaped(),
                                                            message.toHtmlEscaped().replace(QLatin1Char('\n'),
                                                                                            QLatin1String("<br>"))));
    m_banner->show();
    clearBusy();
    // Window-modal and non-blocking: no nested event loop.
    auto *box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, m_window);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    box->open();
    Q_EMIT errorShown();
}

void StatusReporter::clearError()
{
    m_lastError.clear();
    m_banner->hide();
}

} // namespace Stagecraft
