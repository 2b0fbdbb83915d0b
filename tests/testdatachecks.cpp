// Pre-flight data checks on the real servers: counts and samples of the rows that would break the
// new column's constraints once filled.

#include "connection/databaseconnection.h"
#include "plan/datachecks.h"
#include "testservers.h"

#include <QTest>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

class TestDataChecks : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanupTestCase() { TestServers::stopAll(); }
    void findings_data();
    void findings();
};

void TestDataChecks::findings_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<QString>("column");
    QTest::addColumn<QStringList>("expected"); // check|count|samples joined by ;
    for (const QString &engine : {QStringLiteral("postgresql"), QStringLiteral("mariadb"), QStringLiteral("sqlite")}) {
        auto row = [&](const char *name, const char *column, const QStringList &expected) {
            QTest::newRow(qPrintable(engine + QLatin1Char('/') + QLatin1String(name))) << engine << QString::fromUtf8(column) << expected;
        };
        row("not null from a backfill", R"j({"name": "x", "type": "int", "nullable": false, "backfill": "CASE WHEN amount > 15 THEN amount END"})j",
            {"not-null|1|key 1: NULL"});
        row("check", R"j({"name": "x", "type": "int", "backfill": "amount", "check": "x > 15"})j", {"check|1|key 1: 10"});
        row("orphans", R"j({"name": "x", "type": "bigint", "backfill": "parent_id", "references": {"table": "dc_parents", "column": "id"}})j",
            {"foreign-key|1|key 2: 7"});
        row("duplicates", R"j({"name": "x", "type": "int", "backfill": "amount - amount", "unique": true})j", {"unique|3|3 × 0"});
        row("all good", R"j({"name": "x", "type": "int", "nullable": false, "backfill": "amount", "check": "x > 0", "unique": true})j",
            {"not-null|0|", "check|0|", "unique|0|"});
        row("no value, nothing to check", R"j({"name": "x", "type": "int", "unique": true})j", {});
    }
}

void TestDataChecks::findings()
{
    QFETCH(QString, engine);
    QFETCH(QString, column);
    QFETCH(QStringList, expected);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    static QMap<QString, ConnectionProfile> prepared;
    if (!prepared.contains(engine)) {
        QString why;
        QVERIFY2(TestServers::execute(profile, {QStringLiteral("CREATE TABLE dc_parents (id bigint PRIMARY KEY)"),
                                                QStringLiteral("INSERT INTO dc_parents VALUES (1)"),
                                                QStringLiteral("CREATE TABLE dc_items (id bigint PRIMARY KEY, parent_id bigint, amount int)"),
                                                QStringLiteral("INSERT INTO dc_items VALUES (1, 1, 10), (2, 7, 20), (3, NULL, 30)")},
                                      &why),
                 qPrintable(why));
        prepared.insert(engine, profile);
    }
    profile = prepared.value(engine);
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY(connection.open(&error));
    const QString schema = engine == QLatin1String("postgresql") ? QStringLiteral("public")
                           : engine == QLatin1String("mariadb") ? profile.database : QStringLiteral("main");
    ColumnSpec spec;
    QList<SpecProblem> problems;
    QVERIFY(ColumnSpec::fromJson(QStringLiteral(R"j({"table": "%1.dc_items", "column": %2})j").arg(schema, column).toUtf8(), &spec, &problems));
    if (spec.hasForeignKey())
        spec.referencedTable.schema = schema;
    QList<DataFinding> findings;
    QVERIFY2(DataChecks::run(connection, spec, {QStringLiteral("id")}, &findings, &error), qPrintable(error.text()));
    QStringList actual;
    for (const DataFinding &f : std::as_const(findings))
        actual << QStringLiteral("%1|%2|%3").arg(f.check).arg(f.count).arg(f.samples.join(QLatin1Char(';')));
    QCOMPARE(actual, expected);
}

QTEST_GUILESS_MAIN(TestDataChecks)
#include "testdatachecks.moc"
