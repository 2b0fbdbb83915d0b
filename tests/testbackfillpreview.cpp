// The backfill preview: the value each of a sample of rows gets, computed read-only on the servers,
// equal to what the backfill then writes; an expression with a side effect is never evaluated.

#include "catalog/catalogreader.h"
#include "connection/databaseconnection.h"
#include "plan/backfillpreview.h"
#include "plan/planner.h"
#include "plan/specvalidator.h"
#include "run/runner.h"
#include "sql/quoting.h"
#include "testservers.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

class TestBackfillPreview : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanupTestCase() { TestServers::stopAll(); }
    void sql_data();
    void sql();
    void equalsBackfill_data();
    void equalsBackfill();
    void notRun_data();
    void notRun();
};

static QString schemaOf(const ConnectionProfile &profile)
{
    return profile.engine == Engine::PostgreSQL ? QStringLiteral("public")
           : profile.engine == Engine::SQLite   ? QStringLiteral("main")
                                                : profile.database;
}

static bool describe(DatabaseConnection &connection, const TableRef &table, TableDetails *details, QString *why)
{
    ConnectionError error;
    if (CatalogReader::create(connection)->describeTable(table, details, &error))
        return true;
    *why = error.text();
    return false;
}

void TestBackfillPreview::sql_data()
{
    QTest::addColumn<int>("engine");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("backfill");
    QTest::addColumn<QString>("expected");
    QTest::newRow("postgresql") << int(Engine::PostgreSQL) << "numeric(12,2)" << "cents / 100.0"
                                << R"(SELECT "id", "cents", CAST((cents / 100.0) AS numeric(12,2)) FROM "shop"."orders" ORDER BY "id" LIMIT 20)";
    // A % in the expression is the user's text, never a placeholder of the statement's.
    QTest::newRow("postgresql: % kept") << int(Engine::PostgreSQL) << "text" << "cents::text || '%1%4'"
                                        << R"(SELECT "id", "cents", CAST((cents::text || '%1%4') AS text) FROM "shop"."orders" ORDER BY "id" LIMIT 20)";
    QTest::newRow("mariadb decimal") << int(Engine::MariaDB) << "decimal(12, 2)" << "cents / 100.0"
                                     << "SELECT `id`, `cents`, CAST((cents / 100.0) AS DECIMAL(12,2)) FROM `shop`.`orders` ORDER BY `id` LIMIT 20";
    QTest::newRow("mysql unsigned") << int(Engine::MySQL) << "int unsigned" << "cents / 100.0"
                                    << "SELECT `id`, `cents`, CAST((cents / 100.0) AS UNSIGNED) FROM `shop`.`orders` ORDER BY `id` LIMIT 20";
    QTest::newRow("mysql enum: as computed") << int(Engine::MySQL) << "enum('a','b')" << "cents / 100.0"
                                             << "SELECT `id`, `cents`, (cents / 100.0) FROM `shop`.`orders` ORDER BY `id` LIMIT 20";
    QTest::newRow("sqlite: as computed") << int(Engine::SQLite) << "REAL" << "cents / 100.0"
                                         << R"(SELECT "id", "cents", (cents / 100.0) FROM "orders" ORDER BY "id" LIMIT 20)";
}

void TestBackfillPreview::sql()
{
    QFETCH(int, engine);
    QFETCH(QString, type);
    QFETCH(QString, backfill);
    QFETCH(QString, expected);
    ColumnSpec spec;
    spec.table = {QStringLiteral("shop"), QStringLiteral("orders")};
    spec.name = QStringLiteral("eur");
    spec.type = type;
    spec.backfill = backfill;
    QCOMPARE(BackfillPreview::sql(Engine(engine), spec, {QStringLiteral("id"), QStringLiteral("cents")}, {QStringLiteral("id")}, 20), expected);
}

void TestBackfillPreview::equalsBackfill_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("backfill");
    QTest::addColumn<QStringList>("shown"); // the columns beside the value
    for (const char *engine : {"postgresql", "mariadb", "mysql", "sqlite"}) {
        const bool sqlite = QLatin1String(engine) == QLatin1String("sqlite");
        const bool pg = QLatin1String(engine) == QLatin1String("postgresql");
        QTest::addRow("%s/numeric", engine) << engine << (sqlite ? "REAL" : pg ? "numeric(12,2)" : "decimal(12,2)") << "cents / 100.0"
                                            << QStringList{QStringLiteral("id"), QStringLiteral("cents")};
        QTest::addRow("%s/text with NULL and empty", engine) << engine << (sqlite ? "TEXT" : "varchar(20)") << "note"
                                                             << QStringList{QStringLiteral("id"), QStringLiteral("note")};
        QTest::addRow("%s/no column read", engine) << engine << (sqlite ? "INTEGER" : "int") << "42"
                                                   << QStringList{QStringLiteral("id")};
    }
}

