#include "planexport.h"

#include "planformat.h"
#include "planner.h"
#include "sql/quoting.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>

#include <algorithm>

namespace Stagecraft {

using namespace Qt::StringLiterals;

namespace {

constexpr int BatchRows = 5000; // about what the runner reaches for a 200 ms batch on a small server

bool isMySql(Engine e)
{
    return e == Engine::MySQL || e == Engine::MariaDB;
}

// "a", or "(a, b)" for a composite key.
QString tuple(const QStringList &parts)
{
    return parts.size() == 1 ? parts.first() : u"("_s + parts.join(u", "_s) + u")"_s;
}

QStringList prefixed(const QStringList &names, const QString &prefix)
{
    QStringList out;
    for (int i = 0; i < names.size(); ++i)
        out << u"%1%2"_s.arg(prefix).arg(i + 1);
    return out;
}

// The backfill as one PL/pgSQL block that commits after each keyset batch (PostgreSQL 11+), or
// after each batch of rows found by physical address when the table has no key.
QStringList postgresBackfill(const Plan &plan, const PlanStep &step)
{
    const Engine e = Engine::PostgreSQL;
    const QString table = quoteQualified(e, plan.table.schema, plan.table.name);
    const QString column = quoteIdentifier(e, plan.spec.name);
    const QString commit = plan.targetVersion >= 110000 || plan.targetVersion == 0 ? u"    COMMIT;\n"_s : QString();
    if (step.keyColumns.isEmpty()) {
        return {u"DO $stagecraft$\nDECLARE\n  filled bigint;\nBEGIN\n  LOOP\n"
                "    UPDATE %1 SET %2 = %3 WHERE ctid = ANY (ARRAY(SELECT ctid FROM %1 WHERE %2 IS NULL AND (%3) IS NOT NULL LIMIT %4));\n"
                "    GET DIAGNOSTICS filled = ROW_COUNT;\n    EXIT WHEN filled = 0;\n%5  END LOOP;\nEND\n$stagecraft$"_s
                    .arg(table, column, step.backfillExpression, QString::number(BatchRows), commit)};
    }
    QStringList keys;
    for (const QString &k : step.keyColumns)
        keys << quoteIdentifier(e, k);
    const QStringList last = prefixed(keys, u"last_"_s), next = prefixed(keys, u"next_"_s);
    QString declare;
    for (int i = 0; i < keys.size(); ++i)
        declare += u"  %1 %2.%3%TYPE;\n  %4 %2.%3%TYPE;\n"_s.arg(last.at(i), table, keys.at(i), next.at(i));
    QStringList descending;
    for (const QString &k : keys)
        descending << k + u" DESC"_s;
    const QString keyList = keys.join(u", "_s);
    QStringList assign;
    for (int i = 0; i < keys.size(); ++i)
        assign << u"%1 := %2"_s.arg(last.at(i), next.at(i));
    // One arg() call: the user's expression may hold a '%' that a second call would take for a marker.
    return {u"DO $stagecraft$\nDECLARE\n%1BEGIN\n"
            "  SELECT %2 INTO %3 FROM %4 ORDER BY %2 LIMIT 1;\n"
            "  IF NOT FOUND THEN\n    RETURN;\n  END IF;\n"
            "  UPDATE %4 SET %5 = %6 WHERE %7 = %8 AND %5 IS NULL;\n"
            "  LOOP\n"
            "    SELECT %2 INTO %9 FROM (SELECT %2 FROM %4 WHERE %7 > %8 ORDER BY %2 LIMIT %10) AS batch ORDER BY %11 LIMIT 1;\n"
            "    EXIT WHEN NOT FOUND;\n"
            "    UPDATE %4 SET %5 = %6 WHERE %7 > %8 AND %7 <= %12 AND %5 IS NULL;\n"
            "    %13;\n%14  END LOOP;\nEND\n$stagecraft$"_s
                .arg(declare, keyList, last.join(u", "_s), table, column, step.backfillExpression, tuple(keys), tuple(last),
                     next.join(u", "_s), QString::number(BatchRows), descending.join(u", "_s), tuple(next),
                     assign.join(u"; "_s), commit)};
}

// The backfill as a temporary procedure (MySQL and MariaDB have no anonymous blocks): created,
// called, dropped. It commits after each batch.
QStringList mysqlBackfill(const Plan &plan, const PlanStep &step)
{
    const Engine e = plan.engine;
    const QString table = quoteQualified(e, plan.table.schema, plan.table.name);
    const QString column = quoteIdentifier(e, plan.spec.name);
    const QString procedure = quoteQualified(e, plan.table.schema, generatedName(e, plan.table.name, plan.spec.name, u"fill"_s));
    QString body;
    if (step.keyColumns.isEmpty()) {
        body = u"  fill: LOOP\n"
               "    UPDATE %1 SET %2 = %3 WHERE %2 IS NULL AND (%3) IS NOT NULL LIMIT %4;\n"
               "    IF ROW_COUNT() = 0 THEN\n      LEAVE fill;\n    END IF;\n    COMMIT;\n  END LOOP;\n"_s
                   .arg(table, column, step.backfillExpression, QString::number(BatchRows));
    } else {
        QStringList keys;
        for (const QString &k : step.keyColumns)
            keys << quoteIdentifier(e, k);
        const QStringList last = prefixed(keys, u"@stagecraft_last_"_s), next = prefixed(keys, u"@stagecraft_next_"_s);
        QStringList descending, assign, clearNext, clearLast;
        for (int i = 0; i < keys.size(); ++i) {
            clearLast << u"%1 = NULL"_s.arg(last.at(i));
            descending << keys.at(i) + u" DESC"_s;
            assign << u"%1 = %2"_s.arg(last.at(i), next.at(i));
            clearNext << u"%1 = NULL"_s.arg(next.at(i));
        }
        const QString keyList = keys.join(u", "_s);
        body = u"  SET %1;\n"
               "  SELECT %2 INTO %3 FROM %4 ORDER BY %2 LIMIT 1;\n"
               "  IF %5 IS NOT NULL THEN\n"
               "    UPDATE %4 SET %6 = %7 WHERE %8 = %9 AND %6 IS NULL;\n"
               "    COMMIT;\n"
               "    fill: LOOP\n"
               "      SET %10;\n"
               "      SELECT %2 INTO %11 FROM (SELECT %2 FROM %4 WHERE %8 > %9 ORDER BY %2 LIMIT %12) AS batch ORDER BY %13 LIMIT 1;\n"
               "      IF %14 IS NULL THEN\n        LEAVE fill;\n      END IF;\n"
               "      UPDATE %4 SET %6 = %7 WHERE %8 > %9 AND %8 <= %15 AND %6 IS NULL;\n"
               "      COMMIT;\n"
               "      SET %16;\n"
               "    END LOOP;\n  END IF;\n"_s
                   .arg(clearLast.join(u", "_s), keyList, last.join(u", "_s), table, last.first(), column,
                        step.backfillExpression, tuple(keys), tuple(last), clearNext.join(u", "_s), next.join(u", "_s),
                        QString::number(BatchRows), descending.join(u", "_s), next.first(), tuple(next),
                        assign.join(u", "_s));
    }
    return {u"CREATE PROCEDURE %1()\nBEGIN\n%2END"_s.arg(procedure, body), u"CALL %1()"_s.arg(procedure),
            u"DROP PROCEDURE %1"_s.arg(procedure)};
}

QString slug(const QString &text)
{
    QString s = text.toLower();
    s.replace(QRegularExpression(u"[^a-z0-9]+"_s), u"_"_s);
    s.replace(QRegularExpression(u"^_+|_+$"_s), QString());
    return s.left(60);
}

// The step's lock impact and purpose, as SQL comment lines.
QString comments(const PlanStep &step, int number)
{
    QString out = u"-- Step %1 [%2] %3\n-- %4\n"_s.arg(number).arg(stageName(step.stage), step.title, PlanFormat::impact(step));
    if (!step.why.isEmpty())
        out += u"-- %1\n"_s.arg(step.why);
    return out;
}

QString header(const Plan &plan, const QString &what)
{
    QString out = u"-- Stagecraft %1: add column %2 to %3.%4 (%5 %6)\n-- Fingerprint: %7\n"_s.arg(
        what, plan.spec.name, plan.table.schema, plan.table.name, engineName(plan.engine), plan.targetVersionText,
        PlanFormat::fingerprint(plan));
    if (plan.engine != Engine::SQLite)
        out += u"-- Each schema change waits at most %1 s for its lock, then fails rather than queue traffic behind it:\n"
               u"-- run the migration again then (every step is safe to repeat).\n"_s.arg(PlanExport::LockTimeoutMs / 1000);
    return out;
}

QString joined(const QStringList &statements)
{
    QString out;
    for (const QString &s : statements)
        out += s + u";\n"_s;
    return out;
}

} // namespace

bool PlanExport::formatFromName(const QString &name, Format *format)
{
    static const QList<std::pair<QString, Format>> names = {{u"sql-stages"_s, Format::SqlByStage},
                                                             {u"flyway"_s, Format::Flyway},
                                                             {u"liquibase"_s, Format::Liquibase},
                                                             {u"golang-migrate"_s, Format::GolangMigrate}};
    for (const auto &[n, f] : names) {
        if (n == name) {
            *format = f;
            return true;
        }
    }
    return false;
}

QStringList PlanExport::lockTimeout(const Plan &plan, const PlanStep &step)
{
    // Outside Stagecraft nothing retries for the user; a schema change that waits behind a long
    // transaction must still not hold every query up behind it in the lock queue: it gives up
    // after the timeout, and the migration is run again (every step is safe to repeat). A
    // CREATE INDEX CONCURRENTLY waits with a lock ordinary traffic does not queue behind, and
    // golang-migrate needs it alone in its file.
    if (!step.backfillExpression.isEmpty())
        return {};
    switch (plan.engine) {
    case Engine::PostgreSQL:
        return step.transactional ? QStringList{u"SET lock_timeout = '%1ms'"_s.arg(LockTimeoutMs)} : QStringList{};
    case Engine::MySQL:
    case Engine::MariaDB: return {u"SET SESSION lock_wait_timeout = %1"_s.arg(LockTimeoutMs / 1000)};
    case Engine::SQLite: return {};
    }
    return {};
}

QStringList PlanExport::statements(const Plan &plan, const PlanStep &step)
{
    if (step.backfillExpression.isEmpty())
        return lockTimeout(plan, step) + step.sql;
    if (plan.engine == Engine::PostgreSQL)
        return postgresBackfill(plan, step);
    if (isMySql(plan.engine))
        return mysqlBackfill(plan, step);
    // SQLite cannot loop in SQL: one statement, under its database-wide write lock.
    return {u"UPDATE %1 SET %2 = %3 WHERE %2 IS NULL"_s.arg(quoteQualified(plan.engine, plan.table.schema, plan.table.name),
                                                             quoteIdentifier(plan.engine, plan.spec.name),
                                                             step.backfillExpression)};
}

bool PlanExport::needsNoTransaction(const Plan &plan, const PlanStep &step)
{
    if (!step.transactional)
        return true;
    // The batched loops commit as they go.
    return !step.backfillExpression.isEmpty() && plan.engine != Engine::SQLite;
}

bool PlanExport::write(const Plan &plan, Format format, const QString &dir, const QDateTime &at, QStringList *written, QString *error)
{
    written->clear();
    const QDir folder(dir);
    if (!QDir().mkpath(dir)) {
        *error = u"Cannot create the folder %1."_s.arg(dir);
        return false;
    }
    const QList<ExportFile> out = files(plan, format, at);
    for (const ExportFile &f : out) {
        if (folder.exists(f.name)) {
            *error = u"%1 exists already in %2: nothing was written."_s.arg(f.name, dir);
            return false;
        }
    }
    for (const ExportFile &f : out) {
        QFile file(folder.filePath(f.name));
        if (!file.open(QIODevice::WriteOnly) || file.write(f.text.toUtf8()) < 0) {
            *error = u"Cannot write %1: %2"_s.arg(file.fileName(), file.errorString());
            return false;
        }
        *written << file.fileName();
    }
    return true;
}

QList<ExportFile> PlanExport::files(const Plan &plan, Format format, const QDateTime &at)
{
    QList<ExportFile> out;
    const QString stamp = at.toUTC().toString(u"yyyyMMddHHmmss"_s);
    const auto stepSlug = [](const PlanStep &s) { return slug(stageName(s.stage) + u"_"_s + s.title); };
    switch (format) {
    case Format::SqlByStage: {
        for (int i = 0; i < plan.steps.size(); ++i) {
            const PlanStep &s = plan.steps.at(i);
            const QString name = u"%1-%2.sql"_s.arg(int(s.stage) + 1, 2, 10, QLatin1Char('0')).arg(stageName(s.stage));
            auto file = std::find_if(out.begin(), out.end(), [&name](const ExportFile &f) { return f.name == name; });
            if (file == out.end()) {
                out.append({name, header(plan, u"plan, stage %1"_s.arg(stageName(s.stage)))});
                file = out.end() - 1;
            }
            QString text = u"\n"_s + comments(s, i + 1);
            if (needsNoTransaction(plan, s))
                text += u"-- Run outside a transaction block.\n"_s;
            text += joined(statements(plan, s));
            if (!s.rollbackSql.isEmpty())
                text += u"-- Rollback: %1;\n"_s.arg(s.rollbackSql.join(u"; "_s));
            file->text += text;
        }
        std::sort(out.begin(), out.end(), [](const ExportFile &a, const ExportFile &b) { return a.name < b.name; });
        break;
    }
    case Format::Flyway: {
        // One versioned migration per step; a step that cannot run in a transaction gets a script
        // configuration file, as Flyway does not mix the two in one migration.
        for (int i = 0; i < plan.steps.size(); ++i) {
            const PlanStep &s = plan.steps.at(i);
            const QString name = u"V%1_%2__%3.sql"_s.arg(stamp).arg(i + 1, 2, 10, QLatin1Char('0')).arg(stepSlug(s));
            QString text = header(plan, u"migration (Flyway)"_s) + u"\n"_s + comments(s, i + 1);
            const QStringList sql = statements(plan, s);
            if (isMySql(plan.engine) && !s.backfillExpression.isEmpty()) {
                // Flyway's MySQL parser needs the procedure body under another delimiter.
                text += u"DELIMITER //\n%1//\nDELIMITER ;\n%2"_s.arg(sql.first(), joined(sql.mid(1)));
            } else {
                text += joined(sql);
            }
            if (!s.rollbackSql.isEmpty())
                text += u"-- To undo: %1;\n"_s.arg(s.rollbackSql.join(u"; "_s));
            out.append({name, text});
            if (needsNoTransaction(plan, s))
                out.append({name + u".conf"_s, u"executeInTransaction=false\n"_s});
        }
        break;
    }
    case Format::Liquibase: {
        QString text = u"--liquibase formatted sql\n\n"_s + header(plan, u"changelog (Liquibase formatted SQL)"_s);
        int changeset = 0;
        for (int i = 0; i < plan.steps.size(); ++i) {
            const PlanStep &s = plan.steps.at(i);
            const QStringList sql = statements(plan, s);
            const bool noTransaction = needsNoTransaction(plan, s);
            const auto changesetLine = [&](bool split) {
                QString line = u"\n--changeset stagecraft:%1-%2"_s.arg(stamp).arg(++changeset);
                if (noTransaction)
                    line += u" runInTransaction:false"_s;
                if (!split)
                    line += u" splitStatements:false"_s;
                return line + u"\n--comment: %1 — %2\n"_s.arg(s.title, PlanFormat::impact(s));
            };
            const auto rollback = [&s] {
                QString r;
                for (const QString &statement : s.rollbackSql)
                    r += u"--rollback %1;\n"_s.arg(QString(statement).replace(QLatin1Char('\n'), QLatin1Char(' ')));
                return r.isEmpty() ? u"--rollback empty\n"_s : r;
            };
            if (isMySql(plan.engine) && !s.backfillExpression.isEmpty()) {
                // The procedure's body holds semicolons: its own changeset, not split.
                text += changesetLine(false) + sql.first() + u";\n--rollback DROP PROCEDURE IF EXISTS "_s
                        + sql.last().mid(u"DROP PROCEDURE "_s.size()) + u";\n"_s;
                text += changesetLine(true) + joined(sql.mid(1)) + rollback();
            } else {
                const bool block = !s.backfillExpression.isEmpty() && plan.engine == Engine::PostgreSQL;
                text += changesetLine(!block) + joined(sql) + rollback();
            }
        }
        out.append({u"%1-add-%2-to-%3.sql"_s.arg(stamp, slug(plan.spec.name), slug(plan.table.name)), text});
        break;
    }
    case Format::GolangMigrate: {
        // A pair per step: golang-migrate runs a file as one multi-statement call, which PostgreSQL
        // wraps in a transaction; a statement that cannot run in one is alone in its file.
        int version = 0;
        for (int i = 0; i < plan.steps.size(); ++i) {
            const PlanStep &s = plan.steps.at(i);
            const QStringList sql = statements(plan, s);
            const bool alone = needsNoTransaction(plan, s) && plan.engine == Engine::PostgreSQL;
            const QList<QStringList> parts = [&] {
                QList<QStringList> p;
                if (alone && sql.size() > 1) {
                    for (const QString &statement : sql)
                        p.append({statement});
                } else {
                    p.append(sql);
                }
                return p;
            }();
            for (int part = 0; part < parts.size(); ++part) {
                const QString base = u"%1%2_%3"_s.arg(stamp).arg(++version, 2, 10, QLatin1Char('0')).arg(stepSlug(s));
                const bool last = part == parts.size() - 1;
                out.append({base + u".up.sql"_s, comments(s, i + 1) + joined(parts.at(part))});
                out.append({base + u".down.sql"_s,
                            last && !s.rollbackSql.isEmpty() ? u"-- Step %1 undone.\n"_s.arg(i + 1) + joined(s.rollbackSql)
                                                             : u"-- Step %1 leaves nothing to undo here (a no-op, as some drivers refuse an empty file).\nSELECT 1;\n"_s.arg(i + 1)});
            }
        }
        break;
    }
    }
    return out;
}

} // namespace Stagecraft
