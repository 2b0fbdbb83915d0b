#include "dependenttext_p.h"

#include "sql/sqltokens.h"

#include <algorithm>

namespace Stagecraft {

BodyUse DependentText::read(Engine engine, const QString &text, const TableRef &table, const QString &defaultSchema)
{
    BodyUse use;
    const QList<SqlToken> tokens = SqlTokens::split(engine, text);
    const qsizetype n = tokens.size();
    const bool mysql = engine == Engine::MySQL || engine == Engine::MariaDB;
    const bool unqualifiedCounts = defaultSchema.isEmpty()
        || (mysql ? defaultSchema.compare(table.schema, Qt::CaseInsensitive) == 0 : defaultSchema == table.schema);
    // The table at tokens[i]: its name, bare or after its schema and a dot, not itself a qualifier.
    // Returns the index after the name, or -1.
    auto tableAt = [&](qsizetype i) -> qsizetype {
        if (i >= n || !tokens.at(i).isName())
            return -1;
        if (i + 2 < n && tokens.at(i + 1).isSymbol(QLatin1Char('.')) && tokens.at(i + 2).isName()) {
            if (i + 3 < n && tokens.at(i + 3).isSymbol(QLatin1Char('.')))
                return -1; // schema.table.column names a column
            return SqlTokens::names(engine, tokens.at(i), table.schema) && SqlTokens::names(engine, tokens.at(i + 2), table.name)
                ? i + 3
                : -1;
        }
        if (i > 0 && tokens.at(i - 1).isSymbol(QLatin1Char('.')))
            return -1;
        if (i + 1 < n && tokens.at(i + 1).isSymbol(QLatin1Char('.')))
            return -1; // table.column: an alias or the table, named again where it is read
        return unqualifiedCounts && SqlTokens::names(engine, tokens.at(i), table.name) ? i + 1 : -1;
    };
    // Parenthesis depth of each token, and the statement (between semicolons) each belongs to.
    QList<int> depth(n, 0);
    QList<int> statement(n, 0);
    for (qsizetype i = 0, d = 0, st = 0; i < n; ++i) {
        if (tokens.at(i).isSymbol(QLatin1Char(')')))
            d = std::max<qsizetype>(0, d - 1);
        depth[i] = int(d);
        statement[i] = int(st);
        if (tokens.at(i).isSymbol(QLatin1Char('(')))
            ++d;
        else if (tokens.at(i).isSymbol(QLatin1Char(';')))
            ++st;
    }
    auto isKeywordIn = [](const SqlToken &t, std::initializer_list<const char *> words) {
        return std::any_of(words.begin(), words.end(), [&](const char *w) { return t.isKeyword(QLatin1String(w)); });
    };
    // Whether `name` is the table's name or an alias the table is given in statement st.
    auto qualifiesTable = [&](qsizetype q, int st) {
        if (q > 1 && tokens.at(q - 1).isSymbol(QLatin1Char('.')))
            return SqlTokens::names(engine, tokens.at(q - 2), table.schema) && SqlTokens::names(engine, tokens.at(q), table.name);
        if (SqlTokens::names(engine, tokens.at(q), table.name) && unqualifiedCounts)
            return true;
        for (qsizetype j = 0; j < n; ++j) {
            if (statement.at(j) != st)
                continue;
            qsizetype a = tableAt(j);
            if (a < 0 || a >= n)
                continue;
            if (tokens.at(a).isKeyword(QLatin1String("AS")))
                ++a;
            if (a < n && tokens.at(a).isName() && tokens.at(a).text.compare(tokens.at(q).text, Qt::CaseInsensitive) == 0
                && !isKeywordIn(tokens.at(a), {"WHERE", "SET", "JOIN", "INNER", "LEFT", "RIGHT", "CROSS", "NATURAL", "ON",
                                                "USING", "GROUP", "ORDER", "LIMIT", "HAVING", "UNION", "VALUES", "SELECT",
                                                "PARTITION", "FORCE", "USE", "IGNORE", "STRAIGHT_JOIN", "FOR", "INTO"}))
                return true;
        }
        return false;
    };
    // Whether the FROM clause of the SELECT whose list holds the star at i names the table.
    auto fromNamesTable = [&](qsizetype i) {
        const int d = depth.at(i);
        bool inFrom = false;
        for (qsizetype j = i + 1; j < n && depth.at(j) >= d && statement.at(j) == statement.at(i); ++j) {
            if (depth.at(j) != d)
                continue;
            const SqlToken &token = tokens.at(j);
            if (token.isKeyword(QLatin1String("FROM"))) {
                inFrom = true;
                continue;
            }
            if (!inFrom)
                continue;
            if (isKeywordIn(token, {"WHERE", "GROUP", "ORDER", "LIMIT", "HAVING", "UNION", "EXCEPT", "INTERSECT", "WINDOW",
                                    "FOR", "INTO", "OFFSET", "FETCH", "RETURNING"}))
                return false;
            if (tableAt(j) >= 0)
                return true;
        }
        return false;
    };
    for (qsizetype i = 0; i < n; ++i) {
        const SqlToken &t = tokens.at(i);
        if (t.isSymbol(QLatin1Char('*')) && i > 0) {
            // t.* over the table (its name or alias), or a bare * that makes a select list whose own
            // FROM names the table; never count(*) or a product.
            const SqlToken &before = tokens.at(i - 1);
            const bool listEnds = i + 1 >= n || tokens.at(i + 1).isKeyword(QLatin1String("FROM"))
                || tokens.at(i + 1).isKeyword(QLatin1String("INTO")) || tokens.at(i + 1).isSymbol(QLatin1Char(','))
                || tokens.at(i + 1).isSymbol(QLatin1Char(')')) || tokens.at(i + 1).isSymbol(QLatin1Char(';'));
            if (before.isSymbol(QLatin1Char('.'))) {
                if (i > 1 && tokens.at(i - 2).isName() && qualifiesTable(i - 2, statement.at(i)))
                    use.selectsStar = true;
            } else if (listEnds
                       && (before.isKeyword(QLatin1String("SELECT")) || before.isKeyword(QLatin1String("DISTINCT"))
                           || before.isKeyword(QLatin1String("ALL")) || before.isSymbol(QLatin1Char(',')))
                       && fromNamesTable(i)) {
                use.selectsStar = true;
            }
            continue;
        }
        if (tableAt(i) >= 0 && !(i > 0 && tokens.at(i - 1).isSymbol(QLatin1Char('.'))))
            use.namesTable = true;
        if (!t.isKeyword(QLatin1String("INSERT")) && !t.isKeyword(QLatin1String("REPLACE")))
            continue;
        // INSERT [LOW_PRIORITY | DELAYED | HIGH_PRIORITY] [IGNORE] [INTO] table [PARTITION (...)] then
        // VALUES, VALUE, SELECT, TABLE, WITH or ( SELECT: no column list.
        qsizetype j = i + 1;
        while (j < n
               && (tokens.at(j).isKeyword(QLatin1String("LOW_PRIORITY")) || tokens.at(j).isKeyword(QLatin1String("DELAYED"))
                   || tokens.at(j).isKeyword(QLatin1String("HIGH_PRIORITY")) || tokens.at(j).isKeyword(QLatin1String("IGNORE"))
                   || tokens.at(j).isKeyword(QLatin1String("INTO")) || tokens.at(j).isKeyword(QLatin1String("OR"))
                   || tokens.at(j).isKeyword(QLatin1String("ROLLBACK")) || tokens.at(j).isKeyword(QLatin1String("ABORT"))
                   || tokens.at(j).isKeyword(QLatin1String("FAIL")) || tokens.at(j).isKeyword(QLatin1String("REPLACE"))))
            ++j;
        qsizetype k = tableAt(j);
        if (k < 0)
            continue;
        if (k < n && tokens.at(k).isKeyword(QLatin1String("AS")))
            k += 2; // PostgreSQL's and SQLite's alias
        else if (k < n && tokens.at(k).isKeyword(QLatin1String("PARTITION"))) {
            int depth = 0;
            for (++k; k < n; ++k) {
                if (tokens.at(k).isSymbol(QLatin1Char('(')))
                    ++depth;
                else if (tokens.at(k).isSymbol(QLatin1Char(')')) && --depth == 0) {
                    ++k;
                    break;
                }
            }
        }
        if (k >= n)
            continue;
        const SqlToken &next = tokens.at(k);
        const bool query = next.isKeyword(QLatin1String("VALUES")) || next.isKeyword(QLatin1String("VALUE"))
            || next.isKeyword(QLatin1String("SELECT")) || next.isKeyword(QLatin1String("TABLE"))
            || next.isKeyword(QLatin1String("WITH"))
            || (next.isSymbol(QLatin1Char('(')) && k + 1 < n
                && (tokens.at(k + 1).isKeyword(QLatin1String("SELECT")) || tokens.at(k + 1).isKeyword(QLatin1String("WITH"))));
        if (query)
            use.positionalInsert = true;
    }
    return use;
}

bool DependentText::expandsAll(const QStringList &viewColumns, const QStringList &tableColumns, bool caseless)
{
    if (tableColumns.isEmpty() || viewColumns.size() < tableColumns.size())
        return false;
    const Qt::CaseSensitivity cs = caseless ? Qt::CaseInsensitive : Qt::CaseSensitive;
    for (qsizetype start = 0; start + tableColumns.size() <= viewColumns.size(); ++start) {
        bool all = true;
        for (qsizetype i = 0; all && i < tableColumns.size(); ++i)
            all = viewColumns.at(start + i).compare(tableColumns.at(i), cs) == 0;
        if (all)
            return true;
    }
    return false;
}

QString DependentText::columnList(const QStringList &columns)
{
    return QLatin1Char('(') + columns.join(QLatin1String(", ")) + QLatin1Char(')');
}

void DependentText::markExpandedStar(TableDependent *view)
{
    view->detail += QStringLiteral(": all of the table's columns in its order, so judged a SELECT * that was expanded "
                                   "when the view was made");
    view->impact = view->kind == TableDependent::Kind::MaterializedView
        ? QStringLiteral("its SELECT * was expanded when it was made: it will not show the new column until it is made "
                         "again (DROP and CREATE MATERIALIZED VIEW; REFRESH keeps its columns)")
        : QStringLiteral("its SELECT * was expanded when the view was made: the view will not show the new column until "
                         "it is made again (CREATE OR REPLACE VIEW)");
}

QString DependentText::updateTriggerImpact(bool onUpdate, bool perRow, bool ofColumns)
{
    if (!onUpdate || ofColumns)
        return {};
    return perRow ? QStringLiteral("fires for every row the backfill updates: the backfill costs what the trigger does, row by row")
                  : QStringLiteral("fires once for every batch the backfill updates");
}

QString DependentText::positionalInsertImpact(Engine engine)
{
    if (engine == Engine::SQLite)
        return QStringLiteral("its INSERT into the table has no column list: it fails once the column is added "
                              "(\"table has N columns but M values were supplied\"); give it a column list first");
    return QStringLiteral("its INSERT into the table has no column list: it fails once the column is added "
                          "(\"Column count doesn't match value count\"); give it a column list first");
}

TableDependent DependentText::unreadable(TableDependent::Kind kind, const QString &what, const QString &why)
{
    return {kind, QStringLiteral("(not readable)"), QStringLiteral("the %1 could not be read: %2").arg(what, why),
            QStringLiteral("check by hand whether any of the %1 depend on the table").arg(what)};
}

void DependentText::sort(QList<TableDependent> *dependents)
{
    std::stable_sort(dependents->begin(), dependents->end(), [](const TableDependent &a, const TableDependent &b) {
        if (a.kind != b.kind)
            return int(a.kind) < int(b.kind);
        return a.name < b.name;
    });
}

} // namespace Stagecraft
