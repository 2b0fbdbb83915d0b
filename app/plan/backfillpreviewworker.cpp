#include "backfillpreviewworker.h"

#include "connection/databaseconnection.h"

namespace Stagecraft {

BackfillPreviewWorker::BackfillPreviewWorker(QObject *parent)
    : QObject(parent)
{
}

void BackfillPreviewWorker::preview(quint64 request, const ConnectionProfile &profile, const ColumnSpec &spec,
                                    const TableDetails &table, int rows)
{
    if (request < m_latest.load())
        return; // typed over already
    DatabaseConnection connection(profile);
    ConnectionError error;
    BackfillPreviewResult result;
    if (!connection.open(&error)) {
        result.state = BackfillPreviewResult::State::Failed;
        result.message = error.text();
    } else {
        result = BackfillPreview::run(connection, spec, table, rows);
    }
    Q_EMIT previewed(request, result);
}

} // namespace Stagecraft