void TestBackfillPreview::equalsBackfill()
{
    QFETCH(QString, engine);
    QFETCH(QString, type);
    QFETCH(QString, backfill);
    QFETCH(QStringList, shown);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    // 30 rows: every 7th without cents, every 3rd without a note, every 5th with an empty one.
    QString why;
    QStringList fill{QStringLiteral("DROP TABLE IF EXISTS bp_rows"),
                     QStringLiteral("CREATE TABLE bp_rows (id int PRIMARY KEY, cents int, note varchar(20), other int)")};
    for (int id = 30; id >= 1; --id) {
        fill << QStringLiteral("INSERT INTO bp_rows VALUES (%1, %2, %3, 0)")
                    .arg(id)
                    .arg(id % 7 == 0 ? QStringLiteral("NULL") : QString::number(id * 37))
                    .arg(id % 3 == 0 ? QStringLiteral("NULL") : id % 5 == 0 ? QStringLiteral("''") : QStringLiteral("'n%1'").arg(id));
    }
    QVERIFY2(TestServers::execute(profile, fill, &why), qPrintable(why));
    ColumnSpec spec;
    spec.table = {schemaOf(profile), QStringLiteral("bp_rows")};
    spec.name = QStringLiteral("bp_value");
    spec.type = type;
    spec.backfill = backfill;

    BackfillPreviewResult preview;
    {
        DatabaseConnection connection(profile);
        ConnectionError error;
        QVERIFY2(connection.open(&error), qPrintable(error.text()));
        TableDetails details;
        QVERIFY2(describe(connection, spec.table, &details, &why), qPrintable(why));
        preview = BackfillPreview::run(connection, spec, details);
    }
    QVERIFY2(preview.state == BackfillPreviewResult::State::Done, qPrintable(preview.message));
    QCOMPARE(preview.columns, shown);
    QCOMPARE(preview.keyColumns, 1);
    QCOMPARE(preview.rows.size(), BackfillPreview::DefaultRows);
    for (int i = 0; i < preview.rows.size(); ++i)
        QCOMPARE(preview.rows.at(i).value(0).toInt(), i + 1); // the first rows by key, each with its columns
    if (backfill == QLatin1String("note")) {
        QVERIFY(preview.rows.at(2).value(2).isNull()); // id 3: NULL
        QVERIFY(!preview.rows.at(4).value(2).isNull()); // id 5: the empty string, not NULL
        QCOMPARE(preview.rows.at(4).value(2).toString(), QString());
    }

    // Nothing was written: then the plan runs, and the backfill writes exactly the values shown.
    Plan plan;
    {
        DatabaseConnection connection(profile);
        ConnectionError error;
        QVERIFY2(connection.open(&error), qPrintable(error.text()));
        PlannerInput input;
        QList<SpecProblem> problems;
        QVERIFY2(SpecValidator(connection).validate(spec, &input, &problems, &plan),
                 qPrintable(problems.isEmpty() ? QString() : problems.first().field + QLatin1String(": ") + problems.first().message));
    }
    Runner runner(profile);
    runner.setPassGates(true);
    RunOutcome outcome = RunOutcome::Failed;
    QString summary;
    bool finished = false;
    connect(&runner, &Runner::runFinished, this, [&](RunOutcome o, const QString &s) {
        outcome = o;
        summary = s;
        finished = true;
    });
    runner.run(plan);
    QTRY_VERIFY_WITH_TIMEOUT(finished, 60000);
    QVERIFY2(outcome == RunOutcome::Done, qPrintable(summary));
    DatabaseConnection reader(profile);
    ConnectionError error;
    QVERIFY2(reader.open(&error), qPrintable(error.text()));
    QSqlQuery q(reader.database());
    QVERIFY2(q.exec(QStringLiteral("SELECT id, bp_value FROM bp_rows ORDER BY id LIMIT %1").arg(BackfillPreview::DefaultRows)),
             qPrintable(q.lastError().text()));
    const int valueAt = int(shown.size());
    for (const QVariantList &row : std::as_const(preview.rows)) {
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), row.value(0).toInt());
        const QString where = QStringLiteral("row %1").arg(row.value(0).toInt());
        QVERIFY2(q.isNull(1) == row.value(valueAt).isNull(), qPrintable(where));
        if (q.isNull(1))
            continue; // NULL both (a null QVariant's text is not to be compared)
        QVERIFY2(q.value(1).toString() == row.value(valueAt).toString(),
                 qPrintable(QStringLiteral("%1: written %2, previewed %3").arg(where, q.value(1).toString(), row.value(valueAt).toString())));
    }
}

