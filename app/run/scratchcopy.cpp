#include "scratchcopy.h"

#include "connection/databaseconnection.h"
#include "sql/quoting.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>

#include <algorithm>

namespace Stagecraft {

namespace {

const QLatin1StringView Prefix("stagecraft_rehearsal_");

bool isServer(Engine e)
{
    return e != Engine::SQLite;
}

bool run(DatabaseConnection &c, const QString &sql, QString *error)
{
    QSqlQuery q(c.database());
    if (q.exec(sql))
        return true;
    if (error)
        *error = QStringLiteral("%1: %2").arg(sql.left(200), q.lastError().text().trimmed());
    return false;
}

} // namespace

ScratchCopy::ScratchCopy(const ConnectionProfile &target, const QString &name)
    : m_target(target)
    , m_name(name)
{
}

QString ScratchCopy::newName()
{
    return Prefix + QString::number(QRandomGenerator::global()->generate64() & 0xFFFFFFFFFFull, 16).rightJustified(10, QLatin1Char('0'));
}

bool ScratchCopy::isScratchName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^stagecraft_rehearsal_[0-9a-f]{10}$"));
    return re.match(name).hasMatch();
}

QString ScratchCopy::sqlitePath(const QString &name)
{
    return QDir::temp().filePath(name);
}

ConnectionProfile ScratchCopy::profile() const
{
    ConnectionProfile p = m_target;
    if (m_target.engine == Engine::SQLite)
        p.database = QDir(sqlitePath(m_name)).filePath(QStringLiteral("copy.sqlite"));
    else if (m_target.engine != Engine::PostgreSQL)
        p.database = m_name;
    return p;
}

TableRef ScratchCopy::table(const TableRef &source) const
{
    return {m_target.engine == Engine::SQLite ? QStringLiteral("main") : m_name, source.name};
}

TableRef ScratchCopy::pendingTable(const TableRef &source) const
{
    TableRef t = table(source);
    t.name = QStringLiteral("stagecraft_held_back");
    if (t.name == source.name)
        t.name += QLatin1String("_rows");
    return t;
}

QString ScratchCopy::journalSchema() const
{
    return m_target.engine == Engine::PostgreSQL ? m_name : QString();
}

QString ScratchCopy::description() const
{
    switch (m_target.engine) {
    case Engine::PostgreSQL: return QStringLiteral("schema %1 of database %2 at %3").arg(m_name, m_target.database, m_target.displayName());
    case Engine::MySQL:
    case Engine::MariaDB: return QStringLiteral("database %1 at %2").arg(m_name, m_target.displayName());
    case Engine::SQLite: return QStringLiteral("file %1").arg(profile().database);
    }
    return {};
}

bool ScratchCopy::create(ConnectionError *error)
{
    if (m_target.engine == Engine::SQLite) {
        // A folder of its own, which must not exist yet (a name someone could guess is never taken
        // over), readable by this user only; an empty file in it is an empty SQLite database (a
        // connection opens only a file that exists).
        QFile file(profile().database);
        if (!QDir().mkdir(sqlitePath(m_name), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner)
            || !file.open(QIODevice::NewOnly | QIODevice::WriteOnly)) {
            if (error)
                *error = {ConnectionError::Kind::Other, {}, QStringLiteral("cannot create the folder %1").arg(sqlitePath(m_name))};
            return false;
        }
        return true;
    }
    DatabaseConnection c(m_target);
    if (!c.open(error))
        return false;
    const QString what = m_target.engine == Engine::PostgreSQL ? QStringLiteral("CREATE SCHEMA %1") : QStringLiteral("CREATE DATABASE %1");
    QString why;
    if (run(c, what.arg(quoteIdentifier(c.engine(), m_name)), &why))
        return true;
    if (error)
        *error = {ConnectionError::Kind::Query, why,
                  QStringLiteral("creating the scratch copy's %1 failed").arg(m_target.engine == Engine::PostgreSQL ? QStringLiteral("schema")
                                                                                                                     : QStringLiteral("database"))};
    return false;
}

QStringList ScratchCopy::insertableColumns(const TableDetails &details)
{
    QStringList names;
    for (const ColumnInfo &c : details.columns) {
        if (c.generated != QLatin1String("stored") && c.generated != QLatin1String("virtual"))
            names << c.name;
    }
    return names;
}

QStringList ScratchCopy::keyColumns(const TableDetails &details)
{
    return details.primaryKey();
}

