#include "rehearsaldialog.h"

#include "rehearsalstepsmodel.h"

#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QVBoxLayout>

namespace Stagecraft {

RehearsalDialog::RehearsalDialog(const ConnectionProfile &profile, const QString &serverName, const Plan &plan, const QString &guardProgram,
                                 QWidget *parent)
    : QDialog(parent)
    , m_profile(profile)
    , m_plan(plan)
    , m_guard(guardProgram)
{
    qRegisterMetaType<RehearsalReport>();
    setWindowTitle(tr("Rehearse adding %1 to %2").arg(plan.spec.name, plan.table.name));
    const QString where = Rehearsal(profile, plan, {}).destination().section(QLatin1String("stagecraft_rehearsal_"), 0, 0)
                          + QStringLiteral("stagecraft_rehearsal_…");
    auto *text = new QLabel(tr("<p>Copies the definition of <b>%1</b> and a sample of its rows into a new %2 on <b>%3</b>, runs the "
                               "plan there while a synthetic writer that does not know <b>%4</b> inserts and updates rows, and shows "
                               "each step's time scaled to the table beside its estimate. The copy is dropped afterwards; "
                               "<b>%1</b> itself is only read.</p><p>Type <b>%5</b> to confirm:</p>")
                                .arg((plan.table.schema + QLatin1Char('.') + plan.table.name).toHtmlEscaped(), where.toHtmlEscaped(),
                                     (serverName + QLatin1String(" at ") + profile.displayName()).toHtmlEscaped(), plan.spec.name.toHtmlEscaped(),
                                     plan.table.name.toHtmlEscaped()),
                            this);
    text->setWordWrap(true);
    if (guardProgram.isEmpty()) // stagecraft-cli is not installed beside the application
        text->setText(text->text()
                      + tr("<p><b>stagecraft-cli is not installed beside Stagecraft:</b> the copy is dropped when the rehearsal ends or "
                           "is cancelled, but not if Stagecraft itself is killed; it is then left in %1, to drop by hand.</p>")
                            .arg(where.toHtmlEscaped()));
    m_confirm = new QLineEdit(this);
    m_confirm->setObjectName(QStringLiteral("rehearseConfirmTable"));
    m_rows = new QSpinBox(this);
    m_rows->setRange(1, 10000000);
    m_rows->setGroupSeparatorShown(true);
    m_rows->setValue(int(RehearsalSettings{}.sampleRows));
    m_rows->setSuffix(tr(" rows"));
    m_rate = new QDoubleSpinBox(this);
    m_rate->setRange(-1, 100000);
    m_rate->setDecimals(1);
    m_rate->setValue(-1);
    m_rate->setSpecialValueText(tr("the table's observed rate"));
    m_rate->setSuffix(tr(" writes/s"));
    auto *form = new QFormLayout;
    form->addRow(tr("Copy at most:"), m_rows);
    form->addRow(tr("Synthetic writer:"), m_rate);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 100);
    m_progress->setValue(0);
    m_status = new QLabel(tr("Not started."), this);
    m_status->setObjectName(QStringLiteral("rehearsalStatus"));
    m_steps = new RehearsalStepsModel(this);
    auto *view = new QTableView(this);
    view->setObjectName(QStringLiteral("rehearsalSteps"));
    view->setModel(m_steps);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    view->horizontalHeader()->setSectionResizeMode(RehearsalStepsModel::StepColumn, QHeaderView::Stretch);
    view->setSelectionMode(QAbstractItemView::NoSelection);
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_log = new QPlainTextEdit(this);
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(2000);
    m_log->setFixedHeight(110);
    auto *buttons = new QDialogButtonBox(this);
    m_start = buttons->addButton(tr("Rehearse"), QDialogButtonBox::AcceptRole);
    m_start->setObjectName(QStringLiteral("rehearseButton"));
    m_start->setEnabled(false);
    m_close = buttons->addButton(QDialogButtonBox::Close);
    connect(m_confirm, &QLineEdit::textChanged, this,
            [this](const QString &typed) { m_start->setEnabled(!m_rehearsal && typed == m_plan.table.name); });
    connect(m_start, &QPushButton::clicked, this, &RehearsalDialog::start);
    connect(m_close, &QPushButton::clicked, this, &RehearsalDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(text);
    layout->addWidget(m_confirm);
    layout->addLayout(form);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addWidget(view, 1);
    layout->addWidget(m_summary);
    layout->addWidget(m_log);
    layout->addWidget(buttons);
    resize(1040, 720);
}

RehearsalDialog::~RehearsalDialog()
{
    // Closed with the application mid-rehearsal: it is cancelled, and drops its copy before it returns.
    if (m_rehearsal)
        m_rehearsal->cancel();
    m_thread.quit();
    m_thread.wait();
    delete m_rehearsal;
}

QString RehearsalDialog::summaryText() const
{
    return m_summary->text();
}

void RehearsalDialog::start()
{
    if (m_rehearsal || m_confirm->text() != m_plan.table.name)
        return;
    RehearsalSettings settings;
    settings.sampleRows = m_rows->value();
    settings.writesPerSecond = m_rate->value() < 0 ? -1 : m_rate->value();
    settings.guardProgram = m_guard;
    m_rehearsal = new Rehearsal(m_profile, m_plan, settings);
    m_rehearsal->moveToThread(&m_thread);
    connect(m_rehearsal, &Rehearsal::noted, this, [this](const QString &line) { m_log->appendPlainText(line); });
    connect(m_rehearsal, &Rehearsal::progressed, this, [this](int percent, const QString &what) {
        m_progress->setValue(percent);
        m_status->setText(what);
    });
    connect(m_rehearsal, &Rehearsal::finished, this, &RehearsalDialog::onFinished);
    m_thread.start();
    m_start->setEnabled(false);
    m_rows->setEnabled(false);
    m_rate->setEnabled(false);
    m_confirm->setEnabled(false);
    m_close->setText(tr("Cancel"));
    m_summary->clear();
    m_log->appendPlainText(tr("rehearsing in %1").arg(m_rehearsal->destination()));
    QMetaObject::invokeMethod(m_rehearsal, &Rehearsal::run, Qt::QueuedConnection);
}

void RehearsalDialog::reject()
{
    if (!m_rehearsal) {
        QDialog::reject();
        return;
    }
    // Cancelled: the rehearsal drops its copy, then the dialog closes.
    m_closeWhenDone = true;
    m_close->setEnabled(false);
    m_status->setText(tr("Cancelling: the scratch copy is being dropped…"));
    m_rehearsal->cancel();
}

void RehearsalDialog::onFinished(const RehearsalReport &report)
{
    Rehearsal *done = m_rehearsal;
    m_rehearsal = nullptr;
    m_thread.quit();
    m_thread.wait(); // it has returned from run(): nothing left to wait for
    delete done;
    m_steps->setSteps(report.steps);
    m_progress->setValue(100);
    m_status->setText(report.summary);
    m_summary->setText((report.facts() + report.ending()).join(QLatin1Char('\n')));
    m_close->setText(tr("Close"));
    m_close->setEnabled(true);
    m_confirm->setEnabled(true);
    m_rows->setEnabled(true);
    m_rate->setEnabled(true);
    m_start->setEnabled(m_confirm->text() == m_plan.table.name);
    Q_EMIT rehearsed(report);
    if (m_closeWhenDone)
        QDialog::reject();
}

} // namespace Stagecraft
