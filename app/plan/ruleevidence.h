#pragma once

#include "connection/connectionprofile.h"

#include <QString>
#include <QStringList>

namespace Stagecraft {

// What a step's claims (locks, blocked reads and writes, rewrite, scan) rest on: a server of the
// plan's version that Stagecraft's tests ran the step's rule on, checking each claim
// (tests/testplanexecution: pg_locks and relfilenode, ALGORITHM/LOCK accepted and InnoDB's table
// id), or only the documentation (the engines' manuals, as collected in lock-impact.md).
// The tests check this table: every rule it names as proved ran on that server version.
class RuleEvidence
{
public:
    // The version a plan is made for as the tests name it: "17" (PostgreSQL), "9.7" (MySQL),
    // "10.11" (MariaDB), "3.46" (SQLite), from its versionNumber form.
    [[nodiscard]] static QString versionFamily(Engine engine, int versionNumber);
    // True when the rule ran on a real server of this version in the tests.
    [[nodiscard]] static bool proved(Engine engine, int versionNumber, const QString &rule);
    // For a reviewer: "proved on a real PostgreSQL 17" or "rests on the documentation: ...".
    [[nodiscard]] static QString text(Engine engine, int versionNumber, const QString &rule);
    // Every (version family, rule) the table says is proved for the engine.
    [[nodiscard]] static QStringList provedRules(Engine engine, const QString &versionFamily);
    // The versions of the engine some rule was proved on ("15", "17", "18").
    [[nodiscard]] static QStringList provedVersions(Engine engine);
};

} // namespace Stagecraft
