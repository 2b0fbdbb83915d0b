#include "planexport.h"

#include "planformat.h"
#include "planner.h"
#include "connection/sessionmodes.h"
#include "sql/quoting.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>

#include <algorithm>

namespace Stagecraft {

using namespace Qt::StringLiterals;

namespace {

bool isMySql(Engine e)
{
    return e == Engine::MySQL || e == Engine::MariaDB;
}

using Statement = Backfill::Statement;

// A backfill statement with the loop's variables in place of its parameters: prefix1, prefix2, …
// for :from and :to, and the export's fixed batch size.
QString withVariables(const Backfill &b, Statement statement, const QString &from, const QString &to, int batchRows)
{
    return b.sql(statement, [&](const QString &name, int index) {
        if (name == u"batch_size"_s)
            return QString::number(batchRows);
        return (name == u"from"_s ? from : to) + QString::number(index + 1);
    });
}

QStringList variables(const QString &prefix, int count)
{
    QStringList out;
    for (int i = 0; i < count; ++i)
        out << prefix + QString::number(i + 1);
    return out;
}

// The backfill as one PL/pgSQL block that commits after each batch (PostgreSQL 11+): the plan's
// own statements, with variables for the key bounds.
QStringList postgresBackfill(const Plan &plan, const PlanStep &step)
{
    const Backfill &b = step.backfill;
    const int rows = plan.settings.fixedBatchRows();
    // Before PostgreSQL 11 a DO block cannot commit: the whole backfill is one transaction there.
    const bool commits = plan.targetVersion >= 110000 || plan.targetVersion == 0;
    const QString commit = commits ? u"    COMMIT;\n"_s : QString();
    if (!b.keyed()) {
        return {u"DO $stagecraft$\nDECLARE\n  filled bigint;\nBEGIN\n  LOOP\n    %1;\n"
                "    GET DIAGNOSTICS filled = ROW_COUNT;\n    EXIT WHEN filled = 0;\n%2  END LOOP;\nEND\n$stagecraft$"_s
                    .arg(withVariables(b, Statement::Repeat, {}, {}, rows), commit)};
    }
    const QStringList keys = b.quotedKeys();
    const QStringList last = variables(u"last_"_s, int(keys.size())), next = variables(u"next_"_s, int(keys.size()));
    QString declare;
    QStringList assign;
    for (int i = 0; i < keys.size(); ++i) {
        declare += u"  %1 %2.%3%TYPE;\n  %4 %2.%3%TYPE;\n"_s.arg(last.at(i), b.table, keys.at(i), next.at(i));
        assign << u"%1 := %2"_s.arg(last.at(i), next.at(i));
    }
    const QString into = u" INTO "_s + next.join(u", "_s);
    const auto statement = [&](Statement which) { return withVariables(b, which, u"last_"_s, u"next_"_s, rows); };
    return {u"DO $stagecraft$\nDECLARE\n%1BEGIN\n"
            "  %2%3;\n"
            "  IF NOT FOUND THEN\n    RETURN;\n  END IF;\n"
            "  %4;\n%9"
            "  LOOP\n"
            "    %6;\n"
            "    %7%3;\n"
            "    EXIT WHEN NOT FOUND;\n"
            "    %8;\n%5"
            "  END LOOP;\nEND\n$stagecraft$"_s
                .arg(declare, statement(Statement::FirstBound), into,
                     statement(Statement::FirstFill), commit, assign.join(u"; "_s),
                     statement(Statement::NextBound),
                     statement(Statement::NextFill), commits ? u"  COMMIT;\n"_s : QString())};
}

// The backfill as a temporary procedure (MySQL and MariaDB have no anonymous blocks): created,
// called, dropped. It commits after each batch, running the plan's own statements with user
// variables for the key bounds.
QStringList mysqlBackfill(const Plan &plan, const PlanStep &step)
{
    const Engine e = plan.engine;
    const Backfill &b = step.backfill;
    const int rows = plan.settings.fixedBatchRows();
    const QString procedure = quoteQualified(e, plan.table.schema, generatedName(e, plan.table.name, plan.spec.name, u"fill"_s));
    QString body;
    if (!b.keyed()) {
        body = u"  fill: LOOP\n    %1;\n    IF ROW_COUNT() = 0 THEN\n      LEAVE fill;\n    END IF;\n    COMMIT;\n  END LOOP;\n"_s
                   .arg(withVariables(b, Statement::Repeat, {}, {}, rows));
    } else {
        const int count = int(b.keyColumns.size());
        const QStringList last = variables(u"@stagecraft_last_"_s, count), next = variables(u"@stagecraft_next_"_s, count);
        QStringList assign, clearNext;
        for (int i = 0; i < count; ++i) {
            assign << u"%1 = %2"_s.arg(last.at(i), next.at(i));
            clearNext << u"%1 = NULL"_s.arg(next.at(i));
        }
        const QString into = u" INTO "_s + next.join(u", "_s);
        const auto statement = [&](Statement which) {
            return withVariables(b, which, u"@stagecraft_last_"_s, u"@stagecraft_next_"_s, rows);
        };
        body = u"  SET %1;\n"
               "  %2%3;\n"
               "  IF %4 IS NOT NULL THEN\n"
               "    %5;\n"
               "    COMMIT;\n"
               "    fill: LOOP\n"
               "      SET %6;\n"
               "      SET %1;\n"
               "      %7%3;\n"
               "      IF %4 IS NULL THEN\n        LEAVE fill;\n      END IF;\n"
               "      %8;\n"
               "      COMMIT;\n"
               "    END LOOP;\n  END IF;\n"_s
                   .arg(clearNext.join(u", "_s), statement(Statement::FirstBound),
                        into, next.first(), statement(Statement::FirstFill),
                        assign.join(u", "_s), statement(Statement::NextBound),
                        statement(Statement::NextFill));
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
    if (!step.gate.isEmpty())
        out += u"-- DEPLOY GATE (%1): apply the migrations before this one, deploy the application, then the rest.\n"_s.arg(step.gate);
    if (!step.failingWrites.isEmpty())
        out += u"-- FAILING WRITES: %1\n"_s.arg(step.failingWrites);
    if (!step.onFailureSql.isEmpty())
        out += u"-- If it fails, remove what it added before anything else (its writes would keep failing): %1;\n"_s.arg(
            step.onFailureSql.join(u"; "_s));
    if (!step.space.isEmpty())
        out += u"-- SPACE: %1\n"_s.arg(step.space);
    return out;
}

QString header(const Plan &plan, const QString &what)
{
    QString out = u"-- Stagecraft %1: add column %2 to %3.%4 (%5 %6)\n-- Fingerprint: %7\n"_s.arg(
        what, plan.spec.name, plan.table.schema, plan.table.name, engineName(plan.engine), plan.targetVersionText,
        PlanFormat::fingerprint(plan));
    out += u"-- Planned with: %1\n"_s.arg(plan.settings.describe(plan.engine));
    if (plan.engine != Engine::SQLite)
        out += u"-- Each schema change waits at most %1 for its lock, then fails rather than queue traffic behind it:\n"
               u"-- run the migration again then (every step is safe to repeat).\n"_s
                   .arg(plan.engine == Engine::PostgreSQL ? u"%1 ms"_s.arg(plan.settings.lockTimeoutMs)
                                                          : u"%1 s"_s.arg(plan.settings.lockTimeoutSeconds()));
    for (const QString &note : plan.notes)
        out += u"-- NOTE: %1\n"_s.arg(note);
    return out;
}

// Where a MySQL backfill's procedure is among its statements (after the session's).
qsizetype procedureAt(const QStringList &statements)
{
    const auto at = std::find_if(statements.cbegin(), statements.cend(), [](const QString &s) { return s.startsWith(u"CREATE PROCEDURE"_s); });
    return at == statements.cend() ? 0 : at - statements.cbegin();
}

// A MySQL/MariaDB statement whose body holds semicolons of its own (the backfill's procedure, the
// sync's triggers): a client that splits at ';' must take it whole.
bool compound(Engine engine, const QString &statement)
{
    return isMySql(engine) && (statement.startsWith(u"CREATE PROCEDURE"_s) || statement.startsWith(u"CREATE TRIGGER"_s));
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
    if (!step.backfill.isNull() || plan.engine == Engine::SQLite || (plan.engine == Engine::PostgreSQL && !step.transactional))
        return {};
    return {plan.settings.lockTimeoutSql(plan.engine)};
}

QStringList PlanExport::statements(const Plan &plan, const PlanStep &step)
{
    // The session modes the plan's SQL is read in (as the runner's session sets them) go with the
    // lock timeout before each schema change: a migration tool's session has the server's modes.
    // A MySQL procedure is parsed, and later run, in the sql_mode of its creation.
    if (!step.gate.isEmpty()) // no statement; a migration tool needs one to keep the file
        return {u"SELECT 1"_s};
    const QStringList timeout = lockTimeout(plan, step);
    if (step.backfill.isNull())
        return (timeout.isEmpty() ? QStringList() : SessionModes::sql(plan.engine)) + timeout + step.sql;
    if (plan.engine == Engine::PostgreSQL)
        return postgresBackfill(plan, step);
    if (isMySql(plan.engine))
        return SessionModes::sql(plan.engine) + mysqlBackfill(plan, step);
    // SQLite cannot loop in SQL: one statement, under its database-wide write lock.
    return {step.backfill.wholeTableSql()};
}

bool PlanExport::needsNoTransaction(const Plan &plan, const PlanStep &step)
{
    if (!step.transactional)
        return true;
    // The batched loops commit as they go.
    return !step.backfill.isNull() && plan.engine != Engine::SQLite;
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
            // Flyway's MySQL parser needs a body with semicolons under another delimiter.
            for (const QString &statement : sql)
                text += compound(plan.engine, statement) ? u"DELIMITER //\n"_s + statement + u"//\nDELIMITER ;\n"_s
                                                         : statement + u";\n"_s;
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
            if (isMySql(plan.engine) && !s.backfill.isNull()) {
                // The procedure's body holds semicolons: its own changeset, not split, after the
                // session modes it is to be parsed in.
                const qsizetype body = procedureAt(sql);
                if (body > 0)
                    text += changesetLine(true) + joined(sql.mid(0, body)) + u"--rollback empty\n"_s;
                text += changesetLine(false) + sql.at(body) + u";\n--rollback DROP PROCEDURE IF EXISTS "_s
                        + sql.last().mid(u"DROP PROCEDURE "_s.size()) + u";\n"_s;
                text += changesetLine(true) + joined(sql.mid(body + 1)) + rollback();
            } else if (std::any_of(sql.cbegin(), sql.cend(), [&](const QString &q) { return compound(plan.engine, q); })) {
                // The sync's triggers: each its own changeset, not split, undone by its own DROP
                // (rollbackSql names them in the same order); the session modes before them.
                QStringList plain;
                int trigger = 0;
                for (const QString &statement : sql) {
                    if (!compound(plan.engine, statement)) {
                        plain << statement;
                        continue;
                    }
                    if (!plain.isEmpty())
                        text += changesetLine(true) + joined(plain) + u"--rollback empty\n"_s;
                    plain.clear();
                    const QString undo = trigger < s.rollbackSql.size() ? s.rollbackSql.at(trigger) : QString();
                    ++trigger;
                    text += changesetLine(false) + statement + u";\n"_s
                        + (undo.isEmpty() ? u"--rollback empty\n"_s : u"--rollback %1;\n"_s.arg(undo));
                }
                if (!plain.isEmpty())
                    text += changesetLine(true) + joined(plain) + u"--rollback empty\n"_s;
            } else {
                const bool block = !s.backfill.isNull() && plan.engine == Engine::PostgreSQL;
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
