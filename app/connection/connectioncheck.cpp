#include "connectioncheck.h"

#include <QElapsedTimer>
#include <QtConcurrent/QtConcurrentRun>

namespace Stagecraft {

QFuture<ConnectionCheck> checkConnection(const ConnectionProfile &profile)
{
    return QtConcurrent::run([profile] {
        ConnectionCheck check;
        QElapsedTimer timer;
        timer.start();
        DatabaseConnection connection(profile);
        check.ok = connection.open(&check.error);
        if (check.ok)
            check.server = connection.server();
        check.elapsedMs = timer.elapsed();
        return check;
    });
}

} // namespace Stagecraft
