#pragma once

#include "connection/connectionprofile.h"
#include "plan/plan.h"
#include "plan/runsettings.h"

#include <QByteArray>

namespace Stagecraft::Testing {

// A spec's JSON ({"table": ..., "column": ...}) read, validated on a connection of its own to the
// profile's database and planned with these settings, as the application does. False with *why
// (the connection's error, or the first problem as "field: message").
[[nodiscard]] bool planSpec(const ConnectionProfile &profile, const QByteArray &json, const RunSettings &settings, Plan *plan,
                            QString *why);

} // namespace Stagecraft::Testing
