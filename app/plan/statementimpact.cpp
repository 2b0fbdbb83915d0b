#include "statementimpact.h"

#include "connection/connectionerror.h"
#include "connection/databaseconnection.h"
#include "run/applatency.h"
#include "sql/sqltokens.h"

#include <QSqlError>

#include <algorithm>
#include <utility>

namespace Stagecraft {

namespace {

using Severity = StatementFate::Severity;

// Words that end a table reference where an alias could stand: a word among them is never an alias.
bool isClauseWord(const SqlToken &t)
{
    static const QStringList words = {
        QStringLiteral("where"), QStringLiteral("set"), QStringLiteral("join"), QStringLiteral("inner"), QStringLiteral("left"),
        QStringLiteral("right"), QStringLiteral("full"), QStringLiteral("cross"), QStringLiteral("natural"), QStringLiteral("outer"),
        QStringLiteral("on"), QStringLiteral("using"), QStringLiteral("group"), QStringLiteral("order"), QStringLiteral("limit"),
        QStringLiteral("having"), QStringLiteral("union"), QStringLiteral("except"), QStringLiteral("intersect"),
        QStringLiteral("window"), QStringLiteral("for"), QStringLiteral("returning"), QStringLiteral("values"),
        QStringLiteral("value"), QStringLiteral("select"), QStringLiteral("default"), QStringLiteral("partition"),
        QStringLiteral("force"), QStringLiteral("use"), QStringLiteral("ignore"), QStringLiteral("straight_join"),
        QStringLiteral("lateral"), QStringLiteral("tablesample"), QStringLiteral("with"), QStringLiteral("offset"),
        QStringLiteral("fetch"), QStringLiteral("overriding"), QStringLiteral("do"), QStringLiteral("as"), QStringLiteral("into"),
        QStringLiteral("lock"), QStringLiteral("from"), QStringLiteral("indexed"), QStringLiteral("not")};
    return t.kind == SqlToken::Kind::Word && words.contains(t.text.toLower());
}

bool isOneOf(const SqlToken &t, std::initializer_list<QLatin1StringView> keywords)
{
    for (QLatin1StringView k : keywords)
        if (t.isKeyword(k))
            return true;
    return false;
}

// One statement's tokens with what fates() asks of them.
class Statement
{
public:
    Statement(Engine engine, const TableRef &table, const QString &text)
        : m_engine(engine)
        , m_table(table)
        , m_t(SqlTokens::split(engine, text))
    {
        int depth = 0;
        for (const SqlToken &token : std::as_const(m_t)) {
            if (token.isSymbol(QLatin1Char(')')))
                depth = std::max(0, depth - 1);
            m_depth << depth;
            if (token.isSymbol(QLatin1Char('(')))
                ++depth;
        }
        findAliases();
        findVerb();
    }

    [[nodiscard]] const SqlToken &at(qsizetype i) const
    {
        static const SqlToken none;
        return i >= 0 && i < m_t.size() ? m_t.at(i) : none;
    }
    [[nodiscard]] bool dot(qsizetype i) const { return at(i).isSymbol(QLatin1Char('.')); }
    [[nodiscard]] qsizetype size() const { return m_t.size(); }
    [[nodiscard]] int depth(qsizetype i) const { return i >= 0 && i < m_depth.size() ? m_depth.at(i) : 0; }

    // A table reference at i (name or schema.name): where it ends, and whether it is the table.
    struct Ref
    {
        qsizetype end = -1;
        bool ours = false;
        QString name;
    };
    [[nodiscard]] Ref refAt(qsizetype i) const
    {
        Ref r;
        if (!at(i).isName())
            return r;
        if (dot(i + 1) && at(i + 2).isName()) {
            r.ours = SqlTokens::names(m_engine, at(i), m_table.schema) && SqlTokens::names(m_engine, at(i + 2), m_table.name);
            r.name = at(i + 2).text;
            r.end = i + 3;
        } else {
            r.ours = SqlTokens::names(m_engine, at(i), m_table.name);
            r.name = at(i).text;
            r.end = i + 1;
        }
        return r;
    }
    // Whether a qualifier (the x of x.column or x.*) stands for the table: its name or an alias of it.
    [[nodiscard]] bool qualifiesTable(qsizetype i) const
    {
        if (!at(i).isName())
            return false;
        if (dot(i - 1))
            return SqlTokens::names(m_engine, at(i - 2), m_table.schema) && SqlTokens::names(m_engine, at(i), m_table.name);
        if (SqlTokens::names(m_engine, at(i), m_table.name))
            return true;
        return std::any_of(m_aliases.cbegin(), m_aliases.cend(),
                           [&](const QString &a) { return a.compare(at(i).text, Qt::CaseInsensitive) == 0; });
    }

