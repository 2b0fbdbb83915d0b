#include "planview.h"

#include "plan/ruleevidence.h"

#include "blockingsessionsmodel.h"
#include "impactmodel.h"
#include "locktimeline.h"
#include "plan/planformat.h"
#include "planstepsmodel.h"
#include "sqlpreview.h"
#include "themecolors.h"

#include <QComboBox>
#include <QGraphicsOpacityEffect>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMap>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTabWidget>
#include <QTreeView>
#include <QVBoxLayout>

namespace Stagecraft {

PlanView::PlanView(QWidget *parent)
    : QWidget(parent)
    , m_model(new PlanStepsModel(this))
    , m_impactModel(new ImpactModel(this))
{
    m_title = new QLabel(this);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.2);
    m_title->setFont(titleFont);
    m_title->setObjectName(QStringLiteral("planTitle"));
    m_title->setWordWrap(true); // a long table or column name wraps rather than widening the window
    m_versions = new QComboBox(this);
    m_versions->setObjectName(QStringLiteral("versionSwitcher"));
    m_versions->setToolTip(tr("Plan the same column for another server version"));
    // As wide as a version name; the connected server's long entry is elided, not the window widened.
    m_versions->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_versions->setMinimumContentsLength(22);
    // The title on a line of its own, the version and the actions under it: side by side they made
    // the window wider than a 1024 px screen.
    auto *header = new QHBoxLayout;
    header->addWidget(new QLabel(tr("Plan for:"), this));
    header->addWidget(m_versions);
    m_checkData = new QPushButton(tr("Pre-flight &Checks"), this);
    m_checkData->setObjectName(QStringLiteral("checkDataButton"));
    m_checkData->setToolTip(tr("Count the existing rows that would break the new column's constraints (reads the table)"));
    m_checkData->setEnabled(false);
    header->addStretch(1);
    header->addWidget(m_checkData);
    connect(m_checkData, &QPushButton::clicked, this, &PlanView::dataCheckRequested);
    m_rehearse = new QPushButton(tr("R&ehearse…"), this);
    m_rehearse->setObjectName(QStringLiteral("rehearseButton"));
    m_rehearse->setToolTip(tr("Run the plan on a scratch copy of the table under a synthetic writer, and compare its times with the estimates"));
    m_rehearse->setEnabled(false);
    header->addWidget(m_rehearse);
    connect(m_rehearse, &QPushButton::clicked, this, &PlanView::rehearseRequested);
    m_run = new QPushButton(tr("&Run…"), this);
    m_run->setObjectName(QStringLiteral("runButton"));
    m_run->setEnabled(false);
    header->addWidget(m_run);
    connect(m_run, &QPushButton::clicked, this, &PlanView::runRequested);

