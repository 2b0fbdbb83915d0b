// Who uses the table, as the plan carries it: in the plan's JSON (and back), its SQL comments, its
// Markdown, the review report and the plan review's Impact tab. The impact is read elsewhere
// (testdependents, testlivestatements); here it is made by hand.
#include "plan/planformat.h"
#include "plan/planner.h"
#include "plannerfixture.h"
#include "report/reportwriter.h"

#include "impactmodel.h"
#include "planview.h"
#include "themecolors.h"

#include <QApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTabWidget>
#include <QTest>

using namespace Stagecraft;

namespace {

Plan plan(Engine engine)
{
    PlannerInput input;
    input.table = Testing::ordersTable(engine);
    input.server.engine = engine;
    input.server.versionNumber = engine == Engine::PostgreSQL ? 170000 : 110800;
    input.server.version = engine == Engine::PostgreSQL ? QStringLiteral("17.0") : QStringLiteral("11.8.0-MariaDB");
    input.spec.table = input.table.table;
    input.spec.name = QStringLiteral("note");
    input.spec.type = QStringLiteral("text");
    return Planner::plan(input);
}

Impact sampleImpact()
{
    Impact impact;
    impact.read = true;
    impact.dependents << TableDependent{TableDependent::Kind::View, QStringLiteral("public.order_totals"),
                                        QStringLiteral("every column of the table, in its order"),
                                        QStringLiteral("its SELECT * was expanded when it was made: it will not show the new column")}
                      << TableDependent{TableDependent::Kind::ForeignKeyIn, QStringLiteral("public.lines.lines_order_fk"),
                                        QStringLiteral("(order_id) -> (id)"), QString()};
    StatementUse positional{QStringLiteral("42"), QStringLiteral("INSERT INTO `orders` VALUES (?, ?) | x"), 1200, 0.25, 1200, {}};
    positional.fates << StatementFate{StatementFate::Severity::Breaks, QStringLiteral("fails from step 1 (Column count doesn't match value count)")};
    StatementUse reader{QStringLiteral("7"), QStringLiteral("SELECT * FROM orders WHERE id = $1"), 50000, 0.0125, 50000, {}};
    reader.fates << StatementFate{StatementFate::Severity::Info, QStringLiteral("returns one more column from step 1")};
    StatementUse plain{QStringLiteral("8"), QStringLiteral("DELETE FROM orders WHERE id = $1"), 3, 1.5, 3, {}};
    impact.statements << positional << reader << plain;
    return impact;
}

} // namespace

class TestImpactFormat : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void jsonRoundTrip();
    void notReadLeavesNoTrace();
    void warnings();
    void markdown();
    void sqlComments();
    void catalogTextStaysText();
    void report();
    void impactTab();
};

void TestImpactFormat::jsonRoundTrip()
{
    Plan p = plan(Engine::PostgreSQL);
    const QString before = PlanFormat::fingerprint(p);
    p.impact = sampleImpact();
    QCOMPARE(PlanFormat::fingerprint(p), before); // not part of what runs
    const QByteArray json = PlanFormat::toJson(p);
    const QJsonObject impact = QJsonDocument::fromJson(json).object().value(QStringLiteral("impact")).toObject();
    QCOMPARE(impact.value(QStringLiteral("dependents")).toArray().size(), 2);
    QCOMPARE(impact.value(QStringLiteral("statements")).toArray().at(0).toObject().value(QStringLiteral("fates")).toArray().at(0).toObject().value(QStringLiteral("severity")).toString(),
             QStringLiteral("breaks"));
    QCOMPARE(impact.value(QStringLiteral("warnings")).toArray().size(), 2);
    QVERIFY(impact.value(QStringLiteral("statistics")).isNull());
    Plan back;
    QVERIFY(PlanFormat::fromJson(json, &back));
    QCOMPARE(back.impact, p.impact);
}

void TestImpactFormat::notReadLeavesNoTrace()
{
    const Plan p = plan(Engine::PostgreSQL);
    QVERIFY(!QJsonDocument::fromJson(PlanFormat::toJson(p)).object().contains(QStringLiteral("impact")));
    QVERIFY(!PlanFormat::toMarkdown(p).contains(QLatin1String("Who uses the table")));
    QVERIFY(!PlanFormat::toSql(p).contains(QLatin1String("Who uses the table")));
    QVERIFY(!ReportWriter::html(p, QString()).contains(QLatin1String("Who uses the table")));
    Plan back;
    QVERIFY(PlanFormat::fromJson(PlanFormat::toJson(p), &back));
    QVERIFY(!back.impact.read);
}