    // The statement's verb at depth 0 (after a WITH's common table expressions): its index or -1.
    [[nodiscard]] qsizetype verb() const { return m_verb; }
    [[nodiscard]] bool verbIs(QLatin1StringView keyword) const { return m_verb >= 0 && at(m_verb).isKeyword(keyword); }
    // The table an INSERT, REPLACE, UPDATE or DELETE writes to.
    [[nodiscard]] const Ref &target() const { return m_target; }

    // The index after the group that opens at i ('('), or size().
    [[nodiscard]] qsizetype afterGroup(qsizetype i) const
    {
        const int d = depth(i);
        for (qsizetype j = i + 1; j < size(); ++j)
            if (at(j).isSymbol(QLatin1Char(')')) && depth(j) == d)
                return j + 1;
        return size();
    }

    // The columns a SET list assigns from `from` on, with their qualifiers (empty where bare).
    struct Assignment
    {
        QString qualifier;
        qsizetype qualifierAt = -1;
        qsizetype columnAt = -1;
    };
    [[nodiscard]] QList<Assignment> assignments(qsizetype from) const
    {
        QList<Assignment> out;
        const int d = depth(from);
        bool item = true; // at the start of an assignment
        for (qsizetype j = from; j < size() && depth(j) >= d; ++j) {
            const SqlToken &token = at(j);
            if (depth(j) != d)
                continue;
            if (isOneOf(token, {QLatin1StringView("where"), QLatin1StringView("from"), QLatin1StringView("returning"),
                                QLatin1StringView("order"), QLatin1StringView("limit"), QLatin1StringView("on")}))
                break;
            if (token.isSymbol(QLatin1Char(','))) {
                item = true;
                continue;
            }
            if (!item)
                continue;
            item = false;
            if (token.isSymbol(QLatin1Char('('))) { // PostgreSQL's (a, b) = (...)
                for (qsizetype k = j + 1; k < afterGroup(j) - 1; ++k)
                    if (at(k).isName())
                        out << Assignment{QString(), -1, k};
            } else if (token.isName()) {
                qsizetype last = j;
                while (dot(last + 1) && at(last + 2).isName())
                    last += 2;
                out << Assignment{last > j ? at(last - 2).text : QString(), last > j ? last - 2 : -1, last};
            }
        }
        return out;
    }

    // Where a star's columns go: out of the statement (its rows, or the INSERT it feeds), maybe out
    // (a derived table's or a common table expression's, under an outer star), or nowhere (EXISTS,
    // IN, a scalar subquery, a derived table nothing reads with a star).
    enum class Flow { Out, Maybe, None };

    // The stars that read every column of the table: SELECT *, t.*, RETURNING *. Their indexes.
    [[nodiscard]] QList<qsizetype> starsOverTable() const
    {
        QList<qsizetype> out;
        for (qsizetype i = 0; i < size(); ++i) {
            if (!at(i).isSymbol(QLatin1Char('*')))
                continue;
            if (dot(i - 1)) {
                if (qualifiesTable(i - 2))
                    out << i;
                continue;
            }
            if (!listStar(i))
                continue;
            const SqlToken &prev = at(i - 1);
            if (prev.isKeyword(QLatin1StringView("returning"))) {
                if (m_target.ours)
                    out << i;
            } else if (fromNamesTable(i)) {
                out << i;
            }
        }
        return out;
    }

