#include "historyview.h"

#include "report/reportwriter.h"
#include "run/runhistory.h"
#include "runchart.h"
#include "runhistorymodel.h"
#include "runstepsmodel.h"
#include "stagetimingsmodel.h"

#include <QDesktopServices>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QStandardPaths>
#include <QTableView>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace Stagecraft {

namespace {
struct Answer
{
    QList<Journal::RunRecord> runs;
    QString error;
};

QTableView *tableView(QAbstractItemModel *model, const QString &name, QWidget *parent)
{
    auto *view = new QTableView(parent);
    view->setObjectName(name);
    view->setModel(model);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    return view;
}
} // namespace

HistoryView::HistoryView(QWidget *parent)
    : QWidget(parent)
{
    m_runs = new RunHistoryModel(this);
    m_steps = new RunStepsModel(this);
    m_status = new QLabel(tr("Connect to a database to see the runs made on it."), this);
    m_status->setObjectName(QStringLiteral("historyStatus"));
    m_status->setWordWrap(true);
    m_runsView = tableView(m_runs, QStringLiteral("historyRuns"), this);
    m_stepsView = tableView(m_steps, QStringLiteral("historySteps"), this);
    // Every column as wide as its text; the message (last) takes what is left, whole in its tooltip.
    m_refresh = new QPushButton(tr("Re&fresh"), this);
    m_refresh->setObjectName(QStringLiteral("historyRefresh"));
    m_open = new QPushButton(tr("&Open Report"), this);
    m_open->setObjectName(QStringLiteral("historyOpenReport"));
    m_open->setToolTip(tr("The plan's report with the run's outcome and each step's times, in the application for Markdown files."));
    m_save = new QPushButton(tr("&Save Report…"), this);
    m_save->setObjectName(QStringLiteral("historySaveReport"));
    m_save->setToolTip(tr("Save the plan's report with the run's outcome and each step's times, as Markdown."));
    m_open->setEnabled(false);
    m_save->setEnabled(false);
    m_refresh->setEnabled(false);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_status, 1);
    buttons->addWidget(m_refresh);
    buttons->addWidget(m_open);
    buttons->addWidget(m_save);
    auto *split = m_split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_runsView);
    split->addWidget(m_stepsView);
    m_chart = new RunChart(this);
    m_chart->setObjectName(QStringLiteral("historyChart"));
    m_chart->hide(); // until a run with a recorded backfill is selected
    m_timingsModel = new StageTimingsModel(this);
    m_timings = new QWidget(this);
    m_timingsNote = new QLabel(m_timings);
    m_timingsNote->setObjectName(QStringLiteral("historyTimingsNote"));
    m_timingsNote->setWordWrap(true);
    m_timingsNote->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_timingsView = tableView(m_timingsModel, QStringLiteral("historyTimings"), m_timings);
    m_timingsView->horizontalHeader()->setStretchLastSection(false);
    m_timingsView->horizontalHeader()->setSectionResizeMode(StageTimingsModel::StatementColumn, QHeaderView::Stretch);
    auto *timingsLayout = new QVBoxLayout(m_timings);
    timingsLayout->setContentsMargins(0, 0, 0, 0);
    timingsLayout->addWidget(m_timingsNote);
    timingsLayout->addWidget(m_timingsView, 1);
    m_timings->hide(); // until a run that recorded them is selected
    split->addWidget(m_timings);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    split->setStretchFactor(2, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(split, 1);
    layout->addWidget(m_chart); // its own height, under the steps

    connect(m_refresh, &QPushButton::clicked, this, &HistoryView::refresh);
    connect(m_runsView->selectionModel(), &QItemSelectionModel::selectionChanged, this, &HistoryView::showSelected);
    connect(m_save, &QPushButton::clicked, this, [this] {
        const Journal::RunRecord *run = m_runs->run(selectedRow());
        if (!run)
            return;
        auto *dialog = new QFileDialog(this, tr("Save the Run's Report"), QDir::homePath(),
                                       tr("Markdown (*.md)"));
        dialog->setObjectName(QStringLiteral("saveRunReport"));
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setAcceptMode(QFileDialog::AcceptSave);
        dialog->setDefaultSuffix(QStringLiteral("md"));
        dialog->selectFile(QStringLiteral("%1-%2-%3.md").arg(run->plan.table.name, run->plan.spec.name, run->runId.left(8)));
        connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &path) {
            QString error;
            if (!saveReport(path, &error))
                QMessageBox::warning(this, tr("Save the Run's Report"), error);
        });
        dialog->open();
    });
    connect(m_open, &QPushButton::clicked, this, [this] {
        const Journal::RunRecord *run = m_runs->run(selectedRow());
        if (!run)
            return;
        const QString dir = QStandardPaths::writableLocation(QStandardPaths::TempLocation);
        const QString path = QDir(dir).filePath(QStringLiteral("stagecraft-run-%1.md").arg(run->runId));
        QString error;
        if (!saveReport(path, &error))
            QMessageBox::warning(this, tr("Open the Run's Report"), error);
        else
            QDesktopServices::openUrl(QUrl::fromLocalFile(path));
    });
}

