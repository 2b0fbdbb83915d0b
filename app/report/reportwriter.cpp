#include "reportwriter.h"

#include "plan/costmodel.h"
#include "runchartpainter.h"
#include "timelinepainter.h"
#include "run/runhistory.h"
#include "plan/planformat.h"
#include "plan/spacecost.h"

#include <QGuiApplication>
#include <QFile>
#include <QDir>
#include <QFileInfo>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QTextDocument>
#include <QTextOption>
#include <QUrl>

namespace Stagecraft {

using namespace Qt::StringLiterals;

// The picture on a white page whatever the screen's theme: a report is printed.
static QImage timelinePicture(const Plan &plan)
{
    QPalette light;
    light.setColor(QPalette::Window, Qt::white);
    light.setColor(QPalette::Base, Qt::white);
    light.setColor(QPalette::WindowText, Qt::black);
    light.setColor(QPalette::Text, Qt::black);
    light.setColor(QPalette::Mid, QColor(0x99, 0x99, 0x99));
    return TimelinePainter::render(plan, QSize(1000, 200), light);
}

namespace {

QString esc(const QString &s)
{
    return s.toHtmlEscaped();
}

// Statements as the reviewer must read them, every character: kept as written (pre), but wrapped
// at the page's edge, at spaces where there are any and anywhere in a token longer than a line
// (the document's WrapAtWordBoundaryOrAnywhere), never cut off.
QString sqlBlock(const QStringList &statements)
{
    return u"<pre style=\"white-space: pre-wrap\">%1;</pre>"_s.arg(esc(statements.join(u";\n"_s)));
}

// "Who uses the table": the dependents and the application's statements with what the new column
// changes for them; empty when the impact was not read.
QString impactHtml(const Impact &impact)
{
    if (!impact.read)
        return {};
    const auto cell = [](const QString &tag, const QString &attributes, const QString &content) {
        return u"<%1%2><span style=\"font-size: 8pt\">%3</span></%1>"_s.arg(tag, attributes, content);
    };
    QString h = u"<h2>Who uses the table</h2>"_s;
    if (impact.dependents.isEmpty()) {
        h += u"<p>Nothing in the catalog depends on the table.</p>"_s;
    } else {
        h += u"<table border=\"1\" cellspacing=\"0\" cellpadding=\"3\" width=\"100%\"><tr>"_s + cell(u"th"_s, u" width=\"14%\""_s, u"dependent"_s)
            + cell(u"th"_s, u" width=\"24%\""_s, u"name"_s) + cell(u"th"_s, u" width=\"28%\""_s, u"what"_s)
            + cell(u"th"_s, u" width=\"34%\""_s, u"what the new column changes"_s) + u"</tr>"_s;
        for (const TableDependent &d : impact.dependents)
            h += u"<tr>"_s + cell(u"td"_s, {}, dependentKindName(d.kind)) + cell(u"td"_s, {}, esc(d.name)) + cell(u"td"_s, {}, esc(d.detail))
                + cell(u"td"_s, {}, d.impact.isEmpty() ? QString() : u"<font color=\"#c62828\">%1</font>"_s.arg(esc(d.impact))) + u"</tr>"_s;
        h += u"</table>"_s;
    }
    if (!impact.statisticsNote.isEmpty()) {
        h += u"<p>The application's statements are not known: %1</p>"_s.arg(esc(impact.statisticsNote));
    } else if (impact.statements.isEmpty()) {
        h += u"<p>The server has counted no statement on the table since its statistics were last reset.</p>"_s;
    } else {
        h += u"<p>The application's statements on the table, as the server counted them since its statistics were last reset, "
             "most time first:</p><table border=\"1\" cellspacing=\"0\" cellpadding=\"3\" width=\"100%\"><tr>"_s
            + cell(u"th"_s, u" width=\"46%\""_s, u"statement"_s) + cell(u"th"_s, u" width=\"9%\""_s, u"calls"_s)
            + cell(u"th"_s, u" width=\"9%\""_s, u"mean ms"_s) + cell(u"th"_s, u" width=\"36%\""_s, u"what the new column changes"_s)
            + u"</tr>"_s;
        for (const StatementUse &u : impact.statements) {
            QStringList fates;
            for (const StatementFate &f : u.fates) {
                const QString text = u"<b>%1:</b> %2"_s.arg(severityName(f.severity), esc(f.what));
                fates << (f.severity == StatementFate::Severity::Breaks ? u"<font color=\"#c62828\">%1</font>"_s.arg(text) : text);
            }
            h += u"<tr>"_s + cell(u"td"_s, {}, u"<code>%1</code>"_s.arg(esc(u.text.simplified()))) + cell(u"td"_s, {}, QString::number(u.calls))
                + cell(u"td"_s, {}, QString::number(u.meanMs, 'f', 3)) + cell(u"td"_s, {}, fates.join(u"<br>"_s)) + u"</tr>"_s;
        }
        h += u"</table>"_s;
    }
    for (const QString &p : impact.problems)
        h += u"<p><b>Not read:</b> %1</p>"_s.arg(esc(p));
    return h;
}

QString connectionText(const Plan &plan)
{
    if (plan.database.isEmpty())
        return u"(not recorded: the plan was made without a connection)"_s;
    if (plan.host.isEmpty())
        return u"%1 database %2"_s.arg(engineName(plan.engine), plan.database);
    return u"%1 on %2:%3, database %4"_s.arg(engineName(plan.engine), plan.host, QString::number(plan.port), plan.database);
}

} // namespace

bool ReportWriter::writeMarkdown(const Plan &plan, const QString &findings, const QString &path, QString *error)
{
    const QFileInfo info(path);
    const QString picture = info.completeBaseName() + u"-timeline.png"_s;
    if (!timelinePicture(plan).save(info.dir().filePath(picture))) {
        *error = u"Cannot write %1."_s.arg(info.dir().filePath(picture));
        return false;
    }
    QString text = PlanFormat::toMarkdown(plan);
    // Where, when, the picture and the pre-flight findings right after the title and summary.
    QString extra = u"Connection: %1. Report made %2.\n\n"_s.arg(connectionText(plan),
                                                                    QDateTime::currentDateTime().toString(u"yyyy-MM-dd HH:mm t"_s));
    extra += u"![Lock timeline: each step on a time axis, coloured by what it blocks, the naive statement below](%1)\n\n"_s
                        .arg(picture);
    if (!findings.isEmpty())
        extra += u"## Pre-flight\n\n```\n%1\n```\n\n"_s.arg(findings);
    const qsizetype firstTable = text.indexOf(u"| # |"_s);
    text.insert(firstTable < 0 ? text.size() : firstTable, extra);
    text += u"\n## Sign-off\n\nApproved to run on %1, table %2.%3, plan `%4`.\n\n"
            "Reviewed by: ______________________\n\nDate: ______________________\n\nSignature: ______________________\n"_s
                .arg(connectionText(plan), plan.table.schema, plan.table.name, PlanFormat::fingerprint(plan));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text.toUtf8()) < 0) {
        *error = u"Cannot write %1: %2"_s.arg(path, file.errorString());
        return false;
    }
    return true;
}

