// Catalog benchmark: how long listing the tables of a large catalog takes, Stagecraft's way (one
// query for the whole list) against the obvious alternative (list the names, then one query per
// table for its row estimate and size), measured in the same run on the same servers.
//
//   benchcatalog [--tables N] [--runs R] [--engines postgresql,mariadb,mysql,sqlite] [--out DIR]
//
// Prints a table and writes it to DIR/catalog.csv and DIR/catalog.md.

#include "catalog/catalogreader.h"
#include "connection/databaseconnection.h"
#include "sql/quoting.h"
#include "testservers.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

using namespace Stagecraft;
using namespace Stagecraft::Testing;

namespace {

struct Row
{
    QString engine;
    int tables = 0;
    double createSeconds = 0;
    double stagecraftSeconds = 0;
    double naiveSeconds = 0;
};

bool exec(QSqlQuery &q, const QString &sql)
{
    if (q.exec(sql))
        return true;
    std::fprintf(stderr, "benchcatalog: %s: %s\n", qPrintable(sql.left(200)), qPrintable(q.lastError().text()));
    return false;
}

bool createTables(DatabaseConnection &connection, int count)
{
    const Engine e = connection.engine();
    QSqlQuery q(connection.database());
    if (e == Engine::PostgreSQL && !exec(q, QStringLiteral("CREATE SCHEMA bench")))
        return false;
    // Batched in transactions: the creation is set-up, not what is measured. (On MySQL and MariaDB
    // each CREATE TABLE commits on its own.)
    const bool mysqlFamily = e == Engine::MySQL || e == Engine::MariaDB;
    const int batch = 500;
    for (int first = 0; first < count; first += batch) {
        if (!mysqlFamily && !connection.database().transaction())
            return false;
        for (int i = first; i < std::min(count, first + batch); ++i) {
            const QString name = QStringLiteral("t%1").arg(i, 5, 10, QLatin1Char('0'));
            const QString qualified = e == Engine::PostgreSQL ? quoteQualified(e, QStringLiteral("bench"), name)
                                                              : quoteIdentifier(e, name);
            if (!exec(q, QStringLiteral("CREATE TABLE %1 (id bigint PRIMARY KEY, note varchar(40))").arg(qualified)))
                return false;
        }
        if (!mysqlFamily && !connection.database().commit())
            return false;
    }
    if (e == Engine::PostgreSQL)
        return exec(q, QStringLiteral("ANALYZE"));
    return true;
}

// The naive way: names first, then each table's estimate and size by a query of its own.
bool naiveList(DatabaseConnection &connection, int *found)
{
    const Engine e = connection.engine();
    QSqlQuery names(connection.database());
    QString sql;
    switch (e) {
    case Engine::PostgreSQL:
        sql = QStringLiteral("SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', "
                             "'information_schema') ORDER BY 1, 2");
        break;
    case Engine::MySQL:
    case Engine::MariaDB: sql = QStringLiteral("SHOW TABLES"); break;
    case Engine::SQLite: sql = QStringLiteral("SELECT name FROM sqlite_schema WHERE type = 'table'"); break;
    }
    if (!exec(names, sql))
        return false;
    QList<QPair<QString, QString>> tables;
    while (names.next())
        tables.append({e == Engine::PostgreSQL ? names.value(0).toString() : QString(),
                       names.value(e == Engine::PostgreSQL ? 1 : 0).toString()});
    QSqlQuery q(connection.database());
    switch (e) {
    case Engine::PostgreSQL:
        q.prepare(QStringLiteral("SELECT c.reltuples, pg_total_relation_size(c.oid) FROM pg_class c "
                                 "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?"));
        break;
    case Engine::MySQL:
    case Engine::MariaDB:
        q.prepare(QStringLiteral("SELECT TABLE_ROWS, DATA_LENGTH + INDEX_LENGTH FROM information_schema.TABLES "
                                 "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?"));
        break;
    case Engine::SQLite: break;
    }
    *found = 0;
    for (const auto &[schema, name] : std::as_const(tables)) {
        bool ok;
        if (e == Engine::SQLite) {
            ok = q.exec(QStringLiteral("SELECT count(*), (SELECT sum(pgsize) FROM dbstat WHERE name = %1) FROM %2")
                            .arg(quoteLiteral(e, name), quoteIdentifier(e, name)));
        } else {
            if (e == Engine::PostgreSQL)
                q.addBindValue(schema);
            q.addBindValue(name);
            ok = q.exec();
        }
        if (!ok || !q.next())
            return false;
        ++*found;
    }
    return true;
}

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    return values.at(values.size() / 2);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Stagecraft catalog benchmark"));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("tables"), QStringLiteral("Tables per engine (default 10000)."), QStringLiteral("N"),
                      QStringLiteral("10000")});
    parser.addOption({QStringLiteral("runs"), QStringLiteral("Timed runs; the median is reported (default 3)."),
                      QStringLiteral("R"), QStringLiteral("3")});
    parser.addOption({QStringLiteral("engines"), QStringLiteral("Engines to measure."), QStringLiteral("LIST"),
                      QStringLiteral("postgresql,mariadb,mysql,sqlite")});
    parser.addOption({QStringLiteral("out"), QStringLiteral("Where to write catalog.csv and catalog.md."),
                      QStringLiteral("DIR"), QStringLiteral("bench-results")});
    parser.process(app);
    const int count = parser.value(QStringLiteral("tables")).toInt();
    const int runs = std::max(1, parser.value(QStringLiteral("runs")).toInt());

    QList<Row> rows;
    QTemporaryDir sqliteDir;
    std::unique_ptr<TestServer> server;
    for (const QString &engine : parser.value(QStringLiteral("engines")).split(QLatin1Char(','))) {
        ConnectionProfile profile;
        QString why;
        if (engine == QLatin1String("postgresql")) {
            server = std::make_unique<PostgresTestServer>();
        } else if (engine == QLatin1String("mariadb")) {
            auto mariadb = std::make_unique<MariaDbTestServer>();
            // One tablespace for all: creating 10,000 .ibd files would dominate the set-up time.
            mariadb->setExtraArguments({QStringLiteral("--innodb-file-per-table=OFF"),
                                        QStringLiteral("--table-open-cache=2000")});
            server = std::move(mariadb);
        } else if (engine == QLatin1String("mysql")) {
            auto mysql = std::make_unique<MySqlTestServer>();
            mysql->setExtraArguments({QStringLiteral("--innodb-file-per-table=OFF"), QStringLiteral("--table-open-cache=2000")});
            server = std::move(mysql);
        } else {
            server.reset();
            profile.engine = Engine::SQLite;
            profile.database = sqliteDir.filePath(QStringLiteral("bench.sqlite"));
            QFile(profile.database).open(QIODevice::WriteOnly);
        }
        if (server) {
            if (!server->start(&why)) {
                std::fprintf(stderr, "benchcatalog: no %s server: %s\n", qPrintable(engine), qPrintable(why));
                return 1;
            }
            profile = server->profile();
        }
        DatabaseConnection connection(profile);
        ConnectionError error;
        if (!connection.open(&error)) {
            std::fprintf(stderr, "benchcatalog: %s\n", qPrintable(error.text()));
            return 1;
        }
        Row row;
        row.engine = connection.server().displayName();
        row.tables = count;
        std::fprintf(stderr, "benchcatalog: creating %d tables on %s...\n", count, qPrintable(row.engine));
        QElapsedTimer timer;
        timer.start();
        if (!createTables(connection, count))
            return 1;
        row.createSeconds = timer.elapsed() / 1000.0;

        QList<double> ours, naive;
        auto reader = CatalogReader::create(connection);
        for (int run = 0; run < runs; ++run) {
            QList<TableSummary> tables;
            timer.restart();
            if (!reader->listTables(&tables, &error)) {
                std::fprintf(stderr, "benchcatalog: %s\n", qPrintable(error.text()));
                return 1;
            }
            ours << timer.nsecsElapsed() / 1e9;
            int found = 0;
            timer.restart();
            if (!naiveList(connection, &found))
                return 1;
            naive << timer.nsecsElapsed() / 1e9;
            if (tables.size() < count || found < count) {
                std::fprintf(stderr, "benchcatalog: listed %lld and %d tables, expected %d\n",
                             qint64(tables.size()), found, count);
                return 1;
            }
        }
        row.stagecraftSeconds = median(ours);
        row.naiveSeconds = median(naive);
        rows << row;
        connection.close();
        server.reset();
    }

    const QString header = QStringLiteral("| engine | tables | set-up (s) | Stagecraft list (s) | one query per table (s) | speed-up |");
    QStringList markdown{header, QStringLiteral("|---|---:|---:|---:|---:|---:|")};
    QStringList csv{QStringLiteral("engine,tables,setup_s,stagecraft_s,naive_s,speedup")};
    for (const Row &r : std::as_const(rows)) {
        const double speedup = r.naiveSeconds / std::max(r.stagecraftSeconds, 1e-9);
        markdown << QStringLiteral("| %1 | %2 | %3 | %4 | %5 | %6x |")
                        .arg(r.engine)
                        .arg(r.tables)
                        .arg(r.createSeconds, 0, 'f', 1)
                        .arg(r.stagecraftSeconds, 0, 'f', 3)
                        .arg(r.naiveSeconds, 0, 'f', 3)
                        .arg(speedup, 0, 'f', 1);
        csv << QStringLiteral("%1,%2,%3,%4,%5,%6")
                   .arg(r.engine)
                   .arg(r.tables)
                   .arg(r.createSeconds, 0, 'f', 1)
                   .arg(r.stagecraftSeconds, 0, 'f', 4)
                   .arg(r.naiveSeconds, 0, 'f', 4)
                   .arg(speedup, 0, 'f', 2);
    }
    std::printf("%s\n", qPrintable(markdown.join(QLatin1Char('\n'))));
    const QString out = parser.value(QStringLiteral("out"));
    QDir().mkpath(out);
    for (const auto &[name, lines] : {std::pair{QStringLiteral("catalog.md"), markdown},
                                      std::pair{QStringLiteral("catalog.csv"), csv}}) {
        QFile file(QDir(out).filePath(name));
        if (file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            file.write((lines.join(QLatin1Char('\n')) + QLatin1Char('\n')).toUtf8());
    }
    std::fprintf(stderr, "benchcatalog: written to %s/catalog.{md,csv}\n", qPrintable(out));
    return 0;
}
