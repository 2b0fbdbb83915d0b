#pragma once

#include "catalog/catalogtypes.h"
#include "catalogrowsmodel.h"

namespace Stagecraft {

// The sessions the pre-flight found on the table: what each holds or waits for and how long its
// transaction has been open, so the user can pick one to cancel or terminate.
class BlockingSessionsModel : public CatalogRowsModel<BlockingSession>
{
    Q_OBJECT
public:
    enum Column { SessionColumn, UserColumn, StateColumn, TransactionColumn, LocksColumn, StatementColumn, ColumnCount };

    explicit BlockingSessionsModel(QObject *parent = nullptr);

protected:
    [[nodiscard]] QVariant display(const BlockingSession &s, int column) const override;
    [[nodiscard]] QVariant toolTip(const BlockingSession &s, int column) const override;
    [[nodiscard]] QVariant header(int column) const override;
};

} // namespace Stagecraft
