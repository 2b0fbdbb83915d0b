#include "specvalidator.h"
#include "sync.h"

#include "expressioneffects.h"
#include "generatednames.h"
#include "typenamereader.h"

#include "catalog/catalogreader.h"
#include "connection/databaseconnection.h"
#include "connection/readonlyquery.h"
#include "sql/quoting.h"
#include "sql/sqlfragment.h"
#include "sql/sqliteschemasql.h"

#include <QRegularExpression>
#include <QScopeGuard>
#include <QSqlError>
#include <QSqlQuery>

namespace Stagecraft {

namespace {

// The first line of a server message, without libpq's "ERROR:" or the driver's suffix.
QString firstLine(const QString &message)
{
    return message.trimmed().section(QLatin1Char('\n'), 0, 0).remove(QRegularExpression(QStringLiteral("^ERROR:\\s*")))
        .remove(QRegularExpression(QStringLiteral("\\s*Q(PSQL|MYSQL|SQLITE)[^:]*:.*$")));
}

QString serverText(const QSqlError &error)
{
    return firstLine(error.databaseText().trimmed().isEmpty() ? error.text() : error.databaseText());
}

// int, integer, int4 ... to one spelling, so a foreign key's types can be compared.
QString canonicalType(QString type)
{
    type = type.toLower().section(QLatin1Char('('), 0, 0).trimmed();
    static const QHash<QString, QString> aliases = {
        {QStringLiteral("int4"), QStringLiteral("integer")}, {QStringLiteral("int"), QStringLiteral("integer")},
        {QStringLiteral("int8"), QStringLiteral("bigint")}, {QStringLiteral("int2"), QStringLiteral("smallint")},
        {QStringLiteral("serial"), QStringLiteral("integer")}, {QStringLiteral("bigserial"), QStringLiteral("bigint")},
        {QStringLiteral("varchar"), QStringLiteral("character varying")}, {QStringLiteral("bool"), QStringLiteral("boolean")},
        {QStringLiteral("decimal"), QStringLiteral("numeric")}, {QStringLiteral("timestamptz"), QStringLiteral("timestamp with time zone")},
        {QStringLiteral("float8"), QStringLiteral("double precision")}, {QStringLiteral("double"), QStringLiteral("double precision")},
    };
    return aliases.value(type, type);
}

// Tables that are not the application's to change, with why: the engine's own catalogs, and
// Stagecraft's journal (app/run/journal.h: schema stagecraft on PostgreSQL, the tables
// stagecraft_runs and stagecraft_steps elsewhere), to which a column once added broke every later run.
QString refusedTarget(Engine e, const TableRef &table)
{
    const QString shown = table.schema + QLatin1Char('.') + table.name;
    const QString journal = QStringLiteral("%1 is Stagecraft's own journal of runs: a column added there would break every later run")
                                .arg(shown);
    const QString system = QStringLiteral("%1 is in %2, a system schema of %3: Stagecraft adds columns to the application's tables only")
                               .arg(shown, table.schema, engineName(e));
    const auto oneOf = [](const QString &name, std::initializer_list<const char *> names) {
        return std::any_of(names.begin(), names.end(), [&](const char *n) { return name.compare(QLatin1String(n), Qt::CaseInsensitive) == 0; });
    };
    switch (e) {
    case Engine::PostgreSQL:
        // pg_catalog, pg_toast, pg_temp_N, pg_toast_temp_N: CREATE SCHEMA refuses the pg_ prefix to users.
        if (table.schema.startsWith(QLatin1String("pg_")) || table.schema == QLatin1String("information_schema"))
            return system;
        if (table.schema == QLatin1String("stagecraft") && (table.name == QLatin1String("runs") || table.name == QLatin1String("steps")))
            return journal;
        return {};
    case Engine::MySQL:
    case Engine::MariaDB:
        if (oneOf(table.schema, {"mysql", "information_schema", "performance_schema", "sys"}))
            return system;
        return oneOf(table.name, {"stagecraft_runs", "stagecraft_steps"}) ? journal : QString();
    case Engine::SQLite:
        if (table.name.startsWith(QLatin1String("sqlite_"), Qt::CaseInsensitive))
            return QStringLiteral("%1 is a table SQLite keeps for itself: Stagecraft adds columns to the application's tables only")
                .arg(table.name);
        return oneOf(table.name, {"stagecraft_runs", "stagecraft_steps"}) ? journal : QString();
    }
    return {};
}

} // namespace

SpecValidator::SpecValidator(DatabaseConnection &connection)
    : m_connection(connection)
{
}

bool SpecValidator::validate(const ColumnSpec &spec, PlannerInput *input, QList<SpecProblem> *problems, Plan *plan)
{
    m_lost = {};
    const qsizetype before = problems->size();
    if (checkSpec(spec, input, problems, plan) || problems->size() == before || m_connection.engine() == Engine::SQLite)
        return problems->size() == before;
    // A server that went away half-way fails every later check, which would read as problems of the
    // spec (issue 12: "a problem of default", exit 2): if it no longer answers, they are dropped
    // for the one problem that is true.
    QSqlError gone;
    if (m_connection.answers(&gone))
        return false;
    m_lost = ConnectionError::fromQueryFailure(QStringLiteral("checking the spec"), gone);
    m_lost.kind = ConnectionError::Kind::Lost;
    // The first failure says why, where something between closed the session (a pooler in
    // statement mode: "transaction blocks not allowed in statement pooling mode").
    const QString first = problems->at(before).message.simplified();
    m_lost.explanation = QStringLiteral("The connection to the server was lost while checking the spec (first: %1): nothing was planned.")
                             .arg(first.left(300));
    problems->remove(before, problems->size() - before);
    problems->append({QStringLiteral("connection"), m_lost.text()});
    return false;
}

QString SpecValidator::userFacing(const QString &message, const ColumnSpec &spec)
{
    // The server's messages about the checks' own objects (a temporary table, view, constraint or
    // prepared statement named stagecraft_probe, its column stagecraft_probe_value, its constraint
    // stagecraft_probe_check) speak of what the user asked for instead.
    static const QRegularExpression probe(QStringLiteral("(?:(\\b(?:relation|table|view)\\s+)?([\"`']?)(?:pg_temp(?:_\\d+)?\\.)?"
                                                         "stagecraft_probe(_value|_check|_id)?\\b\\2)"));
    // SQLite's probe of a NOT NULL default names its one column x: that is the new column.
    static const QRegularExpression probeColumn(QStringLiteral("\\bstagecraft_probe\\.x\\b"));
    const QString source = QString(message).replace(probeColumn, spec.table.name + QLatin1Char('.') + spec.name);
    QString text;
    qsizetype at = 0;
    auto it = probe.globalMatch(source);
    while (it.hasNext()) {
        const auto m = it.next();
        text += source.mid(at, m.capturedStart() - at);
        const QString part = m.captured(3);
        const QString kind = m.captured(1).isEmpty() ? QString() : QStringLiteral("table ");
        if (part == QLatin1String("_value"))
            text += QStringLiteral("\"%1\"").arg(spec.name);
        else if (part == QLatin1String("_check"))
            text += QStringLiteral("the CHECK");
        else if (part == QLatin1String("_id"))
            text += QStringLiteral("a column of %1").arg(spec.table.name);
        else
            text += kind + m.captured(2) + spec.table.name + m.captured(2);
        at = m.capturedEnd();
    }
    return text + source.mid(at);
}

QList<SpecProblem> SpecValidator::warnings(Engine engine, const ColumnSpec &spec, const TableDetails &table)
{
    QList<SpecProblem> found;
    QString why;
    if (!spec.check.isEmpty() && !spec.name.isEmpty() && SqlFragment::check(engine, spec.check, &why)) {
        // Read with the engine's own name rules (quoted names exactly, bare ones folded), as the
        // server would: a CHECK that names only other columns constrains them, not the new one.
        QStringList columns{spec.name};
        for (const ColumnInfo &c : table.columns)
            columns << c.name;
        if (!SqlFragment::columnsRead(engine, spec.check, spec.table.name, columns).contains(spec.name))
            found.append({QStringLiteral("check"),
                          QStringLiteral("CHECK (%1) does not mention %2: it constrains other columns, and fails writes of the "
                                         "application that break it").arg(spec.check, spec.name)});
    }
    return found;
}

bool SpecValidator::checkSpec(const ColumnSpec &spec, PlannerInput *input, QList<SpecProblem> *problems, Plan *plan)
{
    const auto before = problems->size();
    const Engine e = m_connection.engine();
    input->spec = spec;
    const auto rewrite = qScopeGuard([&] {
        for (qsizetype i = before; i < problems->size(); ++i)
            (*problems)[i].message = userFacing(problems->at(i).message, input->spec);
    });
    input->server = m_connection.server();
    if (input->targetVersion == 0)
        input->targetVersion = input->server.versionNumber;
    if (e == Engine::SQLite && input->spec.table.schema.isEmpty())
        input->spec.table.schema = QStringLiteral("main");
    if (e != Engine::PostgreSQL && e != Engine::SQLite && input->spec.table.schema.isEmpty())
        input->spec.table.schema = m_connection.profile().database;
    if (e == Engine::PostgreSQL && input->spec.table.schema.isEmpty())
        input->spec.table.schema = QStringLiteral("public");
    if (input->spec.hasForeignKey() && input->spec.referencedTable.schema.isEmpty())
        input->spec.referencedTable.schema = input->spec.table.schema;

    if (const QString refusal = refusedTarget(e, input->spec.table); !refusal.isEmpty()) {
        problems->append({QStringLiteral("table"), refusal});
        return false;
    }
    auto reader = CatalogReader::create(m_connection);
    ConnectionError error;
    if (!reader->describeTable(input->spec.table, &input->table, &error)) {
        problems->append({QStringLiteral("table"), error.kind == ConnectionError::Kind::Lost ? error.text()
                                                                                            : error.explanation});
        return false;
    }
    if (input->table.kind == RelationKind::View)
        problems->append({QStringLiteral("table"), QStringLiteral("%1 is a view: columns are added to tables").arg(spec.table.name)});
    if (input->table.kind == RelationKind::Partition)
        problems->append({QStringLiteral("table"), QStringLiteral("%1 is a partition: PostgreSQL adds columns to its partitioned "
                                                                  "table, which passes them on to every partition").arg(spec.table.name)});
    if (input->table.kind == RelationKind::PartitionedTable)
        checkPartitioned(input->spec, *input, problems);

    checkName(input->spec, input->table, problems);
    // Fields whose text must not reach the server (or, for the type, makes every server check moot).
    QSet<QString> unsafe;
    // A name already taken is its own problem: the CHECK's probe adds the column again, and the
    // server would only refuse the name once more, under CHECK.
    if (std::any_of(problems->cbegin() + before, problems->cend(), [](const SpecProblem &p) { return p.field == QLatin1String("name"); }))
        unsafe << QStringLiteral("check");
    if (const QString why = systemColumn(input->spec.name, input->table); !why.isEmpty()) {
        problems->append({QStringLiteral("name"), why});
        unsafe << QStringLiteral("type"); // the server's probes would only refuse the name again, on other fields
    }
    if (spec.type.trimmed().isEmpty()) {
        problems->append({QStringLiteral("type"), QStringLiteral("is missing")});
        unsafe << QStringLiteral("type");
    } else {
        QString why;
        if (!SqlFragment::check(e, spec.type, &why)) {
            problems->append({QStringLiteral("type"), why});
            unsafe << QStringLiteral("type");
        } else if (const QString wrong = TypeNameReader::problem(e, spec.type); !wrong.isEmpty()) {
            problems->append({QStringLiteral("type"), wrong});
            unsafe << QStringLiteral("type");
        } else {
            const auto known = problems->size();
            checkTypeParameters(spec, problems);
            if (problems->size() > known)
                unsafe << QStringLiteral("type"); // the server would only say the same again
        }
    }
    for (const auto &[field, text] : {std::pair{QStringLiteral("default"), spec.defaultKind == ColumnSpec::DefaultKind::Expression ? spec.defaultValue : QString()},
                                      std::pair{QStringLiteral("backfill"), spec.backfill},
                                      std::pair{QStringLiteral("check"), spec.check}}) {
        QString why;
        if (!text.isEmpty() && !SqlFragment::check(e, text, &why)) {
            problems->append({field, why});
            unsafe << field;
        }
    }
    if (spec.sync == true && spec.backfill.isEmpty())
        problems->append({QStringLiteral("sync"), QStringLiteral("needs a backfill expression: the sync computes it for the rows "
                                                                 "an application writes without the column")});
    if (e == Engine::SQLite && !spec.comment.isEmpty())
        problems->append({QStringLiteral("comment"), QStringLiteral("SQLite has nowhere to keep a column comment, so it would be "
                                                                    "lost: leave it empty")});
    if (e == Engine::SQLite && input->table.kind == RelationKind::Table) {
        // A rebuild edits the table's own CREATE TABLE, and a WITHOUT ROWID table is found by it.
        SqliteSchemaSql::TableParts parts;
        QString why;
        if (!SqliteSchemaSql::parseCreateTable(input->table.createSql, &parts, &why))
            problems->append({QStringLiteral("table"), QStringLiteral("the CREATE TABLE of %1 cannot be read: %2").arg(spec.table.name, why)});
    }
    if (!spec.after.isEmpty()) {
        if (e != Engine::MySQL && e != Engine::MariaDB)
            problems->append({QStringLiteral("after"), QStringLiteral("only MySQL and MariaDB place a column; %1 adds it last").arg(engineName(e))});
        else if (!input->table.column(spec.after))
            problems->append({QStringLiteral("after"), QStringLiteral("%1 has no column %2").arg(spec.table.name, spec.after)});
    }
    const bool rowsLikely = input->table.estimatedRows != 0;
    if (!spec.nullable && spec.defaultKind == ColumnSpec::DefaultKind::None && spec.backfill.isEmpty() && rowsLikely)
        problems->append({QStringLiteral("nullable"), QStringLiteral("existing rows need a value for a NOT NULL column: give "
                                                                     "a default or a backfill expression")});
    if (spec.unique && spec.defaultKind == ColumnSpec::DefaultKind::Literal && spec.backfill.isEmpty()
        && input->table.estimatedRows > 1)
        problems->append({QStringLiteral("unique"), QStringLiteral("every existing row would get the same default, which "
                                                                   "cannot be unique: give a backfill expression")});
    if (spec.hasForeignKey() && !spec.nullable && spec.onDelete == QLatin1String("SET NULL"))
        problems->append({QStringLiteral("references"), QStringLiteral("ON DELETE SET NULL needs a nullable column")});
    if (spec.hasForeignKey())
        checkForeignKey(input->spec, input, problems);
    // The server's word on types, literals and expressions, for every field whose text is safe to send.
    if (!unsafe.contains(QStringLiteral("type"))) {
        checkOnServer(input->spec, unsafe, input, problems);
        checkSideEffects(input->spec, unsafe, input, problems);
    }
    // After the server's checks, which tell the planner how it judged the default: the plan itself
    // says which objects it creates and under what names. An existing column is a problem of its
    // own already.
    if (spec.name.isEmpty() || input->table.column(spec.name))
        return problems->size() == before;
    const Plan planned = Planner::plan(*input);
    static_cast<void>(GeneratedNames::check(m_connection, planned, problems));
    if (planned.sync.enabled && (e == Engine::MySQL || e == Engine::MariaDB))
        checkTriggerPrivilege(problems);
    if (plan) {
        *plan = planned;
        const ConnectionProfile &where = m_connection.profile();
        plan->host = where.host;
        plan->port = where.engine == Engine::SQLite ? 0 : where.effectivePort();
        plan->database = where.database;
        for (const SpecProblem &w : warnings(e, input->spec, input->table))
            plan->warnings << w.message;
    }
    return problems->size() == before;
}

void SpecValidator::checkName(const ColumnSpec &spec, const TableDetails &table, QList<SpecProblem> *problems) const
{
    const Engine e = m_connection.engine();
    const QString &name = spec.name;
    if (name.isEmpty()) {
        problems->append({QStringLiteral("name"), QStringLiteral("is missing")});
        return;
    }
    for (const QChar c : name) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f) {
            problems->append({QStringLiteral("name"), QStringLiteral("contains a control character")});
            return;
        }
    }
    if (e == Engine::PostgreSQL && name.toUtf8().size() > 63)
        problems->append({QStringLiteral("name"), QStringLiteral("is %1 bytes long; PostgreSQL allows 63").arg(name.toUtf8().size())});
    if ((e == Engine::MySQL || e == Engine::MariaDB) && name.size() > 64)
        problems->append({QStringLiteral("name"), QStringLiteral("is %1 characters long; %2 allows 64").arg(name.size()).arg(engineName(e))});
    if ((e == Engine::MySQL || e == Engine::MariaDB) && name.endsWith(QLatin1Char(' ')))
        problems->append({QStringLiteral("name"), QStringLiteral("ends with a space, which %1 does not allow").arg(engineName(e))});
    // PostgreSQL compares quoted names exactly; MySQL, MariaDB and SQLite ignore case in column names.
    const Qt::CaseSensitivity cs = e == Engine::PostgreSQL ? Qt::CaseSensitive : Qt::CaseInsensitive;
    for (const ColumnInfo &c : table.columns) {
        if (c.name.compare(name, cs) == 0) {
            problems->append({QStringLiteral("name"), QStringLiteral("%1 already has a column %2").arg(spec.table.name, c.name)});
            break;
        }
    }
}