    m_warnings = new QLabel(this);
    m_warnings->setWordWrap(true);
    m_warnings->setMargin(6);
    m_warnings->setObjectName(QStringLiteral("planWarnings"));
    ThemeColors::setBanner(m_warnings, ThemeColors::Warning);
    m_problems = new QLabel(this);
    m_problems->setObjectName(QStringLiteral("specProblems"));
    m_problems->setWordWrap(true);
    m_problems->setMargin(6);
    ThemeColors::setBanner(m_problems, ThemeColors::Error);
    m_problems->hide();
    m_warnings->hide();
    m_outOfDate = new QLabel(this);
    m_outOfDate->setObjectName(QStringLiteral("planOutOfDate"));
    m_outOfDate->setWordWrap(true);
    m_outOfDate->setMargin(6);
    ThemeColors::setBanner(m_outOfDate, ThemeColors::Neutral);
    m_outOfDate->hide();
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("planSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->hide();
    m_findings = new QLabel(this);
    m_findings->setObjectName(QStringLiteral("dataFindings"));
    m_findings->setWordWrap(true);
    m_findings->setMargin(6);
    m_findings->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_findings->hide();
    buildSessions();
    m_runState = new QLabel(this);
    m_runState->setObjectName(QStringLiteral("planRunState"));
    m_runState->setWordWrap(true);
    m_runState->setMargin(6);
    ThemeColors::setBanner(m_runState, ThemeColors::Info);
    m_runState->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    m_runState->hide();
    connect(m_runState, &QLabel::linkActivated, this, &PlanView::planAgainRequested);

    m_timeline = new LockTimeline(this);
    m_timeline->hide(); // shown with the first plan
    m_steps = new QTreeView(this);
    m_steps->setObjectName(QStringLiteral("planSteps"));
    m_steps->setModel(m_model);
    m_steps->setUniformRowHeights(true);
    m_steps->header()->setStretchLastSection(false);
    // The step's title takes what the others leave; they are sized to their contents by
    // fitStepColumns(), as the plan and the width change. Failing writes (long sentences, whole in
    // the tooltip and the step's detail) at most 260 px; shown right after the step, where the eye
    // is, and only for a plan where some write fails.
    m_steps->header()->setSectionResizeMode(PlanStepsModel::StepColumn, QHeaderView::Stretch);
    for (int c = PlanStepsModel::LocksColumn; c < PlanStepsModel::ColumnCount; ++c)
        m_steps->header()->setSectionResizeMode(c, QHeaderView::Interactive);
    // The viewport's resize, not the view's: the view's comes before the viewport has its new width.
    m_steps->viewport()->installEventFilter(this);
    m_steps->header()->moveSection(m_steps->header()->visualIndex(PlanStepsModel::FailingWritesColumn), 1);
    // Whether the step's claims were proved on a server of this version, before them all.
    m_steps->header()->moveSection(m_steps->header()->visualIndex(PlanStepsModel::ClaimsColumn), 1);
    m_sql = new SqlPreview(this);
    m_sql->setObjectName(QStringLiteral("planSql"));
    m_why = new QLabel(this);
    m_why->setObjectName(QStringLiteral("stepDetail"));
    m_why->setWordWrap(true);

    auto *detail = new QWidget(this);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addWidget(m_why);
    detailLayout->addWidget(m_sql, 1);
    // Who uses the table: its dependents and the application's statements, with what the column changes.
    m_impact = new QTreeView(this);
    m_impact->setObjectName(QStringLiteral("planImpact"));
    m_impact->setModel(m_impactModel);
    m_impact->setUniformRowHeights(true);
    m_impact->setAlternatingRowColors(true);
    m_impact->header()->setStretchLastSection(true);
    m_impact->header()->setSectionResizeMode(ImpactModel::WhoColumn, QHeaderView::Interactive);
    m_impact->header()->setSectionResizeMode(ImpactModel::WhatColumn, QHeaderView::Interactive);
    m_impactProblems = new QLabel(this);
    m_impactProblems->setObjectName(QStringLiteral("planImpactProblems"));
    m_impactProblems->setWordWrap(true);
    m_impactProblems->setMargin(6);
    ThemeColors::setBanner(m_impactProblems, ThemeColors::Warning);
    m_impactProblems->hide();
    auto *impactPage = new QWidget(this);
    auto *impactLayout = new QVBoxLayout(impactPage);
    impactLayout->setContentsMargins(0, 0, 0, 0);
    impactLayout->addWidget(m_impactProblems);
    impactLayout->addWidget(m_impact, 1);
    m_detailTabs = new QTabWidget(this);
    m_detailTabs->setObjectName(QStringLiteral("planDetailTabs"));
    m_detailTabs->setDocumentMode(true);
    m_detailTabs->addTab(detail, tr("S&tep"));
    m_detailTabs->addTab(impactPage, tr("Impact"));
    m_detailTabs->setTabEnabled(ImpactTab, false);
    m_detailTabs->setTabToolTip(ImpactTab, tr("What depends on the table and the application's statements on it, with what the new column "
                                              "changes for them (read when the plan was made)"));
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_steps);
    splitter->addWidget(m_detailTabs);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addLayout(header);
    layout->addWidget(m_summary);
    layout->addWidget(m_runState);
    layout->addWidget(m_problems);
    layout->addWidget(m_outOfDate);
    layout->addWidget(m_warnings);
    layout->addWidget(m_findings);
    layout->addWidget(m_sessionsBox);
    layout->addWidget(m_timeline);
    layout->addWidget(splitter, 1);

    connect(m_steps->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &current) {
        const QVariant step = current.siblingAtColumn(0).data(PlanStepsModel::StepIndexRole);
        showStep(step.isValid() ? step.toInt() : -1);
        m_detailTabs->setCurrentIndex(StepTab); // a step picked: its SQL
    });
    connect(m_timeline, &LockTimeline::stepClicked, this,
            [this](int step) { m_steps->setCurrentIndex(m_model->indexOfStep(step)); });
    connect(m_versions, &QComboBox::activated, this, [this](int i) { Q_EMIT targetVersionChosen(m_versions->itemData(i).toInt()); });
}

