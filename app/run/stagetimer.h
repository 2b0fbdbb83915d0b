#pragma once

#include "applatency.h"
#include "connection/connectionprofile.h"

#include <QString>

#include <memory>
#include <optional>

namespace Stagecraft {

class DatabaseConnection;

// Reads the application's statements on a table (AppLatencyReader, Stagecraft's own statements
// left out) for the runner's snapshots between the stages (StageTimings), on a connection of its
// own so that the reads are never part of the run's transactions. Lives on the runner's thread.
class StageTimer
{
public:
    StageTimer(ConnectionProfile profile, const TableRef &table, const QString &newColumn);
    ~StageTimer();

    // Connects and asks whether the server keeps statement statistics; false with *why (how to turn
    // them on, or why it could not connect).
    [[nodiscard]] bool begin(QString *why);
    // The statements now, cumulative; on a fresh connection when the first is gone or its read fails
    // (an idle connection the server closed); nullopt with *error.
    [[nodiscard]] std::optional<QList<StatementStat>> read(QString *error);

private:
    ConnectionProfile m_profile;
    AppLatencyReader m_reader;
    std::unique_ptr<DatabaseConnection> m_connection;
};

} // namespace Stagecraft
