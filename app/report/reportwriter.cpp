#include "reportwriter.h"

#include "timelinepainter.h"
#include "plan/planformat.h"

#include <QGuiApplication>
#include <QFile>
#include <QDir>
#include <QFileInfo>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QTextDocument>
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

bool ReportWriter::writeMarkdown(const Plan &plan, const QString &findings, const QString &path, QString *error)
{
    const QFileInfo info(path);
    const QString picture = info.completeBaseName() + u"-timeline.png"_s;
    if (!timelinePicture(plan).save(info.dir().filePath(picture))) {
        *error = u"Cannot write %1."_s.arg(info.dir().filePath(picture));
        return false;
    }
    QString text = PlanFormat::toMarkdown(plan);
    // The picture and the pre-flight findings right after the title and summary.
    QString extra = u"![Lock timeline: each step on a time axis, coloured by what it blocks, the naive statement below](%1)\n\n"_s
                        .arg(picture);
    if (!findings.isEmpty())
        extra += u"## Pre-flight\n\n```\n%1\n```\n\n"_s.arg(findings);
    const qsizetype firstTable = text.indexOf(u"| # |"_s);
    text.insert(firstTable < 0 ? text.size() : firstTable, extra);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text.toUtf8()) < 0) {
        *error = u"Cannot write %1: %2"_s.arg(path, file.errorString());
        return false;
    }
    return true;
}

QString ReportWriter::html(const Plan &plan, const QString &findings)
{
    const auto esc = [](const QString &s) { return s.toHtmlEscaped(); };
    QString h = u"<h1>Add column <code>%1</code> to <code>%2.%3</code></h1>"_s.arg(esc(plan.spec.name),
                                                                                   esc(plan.table.schema),
                                                                                   esc(plan.table.name));
    h += u"<p>%1 %2 (planned for %3); about %4 rows, %5 bytes.<br>Writes blocked ~%6 s in all, reads ~%7 s; the whole "
         "plan takes ~%8 s.<br>Fingerprint: <code>%9</code></p>"_s.arg(
             engineName(plan.engine), esc(plan.serverVersion), esc(plan.targetVersionText),
             QString::number(plan.estimatedRows), QString::number(plan.totalBytes),
             QString::number(plan.secondsWritesBlocked(), 'f', 2), QString::number(plan.secondsReadsBlocked(), 'f', 2),
             QString::number(plan.totalSeconds(), 'f', 1), PlanFormat::fingerprint(plan));
    h += u"<p>Runs with: %1.</p>"_s.arg(esc(plan.settings.describe(plan.engine)));
    if (!plan.sessionSql.isEmpty())
        h += u"<p>Session, sent before every step:</p><pre>%1;</pre>"_s.arg(esc(plan.sessionSql.join(u";\n"_s)));
    h += u"<p><img src=\"timeline.png\" width=\"640\"></p>"_s;
    for (const QString &w : plan.warnings)
        h += u"<p><b>Warning:</b> %1</p>"_s.arg(esc(w));
    if (!findings.isEmpty())
        h += u"<h2>Pre-flight</h2><pre>%1</pre>"_s.arg(esc(findings));
    h += u"<h2>Steps</h2><table border=\"1\" cellspacing=\"0\" cellpadding=\"3\" width=\"100%\"><tr><th>#</th><th>stage</th><th>step</th>"
         "<th>lock</th><th>blocks</th><th>work</th><th>~s</th><th>lock ~s</th></tr>"_s;
    for (int i = 0; i < plan.steps.size(); ++i) {
        const PlanStep &s = plan.steps.at(i);
        QStringList locks;
        for (const LockClaim &l : s.locks)
            locks << l.mode;
        const QString blocks = s.blocksReads ? u"reads and writes"_s : s.blocksWrites ? u"writes"_s : u"nothing"_s;
        const QString work = s.rewritesTable ? u"rewrite"_s : s.scansTable ? u"scan"_s : QString();
        // A deploy gate reads as a gate, and the writes a step makes fail in red, beside its title.
        QString title = s.gate.isEmpty() ? esc(s.title) : u"<b>&#9646;&#9646; %1</b>"_s.arg(esc(s.title));
        if (!s.failingWrites.isEmpty())
            title += u"<br><font color=\"#c62828\">%1</font>"_s.arg(esc(s.failingWrites));
        h += u"<tr%9><td>%1</td><td>%2</td><td>%3</td><td>%4</td><td>%5</td><td>%6</td><td>%7</td><td>%8</td></tr>"_s.arg(
            QString::number(i + 1), stageName(s.stage), title, esc(locks.join(u", "_s)), blocks, work,
            QString::number(s.estimatedSeconds, 'f', 2), QString::number(s.lockHeldSeconds, 'f', 2),
            s.gate.isEmpty() ? QString() : u" bgcolor=\"#e3f2fd\""_s);
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
        if (!s.sql.isEmpty())
            h += u"<pre>%1</pre>"_s.arg(esc(s.sql.join(u";\n"_s) + u";"_s));
        if (!s.onFailureSql.isEmpty())
            h += u"<p>If it fails or is cancelled, the runner removes what it added:</p><pre>%1;</pre>"_s.arg(
                esc(s.onFailureSql.join(u";\n"_s)));
        if (!s.rollbackSql.isEmpty())
            h += u"<p>Rollback:</p><pre>%1;</pre>"_s.arg(esc(s.rollbackSql.join(u";\n"_s)));
    }
    h += u"<h2>The naive statement, for comparison</h2><p>%1</p><pre>%2;</pre>"_s.arg(esc(PlanFormat::impact(plan.naive)),
                                                                                      esc(plan.naive.sql.join(u";\n"_s)));
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
    document.setDefaultFont(QGuiApplication::font());
    document.addResource(QTextDocument::ImageResource, QUrl(u"timeline.png"_s), timelinePicture(plan));
    document.setHtml(html(plan, findings));
    document.print(&writer);
    if (QFileInfo(path).size() <= 0) {
        *error = u"Cannot write %1."_s.arg(path);
        return false;
    }
    return true;
}

} // namespace Stagecraft