QString SpecValidator::systemColumn(const QString &name, const TableDetails &table) const
{
    const Engine e = m_connection.engine();
    const auto oneOf = [&](std::initializer_list<const char *> names, Qt::CaseSensitivity cs) {
        return std::any_of(names.begin(), names.end(), [&](const char *n) { return name.compare(QLatin1String(n), cs) == 0; });
    };
    switch (e) {
    case Engine::PostgreSQL:
        // oid stopped being one in PostgreSQL 12 (WITH OIDS is gone); quoted names compare exactly.
        if (oneOf({"ctid", "xmin", "xmax", "cmin", "cmax", "tableoid"}, Qt::CaseSensitive)
            || (name == QLatin1String("oid") && m_connection.server().versionNumber < 120000))
            return QStringLiteral("%1 is the name of a system column every PostgreSQL table has: name the column differently").arg(name);
        return {};
    case Engine::MySQL:
    case Engine::MariaDB:
        if (oneOf({"DB_ROW_ID", "DB_TRX_ID", "DB_ROLL_PTR"}, Qt::CaseInsensitive))
            return QStringLiteral("%1 is the name of one of InnoDB's hidden system columns, which the server refuses (Incorrect "
                                  "column name): name the column differently").arg(name);
        return {};
    case Engine::SQLite:
        // SQLite takes the column, which then hides the rowid from whatever finds rows by it.
        if (!table.withoutRowid && oneOf({"rowid", "oid", "_rowid_"}, Qt::CaseInsensitive))
            return QStringLiteral("%1 names the rowid of %2, which a column of that name would hide from everything that finds "
                                  "rows by it: name the column differently").arg(name, table.table.name);
        return {};
    }
    return {};
}

