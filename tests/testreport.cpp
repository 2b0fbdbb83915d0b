// The review report's PDF, read back as text with pdftotext (poppler-utils): every statement of the
// plan is there whole (wrapped at the page's edge, never cut), the steps table breaks no word, sizes
// are in human units, and the header says where and when, with a sign-off at the end.

#include "plan/costmodel.h"
#include "plan/planformat.h"
#include "plan/planner.h"
#include "plan/spacecost.h"
#include "report/reportwriter.h"
#include "plannerfixture.h"

#include <QDate>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Stagecraft;

class TestReport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void pdfShowsEverything_data();
    void pdfShowsEverything();
    void humanBytes_data();
    void humanBytes();
};

namespace {

// A long CHECK, as the issue's reviewer met it: NOT VALID comes after the right margin of a line.
const char *const LongCheck = "total_usd >= 0 AND total_usd < 100000000 AND total_usd = round(total_usd, 2) AND "
                              "(total_usd = 0 OR total_cents > 0) AND total_usd <= total_cents / 100.0 + 0.01";
// One token longer than a line: it can only be broken inside.
const char *const LongToken = "total_cents/100.0+0*customer_id+0*id+0*customer_id+0*id+0*customer_id+0*id+0*customer_id+0*id+0*customer_id";

Plan planFor(Engine engine, int version, const QString &column)
{
    PlannerInput input;
    input.table = Testing::ordersTable(engine);
    input.server.engine = engine;
    input.server.versionNumber = version;
    input.server.version = engine == Engine::SQLite ? QStringLiteral("3.46.1") : QStringLiteral("as tested");
    if (engine == Engine::SQLite)
        input.server.settings.insert(QStringLiteral("journal_mode"), QStringLiteral("wal"));
    const QByteArray json = QStringLiteral(R"j({"table": "%1.orders", "column": %2})j").arg(input.table.table.schema, column).toUtf8();
    QList<SpecProblem> problems;
    if (!ColumnSpec::fromJson(json, &input.spec, &problems))
        qFatal("bad spec %s", json.constData());
    Plan plan = Planner::plan(input);
    plan.host = engine == Engine::SQLite ? QString() : QStringLiteral("db-prod-7.example.net");
    plan.port = engine == Engine::SQLite ? 0 : defaultPort(engine);
    plan.database = engine == Engine::SQLite ? QStringLiteral("/srv/shop/shop.db") : QStringLiteral("shop_live");
    return plan;
}

// Text without any whitespace: a statement wrapped anywhere (at a space or inside a token) is found.
QString squeezed(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text)
        if (!c.isSpace())
            out += c;
    return out;
}

} // namespace

void TestReport::pdfShowsEverything_data()
{
    QTest::addColumn<int>("engine");
    QTest::addColumn<int>("version");
    QTest::addColumn<QString>("column");
    const QString longCheck = QLatin1String(LongCheck);
    QTest::newRow("postgresql-long-check") << int(Engine::PostgreSQL) << 170002
                                           << QStringLiteral(R"j({"name": "total_usd", "type": "numeric(12,2)", "nullable": false, "backfill": "total_cents / 100.0", "check": "%1", "index": true})j")
                                                  .arg(longCheck);
    QTest::newRow("postgresql-long-token") << int(Engine::PostgreSQL) << 170002
                                           << QStringLiteral(R"j({"name": "total_usd", "type": "numeric(12,2)", "backfill": "%1"})j").arg(QLatin1String(LongToken));
    QTest::newRow("sqlite-rebuild") << int(Engine::SQLite) << 3046001
                                    << QStringLiteral(R"j({"name": "total_usd", "type": "REAL", "nullable": false, "backfill": "total_cents / 100.0", "check": "%1"})j")
                                           .arg(longCheck);
    QTest::newRow("mysql") << int(Engine::MySQL) << 90704
                           << QStringLiteral(R"j({"name": "total_usd", "type": "decimal(12,2)", "nullable": false, "backfill": "total_cents / 100", "check": "%1", "index": true})j")
                                  .arg(longCheck);
}