void PlanView::buildSessions()
{
    // The pre-flight's sessions, to act on one: cancel its statement or end it (each confirmed by
    // typing its number). SQLite has no sessions to signal: there the list says who, and no more.
    m_sessionsModel = new BlockingSessionsModel(this);
    m_sessions = new QTreeView(this);
    m_sessions->setObjectName(QStringLiteral("blockingSessions"));
    m_sessions->setModel(m_sessionsModel);
    m_sessions->setRootIsDecorated(false);
    m_sessions->setUniformRowHeights(true);
    m_sessions->setSelectionMode(QAbstractItemView::SingleSelection);
    m_sessions->setMaximumHeight(m_sessions->fontMetrics().height() * 7);
    m_sessions->header()->setStretchLastSection(true);
    for (int c = 0; c < BlockingSessionsModel::StatementColumn; ++c)
        m_sessions->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_cancelSession = new QPushButton(tr("Cancel &Statement…"), this);
    m_cancelSession->setObjectName(QStringLiteral("cancelSessionButton"));
    m_cancelSession->setToolTip(tr("Ask the server to cancel what the selected session is running"));
    m_terminateSession = new QPushButton(tr("&Terminate Session…"), this);
    m_terminateSession->setObjectName(QStringLiteral("terminateSessionButton"));
    m_terminateSession->setToolTip(tr("Ask the server to close the selected session, rolling back its transaction"));
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_cancelSession);
    buttons->addWidget(m_terminateSession);
    m_sessionsBox = new QWidget(this);
    auto *box = new QVBoxLayout(m_sessionsBox);
    box->setContentsMargins(0, 0, 0, 0);
    box->addWidget(m_sessions);
    box->addLayout(buttons);
    m_sessionsBox->hide();
    const auto selected = [this]() -> const BlockingSession * {
        const QModelIndex current = m_sessions->currentIndex();
        return current.isValid() ? &m_sessionsModel->rows().at(current.row()) : nullptr;
    };
    const auto updateButtons = [this, selected] {
        const BlockingSession *s = selected();
        const bool can = s && s->pid > 0 && SessionSignal::supported(m_model->plan().engine);
        m_cancelSession->setEnabled(can);
        m_terminateSession->setEnabled(can);
    };
    connect(m_sessions->selectionModel(), &QItemSelectionModel::currentRowChanged, this, updateButtons);
    connect(m_sessionsModel, &QAbstractItemModel::modelReset, this, updateButtons);
    connect(m_cancelSession, &QPushButton::clicked, this, [this, selected] {
        if (const BlockingSession *s = selected())
            Q_EMIT sessionSignalRequested(*s, SessionSignal::Action::CancelStatement);
    });
    connect(m_terminateSession, &QPushButton::clicked, this, [this, selected] {
        if (const BlockingSession *s = selected())
            Q_EMIT sessionSignalRequested(*s, SessionSignal::Action::Terminate);
    });
}

QList<QPair<QString, int>> PlanView::comparableVersions(Engine engine)
{
    switch (engine) {
    case Engine::PostgreSQL:
        return {{QStringLiteral("PostgreSQL 11"), 110000}, {QStringLiteral("PostgreSQL 12"), 120000}, {QStringLiteral("PostgreSQL 13"), 130000},
                {QStringLiteral("PostgreSQL 14"), 140000}, {QStringLiteral("PostgreSQL 15"), 150000}, {QStringLiteral("PostgreSQL 16"), 160000},
                {QStringLiteral("PostgreSQL 17"), 170000}, {QStringLiteral("PostgreSQL 18"), 180000}};
    case Engine::MySQL:
        return {{QStringLiteral("MySQL 8.0.11"), 80011}, {QStringLiteral("MySQL 8.0.12"), 80012}, {QStringLiteral("MySQL 8.0.28"), 80028},
                {QStringLiteral("MySQL 8.0.29"), 80029}, {QStringLiteral("MySQL 8.4"), 80400}};
    case Engine::MariaDB:
        return {{QStringLiteral("MariaDB 10.3"), 100302}, {QStringLiteral("MariaDB 10.4"), 100400}, {QStringLiteral("MariaDB 10.6"), 100600},
                {QStringLiteral("MariaDB 11.2"), 110200}, {QStringLiteral("MariaDB 11.8"), 110800}};
    case Engine::SQLite: return {};
    }
    return {};
}