    // Where the columns of the star at i go (see Flow).
    [[nodiscard]] Flow flow(qsizetype i) const
    {
        const int d = depth(i);
        if (d == 0)
            return Flow::Out;
        qsizetype p = i - 1; // the group's '('
        while (p >= 0 && !(at(p).isSymbol(QLatin1Char('(')) && depth(p) == d - 1))
            --p;
        if (p < 0 || !isOneOf(at(p + 1), {QLatin1StringView("select"), QLatin1StringView("with")}))
            return Flow::Maybe;
        const SqlToken &before = at(p - 1);
        if (p == 0 || (depth(p) == 0 && p == m_queryAt))
            return Flow::Out; // the statement's own query, or the query an INSERT takes
        if (isOneOf(before, {QLatin1StringView("union"), QLatin1StringView("except"), QLatin1StringView("intersect")})
            || (isOneOf(before, {QLatin1StringView("all"), QLatin1StringView("distinct")})
                && isOneOf(at(p - 2), {QLatin1StringView("union"), QLatin1StringView("except"), QLatin1StringView("intersect")})))
            return flow(p); // a branch of a set operation: where the operation's rows go
        if (at(afterGroup(p)).isKeyword(QLatin1StringView("union")) || at(afterGroup(p)).isKeyword(QLatin1StringView("except"))
            || at(afterGroup(p)).isKeyword(QLatin1StringView("intersect")))
            return flow(p); // the first branch, in parentheses
        if (isOneOf(before, {QLatin1StringView("from"), QLatin1StringView("join"), QLatin1StringView("lateral"), QLatin1StringView("as")})
            || before.isSymbol(QLatin1Char(','))) {
            // A derived table or a common table expression: its columns go on only through another star.
            for (qsizetype j = 0; j < size(); ++j)
                if (depth(j) < d && at(j).isSymbol(QLatin1Char('*')) && (dot(j - 1) || listStar(j)) && flow(j) != Flow::None)
                    return Flow::Maybe;
            return Flow::None;
        }
        return Flow::None; // EXISTS, IN, ANY, ALL, a scalar subquery, a function's argument
    }

    // The top level's set operation (UNION, EXCEPT, INTERSECT), its first keyword's index or -1,
    // and the token ranges of its branches.
    [[nodiscard]] qsizetype setOperation(QList<std::pair<qsizetype, qsizetype>> *branches) const
    {
        qsizetype first = -1;
        qsizetype start = m_queryAt >= 0 ? m_queryAt : 0;
        for (qsizetype j = start; j < size(); ++j) {
            if (depth(j) != 0 || !isOneOf(at(j), {QLatin1StringView("union"), QLatin1StringView("except"), QLatin1StringView("intersect")}))
                continue;
            if (first < 0)
                first = j;
            *branches << std::pair{start, j};
            start = j + 1;
        }
        if (first >= 0)
            *branches << std::pair{start, size()};
        return first;
    }

private:
    // Whether the bare * at i stands for all the columns of a select list (or a RETURNING list):
    // not count(*), not a product.
    [[nodiscard]] bool listStar(qsizetype i) const
    {
        const SqlToken &next = at(i + 1);
        const bool listEnds = i + 1 >= size() || next.isKeyword(QLatin1StringView("from")) || next.isSymbol(QLatin1Char(','))
            || next.isSymbol(QLatin1Char(')')) || next.isKeyword(QLatin1StringView("into")) || next.isSymbol(QLatin1Char(';'));
        const SqlToken &prev = at(i - 1);
        return listEnds
            && (isOneOf(prev, {QLatin1StringView("select"), QLatin1StringView("distinct"), QLatin1StringView("all"),
                               QLatin1StringView("returning")})
                || prev.isSymbol(QLatin1Char(',')));
    }

    // Whether the FROM clause of the SELECT whose list holds i names the table, at that SELECT's depth.
    [[nodiscard]] bool fromNamesTable(qsizetype i) const
    {
        const int d = depth(i);
        bool inFrom = false;
        for (qsizetype j = i + 1; j < size() && depth(j) >= d; ++j) {
            if (depth(j) != d)
                continue;
            const SqlToken &token = at(j);
            if (token.isKeyword(QLatin1StringView("from"))) {
                inFrom = true;
                continue;
            }
            if (!inFrom)
                continue;
            if (isOneOf(token, {QLatin1StringView("where"), QLatin1StringView("group"), QLatin1StringView("order"),
                                QLatin1StringView("limit"), QLatin1StringView("having"), QLatin1StringView("union"),
                                QLatin1StringView("except"), QLatin1StringView("intersect"), QLatin1StringView("window"),
                                QLatin1StringView("returning"), QLatin1StringView("for"), QLatin1StringView("offset"),
                                QLatin1StringView("fetch")}))
                return false;
            if (token.isName() && !dot(j - 1)) {
                const Ref r = refAt(j);
                if (r.ours && !dot(r.end))
                    return true;
                j = r.end - 1;
            }
        }
        return false;
    }