void TestReport::pdfShowsEverything()
{
    QFETCH(int, engine);
    QFETCH(int, version);
    QFETCH(QString, column);
    const Plan plan = planFor(Engine(engine), version, column);
    QVERIFY(!plan.steps.isEmpty());

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString pdf = dir.filePath(QStringLiteral("report.pdf"));
    QString error;
    QVERIFY2(ReportWriter::writePdf(plan, QString(), pdf, &error), qPrintable(error));
    QProcess pdftotext;
    pdftotext.start(QStringLiteral("pdftotext"), {QStringLiteral("-layout"), pdf, QStringLiteral("-")});
    QVERIFY2(pdftotext.waitForFinished(30000) && pdftotext.exitStatus() == QProcess::NormalExit && pdftotext.exitCode() == 0,
             qPrintable(QStringLiteral("pdftotext (poppler-utils) did not run: ") + pdftotext.errorString()));
    // Ligatures as letters; the page numbers QTextDocument prints at each page's foot left out, as
    // a statement may run on over a page break.
    QStringList lines = QString::fromUtf8(pdftotext.readAllStandardOutput()).normalized(QString::NormalizationForm_KC).split(QLatin1Char('\n'));
    static const QRegularExpression pageNumber(QStringLiteral("^\\s*\\f?\\s*\\d+\\s*$"));
    lines.removeIf([](const QString &l) { return pageNumber.match(l).hasMatch(); });
    const QString text = lines.join(QLatin1Char('\n'));
    const QString flat = squeezed(text);
    const QString words = text.simplified();

    // Every statement whole: each step's, what a failed step removes, its rollback, the session's,
    // and the naive statement's.
    QStringList statements = plan.sessionSql + plan.naive.sql;
    for (const PlanStep &s : plan.steps)
        statements << s.sql << s.onFailureSql << s.rollbackSql;
    QVERIFY(statements.size() > 5);
    for (const QString &statement : std::as_const(statements))
        QVERIFY2(flat.contains(squeezed(statement)), qPrintable(QStringLiteral("not whole in the PDF: ") + statement));
    if (plan.engine == Engine::PostgreSQL && !plan.spec.check.isEmpty())
        QVERIFY(words.contains(QLatin1String("NOT VALID")));

    // The steps table: from its header row to the first step's own heading, no word of a title, no
    // lock mode and no number broken (a line may end after a hyphen: "no-" / "write").
    const qsizetype tableStart = text.indexOf(QRegularExpression(QStringLiteral("#\\s+stage\\s+step")));
    QVERIFY(tableStart >= 0);
    const qsizetype tableEnd = text.indexOf(QStringLiteral("1. ") + plan.steps.first().title, tableStart);
    QVERIFY(tableEnd > tableStart);
    // The time's range is joined by a non-breaking hyphen, which pdftotext gives back as a hyphen (U+2010).
    const QString table = (QLatin1Char(' ') + text.mid(tableStart, tableEnd - tableStart).simplified() + QLatin1Char(' '))
                              .replace(QChar(0x2010), QLatin1Char('-'))
                              .replace(QChar(0x2011), QLatin1Char('-'));
    for (const PlanStep &s : plan.steps) {
        static const QRegularExpression between(QStringLiteral("[ -]"));
        QStringList expected = s.title.split(between, Qt::SkipEmptyParts);
        for (const LockClaim &l : s.locks)
            expected << l.mode.split(between, Qt::SkipEmptyParts);
        expected << CostModel::rangeText(s.estimatedSeconds).section(QLatin1Char(' '), 0, 0)
                 << QString::number(s.lockHeldSeconds, 'f', 2);
        for (const QString &word : std::as_const(expected)) {
            if (word.size() < 3)
                continue;
            QVERIFY2(table.contains(word), qPrintable(QStringLiteral("broken in the steps table: %1 (of step \"%2\")\n%3").arg(word, s.title, table)));
        }
    }

    // Sizes as a reader says them, not raw bytes.
    QVERIFY(words.contains(Stagecraft::humanBytes(plan.totalBytes)));
    QVERIFY(!words.contains(QString::number(plan.totalBytes)));
    QVERIFY(words.contains(QStringLiteral("152.6 MiB")));

    // Where, when, which plan; and the sign-off.
    if (!plan.host.isEmpty()) {
        QVERIFY(words.contains(plan.host));
        QVERIFY(words.contains(QString::number(plan.port)));
    }
    QVERIFY(words.contains(plan.database));
    QVERIFY(words.contains(plan.serverVersion));
    QVERIFY(words.contains(QDate::currentDate().toString(Qt::ISODate)) || words.contains(QDate::currentDate().addDays(-1).toString(Qt::ISODate)));
    QVERIFY(flat.contains(PlanFormat::fingerprint(plan)));
    for (const char *signOff : {"Reviewed by", "Date", "Signature", "Approved to run on"})
        QVERIFY2(words.contains(QLatin1String(signOff)), signOff);
    QVERIFY(words.contains(QStringLiteral("Approved to run on %1").arg(engineName(plan.engine))));

    // The space the backfill takes, and the notes, as the plan says them.
    for (const QString &note : plan.notes)
        QVERIFY2(flat.contains(squeezed(note)), qPrintable(note));
}

void TestReport::humanBytes_data()
{
    QTest::addColumn<qint64>("bytes");
    QTest::addColumn<QString>("text");
    QTest::newRow("unknown") << qint64(-1) << QStringLiteral("unknown");
    QTest::newRow("bytes") << qint64(512) << QStringLiteral("512 bytes");
    QTest::newRow("kib") << qint64(1536) << QStringLiteral("1.5 KiB");
    QTest::newRow("mib") << qint64(19) * 1024 * 1024 << QStringLiteral("19.0 MiB");
    QTest::newRow("gib") << qint64(5) * 1024 * 1024 * 1024 / 2 << QStringLiteral("2.5 GiB");
}

void TestReport::humanBytes()
{
    QFETCH(qint64, bytes);
    QFETCH(QString, text);
    QCOMPARE(Stagecraft::humanBytes(bytes), text);
}

QTEST_MAIN(TestReport)
#include "testreport.moc"
