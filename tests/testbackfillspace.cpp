// The space a backfill takes, as the plan states it (SpaceCost), against a real PostgreSQL server:
// a table of a few thousand rows is backfilled by the runner, batch by batch, and the table (heap,
// indexes, TOAST) must end up within the range the plan's note gives.

#include "connection/databaseconnection.h"
#include "plan/planner.h"
#include "plan/spacecost.h"
#include "plan/specvalidator.h"
#include "run/runner.h"
#include "testservers.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

class TestBackfillSpace : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanupTestCase() { TestServers::stopAll(); }
    void postgresGrowthWithinEstimate_data();
    void postgresGrowthWithinEstimate();
};

static qint64 totalSize(QSqlDatabase db, const QString &table)
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT pg_total_relation_size('%1'::regclass)").arg(table)) || !q.next())
        return -1;
    return q.value(0).toLongLong();
}

void TestBackfillSpace::postgresGrowthWithinEstimate_data()
{
    QTest::addColumn<int>("rows");
    QTest::addColumn<QString>("column");
    QTest::newRow("5000-rows-numeric") << 5000 << QStringLiteral(R"j({"name": "total_eur", "type": "numeric(12,2)", "backfill": "total_cents / 100.0"})j");
    QTest::newRow("20000-rows-not-null-text")
        << 20000 << QStringLiteral(R"j({"name": "band", "type": "text", "nullable": false, "backfill": "CASE WHEN total_cents > 5000 THEN 'high' ELSE 'low' END"})j");
}

void TestBackfillSpace::postgresGrowthWithinEstimate()
{
    QFETCH(int, rows);
    QFETCH(QString, column);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(QStringLiteral("postgresql"), profile);
    const QString table = QStringLiteral("space_orders_%1").arg(rows);
    QString why;
    QVERIFY2(TestServers::execute(profile,
                                  {QStringLiteral("DROP TABLE IF EXISTS %1").arg(table),
                                   QStringLiteral("CREATE TABLE %1 (id bigint PRIMARY KEY, customer_id bigint NOT NULL, total_cents int NOT NULL, "
                                                  "placed_at timestamptz NOT NULL DEFAULT now())").arg(table),
                                   QStringLiteral("CREATE INDEX %1_customer ON %1 (customer_id)").arg(table),
                                   QStringLiteral("INSERT INTO %1 (id, customer_id, total_cents) SELECT g, g % 97, (g * 37) % 10000 "
                                                  "FROM generate_series(1, %2) g").arg(table).arg(rows),
                                   QStringLiteral("ANALYZE %1").arg(table)},
                                  &why),
             qPrintable(why));

    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY2(connection.open(&error), qPrintable(error.text()));
    ColumnSpec spec;
    QList<SpecProblem> problems;
    PlannerInput input;
    QVERIFY(ColumnSpec::fromJson(QStringLiteral(R"j({"table": "public.%1", "column": %2})j").arg(table, column).toUtf8(), &spec, &problems));
    Plan plan;
    QVERIFY2(SpecValidator(connection).validate(spec, &input, &problems, &plan),
             qPrintable(problems.isEmpty() ? QString() : problems.first().field + QLatin1String(": ") + problems.first().message));

    // The plan states it: on the backfill step and in the summary.
    int backfill = -1;
    for (int i = 0; i < plan.steps.size(); ++i)
        if (!plan.steps.at(i).backfill.isNull())
            backfill = i;
    QVERIFY(backfill >= 0);
    QCOMPARE(plan.steps.at(backfill).space, SpaceCost::backfillNote(Engine::PostgreSQL, input.table));
    QVERIFY(plan.notes.contains(SpaceCost::backfillSummary(Engine::PostgreSQL, input.table, backfill)));
    const SpaceCost cost = SpaceCost::ofBackfill(Engine::PostgreSQL, input.table);
    const qint64 before = totalSize(connection.database(), table);
    QCOMPARE(cost.beforeBytes, before);

    Runner runner(profile); // batches of 1000 rows and up, as the plan's settings say
    runner.setPassGates(true);
    RunOutcome outcome = RunOutcome::Failed;
    QString summary;
    connect(&runner, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) { outcome = o; summary = s; });
    runner.run(plan);
    QVERIFY2(outcome == RunOutcome::Done, qPrintable(summary));

    const qint64 after = totalSize(connection.database(), table);
    qInfo("%s: %lld -> %lld bytes (stated %lld-%lld)", qPrintable(table), before, after, cost.afterLowBytes, cost.afterHighBytes);
    QVERIFY2(after >= cost.afterLowBytes && after <= cost.afterHighBytes,
             qPrintable(QStringLiteral("%1 grew from %2 to %3, not within the stated %4-%5")
                            .arg(table, humanBytes(before), humanBytes(after), humanBytes(cost.afterLowBytes), humanBytes(cost.afterHighBytes))));
    QVERIFY(TestServers::execute(profile, {QStringLiteral("DROP TABLE %1").arg(table)}, &why));
}

QTEST_GUILESS_MAIN(TestBackfillSpace)
#include "testbackfillspace.moc"
