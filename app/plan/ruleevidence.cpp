#include "ruleevidence.h"

#include <QCoreApplication>
#include <QHash>

namespace Stagecraft {

namespace {

struct Proved
{
    Engine engine;
    const char *version; // a version family (RuleEvidence::versionFamily)
    const char *server; // the server the tests ran, as it reports its version
    QStringList rules;
};

// Filled from what tests/testplanexecution ran with every claim checked, on the servers
// scripts/dev gives the tests; its cleanupTestCase fails when a rule here did not run there.
const QList<Proved> &table()
{
    // The rules proved on all three PostgreSQL servers, and on both MariaDB servers; the rest per version.
    static const QStringList postgres = {
        QStringLiteral("pg.add-column"), QStringLiteral("pg.add-column.default-then-backfill"),
        QStringLiteral("pg.add-column.domain-rewrite"), QStringLiteral("pg.add-column.fast-default"),
        QStringLiteral("pg.add-column.not-null-fast-default"), QStringLiteral("pg.add-column.volatile-default"),
        QStringLiteral("pg.backfill.ctid"), QStringLiteral("pg.backfill.keyset"),
        QStringLiteral("pg.check.not-valid-validate"), QStringLiteral("pg.foreign-key.not-valid-validate"),
        QStringLiteral("pg.index.concurrently"), QStringLiteral("pg.index.partition-concurrently"),
        QStringLiteral("pg.index.partitioned-attach"), QStringLiteral("pg.index.partitioned-only"),
        QStringLiteral("pg.sync.drop"), QStringLiteral("pg.sync.trigger"), QStringLiteral("pg.unique.using-index"),
        QStringLiteral("pg.verify.analyze")};
    static const QStringList postgresNotNullByCheck = {QStringLiteral("pg.not-null.check-not-valid-validate"),
                                                       QStringLiteral("pg.not-null.drop-helper"),
                                                       QStringLiteral("pg.not-null.set-using-check")};
    static const QStringList mariadb = {
        QStringLiteral("mariadb.add-column.inplace"), QStringLiteral("mariadb.add-column.instant"),
        QStringLiteral("mariadb.index.nocopy"), QStringLiteral("mariadb.not-null.after-sync"),
        QStringLiteral("mariadb.sync.drop"), QStringLiteral("mariadb.sync.trigger"),
        QStringLiteral("mysql.backfill.keyset"), QStringLiteral("mysql.backfill.limit"),
        QStringLiteral("mysql.expression-default.set-default"), QStringLiteral("mysql.foreign-key.checks-off"),
        QStringLiteral("mysql.not-null.inplace"), QStringLiteral("mysql.verify.analyze")};
    static const QList<Proved> proved = {
        {Engine::PostgreSQL, "15", "Debian 12's PostgreSQL 15", postgres + postgresNotNullByCheck},
        {Engine::PostgreSQL, "17", "Debian 13's PostgreSQL 17", postgres + postgresNotNullByCheck},
        {Engine::PostgreSQL, "18", "Debian sid's PostgreSQL 18",
         postgres + QStringList{QStringLiteral("pg18.not-null.not-valid-validate")}},
        {Engine::MariaDB, "10.11", "Debian 12's MariaDB 10.11",
         mariadb + QStringList{QStringLiteral("mariadb.add-column.fulltext-shared"), QStringLiteral("mariadb.not-null.fulltext-shared"),
                               QStringLiteral("mysql.check.copy")}},
        {Engine::MariaDB, "11.8", "Debian 13's MariaDB 11.8",
         mariadb + QStringList{QStringLiteral("mariadb.add-column.fulltext-online-copy"), QStringLiteral("mariadb.check.copy-online"),
                               QStringLiteral("mariadb.not-null.fulltext-online-copy")}},
        {Engine::MySQL, "9.7", "Debian sid's Oracle MySQL 9.7",
         {
             QStringLiteral("mysql.add-column.fulltext-copy"), QStringLiteral("mysql.add-column.instant"),
             QStringLiteral("mysql.backfill.keyset"), QStringLiteral("mysql.check.copy"),
             QStringLiteral("mysql.expression-default.set-default"), QStringLiteral("mysql.foreign-key.checks-off"),
             QStringLiteral("mysql.index.inplace"), QStringLiteral("mysql.not-null.fulltext-copy"),
             QStringLiteral("mysql.not-null.inplace"), QStringLiteral("mysql.sync.drop"),
             QStringLiteral("mysql.sync.trigger"), QStringLiteral("mysql.verify.analyze")}},
        {Engine::SQLite, "3.46", "Debian 13's SQLite 3.46",
         {
             QStringLiteral("sqlite.add-column"), QStringLiteral("sqlite.add-column.nullable-until-sync-ends"),
             QStringLiteral("sqlite.backfill.key"), QStringLiteral("sqlite.backfill.rowid"),
             QStringLiteral("sqlite.default.trigger"), QStringLiteral("sqlite.index"),
             QStringLiteral("sqlite.rebuild"), QStringLiteral("sqlite.rebuild.not-null"),
             QStringLiteral("sqlite.sync.drop"), QStringLiteral("sqlite.sync.trigger"),
             QStringLiteral("sqlite.unique.index")}},
    };
    return proved;
}

const Proved *find(Engine engine, const QString &version)
{
    for (const Proved &p : table()) {
        if (p.engine == engine && version == QLatin1String(p.version))
            return &p;
    }
    return nullptr;
}

} // namespace

QString RuleEvidence::versionFamily(Engine engine, int v)
{
    switch (engine) {
    case Engine::PostgreSQL: return QString::number(v / 10000);
    case Engine::MySQL:
    case Engine::MariaDB: return QStringLiteral("%1.%2").arg(v / 10000).arg(v / 100 % 100);
    case Engine::SQLite: return QStringLiteral("%1.%2").arg(v / 1000000).arg(v / 1000 % 1000);
    }
    return {};
}

bool RuleEvidence::proved(Engine engine, int versionNumber, const QString &rule)
{
    const Proved *p = find(engine, versionFamily(engine, versionNumber));
    return p && p->rules.contains(rule);
}

QString RuleEvidence::text(Engine engine, int versionNumber, const QString &rule)
{
    const QString version = versionFamily(engine, versionNumber);
    const Proved *p = find(engine, version);
    if (p && p->rules.contains(rule)) {
        const QString how = engine == Engine::PostgreSQL ? QCoreApplication::translate("RuleEvidence", "locks read from pg_locks, rewrites from relfilenode")
            : engine == Engine::SQLite ? QCoreApplication::translate("RuleEvidence", "each statement run, rebuilds seen in the table's root page")
                                       : QCoreApplication::translate("RuleEvidence", "ALGORITHM and LOCK accepted, rebuilds seen in InnoDB's table id");
        return QCoreApplication::translate("RuleEvidence", "Proved in Stagecraft's tests on %1 (%2)").arg(QLatin1String(p->server), how);
    }
    const QStringList versions = provedVersions(engine);
    if (p)
        return QCoreApplication::translate("RuleEvidence", "Rests on the documentation: Stagecraft's tests run %1 %2, but not this rule")
            .arg(engineName(engine), version);
    return QCoreApplication::translate("RuleEvidence", "Rests on the documentation: Stagecraft's tests run no %1 %2 server (%3)")
        .arg(engineName(engine), version,
             versions.isEmpty() ? QCoreApplication::translate("RuleEvidence", "none of this engine")
                                : QCoreApplication::translate("RuleEvidence", "they run %1").arg(versions.join(QLatin1String(", "))));
}

QStringList RuleEvidence::provedRules(Engine engine, const QString &versionFamily)
{
    const Proved *p = find(engine, versionFamily);
    return p ? p->rules : QStringList();
}

QStringList RuleEvidence::provedVersions(Engine engine)
{
    QStringList versions;
    for (const Proved &p : table()) {
        if (p.engine == engine)
            versions << QLatin1String(p.version);
    }
    return versions;
}

} // namespace Stagecraft