QStringList ScratchCopy::definitionFor(Engine engine, const TableDetails &details, const TableRef &copy)
{
    if (engine == Engine::PostgreSQL) {
        // The catalog's definition, its foreign keys left out, naming the copy; indexes by the
        // server's own text (pg_get_indexdef), pointed at the copy.
        QString text = details.definitionSql;
        for (const ConstraintInfo &k : details.constraints) {
            if (k.kind == ConstraintKind::ForeignKey)
                text.remove(QStringLiteral(",\n    CONSTRAINT %1 %2").arg(quoteIdentifier(engine, k.name), k.definition));
        }
        const QString from = quoteQualified(engine, details.table.schema, details.table.name);
        const QString to = quoteQualified(engine, copy.schema, copy.name);
        QStringList statements;
        static const QRegularExpression on(QStringLiteral("^(CREATE (?:UNIQUE )?INDEX \\S+ ON )(?:ONLY )?.+?( USING )"));
        for (QString s : text.split(QLatin1String(";\n"), Qt::SkipEmptyParts)) {
            if (s.startsWith(QLatin1String("CREATE TABLE ")) || s.startsWith(QLatin1String("COMMENT ON ")))
                s.replace(from, to);
            else if (const auto m = on.match(s); m.hasMatch())
                s = m.captured(1) + to + m.captured(2) + s.mid(m.capturedEnd());
            else
                continue;
            statements << s;
        }
        return statements;
    }
    if (engine == Engine::SQLite) {
        // The table's own CREATE TABLE and its indexes' (the copy is alone in its file, named as the table).
        QStringList statements{details.createSql};
        for (const IndexInfo &i : details.indexes) {
            if (!i.definition.isEmpty() && i.constraintName.isEmpty() && !i.primary)
                statements << i.definition;
        }
        return statements;
    }
    // MySQL, MariaDB: SHOW CREATE TABLE, its FOREIGN KEY lines out, naming the copy.
    QStringList lines = details.definitionSql.trimmed().split(QLatin1Char('\n'));
    if (!lines.isEmpty() && lines.last().endsWith(QLatin1Char(';')))
        lines.last().chop(1);
    static const QRegularExpression head(QStringLiteral("^CREATE TABLE `(?:[^`]|``)+`"));
    QStringList kept;
    for (const QString &line : std::as_const(lines)) {
        if (line.contains(QLatin1String(" FOREIGN KEY ")) && line.trimmed().startsWith(QLatin1String("CONSTRAINT ")))
            continue;
        if (line.startsWith(QLatin1Char(')')) && !kept.isEmpty() && kept.last().endsWith(QLatin1Char(',')))
            kept.last().chop(1);
        kept << line;
    }
    QString sql = kept.join(QLatin1Char('\n'));
    sql.replace(head, QStringLiteral("CREATE TABLE ") + quoteQualified(engine, copy.schema, copy.name));
    return {sql};
}

