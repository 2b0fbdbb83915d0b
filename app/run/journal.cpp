#include "journal.h"

#include "connection/databaseconnection.h"
#include "plan/planformat.h"
#include "sql/quoting.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>
#include <utility>

namespace Stagecraft {

Journal::Journal(DatabaseConnection &connection, const QString &postgresSchema)
    : m_connection(connection)
    , m_schema(postgresSchema.isEmpty() ? QStringLiteral("stagecraft") : postgresSchema)
{
}

// The journal's schema on PostgreSQL, as SQL: "stagecraft" as it always was, another quoted.
static QString schemaSql(const QString &schema)
{
    return schema == QLatin1String("stagecraft") ? schema : quoteIdentifier(Engine::PostgreSQL, schema);
}

QString Journal::runsTable() const
{
    const Engine e = m_connection.engine();
    return e == Engine::PostgreSQL ? schemaSql(m_schema) + QLatin1String(".runs") : quoteIdentifier(e, QStringLiteral("stagecraft_runs"));
}

QString Journal::stepsTable() const
{
    const Engine e = m_connection.engine();
    return e == Engine::PostgreSQL ? schemaSql(m_schema) + QLatin1String(".steps") : quoteIdentifier(e, QStringLiteral("stagecraft_steps"));
}

bool Journal::isJournalTable(Engine engine, const TableRef &table)
{
    // Where runsTable() and stepsTable() put them.
    if (engine == Engine::PostgreSQL)
        return table.schema == QLatin1String("stagecraft") && (table.name == QLatin1String("runs") || table.name == QLatin1String("steps"));
    return table.name == QLatin1String("stagecraft_runs") || table.name == QLatin1String("stagecraft_steps");
}

QString Journal::stateName(StepState state)
{
    switch (state) {
    case StepState::Pending: return QStringLiteral("pending");
    case StepState::Running: return QStringLiteral("running");
    case StepState::Done: return QStringLiteral("done");
    case StepState::Skipped: return QStringLiteral("skipped");
    case StepState::Failed: return QStringLiteral("failed");
    case StepState::RolledBack: return QStringLiteral("rolled_back");
    case StepState::Interrupted: return QStringLiteral("interrupted");
    case StepState::Waiting: return QStringLiteral("waiting");
    }
    return {};
}

static Journal::StepState stateFrom(const QString &name)
{
    for (auto s : {Journal::StepState::Pending, Journal::StepState::Running, Journal::StepState::Done, Journal::StepState::Skipped,
                   Journal::StepState::Failed, Journal::StepState::RolledBack, Journal::StepState::Interrupted,
                   Journal::StepState::Waiting}) {
        if (Journal::stateName(s) == name)
            return s;
    }
    return Journal::StepState::Pending;
}

static QString now()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

bool Journal::exec(const QString &sql, const QVariantList &values, const QString &what, ConnectionError *error, QSqlQuery *result)
{
    QSqlQuery local(m_connection.database());
    QSqlQuery &q = result ? *result : local;
    bool ok = values.isEmpty() ? q.exec(sql) : q.prepare(sql);
    if (ok && !values.isEmpty()) {
        for (const QVariant &v : values)
            q.addBindValue(v);
        ok = q.exec();
    }
    if (!ok && error)
        *error = ConnectionError::fromQueryFailure(what, q.lastError());
    return ok;
}

bool Journal::hasOrigin()
{
    QSqlQuery q(m_connection.database());
    return q.exec(QStringLiteral("SELECT engine_name, server_address, database_name FROM %1 WHERE 1 = 0").arg(runsTable()));
}

bool Journal::hasStepStart()
{
    if (!m_hasStepStart) {
        QSqlQuery q(m_connection.database());
        m_hasStepStart = q.exec(QStringLiteral("SELECT started_at FROM %1 WHERE 1 = 0").arg(stepsTable()));
    }
    return *m_hasStepStart;
}

bool Journal::hasStepPacing()
{
    if (!m_hasStepPacing) {
        QSqlQuery q(m_connection.database());
        m_hasStepPacing = q.exec(QStringLiteral("SELECT pacing FROM %1 WHERE 1 = 0").arg(stepsTable()));
    }
    return *m_hasStepPacing;
}

bool Journal::hasStepEstimates()
{
    if (!m_hasStepEstimates) {
        QSqlQuery q(m_connection.database());
        m_hasStepEstimates = q.exec(QStringLiteral("SELECT estimated_seconds, estimated_rows, actual_seconds FROM %1 WHERE 1 = 0").arg(stepsTable()));
    }
    return *m_hasStepEstimates;
}

static QString doubleType(Engine e)
{
    return e == Engine::PostgreSQL ? QStringLiteral("double precision") : e == Engine::SQLite ? QStringLiteral("real") : QStringLiteral("double");
}

bool Journal::hasRunTimings()
{
    if (!m_hasRunTimings) {
        QSqlQuery q(m_connection.database());
        m_hasRunTimings = q.exec(QStringLiteral("SELECT timings FROM %1 WHERE 1 = 0").arg(runsTable()));
    }
    return *m_hasRunTimings;
}

bool Journal::addColumns(const QString &table, const QList<std::pair<QString, QString>> &columns)
{
    bool all = true;
    for (const auto &[name, type] : columns) {
        QSqlQuery q(m_connection.database());
        if (!q.exec(QStringLiteral("SELECT %1 FROM %2 WHERE 1 = 0").arg(name, table)))
            all = q.exec(QStringLiteral("ALTER TABLE %1 ADD COLUMN %2 %3").arg(table, name, type)) && all;
    }
    return all;
}

bool Journal::exists()
{
    QSqlQuery q(m_connection.database());
    return q.exec(QStringLiteral("SELECT 1 FROM %1 WHERE 1 = 0").arg(stepsTable()));
}

bool Journal::ensure(ConnectionError *error)
{
    const Engine e = m_connection.engine();
    const QString what = QStringLiteral("creating Stagecraft's journal");
    // Already there: nothing to create, so a role that may write the journal but not create
    // schemas (CREATE SCHEMA IF NOT EXISTS checks the privilege first) can run too.
    if (exists()) {
        // A journal made by an older Stagecraft: the columns of a run's origin are added. Where
        // that is not allowed (a role that may write the journal but not alter it), runs go on
        // without them, their origin unknown as its earlier runs' is.
        // The same for the steps' start times (History shows them): added where allowed, else
        // the steps go on without them.
        const QString text = e == Engine::MySQL || e == Engine::MariaDB ? QStringLiteral("longtext") : QStringLiteral("text");
        if (!hasStepStart())
            m_hasStepStart = addColumns(stepsTable(), {{QStringLiteral("started_at"), QStringLiteral("varchar(40)")}});
        if (!hasStepPacing())
            m_hasStepPacing = addColumns(stepsTable(), {{QStringLiteral("pacing"), text}});
        if (!hasStepEstimates())
            m_hasStepEstimates = addColumns(stepsTable(), {{QStringLiteral("estimated_seconds"), doubleType(e)},
                                                           {QStringLiteral("estimated_rows"), QStringLiteral("bigint")},
                                                           {QStringLiteral("actual_seconds"), doubleType(e)}});
        if (!hasRunTimings())
            m_hasRunTimings = addColumns(runsTable(), {{QStringLiteral("timings"), text}});
        if (!hasOrigin())
            static_cast<void>(addColumns(runsTable(), {{QStringLiteral("engine_name"), QStringLiteral("varchar(300)")},
                                                       {QStringLiteral("server_address"), QStringLiteral("varchar(300)")},
                                                       {QStringLiteral("database_name"), QStringLiteral("varchar(300)")}}));
        return true;
    }
    if (e == Engine::PostgreSQL && !exec(QStringLiteral("CREATE SCHEMA IF NOT EXISTS %1").arg(schemaSql(m_schema)), {}, what, error))
        return false;
    const QString text = e == Engine::MySQL || e == Engine::MariaDB ? QStringLiteral("longtext") : QStringLiteral("text");
    const bool made = exec(QStringLiteral("CREATE TABLE IF NOT EXISTS %1 (run_id varchar(40) NOT NULL PRIMARY KEY, table_name varchar(300) NOT NULL, "
                               "column_name varchar(300) NOT NULL, state varchar(16) NOT NULL, plan %2 NOT NULL, "
                               "started_at varchar(40) NOT NULL, updated_at varchar(40) NOT NULL, engine_name varchar(300), "
                               "server_address varchar(300), database_name varchar(300), timings %2)").arg(runsTable(), text),
                {}, what, error)
        && exec(QStringLiteral("CREATE TABLE IF NOT EXISTS %1 (run_id varchar(40) NOT NULL, step integer NOT NULL, "
                               "state varchar(16) NOT NULL, rows_done bigint NOT NULL DEFAULT 0, last_key %2, "
                               "attempts integer NOT NULL DEFAULT 0, error %2, updated_at varchar(40) NOT NULL, "
                               "started_at varchar(40), pacing %2, estimated_seconds %3, estimated_rows bigint, actual_seconds %3, "
                               "PRIMARY KEY (run_id, step))").arg(stepsTable(), text, doubleType(e)),
                {}, what, error);
    m_hasStepStart.reset(); // asked again when needed
    m_hasStepPacing.reset();
    m_hasRunTimings.reset();
    m_hasStepEstimates.reset();
    return made;
}

bool Journal::startRun(const QString &runId, const Plan &plan, const PlanOrigin &origin, ConnectionError *error)
{
    const QString what = QStringLiteral("recording the run in the journal");
    const bool withOrigin = hasOrigin(); // asked before the transaction: a failed probe would end it on PostgreSQL
    const bool withEstimates = hasStepEstimates();
    QSqlDatabase db = m_connection.database();
    if (!db.transaction())
        return false;
    QVariantList values{runId, plan.table.schema + QLatin1Char('.') + plan.table.name, plan.spec.name,
                        QString::fromUtf8(PlanFormat::toJson(plan)), now(), now()};
    if (withOrigin)
        values << engineName(origin.engine) << origin.server << origin.database;
    bool ok = exec(QStringLiteral("INSERT INTO %1 (run_id, table_name, column_name, state, plan, started_at, updated_at%2) "
                                  "VALUES (?, ?, ?, 'running', ?, ?, ?%3)")
                       .arg(runsTable(), withOrigin ? QStringLiteral(", engine_name, server_address, database_name") : QString(),
                            withOrigin ? QStringLiteral(", ?, ?, ?") : QString()),
                   values, what, error);
    for (int i = 0; ok && i < plan.steps.size(); ++i) {
        const PlanStep &step = plan.steps.at(i);
        if (withEstimates)
            ok = exec(QStringLiteral("INSERT INTO %1 (run_id, step, state, updated_at, estimated_seconds, estimated_rows) "
                                     "VALUES (?, ?, 'pending', ?, ?, ?)").arg(stepsTable()),
                      {runId, i, now(), step.gate.isEmpty() ? step.estimatedSeconds : 0.0, plan.estimatedRowsOf(step)}, what, error);
        else
            ok = exec(QStringLiteral("INSERT INTO %1 (run_id, step, state, updated_at) VALUES (?, ?, 'pending', ?)").arg(stepsTable()),
                      {runId, i, now()}, what, error);
    }
    if (ok)
        return db.commit();
    db.rollback();
    return false;
}

bool Journal::setRunState(const QString &runId, const QString &state, ConnectionError *error)
{
    return exec(QStringLiteral("UPDATE %1 SET state = ?, updated_at = ? WHERE run_id = ?").arg(runsTable()), {state, now(), runId},
                QStringLiteral("updating the journal"), error);
}

bool Journal::setStep(const QString &runId, int step, StepState state, const QString &message, ConnectionError *error)
{
    const bool starts = state == StepState::Running;
    const QString attempts = starts ? QStringLiteral(", attempts = attempts + 1") : QString();
    const QString at = now();
    QVariantList values{stateName(state), message.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(message), at};
    // When the step began: each time it starts running; a step that never ran (a gate reached or
    // passed, a step found in place) begins when it first changes state.
    const bool stamp = state != StepState::Pending && hasStepStart(); // asked first: on PostgreSQL a failed probe would end a transaction
    if (stamp)
        values << at;
    values << runId << step;
    const QString started = !stamp ? QString() : starts ? QStringLiteral(", started_at = ?") : QStringLiteral(", started_at = COALESCE(started_at, ?)");
    return exec(QStringLiteral("UPDATE %1 SET state = ?, error = ?, updated_at = ?%2%3 WHERE run_id = ? AND step = ?")
                    .arg(stepsTable(), attempts, started),
                values, QStringLiteral("updating the journal"), error);
}

bool Journal::recordBatch(const QString &runId, int step, qint64 rowsDone, const QStringList &lastKey, ConnectionError *error)
{
    const QString key = QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(lastKey)).toJson(QJsonDocument::Compact));
    // Prepared once, executed for every batch: one round trip each.
    if (!m_recordBatch) {
        m_recordBatch = std::make_unique<QSqlQuery>(m_connection.database());
        if (!m_recordBatch->prepare(
                QStringLiteral("UPDATE %1 SET rows_done = ?, last_key = ?, updated_at = ? WHERE run_id = ? AND step = ?").arg(stepsTable()))) {
            if (error)
                *error = ConnectionError::fromQueryFailure(QStringLiteral("recording the batch in the journal"), m_recordBatch->lastError());
            m_recordBatch.reset();
            return false;
        }
    }
    const QVariantList values{rowsDone, key, now(), runId, step};
    for (int i = 0; i < values.size(); ++i)
        m_recordBatch->bindValue(i, values.at(i));
    if (m_recordBatch->exec())
        return true;
    if (error)
        *error = ConnectionError::fromQueryFailure(QStringLiteral("recording the batch in the journal"), m_recordBatch->lastError());
    return false;
}