void PlanView::setPlan(const Plan &plan, int connectedVersion)
{
    m_problems->hide();
    showCurrent();
    m_model->setPlan(plan);
    m_steps->setColumnHidden(PlanStepsModel::FailingWritesColumn,
                             std::none_of(plan.steps.cbegin(), plan.steps.cend(), [](const PlanStep &s) { return !s.failingWrites.isEmpty(); }));
    m_steps->expandAll();
    fitStepColumns();
    m_timeline->setPlan(plan);
    m_timeline->setVisible(!plan.steps.isEmpty());
    m_title->setText(tr("Add %1 to %2.%3").arg(plan.spec.name, plan.table.schema, plan.table.name));
    {
        const QSignalBlocker blocker(m_versions);
        m_versions->clear();
        m_versions->addItem(tr("the connected server (%1)").arg(plan.serverVersion), 0);
        for (const auto &[label, version] : comparableVersions(plan.engine))
            m_versions->addItem(label, version);
        const int current = plan.targetVersion == connectedVersion ? 0 : m_versions->findData(plan.targetVersion);
        m_versions->setCurrentIndex(std::max(0, current));
        m_versions->setEnabled(m_versions->count() > 1);
    }
    // A plan for the connected server can run; one for another version is for comparison.
    m_run->setEnabled(!plan.steps.isEmpty() && plan.targetVersion == connectedVersion);
    m_rehearse->setEnabled(m_run->isEnabled());
    m_checkData->setEnabled(!plan.steps.isEmpty());
    m_findings->hide();
    m_sessionsModel->setRows({});
    m_sessionsBox->hide();
    m_findingsBody.clear();
    m_runState->hide(); // a new plan: not run yet
    showImpact(plan.impact);
    QStringList warnings = plan.warnings;
    if (const QString who = impactSummary(plan.impact); !who.isEmpty())
        warnings << who;
    m_warnings->setText(warnings.join(QLatin1Char('\n')));
    m_warnings->setVisible(!warnings.isEmpty());
    m_summary->setText((QStringList{PlanFormat::summary(plan)} + plan.notes).join(QLatin1Char('\n')));
    m_summary->setVisible(!plan.steps.isEmpty());
    showStep(-1);
}

void PlanView::clear()
{
    m_title->clear();
    {
        const QSignalBlocker blocker(m_versions);
        m_versions->clear();
        m_versions->setEnabled(false);
    }
    m_run->setEnabled(false);
    m_rehearse->setEnabled(false);
    m_checkData->setEnabled(false);
    m_problems->hide();
    showCurrent();
    m_warnings->hide();
    m_summary->hide();
    m_findings->clear();
    m_findings->hide();
    m_sessionsModel->setRows({});
    m_sessionsBox->hide();
    m_findingsBody.clear();
    m_runState->hide();
    m_model->setPlan({});
    m_timeline->setPlan({});
    m_timeline->hide();
    m_sql->clear();
    m_why->clear();
    showImpact({});
}

void PlanView::showImpact(const Impact &impact)
{
    m_impactModel->setImpact(impact);
    m_impact->expandAll();
    m_impact->resizeColumnToContents(ImpactModel::WhatColumn);
    m_impact->setColumnWidth(ImpactModel::WhoColumn, std::max(240, m_impact->width() * 2 / 5));
    m_impact->setColumnWidth(ImpactModel::WhatColumn, std::min(m_impact->columnWidth(ImpactModel::WhatColumn), 260));
    m_impactProblems->setText(impact.problems.join(QLatin1Char('\n')));
    m_impactProblems->setVisible(!impact.problems.isEmpty());
    m_detailTabs->setTabEnabled(ImpactTab, impact.read);
    m_detailTabs->setTabText(ImpactTab, m_impactModel->title());
    if (!impact.read)
        m_detailTabs->setCurrentIndex(StepTab);
}

QString PlanView::impactSummary(const Impact &impact)
{
    if (!impact.read)
        return {};
    const int breaks = impact.statementsAtLeast(StatementFate::Severity::Breaks);
    const int costs = impact.statementsAtLeast(StatementFate::Severity::Cost) - breaks;
    const int dependents = int(std::count_if(impact.dependents.cbegin(), impact.dependents.cend(),
                                             [](const TableDependent &d) { return !d.impact.isEmpty(); }));
    QStringList parts;
    if (breaks > 0)
        parts << tr("%n of the application's statements will fail", nullptr, breaks);
    if (costs > 0)
        parts << tr("%n will cost more", nullptr, costs);
    if (dependents > 0)
        parts << tr("%n dependent(s) need attention", nullptr, dependents);
    if (parts.isEmpty())
        return {};
    return tr("Who uses the table: %1 (see Impact, below the steps).").arg(parts.join(QLatin1String(", ")));
}

