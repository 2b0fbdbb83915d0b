#include "confirmrundialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Stagecraft {

ConfirmRunDialog::ConfirmRunDialog(const QString &server, const QString &database, const QString &table, const QString &impact,
                                   QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Run the migration?"));
    auto *text = new QLabel(tr("<p>This changes <b>%1</b> on <b>%2</b>, database <b>%3</b>.</p><p>%4</p>"
                               "<p>Type <b>%1</b> to confirm:</p>")
                                .arg(table.toHtmlEscaped(), server.toHtmlEscaped(), database.toHtmlEscaped(), impact.toHtmlEscaped()),
                            this);
    text->setWordWrap(true);
    m_edit = new QLineEdit(this);
    m_edit->setObjectName(QStringLiteral("confirmTable"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_run = buttons->addButton(tr("Run"), QDialogButtonBox::AcceptRole);
    m_run->setEnabled(false);
    connect(m_edit, &QLineEdit::textChanged, this, [this, table](const QString &typed) { m_run->setEnabled(typed == table); });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(text);
    layout->addWidget(m_edit);
    layout->addWidget(buttons);
    resize(520, sizeHint().height());
}

void ConfirmRunDialog::setAction(const QString &title, const QString &button)
{
    setWindowTitle(title);
    m_run->setText(button);
}

} // namespace Stagecraft