void SpecValidator::checkPartitioned(const ColumnSpec &spec, const PlannerInput &input, QList<SpecProblem> *problems) const
{
    const QString &table = spec.table.name;
    const int v = input.targetVersion;
    if (spec.unique)
        problems->append({QStringLiteral("unique"), QStringLiteral("%1 is partitioned: a unique index there must include the "
                                                                   "partition key, so the new column cannot be unique on its own")
                                                        .arg(table)});
    if (spec.hasForeignKey() && v < 180000)
        problems->append({QStringLiteral("references"), QStringLiteral("%1 is partitioned: PostgreSQL before 18 cannot add a "
                                                                       "foreign key NOT VALID there, and a validated one would "
                                                                       "block writes on both tables while every row is checked")
                                                            .arg(table)});
    if (spec.unique || (!spec.index && !spec.hasForeignKey()))
        return;
    // The index (also the one a foreign key gets) is built per partition, one level deep.
    const QString field = spec.index ? QStringLiteral("index") : QStringLiteral("references");
    if (v < 110000) {
        problems->append({field, QStringLiteral("%1 is partitioned: PostgreSQL 10 cannot index a partitioned table").arg(table)});
        return;
    }
    for (const PartitionInfo &p : input.table.partitions) {
        if (p.partitioned)
            problems->append({field, QStringLiteral("partition %1 of %2 is itself partitioned: Stagecraft builds a partitioned "
                                                    "table's index concurrently one level deep only").arg(p.table.name, table)});
        else if (p.foreign)
            problems->append({field, QStringLiteral("partition %1 of %2 is a foreign table, which cannot have an index")
                                         .arg(p.table.name, table)});
    }
}