void PlanView::showFindings(const QList<DataFinding> &findings, const QList<BlockingSession> &sessions)
{
    QStringList lines;
    bool clean = true;
    for (const DataFinding &f : findings) {
        clean = clean && f.count == 0 && f.notDone.isEmpty();
        lines << (!f.notDone.isEmpty() ? tr("? %1: %2").arg(f.title, f.notDone)
                  : f.count == 0       ? tr("✓ no %1").arg(f.title)
                                       : tr("✗ %1 %2: %3").arg(QString::number(f.count), f.title, f.samples.join(QLatin1String("; "))));
    }
    if (findings.isEmpty())
        lines << tr("✓ the existing rows keep NULL in the new column, which every constraint accepts");
    lines << tr("Sessions on the table:");
    if (sessions.isEmpty())
        lines << tr("✓ no other session holds a lock on it or keeps a transaction open");
    for (const BlockingSession &b : sessions) {
        clean = false;
        QStringList what;
        if (!b.state.isEmpty())
            what << b.state;
        if (b.transactionSeconds >= 0)
            what << tr("transaction open for %1 s").arg(qRound(b.transactionSeconds));
        if (!b.locks.isEmpty())
            what << tr("holds %1").arg(b.locks.join(QLatin1String(", ")));
        if (b.waiting)
            what << tr("waiting for a lock");
        const QString who = b.application.isEmpty() ? b.user : QStringLiteral("%1, %2").arg(b.user, b.application);
        lines << tr("✗ session %1 (%2): %3; last statement: %4")
                     .arg(b.pid)
                     .arg(who, what.join(QLatin1String("; ")), b.query.simplified().left(120));
    }
    if (!sessions.isEmpty())
        lines << tr("A schema change waits behind these sessions and, while it waits, blocks the queries queued "
                    "after it: the run's lock timeout keeps that short, but each retry waits again.");
    m_findingsBody = tr("Existing data:\n") + lines.join(QLatin1Char('\n'));
    m_findingsAt = QDateTime::currentDateTime();
    m_findingsStaleAfter.clear();
    m_findingsClean = clean;
    showFindingsText();
    m_findings->show();
    m_sessionsModel->setRows(sessions);
    m_sessionsBox->setVisible(!sessions.isEmpty());
    if (!sessions.isEmpty())
        m_sessions->setCurrentIndex(m_sessionsModel->index(0, 0));
}

void PlanView::fitStepColumns()
{
    QHeaderView *header = m_steps->header();
    const int width = m_steps->viewport()->width();
    // A column's contents: its header and every row, stages and their steps (indented in the first column).
    const auto contents = [this, header](int column) {
        int widest = header->sectionSizeHint(column);
        for (int stage = 0; stage < m_model->rowCount(); ++stage) {
            const QModelIndex parent = m_model->index(stage, 0);
            widest = std::max(widest, m_steps->sizeHintForIndex(m_model->index(stage, column)).width()
                                          + (column == PlanStepsModel::StepColumn ? m_steps->indentation() : 0));
            for (int step = 0; step < m_model->rowCount(parent); ++step)
                widest = std::max(widest, m_steps->sizeHintForIndex(m_model->index(step, column, parent)).width()
                                              + (column == PlanStepsModel::StepColumn ? 2 * m_steps->indentation() : 0));
        }
        return widest;
    };
    QMap<int, int> sizes;
    int others = 0;
    for (int c = PlanStepsModel::LocksColumn; c < PlanStepsModel::ColumnCount; ++c) {
        if (m_steps->isColumnHidden(c))
            continue;
        // The lock's and the failing writes' sentences are capped (whole in the tooltip and the step's detail).
        const int cap = c == PlanStepsModel::LocksColumn || c == PlanStepsModel::FailingWritesColumn ? 200 : 1 << 20;
        sizes[c] = std::min(contents(c) + 8, cap);
        others += sizes[c];
    }
    const int title = contents(PlanStepsModel::StepColumn) + 8;
    // Short of room, those two give up to 80 px each before the view scrolls.
    for (int c : {int(PlanStepsModel::LocksColumn), int(PlanStepsModel::FailingWritesColumn)}) {
        const int over = title + others - width;
        if (over > 0 && sizes.contains(c)) {
            const int give = std::min({over, 80, std::max(0, sizes[c] - 120)});
            sizes[c] -= give;
            others -= give;
        }
    }
    for (auto it = sizes.cbegin(); it != sizes.cend(); ++it)
        header->resizeSection(it.key(), it.value());
    // Where everything fits, the title takes the rest of the width; where not, it keeps its own
    // width and the view scrolls sideways: a step's name is never cut.
    if (title + others <= width) {
        header->setSectionResizeMode(PlanStepsModel::StepColumn, QHeaderView::Stretch);
    } else {
        header->setSectionResizeMode(PlanStepsModel::StepColumn, QHeaderView::Interactive);
        header->resizeSection(PlanStepsModel::StepColumn, title);
    }
}

