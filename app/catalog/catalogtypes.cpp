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

QString dependentKindName(TableDependent::Kind kind)
{
    switch (kind) {
    case TableDependent::Kind::View:
        return QStringLiteral("view");
    case TableDependent::Kind::MaterializedView:
        return QStringLiteral("materialized view");
    case TableDependent::Kind::Function:
        return QStringLiteral("function");
    case TableDependent::Kind::Procedure:
        return QStringLiteral("procedure");
    case TableDependent::Kind::Trigger:
        return QStringLiteral("trigger");
    case TableDependent::Kind::Rule:
        return QStringLiteral("rule");
    case TableDependent::Kind::Publication:
        return QStringLiteral("publication");
    case TableDependent::Kind::ReplicaIdentity:
        return QStringLiteral("replica identity");
    case TableDependent::Kind::ForeignKeyIn:
        return QStringLiteral("foreign key in");
    case TableDependent::Kind::ForeignKeyOut:
        return QStringLiteral("foreign key out");
    case TableDependent::Kind::Partition:
        return QStringLiteral("partition");
    case TableDependent::Kind::Event:
        return QStringLiteral("event");
    }
    return {};
}

} // namespace Stagecraft
