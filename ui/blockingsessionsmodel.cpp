#include "blockingsessionsmodel.h"

namespace Stagecraft {

BlockingSessionsModel::BlockingSessionsModel(QObject *parent)
    : CatalogRowsModel(ColumnCount, parent)
{
}

QVariant BlockingSessionsModel::display(const BlockingSession &s, int column) const
{
    switch (column) {
    case SessionColumn: return s.pid > 0 ? QVariant(s.pid) : QVariant(tr("another program"));
    case UserColumn: return s.application.isEmpty() ? s.user : QStringLiteral("%1 (%2)").arg(s.user, s.application);
    case StateColumn: return s.waiting ? tr("%1, waiting for a lock").arg(s.state) : s.state;
    case TransactionColumn:
        return s.transactionSeconds < 0 ? tr("none") : tr("open for %1 s").arg(qRound(s.transactionSeconds));
    case LocksColumn: return s.locks.join(QLatin1String(", "));
    case StatementColumn: return s.query.simplified();
    }
    return {};
}

QVariant BlockingSessionsModel::toolTip(const BlockingSession &s, int column) const
{
    if (column == StatementColumn)
        return s.query;
    if (column == SessionColumn && s.connectedAt.isValid())
        return tr("Connected at %1").arg(s.connectedAt.toLocalTime().toString(Qt::ISODate));
    return {};
}

QVariant BlockingSessionsModel::header(int column) const
{
    switch (column) {
    case SessionColumn: return tr("Session");
    case UserColumn: return tr("User");
    case StateColumn: return tr("State");
    case TransactionColumn: return tr("Transaction");
    case LocksColumn: return tr("Locks on the table");
    case StatementColumn: return tr("Last statement");
    }
    return {};
}

} // namespace Stagecraft