void TestBackfillPreview::notRun_data()
{
    QTest::addColumn<QString>("engine");
    QTest::addColumn<QString>("backfill");
    QTest::addColumn<int>("state");
    QTest::addColumn<QString>("message"); // how the message starts
    const int notRun = int(BackfillPreviewResult::State::NotRun), failed = int(BackfillPreviewResult::State::Failed);
    QTest::newRow("postgresql/nextval of the application's sequence") << "postgresql" << "nextval('bp_seq_owned')" << notRun
                                                                      << "Not previewed: it calls nextval";
    QTest::newRow("postgresql/nextval of a new sequence") << "postgresql" << "nextval('bp_seq_free')" << notRun
                                                          << "Not previewed: it calls sequence public.bp_seq_free";
    QTest::newRow("postgresql/setval") << "postgresql" << "setval('bp_seq_free', 100)" << notRun << "Not previewed: it calls setval";
    QTest::newRow("postgresql/division by zero") << "postgresql" << "1 / (id - id)" << failed << "division by zero";
    QTest::newRow("postgresql/slower than the timeout") << "postgresql" << "(SELECT count(*) FROM generate_series(1, 300000000))"
                                                       << failed << "Not previewed: 20 rows took longer than 2 s";
    QTest::newRow("mariadb/nextval") << "mariadb" << "NEXTVAL(bp_seq_free)" << notRun << "Not previewed: it calls nextval";
    QTest::newRow("mariadb/get_lock") << "mariadb" << "GET_LOCK('bp', 0)" << notRun << "Not previewed: it calls get_lock";
    QTest::newRow("mariadb/unknown column") << "mariadb" << "no_such_column + 1" << failed << "Unknown column 'no_such_column'";
    QTest::newRow("mysql/sleep") << "mysql" << "SLEEP(1)" << notRun << "Not previewed: it calls sleep";
    QTest::newRow("sqlite/unknown column") << "sqlite" << "no_such_column + 1" << failed << "no such column: no_such_column";
    QTest::newRow("sqlite/two statements") << "sqlite" << "1; DELETE FROM bp_side" << notRun << "Not previewed: ";
}

void TestBackfillPreview::notRun()
{
    QFETCH(QString, engine);
    QFETCH(QString, backfill);
    QFETCH(int, state);
    QFETCH(QString, message);
    ConnectionProfile profile;
    STAGECRAFT_REQUIRE_PROFILE(engine, profile);
    const Engine e = profile.engine;
    QStringList fixture{QStringLiteral("DROP TABLE IF EXISTS bp_side"), QStringLiteral("CREATE TABLE bp_side (id int PRIMARY KEY, amount int)"),
                        QStringLiteral("INSERT INTO bp_side VALUES (1, 10), (2, 20), (3, 30)")};
    if (e == Engine::PostgreSQL)
        fixture << QStringLiteral("DROP SEQUENCE IF EXISTS bp_seq_owned") << QStringLiteral("DROP SEQUENCE IF EXISTS bp_seq_free")
                << QStringLiteral("CREATE SEQUENCE bp_seq_owned OWNED BY bp_side.id")
                << QStringLiteral("ALTER TABLE bp_side ALTER COLUMN id SET DEFAULT nextval('bp_seq_owned')")
                << QStringLiteral("CREATE SEQUENCE bp_seq_free");
    if (e == Engine::MariaDB)
        fixture << QStringLiteral("DROP SEQUENCE IF EXISTS bp_seq_free") << QStringLiteral("CREATE SEQUENCE bp_seq_free");
    QString why;
    QVERIFY2(TestServers::execute(profile, fixture, &why), qPrintable(why));
    DatabaseConnection connection(profile);
    ConnectionError error;
    QVERIFY2(connection.open(&error), qPrintable(error.text()));
    const auto sequences = [&] {
        QStringList values;
        QSqlQuery q(connection.database());
        if (e == Engine::PostgreSQL && q.exec(QStringLiteral("SELECT last_value, is_called FROM bp_seq_owned UNION ALL "
                                                             "SELECT last_value, is_called FROM bp_seq_free")))
            while (q.next())
                values << q.value(0).toString() + q.value(1).toString();
        if (e == Engine::MariaDB && q.exec(QStringLiteral("SELECT next_not_cached_value FROM bp_seq_free")))
            while (q.next())
                values << q.value(0).toString();
        return values;
    };
    const QStringList before = sequences();
    ColumnSpec spec;
    spec.table = {schemaOf(profile), QStringLiteral("bp_side")};
    spec.name = QStringLiteral("bp_value");
    spec.type = e == Engine::SQLite ? QStringLiteral("INTEGER") : QStringLiteral("bigint");
    spec.backfill = backfill;
    TableDetails details;
    QVERIFY2(describe(connection, spec.table, &details, &why), qPrintable(why));
    const BackfillPreviewResult preview = BackfillPreview::run(connection, spec, details);
    QVERIFY2(int(preview.state) == state, qPrintable(preview.message));
    QVERIFY2(preview.message.startsWith(message), qPrintable(preview.message));
    QVERIFY(preview.rows.isEmpty());
    QCOMPARE(sequences(), before); // no value taken
    QSqlQuery rows(connection.database());
    QVERIFY(rows.exec(QStringLiteral("SELECT count(*) FROM bp_side")) && rows.next());
    QCOMPARE(rows.value(0).toInt(), 3);
}

QTEST_GUILESS_MAIN(TestBackfillPreview)
#include "testbackfillpreview.moc"