void SpecValidator::checkTypeParameters(const ColumnSpec &spec, QList<SpecProblem> *problems) const
{
    static const QRegularExpression re(QStringLiteral("^\\s*([A-Za-z ]+?)\\s*\\(\\s*(-?\\d+)\\s*(?:,\\s*(-?\\d+)\\s*)?\\)"));
    const auto m = re.match(spec.type);
    if (!m.hasMatch())
        return;
    const QString base = canonicalType(m.captured(1));
    const int first = m.captured(2).toInt();
    const bool hasSecond = !m.captured(3).isEmpty();
    const int second = m.captured(3).toInt();
    const Engine e = m_connection.engine();
    auto range = [&](int value, int low, int high, const QString &what) {
        if (value < low || value > high)
            problems->append({QStringLiteral("type"), QStringLiteral("%1 %2 is out of range: %3 allows %4 to %5")
                                                          .arg(what).arg(value).arg(engineName(e)).arg(low).arg(high)});
    };
    const bool pg = e == Engine::PostgreSQL, my = e == Engine::MySQL || e == Engine::MariaDB;
    if (base == QLatin1String("character varying") || base == QLatin1String("character") || base == QLatin1String("char")) {
        if (pg)
            range(first, 1, 10485760, QStringLiteral("length"));
        else if (my)
            range(first, base == QLatin1String("character varying") ? 0 : 0, base == QLatin1String("character varying") ? 65535 : 255,
                  QStringLiteral("length"));
    } else if (base == QLatin1String("numeric")) {
        if (pg)
            range(first, 1, 1000, QStringLiteral("precision"));
        else if (my)
            range(first, 1, 65, QStringLiteral("precision"));
        if (hasSecond && (pg || my)) {
            range(second, 0, my ? 30 : 1000, QStringLiteral("scale"));
            if (second > first)
                problems->append({QStringLiteral("type"), QStringLiteral("scale %1 is larger than precision %2").arg(second).arg(first)});
        }
    } else if (base.startsWith(QLatin1String("timestamp")) || base.startsWith(QLatin1String("time"))
               || base == QLatin1String("datetime")) {
        if (pg || my)
            range(first, 0, 6, QStringLiteral("fractional-second precision"));
    }
}

