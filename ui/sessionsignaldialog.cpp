#include "sessionsignaldialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Stagecraft {

SessionSignalDialog::SessionSignalDialog(const QString &server, const QString &database, const BlockingSession &session,
                                         SessionSignal::Action action, QWidget *parent)
    : QDialog(parent)
{
    const bool terminate = action == SessionSignal::Action::Terminate;
    const QString pid = QString::number(session.pid);
    setWindowTitle(terminate ? tr("Terminate session %1?").arg(pid) : tr("Cancel the statement of session %1?").arg(pid));
    const QString who = session.application.isEmpty() ? session.user : tr("%1, %2").arg(session.user, session.application);
    const QString transaction = session.transactionSeconds < 0
        ? tr("no open transaction")
        : tr("a transaction open for %1 s").arg(qRound(session.transactionSeconds));
    const QString effect = terminate
        ? tr("The server closes this session: its open transaction is rolled back, and the program that owns it sees "
             "its connection lost (a pool opens another; a program that does not reconnect fails).")
        : tr("The server cancels the statement this session is running, which fails with an error in the program "
             "that sent it; on PostgreSQL an open transaction is then aborted and must be rolled back. A session that is "
             "idle in a transaction runs no statement: cancelling does nothing to it, and only terminating ends it.");
    auto *text = new QLabel(tr("<p>On <b>%1</b>, database <b>%2</b>: session <b>%3</b> (%4), %5, %6.</p>"
                               "<p>Last statement: <code>%7</code></p><p>%8</p><p>Type <b>%3</b> to confirm:</p>")
                                .arg(server.toHtmlEscaped(), database.toHtmlEscaped(), pid, who.toHtmlEscaped(),
                                     session.state.toHtmlEscaped(), transaction, session.query.simplified().left(300).toHtmlEscaped(),
                                     effect.toHtmlEscaped()),
                            this);
    text->setObjectName(QStringLiteral("sessionSignalText"));
    text->setWordWrap(true);
    text->setTextFormat(Qt::RichText);
    m_edit = new QLineEdit(this);
    m_edit->setObjectName(QStringLiteral("confirmSession"));
    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(terminate ? tr("&Keep the Session") : tr("&Let It Run"), QDialogButtonBox::RejectRole);
    m_accept = buttons->addButton(terminate ? tr("&Terminate Session") : tr("&Cancel Statement"), QDialogButtonBox::AcceptRole);
    m_accept->setObjectName(QStringLiteral("signalSessionButton"));
    m_accept->setEnabled(false);
    connect(m_edit, &QLineEdit::textChanged, this, [this, pid](const QString &typed) { m_accept->setEnabled(typed.trimmed() == pid); });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(text);
    layout->addWidget(m_edit);
    layout->addWidget(buttons);
    resize(560, sizeHint().height());
}

} // namespace Stagecraft
