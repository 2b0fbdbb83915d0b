#pragma once

#include "plan.h"

#include <QByteArray>

namespace Stagecraft {

// A plan written out: JSON for tools (the fields `stagecraft-cli plan --format json` documents),
// SQL with each step's lock impact in comments, Markdown for a reader.
class PlanFormat
{
public:
    [[nodiscard]] static QByteArray toJson(const Plan &plan);
    // Reads what toJson wrote (the journal keeps the plan being run this way); false if malformed.
    [[nodiscard]] static bool fromJson(const QByteArray &json, Plan *plan);
    [[nodiscard]] static QString toSql(const Plan &plan);
    [[nodiscard]] static QString toMarkdown(const Plan &plan);
    // "## Who uses the table": the dependents and the application's statements with what the new
    // column changes for them, as Markdown tables; empty when the impact was not read.
    [[nodiscard]] static QString impactMarkdown(const Impact &impact);
    // One step as the runner sends it, for the reviewer: the session it runs in, the check that
    // skips it when already in place, its guard, its statements, and its rollback.
    [[nodiscard]] static QString stepSql(const Plan &plan, int step);
    // "sha256:…" over what the plan executes and where (engine, target version, table, column, each
    // step's SQL, rollback, guards and backfill): the same plan reviewed is the same plan run.
    [[nodiscard]] static QString fingerprint(const Plan &plan);
    // The first "sha256:…" in a file (a plan's JSON, its SQL or its review report); empty if none.
    [[nodiscard]] static QString findFingerprint(const QByteArray &text);
    // "Writes blocked ~0.03 s in all, reads ~0.02 s; the whole plan takes ~12.5 s; the single
    // statement blocks writes ~14.2 s.": the plan's totals beside the naive statement's.
    [[nodiscard]] static QString summary(const Plan &plan);
    // "AccessExclusiveLock on public.orders; blocks reads and writes for ~0.01 s; rewrites the table"
    [[nodiscard]] static QString impact(const PlanStep &step);
};

} // namespace Stagecraft
