// What a resume re-checks before it continues (ResumeCheck): every step the journal records as done
// is asked whether its effect is in place, except what a later done step (or the step the resume
// starts at) removed on purpose; one that is missing refuses the resume.

#include "run/resumecheck.h"

#include <QTest>

using namespace Stagecraft;

class TestResumeCheck : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void check_data();
    void check();
    void wording();
};

using State = Journal::StepState;

// add column, sync trigger (dropped by step 4), backfill, drop trigger, index.
static Plan plan()
{
    Plan p;
    p.engine = Engine::PostgreSQL;
    PlanStep add;
    add.title = QStringLiteral("Add column x");
    add.sql = {QStringLiteral("ALTER TABLE \"t\" ADD COLUMN \"x\" int")};
    add.appliedSql = QStringLiteral("column?");
    PlanStep sync;
    sync.title = QStringLiteral("Keep x filled");
    sync.sql = {QStringLiteral("CREATE TRIGGER \"t_x_sync\" ...")};
    sync.appliedSql = QStringLiteral("trigger?");
    sync.creates = {{CreatedObject::Kind::Trigger, QStringLiteral("t_x_sync"), CreatedObject::Scope::Table, {}, {}}};
    PlanStep backfill;
    backfill.title = QStringLiteral("Fill x");
    backfill.sql = {QStringLiteral("UPDATE ...")};
    PlanStep drop;
    drop.title = QStringLiteral("Stop filling x");
    drop.sql = {QStringLiteral("DROP TRIGGER IF EXISTS \"t_x_sync\" ON \"t\"")};
    drop.appliedSql = QStringLiteral("no trigger?");
    PlanStep index;
    index.title = QStringLiteral("Build index");
    index.sql = {QStringLiteral("CREATE INDEX CONCURRENTLY \"t_x_idx\" ON \"t\" (\"x\")")};
    index.appliedSql = QStringLiteral("index?");
    p.steps = {add, sync, backfill, drop, index};
    return p;
}

void TestResumeCheck::check_data()
{
    QTest::addColumn<QList<int>>("states"); // Journal::StepState per step
    QTest::addColumn<int>("first");
    QTest::addColumn<QStringList>("absent"); // appliedSql answering false
    QTest::addColumn<QStringList>("unanswered"); // appliedSql that cannot answer
    QTest::addColumn<QList<int>>("checked");
    QTest::addColumn<int>("missing");
    const int D = int(State::Done), P = int(State::Pending), R = int(State::Running), S = int(State::Skipped);
    QTest::newRow("at the backfill, all there") << QList<int>{D, D, R, P, P} << 2 << QStringList() << QStringList() << QList<int>{0, 1} << -1;
    QTest::newRow("at the backfill, trigger gone") << QList<int>{D, D, R, P, P} << 2 << QStringList{"trigger?"} << QStringList()
                                                   << QList<int>{0, 1} << 1;
    QTest::newRow("after the drop: trigger not expected") << QList<int>{D, D, D, D, P} << 4 << QStringList{"trigger?"} << QStringList()
                                                          << QList<int>{0, 3} << -1;
    QTest::newRow("the drop interrupted: trigger not expected") << QList<int>{D, D, D, R, P} << 3 << QStringList{"trigger?"}
                                                                << QStringList() << QList<int>{0} << -1;
    QTest::newRow("column gone: first missing wins") << QList<int>{D, D, R, P, P} << 2 << QStringList{"column?", "trigger?"}
                                                     << QStringList() << QList<int>{0} << 0;
    QTest::newRow("a skipped step is not asked") << QList<int>{D, S, R, P, P} << 2 << QStringList{"trigger?"} << QStringList()
                                                 << QList<int>{0} << -1;
    QTest::newRow("a query that cannot answer") << QList<int>{D, D, R, P, P} << 2 << QStringList() << QStringList{"column?"}
                                                << QList<int>{0, 1} << -1;
    QTest::newRow("nothing done yet") << QList<int>{P, P, P, P, P} << 0 << QStringList{"column?"} << QStringList() << QList<int>{} << -1;
}

void TestResumeCheck::check()
{
    QFETCH(QList<int>, states);
    QFETCH(int, first);
    QFETCH(QStringList, absent);
    QFETCH(QStringList, unanswered);
    QFETCH(QList<int>, checked);
    QFETCH(int, missing);
    QList<Journal::StepRecord> steps;
    for (int s : std::as_const(states)) {
        Journal::StepRecord r;
        r.state = State(s);
        steps << r;
    }
    const ResumeCheck::Result result = ResumeCheck::check(plan(), steps, first, [&](const PlanStep &s) -> std::optional<bool> {
        if (unanswered.contains(s.appliedSql))
            return std::nullopt;
        return !absent.contains(s.appliedSql);
    });
    QCOMPARE(result.checked, checked);
    QCOMPARE(result.missing, missing);
    QCOMPARE(ResumeCheck::refusal(plan(), result).isEmpty(), missing < 0);
}

void TestResumeCheck::wording()
{
    ResumeCheck::Result r;
    r.checked = {0, 1, 3};
    QCOMPARE(ResumeCheck::note(r), QStringLiteral("the journal's done steps 1, 2 and 4 re-checked on this server: in place"));
    r.unknown = {1};
    QCOMPARE(ResumeCheck::note(r), QStringLiteral("the journal's done steps 1 and 4 re-checked on this server: in place; "
                                                  "step 2 could not be re-checked (the query did not answer)"));
    r = {};
    r.checked = {0, 1};
    r.missing = 1;
    QCOMPARE(ResumeCheck::refusal(plan(), r),
             QStringLiteral("step 2 (Keep x filled) is recorded in the journal as done, but its effect is not in place on this server "
                            "(checked with: trigger?). The journal and the schema disagree: this database is not the one the run "
                            "recorded (a copy restored apart from its journal), or what the step made was removed by hand"));
    QCOMPARE(ResumeCheck::note({}), QString());
}

QTEST_GUILESS_MAIN(TestResumeCheck)
#include "testresumecheck.moc"