bool ScratchCopy::copyTable(DatabaseConnection &source, const TableDetails &details, qint64 sampleRows, qint64 heldBack, Copied *copied,
                            QString *error, const std::atomic<bool> *cancelled)
{
    QElapsedTimer timer;
    timer.start();
    *copied = {};
    const Engine e = source.engine();
    DatabaseConnection target(profile());
    ConnectionError opened;
    if (!target.open(&opened)) {
        *error = QStringLiteral("opening the scratch copy: %1").arg(opened.text());
        return false;
    }
    if (target.engine() != e && !(isServer(e) && isServer(target.engine()) && e != Engine::PostgreSQL && target.engine() != Engine::PostgreSQL)) {
        *error = QStringLiteral("the scratch copy's server is %1, the table's %2: a rehearsal needs the same engine")
                     .arg(engineName(target.engine()), engineName(e));
        return false;
    }
    const TableRef copy = table(details.table);
    for (const QString &sql : definitionFor(e, details, copy)) {
        if (!run(target, sql, error))
            return false;
    }

    // The sample, read without locks: PostgreSQL by pages (TABLESAMPLE SYSTEM), the others row by row.
    const QStringList columns = insertableColumns(details);
    const qint64 wanted = std::max<qint64>(1, sampleRows + heldBack);
    const qint64 rows = details.estimatedRows;
    copied->sizeKnown = rows >= 0;
    copied->sampled = rows > wanted;
    const double fraction = copied->sampled ? std::min(1.0, 1.5 * double(wanted) / double(rows)) : 1.0;
    QString sample;
    if (copied->sampled) {
        if (e == Engine::PostgreSQL)
            sample = QStringLiteral(" TABLESAMPLE SYSTEM (%1)").arg(100.0 * fraction, 0, 'f', 4);
        else if (e == Engine::SQLite)
            sample = QStringLiteral(" WHERE abs(random() % 1000000) < %1").arg(qint64(fraction * 1000000));
        else
            sample = QStringLiteral(" WHERE RAND() < %1").arg(fraction, 0, 'f', 6);
    }
    QSqlQuery read(source.database());
    read.setForwardOnly(true);
    read.setNumericalPrecisionPolicy(QSql::HighPrecision);
    if (!read.exec(QStringLiteral("SELECT %1 FROM %2%3 LIMIT %4")
                       .arg(quoteIdentifierList(e, columns), quoteQualified(e, details.table.schema, details.table.name), sample)
                       .arg(wanted))) {
        *error = QStringLiteral("reading the table's rows: %1").arg(read.lastError().text().trimmed());
        return false;
    }
    bool identityAlways = false;
    for (const ColumnInfo &c : details.columns)
        identityAlways = identityAlways || c.generated == QLatin1String("identity always");
    const QString insertHead = QStringLiteral("INSERT INTO %1 (%2)%3 VALUES ")
                                   .arg(quoteQualified(e, copy.schema, copy.name), quoteIdentifierList(e, columns),
                                        identityAlways && e == Engine::PostgreSQL ? QStringLiteral(" OVERRIDING SYSTEM VALUE") : QString());
    const QString one = QLatin1Char('(') + QStringList(columns.size(), QStringLiteral("?")).join(QLatin1String(", ")) + QLatin1Char(')');
    const int batch = std::max(1, std::min(500, 30000 / int(std::max<qsizetype>(1, columns.size()))));
    QSqlQuery full(target.database());
    if (!full.prepare(insertHead + QStringList(batch, one).join(QLatin1String(", ")))) {
        *error = QStringLiteral("preparing the copy: %1").arg(full.lastError().text().trimmed());
        return false;
    }
    // SQLite: every row read before any is written, so that the read's shared lock goes at once.
    QList<QVariantList> buffered;
    if (e == Engine::SQLite) {
        while (read.next()) {
            QVariantList row;
            for (int i = 0; i < columns.size(); ++i)
                row << read.value(i);
            buffered << row;
        }
        read.finish();
    }
    QVariantList values;
    values.reserve(batch * columns.size());
    qint64 copiedRows = 0;
    const auto flush = [&](bool last) {
        const int n = int(values.size() / std::max<qsizetype>(1, columns.size()));
        if (n == 0)
            return true;
        QSqlQuery partial(target.database());
        QSqlQuery &q = n == batch ? full : partial;
        if (n != batch && !q.prepare(insertHead + QStringList(n, one).join(QLatin1String(", ")))) {
            *error = QStringLiteral("preparing the copy: %1").arg(q.lastError().text().trimmed());
            return false;
        }
        for (int i = 0; i < values.size(); ++i)
            q.bindValue(i, values.at(i));
        if (!q.exec()) {
            *error = QStringLiteral("copying rows: %1").arg(q.lastError().text().trimmed());
            return false;
        }
        copiedRows += n;
        values.clear();
        Q_UNUSED(last);
        return true;
    };
    // Servers: each batch commits alone (replicas apply small transactions). SQLite: one transaction
    // for the whole copy (a file of its own: nobody waits on it).
    const bool oneTransaction = e == Engine::SQLite && target.database().transaction();
    const auto fail = [&] {
        if (oneTransaction)
            target.database().rollback();
        return false;
    };
    qsizetype next = 0;
    const auto nextRow = [&](QVariantList *row) {
        if (e == Engine::SQLite) {
            if (next >= buffered.size())
                return false;
            *row = buffered.at(next++);
            return true;
        }
        if (!read.next())
            return false;
        row->clear();
        for (int i = 0; i < columns.size(); ++i)
            *row << read.value(i);
        return true;
    };
    QVariantList row;
    while (nextRow(&row)) {
        values << row;
        if (values.size() >= batch * columns.size()) {
            if (!flush(false))
                return fail();
            if (cancelled && *cancelled) {
                *error = QStringLiteral("cancelled while copying");
                return fail();
            }
        }
    }
    if (read.lastError().isValid()) {
        *error = QStringLiteral("reading the table's rows: %1").arg(read.lastError().text().trimmed());
        return fail();
    }
    if (!flush(true))
        return fail();
    if (oneTransaction && !target.database().commit()) {
        *error = QStringLiteral("committing the copy: %1").arg(target.database().lastError().text().trimmed());
        return fail();
    }
    // A table of unknown size that gave as many rows as asked for was cut there: a sample.
    if (!copied->sizeKnown && copiedRows >= wanted)
        copied->sampled = true;

    // The newest rows, by key, wait apart for the synthetic writer to insert them as new rows.
    const QStringList key = keyColumns(details);
    const TableRef pending = pendingTable(details.table);
    const QString copySql = quoteQualified(e, copy.schema, copy.name), pendingSql = quoteQualified(e, pending.schema, pending.name);
    QStringList descending;
    for (const QString &k : key)
        descending << quoteIdentifier(e, k) + QLatin1String(" DESC");
    const qint64 hold = key.isEmpty() ? 0 : std::min(heldBack, copiedRows / 5); // the copy keeps at least four rows in five
    if (!run(target, QStringLiteral("CREATE TABLE %1 AS SELECT %2 FROM %3%4 LIMIT %5")
                         .arg(pendingSql, quoteIdentifierList(e, columns), copySql,
                              descending.isEmpty() ? QString() : QStringLiteral(" ORDER BY ") + descending.join(QLatin1String(", ")))
                         .arg(hold),
             error))
        return false;
    if (hold > 0
        && !run(target, QStringLiteral("DELETE FROM %1 WHERE (%2) IN (SELECT %2 FROM %3)").arg(copySql, quoteIdentifierList(e, key), pendingSql), error))
        return false;
    // Statistics, so that the copy is planned by its own size.
    if (!run(target, e == Engine::PostgreSQL ? QStringLiteral("ANALYZE %1").arg(copySql)
                     : e == Engine::SQLite   ? QStringLiteral("ANALYZE")
                                             : QStringLiteral("ANALYZE TABLE %1").arg(copySql),
             error))
        return false;
    copied->heldBack = hold;
    copied->rows = copiedRows - hold;
    copied->seconds = timer.elapsed() / 1000.0;
    return true;
}