bool ReportWriter::writeRunReport(const Journal::RunRecord &run, const QString &path, QString *error)
{
    const QFileInfo info(path);
    QString picture;
    const int paced = RunHistory::pacedStep(run);
    if (paced >= 0) {
        // A report is read on paper and in light viewers: the light palette, whatever the desktop's.
        QPalette light;
        light.setColor(QPalette::Window, QColor(0xef, 0xef, 0xef));
        light.setColor(QPalette::Base, Qt::white);
        light.setColor(QPalette::Text, Qt::black);
        light.setColor(QPalette::WindowText, Qt::black);
        light.setColor(QPalette::PlaceholderText, Qt::darkGray);
        const BackfillSeries &series = run.steps.at(paced).pacing;
        picture = info.completeBaseName() + u"-backfill.png"_s;
        if (!RunChartPainter::render(series, QSize(1024, RunChartPainter::preferredHeight(series)), light, run.plan.settings.maxReplicaLagMs)
                 .save(info.dir().filePath(picture))) {
            *error = u"Cannot write %1."_s.arg(info.dir().filePath(picture));
            return false;
        }
    }
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(RunHistory::report(run, picture).toUtf8()) < 0) {
        *error = u"Cannot write %1: %2"_s.arg(path, file.errorString());
        return false;
    }
    return true;
}

