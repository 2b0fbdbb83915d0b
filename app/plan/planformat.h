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
    // "AccessExclusiveLock on public.orders; blocks reads and writes for ~0.01 s; rewrites the table"
    [[nodiscard]] static QString impact(const PlanStep &step);
};

} // namespace Stagecraft
