#include "settingsdialog.h"

#include "themecolors.h"
#include "themestyle.h"


#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QFormLayout>
#include <QSettings>
#include <QSpinBox>
#include <QStyle>
#include <QStyleFactory>

namespace Stagecraft {

SettingsDialog::SettingsDialog(QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Preferences"));
    const RunSettings options = runSettings();
    m_lockTimeout = new QSpinBox(this);
    m_lockTimeout->setObjectName(QStringLiteral("lockTimeout"));
    m_lockTimeout->setRange(100, 60000);
    m_lockTimeout->setSingleStep(100);
    m_lockTimeout->setSuffix(tr(" ms"));
    m_lockTimeout->setValue(options.lockTimeoutMs);
    m_lockTimeout->setToolTip(tr("The longest a schema change waits for its lock before it gives up and retries; "
                                 "queries arriving meanwhile wait at most this long behind it. MySQL and MariaDB count "
                                 "it in whole seconds (rounded up)."));
    m_batchTime = new QSpinBox(this);
    m_batchTime->setObjectName(QStringLiteral("batchTime"));
    m_batchTime->setRange(10, 10000);
    m_batchTime->setSingleStep(50);
    m_batchTime->setSuffix(tr(" ms"));
    m_batchTime->setValue(options.batchTargetMs);
    m_batchTime->setToolTip(tr("The backfill steers its batch size so each batch takes about this long."));
    m_throttle = new QSpinBox(this);
    m_throttle->setObjectName(QStringLiteral("throttle"));
    m_throttle->setRange(0, 10000);
    m_throttle->setSingleStep(50);
    m_throttle->setSuffix(tr(" ms"));
    m_throttle->setValue(options.pauseBetweenBatchesMs);
    m_throttle->setToolTip(tr("A pause after each backfill batch, to leave the server more room for its traffic "
                              "(and replicas time to catch up)."));
    m_writerWait = new QSpinBox(this);
    m_writerWait->setObjectName(QStringLiteral("maxWriterWait"));
    m_writerWait->setRange(0, 10000);
    m_writerWait->setSingleStep(5);
    m_writerWait->setSuffix(tr(" ms"));
    m_writerWait->setSpecialValueText(tr("Not watched"));
    m_writerWait->setValue(options.maxWriterWaitMs);
    m_writerWait->setToolTip(tr("A connection beside the run watches the sessions that wait for the backfill's row locks. "
                                "When one waited longer than this, the batches shrink at once; while nobody waits they grow "
                                "slowly back to the target batch time. A quiet table gets big batches, a busy one short ones."));
    m_replicaLag = new QSpinBox(this);
    m_replicaLag->setObjectName(QStringLiteral("maxReplicaLag"));
    m_replicaLag->setRange(0, 600000);
    m_replicaLag->setSingleStep(250);
    m_replicaLag->setSuffix(tr(" ms"));
    m_replicaLag->setSpecialValueText(tr("Not watched"));
    m_replicaLag->setValue(options.maxReplicaLagMs);
    m_replicaLag->setToolTip(tr("The run waits between batches while a replica's replay is further behind than this "
                                "(PostgreSQL: every replica the primary streams to; MySQL/MariaDB: those the primary reports)."));
    m_latencyFactor = new QDoubleSpinBox(this);
    m_latencyFactor->setObjectName(QStringLiteral("maxLatencyFactor"));
    m_latencyFactor->setRange(0, 100);
    m_latencyFactor->setDecimals(1);
    m_latencyFactor->setSingleStep(0.5);
    m_latencyFactor->setSuffix(tr("x"));
    m_latencyFactor->setSpecialValueText(tr("Not watched"));
    m_latencyFactor->setValue(options.maxLatencyFactor);
    m_latencyFactor->setToolTip(tr("The batches shrink while the application's statements on the table take this many times "
                                   "longer than before the backfill, as the server times them (pg_stat_statements, "
                                   "performance_schema)."));
    m_slowdownFactor = new QDoubleSpinBox(this);
    m_slowdownFactor->setObjectName(QStringLiteral("maxSlowdownFactor"));
    m_slowdownFactor->setRange(0, 100);
    m_slowdownFactor->setDecimals(1);
    m_slowdownFactor->setSingleStep(0.5);
    m_slowdownFactor->setSuffix(tr("x"));
    m_slowdownFactor->setSpecialValueText(tr("Never stop"));
    m_slowdownFactor->setValue(options.maxSlowdownFactor);
    m_slowdownFactor->setToolTip(tr("The run stops before the enforce stage, changing nothing more, when one of the application's "
                                    "statements on the table took this many times longer per call during the backfill than before "
                                    "the run, as the server times them (pg_stat_statements, performance_schema). Continue "
                                    "resumes past it."));
    m_blockers = new QComboBox(this);
    m_blockers->setObjectName(QStringLiteral("blockerPolicy"));
    m_blockers->addItem(tr("Proceed: the lock timeout and retries protect traffic"), int(BlockerPolicy::Proceed));
    m_blockers->addItem(tr("Wait until they are gone (at most 5 minutes)"), int(BlockerPolicy::Wait));
    m_blockers->addItem(tr("Stop the run"), int(BlockerPolicy::Stop));
    m_blockers->setCurrentIndex(m_blockers->findData(int(options.onBlockers)));
    m_blockers->setToolTip(tr("Before each schema change the run looks for sessions holding locks on the table or "
                              "keeping a transaction open, which would make the change queue."));
    m_retries = new QSpinBox(this);
    m_retries->setObjectName(QStringLiteral("retries"));
    m_retries->setRange(0, 100);
    m_retries->setValue(options.maxRetries);
    m_retries->setToolTip(tr("How often a step (or a backfill batch) that ran into the lock timeout is tried again, "
                             "with a growing pause between tries, before the run stops."));
    m_theme = new QComboBox(this);
    m_theme->setObjectName(QStringLiteral("theme"));
    m_theme->addItems({tr("As the system"), tr("Light"), tr("Dark")});
    m_theme->setCurrentIndex(int(theme()));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *form = new QFormLayout(this);
    form->addRow(tr("&Lock timeout:"), m_lockTimeout);
    form->addRow(tr("&Retries after a lock timeout:"), m_retries);
    form->addRow(tr("Target &batch time:"), m_batchTime);
    form->addRow(tr("Pause &between batches:"), m_throttle);
    form->addRow(tr("Longest &writer wait:"), m_writerWait);
    form->addRow(tr("Longest replica la&g:"), m_replicaLag);
    form->addRow(tr("Application slo&wdown:"), m_latencyFactor);
    form->addRow(tr("Stop before enfor&cing when slower by:"), m_slowdownFactor);
    form->addRow(tr("When sessions &hold the table:"), m_blockers);
    form->addRow(tr("&Theme:"), m_theme);
    auto *note = new QLabel(tr("A plan carries the run settings it was made with, and runs by them: a plan on view is "
                               "made again with these; a resumed run keeps its own."), this);
    note->setWordWrap(true);
    form->addRow(note);
    form->addRow(buttons);
}

void SettingsDialog::accept()
{
    save();
    QDialog::accept();
}

RunSettings SettingsDialog::runSettings()
{
    QSettings settings;
    RunSettings options;
    options.lockTimeoutMs = settings.value(QStringLiteral("run/lockTimeoutMs"), options.lockTimeoutMs).toInt();
    options.batchTargetMs = settings.value(QStringLiteral("run/batchTargetMs"), options.batchTargetMs).toInt();
    options.maxRetries = settings.value(QStringLiteral("run/maxRetries"), options.maxRetries).toInt();
    options.pauseBetweenBatchesMs = settings.value(QStringLiteral("run/pauseBetweenBatchesMs"), options.pauseBetweenBatchesMs).toInt();
    options.maxWriterWaitMs = settings.value(QStringLiteral("run/maxWriterWaitMs"), options.maxWriterWaitMs).toInt();
    options.maxReplicaLagMs = settings.value(QStringLiteral("run/maxReplicaLagMs"), options.maxReplicaLagMs).toInt();
    options.maxLatencyFactor = settings.value(QStringLiteral("run/maxLatencyFactor"), options.maxLatencyFactor).toDouble();
    options.maxSlowdownFactor = settings.value(QStringLiteral("run/maxSlowdownFactor"), options.maxSlowdownFactor).toDouble();
    options.onBlockers = BlockerPolicy(std::clamp(settings.value(QStringLiteral("run/onBlockers"), int(options.onBlockers)).toInt(), 0, 2));
    return options;
}

SettingsDialog::Theme SettingsDialog::theme()
{
    return Theme(std::clamp(QSettings().value(QStringLiteral("appearance/theme"), 0).toInt(), 0, 2));
}

void SettingsDialog::save()
{
    QSettings settings;
    settings.setValue(QStringLiteral("run/lockTimeoutMs"), m_lockTimeout->value());
    settings.setValue(QStringLiteral("run/batchTargetMs"), m_batchTime->value());
    settings.setValue(QStringLiteral("run/maxRetries"), m_retries->value());
    settings.setValue(QStringLiteral("run/pauseBetweenBatchesMs"), m_throttle->value());
    settings.setValue(QStringLiteral("run/onBlockers"), m_blockers->currentData().toInt());
    settings.setValue(QStringLiteral("run/maxWriterWaitMs"), m_writerWait->value());
    settings.setValue(QStringLiteral("run/maxReplicaLagMs"), m_replicaLag->value());
    // 1.0x or less would shrink the batches at the first slower interval: off.
    settings.setValue(QStringLiteral("run/maxLatencyFactor"), m_latencyFactor->value() <= 1.0 ? 0.0 : m_latencyFactor->value());
    settings.setValue(QStringLiteral("run/maxSlowdownFactor"), m_slowdownFactor->value() <= 1.0 ? 0.0 : m_slowdownFactor->value());
    settings.setValue(QStringLiteral("appearance/theme"), m_theme->currentIndex());
    applyTheme(Theme(m_theme->currentIndex()));
}

void SettingsDialog::applyTheme(Theme theme)
{
    static const QPalette systemPalette = QApplication::palette();
    if (theme == Theme::System) {
        QApplication::setPalette(systemPalette);
        ThemeColors::restyleAll();
        return;
    }
    QApplication::setStyle(new ThemeStyle(QStyleFactory::create(QStringLiteral("Fusion"))));
    QPalette p = QApplication::style()->standardPalette();
    if (theme == Theme::Dark) {
        p.setColor(QPalette::Window, QColor(0x2b, 0x2d, 0x30));
        p.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
        p.setColor(QPalette::Base, QColor(0x1f, 0x21, 0x24));
        p.setColor(QPalette::AlternateBase, QColor(0x2b, 0x2d, 0x30));
        p.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
        p.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3b));
        p.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
        p.setColor(QPalette::ToolTipBase, QColor(0x35, 0x37, 0x3b));
        p.setColor(QPalette::ToolTipText, QColor(0xe6, 0xe6, 0xe6));
        p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xb3));
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
        p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x80, 0x80, 0x80));
        p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x80, 0x80, 0x80));
        p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x80, 0x80, 0x80));
        // Fusion's bevels, frames and links come from these: left light, they glare or vanish on a dark window.
        p.setColor(QPalette::Light, QColor(0x4a, 0x4d, 0x52));
        p.setColor(QPalette::Midlight, QColor(0x3c, 0x3f, 0x43));
        p.setColor(QPalette::Mid, QColor(0x5a, 0x5d, 0x62));
        p.setColor(QPalette::Dark, QColor(0x18, 0x19, 0x1b));
        p.setColor(QPalette::Shadow, QColor(0x0a, 0x0a, 0x0a));
        p.setColor(QPalette::BrightText, QColor(0xff, 0x8a, 0x80));
        p.setColor(QPalette::Link, QColor(0x8a, 0xb4, 0xf8));
        p.setColor(QPalette::LinkVisited, QColor(0xc5, 0x8a, 0xf9));
    }
    QApplication::setPalette(p);
    ThemeColors::restyleAll(); // the banners and coloured labels take the theme's colours
}

} // namespace Stagecraft
