#include "mysqlcatalog.h"

#include "dependenttext_p.h"
#include "connection/databaseconnection.h"
#include "sql/quoting.h"
#include "sql/sqlfragment.h"
#include "sql/sqltokens.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QThread>
#include <QHash>
#include <QSet>

#include <QSqlQuery>

namespace Stagecraft {

namespace {

// InnoDB's information_schema views (INNODB_TRX, INNODB_LOCK_WAITS) are a cache refilled only
// after 100 ms without a read: waits until this process last read them 110 ms ago.
void awaitFreshInnodbViews()
{
    static QMutex mutex;
    static QElapsedTimer lastRead;
    QMutexLocker lock(&mutex);
    if (lastRead.isValid() && lastRead.elapsed() < 110)
        QThread::msleep(quint64(110 - lastRead.elapsed()));
    lastRead.start();
}

const QString SystemSchemas = QStringLiteral("('mysql', 'information_schema', 'performance_schema', 'sys')");

// information_schema spells a missing default as SQL NULL (MySQL) or the text NULL (MariaDB);
// MySQL gives literals unquoted and marks expressions DEFAULT_GENERATED, MariaDB quotes literals.
QString defaultExpression(const QVariant &value, const QString &extra, const QString &dataType, Engine engine)
{
    if (value.isNull() || value.toString() == QLatin1String("NULL"))
        return {};
    const QString text = value.toString();
    if (engine == Engine::MariaDB || extra.contains(QLatin1String("DEFAULT_GENERATED")))
        return text;
    static const QStringList numeric = {QStringLiteral("tinyint"), QStringLiteral("smallint"),
                                        QStringLiteral("mediumint"), QStringLiteral("int"), QStringLiteral("bigint"),
                                        QStringLiteral("decimal"), QStringLiteral("float"), QStringLiteral("double"),
                                        QStringLiteral("bit")};
    return numeric.contains(dataType) ? text : quoteLiteral(engine, text);
}

// PROCESSLIST's COMMAND, as PostgreSQL users know it: a sleeping connection inside a transaction is
// "idle in transaction".
QString sessionState(const QString &command)
{
    return command == QLatin1String("Sleep") ? QStringLiteral("idle in transaction") : command.toLower();
}

// The CHECK constraints of MySQL's SHOW CREATE TABLE (CONSTRAINT `name` CHECK (...)) by name, each
// definition as CHECK (clause) with the clause as written there.
QHash<QString, QString> checksOf(const QString &createTable)
{
    QHash<QString, QString> checks;
    for (const QString &line : createTable.split(QLatin1Char('\n'))) {
        QString definition = line.trimmed();
        if (!definition.startsWith(QLatin1String("CONSTRAINT `")))
            continue;
        // The name, its backticks doubled inside.
        QString name;
        qsizetype i = 12;
        for (; i < definition.size(); ++i) {
            if (definition.at(i) == QLatin1Char('`')) {
                if (i + 1 < definition.size() && definition.at(i + 1) == QLatin1Char('`'))
                    ++i;
                else
                    break;
            }
            name += definition.at(i);
        }
        const QString rest = definition.mid(i + 1).trimmed();
        if (!rest.startsWith(QLatin1String("CHECK (")))
            continue;
        // Up to the parenthesis closing CHECK's, quotes minded.
        qsizetype end = SqlFragment::findOutside(Engine::MySQL, rest, 7, [&](qsizetype i) { return rest.at(i) == QLatin1Char(')'); });
        if (end < 0)
            end = rest.size();
        checks.insert(name, rest.left(end + 1));
    }
    return checks;
}

} // namespace

bool MySqlCatalog::listSchemas(QStringList *schemas, ConnectionError *error)
{
    QSqlQuery q(m_connection.database());
    if (!run(q, QStringLiteral("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN %1 "
                               "ORDER BY 1").arg(SystemSchemas),
             {}, QStringLiteral("listing the databases"), error))
        return false;
    schemas->clear();
    while (q.next())
        schemas->append(q.value(0).toString());
    return true;
}

bool MySqlCatalog::listTables(QList<TableSummary> *tables, ConnectionError *error)
{
    // MariaDB opens every table (its .frm, then InnoDB's dictionary and statistics) to give
    // information_schema.TABLES' TABLE_ROWS and DATA_LENGTH, and only reads each .frm's header for its
    // kind: with 10,000 tables the figures cost 1.4 to 2.9 s, the names and kinds about 0.1 s. There
    // the figures come from InnoDB's persistent statistics instead (readInnodbFigures). MySQL keeps
    // them in its data dictionary, where the one query is fast.
    const bool mariadb = m_connection.engine() == Engine::MariaDB;
    QSqlQuery q(m_connection.database());
    // TABLE_ROWS is InnoDB's estimate, the figure the planner works with.
    if (!run(q, QStringLiteral("SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, %1 "
                               "FROM information_schema.TABLES "
                               "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE IN ('BASE TABLE', 'VIEW') "
                               "ORDER BY CAST(TABLE_NAME AS BINARY)")
                    .arg(mariadb ? QStringLiteral("NULL, NULL") : QStringLiteral("TABLE_ROWS, DATA_LENGTH + INDEX_LENGTH")),
             {}, QStringLiteral("listing the tables"), error))
        return false;
    tables->clear();
    while (q.next()) {
        TableSummary t;
        t.table = {q.value(0).toString(), q.value(1).toString()};
        t.kind = q.value(2).toString() == QLatin1String("VIEW") ? RelationKind::View : RelationKind::Table;
        t.estimatedRows = q.value(3).isNull() ? -1 : q.value(3).toLongLong();
        t.totalBytes = q.value(4).isNull() ? -1 : q.value(4).toLongLong();
        tables->append(t);
    }
    return !mariadb || readInnodbFigures(tables, error);
}

bool MySqlCatalog::readInnodbFigures(QList<TableSummary> *tables, ConnectionError *error)
{
    // mysql.innodb_table_stats holds what InnoDB loads into memory when it opens a table, what
    // information_schema would report: the row estimate, and the clustered and other indexes'
    // sizes in pages (DATA_LENGTH and INDEX_LENGTH are those pages times the page size). A
    // partitioned table has a row per partition, named table#P#partition (#SP# for subpartitions).
    // They lag behind the figures in memory between two recalculations (InnoDB recalculates after
    // a tenth of the rows changed, and at ANALYZE TABLE), as PostgreSQL's reltuples lags.
    struct Figures
    {
        qint64 rows = 0;
        qint64 bytes = 0;
    };
    QHash<QString, Figures> exact, partitioned;
    QSqlQuery q(m_connection.database());
    // Unreadable without the privilege on mysql.*: then information_schema gives them all.
    if (run(q, QStringLiteral("SELECT table_name, n_rows, (clustered_index_size + sum_of_other_index_sizes) * @@innodb_page_size "
                              "FROM mysql.innodb_table_stats WHERE database_name = DATABASE()"),
            {}, QStringLiteral("listing the tables"), nullptr)) {
        while (q.next()) {
            const QString name = q.value(0).toString();
            const Figures f{q.value(1).toLongLong(), q.value(2).toLongLong()};
            exact.insert(name, f);
            const qsizetype partition = name.indexOf(QLatin1String("#P#"));
            if (partition > 0) {
                Figures &sum = partitioned[name.left(partition)];
                sum.rows += f.rows;
                sum.bytes += f.bytes;
            }
        }
    }
    // Tables InnoDB keeps no persistent statistics for (other engines, STATS_PERSISTENT=0): asked
    // from information_schema by name, which opens only those.
    QHash<QString, qsizetype> missing;
    for (qsizetype i = 0; i < tables->size(); ++i) {
        TableSummary &t = (*tables)[i];
        if (t.kind == RelationKind::View)
            continue;
        // A table's own row first: a table may be named like another's partition.
        const auto found = exact.constFind(t.table.name);
        const auto sum = found == exact.cend() ? partitioned.constFind(t.table.name) : partitioned.cend();
        if (found != exact.cend() || sum != partitioned.cend()) {
            const Figures f = found != exact.cend() ? *found : *sum;
            t.estimatedRows = f.rows;
            t.totalBytes = f.bytes;
        } else {
            missing.insert(t.table.name, i);
        }
    }
    if (missing.isEmpty())
        return true;
    QString sql = QStringLiteral("SELECT TABLE_NAME, TABLE_ROWS, DATA_LENGTH + INDEX_LENGTH FROM information_schema.TABLES "
                                 "WHERE TABLE_SCHEMA = DATABASE()");
    QVariantList names;
    // A long list of names costs more to send than the few tables it spares opening.
    if (missing.size() <= 1000) {
        for (auto it = missing.cbegin(); it != missing.cend(); ++it)
            names << it.key();
        sql += QStringLiteral(" AND TABLE_NAME IN (%1)").arg(QStringList(names.size(), QStringLiteral("?")).join(QLatin1String(", ")));
    }
    if (!run(q, sql, names, QStringLiteral("listing the tables"), error))
        return false;
    while (q.next()) {
        const auto it = missing.constFind(q.value(0).toString());
        if (it == missing.cend())
            continue;
        TableSummary &t = (*tables)[*it];
        t.estimatedRows = q.value(1).isNull() ? -1 : q.value(1).toLongLong();
        t.totalBytes = q.value(2).isNull() ? -1 : q.value(2).toLongLong();
    }
    return true;
}

bool MySqlCatalog::describeTable(const TableRef &table, TableDetails *details, ConnectionError *error)
{
    const Engine e = m_connection.engine();
    const QString qualified = quoteQualified(e, table.schema, table.name);
    const QString what = QStringLiteral("reading table %1").arg(qualified);
    QSqlQuery q(m_connection.database());
    if (!run(q, QStringLiteral("SELECT TABLE_TYPE, TABLE_ROWS, DATA_LENGTH, INDEX_LENGTH, ROW_FORMAT, TABLE_COMMENT "
                               "FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"),
             {table.schema, table.name}, what, error))
        return false;
    if (!q.next()) {
        noSuchTable(qualified, error);
        return false;
    }
    *details = {};
    details->table = table;
    details->kind = q.value(0).toString() == QLatin1String("VIEW") ? RelationKind::View : RelationKind::Table;
    details->estimatedRows = q.value(1).isNull() ? -1 : q.value(1).toLongLong();
    details->heapBytes = q.value(2).isNull() ? -1 : q.value(2).toLongLong();
    details->indexBytes = q.value(3).isNull() ? -1 : q.value(3).toLongLong();
    details->totalBytes = details->heapBytes < 0 ? -1 : details->heapBytes + std::max<qint64>(0, details->indexBytes);
    details->rowFormat = q.value(4).toString();
    details->comment = q.value(5).toString();
    if (!readColumns(table, details, error) || !readIndexes(table, details, error)
        || !readConstraints(table, details, error))
        return false;

    // MySQL 8.0.29+ counts instant ADD/DROP COLUMN row versions per table (64 at most).
    if (e == Engine::MySQL && m_connection.server().versionNumber >= 80029) {
        QSqlQuery versions(m_connection.database());
        if (run(versions, QStringLiteral("SELECT TOTAL_ROW_VERSIONS FROM information_schema.INNODB_TABLES "
                                         "WHERE NAME = CONCAT(?, '/', ?)"),
                {table.schema, table.name}, what, nullptr)
            && versions.next())
            details->instantRowVersions = versions.value(0).toInt();
    }
    // The server's own rendering is the definition a MySQL or MariaDB user knows.
    if (!run(q, QStringLiteral("SHOW CREATE TABLE %1").arg(qualified), {}, what, error))
        return false;
    details->definitionSql = q.next() ? q.value(1).toString() + QLatin1String(";\n") : QString();
    // Oracle MySQL's information_schema.CHECK_CONSTRAINTS gives the clause encoded twice (each UTF-8
    // byte of a non-ASCII letter as a character of its own: é as Ã©, seen on 9.7) and its quotes as
    // \': a CHECK on a column named in other letters was not found. SHOW CREATE TABLE writes it right.
    if (e == Engine::MySQL) {
        const QHash<QString, QString> checks = checksOf(details->definitionSql);
        for (ConstraintInfo &k : details->constraints)
            if (k.kind == ConstraintKind::Check && checks.contains(k.name))
                k.definition = checks.value(k.name);
    }
    return true;
}

bool MySqlCatalog::readColumns(const TableRef &table, TableDetails *details, ConnectionError *error)
{
    const Engine e = m_connection.engine();
    QSqlQuery q(m_connection.database());
    if (!run(q, QStringLiteral("SELECT c.COLUMN_NAME, c.COLUMN_TYPE, c.DATA_TYPE, c.CHARACTER_MAXIMUM_LENGTH, "
                               "c.NUMERIC_PRECISION, c.NUMERIC_SCALE, c.DATETIME_PRECISION, c.IS_NULLABLE = 'YES', "
                               "c.COLUMN_DEFAULT, c.EXTRA, c.COLUMN_KEY = 'PRI', c.GENERATION_EXPRESSION, "
                               "CASE WHEN c.COLLATION_NAME <> t.TABLE_COLLATION THEN c.COLLATION_NAME END, "
                               "c.COLUMN_COMMENT "
                               "FROM information_schema.COLUMNS c JOIN information_schema.TABLES t "
                               "ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME "
                               "WHERE c.TABLE_SCHEMA = ? AND c.TABLE_NAME = ? ORDER BY c.ORDINAL_POSITION"),
             {table.schema, table.name}, QStringLiteral("reading the columns of %1").arg(table.name), error))
        return false;
    static const QStringList lengthTypes = {QStringLiteral("char"), QStringLiteral("varchar"),
                                            QStringLiteral("binary"), QStringLiteral("varbinary")};
    static const QStringList timeTypes = {QStringLiteral("datetime"), QStringLiteral("timestamp"),
                                          QStringLiteral("time")};
    while (q.next()) {
        ColumnInfo c;
        c.name = q.value(0).toString();
        c.type = q.value(1).toString();
        c.baseType = q.value(2).toString();
        if (lengthTypes.contains(c.baseType))
            c.length = q.value(3).toInt();
        if (c.baseType == QLatin1String("decimal")) {
            c.precision = q.value(4).toInt();
            c.scale = q.value(5).toInt();
        }
        if (timeTypes.contains(c.baseType) && c.type.contains(QLatin1Char('(')))
            c.precision = q.value(6).toInt();
        c.nullable = q.value(7).toBool();
        const QString extra = q.value(9).toString().toUpper();
        c.primaryKey = q.value(10).toBool();
        if (extra.contains(QLatin1String("STORED GENERATED")) || extra.contains(QLatin1String("PERSISTENT"))) {
            c.generated = QStringLiteral("stored");
            c.generationExpression = q.value(11).toString();
        } else if (extra.contains(QLatin1String("VIRTUAL"))) {
            c.generated = QStringLiteral("virtual");
            c.generationExpression = q.value(11).toString();
        } else {
            if (extra.contains(QLatin1String("AUTO_INCREMENT")))
                c.generated = QStringLiteral("auto_increment");
            c.defaultExpression = defaultExpression(q.value(8), extra, c.baseType, e);
        }
        c.collation = q.value(12).toString();
        c.comment = q.value(13).toString();
        details->columns.append(c);
    }
    return true;
}

bool MySqlCatalog::readIndexes(const TableRef &table, TableDetails *details, ConnectionError *error)
{
    QSqlQuery q(m_connection.database());
    if (!run(q, QStringLiteral("SELECT INDEX_NAME, NON_UNIQUE = 0, COLUMN_NAME, INDEX_TYPE FROM information_schema.STATISTICS "
                               "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY INDEX_NAME = 'PRIMARY' DESC, "
                               "INDEX_NAME, SEQ_IN_INDEX"),
             {table.schema, table.name}, QStringLiteral("reading the indexes of %1").arg(table.name), error))
        return false;
    while (q.next()) {
        const QString name = q.value(0).toString();
        if (details->indexes.isEmpty() || details->indexes.last().name != name) {
            IndexInfo i;
            i.name = name;
            i.unique = q.value(1).toBool();
            i.primary = name == QLatin1String("PRIMARY");
            i.method = q.value(3).toString();
            if (i.primary || i.unique)
                i.constraintName = name;
            details->indexes.append(i);
        }
        details->indexes.last().columns << q.value(2).toString();
        if (q.value(3).toString() == QLatin1String("FULLTEXT"))
            details->hasFulltextIndex = true;
    }
    return true;
}

bool MySqlCatalog::readConstraints(const TableRef &table, TableDetails *details, ConnectionError *error)
{
    const Engine e = m_connection.engine();
    QSqlQuery q(m_connection.database());
    // Key columns and referenced columns, one row per column; rules and CHECK clauses joined on.
    if (!run(q, QStringLiteral(
                    "SELECT tc.CONSTRAINT_NAME, tc.CONSTRAINT_TYPE, k.COLUMN_NAME, k.REFERENCED_TABLE_SCHEMA, "
                    "k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.DELETE_RULE, r.UPDATE_RULE, cc.CHECK_CLAUSE "
                    "FROM information_schema.TABLE_CONSTRAINTS tc "
                    "LEFT JOIN information_schema.KEY_COLUMN_USAGE k ON k.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA "
                    "AND k.CONSTRAINT_NAME = tc.CONSTRAINT_NAME AND k.TABLE_NAME = tc.TABLE_NAME "
                    "LEFT JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA "
                    "AND r.CONSTRAINT_NAME = tc.CONSTRAINT_NAME AND r.TABLE_NAME = tc.TABLE_NAME "
                    "LEFT JOIN information_schema.CHECK_CONSTRAINTS cc ON tc.CONSTRAINT_TYPE = 'CHECK' "
                    "AND cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME "
                    "WHERE tc.TABLE_SCHEMA = ? AND tc.TABLE_NAME = ? "
                    "ORDER BY tc.CONSTRAINT_TYPE <> 'PRIMARY KEY', tc.CONSTRAINT_NAME, k.ORDINAL_POSITION"),
             {table.schema, table.name}, QStringLiteral("reading the constraints of %1").arg(table.name), error))
        return false;
    while (q.next()) {
        const QString name = q.value(0).toString();
        const QString type = q.value(1).toString();
        if (details->constraints.isEmpty() || details->constraints.last().name != name) {
            ConstraintInfo k;
            k.name = name;
            k.kind = type == QLatin1String("PRIMARY KEY") ? ConstraintKind::PrimaryKey
                     : type == QLatin1String("UNIQUE")    ? ConstraintKind::Unique
                     : type == QLatin1String("FOREIGN KEY") ? ConstraintKind::ForeignKey
                                                          : ConstraintKind::Check;
            if (k.kind == ConstraintKind::ForeignKey) {
                k.referencedTable = {q.value(3).toString(), q.value(4).toString()};
                k.onDelete = q.value(6).toString();
                k.onUpdate = q.value(7).toString();
            }
            if (k.kind == ConstraintKind::Check)
                k.definition = QStringLiteral("CHECK (%1)").arg(q.value(8).toString());
            details->constraints.append(k);
        }
        ConstraintInfo &k = details->constraints.last();
        if (!q.value(2).isNull())
            k.columns << q.value(2).toString();
        if (!q.value(5).isNull())
            k.referencedColumns << q.value(5).toString();
    }
    for (ConstraintInfo &k : details->constraints) {
        switch (k.kind) {
        case ConstraintKind::PrimaryKey: k.definition = QStringLiteral("PRIMARY KEY (%1)").arg(quoteIdentifierList(e, k.columns)); break;
        case ConstraintKind::Unique: k.definition = QStringLiteral("UNIQUE (%1)").arg(quoteIdentifierList(e, k.columns)); break;
        case ConstraintKind::ForeignKey:
            k.definition = QStringLiteral("FOREIGN KEY (%1) REFERENCES %2 (%3) ON DELETE %4 ON UPDATE %5")
                               .arg(quoteIdentifierList(e, k.columns),
                                    quoteQualified(e, k.referencedTable.schema, k.referencedTable.name),
                                    quoteIdentifierList(e, k.referencedColumns), k.onDelete, k.onUpdate);
            break;
        default: break;
        }
    }
    return true;
}

bool MySqlCatalog::listDependents(const TableRef &table, QList<TableDependent> *dependents, ConnectionError *error)
{
    using K = TableDependent::Kind;
    const Engine engine = m_connection.engine();
    dependents->clear();
    QSqlQuery q(m_connection.database());
    if (!run(q, QStringLiteral("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? "
                               "ORDER BY ORDINAL_POSITION"),
             {table.schema, table.name}, QStringLiteral("reading what depends on %1").arg(table.name), error))
        return false;
    QStringList tableColumns;
    while (q.next())
        tableColumns << q.value(0).toString();
    q.finish();
    if (tableColumns.isEmpty()) {
        noSuchTable(quoteQualified(engine, table.schema, table.name), error);
        return false;
    }
    // Each part on its own: one the role may not read is listed as such, the others still are.
    auto part = [&](K kind, const QString &what, const QString &sql, const QVariantList &values, auto &&take) {
        QSqlQuery p(m_connection.database());
        ConnectionError failure;
        if (!run(p, sql, values, what, &failure)) {
            dependents->append(DependentText::unreadable(kind, what, failure.serverMessage.isEmpty() ? failure.text()
                                                                                                      : failure.serverMessage));
            return;
        }
        while (p.next())
            take(p);
    };
    auto dotted = [](const QVariant &schema, const QVariant &name) { return schema.toString() + QLatin1Char('.') + name.toString(); };
    // The server filters by the table's name in the text; the tokens then tell a name from a
    // string, a comment or a longer name.
    const QString mentions = QStringLiteral("LOCATE(LOWER(?), LOWER(%1)) > 0");
    // MariaDB's information_schema opens every table of every database it may have to look at for
    // views, triggers and keys (MySQL 8 reads its data dictionary): there only the table's own
    // database is searched, which a constant schema lets the server narrow down to. Views,
    // triggers and foreign keys in other databases are not found on MariaDB.
    const auto onlyHere = [&](const QString &schemaColumn) {
        return engine == Engine::MariaDB ? QStringLiteral(" AND %1 = %2").arg(schemaColumn, quoteLiteral(engine, table.schema)) : QString();
    };
    const QString unreadableBody = QStringLiteral("its text is not readable by this role (it takes being its definer, or "
                                                  "SHOW VIEW / SHOW_ROUTINE / EVENT): whether it names the table is not known");
    const QString readByHand = QStringLiteral("read it as its definer: it may name the table");
    auto bodyImpact = [&](const BodyUse &use) {
        if (use.positionalInsert)
            return DependentText::positionalInsertImpact(engine);
        if (use.selectsStar)
            return QStringLiteral("its body has a SELECT *: one INTO a list of variables, or a cursor fetched into them, "
                                  "fails once the column is added; whatever else takes those rows gets the new column too");
        return QString();
    };

    // Views: their text is stored expanded (`db`.`t`.`c` AS `c`), so a SELECT * shows as the
    // table's columns, all of them in the table's order.
    struct View
    {
        QString schema, name;
        bool readable = true;
    };
    QList<View> views;
    part(K::View, QStringLiteral("views"),
         QStringLiteral("SELECT TABLE_SCHEMA, TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS "
                        "WHERE TABLE_SCHEMA NOT IN %1 AND (%2 OR (COALESCE(VIEW_DEFINITION, '') = '' AND TABLE_SCHEMA = ?))%3")
             .arg(SystemSchemas, mentions.arg(QStringLiteral("VIEW_DEFINITION")), onlyHere(QStringLiteral("TABLE_SCHEMA"))),
         {table.name, table.schema}, [&](QSqlQuery &p) {
             const QString text = p.value(2).toString();
             if (text.isEmpty())
                 views.append({p.value(0).toString(), p.value(1).toString(), false});
             else if (DependentText::read(engine, text, table, p.value(0).toString()).namesTable)
                 views.append({p.value(0).toString(), p.value(1).toString(), true});
         });
    if (!views.isEmpty()) {
        QStringList which;
        for (const View &v : std::as_const(views))
            which << QStringLiteral("(TABLE_SCHEMA = %1 AND TABLE_NAME = %2)").arg(quoteLiteral(engine, v.schema), quoteLiteral(engine, v.name));
        QHash<QString, QStringList> columns;
        part(K::View, QStringLiteral("views' columns"),
             QStringLiteral("SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS WHERE %1 "
                            "ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION").arg(which.join(QLatin1String(" OR "))),
             {}, [&](QSqlQuery &p) { columns[dotted(p.value(0), p.value(1))] << p.value(2).toString(); });
        for (const View &v : std::as_const(views)) {
            const QString name = v.schema + QLatin1Char('.') + v.name;
            if (!v.readable) {
                dependents->append({K::View, name, QStringLiteral("a view of the table's database; ") + unreadableBody, readByHand});
                continue;
            }
            const QStringList shown = columns.value(name);
            TableDependent d{K::View, name, QStringLiteral("columns ") + DependentText::columnList(shown), QString()};
            if (DependentText::expandsAll(shown, tableColumns, true))
                DependentText::markExpandedStar(&d);
            dependents->append(d);
        }
    }

    // Triggers on the table, and other triggers whose body names it.
    part(K::Trigger, QStringLiteral("triggers"),
         QStringLiteral("SELECT TRIGGER_SCHEMA, TRIGGER_NAME, EVENT_OBJECT_SCHEMA, EVENT_OBJECT_TABLE, ACTION_TIMING, "
                        "EVENT_MANIPULATION, ACTION_ORIENTATION, ACTION_STATEMENT FROM information_schema.TRIGGERS "
                        "WHERE TRIGGER_SCHEMA NOT IN %1 AND ((EVENT_OBJECT_SCHEMA = ? AND EVENT_OBJECT_TABLE = ?) OR %2)%3")
             .arg(SystemSchemas, mentions.arg(QStringLiteral("ACTION_STATEMENT")), onlyHere(QStringLiteral("TRIGGER_SCHEMA"))),
         {table.schema, table.name, table.name}, [&](QSqlQuery &p) {
             const bool onTable = p.value(2).toString() == table.schema && p.value(3).toString() == table.name;
             const BodyUse use = DependentText::read(engine, p.value(7).toString(), table, p.value(0).toString());
             if (!onTable && !use.namesTable)
                 return;
             const QString event = p.value(5).toString();
             QString detail = QStringLiteral("%1 %2").arg(p.value(4).toString(), event);
             if (!onTable)
                 detail += QLatin1String(" on ") + dotted(p.value(2), p.value(3));
             detail += QStringLiteral(", for each %1").arg(p.value(6).toString().toLower());
             if (!onTable)
                 detail += QLatin1String("; its body names the table");
             else if (use.namesTable)
                 detail += QLatin1String("; its body names the table too");
             QString impact = bodyImpact(use);
             if (impact.isEmpty() && onTable)
                 impact = DependentText::updateTriggerImpact(event == QLatin1String("UPDATE"), true, false);
             dependents->append({K::Trigger, dotted(p.value(0), p.value(1)), detail, impact});
         });

    // Stored functions and procedures whose body names the table; those whose body the role may
    // not read, in the table's database.
    part(K::Function, QStringLiteral("functions and procedures"),
         QStringLiteral("SELECT ROUTINE_SCHEMA, ROUTINE_NAME, ROUTINE_TYPE, ROUTINE_DEFINITION FROM information_schema.ROUTINES "
                        "WHERE ROUTINE_SCHEMA NOT IN %1 AND (%2 OR (ROUTINE_DEFINITION IS NULL AND ROUTINE_SCHEMA = ?))")
             .arg(SystemSchemas, mentions.arg(QStringLiteral("ROUTINE_DEFINITION"))),
         {table.name, table.schema}, [&](QSqlQuery &p) {
             const bool procedure = p.value(2).toString() == QLatin1String("PROCEDURE");
             const K kind = procedure ? K::Procedure : K::Function;
             const QString name = dotted(p.value(0), p.value(1));
             const QString what = procedure ? QStringLiteral("procedure") : QStringLiteral("function");
             if (p.value(3).isNull()) {
                 dependents->append({kind, name, QStringLiteral("a %1 of the table's database; ").arg(what) + unreadableBody, readByHand});
                 return;
             }
             const BodyUse use = DependentText::read(engine, p.value(3).toString(), table, p.value(0).toString());
             if (use.namesTable)
                 dependents->append({kind, name, QStringLiteral("%1, its body names the table").arg(what), bodyImpact(use)});
         });

    // Scheduled events whose body names the table.
    part(K::Event, QStringLiteral("events"),
         QStringLiteral("SELECT EVENT_SCHEMA, EVENT_NAME, EVENT_DEFINITION, EVENT_TYPE, INTERVAL_VALUE, INTERVAL_FIELD, STATUS "
                        "FROM information_schema.EVENTS WHERE %1").arg(mentions.arg(QStringLiteral("EVENT_DEFINITION"))),
         {table.name}, [&](QSqlQuery &p) {
             const BodyUse use = DependentText::read(engine, p.value(2).toString(), table, p.value(0).toString());
             if (!use.namesTable)
                 return;
             const QString when = p.value(3).toString() == QLatin1String("RECURRING")
                 ? QStringLiteral("every %1 %2").arg(p.value(4).toString(), p.value(5).toString())
                 : QStringLiteral("once");
             dependents->append({K::Event, dotted(p.value(0), p.value(1)),
                                 QStringLiteral("runs %1, %2; its body names the table").arg(when, p.value(6).toString().toLower()),
                                 bodyImpact(use)});
         });

    // Foreign keys in and out, one row per column.
    struct Key
    {
        QString name, from, to, deleteRule, updateRule;
        QStringList columns, referenced;
        bool out = false, in = false;
    };
    QList<Key> keys;
    part(K::ForeignKeyIn, QStringLiteral("foreign keys"),
         QStringLiteral("SELECT k.CONSTRAINT_NAME, k.TABLE_SCHEMA, k.TABLE_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_SCHEMA, "
                        "k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.DELETE_RULE, r.UPDATE_RULE "
                        "FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r "
                        "ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME "
                        "AND r.TABLE_NAME = k.TABLE_NAME "
                        "WHERE k.REFERENCED_TABLE_NAME IS NOT NULL AND ((k.TABLE_SCHEMA = ? AND k.TABLE_NAME = ?) "
                        "OR (k.REFERENCED_TABLE_SCHEMA = ? AND k.REFERENCED_TABLE_NAME = ?))%1%2 "
                        "ORDER BY k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION")
             .arg(onlyHere(QStringLiteral("k.TABLE_SCHEMA")), onlyHere(QStringLiteral("r.CONSTRAINT_SCHEMA"))),
         {table.schema, table.name, table.schema, table.name}, [&](QSqlQuery &p) {
             const QString from = dotted(p.value(1), p.value(2));
             const QString name = from + QLatin1Char('.') + p.value(0).toString();
             if (keys.isEmpty() || keys.last().name != name) {
                 Key k{name, from, dotted(p.value(4), p.value(5)), p.value(7).toString(), p.value(8).toString(), {}, {}};
                 k.out = p.value(1).toString() == table.schema && p.value(2).toString() == table.name;
                 k.in = p.value(4).toString() == table.schema && p.value(5).toString() == table.name;
                 keys.append(k);
             }
             keys.last().columns << p.value(3).toString();
             keys.last().referenced << p.value(6).toString();
         });
    for (const Key &k : std::as_const(keys)) {
        QString actions;
        for (const auto &[on, rule] : {std::pair{QLatin1String(" ON DELETE "), k.deleteRule}, std::pair{QLatin1String(" ON UPDATE "), k.updateRule}}) {
            if (rule != QLatin1String("RESTRICT") && rule != QLatin1String("NO ACTION"))
                actions += on + rule;
        }
        const QString columns = DependentText::columnList(k.columns);
        const QString referenced = DependentText::columnList(k.referenced);
        if (k.out)
            dependents->append({K::ForeignKeyOut, k.name, columns + QLatin1String(" -> ") + k.to + QLatin1Char(' ') + referenced + actions, QString()});
        if (k.in)
            dependents->append({K::ForeignKeyIn, k.name, k.from + QLatin1Char(' ') + columns + QLatin1String(" -> ") + referenced + actions, QString()});
    }

    // Partitions (and subpartitions).
    part(K::Partition, QStringLiteral("partitions"),
         QStringLiteral("SELECT PARTITION_NAME, SUBPARTITION_NAME, PARTITION_METHOD, PARTITION_EXPRESSION, PARTITION_DESCRIPTION, "
                        "SUBPARTITION_METHOD, SUBPARTITION_EXPRESSION FROM information_schema.PARTITIONS "
                        "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND PARTITION_NAME IS NOT NULL "
                        "ORDER BY PARTITION_ORDINAL_POSITION, SUBPARTITION_ORDINAL_POSITION"),
         {table.schema, table.name}, [&](QSqlQuery &p) {
             QString name = table.schema + QLatin1Char('.') + table.name + QLatin1Char('.') + p.value(0).toString();
             QString detail = QStringLiteral("%1 (%2)").arg(p.value(2).toString(), p.value(3).toString());
             if (!p.value(4).isNull() && !p.value(4).toString().isEmpty())
                 detail += (p.value(2).toString().startsWith(QLatin1String("RANGE")) ? QLatin1String(": VALUES LESS THAN (")
                                                                                     : QLatin1String(": VALUES IN ("))
                     + p.value(4).toString() + QLatin1Char(')');
             if (!p.value(1).isNull()) {
                 name += QLatin1Char('.') + p.value(1).toString();
                 detail += QStringLiteral("; subpartition by %1 (%2)").arg(p.value(5).toString(), p.value(6).toString());
             }
             dependents->append({K::Partition, name, detail, QString()});
         });
    DependentText::sort(dependents);
    return true;
}

bool MySqlCatalog::listTypes(QList<TypeInfo> *types, ConnectionError *)
{
    using P = TypeInfo::Parameters;
    // MySQL and MariaDB have no user-defined types; ENUM and SET take their labels inline.
    static const QList<QPair<const char *, P>> builtIn = {
        {"tinyint", P::None},    {"smallint", P::None},    {"mediumint", P::None},    {"int", P::None},
        {"bigint", P::None},     {"decimal", P::PrecisionScale}, {"float", P::None},  {"double", P::None},
        {"bit", P::Length},      {"boolean", P::None},     {"char", P::Length},       {"varchar", P::Length},
        {"binary", P::Length},   {"varbinary", P::Length}, {"tinytext", P::None},     {"text", P::None},
        {"mediumtext", P::None}, {"longtext", P::None},    {"tinyblob", P::None},     {"blob", P::None},
        {"mediumblob", P::None}, {"longblob", P::None},    {"date", P::None},         {"time", P::Precision},
        {"datetime", P::Precision}, {"timestamp", P::Precision}, {"year", P::None},   {"json", P::None},
        {"enum", P::None},       {"set", P::None},
    };
    types->clear();
    for (const auto &[name, parameters] : builtIn) {
        TypeInfo t;
        t.name = QString::fromLatin1(name);
        t.parameters = parameters;
        t.category = t.name == QLatin1String("enum") ? TypeCategory::Enum : TypeCategory::BuiltIn;
        types->append(t);
    }
    const ServerInfo &server = m_connection.server();
    if (server.engine == Engine::MariaDB && server.versionNumber >= 100700)
        types->append({QString(), QStringLiteral("uuid"), TypeCategory::BuiltIn, P::None, {}, {}});
    if (server.engine == Engine::MariaDB && server.versionNumber >= 100500)
        types->append({QString(), QStringLiteral("inet6"), TypeCategory::BuiltIn, P::None, {}, {}});
    if (server.engine == Engine::MariaDB && server.versionNumber >= 101000)
        types->append({QString(), QStringLiteral("inet4"), TypeCategory::BuiltIn, P::None, {}, {}});
    return true;
}

bool MySqlCatalog::blockingSessions(const TableRef &table, QList<BlockingSession> *sessions, ConnectionError *error)
{
    QSqlQuery q(m_connection.database());
    const QString what = QStringLiteral("looking for sessions that would block %1").arg(table.name);
    sessions->clear();

    // With performance_schema's metadata-lock instrument on (MySQL 8's default), the sessions that
    // hold or wait for this table's metadata lock can be named exactly.
    bool precise = false;
    if (m_connection.server().settings.value(QStringLiteral("performance_schema")) == QLatin1String("ON")
        && run(q, QStringLiteral("SELECT ENABLED = 'YES' FROM performance_schema.setup_instruments "
                                 "WHERE NAME = 'wait/lock/metadata/sql/mdl'"),
               {}, what, nullptr)
        && q.next())
        precise = q.value(0).toBool();
    if (precise) {
        if (!run(q, QStringLiteral(
                        "SELECT t.PROCESSLIST_ID, t.PROCESSLIST_USER, t.PROCESSLIST_HOST, t.PROCESSLIST_COMMAND, "
                        "TIMESTAMPDIFF(MICROSECOND, x.trx_started, NOW(6)) / 1e6, "
                        "COALESCE(t.PROCESSLIST_INFO, x.trx_query), m.LOCK_TYPE, m.LOCK_STATUS "
                        "FROM performance_schema.metadata_locks m "
                        "JOIN performance_schema.threads t ON t.THREAD_ID = m.OWNER_THREAD_ID "
                        "LEFT JOIN information_schema.INNODB_TRX x ON x.trx_mysql_thread_id = t.PROCESSLIST_ID "
                        "WHERE m.OBJECT_TYPE = 'TABLE' AND m.OBJECT_SCHEMA = ? AND m.OBJECT_NAME = ? "
                        "AND t.PROCESSLIST_ID <> CONNECTION_ID() "
                        "ORDER BY x.trx_started IS NULL, x.trx_started, t.PROCESSLIST_ID, m.LOCK_TYPE"),
                 {table.schema, table.name}, what, error))
            return false;
        while (q.next()) {
            const qint64 id = q.value(0).toLongLong();
            if (sessions->isEmpty() || sessions->last().pid != id) {
                BlockingSession s;
                s.pid = id;
                s.user = q.value(1).toString();
                s.application = q.value(2).toString();
                s.state = sessionState(q.value(3).toString());
                s.transactionSeconds = q.value(4).isNull() ? -1 : q.value(4).toDouble();
                s.query = q.value(5).toString();
                sessions->append(s);
            }
            BlockingSession &s = sessions->last();
            const bool pending = q.value(7).toString() == QLatin1String("PENDING");
            s.locks << QStringLiteral("metadata lock %1%2").arg(q.value(6).toString(),
                                                               pending ? QStringLiteral(" (waiting)") : QString());
            s.waiting = s.waiting || pending;
        }
        return true;
    }

    // By default (MariaDB) which session holds a table's metadata lock cannot be seen; every open
    // transaction may hold one, since any statement on the table takes it until commit. So: sessions
    // inside a transaction, and sessions waiting for a metadata lock. InnoDB refreshes INNODB_TRX
    // only when nobody read it for 100 ms: a read sooner after this process's last one would get
    // that one's rows again (a run's step right after a pre-flight saw no transaction begun since).
    awaitFreshInnodbViews();
    if (!run(q, QStringLiteral(
                    "SELECT p.ID, p.USER, p.HOST, p.COMMAND, TIMESTAMPDIFF(MICROSECOND, t.trx_started, NOW(6)) / 1e6, "
                    "COALESCE(p.INFO, t.trx_query), p.STATE LIKE 'Waiting for%lock%' "
                    "FROM information_schema.PROCESSLIST p "
                    "LEFT JOIN information_schema.INNODB_TRX t ON t.trx_mysql_thread_id = p.ID "
                    "WHERE p.ID <> CONNECTION_ID() AND p.COMMAND NOT IN ('Daemon', 'Binlog Dump') "
                    "AND (t.trx_id IS NOT NULL OR p.STATE LIKE 'Waiting for%metadata lock%') "
                    "ORDER BY t.trx_started, p.ID"),
             {}, what, error))
        return false;
    while (q.next()) {
        BlockingSession s;
        s.pid = q.value(0).toLongLong();
        s.user = q.value(1).toString();
        s.application = q.value(2).toString();
        s.state = sessionState(q.value(3).toString());
        s.transactionSeconds = q.value(4).isNull() ? -1 : q.value(4).toDouble();
        s.query = q.value(5).toString();
        s.waiting = q.value(6).toBool();
        if (s.transactionSeconds >= 0)
            s.locks << QStringLiteral("metadata lock (open transaction)");
        sessions->append(s);
    }
    return true;
}

bool MySqlCatalog::functionsCalled(ExpressionPlace, const QString &expression, const QString &, const TableRef &,
                                   const QString &, ExpressionCalls *calls, ConnectionError *error)
{
    *calls = {};
    QString why;
    if (!SqlFragment::check(m_connection.engine(), expression, &why)) {
        if (error) {
            error->kind = ConnectionError::Kind::Query;
            error->serverMessage.clear();
            error->explanation = QStringLiteral("The expression %1.").arg(why);
        }
        return false;
    }
    // MySQL and MariaDB keep no dependencies of an expression: its text is read instead. A call is a
    // name, or database.name, followed by "("; NEXT VALUE FOR seq is MariaDB's spelling of NEXTVAL(seq).
    const QList<SqlToken> t = SqlTokens::split(m_connection.engine(), expression);
    const QString database = m_connection.profile().database;
    auto word = [&](qsizetype i, const char *keyword) {
        return i >= 0 && i < t.size() && t.at(i).isKeyword(QLatin1String(keyword));
    };
    // A possibly qualified name starting at i: (schema, name), and the index after it.
    auto nameAt = [&](qsizetype i, QString *schema, QString *name) -> qsizetype {
        if (i >= t.size() || !t.at(i).isName())
            return -1;
        if (i + 2 < t.size() && t.at(i + 1).isSymbol(QLatin1Char('.')) && t.at(i + 2).isName()) {
            *schema = t.at(i).text;
            *name = t.at(i + 2).text;
            return i + 3;
        }
        schema->clear();
        *name = t.at(i).text;
        return i + 1;
    };
    QSet<QString> seen;
    for (qsizetype i = 0; i < t.size(); ++i) {
        QString schema, name, sequenceSchema, sequence;
        qsizetype after = -1;
        if (word(i, "NEXT") && word(i + 1, "VALUE") && word(i + 2, "FOR")) {
            name = QStringLiteral("nextval");
            if (nameAt(i + 3, &sequenceSchema, &sequence) < 0)
                continue;
        } else if (t.at(i).isName() && (i == 0 || !t.at(i - 1).isSymbol(QLatin1Char('.')))
                   && (after = nameAt(i, &schema, &name)) > 0 && after < t.size() && t.at(after).isSymbol(QLatin1Char('('))) {
            const QString lower = name.toLower();
            if (schema.isEmpty() && (lower == QLatin1String("nextval") || lower == QLatin1String("setval") || lower == QLatin1String("lastval")))
                static_cast<void>(nameAt(after + 1, &sequenceSchema, &sequence));
        } else {
            continue;
        }
        if (!sequence.isEmpty()) {
            const QString qualified = (sequenceSchema.isEmpty() ? database : sequenceSchema) + QLatin1Char('.') + sequence;
            if (!std::any_of(calls->sequences.cbegin(), calls->sequences.cend(), [&](const NamedSequence &s) { return s.name == qualified; }))
                calls->sequences << NamedSequence{qualified, {}};
        }
        const QString key = schema.toLower() + QLatin1Char('.') + name.toLower();
        if (seen.contains(key))
            continue;
        seen.insert(key);
        // A stored function (unqualified: in the session's database), else a loadable one (mysql.func,
        // readable only with the privilege; without it none is found), else a built-in.
        CalledFunction f;
        f.name = name.toLower();
        QSqlQuery q(m_connection.database());
        if (run(q, QStringLiteral("SELECT ROUTINE_SCHEMA, ROUTINE_NAME, SQL_DATA_ACCESS FROM information_schema.ROUTINES "
                                  "WHERE ROUTINE_TYPE = 'FUNCTION' AND ROUTINE_SCHEMA = ? AND ROUTINE_NAME = ?"),
                {schema.isEmpty() ? database : schema, name}, QStringLiteral("reading the functions the expression calls"), error)
            && q.next()) {
            f.kind = CalledFunction::Kind::Stored;
            f.schema = q.value(0).toString();
            f.name = q.value(1).toString();
            f.dataAccess = q.value(2).toString();
        } else if (schema.isEmpty() && q.exec(QStringLiteral("SELECT name FROM mysql.func WHERE name = %1").arg(quoteLiteral(m_connection.engine(), name)))
                   && q.next()) {
            f.kind = CalledFunction::Kind::Loadable;
            f.name = q.value(0).toString();
        } else if (!schema.isEmpty()) {
            continue; // db.name( with no such stored function: the server will say so
        }
        calls->functions << f;
    }
    return true;
}

} // namespace Stagecraft
