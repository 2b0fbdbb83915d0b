#pragma once

#include "connection/connectionprofile.h"
#include "plan/plan.h"
#include "syntheticwriter.h"

#include <QMetaType>
#include <QObject>
#include <QString>

#include <atomic>
#include <mutex>

class QProcess;

namespace Stagecraft {

class DatabaseConnection;
class Runner;

// How a rehearsal goes: how much of the table it copies, how hard its writer writes, where.
struct RehearsalSettings
{
    qint64 sampleRows = 50000; // rows copied at most (every row of a smaller table)
    double writesPerSecond = -1; // the synthetic writer's rate; < 0: the table's observed rate
    ConnectionProfile target; // where the scratch copy goes; an empty host and database: the table's own server and database
    // The program that drops the scratch copy should this process die (stagecraft-cli, which has
    // the rehearse-cleanup command); empty: none, the rehearsal cleans up only for itself.
    QString guardProgram;
};

// One step of the plan, rehearsed: the table's estimate beside what the copy took, scaled to the table.
struct RehearsedStep
{
    QString title;
    double estimatedSeconds = 0; // the table's plan
    double measuredSeconds = -1; // on the copy; -1: not run
    double scaledSeconds = -1; // measured, times the table's rows over the copy's for work sized by the table
    bool scaled = false;
    QString outcome; // done, skipped, failed, not run
};

struct RehearsalReport
{
    bool completed = false; // the plan ran to its end on the copy
    QString summary; // the outcome in a sentence (why it stopped, when it did)
    QString scratch; // where the copy was, in words
    qint64 tableRows = 0;
    qint64 copyRows = 0;
    bool sampled = false;
    double copySeconds = 0;
    double scale = 1; // tableRows / copyRows
    double observedWritesPerSecond = -1; // -1: the server keeps no statistics of the table's writes
    QString observedHow; // how it was observed, or why it could not be
    double writerTarget = 0; // what the writer was asked for
    SyntheticWriter::Result writer;
    QList<RehearsedStep> steps;
    QStringList notes;
    bool made = false; // the scratch copy was made
    bool cleanedUp = false;
    QString cleanupProblem;

    // Plain text: the summary, facts(), each step's estimate beside the rehearsal's time scaled to
    // the table (tab-separated), then ending().
    [[nodiscard]] QString text() const;
    // The copy, the table's writes, the writer and its latency: a line each (the writer's two).
    [[nodiscard]] QStringList facts() const;
    // The notes, then whether the copy was dropped.
    [[nodiscard]] QStringList ending() const;
    // The scaled time over the estimate; -1 when either is unknown or the estimate is a catalog change's.
    [[nodiscard]] static double ratio(const RehearsedStep &step);
    // ratio() as "1.30x"; "" for -1.
    [[nodiscard]] static QString versus(const RehearsedStep &step);
};

// Rehearses a plan: copies the table's definition and a sample of its rows into a scratch schema
// (or database, or file), plans the same column there, runs that plan while a synthetic writer
// writes to the copy at the table's observed write rate, and reports the times scaled to the
// table beside the plan's estimates, with the writer's latency. The scratch copy is dropped at the
// end, whatever the end (and by the guard program should this process die). The table itself is
// only read. Runs on the calling thread (a worker's in the GUI); cancel() from any thread.
class Rehearsal : public QObject
{
    Q_OBJECT
public:
    Rehearsal(ConnectionProfile source, Plan plan, RehearsalSettings settings, QObject *parent = nullptr);
    ~Rehearsal() override;

    // Where the copy goes, in words, before anything is made: what the confirmation names.
    [[nodiscard]] QString destination() const;
    // The scratch copy's name (known from construction).
    [[nodiscard]] const QString &scratchName() const { return m_name; }

    void cancel();

public Q_SLOTS:
    void run();

Q_SIGNALS:
    void noted(const QString &line);
    // 0-100 of the whole rehearsal, and what it does now.
    void progressed(int percent, const QString &what);
    void finished(const Stagecraft::RehearsalReport &report);

private:
    [[nodiscard]] bool rehearse(RehearsalReport *report);
    [[nodiscard]] ConnectionProfile target() const;
    void startGuard();
    void stopGuard();
    // The table's writes per second over the copy (and at least 3 s); -1 when the server cannot tell.
    [[nodiscard]] bool writeCounters(DatabaseConnection &source, qint64 *inserts, qint64 *others, QString *how);

    ConnectionProfile m_source;
    Plan m_plan;
    RehearsalSettings m_settings;
    QString m_name;
    bool m_made = false; // the scratch namespace was created
    std::atomic<bool> m_cancelled{false};
    std::mutex m_runnerMutex; // guards m_runner against cancel() from another thread
    Runner *m_runner = nullptr;
    QProcess *m_guard = nullptr;
};

} // namespace Stagecraft

Q_DECLARE_METATYPE(Stagecraft::RehearsalReport)