bool PlanView::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_steps->viewport() && event->type() == QEvent::Resize)
        fitStepColumns();
    return QWidget::eventFilter(watched, event);
}

void PlanView::showFindingsText()
{
    if (m_findingsStaleAfter.isEmpty()) {
        m_findings->setText(m_findingsBody);
        ThemeColors::setBanner(m_findings, m_findingsClean ? ThemeColors::Success : ThemeColors::Error);
        return;
    }
    // Old findings are not news: said as of their time, in a neutral colour, with how to check again.
    m_findings->setText(tr("As of %1, before %2 (Pre-flight Checks to check again):\n%3")
                            .arg(QLocale().toString(m_findingsAt.time(), QLocale::ShortFormat), m_findingsStaleAfter, m_findingsBody));
    ThemeColors::setBanner(m_findings, ThemeColors::Neutral);
}

void PlanView::markFindingsStale(const QString &event)
{
    if (m_findingsBody.isEmpty() || !m_findingsStaleAfter.isEmpty())
        return; // none, or already of an earlier time
    m_findingsStaleAfter = event;
    showFindingsText();
    // The sessions seen then are not offered for cancelling now: the pre-flight lists them again.
    m_sessionsModel->setRows({});
    m_sessionsBox->hide();
}

QString PlanView::findingsText() const
{
    return m_findings->isVisibleTo(this) ? m_findings->text() : QString();
}

void PlanView::markRun(const QString &outcome, const QDateTime &when, bool waitingAtGate)
{
    if (m_model->plan().steps.isEmpty())
        return;
    m_run->setEnabled(false); // the plan on screen is spent: a new one is made from the table as it is now
    m_rehearse->setEnabled(false);
    const QString time = QLocale().toString(when.time(), QLocale::ShortFormat);
    if (waitingAtGate)
        m_runState->setText(tr("This plan's run waits at a deploy gate (since %1): continue it or roll it back in the Run tab.").arg(time));
    else
        m_runState->setText(tr("This plan has run (%1 at %2). Edit the column or <a href=\"plan-again\">Plan Again</a> to make a new plan.")
                                .arg(outcome.toHtmlEscaped(), time));
    m_runState->show();
    markFindingsStale(tr("the run"));
}

QString PlanView::runStateText() const
{
    return m_runState->isVisibleTo(this) ? m_runState->text() : QString();
}

void PlanView::showProblems(const QList<SpecProblem> &problems)
{
    QStringList lines;
    for (const SpecProblem &p : problems)
        lines << QStringLiteral("%1: %2").arg(p.field, p.message);
    m_problems->setText(tr("The column cannot be planned:\n") + lines.join(QLatin1Char('\n')));
    m_problems->show();
    showCurrent();
    m_runState->hide();
    m_run->setEnabled(false);
    m_rehearse->setEnabled(false);
    m_checkData->setEnabled(false);
    m_findings->hide();
    m_sessionsBox->hide();
    m_summary->hide();
    m_findingsBody.clear();
    m_model->setPlan({});
    m_timeline->setPlan({});
    m_timeline->hide(); // no plan, no picture
    m_sql->clear();
    m_why->clear();
}