QString ReportWriter::html(const Plan &plan, const QString &findings, const QDateTime &madeAt)
{
    const QDateTime made = madeAt.isValid() ? madeAt : QDateTime::currentDateTime();
    QString h = u"<h1>Add column <code>%1</code> to <code>%2.%3</code></h1>"_s.arg(esc(plan.spec.name),
                                                                                   esc(plan.table.schema),
                                                                                   esc(plan.table.name));
    // Where and what: the reviewer signs for one server, one database, one plan.
    const auto row = [](const QString &label, const QString &value) {
        return u"<tr><td width=\"22%\"><b>%1</b></td><td>%2</td></tr>"_s.arg(label, value);
    };
    h += u"<table cellspacing=\"0\" cellpadding=\"2\" width=\"100%\">"_s;
    h += row(u"Host"_s, plan.host.isEmpty() ? u"(local file)"_s : esc(plan.host));
    h += row(u"Port"_s, plan.port > 0 ? QString::number(plan.port) : u"-"_s);
    h += row(u"Database"_s, plan.database.isEmpty() ? u"(not recorded)"_s : esc(plan.database));
    h += row(u"Server version"_s, u"%1 %2 (planned for %3)"_s.arg(engineName(plan.engine), esc(plan.serverVersion), esc(plan.targetVersionText)));
    h += row(u"Table"_s, u"%1.%2: about %3 rows, %4"_s.arg(esc(plan.table.schema), esc(plan.table.name),
                                                           QString::number(plan.estimatedRows), humanBytes(plan.totalBytes)));
    h += row(u"Report made"_s, made.toString(u"yyyy-MM-dd HH:mm t"_s));
    h += row(u"Fingerprint"_s, u"<code>%1</code>"_s.arg(PlanFormat::fingerprint(plan)));
    h += u"</table>"_s;
    h += u"<p>Writes blocked ~%1 s in all, reads ~%2 s; the whole plan takes ~%3 s. The single statement blocks writes ~%4 s.</p>"_s.arg(
        QString::number(plan.secondsWritesBlocked(), 'f', 2), QString::number(plan.secondsReadsBlocked(), 'f', 2),
        QString::number(plan.totalSeconds(), 'f', 1), QString::number(plan.naive.blocksWrites ? plan.naive.lockHeldSeconds : 0, 'f', 2));
    h += u"<p>Runs with: %1.</p>"_s.arg(esc(plan.settings.describe(plan.engine)));
    if (!plan.sessionSql.isEmpty())
        h += u"<p>Session, sent before every step:</p>"_s + sqlBlock(plan.sessionSql);
    h += u"<p><img src=\"timeline.png\" width=\"640\"></p>"_s;
    for (const QString &w : plan.warnings)
        h += u"<p><b>Warning:</b> %1</p>"_s.arg(esc(w));
    for (const QString &n : plan.notes)
        h += u"<p><b>Note:</b> %1</p>"_s.arg(esc(n));
    if (!findings.isEmpty())
        h += u"<h2>Pre-flight</h2><pre style=\"white-space: pre-wrap\">%1</pre>"_s.arg(esc(findings));
    // Widths that hold each column's longest word (a lock mode such as ShareUpdateExclusiveLock, one
    // per line), the rest to the step's title: a word is broken only where it is longer than its column.
    // The time's range is joined by a non-breaking hyphen (U+2011): "0.24‑0.98 s" stays on one line.
    // In a smaller type, which the cells do not inherit from the table.
    const auto cell = [](const QString &tag, const QString &attributes, const QString &content) {
        return u"<%1%2><span style=\"font-size: 8pt\">%3</span></%1>"_s.arg(tag, attributes, content);
    };
    h += u"<h2>Steps</h2><table border=\"1\" cellspacing=\"0\" cellpadding=\"3\" width=\"100%\"><tr>"_s
        + cell(u"th"_s, u" width=\"4%\""_s, u"#"_s) + cell(u"th"_s, u" width=\"8%\""_s, u"stage"_s)
        + cell(u"th"_s, u" width=\"29%\""_s, u"step"_s) + cell(u"th"_s, u" width=\"31%\""_s, u"lock"_s)
        + cell(u"th"_s, u" width=\"8%\""_s, u"blocks"_s) + cell(u"th"_s, u" width=\"12%\""_s, u"time"_s)
        + cell(u"th"_s, u" width=\"8%\""_s, u"lock ~s"_s) + u"</tr>"_s;
    for (int i = 0; i < plan.steps.size(); ++i) {
        const PlanStep &s = plan.steps.at(i);
        QStringList locks;
        for (const LockClaim &l : s.locks)
            if (!locks.contains(esc(l.mode)))
                locks << esc(l.mode);
        QString blocks = s.blocksReads ? u"reads and writes"_s : s.blocksWrites ? u"writes"_s : u"nothing"_s;
        if (s.rewritesTable || s.scansTable) // the work, under what it blocks
            blocks += s.rewritesTable ? u"<br>rewrite"_s : u"<br>scan"_s;
        // A deploy gate reads as a gate, and the writes a step makes fail in red, beside its title.
        QString title = s.gate.isEmpty() ? esc(s.title) : u"<b>&#9646;&#9646; %1</b>"_s.arg(esc(s.title));
        if (!s.failingWrites.isEmpty())
            title += u"<br><font color=\"#c62828\">%1</font>"_s.arg(esc(s.failingWrites));
        h += (s.gate.isEmpty() ? u"<tr>"_s : u"<tr bgcolor=\"#e3f2fd\">"_s) + cell(u"td"_s, {}, QString::number(i + 1))
            + cell(u"td"_s, {}, stageName(s.stage)) + cell(u"td"_s, {}, title) + cell(u"td"_s, {}, locks.join(u"<br>"_s))
            + cell(u"td"_s, {}, blocks) + cell(u"td"_s, {}, CostModel::rangeText(s.estimatedSeconds).replace(u'-', QChar(0x2011)))
            + cell(u"td"_s, {}, QString::number(s.lockHeldSeconds, 'f', 2)) + u"</tr>"_s;
    }
    h += u"</table>"_s;
    for (int i = 0; i < plan.steps.size(); ++i) {
        const PlanStep &s = plan.steps.at(i);
        h += u"<h3>%1. %2</h3><p>%3<br><i>%4</i></p>"_s.arg(QString::number(i + 1), esc(s.title), esc(PlanFormat::impact(s)), esc(s.why));
        if (!s.gate.isEmpty())
            h += u"<p style=\"background-color: #e3f2fd\"><b>Deploy gate (%1):</b> the run stops here, changing nothing, until it is "
                 "resumed (<code>stagecraft-cli resume</code>, or Continue past the gate in the run panel); "
                 "<code>--through-gates</code> passes it.</p>"_s.arg(esc(s.gate));
        if (!s.failingWrites.isEmpty())
            h += u"<p><font color=\"#c62828\"><b>Failing writes:</b> %1</font></p>"_s.arg(esc(s.failingWrites));
        if (!s.space.isEmpty())
            h += u"<p><b>Space:</b> %1</p>"_s.arg(esc(s.space));
        if (!s.sql.isEmpty())
            h += sqlBlock(s.sql);
        if (!s.onFailureSql.isEmpty())
            h += u"<p>If it fails or is cancelled, the runner removes what it added:</p>"_s + sqlBlock(s.onFailureSql);
        if (!s.rollbackSql.isEmpty())
            h += u"<p>Rollback:</p>"_s + sqlBlock(s.rollbackSql);
    }
    h += u"<h2>The naive statement, for comparison</h2><p>%1<br><i>%2</i></p>"_s.arg(esc(PlanFormat::impact(plan.naive)), esc(plan.naive.why))
        + sqlBlock(plan.naive.sql);
    h += impactHtml(plan.impact);
    h += u"<h2>Sign-off</h2><p>Approved to run on %1, table %2.%3, plan <code>%4</code>.</p>"_s.arg(
        esc(connectionText(plan)), esc(plan.table.schema), esc(plan.table.name), PlanFormat::fingerprint(plan));
    h += u"<table cellspacing=\"0\" cellpadding=\"10\" width=\"100%\">"
         "<tr><td width=\"22%\">Reviewed by</td><td>________________________________________</td></tr>"
         "<tr><td>Date</td><td>________________________________________</td></tr>"
         "<tr><td>Signature</td><td>________________________________________</td></tr></table>"_s;
    return h;
}

bool ReportWriter::writePdf(const Plan &plan, const QString &findings, const QString &path, QString *error)
{
    QPdfWriter writer(path);
    writer.setTitle(u"Stagecraft plan: add %1 to %2.%3"_s.arg(plan.spec.name, plan.table.schema, plan.table.name));
    writer.setCreator(u"Stagecraft "_s + QStringLiteral(STAGECRAFT_VERSION));
    writer.setPageSize(QPageSize(QPageSize::A4));
    writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter);
    writer.setResolution(300);
    QTextDocument document;
    // The application's font at a size the steps table's widths are made for, whatever the desktop's.
    QFont font = QGuiApplication::font();
    font.setPointSizeF(10);
    document.setDefaultFont(font);
    document.addResource(QTextDocument::ImageResource, QUrl(u"timeline.png"_s), timelinePicture(plan));
    // A word is broken only where it is longer than its line or cell.
    QTextOption option = document.defaultTextOption();
    option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    document.setDefaultTextOption(option);
    document.setHtml(html(plan, findings));
    document.print(&writer);
    if (QFileInfo(path).size() <= 0) {
        *error = u"Cannot write %1."_s.arg(path);
        return false;
    }
    return true;
}

} // namespace Stagecraft
