#include "catalogtypes.h"

namespace Stagecraft {

const ColumnInfo *TableDetails::column(const QString &name) const
{
    for (const ColumnInfo &c : columns) {
        if (c.name == name)
            return &c;
    }
    return nullptr;
}

QStringList TableDetails::primaryKey() const
{
    for (const ConstraintInfo &k : constraints) {
        if (k.kind == ConstraintKind::PrimaryKey)
            return k.columns;
    }
    return {};
}

} // namespace Stagecraft