    void findAliases()
    {
        for (qsizetype i = 0; i < size(); ++i) {
            if (!at(i).isName() || dot(i - 1))
                continue;
            const Ref r = refAt(i);
            if (!r.ours || dot(r.end)) {
                i = std::max(i, r.end - 1);
                continue;
            }
            qsizetype a = r.end;
            if (at(a).isKeyword(QLatin1StringView("as")))
                ++a;
            if (at(a).isName() && !isClauseWord(at(a)) && !at(a + 1).isSymbol(QLatin1Char('(')))
                m_aliases << at(a).text;
            i = r.end - 1;
        }
    }

    void findVerb()
    {
        for (qsizetype i = 0; i < size(); ++i) {
            if (depth(i) != 0
                || !isOneOf(at(i), {QLatin1StringView("insert"), QLatin1StringView("replace"), QLatin1StringView("update"),
                                    QLatin1StringView("delete"), QLatin1StringView("select")}))
                continue;
            m_verb = i;
            break;
        }
        // (SELECT ...) UNION (SELECT ...): the first branch's SELECT.
        for (qsizetype i = 0; m_verb < 0 && i < size() && at(i).isSymbol(QLatin1Char('(')); ++i)
            if (at(i + 1).isKeyword(QLatin1StringView("select")))
                m_verb = i + 1;
        if (m_verb < 0 || verbIs(QLatin1StringView("select")))
            return;
        qsizetype j = m_verb + 1;
        while (isOneOf(at(j), {QLatin1StringView("into"), QLatin1StringView("ignore"), QLatin1StringView("low_priority"),
                               QLatin1StringView("delayed"), QLatin1StringView("high_priority"), QLatin1StringView("quick"),
                               QLatin1StringView("or"), QLatin1StringView("replace"), QLatin1StringView("rollback"),
                               QLatin1StringView("abort"), QLatin1StringView("fail"), QLatin1StringView("only"),
                               QLatin1StringView("from")}))
            ++j;
        m_target = refAt(j);
        if (m_target.end < 0 || !(verbIs(QLatin1StringView("insert")) || verbIs(QLatin1StringView("replace"))))
            return;
        j = m_target.end;
        if (at(j).isKeyword(QLatin1StringView("as")))
            j += 2;
        if (at(j).isKeyword(QLatin1StringView("partition")) && at(j + 1).isSymbol(QLatin1Char('(')))
            j = afterGroup(j + 1);
        if (at(j).isSymbol(QLatin1Char('('))
            && !isOneOf(at(j + 1), {QLatin1StringView("select"), QLatin1StringView("with"), QLatin1StringView("values"),
                                    QLatin1StringView("table")})
            && !at(j + 1).isSymbol(QLatin1Char('(')))
            j = afterGroup(j);
        m_queryAt = j;
    }

    Engine m_engine;
    TableRef m_table;
    QList<SqlToken> m_t;
    QList<int> m_depth;
    QStringList m_aliases;
    qsizetype m_verb = -1;
    Ref m_target;
    qsizetype m_queryAt = -1; // where the query an INSERT takes begins
};

// Where each part of the plan begins: the steps a fate names.
struct Milestones
{
    int add = -1; // the step that adds the column
    int syncStart = -1, syncEnd = -1; // the sync's triggers exist from syncStart until syncEnd drops them
    int omitFails = -1; // from here an INSERT that leaves the column out fails

