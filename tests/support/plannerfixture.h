#pragma once

#include "catalog/catalogtypes.h"
#include "connection/connectionprofile.h"

namespace Stagecraft::Testing {

// The table the planner tests plan for, without a server: orders (id, customer_id, total_cents),
// keyed by id unless withPrimaryKey is false, about a million rows (120 MB of heap, 40 MB of
// indexes), in the engine's usual schema (public, shop, main).
[[nodiscard]] TableDetails ordersTable(Engine engine, bool withPrimaryKey = true);

} // namespace Stagecraft::Testing