QString SpecValidator::tryRolledBack(const QStringList &statements, Evaluation evaluation)
{
    QSqlDatabase db = m_connection.database();
    const Engine e = m_connection.engine();
    // A statement that may evaluate a user expression runs READ ONLY under a short statement
    // timeout: whatever the expression calls cannot write, and cannot make validation wait.
    if (evaluation == Evaluation::Evaluates) {
        ReadOnlyQuery query(m_connection, ProbeTimeoutMs);
        if (!query.begin())
            return serverText(query.query().lastError());
        for (const QString &statement : statements) {
            if (!query.exec(statement))
                return serverText(query.query().lastError());
        }
        return {};
    }
    // MySQL and MariaDB commit DDL implicitly, except on temporary tables: the checks use only those.
    const bool my = e == Engine::MySQL || e == Engine::MariaDB;
    if (!my && !db.transaction())
        return serverText(db.lastError());
    QString failure;
    QSqlQuery q(db);
    if (e == Engine::PostgreSQL && !q.exec(QStringLiteral("SET LOCAL statement_timeout = %1").arg(ProbeTimeoutMs)))
        failure = serverText(q.lastError());
    for (const QString &statement : statements) {
        if (!failure.isEmpty())
            break;
        if (!q.exec(statement))
            failure = serverText(q.lastError());
    }
    q.finish();
    if (my)
        static_cast<void>(q.exec(QStringLiteral("DROP TEMPORARY TABLE IF EXISTS stagecraft_probe")));
    else
        db.rollback();
    return failure;
}

