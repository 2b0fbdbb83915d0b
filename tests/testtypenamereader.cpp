// TypeNameReader: the type field is pasted into DDL, so what it lets through must be one type name
// and nothing more. Exact messages, for each engine's grammar, on names real users write and on
// text written to get past it.

#include "plan/typenamereader.h"

#include <QTest>

using namespace Stagecraft;

class TestTypeNameReader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void problem_data();
    void problem();
};

void TestTypeNameReader::problem_data()
{
    QTest::addColumn<int>("engine");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("expected"); // empty: one type name
    const int pg = int(Engine::PostgreSQL), maria = int(Engine::MariaDB), my = int(Engine::MySQL), lite = int(Engine::SQLite);
    const auto after = [](const char *rest) {
        return QStringLiteral("has '%1' after the type name: write only the type (with its parameters); nullability, "
                              "default and constraints have fields of their own").arg(QString::fromUtf8(rest));
    };
    const QString noName = QStringLiteral("must start with a type name");
    struct Row
    {
        const char *name;
        int engine;
        QString type, expected;
    };
    const Row rows[] = {
        // PostgreSQL: one-word and multi-word names, parameters, qualified and quoted names, arrays.
        {"pg integer", pg, "integer", ""},
        {"pg varchar", pg, "varchar(20)", ""},
        {"pg numeric spaced", pg, "numeric( 12 , 2 )", ""},
        {"pg double precision", pg, "double precision", ""},
        {"pg character varying", pg, "character varying(40)", ""},
        {"pg national character varying", pg, "NATIONAL CHARACTER VARYING(5)", ""},
        {"pg bit varying", pg, "bit varying(8)", ""},
        {"pg timestamp with time zone", pg, "timestamp(3) with time zone", ""},
        {"pg time without time zone", pg, "time without time zone", ""},
        {"pg interval fields", pg, "interval day to second", ""},
        {"pg interval year to month", pg, "interval year to month", ""},
        {"pg array", pg, "int[]", ""},
        {"pg array sized twice", pg, "int[3][]", ""},
        {"pg qualified", pg, "public.cents", ""},
        {"pg three parts", pg, "db.public.cents", ""},
        {"pg quoted", pg, "\"Sales Ünit\".\"Mood\"", ""},
        {"pg quoted with doubled quote", pg, "\"say \"\"hi\"\"\"", ""},
        {"pg extension parameters", pg, "geometry(Point, 4326)", ""},
        {"pg negative parameter", pg, "varchar(-1)", ""}, // a number: its range is SpecValidator's to judge
        {"pg empty", pg, "", noName},
        {"pg blank", pg, " \t\n", noName},
        {"pg not null after", pg, "int NOT NULL", after("NOT NULL")},
        {"pg default after", pg, "int DEFAULT 0", after("DEFAULT 0")},
        {"pg statement after", pg, "int; DROP TABLE orders; --", after("; DROP TABLE orders; --")},
        {"pg second column", pg, "text, evil text", after(", evil text")},
        {"pg comment after", pg, "int /* c */", after("/* c */")},
        {"pg line comment after", pg, "int -- x", after("-- x")},
        {"pg closing parenthesis", pg, "varchar(20))", after(")")},
        {"pg four parts", pg, "a.b.c.d", after(".d")},
        {"pg zone on a non-time type", pg, "int with time zone", after("with time zone")},
        {"pg open bracket", pg, "int[", "has an array bracket that does not close: write [] or [n]"},
        {"pg open sized bracket", pg, "int[3", "has an array bracket that does not close: write [] or [n]"},
        {"pg word in bracket", pg, "int[x]", "has an array bracket that does not close: write [] or [n]"},
        {"pg open parameters", pg, "varchar(20", "leaves its parameter list open"},
        {"pg open after a comma", pg, "numeric(12,", "leaves its parameter list open"},
        {"pg open at once", pg, "varchar(", "leaves its parameter list open"},
        {"pg two numbers", pg, "varchar(20 30)", "has '30' in its parameter list where ',' or ')' belongs"},
        {"pg string parameter", pg, "varchar('x')", "has ''x'' among its parameters, which takes only numbers"},
        {"pg nested parenthesis", pg, "varchar((1))", "has '(' among its parameters, which takes only numbers"},
        {"pg unclosed quoted name", pg, "\"unclosed", "has an unclosed quoted name"},
        {"pg backquote", pg, "`int`", "contains `, which quotes nothing in a type name here"},
        {"pg starts with a parenthesis", pg, "(int)", noName},
        {"pg starts with a number", pg, "123", noName},
        {"pg starts with a string", pg, "'int'", noName},
        {"pg very long name", pg, QString(100000, QLatin1Char('a')), ""},
        {"pg many parentheses", pg, "int" + QString(10000, QLatin1Char('(')), "has '(' among its parameters, which takes only numbers"},
        // MySQL and MariaDB: attributes of the type, ENUM and SET values, backquoted names.
        {"mariadb unsigned zerofill", maria, "int unsigned zerofill", ""},
        {"mariadb charset and collation", maria, "varchar(20) character set utf8mb4 collate utf8mb4_bin", ""},
        {"mariadb charset word", maria, "text CHARSET latin1", ""},
        {"mariadb enum", maria, "enum('a','b')", ""},
        {"mariadb enum escapes", maria, "enum('it''s', 'b\\'c')", ""},
        {"mariadb long varchar", maria, "long varchar", ""},
        {"mariadb decimal unsigned", maria, "decimal(10,2) unsigned", ""},
        {"mariadb backquoted", maria, "`my type`", ""},
        {"mysql set", my, "set('x', 'y')", ""},
        {"mariadb serial", maria, "serial", "SERIAL stands for BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE: give the type, "
                                            "nullability and unique in their own fields"},
        {"mariadb charset missing", maria, "varchar(20) charset", "names no character set or collation after charset"},
        {"mariadb collate then parenthesis", maria, "varchar(20) collate (x)", "names no character set or collation after collate"},
        {"mariadb character set missing", maria, "varchar(20) character set", "names no character set or collation after set"},
        {"mariadb array", maria, "int[]", after("[]")},
        {"mariadb double quotes", maria, "\"int\"", "contains \", which quotes nothing in a type name here"},
        {"mariadb auto increment", maria, "int NOT NULL AUTO_INCREMENT", after("NOT NULL AUTO_INCREMENT")},
        {"mariadb enum open", maria, "enum('a'", "leaves its parameter list open"},
        {"mariadb enum unclosed string", maria, "enum('a)", "has an unclosed string"},
        {"mariadb unclosed backquote", maria, "`int", "has an unclosed quoted name"},
        {"mysql statement after enum", my, "enum('a'); DROP TABLE t", after("; DROP TABLE t")},
        // SQLite: any words make a type name, up to a word that starts a column constraint.
        {"sqlite words", lite, "UNSIGNED BIG INT", ""},
        {"sqlite text", lite, "TEXT", ""},
        {"sqlite varchar", lite, "VARCHAR(255)", ""},
        {"sqlite decimal", lite, "DECIMAL(10, 5)", ""},
        {"sqlite quoted", lite, "\"my type\"", ""},
        {"sqlite letters beyond ASCII", lite, "Ünit", ""},
        {"sqlite negative parameter", lite, "INT(-5)", ""},
        {"sqlite three parameters", lite, "DECIMAL(1, 2, 3)", "has '3' among its parameters, which takes only numbers"},
        {"sqlite collate", lite, "TEXT COLLATE NOCASE", after("COLLATE NOCASE")},
        {"sqlite primary key", lite, "INTEGER PRIMARY KEY", after("PRIMARY KEY")},
        {"sqlite generated", lite, "INTEGER AS (1)", after("AS (1)")},
        {"sqlite null", lite, "INTEGER NULL", after("NULL")},
        {"sqlite only a constraint", lite, "NOT NULL", noName},
        {"sqlite empty", lite, "", noName},
        {"sqlite statement after", lite, "TEXT; DROP TABLE x", after("; DROP TABLE x")},
        {"sqlite backquote", lite, "`x`", "contains `, which quotes nothing in a type name here"},
        {"sqlite array", lite, "TEXT[]", after("[]")},
        {"sqlite string", lite, "'TEXT'", noName},
    };
    for (const Row &r : rows)
        QTest::newRow(r.name) << r.engine << r.type << r.expected;
}

void TestTypeNameReader::problem()
{
    QFETCH(int, engine);
    QFETCH(QString, type);
    QTEST(TypeNameReader::problem(Engine(engine), type), "expected");
}

QTEST_GUILESS_MAIN(TestTypeNameReader)
#include "testtypenamereader.moc"
