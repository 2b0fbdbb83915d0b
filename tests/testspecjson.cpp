// The spec's JSON as written: numbers keep their text on the way to the SQL, and a key given twice
// or not known is a problem naming it. No server needed.

#include "plan/columnspec.h"
#include "plan/planner.h"
#include "plannerfixture.h"

#include <QTest>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

class TestSpecJson : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void numbersKeptAsWritten_data();
    void numbersKeptAsWritten();
    void problems_data();
    void problems();
    void knownSpecParses();
};

void TestSpecJson::numbersKeptAsWritten_data()
{
    QTest::addColumn<int>("engine");
    QTest::addColumn<QString>("literal"); // as the spec's JSON writes it
    QTest::addColumn<QString>("expectedSql"); // the add-column step's statement
    const auto pg = [](const char *text) {
        return QStringLiteral("ALTER TABLE \"public\".\"orders\" ADD COLUMN IF NOT EXISTS \"amount\" numeric DEFAULT '%1'").arg(QLatin1String(text));
    };
    // Through a double these became '1', '12345678901234568', '0' (or '-0'), nothing (inf) and '100'.
    QTest::newRow("postgresql/more digits than a double") << int(Engine::PostgreSQL) << "1.00000000000000000001" << pg("1.00000000000000000001");
    QTest::newRow("postgresql/beyond 2^53") << int(Engine::PostgreSQL) << "12345678901234567.89" << pg("12345678901234567.89");
    QTest::newRow("postgresql/big integer") << int(Engine::PostgreSQL) << "123456789012345678901234567890" << pg("123456789012345678901234567890");
    QTest::newRow("postgresql/negative zero") << int(Engine::PostgreSQL) << "-0" << pg("-0");
    QTest::newRow("postgresql/beyond a double's range") << int(Engine::PostgreSQL) << "1e400" << pg("1e400");
    QTest::newRow("postgresql/exponent as written") << int(Engine::PostgreSQL) << "1E+2" << pg("1E+2");
    QTest::newRow("mariadb/more digits than a double") << int(Engine::MariaDB) << "1.00000000000000000001"
        << "ALTER TABLE `shop`.`orders` ADD COLUMN `amount` numeric DEFAULT '1.00000000000000000001', ALGORITHM=INSTANT";
}

void TestSpecJson::numbersKeptAsWritten()
{
    QFETCH(int, engine);
    QFETCH(QString, literal);
    QFETCH(QString, expectedSql);
    PlannerInput input;
    input.server.engine = Engine(engine);
    input.server.versionNumber = engine == int(Engine::PostgreSQL) ? 170000 : 110800;
    input.server.version = QStringLiteral("as tested");
    input.table = ordersTable(Engine(engine));
    QList<SpecProblem> problems;
    const QByteArray json = QStringLiteral(R"j({"table": "%1.orders", "column": {"name": "amount", "type": "numeric", "default": {"literal": %2}}})j")
                                .arg(input.table.table.schema, literal).toUtf8();
    QVERIFY2(ColumnSpec::fromJson(json, &input.spec, &problems), qPrintable(problems.isEmpty() ? QString() : problems.first().message));
    QCOMPARE(input.spec.defaultValue, literal);
    const Plan plan = Planner::plan(input);
    const auto add = std::find_if(plan.steps.cbegin(), plan.steps.cend(), [](const PlanStep &s) {
        return s.sql.join(QLatin1Char('\n')).contains(QLatin1String("ADD COLUMN"));
    });
    QVERIFY(add != plan.steps.cend());
    QCOMPARE(add->sql, QStringList{expectedSql});
}