QString HistoryView::statusText() const
{
    return m_status->text();
}

void HistoryView::setConnection(const ConnectionProfile &profile)
{
    m_profile = profile;
    m_connected = true;
    ++m_generation;
    m_runs->setRuns({});
    m_steps->setRun({});
    m_chart->hide(); // the run it drew belongs to the database before
    m_refresh->setEnabled(true);
    m_status->setText(tr("Reading the journal…"));
}

void HistoryView::clearConnection()
{
    m_connected = false;
    ++m_generation; // an answer for the database before is dropped
    m_runs->setRuns({});
    m_steps->setRun({});
    m_chart->hide(); // the run it drew belongs to the database before
    m_refresh->setEnabled(false);
    m_status->setText(tr("Not connected."));
}

void HistoryView::refresh()
{
    if (!m_connected)
        return;
    // Off the GUI thread, on a connection of its own.
    const quint64 generation = ++m_generation;
    const ConnectionProfile profile = m_profile;
    auto *watcher = new QFutureWatcher<Answer>(this);
    connect(watcher, &QFutureWatcher<Answer>::finished, this, [this, watcher, generation] {
        const Answer answer = watcher->result();
        watcher->deleteLater();
        if (generation != m_generation)
            return;
        // Keep the selected run selected across a refresh.
        const Journal::RunRecord *before = m_runs->run(selectedRow());
        const QString selected = before ? before->runId : QString();
        m_runs->setRuns(answer.runs);
        if (!answer.error.isEmpty())
            m_status->setText(tr("The journal could not be read: %1").arg(answer.error));
        else if (answer.runs.isEmpty())
            m_status->setText(tr("No run was made on this database yet."));
        else
            m_status->setText(answer.runs.size() == 1 ? tr("1 run on this database, from its journal.")
                                                      : tr("%1 runs on this database, newest first, from its journal.").arg(answer.runs.size()));
        int row = 0;
        for (int i = 0; i < answer.runs.size(); ++i)
            if (answer.runs.at(i).runId == selected)
                row = i;
        if (!answer.runs.isEmpty())
            m_runsView->selectRow(row);
        showSelected();
        Q_EMIT loaded();
    });
    watcher->setFuture(QtConcurrent::run([profile] {
        Answer answer;
        ConnectionError error;
        if (!RunHistory::read(profile, &answer.runs, &error))
            answer.error = error.text();
        return answer;
    }));
}

int HistoryView::selectedRow() const
{
    const QModelIndexList rows = m_runsView->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : rows.first().row();
}

void HistoryView::showSelected()
{
    const Journal::RunRecord *run = m_runs->run(selectedRow());
    m_steps->setRun(run ? *run : Journal::RunRecord{});
    // The backfill's chart, where the journal recorded its pacing.
    const int paced = run ? RunHistory::pacedStep(*run) : -1;
    m_chart->setSeries(paced >= 0 ? run->steps.at(paced).pacing : BackfillSeries());
    m_chart->setMaxReplicaLagMs(run ? run->plan.settings.maxReplicaLagMs : 0);
    m_chart->setVisible(paced >= 0);
    // The statements' times between the stages, or how to turn the server's statistics on.
    const StageTimings timings = run ? run->timings : StageTimings();
    m_timingsModel->setTimings(timings);
    m_timingsNote->setText(!timings.unavailable().isEmpty()
                               ? tr("Query performance between stages was not measured. %1").arg(timings.unavailable())
                               : tr("Query performance between stages: the application's statements on the table that took the "
                                    "most time, mean per call (at least %1 calls in a phase).").arg(StageTimings::MinCalls));
    m_timingsView->setVisible(timings.unavailable().isEmpty());
    m_timings->setVisible(!timings.isEmpty());
    // Hidden when the splitter was laid out, it would come back with no height.
    if (QList<int> sizes = m_split->sizes(); m_timings->isVisibleTo(this) && sizes.size() == 3 && sizes.at(2) == 0) {
        const int third = (sizes.at(0) + sizes.at(1)) / 3;
        m_split->setSizes({sizes.at(0) - third / 2, sizes.at(1) - (third - third / 2), third});
    }
    m_open->setEnabled(run != nullptr);
    m_save->setEnabled(run != nullptr);
}

QString HistoryView::timingsText() const
{
    return m_timingsNote->text();
}

bool HistoryView::saveReport(const QString &path, QString *error) const
{
    const Journal::RunRecord *run = m_runs->run(selectedRow());
    if (!run) {
        *error = tr("No run is selected.");
        return false;
    }
    return ReportWriter::writeRunReport(*run, path, error);
}

} // namespace Stagecraft
