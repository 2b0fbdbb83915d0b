#include "sqlitecatalog.h"

#include "dependenttext_p.h"
#include "connection/databaseconnection.h"
#include "sql/quoting.h"
#include "sql/sqliteschemasql.h"
#include "sql/sqltokens.h"

#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>

namespace Stagecraft {

namespace {

const Engine SQ = Engine::SQLite;

// Length, precision and scale from a declared type such as VARCHAR(40) or NUMERIC(10,2).
void parseDeclaredType(ColumnInfo *c)
{
    static const QRegularExpression re(QStringLiteral("^\\s*([^(]*?)\\s*(?:\\(\\s*(\\d+)\\s*(?:,\\s*(\\d+)\\s*)?\\))?\\s*$"));
    const auto m = re.match(c->type);
    c->baseType = m.hasMatch() ? m.captured(1) : c->type;
    if (!m.hasMatch() || m.captured(2).isEmpty())
        return;
    const QString base = c->baseType.toUpper();
    if (base.contains(QLatin1String("CHAR")) || base.contains(QLatin1String("TEXT"))
        || base.contains(QLatin1String("CLOB")) || base.contains(QLatin1String("BINARY"))) {
        c->length = m.captured(2).toInt();
    } else {
        c->precision = m.captured(2).toInt();
        if (!m.captured(3).isEmpty())
            c->scale = m.captured(3).toInt();
    }
}

// Skips a quoted run ('...', "...", `...`, [...]) at sql[i]; returns the index after it.
qsizetype skipQuoted(const QString &sql, qsizetype i)
{
    const QChar open = sql.at(i);
    const QChar close = open == QLatin1Char('[') ? QLatin1Char(']') : open;
    for (qsizetype j = i + 1; j < sql.size(); ++j) {
        if (sql.at(j) == close) {
            if (close != QLatin1Char(']') && j + 1 < sql.size() && sql.at(j + 1) == close) {
                ++j;
                continue;
            }
            return j + 1;
        }
    }
    return sql.size();
}

bool isQuote(QChar c)
{
    return c == QLatin1Char('\'') || c == QLatin1Char('"') || c == QLatin1Char('`') || c == QLatin1Char('[');
}

QString unquote(QString name)
{
    if (name.size() >= 2 && isQuote(name.at(0))) {
        const QChar q = name.at(0);
        name = name.mid(1, name.size() - 2);
        if (q != QLatin1Char('['))
            name.replace(QString(2, q), QString(q));
    }
    return name;
}

// SQLite keeps CHECK constraints only in the CREATE TABLE text: find them there, with their names.
QList<ConstraintInfo> checkConstraints(const QString &sql)
{
    QList<ConstraintInfo> checks;
    QStringList words; // the last words seen, to find "CONSTRAINT name" before CHECK
    int depth = 0;
    for (qsizetype i = 0; i < sql.size();) {
        const QChar c = sql.at(i);
        if (isQuote(c)) {
            const qsizetype end = skipQuoted(sql, i);
            words << sql.mid(i, end - i);
            i = end;
            continue;
        }
        if (c == QLatin1Char('(')) {
            ++depth;
        } else if (c == QLatin1Char(')')) {
            --depth;
        } else if (c == QLatin1Char(',')) {
            words.clear();
        } else if (c.isLetter() || c == QLatin1Char('_')) {
            qsizetype end = i;
            while (end < sql.size() && (sql.at(end).isLetterOrNumber() || sql.at(end) == QLatin1Char('_')))
                ++end;
            const QString word = sql.mid(i, end - i);
            if (depth == 1 && word.compare(QLatin1String("CHECK"), Qt::CaseInsensitive) == 0) {
                qsizetype open = end;
                while (open < sql.size() && sql.at(open).isSpace())
                    ++open;
                int inner = 0;
                qsizetype close = open;
                for (; close < sql.size(); ++close) {
                    if (isQuote(sql.at(close))) {
                        close = skipQuoted(sql, close) - 1;
                    } else if (sql.at(close) == QLatin1Char('(')) {
                        ++inner;
                    } else if (sql.at(close) == QLatin1Char(')') && --inner == 0) {
                        break;
                    }
                }
                ConstraintInfo k;
                k.kind = ConstraintKind::Check;
                k.definition = QStringLiteral("CHECK ") + sql.mid(open, close - open + 1);
                if (words.size() >= 2 && words.at(words.size() - 2).compare(QLatin1String("CONSTRAINT"),
                                                                             Qt::CaseInsensitive) == 0)
                    k.name = unquote(words.last());
                checks << k;
                i = close + 1;
                words.clear();
                continue;
            }
            words << word;
            i = end;
            continue;
        }
        ++i;
    }
    return checks;
}

} // namespace

bool SqliteCatalog::listSchemas(QStringList *schemas, ConnectionError *error)
{
    QSqlQuery q(m_connection.database());
    if (!run(q, QStringLiteral("SELECT name FROM pragma_database_list WHERE name <> 'temp' ORDER BY seq"), {},
             QStringLiteral("listing the databases"), error))
        return false;
    schemas->clear();
    while (q.next())
        schemas->append(q.value(0).toString());
    return true;
}

bool SqliteCatalog::listTables(QList<TableSummary> *tables, ConnectionError *error)
{
    QSqlQuery q(m_connection.database());
    // One read of the schema: the tables and views to list, and which table each b-tree (the
    // table's own or an index's) belongs to, for the sizes below.
    if (!run(q, QStringLiteral("SELECT name, type, tbl_name FROM sqlite_schema WHERE type IN ('table', 'view', 'index') "
                               "ORDER BY name"),
             {}, QStringLiteral("listing the tables"), error))
        return false;
    QList<TableSummary> found;
    QHash<QString, QString> owner; // b-tree (table or index) -> table
    while (q.next()) {
        const QString name = q.value(0).toString();
        const QString type = q.value(1).toString();
        if (type != QLatin1String("view"))
            owner.insert(name, q.value(2).toString());
        if (type == QLatin1String("index") || name.startsWith(QLatin1String("sqlite_"), Qt::CaseInsensitive))
            continue;
        TableSummary t;
        t.table = {QStringLiteral("main"), name};
        t.kind = type == QLatin1String("view") ? RelationKind::View : RelationKind::Table;
        found.append(t);
    }
    // Sizes of all tables from one pass over dbstat (an optional SQLite module: without it they stay
    // unknown), one row per b-tree, added up per table here: joining dbstat in SQL rescans it per row.
    QHash<QString, qint64> sizes;
    if (q.exec(QStringLiteral("SELECT name, pgsize FROM dbstat WHERE aggregate = TRUE"))) {
        while (q.next())
            sizes[owner.value(q.value(0).toString())] += q.value(1).toLongLong();
    }
    // SQLite keeps no row estimate worth the name; counting is exact and, on a local file, fast.
    for (TableSummary &t : found) {
        if (t.kind == RelationKind::View)
            continue;
        const QString quoted = quoteIdentifier(SQ, t.table.name);
        if (!run(q, QStringLiteral("SELECT count(*) FROM %1").arg(quoted), {},
                 QStringLiteral("counting the rows of %1").arg(quoted), error))
            return false;
        if (q.next())
            t.estimatedRows = q.value(0).toLongLong();
        t.rowCountExact = true;
        t.totalBytes = sizes.value(t.table.name, -1);
    }
    *tables = found;
    return true;
}

bool SqliteCatalog::describeTable(const TableRef &table, TableDetails *details, ConnectionError *error)
{
    const QString quoted = quoteIdentifier(SQ, table.name);
    const QString what = QStringLiteral("reading table %1").arg(quoted);
    QSqlQuery q(m_connection.database());
    if (!run(q, QStringLiteral("SELECT type, sql FROM sqlite_schema WHERE name = ? AND type IN ('table', 'view')"),
             {table.name}, what, error))
        return false;
    if (!q.next()) {
        noSuchTable(quoted, error);
        return false;
    }
    *details = {};
    details->table = table;
    details->kind = q.value(0).toString() == QLatin1String("view") ? RelationKind::View : RelationKind::Table;
    const QString createSql = q.value(1).toString();
    if (!readColumns(table, details, error) || !readIndexes(table, details, error)
        || !readConstraints(table, details, error))
        return false;
    details->constraints.append(checkConstraints(createSql));

    if (details->kind == RelationKind::Table) {
        details->createSql = createSql;
        SqliteSchemaSql::TableParts parts;
        QString unreadable;
        details->withoutRowid = SqliteSchemaSql::parseCreateTable(createSql, &parts, &unreadable) && parts.withoutRowid;
        if (!readDependents(table, details, error))
            return false;
        if (!run(q, QStringLiteral("SELECT count(*) FROM %1").arg(quoted), {}, what, error) || !q.next())
            return false;
        details->estimatedRows = q.value(0).toLongLong();
        details->rowCountExact = true;
        // dbstat is optional: without it the sizes stay unknown, which is no error.
        QStringList indexes;
        for (const IndexInfo &i : std::as_const(details->indexes))
            indexes << i.name;
        QSqlQuery size(m_connection.database());
        if (size.prepare(QStringLiteral("SELECT pgsize FROM dbstat WHERE name = ? AND aggregate = TRUE"))) {
            details->heapBytes = 0;
            details->indexBytes = 0;
            for (const QString &btree : QStringList{table.name} + indexes) {
                size.addBindValue(btree);
                if (!size.exec() || !size.next()) {
                    details->heapBytes = details->indexBytes = -1;
                    break;
                }
                (btree == table.name ? details->heapBytes : details->indexBytes) += size.value(0).toLongLong();
            }
            if (details->heapBytes >= 0)
                details->totalBytes = details->heapBytes + details->indexBytes;
        }
    }
    // A trigger keeps its table's name as it was written (ON ORDERS for orders): compare as SQLite does.
    if (!run(q, QStringLiteral("SELECT sql FROM sqlite_schema WHERE tbl_name = ? COLLATE NOCASE AND type = 'trigger' ORDER BY name"),
             {table.name}, what, error))
        return false;
    while (q.next())
        details->triggers << q.value(0).toString();
    if (!run(q, QStringLiteral("SELECT sql FROM sqlite_schema WHERE tbl_name = ? COLLATE NOCASE AND sql IS NOT NULL "
                               "ORDER BY type NOT IN ('table', 'view'), name"),
             {table.name}, what, error))
        return false;
    QString sql;
    while (q.next())
        sql += q.value(0).toString() + QLatin1String(";\n");
    details->definitionSql = sql;
    return true;
}

bool SqliteCatalog::readColumns(const TableRef &table, TableDetails *details, ConnectionError *error)
{
    QSqlQuery q(m_connection.database());
    // table_xinfo also lists generated columns (hidden 2 = virtual, 3 = stored).
    if (!run(q, QStringLiteral("SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?)"),
             {table.name}, QStringLiteral("reading the columns of %1").arg(table.name), error))
        return false;
    int keyColumns = 0;
    while (q.next()) {
        const int hidden = q.value(5).toInt();
        if (hidden == 1)
            continue; // hidden columns of virtual tables
        ColumnInfo c;
        c.name = q.value(0).toString();
        c.type = q.value(1).toString();
        parseDeclaredType(&c);
        c.nullable = !q.value(2).toBool();
        c.defaultExpression = q.value(3).toString();
        c.primaryKey = q.value(4).toInt() > 0;
        keyColumns += c.primaryKey ? 1 : 0;
        if (hidden == 2 || hidden == 3)
            c.generated = hidden == 3 ? QStringLiteral("stored") : QStringLiteral("virtual");
        details->columns.append(c);
    }
    // An INTEGER PRIMARY KEY is the rowid: never NULL, whatever table_info says.
    if (keyColumns == 1) {
        for (ColumnInfo &c : details->columns) {
            if (c.primaryKey && c.type.compare(QLatin1String("INTEGER"), Qt::CaseInsensitive) == 0)
                c.nullable = false;
        }
    }
    return true;
}

bool SqliteCatalog::readIndexes(const TableRef &table, TableDetails *details, ConnectionError *error)
{
    QSqlQuery q(m_connection.database());
    if (!run(q, QStringLiteral("SELECT l.name, l.\"unique\", l.origin, s.sql, "
                               "(SELECT group_concat(coalesce(i.name, '<expression>'), char(31)) FROM "
                               "(SELECT name FROM pragma_index_info(l.name) ORDER BY seqno) i) "
                               "FROM pragma_index_list(?) l LEFT JOIN sqlite_schema s ON s.name = l.name "
                               "ORDER BY l.origin <> 'pk', l.name"),
             {table.name}, QStringLiteral("reading the indexes of %1").arg(table.name), error))
        return false;
    static const QRegularExpression where(QStringLiteral("\\bWHERE\\b\\s*(.*)$"),
                                          QRegularExpression::CaseInsensitiveOption
                                              | QRegularExpression::DotMatchesEverythingOption);
    while (q.next()) {
        IndexInfo i;
        i.name = q.value(0).toString();
        i.unique = q.value(1).toBool();
        const QString origin = q.value(2).toString();
        i.primary = origin == QLatin1String("pk");
        i.method = QStringLiteral("btree");
        i.definition = q.value(3).toString();
        i.columns = q.value(4).toString().split(QChar(0x1f));
        if (origin != QLatin1String("c"))
            i.constraintName = i.name; // made by a PRIMARY KEY or UNIQUE clause
        const auto m = where.match(i.definition);
        if (m.hasMatch())
            i.predicate = m.captured(1).trimmed();
        details->indexes.append(i);
    }
    return true;
}

bool SqliteCatalog::readConstraints(const TableRef &table, TableDetails *details, ConnectionError *error)
{
    QSqlQuery q(m_connection.database());
    // The key's columns in the key's order (PRIMARY KEY (b, a) is ordered by b first), which is the
    // order a keyset backfill must walk to follow the key's b-tree.
    if (!run(q, QStringLiteral("SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk"), {table.name},
             QStringLiteral("reading the primary key of %1").arg(table.name), error))
        return false;
    QStringList key;
    while (q.next())
        key << q.value(0).toString();
    if (!key.isEmpty()) {
        ConstraintInfo pk;
        pk.kind = ConstraintKind::PrimaryKey;
        pk.columns = key;
        QStringList quoted;
        for (const QString &c : std::as_const(key))
            quoted << quoteIdentifier(SQ, c);
        pk.definition = QStringLiteral("PRIMARY KEY (%1)").arg(quoted.join(QLatin1String(", ")));
        details->constraints.append(pk);
    }
    for (const IndexInfo &i : std::as_const(details->indexes)) {
        if (i.unique && !i.primary && !i.constraintName.isEmpty()) {
            ConstraintInfo u;
            u.kind = ConstraintKind::Unique;
            u.columns = i.columns;
            QStringList quoted;
            for (const QString &c : i.columns)
                quoted << quoteIdentifier(SQ, c);
            u.definition = QStringLiteral("UNIQUE (%1)").arg(quoted.join(QLatin1String(", ")));
            details->constraints.append(u);
        }
    }
    if (!run(q, QStringLiteral("SELECT id, \"table\", \"from\", \"to\", on_update, on_delete "
                               "FROM pragma_foreign_key_list(?) ORDER BY id, seq"),
             {table.name}, QStringLiteral("reading the foreign keys of %1").arg(table.name), error))
        return false;
    int lastId = -1;
    while (q.next()) {
        if (q.value(0).toInt() != lastId) {
            lastId = q.value(0).toInt();
            ConstraintInfo f;
            f.kind = ConstraintKind::ForeignKey;
            f.referencedTable = {QStringLiteral("main"), q.value(1).toString()};
            f.onUpdate = q.value(4).toString();
            f.onDelete = q.value(5).toString();
            details->constraints.append(f);
        }
        ConstraintInfo &f = details->constraints.last();
        f.columns << q.value(2).toString();
        f.referencedColumns << q.value(3).toString();
    }
    for (ConstraintInfo &f : details->constraints) {
        if (f.kind != ConstraintKind::ForeignKey)
            continue;
        QStringList from, to;
        for (const QString &c : std::as_const(f.columns))
            from << quoteIdentifier(SQ, c);
        for (const QString &c : std::as_const(f.referencedColumns))
            to << quoteIdentifier(SQ, c);
        f.definition = QStringLiteral("FOREIGN KEY (%1) REFERENCES %2 (%3) ON DELETE %4 ON UPDATE %5")
                           .arg(from.join(QLatin1String(", ")), quoteIdentifier(SQ, f.referencedTable.name),
                                to.join(QLatin1String(", ")), f.onDelete, f.onUpdate);
    }
    return true;
}

bool SqliteCatalog::readDependents(const TableRef &table, TableDetails *details, ConnectionError *error)
{
    QSqlQuery q(m_connection.database());
    if (!run(q, QStringLiteral("SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE type IN ('view', 'trigger') "
                               "AND sql IS NOT NULL ORDER BY rowid"),
             {}, QStringLiteral("reading the views and triggers that use %1").arg(table.name), error))
        return false;
    struct Candidate
    {
        SchemaObject object;
        QString on; // a trigger's table or view
        bool taken = false;
    };
    QList<Candidate> candidates;
    while (q.next()) {
        Candidate c{{q.value(0).toString(), q.value(1).toString(), q.value(3).toString()}, q.value(2).toString()};
        // The table's own triggers go with it (DROP TABLE) and are made again from details->triggers.
        if (c.object.type == QLatin1String("trigger") && SqliteSchemaSql::sameName(c.on, table.name))
            continue;
        candidates << c;
    }
    // SQLite records no dependencies: what names the table depends on it, and what names such a
    // view in turn, until nothing more is found. Naming it in a string counts too (SQLite takes
    // FROM 'orders' for a name): dropping and making again one view too many is harmless, one too
    // few makes the rename fail.
    QStringList used{table.name};
    for (bool found = true; found;) {
        found = false;
        for (Candidate &c : candidates) {
            if (c.taken)
                continue;
            const bool onUsedView = c.object.type == QLatin1String("trigger")
                && std::any_of(used.cbegin(), used.cend(), [&](const QString &u) { return SqliteSchemaSql::sameName(u, c.on); });
            const bool namesUsed = std::any_of(used.cbegin(), used.cend(),
                                               [&](const QString &u) { return SqliteSchemaSql::names(c.object.sql, u); });
            if (!onUsedView && !namesUsed)
                continue;
            c.taken = true;
            found = true;
            if (c.object.type == QLatin1String("view"))
                used << c.object.name;
        }
    }
    for (const Candidate &c : std::as_const(candidates)) {
        if (c.taken)
            details->dependents << c.object;
    }
    return true;
}

bool SqliteCatalog::listDependents(const TableRef &table, QList<TableDependent> *dependents, ConnectionError *error)
{
    using K = TableDependent::Kind;
    dependents->clear();
    const QString what = QStringLiteral("reading what depends on %1").arg(table.name);
    QSqlQuery q(m_connection.database());
    if (!run(q, QStringLiteral("SELECT name FROM sqlite_schema WHERE type = 'table' AND name = ? COLLATE NOCASE"), {table.name},
             what, error))
        return false;
    if (!q.next()) {
        noSuchTable(quoteIdentifier(SQ, table.name), error);
        return false;
    }
    const QString schema = table.schema.isEmpty() ? QStringLiteral("main") : table.schema;
    q.finish();
    auto columnsOf = [&](const QString &relation) {
        QStringList columns;
        QSqlQuery c(m_connection.database());
        if (run(c, QStringLiteral("SELECT name FROM pragma_table_info(?)"), {relation}, what, nullptr)) {
            while (c.next())
                columns << c.value(0).toString();
        }
        return columns;
    };
    // "AFTER UPDATE OF qty on main.other", read from a trigger's own text up to its ON.
    auto triggerHeader = [](const QString &sql, QString *on) {
        const QList<SqlToken> tokens = SqlTokens::split(SQ, sql);
        QStringList words;
        qsizetype i = 0;
        while (i < tokens.size() && !tokens.at(i).isKeyword(QLatin1String("BEFORE")) && !tokens.at(i).isKeyword(QLatin1String("AFTER"))
               && !tokens.at(i).isKeyword(QLatin1String("INSTEAD")) && !tokens.at(i).isKeyword(QLatin1String("INSERT"))
               && !tokens.at(i).isKeyword(QLatin1String("UPDATE")) && !tokens.at(i).isKeyword(QLatin1String("DELETE")))
            ++i;
        if (i < tokens.size() && !tokens.at(i).isKeyword(QLatin1String("BEFORE")) && !tokens.at(i).isKeyword(QLatin1String("AFTER"))
            && !tokens.at(i).isKeyword(QLatin1String("INSTEAD")))
            words << QStringLiteral("BEFORE"); // SQLite's default timing
        for (; i < tokens.size() && !tokens.at(i).isKeyword(QLatin1String("ON")); ++i)
        {
            static const QStringList keywords = {QStringLiteral("BEFORE"), QStringLiteral("AFTER"), QStringLiteral("INSTEAD"),
                                                 QStringLiteral("OF"), QStringLiteral("INSERT"), QStringLiteral("UPDATE"),
                                                 QStringLiteral("DELETE")};
            const QString &text = tokens.at(i).text;
            const bool keyword = tokens.at(i).kind == SqlToken::Kind::Word && keywords.contains(text, Qt::CaseInsensitive);
            words << (keyword ? text.toUpper() : text);
        }
        if (i + 1 < tokens.size())
            *on = tokens.at(i + 1).text;
        return words.join(QLatin1Char(' ')).replace(QLatin1String(" ,"), QLatin1String(","));
    };

    // Views and other tables' triggers that name the table, from the list a rebuild uses; kept
    // when they name it outside strings.
    TableDetails details;
    ConnectionError failure;
    if (readDependents(table, &details, &failure)) {
        for (const SchemaObject &o : std::as_const(details.dependents)) {
            const BodyUse use = DependentText::read(SQ, o.sql, table);
            if (!use.namesTable)
                continue;
            if (o.type == QLatin1String("view")) {
                TableDependent d{K::View, schema + QLatin1Char('.') + o.name,
                                 QStringLiteral("columns ") + DependentText::columnList(columnsOf(o.name)), QString()};
                if (use.selectsStar) {
                    d.detail += QLatin1String(" as they are now: SQLite keeps the view's text and expands its SELECT * "
                                              "each time the view is read");
                    d.impact = QStringLiteral("its SELECT * is expanded each time the view is read: the view will show "
                                              "the new column, and its readers get one more column");
                }
                dependents->append(d);
            } else {
                QString on;
                const QString header = triggerHeader(o.sql, &on);
                dependents->append({K::Trigger, schema + QLatin1Char('.') + o.name,
                                    QStringLiteral("%1 on %2.%3, for each row; its body names the table").arg(header, schema, on),
                                    use.positionalInsert ? DependentText::positionalInsertImpact(SQ) : QString()});
            }
        }
    } else {
        dependents->append(DependentText::unreadable(K::View, QStringLiteral("views and triggers"), failure.text()));
    }

    // The table's own triggers.
    auto part = [&](K kind, const QString &whatPart, const QString &sql, const QVariantList &values, auto &&take) {
        QSqlQuery p(m_connection.database());
        ConnectionError failure;
        if (!run(p, sql, values, whatPart, &failure)) {
            dependents->append(DependentText::unreadable(kind, whatPart, failure.serverMessage.isEmpty() ? failure.text()
                                                                                                          : failure.serverMessage));
            return;
        }
        while (p.next())
            take(p);
    };
    part(K::Trigger, QStringLiteral("triggers"),
         QStringLiteral("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ? COLLATE NOCASE"), {table.name},
         [&](QSqlQuery &p) {
             QString on;
             const QString header = triggerHeader(p.value(1).toString(), &on);
             const BodyUse use = DependentText::read(SQ, p.value(1).toString(), table);
             QString impact = use.positionalInsert ? DependentText::positionalInsertImpact(SQ) : QString();
             if (impact.isEmpty())
                 impact = DependentText::updateTriggerImpact(header.contains(QLatin1String("UPDATE")), true,
                                                             header.contains(QLatin1String("UPDATE OF")));
             dependents->append({K::Trigger, schema + QLatin1Char('.') + p.value(0).toString(),
                                 header + QLatin1String(", for each row"), impact});
         });

    // Foreign keys: SQLite names none, so each goes by the other table.
    auto actions = [](const QString &onUpdate, const QString &onDelete) {
        QString text;
        if (onDelete != QLatin1String("NO ACTION") && onDelete != QLatin1String("RESTRICT"))
            text += QLatin1String(" ON DELETE ") + onDelete;
        if (onUpdate != QLatin1String("NO ACTION") && onUpdate != QLatin1String("RESTRICT"))
            text += QLatin1String(" ON UPDATE ") + onUpdate;
        return text;
    };
    struct Key
    {
        QString other;
        int id = -1;
        QStringList from, to;
        QString actions;
    };
    for (const bool out : {true, false}) {
        QList<Key> keys;
        part(out ? K::ForeignKeyOut : K::ForeignKeyIn, QStringLiteral("foreign keys"),
             out ? QStringLiteral("SELECT \"table\", id, \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list(?) "
                                  "ORDER BY id, seq")
                 : QStringLiteral("SELECT m.name, f.id, f.\"from\", f.\"to\", f.on_update, f.on_delete FROM sqlite_schema m "
                                  "JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND f.\"table\" = ? COLLATE NOCASE "
                                  "ORDER BY m.name, f.id, f.seq"),
             {table.name}, [&](QSqlQuery &p) {
                 if (keys.isEmpty() || keys.last().other != p.value(0).toString() || keys.last().id != p.value(1).toInt())
                     keys.append({p.value(0).toString(), p.value(1).toInt(), {}, {},
                                  actions(p.value(4).toString(), p.value(5).toString())});
                 keys.last().from << p.value(2).toString();
                 if (!p.value(3).isNull())
                     keys.last().to << p.value(3).toString();
             });
        for (const Key &k : std::as_const(keys)) {
            const QString other = schema + QLatin1Char('.') + k.other;
            const QString to = k.to.isEmpty() ? QStringLiteral("(its primary key)") : DependentText::columnList(k.to);
            dependents->append({out ? K::ForeignKeyOut : K::ForeignKeyIn, other,
                                out ? DependentText::columnList(k.from) + QLatin1String(" -> ") + other + QLatin1Char(' ') + to + k.actions
                                    : other + QLatin1Char(' ') + DependentText::columnList(k.from) + QLatin1String(" -> ") + to + k.actions,
                                QString()});
        }
    }
    DependentText::sort(dependents);
    return true;
}

bool SqliteCatalog::listTypes(QList<TypeInfo> *types, ConnectionError *)
{
    using P = TypeInfo::Parameters;
    // SQLite stores by affinity; these are the declared names it and its users understand.
    static const QList<QPair<const char *, P>> declared = {
        {"INTEGER", P::None}, {"REAL", P::None},        {"TEXT", P::None},       {"BLOB", P::None},
        {"NUMERIC", P::None}, {"DECIMAL", P::PrecisionScale}, {"VARCHAR", P::Length}, {"BOOLEAN", P::None},
        {"DATE", P::None},    {"DATETIME", P::None},    {"TIMESTAMP", P::None},
    };
    types->clear();
    for (const auto &[name, parameters] : declared)
        types->append({QString(), QString::fromLatin1(name), TypeCategory::BuiltIn, parameters, {}, {}});
    return true;
}

bool SqliteCatalog::blockingSessions(const TableRef &, QList<BlockingSession> *sessions, ConnectionError *error)
{
    // SQLite has one writer per file and no sessions to name: the only thing that would block a
    // schema change is another connection holding the write lock. Ask for it without waiting.
    sessions->clear();
    QSqlQuery q(m_connection.database());
    if (!run(q, QStringLiteral("PRAGMA busy_timeout"), {}, QStringLiteral("checking the write lock"), error))
        return false;
    const int timeout = q.next() ? q.value(0).toInt() : 0;
    q.finish();
    static_cast<void>(q.exec(QStringLiteral("PRAGMA busy_timeout = 0")));
    if (q.exec(QStringLiteral("BEGIN IMMEDIATE"))) {
        static_cast<void>(q.exec(QStringLiteral("ROLLBACK")));
    } else {
        BlockingSession s;
        s.state = QStringLiteral("holds the write lock");
        s.query = q.lastError().text();
        s.locks << QStringLiteral("RESERVED");
        sessions->append(s);
    }
    static_cast<void>(q.exec(QStringLiteral("PRAGMA busy_timeout = %1").arg(timeout)));
    return true;
}

} // namespace Stagecraft