void TestSpecJson::problems_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QStringList>("expected"); // "field: message"
    const QString column = QStringLiteral(R"j("column": {"name": "amount", "type": "int"})j");
    QTest::newRow("unknown top-level key") << QStringLiteral(R"j({"table": "orders", "target_versoin": "17", %1})j").arg(column)
        << QStringList{QStringLiteral("target_versoin: is not a spec field (known: table, column)")};
    QTest::newRow("two unknown top-level keys") << QStringLiteral(R"j({"tabel": "orders", "table": "orders", %1, "setings": {}})j").arg(column)
        << QStringList{QStringLiteral("tabel: is not a spec field (known: table, column)"),
                       QStringLiteral("setings: is not a spec field (known: table, column)")};
    QTest::newRow("table twice") << QStringLiteral(R"j({"table": "orders", "table": "customers", %1})j").arg(column)
        << QStringList{QStringLiteral("table: table is given twice: write each key once")};
    QTest::newRow("column twice") << QStringLiteral(R"j({"table": "orders", %1, %1})j").arg(column)
        << QStringList{QStringLiteral("column: column is given twice: write each key once")};
    QTest::newRow("name twice in column") << QStringLiteral(R"j({"table": "orders", "column": {"name": "a", "type": "int", "name": "b"}})j")
        << QStringList{QStringLiteral("name: column.name is given twice: write each key once")};
    QTest::newRow("default twice in column")
        << QStringLiteral(R"j({"table": "orders", "column": {"name": "a", "type": "int", "default": {"literal": 1}, "default": null}})j")
        << QStringList{QStringLiteral("default: column.default is given twice: write each key once")};
    QTest::newRow("literal twice in default")
        << QStringLiteral(R"j({"table": "orders", "column": {"name": "a", "type": "int", "default": {"literal": 1, "literal": 2}}})j")
        << QStringList{QStringLiteral("default: column.default.literal is given twice: write each key once")};
    QTest::newRow("unknown key in default")
        << QStringLiteral(R"j({"table": "orders", "column": {"name": "a", "type": "int", "default": {"literal": 1, "cast": "int"}}})j")
        << QStringList{QStringLiteral("default: 'cast' is not a default field (known: literal, expression)")};
    QTest::newRow("unknown key in references")
        << QStringLiteral(R"j({"table": "orders", "column": {"name": "a", "type": "int", "references": {"table": "c", "column": "id", "on_delet": "CASCADE"}}})j")
        << QStringList{QStringLiteral("references: 'on_delet' is not a references field (known: table, column, on_delete, on_update)")};
    QTest::newRow("not JSON") << QStringLiteral(R"j({"table": "orders",})j")
        << QStringList{QStringLiteral("spec: is not valid JSON: a key in quotes expected at line 1, column 20")};
    QTest::newRow("trailing text") << QStringLiteral(R"j({"table": "orders", %1} x)j").arg(column)
        << QStringList{QStringLiteral("spec: is not valid JSON: the end expected at line 1, column 66")};
}

void TestSpecJson::problems()
{
    QFETCH(QString, json);
    QFETCH(QStringList, expected);
    ColumnSpec spec;
    QList<SpecProblem> problems;
    QVERIFY(!ColumnSpec::fromJson(json.toUtf8(), &spec, &problems));
    QStringList actual;
    for (const SpecProblem &p : std::as_const(problems))
        actual << p.field + QLatin1String(": ") + p.message;
    QCOMPARE(actual, expected);
}

void TestSpecJson::knownSpecParses()
{
    // Every field the spec knows, as ColumnSpec::toJson writes them: read back unchanged.
    ColumnSpec spec;
    spec.table = {QStringLiteral("shop"), QStringLiteral("orders")};
    spec.name = QStringLiteral("total_eur");
    spec.type = QStringLiteral("numeric(12,2)");
    spec.nullable = false;
    spec.defaultKind = ColumnSpec::DefaultKind::Literal;
    spec.defaultValue = QStringLiteral("C:\\new\\dir it's \"é\" \u2603 \U0001F600");
    spec.backfill = QStringLiteral("total_cents / 100.0");
    spec.check = QStringLiteral("total_eur >= 0");
    spec.unique = true;
    spec.index = true;
    spec.referencedTable = {QStringLiteral("shop"), QStringLiteral("rates")};
    spec.referencedColumn = QStringLiteral("id");
    spec.onDelete = QStringLiteral("SET NULL");
    spec.comment = QStringLiteral("in euros\nsecond line\t\x01");
    spec.after = QStringLiteral("id");
    ColumnSpec back;
    QList<SpecProblem> problems;
    QVERIFY2(ColumnSpec::fromJson(spec.toJson(), &back, &problems), qPrintable(problems.isEmpty() ? QString() : problems.first().message));
    QCOMPARE(back.toJson(), spec.toJson());
    QCOMPARE(back.defaultValue, spec.defaultValue);
    QCOMPARE(back.comment, spec.comment);
}

QTEST_GUILESS_MAIN(TestSpecJson)
#include "testspecjson.moc"