bool ScratchCopy::drop(const ConnectionProfile &target, const QString &name, QString *error)
{
    if (!isScratchName(name)) {
        *error = QStringLiteral("'%1' is not the name of a rehearsal's scratch copy: nothing was dropped").arg(name);
        return false;
    }
    if (target.engine == Engine::SQLite) {
        // Only a real folder (never what a symbolic link points to), only the copy's files in it.
        const QString path = sqlitePath(name);
        const QFileInfo info(path);
        if (!info.exists() && !info.isSymLink())
            return true;
        if (info.isSymLink() || !info.isDir()) {
            *error = QStringLiteral("%1 is not the rehearsal's folder (a link or a file): left alone").arg(path);
            return false;
        }
        QDir dir(path);
        for (const QString &file : dir.entryList({QStringLiteral("copy.sqlite*"), QStringLiteral(".copy.sqlite*")},
                                                 QDir::Files | QDir::Hidden | QDir::System))
            dir.remove(file);
        if (QDir().rmdir(path))
            return true;
        *error = QStringLiteral("cannot remove %1 (is something else in it?)").arg(path);
        return false;
    }
    DatabaseConnection c(target);
    ConnectionError opened;
    if (!c.open(&opened)) {
        *error = opened.text();
        return false;
    }
    return run(c, (c.engine() == Engine::PostgreSQL ? QStringLiteral("DROP SCHEMA IF EXISTS %1 CASCADE") : QStringLiteral("DROP DATABASE IF EXISTS %1"))
                      .arg(quoteIdentifier(c.engine(), name)),
               error);
}

bool ScratchCopy::exists(const ConnectionProfile &target, const QString &name)
{
    if (target.engine == Engine::SQLite)
        return QDir(sqlitePath(name)).exists();
    DatabaseConnection c(target);
    ConnectionError opened;
    if (!c.open(&opened))
        return true; // cannot tell: assume it is there
    QSqlQuery q(c.database());
    q.prepare(c.engine() == Engine::PostgreSQL ? QStringLiteral("SELECT 1 FROM pg_namespace WHERE nspname = ?")
                                               : QStringLiteral("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?"));
    q.addBindValue(name);
    return !q.exec() || q.next();
}

} // namespace Stagecraft
