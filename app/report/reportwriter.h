#pragma once

#include "plan/plan.h"
#include "run/journal.h"

#include <QDateTime>
#include <QString>

namespace Stagecraft {

// The review report a DBA reads outside Stagecraft: the plan's Markdown (PlanFormat) with the lock
// timeline picture beside it, and the same as a PDF (a QTextDocument printed with QPdfWriter).
// findings: the pre-flight text shown in the plan review, empty when it was not run.
class ReportWriter
{
public:
    // Writes path and, next to it, <name>-timeline.png, which the Markdown shows.
    [[nodiscard]] static bool writeMarkdown(const Plan &plan, const QString &findings, const QString &path, QString *error);
    [[nodiscard]] static bool writePdf(const Plan &plan, const QString &findings, const QString &path, QString *error);
    // A past run's report (RunHistory::report) at path and, for a backfill whose pacing the journal
    // recorded, its chart beside it as <name>-backfill.png, which the Markdown shows.
    [[nodiscard]] static bool writeRunReport(const Journal::RunRecord &run, const QString &path, QString *error);
    // The report as HTML, the picture referenced as "timeline.png" (a QTextDocument resource);
    // madeAt is the date the header gives (invalid: now).
    [[nodiscard]] static QString html(const Plan &plan, const QString &findings, const QDateTime &madeAt = {});
};

} // namespace Stagecraft