void SpecValidator::checkSideEffects(const ColumnSpec &spec, const QSet<QString> &unsafe, PlannerInput *input,
                                     QList<SpecProblem> *problems)
{
    // What each expression calls, read from the catalog and its text without running it; a function
    // with a side effect outside the row is a problem on its field unless the spec accepts it.
    using Place = CatalogReader::ExpressionPlace;
    const Engine e = m_connection.engine();
    auto reader = CatalogReader::create(m_connection);
    for (const auto &[field, place, text] : {std::tuple{QStringLiteral("default"), Place::Default,
                                                        spec.defaultKind == ColumnSpec::DefaultKind::Expression ? spec.defaultValue : QString()},
                                             std::tuple{QStringLiteral("backfill"), Place::Backfill, spec.backfill},
                                             std::tuple{QStringLiteral("check"), Place::Check, spec.check}}) {
        const bool known = std::any_of(problems->cbegin(), problems->cend(), [&](const SpecProblem &p) { return p.field == field; });
        if (text.isEmpty() || unsafe.contains(field) || known)
            continue;
        ExpressionCalls calls;
        ConnectionError error;
        if (!reader->functionsCalled(place, text, spec.type, spec.table, spec.name, &calls, &error)) {
            problems->append({field, error.serverMessage.isEmpty() ? error.explanation : firstLine(error.serverMessage)});
            continue;
        }
        for (const SideEffect &effect : ExpressionEffects::judge(e, field, calls)) {
            if (ExpressionEffects::accepted(effect, spec.sideEffects))
                input->acceptedEffects << effect;
            else
                problems->append({field, ExpressionEffects::problem(effect)});
        }
    }
}