bool Journal::addStepTime(const QString &runId, int step, double seconds, ConnectionError *error)
{
    // A journal the role could not alter goes on without it, as without started_at.
    if (!hasStepEstimates())
        return true;
    return exec(QStringLiteral("UPDATE %1 SET actual_seconds = COALESCE(actual_seconds, 0) + ? WHERE run_id = ? AND step = ?").arg(stepsTable()),
                {std::max(0.0, seconds), runId, step}, QStringLiteral("recording the step's time in the journal"), error);
}

bool Journal::recordSeries(const QString &runId, int step, const BackfillSeries &series, ConnectionError *error)
{
    // A journal the role could not alter goes on without it, as without started_at.
    if (!hasStepPacing())
        return true;
    return exec(QStringLiteral("UPDATE %1 SET pacing = ? WHERE run_id = ? AND step = ?").arg(stepsTable()),
                {QString::fromUtf8(series.toJson()), runId, step}, QStringLiteral("recording the backfill's pacing in the journal"), error);
}

bool Journal::recordTimings(const QString &runId, const StageTimings &timings, ConnectionError *error)
{
    // A journal the role could not alter goes on without them, as without started_at.
    if (!hasRunTimings())
        return true;
    return exec(QStringLiteral("UPDATE %1 SET timings = ? WHERE run_id = ?").arg(runsTable()),
                {QString::fromUtf8(timings.toJson()), runId}, QStringLiteral("recording the statement timings in the journal"), error);
}

