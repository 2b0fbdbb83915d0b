#include "sessionmodes.h"

namespace Stagecraft {

QStringList SessionModes::sql(Engine engine)
{
    switch (engine) {
    case Engine::PostgreSQL: return {QStringLiteral("SET standard_conforming_strings = on")};
    case Engine::MySQL:
    case Engine::MariaDB:
        // STRICT_ALL_TABLES: MODIFY ... NOT NULL over a NULL, or a value too long, fails instead of
        // becoming 0 or being cut (also for non-transactional tables). ERROR_FOR_DIVISION_BY_ZERO: a
        // backfill dividing by zero fails instead of writing NULL. NO_ENGINE_SUBSTITUTION: nothing
        // created with another engine than asked. Not NO_ZERO_DATE / NO_ZERO_IN_DATE: a table
        // copied by ALTER would then refuse rows or defaults with zero dates that the application's
        // own mode let in, and they change no value.
        return {QStringLiteral("SET SESSION sql_mode = 'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'")};
    case Engine::SQLite: return {};
    }
    return {};
}

} // namespace Stagecraft
