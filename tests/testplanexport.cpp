// The exports compared exactly with golden files, without a server: plans made by the planner from
// inputs written by hand (as testplanner makes them), each written in every format for every engine.
// The golden files are in tests/golden/exports, one per plan and format, each exported file in turn
// under a "==> name <==" line. To refresh them after an intended change: scripts/update-golden (or
// STAGECRAFT_UPDATE_GOLDEN=1 build/bin/testplanexport), then review the diff. testexport applies
// the same formats on the real servers.

#include "plan/planexport.h"
#include "plan/planner.h"

#include <QDir>
#include <QFile>
#include "goldenfile.h"
#include "plannerfixture.h"

#include <QTest>
#include <QTimeZone>

using namespace Stagecraft;

class TestPlanExport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void golden_data();
    void golden();
    void formatNames_data();
    void formatNames();
};

namespace {

const QDateTime Stamp(QDate(2026, 11, 22), QTime(8, 15, 0), QTimeZone::UTC);

// orders (id, customer_id, total_cents) keyed by id, about a million rows, on the engine's newest
// version Stagecraft plans for.
PlannerInput ordersInput(Engine engine)
{
    PlannerInput input;
    input.table = Testing::ordersTable(engine);
    input.server.engine = engine;
    input.server.versionNumber = engine == Engine::PostgreSQL ? 170002 : engine == Engine::MariaDB ? 110806
                               : engine == Engine::MySQL                                       ? 80400
                                                                                               : 3046001;
    input.server.version = engine == Engine::SQLite ? QStringLiteral("3.46.1") : QStringLiteral("as tested");
    input.server.settings.insert(QStringLiteral("journal_mode"), QStringLiteral("wal"));
    input.defaultProbe.volatility = DefaultProbe::Volatility::Volatile;
    input.defaultProbe.rewritesTable = true;
    return input;
}

QString goldenPath(const QString &tag)
{
    return QStringLiteral(STAGECRAFT_GOLDEN_DIR "/exports/%1.txt").arg(tag);
}

} // namespace

void TestPlanExport::golden_data()
{
    QTest::addColumn<int>("engine");
    QTest::addColumn<QString>("column"); // the spec's column object
    QTest::addColumn<int>("format");
    struct Spec
    {
        const char *name;
        Engine engine;
        const char *column;
    };
    // A backfill (the loops), a CHECK and an index (concurrently on PostgreSQL, the rebuild on SQLite);
    // a volatile default (the default set apart, a unique index); SQLite's trigger for a default.
    const Spec specs[] = {
        {"postgresql-not-null-backfill", Engine::PostgreSQL,
         R"j({"name": "total_eur", "type": "numeric(12,2)", "nullable": false, "backfill": "total_cents / 100.0", "check": "total_eur >= 0", "index": true})j"},
        {"postgresql-uuid-not-null-unique", Engine::PostgreSQL,
         R"j({"name": "public_id", "type": "uuid", "nullable": false, "default": {"expression": "gen_random_uuid()"}, "unique": true})j"},
        {"mariadb-not-null-backfill", Engine::MariaDB,
         R"j({"name": "total_eur", "type": "decimal(12,2)", "nullable": false, "backfill": "total_cents / 100", "check": "total_eur >= 0", "index": true})j"},
        {"mariadb-uuid-default", Engine::MariaDB,
         R"j({"name": "public_id", "type": "char(36)", "nullable": false, "default": {"expression": "uuid()"}, "unique": true})j"},
        {"mysql-not-null-backfill", Engine::MySQL,
         R"j({"name": "total_eur", "type": "decimal(12,2)", "nullable": false, "backfill": "total_cents / 100", "check": "total_eur >= 0", "index": true})j"},
        {"sqlite-not-null-backfill", Engine::SQLite,
         R"j({"name": "total_eur", "type": "REAL", "nullable": false, "backfill": "total_cents / 100.0", "check": "total_eur >= 0", "index": true})j"},
        {"sqlite-expression-default", Engine::SQLite,
         R"j({"name": "seen_at", "type": "TEXT", "default": {"expression": "CURRENT_TIMESTAMP"}})j"},
    };
    const std::pair<const char *, PlanExport::Format> formats[] = {
        {"sql-stages", PlanExport::Format::SqlByStage},
        {"flyway", PlanExport::Format::Flyway},
        {"liquibase", PlanExport::Format::Liquibase},
        {"golang-migrate", PlanExport::Format::GolangMigrate},
    };
    for (const Spec &s : specs) {
        for (const auto &[formatName, format] : formats)
            QTest::newRow(qPrintable(QStringLiteral("%1-%2").arg(QLatin1String(s.name), QLatin1String(formatName))))
                << int(s.engine) << QString::fromUtf8(s.column) << int(format);
    }
}

void TestPlanExport::golden()
{
    QFETCH(int, engine);
    QFETCH(QString, column);
    QFETCH(int, format);
    PlannerInput input = ordersInput(Engine(engine));
    QList<SpecProblem> problems;
    const QByteArray json = QStringLiteral(R"j({"table": "%1.orders", "column": %2})j").arg(input.table.table.schema, column).toUtf8();
    QVERIFY2(ColumnSpec::fromJson(json, &input.spec, &problems), qPrintable(problems.isEmpty() ? QString() : problems.first().message));
    const Plan plan = Planner::plan(input);
    QString actual;
    for (const ExportFile &f : PlanExport::files(plan, PlanExport::Format(format), Stamp))
        actual += QStringLiteral("==> %1 <==\n%2\n").arg(f.name, f.text);

    const QString path = goldenPath(QString::fromLatin1(QTest::currentDataTag()));
    STAGECRAFT_COMPARE_GOLDEN(actual, path);
}

void TestPlanExport::formatNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("known");
    QTest::addColumn<int>("format");
    QTest::newRow("sql-stages") << "sql-stages" << true << int(PlanExport::Format::SqlByStage);
    QTest::newRow("flyway") << "flyway" << true << int(PlanExport::Format::Flyway);
    QTest::newRow("liquibase") << "liquibase" << true << int(PlanExport::Format::Liquibase);
    QTest::newRow("golang-migrate") << "golang-migrate" << true << int(PlanExport::Format::GolangMigrate);
    QTest::newRow("unknown") << "alembic" << false << -1;
    QTest::newRow("empty") << "" << false << -1;
}

void TestPlanExport::formatNames()
{
    QFETCH(QString, name);
    QFETCH(bool, known);
    QFETCH(int, format);
    PlanExport::Format parsed = PlanExport::Format::SqlByStage;
    QCOMPARE(PlanExport::formatFromName(name, &parsed), known);
    if (known)
        QCOMPARE(int(parsed), format);
}

QTEST_GUILESS_MAIN(TestPlanExport)
#include "testplanexport.moc"