    explicit Milestones(const Plan &plan)
    {
        const QString omitted = QStringLiteral("INSERTs that omit %1 fail from here on").arg(plan.spec.name);
        for (int i = 0; i < plan.steps.size(); ++i) {
            const PlanStep &s = plan.steps.at(i);
            if (add < 0 && s.gate.isEmpty() && s.stage == Stage::Expand)
                add = i;
            if (omitFails < 0 && s.failingWrites.startsWith(omitted))
                omitFails = i;
            if (plan.sync.enabled && syncStart < 0) {
                for (const CreatedObject &o : s.creates)
                    if (o.kind == CreatedObject::Kind::Trigger && o.name == plan.sync.insertTrigger)
                        syncStart = i;
            } else if (syncStart >= 0 && syncEnd < 0 && s.gate.isEmpty() && s.stage == Stage::Contract
                       && (s.rule.endsWith(QLatin1String("sync.drop")) || s.rule.startsWith(QLatin1String("sqlite.rebuild")))) {
                syncEnd = i;
            }
        }
    }
};

QString stepName(const Plan &plan, int i)
{
    return QStringLiteral("step %1 (%2)").arg(i + 1).arg(plan.steps.at(i).title);
}

// The sync's span in words: "from step 2 (...) until step 9 (...)".
QString syncSpan(const Plan &plan, const Milestones &m)
{
    return m.syncEnd >= 0 ? QStringLiteral("from %1 until %2").arg(stepName(plan, m.syncStart), stepName(plan, m.syncEnd))
                          : QStringLiteral("from %1 on").arg(stepName(plan, m.syncStart));
}

struct Found
{
    int step;
    StatementFate fate;
};

} // namespace

QList<StatementFate> StatementImpact::fates(const Plan &plan, const TableDetails &table, const QString &text)
{
    const Engine engine = plan.engine;
    const Statement s(engine, plan.table, text);
    const Milestones m(plan);
    const QString column = plan.spec.name;
    QList<Found> found;
    if (m.add < 0 || s.verb() < 0)
        return {};

    // The stars over the table whose columns leave the statement; those that may (under an outer star).
    QList<qsizetype> stars;
    bool maybeStar = false;
    for (qsizetype i : s.starsOverTable()) {
        const Statement::Flow flow = s.flow(i);
        if (flow == Statement::Flow::Out)
            stars << i;
        maybeStar = maybeStar || flow == Statement::Flow::Maybe;
    }
    const bool inserts = s.verbIs(QLatin1StringView("insert")) || s.verbIs(QLatin1StringView("replace"));
    const QString verb = s.verbIs(QLatin1StringView("replace")) ? QStringLiteral("REPLACE") : QStringLiteral("INSERT");
    const QString aVerb = s.verbIs(QLatin1StringView("replace")) ? QStringLiteral("a REPLACE") : QStringLiteral("an INSERT");
    const Statement::Ref &target = s.target();
    // A SELECT * over the table that feeds an INSERT: it gives one more value than before.
    const bool starFeedsInsert = inserts && target.end >= 0
        && std::any_of(stars.cbegin(), stars.cend(), [&](qsizetype i) { return i > target.end && !s.at(i - 1).isKeyword(QLatin1StringView("returning")); });

    QList<Statement::Assignment> assigned;
    bool selfCopy = false; // INSERT INTO t SELECT * FROM t: both gain the column
    if (inserts && target.ours) {
        qsizetype j = target.end;
        if (s.at(j).isKeyword(QLatin1StringView("as")))
            j += 2;
        if (s.at(j).isKeyword(QLatin1StringView("partition")) && s.at(j + 1).isSymbol(QLatin1Char('(')))
            j = s.afterGroup(j + 1);
        bool columnList = false, namesColumn = false, omitsAll = false, setForm = false;
        if (s.at(j).isSymbol(QLatin1Char('('))
            && !isOneOf(s.at(j + 1), {QLatin1StringView("select"), QLatin1StringView("with"), QLatin1StringView("values"),
                                      QLatin1StringView("table")})
            && !s.at(j + 1).isSymbol(QLatin1Char('('))) {
            columnList = true;
            const qsizetype end = s.afterGroup(j);
            for (qsizetype k = j + 1; k < end; ++k)
                namesColumn = namesColumn || (s.at(k).isName() && SqlTokens::names(engine, s.at(k), column));
            j = end;
        }
        if (s.at(j).isKeyword(QLatin1StringView("default")) && s.at(j + 1).isKeyword(QLatin1StringView("values")))
            omitsAll = true;
        if (!columnList && s.at(j).isKeyword(QLatin1StringView("set"))) { // MySQL's INSERT ... SET a = ?
            setForm = true;
            for (const Statement::Assignment &a : s.assignments(j + 1))
                namesColumn = namesColumn || SqlTokens::names(engine, s.at(a.columnAt), column);
        }
        const bool positional = !columnList && !omitsAll && !setForm;
        selfCopy = positional && starFeedsInsert;
        if (positional && engine != Engine::PostgreSQL) {
            if (!selfCopy) {
                qsizetype values = 0;
                for (const ColumnInfo &c : table.columns)
                    values += c.generated.isEmpty() ? 1 : 0;
                const QString message = engine == Engine::SQLite
                    ? QStringLiteral("table %1 has %2 columns but %3 values were supplied").arg(plan.table.name).arg(values + 1).arg(values)
                    : QStringLiteral("Column count doesn't match value count at row 1");
                found << Found{m.add, {Severity::Breaks,
                                       QStringLiteral("fails from %1: %2 rejects %3 without a column list once the table has another "
                                                      "column (%4)")
                                           .arg(stepName(plan, m.add), engineName(engine), aVerb, message)}};
            }
        } else if (!namesColumn && !selfCopy) {
            // PostgreSQL gives the missing trailing column its default, as it does a column left out of the list.
            const QString how = positional ? QStringLiteral("without a column list, it leaves %1 out").arg(column)
                                           : QStringLiteral("it leaves %1 out").arg(column);
            if (m.syncStart >= 0)
                found << Found{m.syncStart, {Severity::Cost,
                                             QStringLiteral("the sync trigger %2 computes %3 for each row it inserts (%4), %1")
                                                 .arg(syncSpan(plan, m), plan.sync.insertTrigger, column, how)}};
            if (m.omitFails >= 0)
                found << Found{m.omitFails, {Severity::Breaks,
                                             QStringLiteral("fails from %1: %2, and from there on %3 is NOT NULL with no default "
                                                            "and nothing fills it")
                                                 .arg(stepName(plan, m.omitFails), how, column)}};
        }
        // ON DUPLICATE KEY UPDATE a = ..., ON CONFLICT ... DO UPDATE SET a = ...: the row may be updated.
        for (qsizetype k = j; k < s.size(); ++k) {
            if (s.depth(k) == 0 && s.at(k).isKeyword(QLatin1StringView("update"))) {
                const qsizetype from = s.at(k + 1).isKeyword(QLatin1StringView("set")) ? k + 2 : k + 1;
                assigned = s.assignments(from);
                break;
            }
        }
    }
    // A top-level UNION, EXCEPT or INTERSECT where some branches select * from the table and others
    // do not: the branches no longer return as many columns as each other.
    bool setBreaks = false;
    QList<std::pair<qsizetype, qsizetype>> branches;
    const qsizetype setOp = s.verbIs(QLatin1StringView("select")) || inserts ? s.setOperation(&branches) : -1;
    if (setOp >= 0) {
        int starred = 0;
        for (const std::pair<qsizetype, qsizetype> &b : std::as_const(branches))
            starred += std::any_of(stars.cbegin(), stars.cend(), [&](qsizetype i) { return i >= b.first && i < b.second; }) ? 1 : 0;
        setBreaks = starred > 0 && starred < branches.size();
    }
    if (setBreaks) {
        const QString op = s.at(setOp).text.toUpper();
        QString message;
        switch (engine) {
        case Engine::PostgreSQL: message = QStringLiteral("each %1 query must have the same number of columns").arg(op); break;
        case Engine::MySQL:
        case Engine::MariaDB: message = QStringLiteral("The used SELECT statements have a different number of columns"); break;
        case Engine::SQLite:
            message = QStringLiteral("SELECTs to the left and right of %1 do not have the same number of result columns")
                          .arg(op == QLatin1String("UNION") && s.at(setOp + 1).isKeyword(QLatin1StringView("all")) ? QStringLiteral("UNION ALL")
                                                                                                                 : op);
            break;
        }
        found << Found{m.add, {Severity::Breaks, QStringLiteral("fails from %1: a branch of its %2 selects * from %3 and another does "
                                                                "not, so they no longer return as many columns (%4)")
                                                     .arg(stepName(plan, m.add), op, plan.table.name, message)}};
    } else if (starFeedsInsert && !selfCopy) {
        QString message;
        switch (engine) {
        case Engine::PostgreSQL: message = QStringLiteral("INSERT has more expressions than target columns"); break;
        case Engine::MySQL:
        case Engine::MariaDB: message = QStringLiteral("Column count doesn't match value count at row 1"); break;
        case Engine::SQLite: message = QStringLiteral("more values than %1 has columns").arg(target.name); break;
        }
        found << Found{m.add, {Severity::Breaks, QStringLiteral("fails from %1: its SELECT * returns one more column than the %2 into %3 "
                                                                "takes (%4)")
                                                     .arg(stepName(plan, m.add), verb, target.name, message)}};
    } else if ((!stars.isEmpty() || maybeStar) && !starFeedsInsert) {
        found << Found{m.add, {Severity::Info, QStringLiteral("returns one more column from %1: code that reads columns by position or "
                                                              "maps every column sees it")
                                                   .arg(stepName(plan, m.add))}};
    }

    if (s.verbIs(QLatin1StringView("update"))) {
        for (qsizetype k = s.verb() + 1; k < s.size(); ++k) {
            if (s.depth(k) == 0 && s.at(k).isKeyword(QLatin1StringView("set"))) {
                assigned = s.assignments(k + 1);
                break;
            }
        }
    }
    // The assignments to the table's own columns: qualified by its name or alias, or bare where it
    // is the table written (MySQL's multi-table UPDATE may write another).
    QList<Statement::Assignment> own;
    for (const Statement::Assignment &a : std::as_const(assigned))
        if (a.qualifierAt >= 0 ? s.qualifiesTable(a.qualifierAt) : target.ours)
            own << a;
    if (!own.isEmpty() && m.syncStart >= 0 && !plan.sync.updateTrigger.isEmpty()) {
        QStringList changed;
        for (const Statement::Assignment &a : std::as_const(own)) {
            for (const QString &c : plan.sync.columnsRead)
                if (SqlTokens::names(engine, s.at(a.columnAt), c) && !changed.contains(c))
                    changed << c;
        }
        if (!changed.isEmpty()) {
            found << Found{m.syncStart, {Severity::Cost,
                                         QStringLiteral("the sync trigger %2 computes %3 again for each row it updates where %4 "
                                                        "changes%5, %1")
                                             .arg(syncSpan(plan, m), plan.sync.updateTrigger, column,
                                                  changed.join(QLatin1String(" or ")),
                                                  engine == Engine::SQLite ? QStringLiteral(" (one more UPDATE of the row)") : QString())}};
        } else if (engine == Engine::MySQL || engine == Engine::MariaDB) {
            // MySQL's triggers have no UPDATE OF: the sync's runs for every row updated, and only compares.
            found << Found{m.syncStart, {Severity::Info,
                                         QStringLiteral("the sync trigger %2 runs for each row it updates, only to compare %3, "
                                                        "which it does not change, %1")
                                             .arg(syncSpan(plan, m), plan.sync.updateTrigger,
                                                  plan.sync.columnsRead.join(QLatin1String(", ")))}};
        }
    }

    std::stable_sort(found.begin(), found.end(), [](const Found &a, const Found &b) { return a.step < b.step; });
    QList<StatementFate> out;
    for (const Found &f : std::as_const(found))
        if (!out.contains(f.fate))
            out << f.fate;
    return out;
}

bool StatementImpact::read(DatabaseConnection &connection, const Plan &plan, const TableDetails &table,
                           QList<StatementUse> *statements, QString *statisticsNote, ConnectionError *error)
{
    statements->clear();
    statisticsNote->clear();
    if (plan.engine == Engine::SQLite) {
        *statisticsNote = QStringLiteral("SQLite keeps no statement statistics: the application's statements on the table cannot "
                                         "be listed.");
        return true;
    }
    AppLatencyReader reader(plan.engine, plan.table, QString());
    QString why;
    if (!reader.available(connection.database(), &why)) {
        // available() also answers false when its own query failed: that is a read that failed.
        if (why.startsWith(QLatin1String("Could not"))) {
            error->kind = ConnectionError::Kind::Query;
            error->explanation = QStringLiteral("Could not tell whether the server keeps statement statistics.");
            error->serverMessage = why;
            return false;
        }
        *statisticsNote = why;
        return true;
    }
    QString failed;
    const std::optional<QList<StatementStat>> each = reader.readEach(connection.database(), &failed);
    if (!each) {
        error->kind = ConnectionError::Kind::Query;
        error->explanation = QStringLiteral("Could not read the statement statistics of %1.").arg(plan.table.name);
        error->serverMessage = failed;
        return false;
    }
    for (const StatementStat &stat : *each) {
        if (statements->size() == MaxStatements)
            break;
        StatementUse use;
        use.id = stat.id;
        use.text = stat.text;
        use.calls = stat.calls;
        use.meanMs = stat.calls > 0 ? stat.totalMs / double(stat.calls) : 0;
        use.rows = stat.rows;
        use.fates = fates(plan, table, stat.text);
        *statements << use;
    }
    return true;
}

} // namespace Stagecraft
