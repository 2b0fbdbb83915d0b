#pragma once

#include "backfillpreview.h"
#include "connection/connectionprofile.h"
#include "catalog/catalogworker.h" // the metatype of the profile
#include "planworker.h" // the metatype of ColumnSpec

#include <QObject>

#include <atomic>

namespace Stagecraft {

// Runs BackfillPreview off the GUI thread: move it to a QThread and call preview() by queued
// invocation; it opens a connection of its own for each request. Requests come as the user types:
// one that a newer request (supersede()) made out of date is dropped unrun.
class BackfillPreviewWorker : public QObject
{
    Q_OBJECT
public:
    explicit BackfillPreviewWorker(QObject *parent = nullptr);
    // From any thread: requests numbered below `request` need no answer.
    void supersede(quint64 request) { m_latest.store(request); }

public Q_SLOTS:
    void preview(quint64 request, const Stagecraft::ConnectionProfile &profile, const Stagecraft::ColumnSpec &spec,
                 const Stagecraft::TableDetails &table, int rows);

Q_SIGNALS:
    void previewed(quint64 request, const Stagecraft::BackfillPreviewResult &result);

private:
    std::atomic<quint64> m_latest{0};
};

} // namespace Stagecraft
