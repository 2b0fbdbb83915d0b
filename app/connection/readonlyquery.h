#pragma once

#include "connectionprofile.h"

#include <QSqlQuery>

namespace Stagecraft {

class DatabaseConnection;

// Statements that may evaluate a user's expression, on a row or on a cast: in a READ ONLY
// transaction (SQLite: PRAGMA query_only) under a statement timeout, always rolled back. Whatever
// the expression calls cannot write, and cannot make the caller wait past the timeout. Used by the
// spec's server-side checks and by the pre-flight data checks.
class ReadOnlyQuery
{
public:
    ReadOnlyQuery(DatabaseConnection &connection, int timeoutMs);
    ~ReadOnlyQuery();
    ReadOnlyQuery(const ReadOnlyQuery &) = delete;
    ReadOnlyQuery &operator=(const ReadOnlyQuery &) = delete;

    // Opens the read-only transaction; false with query().lastError() set.
    [[nodiscard]] bool begin();
    // Runs one statement under the timeout (MySQL limits only a SELECT: its optimizer hint).
    [[nodiscard]] bool exec(const QString &statement);
    // Whether the last statement was stopped by the timeout.
    [[nodiscard]] bool timedOut() const;
    [[nodiscard]] QSqlQuery &query() { return m_query; }
    // Rolls back (and lets SQLite write again); the destructor does it too.
    void finish();

private:
    Engine m_engine;
    int m_timeoutMs;
    QSqlQuery m_query;
    bool m_open = false;
};

} // namespace Stagecraft