void TestImpactFormat::warnings()
{
    QCOMPARE(sampleImpact().warnings(),
             QStringList({QStringLiteral("view public.order_totals: its SELECT * was expanded when it was made: it will not show the new column"),
                          QStringLiteral("INSERT INTO `orders` VALUES (?, ?) | x (1200 calls): fails from step 1 (Column count doesn't match value count)")}));
    QCOMPARE(sampleImpact().statementsAtLeast(StatementFate::Severity::Info), 2);
    QCOMPARE(sampleImpact().statementsAtLeast(StatementFate::Severity::Breaks), 1);
}

void TestImpactFormat::markdown()
{
    QCOMPARE(PlanFormat::impactMarkdown(sampleImpact()),
             QStringLiteral("## Who uses the table\n\n"
                            "| dependent | name | what | what the new column changes |\n|---|---|---|---|\n"
                            "| view | ` public.order_totals ` | every column of the table, in its order | its SELECT * was expanded when it was made: it will not show the new column |\n"
                            "| foreign key in | ` public.lines.lines_order_fk ` | (order_id) -> (id) |  |\n\n"
                            "The application's statements on the table, as the server counted them since its statistics were last reset, most time first:\n\n"
                            "| statement | calls | mean ms | what the new column changes |\n|---|---:|---:|---|\n"
                            "| `` INSERT INTO `orders` VALUES (?, ?) \\| x `` | 1200 | 0.250 | **breaks**: fails from step 1 (Column count doesn't match value count) |\n"
                            "| ` SELECT * FROM orders WHERE id = $1 ` | 50000 | 0.013 | **info**: returns one more column from step 1 |\n"
                            "| ` DELETE FROM orders WHERE id = $1 ` | 3 | 1.500 |  |\n\n"));
    Impact none;
    none.read = true;
    none.statisticsNote = QStringLiteral("SQLite does not time statements.");
    QCOMPARE(PlanFormat::impactMarkdown(none),
             QStringLiteral("## Who uses the table\n\nNothing in the catalog depends on the table.\n\n"
                            "The application's statements are not known: SQLite does not time statements.\n\n"));
    Plan p = plan(Engine::PostgreSQL);
    p.impact = sampleImpact();
    QVERIFY(PlanFormat::toMarkdown(p).endsWith(PlanFormat::impactMarkdown(p.impact)));
}

void TestImpactFormat::sqlComments()
{
    Plan p = plan(Engine::MariaDB);
    p.impact = sampleImpact();
    const QString sql = PlanFormat::toSql(p);
    QVERIFY(sql.contains(QLatin1String("-- Who uses the table: 2 dependent(s) in the catalog, 3 statement(s) seen by the server.\n")));
    QVERIFY(sql.contains(QLatin1String("--   1200 calls, 0.250 ms mean: INSERT INTO `orders` VALUES (?, ?) | x\n"
                                       "--     BREAKS: fails from step 1 (Column count doesn't match value count)\n")));
    // Every line of the impact is a comment: the SQL still runs as it did.
    for (const QString &line : sql.split(QLatin1Char('\n')))
        if (line.contains(QLatin1String("calls,")) || line.contains(QLatin1String("BREAKS")))
            QVERIFY2(line.startsWith(QLatin1String("-- ")), qPrintable(line));
}

// Names and messages from the catalog or the server are text: a line break in a function's name
// cannot end the SQL export's comment, nor markup in a view's detail reach the rendered Markdown or a tooltip.
void TestImpactFormat::catalogTextStaysText()
{
    Impact impact;
    impact.read = true;
    impact.dependents << TableDependent{TableDependent::Kind::Function, QStringLiteral("public.\"x\nDROP TABLE orders; --\"()"),
                                        QStringLiteral("columns (<img src=x onerror=alert(1)>)"), QStringLiteral("a & b\r\nDELETE FROM orders;")};
    impact.problems << QStringLiteral("first line\nSELECT 1;");
    Plan p = plan(Engine::PostgreSQL);
    p.impact = impact;
    const QString sql = PlanFormat::toSql(p);
    for (const QString &line : sql.split(QLatin1Char('\n'))) {
        QVERIFY2(!line.startsWith(QLatin1String("DROP TABLE")) && !line.startsWith(QLatin1String("DELETE FROM"))
                     && !line.startsWith(QLatin1String("SELECT 1")),
                 qPrintable(line));
    }
    QVERIFY(sql.contains(QLatin1String("--   function public.\"x DROP TABLE orders; --\"(): columns (<img src=x onerror=alert(1)>) -- a & b DELETE FROM orders;\n")));
    const QString md = PlanFormat::impactMarkdown(impact);
    QVERIFY(!md.contains(QLatin1String("<img")));
    QVERIFY(md.contains(QLatin1String("columns (&lt;img src=x onerror=alert(1)>)")));
    QVERIFY(md.contains(QLatin1String("> **Not read:** first line SELECT 1;")));
    ImpactModel model;
    model.setImpact(impact);
    const QModelIndex dependent = model.index(0, ImpactModel::WhatColumn, model.index(ImpactModel::DependentsGroup, 0));
    QCOMPARE(dependent.data(ImpactModel::TextTipRole).toString(), QStringLiteral("columns (<img src=x onerror=alert(1)>)"));
    QCOMPARE(dependent.data(Qt::ToolTipRole).toString(),
             QStringLiteral("<p style=\"white-space: pre-wrap\">columns (&lt;img src=x onerror=alert(1)&gt;)</p>"));
}

