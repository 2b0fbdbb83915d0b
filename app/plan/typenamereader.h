#pragma once

#include "connection/connectionprofile.h"

#include <QString>

namespace Stagecraft {

// The type field is pasted into DDL as written, so it must be a type name and nothing more: a
// (qualified, quoted or multi-word) name, parameters, array brackets on PostgreSQL, and on
// MySQL/MariaDB the attributes that belong to a type (UNSIGNED, ZEROFILL, CHARACTER SET, COLLATE).
// Anything after it (NOT NULL, DEFAULT, REFERENCES, a second column) is refused, before any SQL is
// built from it. Used by SpecValidator.
class TypeNameReader
{
public:
    // Empty when type is one type name for the engine; otherwise what is wrong with it.
    [[nodiscard]] static QString problem(Engine engine, const QString &type);
};

} // namespace Stagecraft
