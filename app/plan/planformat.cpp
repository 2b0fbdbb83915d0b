#include "planformat.h"

#include "costmodel.h"
#include "ruleevidence.h"
#include "spacecost.h"

#include "sql/quoting.h"

#include <QCryptographicHash>
#include <QRegularExpression>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace Stagecraft {

namespace {

double rounded(double seconds)
{
    return std::round(seconds * 1000.0) / 1000.0;
}

// An estimate as a range ("2-8 s"); "0 s" for none.
QString rangeOrNone(double seconds)
{
    return seconds > 0 ? CostModel::rangeText(seconds) : QStringLiteral("0 s");
}

QJsonArray strings(const QStringList &list)
{
    return QJsonArray::fromStringList(list);
}

// What a step creates, for the reviewer; not in the fingerprint, as it changes nothing that runs
// (the names are in the SQL already).
QJsonArray createdJson(const QList<CreatedObject> &objects)
{
    QJsonArray array;
    for (const CreatedObject &c : objects)
        array << QJsonObject{{QStringLiteral("kind"), createdKindName(c.kind)},
                             {QStringLiteral("name"), c.name},
                             {QStringLiteral("schema"), c.table.schema},
                             {QStringLiteral("table"), c.table.name},
                             {QStringLiteral("unique_in"), createdScopeName(c.scope)},
                             {QStringLiteral("for"), c.field}};
    return array;
}

QList<CreatedObject> createdFromJson(const QJsonValue &value)
{
    using Kind = CreatedObject::Kind;
    using Scope = CreatedObject::Scope;
    QList<CreatedObject> objects;
    for (const QJsonValue &v : value.toArray()) {
        const QJsonObject o = v.toObject();
        CreatedObject c;
        for (Kind k : {Kind::Table, Kind::Index, Kind::CheckConstraint, Kind::NotNullConstraint, Kind::UniqueConstraint,
                       Kind::ForeignKey, Kind::Trigger, Kind::Function}) {
            if (createdKindName(k) == o.value(QStringLiteral("kind")).toString())
                c.kind = k;
        }
        for (Scope s : {Scope::Table, Scope::Schema, Scope::Database}) {
            if (createdScopeName(s) == o.value(QStringLiteral("unique_in")).toString())
                c.scope = s;
        }
        c.name = o.value(QStringLiteral("name")).toString();
        c.table = {o.value(QStringLiteral("schema")).toString(), o.value(QStringLiteral("table")).toString()};
        c.field = o.value(QStringLiteral("for")).toString();
        objects << c;
    }
    return objects;
}

QJsonObject stepJson(const PlanStep &s)
{
    QJsonArray locks;
    for (const LockClaim &l : s.locks)
        locks << QJsonObject{{QStringLiteral("relation"), l.relation}, {QStringLiteral("mode"), l.mode}};
    QJsonObject o{{QStringLiteral("stage"), stageName(s.stage)},
                  {QStringLiteral("title"), s.title},
                  {QStringLiteral("sql"), strings(s.sql)},
                  {QStringLiteral("transactional"), s.transactional},
                  {QStringLiteral("locks"), locks},
                  {QStringLiteral("blocks_reads"), s.blocksReads},
                  {QStringLiteral("blocks_writes"), s.blocksWrites},
                  {QStringLiteral("rewrites_table"), s.rewritesTable},
                  {QStringLiteral("scans_table"), s.scansTable},
                  {QStringLiteral("estimated_seconds"), rounded(s.estimatedSeconds)},
                  {QStringLiteral("lock_held_seconds"), rounded(s.lockHeldSeconds)},
                  {QStringLiteral("rollback_sql"), strings(s.rollbackSql)},
                  {QStringLiteral("rule"), s.rule},
                  {QStringLiteral("why"), s.why}};
    if (!s.appliedSql.isEmpty())
        o.insert(QStringLiteral("applied_sql"), s.appliedSql);
    if (!s.guardSql.isEmpty())
        o.insert(QStringLiteral("guard"), QJsonObject{{QStringLiteral("sql"), s.guardSql}, {QStringLiteral("means"), s.guardMessage}});
    if (!s.failIfRowsSql.isEmpty())
        o.insert(QStringLiteral("fail_if_rows"), QJsonObject{{QStringLiteral("sql"), s.failIfRowsSql}, {QStringLiteral("means"), s.failIfRowsMessage}});
    if (!s.backfill.isNull())
        o.insert(QStringLiteral("backfill"), s.backfill.toJson());
    if (!s.creates.isEmpty())
        o.insert(QStringLiteral("creates"), createdJson(s.creates));
    if (!s.onFailureSql.isEmpty())
        o.insert(QStringLiteral("on_failure_sql"), strings(s.onFailureSql));
    if (!s.failingWrites.isEmpty())
        o.insert(QStringLiteral("failing_writes"), s.failingWrites);
    if (!s.space.isEmpty())
        o.insert(QStringLiteral("space"), s.space);
    if (!s.gate.isEmpty())
        o.insert(QStringLiteral("gate"), QJsonObject{{QStringLiteral("id"), s.gate}, {QStringLiteral("probe_sql"), s.gateProbeSql}});
    return o;
}

QStringList stringList(const QJsonValue &value)
{
    QStringList list;
    for (const QJsonValue &v : value.toArray())
        list << v.toString();
    return list;
}

PlanStep stepFromJson(const QJsonObject &o, Engine engine)
{
    PlanStep s;
    static const QStringList stages = {QStringLiteral("expand"), QStringLiteral("backfill"), QStringLiteral("enforce"),
                                       QStringLiteral("index"), QStringLiteral("contract"), QStringLiteral("verify")};
    s.stage = Stage(std::max<qsizetype>(0, stages.indexOf(o.value(QStringLiteral("stage")).toString())));
    s.title = o.value(QStringLiteral("title")).toString();
    s.sql = stringList(o.value(QStringLiteral("sql")));
    s.transactional = o.value(QStringLiteral("transactional")).toBool(true);
    for (const QJsonValue &l : o.value(QStringLiteral("locks")).toArray())
        s.locks << LockClaim{l.toObject().value(QStringLiteral("relation")).toString(), l.toObject().value(QStringLiteral("mode")).toString()};
    s.blocksReads = o.value(QStringLiteral("blocks_reads")).toBool();
    s.blocksWrites = o.value(QStringLiteral("blocks_writes")).toBool();
    s.rewritesTable = o.value(QStringLiteral("rewrites_table")).toBool();
    s.scansTable = o.value(QStringLiteral("scans_table")).toBool();
    s.estimatedSeconds = o.value(QStringLiteral("estimated_seconds")).toDouble();
    s.lockHeldSeconds = o.value(QStringLiteral("lock_held_seconds")).toDouble();
    s.rollbackSql = stringList(o.value(QStringLiteral("rollback_sql")));
    s.rule = o.value(QStringLiteral("rule")).toString();
    s.why = o.value(QStringLiteral("why")).toString();
    s.appliedSql = o.value(QStringLiteral("applied_sql")).toString();
    const QJsonObject guard = o.value(QStringLiteral("guard")).toObject();
    s.guardSql = guard.value(QStringLiteral("sql")).toString();
    s.guardMessage = guard.value(QStringLiteral("means")).toString();
    const QJsonObject failIfRows = o.value(QStringLiteral("fail_if_rows")).toObject();
    s.failIfRowsSql = failIfRows.value(QStringLiteral("sql")).toString();
    s.failIfRowsMessage = failIfRows.value(QStringLiteral("means")).toString();
    s.backfill = Backfill::fromJson(engine, o.value(QStringLiteral("backfill")).toObject());
    s.creates = createdFromJson(o.value(QStringLiteral("creates")));
    s.onFailureSql = stringList(o.value(QStringLiteral("on_failure_sql")));
    s.failingWrites = o.value(QStringLiteral("failing_writes")).toString();
    s.space = o.value(QStringLiteral("space")).toString();
    const QJsonObject gate = o.value(QStringLiteral("gate")).toObject();
    s.gate = gate.value(QStringLiteral("id")).toString();
    s.gateProbeSql = gate.value(QStringLiteral("probe_sql")).toString();
    return s;
}

// What a step means for the application beside its locks: the writes it makes fail, the gate it
// waits at, what it removes when it fails; each line begun with `prefix`.
QString notes(const PlanStep &s, const QString &prefix)
{
    QString out;
    if (!s.gate.isEmpty())
        out += prefix + QStringLiteral("DEPLOY GATE (%1): the run stops here; `stagecraft-cli resume` continues past it.\n").arg(s.gate);
    if (!s.failingWrites.isEmpty())
        out += prefix + QStringLiteral("FAILING WRITES: %1\n").arg(s.failingWrites);
    if (!s.onFailureSql.isEmpty())
        out += prefix + QStringLiteral("If it fails or is cancelled, the runner removes what it added: %1;\n")
                            .arg(s.onFailureSql.join(QLatin1String("; ")));
    if (!s.space.isEmpty())
        out += prefix + QStringLiteral("SPACE: %1\n").arg(s.space);
    return out;
}

QString blocking(const PlanStep &s)
{
    if (s.blocksReads && s.blocksWrites)
        return QStringLiteral("blocks reads and writes");
    if (s.blocksWrites)
        return QStringLiteral("blocks writes");
    if (s.blocksReads)
        return QStringLiteral("blocks reads");
    return QStringLiteral("blocks nothing");
}


const TableDependent::Kind allDependentKinds[] = {
    TableDependent::Kind::View, TableDependent::Kind::MaterializedView, TableDependent::Kind::Function,
    TableDependent::Kind::Procedure, TableDependent::Kind::Trigger, TableDependent::Kind::Rule,
    TableDependent::Kind::Publication, TableDependent::Kind::ReplicaIdentity, TableDependent::Kind::ForeignKeyIn,
    TableDependent::Kind::ForeignKeyOut, TableDependent::Kind::Partition, TableDependent::Kind::Event};

QJsonObject impactJson(const Impact &impact)
{
    QJsonArray dependents;
    for (const TableDependent &d : impact.dependents)
        dependents << QJsonObject{{QStringLiteral("kind"), dependentKindName(d.kind)},
                                  {QStringLiteral("name"), d.name},
                                  {QStringLiteral("detail"), d.detail},
                                  {QStringLiteral("impact"), d.impact}};
    QJsonArray statements;
    for (const StatementUse &u : impact.statements) {
        QJsonArray fates;
        for (const StatementFate &f : u.fates)
            fates << QJsonObject{{QStringLiteral("severity"), severityName(f.severity)}, {QStringLiteral("what"), f.what}};
        statements << QJsonObject{{QStringLiteral("id"), u.id},
                                  {QStringLiteral("text"), u.text},
                                  {QStringLiteral("calls"), double(u.calls)},
                                  {QStringLiteral("mean_ms"), std::round(u.meanMs * 10000.0) / 10000.0},
                                  {QStringLiteral("rows"), double(u.rows)},
                                  {QStringLiteral("fates"), fates}};
    }
    return QJsonObject{{QStringLiteral("dependents"), dependents},
                       {QStringLiteral("statements"), statements},
                       {QStringLiteral("statistics"), impact.statisticsNote.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(impact.statisticsNote)},
                       {QStringLiteral("problems"), strings(impact.problems)},
                       {QStringLiteral("warnings"), strings(impact.warnings())}};
}

Impact impactFromJson(const QJsonObject &o)
{
    Impact impact;
    impact.read = true;
    for (const QJsonValue &v : o.value(QStringLiteral("dependents")).toArray()) {
        const QJsonObject d = v.toObject();
        TableDependent dependent;
        for (const TableDependent::Kind kind : allDependentKinds)
            if (dependentKindName(kind) == d.value(QStringLiteral("kind")).toString())
                dependent.kind = kind;
        dependent.name = d.value(QStringLiteral("name")).toString();
        dependent.detail = d.value(QStringLiteral("detail")).toString();
        dependent.impact = d.value(QStringLiteral("impact")).toString();
        impact.dependents << dependent;
    }
    for (const QJsonValue &v : o.value(QStringLiteral("statements")).toArray()) {
        const QJsonObject u = v.toObject();
        StatementUse use;
        use.id = u.value(QStringLiteral("id")).toString();
        use.text = u.value(QStringLiteral("text")).toString();
        use.calls = qint64(u.value(QStringLiteral("calls")).toDouble());
        use.meanMs = u.value(QStringLiteral("mean_ms")).toDouble();
        use.rows = qint64(u.value(QStringLiteral("rows")).toDouble());
        for (const QJsonValue &f : u.value(QStringLiteral("fates")).toArray()) {
            StatementFate fate;
            static_cast<void>(severityFromName(f.toObject().value(QStringLiteral("severity")).toString(), &fate.severity));
            fate.what = f.toObject().value(QStringLiteral("what")).toString();
            use.fates << fate;
        }
        impact.statements << use;
    }
    impact.statisticsNote = o.value(QStringLiteral("statistics")).toString();
    impact.problems = stringList(o.value(QStringLiteral("problems")));
    return impact;
}

// The impact as text lines, each with `prefix`: for the SQL's comments and the CLI. Empty when not read.
QString impactLines(const Impact &impact, const QString &prefix)
{
    if (!impact.read)
        return {};
    // Each field on one line: catalog text (a function's name, a server's message) holding a line
    // break would otherwise end the comment, and what follows it would run as SQL.
    const auto line = [](const QString &text) { return text.simplified(); };
    QString out = prefix + QStringLiteral("Who uses the table: %1 dependent(s) in the catalog, %2 statement(s) seen by the server.\n")
                               .arg(impact.dependents.size())
                               .arg(impact.statements.size());
    for (const TableDependent &d : impact.dependents)
        out += prefix + QStringLiteral("  %1 %2: %3%4\n").arg(dependentKindName(d.kind), line(d.name), line(d.detail),
                                                             d.impact.isEmpty() ? QString() : QLatin1String(" -- ") + line(d.impact));
    for (const StatementUse &u : impact.statements) {
        out += prefix + QStringLiteral("  %1 calls, %2 ms mean: %3\n").arg(u.calls).arg(u.meanMs, 0, 'f', 3).arg(line(u.text));
        for (const StatementFate &f : u.fates)
            out += prefix + QStringLiteral("    %1: %2\n").arg(severityName(f.severity).toUpper(), line(f.what));
    }
    if (!impact.statisticsNote.isEmpty())
        out += prefix + QStringLiteral("  No statements: %1\n").arg(line(impact.statisticsNote));
    for (const QString &p : impact.problems)
        out += prefix + QStringLiteral("  Not read: %1\n").arg(line(p));
    return out;
}

// Text as a Markdown code span inside a table cell: fenced by more backticks than it holds, its
// pipes escaped (GitHub's tables split cells on them even inside code).
QString tableCode(const QString &text)
{
    int longest = 0, run = 0;
    for (const QChar c : text) {
        run = c == QLatin1Char('`') ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    const QString fence(longest + 1, QLatin1Char('`'));
    QString body = text.simplified();
    body.replace(QLatin1Char('|'), QLatin1String("\\|"));
    return fence + QLatin1Char(' ') + body + QLatin1Char(' ') + fence;
}

// Catalog or server text in a Markdown table cell or paragraph: on one line, its pipes escaped, and
// HTML-escaped (the tables use <br>, so they are read as HTML where Markdown is rendered).
QString tableText(const QString &text)
{
    // < and & are what start markup; a lone > (an arrow) stays as written.
    QString body = text.simplified();
    body.replace(QLatin1Char('&'), QLatin1String("&amp;"));
    body.replace(QLatin1Char('<'), QLatin1String("&lt;"));
    body.replace(QLatin1Char('|'), QLatin1String("\\|"));
    return body;
}

} // namespace

QString PlanFormat::impactMarkdown(const Impact &impact)
{
    if (!impact.read)
        return {};
    QString out = QLatin1String("## Who uses the table\n\n");
    if (impact.dependents.isEmpty()) {
        out += QLatin1String("Nothing in the catalog depends on the table.\n\n");
    } else {
        out += QLatin1String("| dependent | name | what | what the new column changes |\n|---|---|---|---|\n");
        for (const TableDependent &d : impact.dependents)
            out += QStringLiteral("| %1 | %2 | %3 | %4 |\n").arg(dependentKindName(d.kind), tableCode(d.name), tableText(d.detail), tableText(d.impact));
        out += QLatin1Char('\n');
    }
    if (!impact.statisticsNote.isEmpty()) {
        out += QStringLiteral("The application's statements are not known: %1\n\n").arg(tableText(impact.statisticsNote));
    } else if (impact.statements.isEmpty()) {
        out += QLatin1String("The server has counted no statement on the table since its statistics were last reset.\n\n");
    } else {
        out += QLatin1String("The application's statements on the table, as the server counted them since its statistics were last "
                             "reset, most time first:\n\n| statement | calls | mean ms | what the new column changes |\n|---|---:|---:|---|\n");
        for (const StatementUse &u : impact.statements) {
            QStringList fates;
            for (const StatementFate &f : u.fates)
                fates << QStringLiteral("**%1**: %2").arg(severityName(f.severity), tableText(f.what));
            out += QStringLiteral("| %1 | %2 | %3 | %4 |\n").arg(tableCode(u.text)).arg(u.calls).arg(u.meanMs, 0, 'f', 3).arg(fates.join(QLatin1String("<br>")));
        }
        out += QLatin1Char('\n');
    }
    for (const QString &p : impact.problems)
        out += QStringLiteral("> **Not read:** %1\n\n").arg(tableText(p));
    return out;
}

QString PlanFormat::impact(const PlanStep &s)
{
    if (!s.gate.isEmpty())
        return QStringLiteral("no lock, no statement: the run waits here until it is resumed");
    QStringList modes;
    for (const LockClaim &l : s.locks)
        modes << QStringLiteral("%1 on %2").arg(l.mode, l.relation);
    QString text = modes.join(QLatin1String(", "));
    text += QLatin1String("; ") + blocking(s);
    if (s.blocksReads || s.blocksWrites)
        text += QStringLiteral(" for %1").arg(CostModel::rangeText(s.lockHeldSeconds));
    if (s.rewritesTable)
        text += QLatin1String("; rewrites the table");
    if (s.scansTable)
        text += QLatin1String("; scans the table");
    text += QStringLiteral("; %1 in all").arg(CostModel::rangeText(s.estimatedSeconds));
    return text;
}

QString PlanFormat::summary(const Plan &plan)
{
    return QStringLiteral("Writes blocked %1 in all, reads %2; the whole plan takes %3; the single statement blocks writes %4.")
        .arg(rangeOrNone(plan.secondsWritesBlocked()), rangeOrNone(plan.secondsReadsBlocked()), rangeOrNone(plan.totalSeconds()),
             rangeOrNone(plan.naive.blocksWrites ? plan.naive.lockHeldSeconds : 0));
}

QString PlanFormat::fingerprint(const Plan &plan)
{
    // What will be executed, and where: estimates, explanations and warnings are left out, so a
    // table that grew since the review keeps its fingerprint while any change of SQL does not.
    QJsonArray steps;
    for (const PlanStep &s : plan.steps) {
        QJsonObject step{{QStringLiteral("stage"), stageName(s.stage)},
                         {QStringLiteral("sql"), strings(s.sql)},
                         {QStringLiteral("transactional"), s.transactional},
                         {QStringLiteral("rollback"), strings(s.rollbackSql)},
                         {QStringLiteral("applied"), s.appliedSql},
                         {QStringLiteral("guard"), s.guardSql},
                         {QStringLiteral("backfill"), s.backfill.expression},
                         {QStringLiteral("keys"), strings(s.backfill.keyColumns)}};
        // Only where there is one, so plans without it keep the fingerprints they were reviewed with.
        if (!s.failIfRowsSql.isEmpty())
            step.insert(QStringLiteral("fail_if_rows"), s.failIfRowsSql);
        if (!s.onFailureSql.isEmpty())
            step.insert(QStringLiteral("on_failure"), strings(s.onFailureSql));
        if (!s.gate.isEmpty()) // where the run waits is part of what runs
            step.insert(QStringLiteral("gate"), s.gate);
        steps << step;
    }
    const QJsonObject canonical{{QStringLiteral("engine"), engineName(plan.engine)},
                                {QStringLiteral("target_version"), plan.targetVersionText},
                                {QStringLiteral("schema"), plan.table.schema},
                                {QStringLiteral("table"), plan.table.name},
                                {QStringLiteral("column"), plan.spec.name},
                                {QStringLiteral("session"), strings(plan.sessionSql)},
                                {QStringLiteral("steps"), steps}};
    // QJsonObject keeps its keys sorted: the compact text is canonical.
    const QByteArray digest = QCryptographicHash::hash(QJsonDocument(canonical).toJson(QJsonDocument::Compact),
                                                       QCryptographicHash::Sha256);
    return QStringLiteral("sha256:") + QString::fromLatin1(digest.toHex());
}

QString PlanFormat::findFingerprint(const QByteArray &text)
{
    static const QRegularExpression pattern(QStringLiteral("sha256:[0-9a-f]{64}"));
    const QRegularExpressionMatch match = pattern.match(QString::fromUtf8(text));
    return match.hasMatch() ? match.captured() : QString();
}

QByteArray PlanFormat::toJson(const Plan &plan)
{
    QJsonArray steps;
    for (const PlanStep &s : plan.steps)
        steps << stepJson(s);
    QJsonObject root{
        {QStringLiteral("engine"), engineName(plan.engine)},
        {QStringLiteral("server_version"), plan.serverVersion},
        {QStringLiteral("target_version"), plan.targetVersionText},
        {QStringLiteral("table"), QJsonObject{{QStringLiteral("name"), plan.table.schema + QLatin1Char('.') + plan.table.name},
                                              {QStringLiteral("estimated_rows"), double(plan.estimatedRows)},
                                              {QStringLiteral("total_bytes"), double(plan.totalBytes)}}},
        {QStringLiteral("column"), plan.spec.name},
        {QStringLiteral("steps"), steps},
        {QStringLiteral("point_of_no_return"), plan.pointOfNoReturn < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(plan.pointOfNoReturn)},
        {QStringLiteral("totals"), QJsonObject{{QStringLiteral("estimated_seconds"), rounded(plan.totalSeconds())},
                                               {QStringLiteral("seconds_writes_blocked"), rounded(plan.secondsWritesBlocked())},
                                               {QStringLiteral("seconds_reads_blocked"), rounded(plan.secondsReadsBlocked())}}},
        {QStringLiteral("warnings"), strings(plan.warnings)},
        {QStringLiteral("notes"), strings(plan.notes)},
        {QStringLiteral("naive"), stepJson(plan.naive)},
        {QStringLiteral("fingerprint"), fingerprint(plan)},
        {QStringLiteral("settings"), plan.settings.toJson()},
        {QStringLiteral("session"), strings(plan.sessionSql)},
        // The whole column as designed: a resumed run verifies against it.
        {QStringLiteral("spec"), QJsonDocument::fromJson(plan.spec.toJson()).object()},
        {QStringLiteral("sync"), QJsonObject{{QStringLiteral("enabled"), plan.sync.enabled},
                                             {QStringLiteral("expression"), plan.sync.expression},
                                             {QStringLiteral("columns_read"), strings(plan.sync.columnsRead)},
                                             {QStringLiteral("reason"), plan.sync.reason}}},
    };
    // Who uses the table: only where it was read (a plan made on a connection).
    if (plan.impact.read)
        root.insert(QStringLiteral("impact"), impactJson(plan.impact));
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

bool PlanFormat::fromJson(const QByteArray &json, Plan *plan)
{
    const QJsonObject root = QJsonDocument::fromJson(json).object();
    if (!root.contains(QStringLiteral("steps")))
        return false;
    Plan p;
    static_cast<void>(engineFromName(root.value(QStringLiteral("engine")).toString(), &p.engine));
    p.serverVersion = root.value(QStringLiteral("server_version")).toString();
    p.targetVersionText = root.value(QStringLiteral("target_version")).toString();
    const QJsonObject table = root.value(QStringLiteral("table")).toObject();
    p.table = parseTableName(table.value(QStringLiteral("name")).toString(), QString());
    p.estimatedRows = qint64(table.value(QStringLiteral("estimated_rows")).toDouble());
    p.totalBytes = qint64(table.value(QStringLiteral("total_bytes")).toDouble());
    p.spec.table = p.table;
    p.spec.name = root.value(QStringLiteral("column")).toString();
    if (root.contains(QStringLiteral("spec"))) {
        ColumnSpec spec;
        QList<SpecProblem> problems;
        if (ColumnSpec::fromJson(QJsonDocument(root.value(QStringLiteral("spec")).toObject()).toJson(), &spec, &problems)) {
            spec.table = p.table;
            p.spec = spec;
        }
    }
    p.settings = RunSettings::fromJson(root.value(QStringLiteral("settings")).toObject());
    p.sessionSql = stringList(root.value(QStringLiteral("session")));
    for (const QJsonValue &s : root.value(QStringLiteral("steps")).toArray()) {
        PlanStep step = stepFromJson(s.toObject(), p.engine);
        if (!step.backfill.isNull() && step.backfill.table.isEmpty()) {
            // Journaled before the backfill named its table and column: they are the plan's.
            step.backfill.table = p.engine == Engine::SQLite ? quoteIdentifier(p.engine, p.table.name)
                                                             : quoteQualified(p.engine, p.table.schema, p.table.name);
            step.backfill.column = p.spec.name;
        }
        p.steps << step;
    }
    p.pointOfNoReturn = root.value(QStringLiteral("point_of_no_return")).isNull() ? -1 : root.value(QStringLiteral("point_of_no_return")).toInt();
    p.warnings = stringList(root.value(QStringLiteral("warnings")));
    p.notes = stringList(root.value(QStringLiteral("notes")));
    p.naive = stepFromJson(root.value(QStringLiteral("naive")).toObject(), p.engine);
    const QJsonObject sync = root.value(QStringLiteral("sync")).toObject();
    p.sync.enabled = sync.value(QStringLiteral("enabled")).toBool();
    p.sync.expression = sync.value(QStringLiteral("expression")).toString();
    p.sync.columnsRead = stringList(sync.value(QStringLiteral("columns_read")));
    p.sync.reason = sync.value(QStringLiteral("reason")).toString();
    if (root.contains(QStringLiteral("impact")))
        p.impact = impactFromJson(root.value(QStringLiteral("impact")).toObject());
    *plan = p;
    return true;
}

QString PlanFormat::toSql(const Plan &plan)
{
    QString out = QStringLiteral("-- Stagecraft plan: add column %1 to %2.%3 (%4 %5)\n")
                      .arg(plan.spec.name, plan.table.schema, plan.table.name, engineName(plan.engine), plan.targetVersionText);
    out += QStringLiteral("-- Writes blocked %1 in all, reads %2; the naive statement: %3\n")
               .arg(rangeOrNone(plan.secondsWritesBlocked()), rangeOrNone(plan.secondsReadsBlocked()), impact(plan.naive));
    out += QStringLiteral("-- Fingerprint: %1\n").arg(fingerprint(plan));
    out += QStringLiteral("-- Runs with: %1\n").arg(plan.settings.describe(plan.engine));
    for (const QString &w : plan.warnings)
        out += QLatin1String("-- WARNING: ") + w + QLatin1Char('\n');
    for (const QString &n : plan.notes)
        out += QLatin1String("-- NOTE: ") + n + QLatin1Char('\n');
    out += impactLines(plan.impact, QStringLiteral("-- "));
    if (!plan.sessionSql.isEmpty()) {
        out += QLatin1String("\n-- Session: the runner sends these first, on the connection that runs every step.\n");
        for (const QString &statement : plan.sessionSql)
            out += statement + QLatin1String(";\n");
    }
    for (int i = 0; i < plan.steps.size(); ++i) {
        const PlanStep &s = plan.steps.at(i);
        out += QStringLiteral("\n-- Step %1 [%2] %3\n").arg(i + 1).arg(stageName(s.stage), s.title);
        if (i == plan.pointOfNoReturn)
            out += QLatin1String("-- POINT OF NO RETURN: the steps before this one can be rolled back.\n");
        out += QLatin1String("-- ") + impact(s) + QLatin1Char('\n');
        out += QLatin1String("-- ") + s.why + QLatin1Char('\n');
        if (!s.transactional)
            out += QLatin1String("-- Runs outside a transaction block.\n");
        if (!s.backfill.isNull())
            out += s.backfill.keyed()
                ? QLatin1String("-- Batched by the runner, which sends these statements with values for :from, :to (key bounds) and\n"
                                "-- :batch_size: a bound statement finds a batch's last key, a fill statement fills the rows up to it.\n")
                : QLatin1String("-- Repeated by the runner, with a value for :batch_size, until it changes no row.\n");
        if (!s.failIfRowsSql.isEmpty())
            out += QStringLiteral("-- %1 must answer no rows (each would be %2): the runner rolls the step back if it answers any.\n")
                       .arg(s.failIfRowsSql, s.failIfRowsMessage);
        out += notes(s, QStringLiteral("-- "));
        for (const QString &statement : s.sql)
            out += statement + QLatin1String(";\n");
    }
    return out;
}

QString PlanFormat::stepSql(const Plan &plan, int step)
{
    const PlanStep &s = plan.steps.at(step);
    QString out;
    if (!plan.sessionSql.isEmpty())
        out += QStringLiteral("-- In the run's session: %1;\n").arg(plan.sessionSql.join(QLatin1String("; ")));
    if (!s.appliedSql.isEmpty())
        out += QStringLiteral("-- Skipped when already in place: %1;\n").arg(s.appliedSql);
    if (!s.guardSql.isEmpty())
        out += QStringLiteral("-- Runs only when this is 0 (%1): %2;\n").arg(s.guardMessage, s.guardSql);
    if (!s.transactional)
        out += QLatin1String("-- Runs outside a transaction block.\n");
    else if (s.backfill.isNull() && !s.sql.isEmpty())
        out += QLatin1String("-- In one transaction:\n");
    if (!s.backfill.isNull())
        out += s.backfill.keyed() ? QLatin1String("-- Each batch in its own transaction: the bound statement, then the fill statement, "
                                                  "with values for :from, :to and :batch_size.\n")
                                  : QLatin1String("-- Repeated, each time in its own transaction, with a value for :batch_size, until it "
                                                  "changes no row.\n");
    out += notes(s, QStringLiteral("-- "));
    if (!s.sql.isEmpty())
        out += s.sql.join(QLatin1String(";\n")) + QLatin1String(";\n");
    if (!s.rollbackSql.isEmpty())
        out += QLatin1String("\n-- Rollback:\n") + s.rollbackSql.join(QLatin1String(";\n")) + QLatin1String(";\n");
    return out;
}

QString PlanFormat::toMarkdown(const Plan &plan)
{
    QString out = QStringLiteral("# Add column `%1` to `%2.%3`\n\n").arg(plan.spec.name, plan.table.schema, plan.table.name);
    out += QStringLiteral("%1 %2 (planned for %3); about %4 rows, %5.\n\n")
               .arg(engineName(plan.engine), plan.serverVersion, plan.targetVersionText)
               .arg(plan.estimatedRows)
               .arg(humanBytes(plan.totalBytes));
    out += QStringLiteral("Writes blocked %1 in all, reads %2; the whole plan takes %3.\n\n")
               .arg(rangeOrNone(plan.secondsWritesBlocked()), rangeOrNone(plan.secondsReadsBlocked()), rangeOrNone(plan.totalSeconds()));
    out += QStringLiteral("Fingerprint: `%1` (`stagecraft-cli run --approved` checks it).\n\n").arg(fingerprint(plan));
    out += QStringLiteral("Runs with: %1.\n\n").arg(plan.settings.describe(plan.engine));
    if (!plan.sessionSql.isEmpty())
        out += QStringLiteral("Session, sent before every step:\n\n```sql\n%1;\n```\n\n").arg(plan.sessionSql.join(QLatin1String(";\n")));
    for (const QString &w : plan.warnings)
        out += QLatin1String("> **Warning:** ") + w + QLatin1String("\n\n");
    for (const QString &n : plan.notes)
        out += QLatin1String("> **Note:** ") + n + QLatin1String("\n\n");
    out += QLatin1String("| # | stage | step | locks | blocks | rewrite | scan | time | lock held |\n|---|---|---|---|---|---|---|---:|---:|\n");
    for (int i = 0; i < plan.steps.size(); ++i) {
        const PlanStep &s = plan.steps.at(i);
        QStringList modes;
        for (const LockClaim &l : s.locks)
            modes << l.mode;
        out += QStringLiteral("| %1%2 | %3 | %4 | %5 | %6 | %7 | %8 | %9 | %10 |\n")
                   .arg(i + 1)
                   .arg(i == plan.pointOfNoReturn ? QStringLiteral(" (point of no return)") : QString(), stageName(s.stage), s.title,
                        modes.join(QLatin1String(", ")), blocking(s), s.rewritesTable ? QStringLiteral("yes") : QStringLiteral("no"),
                        s.scansTable ? QStringLiteral("yes") : QStringLiteral("no"))
                   .arg(CostModel::rangeText(s.estimatedSeconds))
                   .arg(s.lockHeldSeconds > 0 ? CostModel::rangeText(s.lockHeldSeconds) : QStringLiteral("-"));
    }
    for (int i = 0; i < plan.steps.size(); ++i) {
        const PlanStep &s = plan.steps.at(i);
        out += QStringLiteral("\n## %1. %2\n\n%3 (rule `%4`)\n\n").arg(i + 1).arg(s.title, s.why, s.rule);
        if (s.gate.isEmpty() && plan.targetVersion != 0)
            out += QStringLiteral("Claims: %1.\n\n").arg(RuleEvidence::text(plan.engine, plan.targetVersion, s.rule));
        out += notes(s, QStringLiteral("> "));
        if (!s.sql.isEmpty())
            out += QStringLiteral("\n```sql\n%1;\n```\n").arg(s.sql.join(QLatin1String(";\n")));
        if (!s.rollbackSql.isEmpty())
            out += QStringLiteral("\nRollback:\n\n```sql\n%1;\n```\n").arg(s.rollbackSql.join(QLatin1String(";\n")));
    }
    out += QStringLiteral("\n## The naive statement, for comparison\n\n%1\n\n```sql\n%2;\n```\n\n%3\n")
               .arg(impact(plan.naive), plan.naive.sql.join(QLatin1String(";\n")), plan.naive.why);
    if (plan.impact.read)
        out += QLatin1Char('\n') + impactMarkdown(plan.impact);
    return out;
}

} // namespace Stagecraft