void SpecValidator::checkOnServer(const ColumnSpec &spec, const QSet<QString> &unsafe, PlannerInput *input,
                                  QList<SpecProblem> *problems)
{
    const Engine e = m_connection.engine();
    const QString table = quoteQualified(e, spec.table.schema, spec.table.name);
    const QString column = quoteIdentifier(e, spec.name);
    const bool literal = spec.defaultKind == ColumnSpec::DefaultKind::Literal;
    const bool expression = spec.defaultKind == ColumnSpec::DefaultKind::Expression && !unsafe.contains(QStringLiteral("default"));
    const bool backfill = !spec.backfill.isEmpty() && !unsafe.contains(QStringLiteral("backfill"));
    const bool check = !spec.check.isEmpty() && !unsafe.contains(QStringLiteral("check"));
    QString failure;
    if (e == Engine::PostgreSQL) {
        // A cast runs a domain's CHECK, which may call anything: read only.
        if (!(failure = tryRolledBack({QStringLiteral("SELECT NULL::%1").arg(spec.type)}, Evaluation::Evaluates)).isEmpty()) {
            problems->append({QStringLiteral("type"), failure});
            return;
        }
        // The server's own type-name parser, as a second gate behind TypeNameReader: to_regtype reads
        // exactly one type name from a string (a literal here, so nothing of it is executed).
        // The text is kept as written: before PostgreSQL 17 (to_regtypemod) the server cannot give
        // back the name with its parameters, and plans show what the user typed.
        QSqlQuery regtype(m_connection.database());
        if (!regtype.exec(QStringLiteral("SELECT to_regtype(%1) IS NOT NULL").arg(quoteLiteral(e, spec.type)))
            || !regtype.next() || !regtype.value(0).toBool()) {
            problems->append({QStringLiteral("type"), QStringLiteral("is not one type name to the server%1")
                                                          .arg(regtype.lastError().isValid()
                                                                   ? QStringLiteral(": ") + serverText(regtype.lastError())
                                                                   : QString())});
            return;
        }
        regtype.finish();
        ConnectionError typeError;
        if (!CatalogReader::create(m_connection)->probeTypeRewrite(spec.type, &input->typeRewritesTable, &typeError))
            problems->append({QStringLiteral("type"), typeError.serverMessage.isEmpty() ? typeError.explanation
                                                                                        : firstLine(typeError.serverMessage)});
        if (literal && !(failure = tryRolledBack({QStringLiteral("SELECT %1::%2").arg(quoteLiteral(e, spec.defaultValue), spec.type)},
                                                 Evaluation::Evaluates)).isEmpty())
            problems->append({QStringLiteral("default"), QStringLiteral("%1 does not fit %2: %3").arg(quoteLiteral(e, spec.defaultValue), spec.type, failure)});
        if (expression) {
            ConnectionError error;
            if (!CatalogReader::create(m_connection)->probeDefault(spec.type, spec.defaultValue, &input->defaultProbe, &error))
                problems->append({QStringLiteral("default"), error.serverMessage.isEmpty() ? error.explanation
                                                                                           : firstLine(error.serverMessage)});
        }
        if (backfill
            && !(failure = tryRolledBack({QStringLiteral("SELECT (%1)::%2 FROM %3 LIMIT 0").arg(spec.backfill, spec.type, table)},
                                         Evaluation::Evaluates)).isEmpty())
            problems->append({QStringLiteral("backfill"), failure});
        // The sync evaluates the backfill over each row an application writes, in its function's
        // form: the server resolves it there too (a schema-qualified column does not), unrun.
        else if (backfill && Sync::decide(e, spec, input->table).enabled
                 && !(failure = tryRolledBack({QStringLiteral("SELECT (%1)::%2 FROM unnest(ARRAY[NULL::%3]) AS %4 LIMIT 0")
                                                   .arg(spec.backfill, spec.type, table, quoteIdentifier(e, spec.table.name))},
                                              Evaluation::Evaluates)).isEmpty())
            problems->append({QStringLiteral("backfill"), QStringLiteral("the sync computes it for each row an application writes, where "
                                                                         "the server refuses it (%1): name the row's columns alone or as "
                                                                         "%2.column, or set \"sync\": false")
                                                              .arg(failure, spec.table.name)});
        if (check
            && !(failure = tryRolledBack({QStringLiteral("CREATE TEMPORARY TABLE stagecraft_probe (LIKE %1) ON COMMIT DROP").arg(table),
                                          QStringLiteral("ALTER TABLE stagecraft_probe ADD COLUMN %1 %2").arg(column, spec.type),
                                          QStringLiteral("ALTER TABLE stagecraft_probe ADD CHECK (%1) NOT VALID").arg(spec.check)})).isEmpty())
            problems->append({QStringLiteral("check"), failure});
    } else if (e == Engine::MySQL || e == Engine::MariaDB) {
        QString definition = column + QLatin1Char(' ') + spec.type;
        if (literal)
            definition += QLatin1String(" DEFAULT ") + quoteLiteral(e, spec.defaultValue);
        if (!(failure = tryRolledBack({QStringLiteral("CREATE TEMPORARY TABLE stagecraft_probe (%1)").arg(definition)})).isEmpty())
            problems->append({literal ? QStringLiteral("default") : QStringLiteral("type"), failure});
        // Neither evaluates the expression: CREATE TABLE stores a default, PREPARE resolves a
        // statement's names and functions without running it.
        if (expression
            && !(failure = tryRolledBack({QStringLiteral("CREATE TEMPORARY TABLE stagecraft_probe (%1 %2 DEFAULT (%3))")
                                              .arg(column, spec.type, spec.defaultValue)})).isEmpty())
            problems->append({QStringLiteral("default"), failure});
        if (backfill
            && !(failure = tryRolledBack({QStringLiteral("PREPARE stagecraft_probe FROM %1")
                                              .arg(quoteLiteral(e, QStringLiteral("SELECT (%1) FROM %2 LIMIT 0").arg(spec.backfill, table))),
                                          QStringLiteral("DEALLOCATE PREPARE stagecraft_probe")})).isEmpty())
            problems->append({QStringLiteral("backfill"), failure});
        if (check
            && !(failure = tryRolledBack({QStringLiteral("CREATE TEMPORARY TABLE stagecraft_probe LIKE %1").arg(table),
                                          QStringLiteral("ALTER TABLE stagecraft_probe ADD COLUMN %1 %2, ADD CHECK (%3)")
                                              .arg(column, spec.type, spec.check)})).isEmpty())
            problems->append({QStringLiteral("check"), failure});
    } else {
        // SQLite accepts any type name; expressions are checked against the table's columns. EXPLAIN
        // compiles a statement without running it: SQLite finds unknown names and misused aggregates
        // then, so no user expression is evaluated, except a NOT NULL default, which SQLite keeps only
        // as a constant expression (no sub-query, no column) and which is tried on one row.
        const QString withColumn = QStringLiteral("(SELECT *, NULL AS %1 FROM %2)").arg(column, table);
        if (expression && !(failure = tryRolledBack({QStringLiteral("EXPLAIN SELECT (%1)").arg(spec.defaultValue)})).isEmpty()) {
            problems->append({QStringLiteral("default"), failure});
        } else if (expression
                   && !(failure = tryRolledBack({QStringLiteral("CREATE TEMP TABLE stagecraft_probe (x %1)").arg(spec.type),
                                                 QStringLiteral("INSERT INTO stagecraft_probe VALUES (NULL)"),
                                                 QStringLiteral("EXPLAIN UPDATE stagecraft_probe SET x = (%1)").arg(spec.defaultValue)}))
                            .isEmpty()) {
            // SELECT takes an aggregate (count(*)) that UPDATE refuses, and a trigger doing that UPDATE
            // would make every INSERT into the table fail.
            problems->append({QStringLiteral("default"), QStringLiteral("SQLite cannot set a column to it: %1").arg(failure)});
        } else if (expression && !spec.nullable
                   && !(failure = tryRolledBack({QStringLiteral("CREATE TEMP TABLE stagecraft_probe (x %1 NOT NULL DEFAULT (%2))")
                                                     .arg(spec.type, spec.defaultValue),
                                                 QStringLiteral("INSERT INTO stagecraft_probe DEFAULT VALUES")}))
                            .isEmpty()) {
            // A trigger cannot stand in for the DEFAULT of a NOT NULL column (the INSERT fails before an
            // AFTER trigger runs, and a BEFORE trigger cannot change the row): the table itself must
            // keep it, and CREATE TABLE takes only a constant expression (sqlite.org/lang_createtable.html).
            // SQLite itself is asked, on an empty temporary table, with a row inserted without the column.
            problems->append({QStringLiteral("default"),
                              QStringLiteral("SQLite keeps a default for a NOT NULL column only as a constant expression "
                                             "(no sub-query, column, parameter or double-quoted string) that is not "
                                             "NULL: %1. Give such an expression, or make the column nullable (a trigger "
                                             "then gives new rows the value)").arg(failure)});
        }
        if (backfill
            && !(failure = tryRolledBack({QStringLiteral("EXPLAIN SELECT (%1) FROM %2").arg(spec.backfill, table)})).isEmpty())
            problems->append({QStringLiteral("backfill"), failure});
        if (check
            && !(failure = tryRolledBack({QStringLiteral("EXPLAIN SELECT (%1) FROM %2").arg(spec.check, withColumn)})).isEmpty())
            problems->append({QStringLiteral("check"), failure});
    }
}