void PlanView::showStep(int step)
{
    const Plan &plan = m_model->plan();
    m_timeline->setSelectedStep(step);
    if (step < 0 || step >= plan.steps.size()) {
        m_why->setText(tr("The whole plan; select a step to see it alone."));
        m_sql->setSql(PlanFormat::toSql(plan), plan.engine);
        return;
    }
    const PlanStep &s = plan.steps.at(step);
    QString detail = QStringLiteral("<b>%1</b> — %2<br><i>%3</i>")
                         .arg(s.rule.toHtmlEscaped(), PlanFormat::impact(s).toHtmlEscaped(), s.why.toHtmlEscaped());
    if (!s.gate.isEmpty())
        detail += QStringLiteral("<br><span style=\"color: %1\"><b>%2</b></span>")
                      .arg(PlanStepsModel::gateForeground().name(),
                           tr("Deploy gate (%1): the run stops here, changing nothing, until you continue past it in the run panel.")
                               .arg(s.gate)
                               .toHtmlEscaped());
    if (!s.failingWrites.isEmpty())
        detail += QStringLiteral("<br><span style=\"color: %1\"><b>%2</b> %3</span>")
                      .arg(PlanStepsModel::failingWritesColor().name(), tr("Failing writes:").toHtmlEscaped(), s.failingWrites.toHtmlEscaped());
    if (s.gate.isEmpty() && plan.targetVersion != 0) {
        const bool proved = RuleEvidence::proved(plan.engine, plan.targetVersion, s.rule);
        detail += QStringLiteral("<br><span style=\"color: %1\">%2</span>")
                      .arg(proved ? palette().color(QPalette::WindowText).name() : PlanStepsModel::unprovedColor().name(),
                           RuleEvidence::text(plan.engine, plan.targetVersion, s.rule).toHtmlEscaped());
    }
    if (!s.onFailureSql.isEmpty())
        detail += QStringLiteral("<br>%1 <code>%2</code>")
                      .arg(tr("If it fails or is cancelled, the runner removes what it added:").toHtmlEscaped(),
                           s.onFailureSql.join(QLatin1String("; ")).toHtmlEscaped());
    if (!s.space.isEmpty())
        detail += QStringLiteral("<br><b>%1</b> %2").arg(tr("Space:").toHtmlEscaped(), s.space.toHtmlEscaped());
    m_why->setText(detail);
    m_sql->setSql(PlanFormat::stepSql(plan, step), plan.engine);
}

} // namespace Stagecraft

namespace Stagecraft {

void PlanView::showOutOfDate(const QList<SpecProblem> &problems)
{
    QStringList fields;
    QStringList lines;
    for (const SpecProblem &p : problems) {
        if (!fields.contains(p.field))
            fields << p.field;
        lines << QStringLiteral("%1: %2").arg(p.field, p.message);
    }
    m_outOfDate->setText(tr("Out of date: %1 %2 not valid. This is the last valid plan; Run is off until the fields are "
                            "valid again.\n%3")
                             .arg(fields.join(QLatin1String(", ")), fields.size() == 1 ? tr("is") : tr("are"),
                                  lines.join(QLatin1Char('\n'))));
    m_outOfDate->show();
    m_problems->hide();
    m_run->setEnabled(false);
    m_rehearse->setEnabled(false);
    m_checkData->setEnabled(false);
    m_findings->hide();
    m_sessionsModel->setRows({}); // a pre-flight of the plan that is out of date
    m_sessionsBox->hide();
    m_runState->hide(); // the fields on screen are a new column, not the plan that ran
    m_versions->setEnabled(false); // it would plan the old column again, not the fields on screen
    // Greyed, not gone: the steps, the timeline and the SQL stay readable while the field is fixed.
    // The lists are disabled (their palette greys them; an opacity effect darkens a scroll area's
    // viewport), the painted ones faded.
    m_steps->setEnabled(false);
    m_sql->setEnabled(false);
    for (QWidget *w : {static_cast<QWidget *>(m_timeline), static_cast<QWidget *>(m_warnings), static_cast<QWidget *>(m_why)}) {
        auto *faded = new QGraphicsOpacityEffect(w);
        faded->setOpacity(0.45);
        w->setGraphicsEffect(faded);
    }
}

bool PlanView::isOutOfDate() const
{
    return !m_outOfDate->isHidden();
}

void PlanView::showCurrent()
{
    m_outOfDate->hide();
    m_steps->setEnabled(true);
    m_sql->setEnabled(true);
    for (QWidget *w : {static_cast<QWidget *>(m_timeline), static_cast<QWidget *>(m_warnings), static_cast<QWidget *>(m_why)})
        w->setGraphicsEffect(nullptr);
}

} // namespace Stagecraft
