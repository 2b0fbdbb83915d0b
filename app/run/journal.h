#pragma once

#include "connection/connectionerror.h"
#include "plan/plan.h"
#include "backfillseries.h"
#include "planorigin.h"
#include "stagetimings.h"

#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlQuery>

#include <memory>
#include <optional>
#include <utility>

namespace Stagecraft {

class DatabaseConnection;

// The record of runs, kept in the target database itself so that it commits with the work it
// describes: each backfill batch writes its last key in the same transaction as its UPDATE.
// Where it lives: PostgreSQL schema "stagecraft" (tables runs and steps); MySQL, MariaDB and SQLite
// the tables stagecraft_runs and stagecraft_steps next to the user's.
//   runs:  run_id, table_name, column_name, state (running, waiting, done, failed, cancelled, interrupted, rolled_back), plan (JSON), started_at, updated_at,
//          engine_name, server_address, database_name (where the run was made; added to an older journal by ensure(), NULL
//          for its earlier runs), timings (the application's statement statistics snapshotted between the stages,
//          StageTimings as JSON; added like started_at)
//   steps: run_id, step, state (pending, running, done, skipped, failed, rolled_back, interrupted, waiting), rows_done, last_key (JSON array), attempts, error,
//          updated_at, started_at (when the step last began to run; added to an older journal by ensure(), NULL before),
//          pacing (a backfill step's BackfillSeries as JSON, recorded when the step ends; added like started_at),
//          estimated_seconds, estimated_rows (the plan's estimate for the step, written when the run starts),
//          actual_seconds (the time the step ran, pauses left out, summed over its attempts and resumes;
//          added like started_at)
class Journal
{
public:
    // Interrupted: the connection was lost in the middle of the step (recorded once the server
    // answered again); like Running, the step may have taken effect in part.
    // Waiting: a deploy gate the run stopped at; a resume passes it.
    enum class StepState { Pending, Running, Done, Skipped, Failed, RolledBack, Interrupted, Waiting };
    struct StepRecord
    {
        StepState state = StepState::Pending;
        qint64 rowsDone = 0;
        QStringList lastKey;
        int attempts = 0;
        QString error;
        // UTC; startedAt is null when the step never ran (or an older journal did not record it),
        // updatedAt is when its state last changed (its end, once it is done or failed).
        QDateTime startedAt;
        QDateTime updatedAt;
        // A backfill step's course (rate, batch size, waits, replica lag); empty for other steps
        // and for a journal that did not record it.
        BackfillSeries pacing;
        // The plan's estimate (from the plan itself for a journal that did not record it), and the
        // time the step ran: pauses left out, every attempt and resume added; -1 when not recorded.
        double estimatedSeconds = -1;
        qint64 estimatedRows = -1;
        double actualSeconds = -1;
    };
    struct RunRecord
    {
        QString runId;
        QString table;
        QString column;
        QString state;
        Plan plan;
        QList<StepRecord> steps;
        // Where the run was recorded; a run from an older journal has only its plan's engine.
        PlanOrigin origin;
        QDateTime startedAt; // UTC
        QDateTime updatedAt; // when its state last changed: its end, once it has one
        // The application's statements between the stages; empty for a journal that did not record them.
        StageTimings timings;
    };

    // postgresSchema: where the journal lives on PostgreSQL (a rehearsal keeps its own in its scratch
    // schema, dropped with it); empty: "stagecraft".
    explicit Journal(DatabaseConnection &connection, const QString &postgresSchema = QString());

    // Creates the journal tables if needed (the first change a run makes, after confirmation).
    [[nodiscard]] bool ensure(ConnectionError *error);
    // Whether the journal exists at all (resume looks before creating anything).
    [[nodiscard]] bool exists();
    [[nodiscard]] bool startRun(const QString &runId, const Plan &plan, const PlanOrigin &origin, ConnectionError *error);
    [[nodiscard]] bool setRunState(const QString &runId, const QString &state, ConnectionError *error);
    [[nodiscard]] bool setStep(const QString &runId, int step, StepState state, const QString &message, ConnectionError *error);
    // Within the caller's open transaction: the batch's progress commits with the batch.
    [[nodiscard]] bool recordBatch(const QString &runId, int step, qint64 rowsDone, const QStringList &lastKey, ConnectionError *error);
    // Adds the seconds a step just ran (an attempt, or the part of it before a cancel) to its actual time.
    [[nodiscard]] bool addStepTime(const QString &runId, int step, double seconds, ConnectionError *error);
    // A backfill step's course, recorded once the step ends (the runner calls it; the chart of History and the report read it).
    [[nodiscard]] bool recordSeries(const QString &runId, int step, const BackfillSeries &series, ConnectionError *error);
    // The run's statement snapshots so far (StageTimings), replacing those recorded before.
    [[nodiscard]] bool recordTimings(const QString &runId, const StageTimings &timings, ConnectionError *error);
    // The unfinished runs (running, failed, cancelled) on this database, newest first; a run that
    // was rolled back is finished.
    [[nodiscard]] bool unfinished(QList<RunRecord> *runs, ConnectionError *error);
    // Every run on this database, newest first, with its steps (History).
    [[nodiscard]] bool history(QList<RunRecord> *runs, ConnectionError *error);
    // A run that is running on this table now, or waits at a deploy gate, if any (a second runner must not start).
    [[nodiscard]] QString activeRunOn(const TableRef &table, const QString &column, ConnectionError *error);

    [[nodiscard]] QString runsTable() const;
    [[nodiscard]] QString stepsTable() const;
    [[nodiscard]] static QString stateName(StepState state);
    // Whether a table is one of the journal's own (the browser and the table pickers leave them out).
    [[nodiscard]] static bool isJournalTable(Engine engine, const TableRef &table);

private:
    // Adds the columns (name, SQL type) the table lacks; true when it has them all after. A journal
    // made by an older Stagecraft gains what this one records; a role that may not alter it goes on without.
    [[nodiscard]] bool addColumns(const QString &table, const QList<std::pair<QString, QString>> &columns);
    // Whether the runs table has the columns of a run's origin (a journal made by an older
    // Stagecraft does not, until ensure() adds them).
    [[nodiscard]] bool hasOrigin();
    // Whether the steps table has started_at (a journal made by an older Stagecraft does not).
    [[nodiscard]] bool hasStepStart();
    // Whether the steps table has pacing (the same).
    [[nodiscard]] bool hasStepPacing();
    // Whether the steps table has estimated_seconds, estimated_rows and actual_seconds (the same).
    [[nodiscard]] bool hasStepEstimates();
    // Whether the runs table has timings (the same).
    [[nodiscard]] bool hasRunTimings();
    // The runs the WHERE clause picks (with its values), newest first, with their steps.
    [[nodiscard]] bool readRuns(const QString &where, QList<RunRecord> *runs, ConnectionError *error);
    [[nodiscard]] bool exec(const QString &sql, const QVariantList &values, const QString &what, ConnectionError *error,
                            QSqlQuery *result = nullptr);

    DatabaseConnection &m_connection;
    QString m_schema; // PostgreSQL
    std::optional<bool> m_hasStepStart; // asked once
    std::optional<bool> m_hasStepPacing; // asked once
    std::optional<bool> m_hasRunTimings; // asked once
    std::optional<bool> m_hasStepEstimates; // asked once
    std::unique_ptr<QSqlQuery> m_recordBatch; // recordBatch's statement, prepared once
};

} // namespace Stagecraft
