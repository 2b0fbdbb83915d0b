#pragma once

#include "columnspec.h"
#include "connection/connectionerror.h"
#include "connection/connectionprofile.h"
#include "plan.h"

#include <QObject>

namespace Stagecraft {

// Validates a spec and plans it off the GUI thread: move it to a QThread and call plan() by queued
// invocation; it opens a connection of its own for each request and answers by signal.
class PlanWorker : public QObject
{
    Q_OBJECT
public:
    explicit PlanWorker(QObject *parent = nullptr);

public Q_SLOTS:
    // targetVersion 0: the connected server's version.
    void plan(const Stagecraft::ConnectionProfile &profile, const Stagecraft::ColumnSpec &spec, int targetVersion,
              const Stagecraft::RunSettings &settings);

Q_SIGNALS:
    void planned(const Stagecraft::Plan &plan);
    void rejected(const QList<Stagecraft::SpecProblem> &problems);
    void failed(const Stagecraft::ConnectionError &error);
};

} // namespace Stagecraft

Q_DECLARE_METATYPE(Stagecraft::ColumnSpec)
Q_DECLARE_METATYPE(Stagecraft::SpecProblem)
Q_DECLARE_METATYPE(Stagecraft::RunSettings)