void SpecValidator::checkTriggerPrivilege(QList<SpecProblem> *problems)
{
    // With binary logging on, MySQL and MariaDB let only SUPER create a trigger unless
    // log_bin_trust_function_creators is 1: CREATE TRIGGER fails with 1419 for anyone else, even with
    // ALL PRIVILEGES on the schema, and on MariaDB DROP TRIGGER too (measured on MariaDB 11.8 and
    // MySQL 9.7, notes Q6). The plan would fail at its sync step, or on MariaDB leave triggers a
    // rollback could not drop: refused here, before it is offered. CURRENT_USER() is the account
    // the server checks privileges for, written user@host; USER_PRIVILEGES names it 'user'@'host'.
    QSqlQuery q(m_connection.database());
    const QString sql = QStringLiteral(
        "SELECT @@log_bin, @@log_bin_trust_function_creators, EXISTS (SELECT 1 FROM information_schema.USER_PRIVILEGES "
        "WHERE PRIVILEGE_TYPE = 'SUPER' AND GRANTEE = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', "
        "SUBSTRING_INDEX(CURRENT_USER(), '@', -1), ''''))");
    if (!q.exec(sql) || !q.next()) {
        problems->append({QStringLiteral("sync"), QStringLiteral("could not check whether the server lets this user create "
                                                                 "triggers: %1").arg(q.lastError().text())});
        return;
    }
    if (q.value(0).toInt() != 1 || q.value(1).toInt() == 1 || q.value(2).toInt() == 1)
        return;
    const bool maria = m_connection.engine() == Engine::MariaDB;
    problems->append({QStringLiteral("sync"),
                      QStringLiteral("the sync needs triggers, and with binary logging on (log_bin = 1) the server lets only a "
                                     "user with SUPER create%1 them unless log_bin_trust_function_creators is 1: this user has "
                                     "neither, so the sync's CREATE TRIGGER would fail (error 1419). Grant SUPER, set the global "
                                     "log_bin_trust_function_creators = 1, or set \"sync\": false in the spec (rows written "
                                     "without the column meanwhile then get no value)")
                          .arg(maria ? QStringLiteral(" or drop") : QString())});
}

void SpecValidator::checkForeignKey(const ColumnSpec &spec, PlannerInput *input, QList<SpecProblem> *problems)
{
    ConnectionError error;
    if (!CatalogReader::create(m_connection)->describeTable(spec.referencedTable, &input->referencedTable, &error)) {
        problems->append({QStringLiteral("references"), QStringLiteral("no table %1.%2").arg(spec.referencedTable.schema, spec.referencedTable.name)});
        return;
    }
    const ColumnInfo *target = input->referencedTable.column(spec.referencedColumn);
    if (!target) {
        problems->append({QStringLiteral("references"), QStringLiteral("%1 has no column %2").arg(spec.referencedTable.name, spec.referencedColumn)});
        return;
    }
    const bool keyed = std::any_of(input->referencedTable.constraints.cbegin(), input->referencedTable.constraints.cend(),
                                   [&](const ConstraintInfo &k) {
                                       return (k.kind == ConstraintKind::PrimaryKey || k.kind == ConstraintKind::Unique)
                                           && k.columns == QStringList{spec.referencedColumn};
                                   });
    if (!keyed)
        problems->append({QStringLiteral("references"), QStringLiteral("%1.%2 has no primary key or unique constraint of its own, "
                                                                       "so it cannot be referenced").arg(spec.referencedTable.name, spec.referencedColumn)});
    const QString theirs = canonicalType(target->baseType.isEmpty() ? target->type : target->baseType);
    const QString ours = canonicalType(spec.type);
    if (!theirs.isEmpty() && theirs != ours)
        problems->append({QStringLiteral("references"), QStringLiteral("%1.%2 is %3, the new column is %4: the types must match")
                                                            .arg(spec.referencedTable.name, spec.referencedColumn, target->type, spec.type)});
}

} // namespace Stagecraft