static QDateTime timeFrom(const QVariant &value)
{
    return value.isNull() ? QDateTime() : QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
}

bool Journal::unfinished(QList<RunRecord> *runs, ConnectionError *error)
{
    return readRuns(QStringLiteral("WHERE state NOT IN ('done', 'rolled_back') "), runs, error);
}

bool Journal::history(QList<RunRecord> *runs, ConnectionError *error)
{
    return readRuns(QString(), runs, error);
}

bool Journal::readRuns(const QString &where, QList<RunRecord> *runs, ConnectionError *error)
{
    runs->clear();
    const bool withOrigin = hasOrigin();
    const bool withStart = hasStepStart();
    const bool withPacing = hasStepPacing();
    const bool withTimings = hasRunTimings();
    const bool withEstimates = hasStepEstimates();
    QSqlQuery q(m_connection.database());
    if (!exec(QStringLiteral("SELECT run_id, table_name, column_name, state, plan, started_at, updated_at, %4%2 FROM %1 %3"
                             "ORDER BY started_at DESC")
                  .arg(runsTable(), withOrigin ? QStringLiteral(", engine_name, server_address, database_name") : QString(), where,
                       withTimings ? QStringLiteral("timings") : QStringLiteral("NULL")),
              {}, QStringLiteral("reading the journal"), error, &q))
        return false;
    while (q.next()) {
        RunRecord r;
        r.runId = q.value(0).toString();
        r.table = q.value(1).toString();
        r.column = q.value(2).toString();
        r.state = q.value(3).toString();
        if (!PlanFormat::fromJson(q.value(4).toString().toUtf8(), &r.plan))
            continue;
        r.startedAt = timeFrom(q.value(5));
        r.updatedAt = timeFrom(q.value(6));
        if (!q.value(7).isNull())
            static_cast<void>(StageTimings::fromJson(q.value(7).toString().toUtf8(), &r.timings));
        // Not recorded (an older journal, or an older Stagecraft's run): the plan still says its engine.
        r.origin.engine = r.plan.engine;
        if (withOrigin) {
            static_cast<void>(engineFromName(q.value(8).toString(), &r.origin.engine)); // else the plan's, set above
            r.origin.server = q.value(9).toString();
            r.origin.database = q.value(10).toString();
        }
        runs->append(r);
    }
    for (RunRecord &r : *runs) {
        QSqlQuery s(m_connection.database());
        if (!exec(QStringLiteral("SELECT step, state, rows_done, last_key, attempts, error, updated_at, %2, %3, %4 FROM %1 WHERE run_id = ? ORDER BY step")
                      .arg(stepsTable(), withStart ? QStringLiteral("started_at") : QStringLiteral("NULL"),
                           withPacing ? QStringLiteral("pacing") : QStringLiteral("NULL"),
                           withEstimates ? QStringLiteral("estimated_seconds, estimated_rows, actual_seconds")
                                         : QStringLiteral("NULL, NULL, NULL")),
                  {r.runId}, QStringLiteral("reading the journal"), error, &s))
            return false;
        while (s.next()) {
            StepRecord step;
            step.state = stateFrom(s.value(1).toString());
            step.rowsDone = s.value(2).toLongLong();
            for (const QJsonValue &v : QJsonDocument::fromJson(s.value(3).toString().toUtf8()).array())
                step.lastKey << v.toString();
            step.attempts = s.value(4).toInt();
            step.error = s.value(5).toString();
            step.updatedAt = timeFrom(s.value(6));
            step.startedAt = timeFrom(s.value(7));
            if (!s.value(8).isNull())
                static_cast<void>(BackfillSeries::fromJson(s.value(8).toString().toUtf8(), &step.pacing));
            // An older journal's run: its plan still says what was estimated.
            const int index = s.value(0).toInt();
            const PlanStep *planned = index >= 0 && index < r.plan.steps.size() ? &r.plan.steps.at(index) : nullptr;
            if (!s.value(9).isNull())
                step.estimatedSeconds = s.value(9).toDouble();
            else if (planned)
                step.estimatedSeconds = planned->gate.isEmpty() ? planned->estimatedSeconds : 0;
            if (!s.value(10).isNull())
                step.estimatedRows = s.value(10).toLongLong();
            else if (planned)
                step.estimatedRows = r.plan.estimatedRowsOf(*planned);
            if (!s.value(11).isNull())
                step.actualSeconds = s.value(11).toDouble();
            r.steps.append(step);
        }
    }
    return true;
}

QString Journal::activeRunOn(const TableRef &table, const QString &column, ConnectionError *error)
{
    QSqlQuery q(m_connection.database());
    if (!exec(QStringLiteral("SELECT run_id FROM %1 WHERE state IN ('running', 'waiting') AND table_name = ? AND column_name = ?").arg(runsTable()),
              {table.schema + QLatin1Char('.') + table.name, column}, QStringLiteral("reading the journal"), error, &q))
        return {};
    return q.next() ? q.value(0).toString() : QString();
}

} // namespace Stagecraft