void TestImpactFormat::report()
{
    Plan p = plan(Engine::PostgreSQL);
    p.impact = sampleImpact();
    const QString html = ReportWriter::html(p, QString());
    QVERIFY(html.contains(QLatin1String("<h2>Who uses the table</h2>")));
    QVERIFY(html.contains(QLatin1String("INSERT INTO `orders` VALUES (?, ?) | x")));
    QVERIFY(html.contains(QLatin1String("<font color=\"#c62828\"><b>breaks:</b> fails from step 1")));
    // Before the sign-off, which stays the report's end.
    QVERIFY(html.indexOf(QLatin1String("Who uses the table")) < html.indexOf(QLatin1String("<h2>Sign-off</h2>")));
}

void TestImpactFormat::impactTab()
{
    PlanView view;
    view.resize(1024, 700);
    Plan p = plan(Engine::PostgreSQL);
    view.setPlan(p, p.targetVersion);
    QVERIFY(!view.detailTabs()->isTabEnabled(PlanView::ImpactTab)); // not read: nothing to show
    p.impact = sampleImpact();
    view.setPlan(p, p.targetVersion);
    QVERIFY(view.detailTabs()->isTabEnabled(PlanView::ImpactTab));
    QCOMPARE(view.detailTabs()->tabText(PlanView::ImpactTab), QStringLiteral("Impact (2)"));
    ImpactModel *model = view.impactModel();
    QCOMPARE(model->rowCount(), 2);
    const QModelIndex dependents = model->index(ImpactModel::DependentsGroup, 0);
    const QModelIndex statements = model->index(ImpactModel::StatementsGroup, 0);
    QCOMPARE(model->rowCount(dependents), 2);
    QCOMPARE(model->rowCount(statements), 3);
    QCOMPARE(dependents.data().toString(), QStringLiteral("In the catalog (2)"));
    QCOMPARE(model->index(0, ImpactModel::WhoColumn, dependents).data().toString(), QStringLiteral("view public.order_totals"));
    QCOMPARE(model->index(1, ImpactModel::ChangeColumn, dependents).data().toString(), QStringLiteral("nothing to act on"));
    QCOMPARE(model->index(0, ImpactModel::WhatColumn, statements).data().toString(), QStringLiteral("1,200 calls, 0.250 ms mean"));
    QCOMPARE(model->index(0, ImpactModel::ChangeColumn, statements).data(Qt::ForegroundRole).value<QColor>(),
             ThemeColors::text(ThemeColors::Error));
    QCOMPARE(model->index(2, ImpactModel::ChangeColumn, statements).data().toString(), QStringLiteral("nothing"));
    QCOMPARE(PlanView::impactSummary(p.impact),
             QStringLiteral("Who uses the table: 1 of the application's statements will fail, 1 dependent(s) need attention (see Impact, below the steps)."));
    // Statistics off: the group says how to turn them on.
    Impact off;
    off.read = true;
    off.statisticsNote = QStringLiteral("The server does not time statements: start it with performance_schema = ON.");
    p.impact = off;
    view.setPlan(p, p.targetVersion);
    QCOMPARE(view.detailTabs()->tabText(PlanView::ImpactTab), QStringLiteral("Impact"));
    QCOMPARE(model->index(ImpactModel::StatementsGroup, ImpactModel::WhatColumn).data().toString(),
             QStringLiteral("Not known: The server does not time statements: start it with performance_schema = ON."));
    view.clear();
    QVERIFY(!view.detailTabs()->isTabEnabled(PlanView::ImpactTab));
}

QTEST_MAIN(TestImpactFormat)
#include "testimpactformat.moc"
