#pragma once

#include "catalogtypes.h"
#include "connection/connectionerror.h"

#include <QVariantList>

#include <memory>

class QSqlQuery;

namespace Stagecraft {

class DatabaseConnection;

// How a default expression behaves, as the server itself judges it.
struct DefaultProbe
{
    enum class Volatility { Unknown, Immutable, Stable, Volatile };
    Volatility volatility = Volatility::Unknown;
    bool rewritesTable = false; // adding a column with this default rewrites the table
};

// Reads a database's catalog into plain values; one implementation per engine. Runs on the
// thread that owns the connection; lazy by design: the table list first, a table's details on demand.
// Every method returns false and fills *error on failure, and changes nothing in the database.
class CatalogReader
{
public:
    virtual ~CatalogReader() = default;
    [[nodiscard]] static std::unique_ptr<CatalogReader> create(DatabaseConnection &connection);

    // Schemas a user can put tables in (not the engine's own).
    [[nodiscard]] virtual bool listSchemas(QStringList *schemas, ConnectionError *error) = 0;
    // Tables, partitioned tables, partitions and views, ordered by schema and name: one query.
    [[nodiscard]] virtual bool listTables(QList<TableSummary> *tables, ConnectionError *error) = 0;
    [[nodiscard]] virtual bool describeTable(const TableRef &table, TableDetails *details, ConnectionError *error) = 0;
    // Built-in types first, then the user's enums, domains and other types.
    [[nodiscard]] virtual bool listTypes(QList<TypeInfo> *types, ConnectionError *error) = 0;
    // Sessions other than this one that hold or wait for locks on the table, or keep a transaction
    // open that would make an ALTER wait.
    [[nodiscard]] virtual bool blockingSessions(const TableRef &table, QList<BlockingSession> *sessions,
                                                ConnectionError *error) = 0;
    // What depends on the table, read from the catalog with read-only queries filtered on the server
    // by the table's name (fast on a catalog with thousands of objects): views, functions, procedures,
    // triggers, rules, publications, replica identity, foreign keys in and out, partitions, events,
    // as the engine has them, ordered by kind then name. Each says what adding a column means for it
    // (TableDependent::impact). A part the role may not read is listed with what is known and a detail
    // saying so; only a failure to read the table itself fails the whole read.
    [[nodiscard]] virtual bool listDependents(const TableRef &table, QList<TableDependent> *dependents,
                                              ConnectionError *error) = 0;
    // Asks the server how a default expression for a column of the given type behaves, without
    // evaluating it: from the volatility of the functions it calls (see functionsCalled). An
    // expression the server rejects fails with its message. Engines without the notion (MySQL,
    // MariaDB, SQLite) answer Unknown.
    [[nodiscard]] virtual bool probeDefault(const QString &type, const QString &expression, DefaultProbe *probe,
                                            ConnectionError *error);
    // Asks the server whether adding a column of this type, without a default, rewrites the table
    // (PostgreSQL: a domain with constraints, which are checked by writing every row again), on an
    // empty temporary table in a transaction that is rolled back. Engines without the notion answer false.
    // The functions and sequences an expression for the new column names, read from the catalog and
    // the expression's text without evaluating it: `place` says where the expression goes (a default
    // of `type`, a backfill of the table's rows, a CHECK on the table with the new column). An
    // expression the server rejects fails with its message. SQLite, which has no functions of its
    // own beyond its built-ins, answers none.
    enum class ExpressionPlace { Default, Backfill, Check };
    [[nodiscard]] virtual bool functionsCalled(ExpressionPlace place, const QString &expression, const QString &type,
                                               const TableRef &table, const QString &column, ExpressionCalls *calls,
                                               ConnectionError *error);
    [[nodiscard]] virtual bool probeTypeRewrite(const QString &type, bool *rewrites, ConnectionError *error);

protected:
    explicit CatalogReader(DatabaseConnection &connection)
        : m_connection(connection)
    {
    }
    // Prepares and runs sql with its bound values; on failure fills *error saying it was `what`.
    [[nodiscard]] bool run(QSqlQuery &query, const QString &sql, const QVariantList &values, const QString &what,
                           ConnectionError *error) const;
    // Fills *error for a table that does not exist.
    static void noSuchTable(const QString &quotedName, ConnectionError *error);

    DatabaseConnection &m_connection;
};

} // namespace Stagecraft
