#include "stagetimings.h"

#include <QHash>
#include <QSet>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <limits>

namespace Stagecraft {

namespace {

QString pointName(StageTimings::Point point)
{
    switch (point) {
    case StageTimings::Point::Start: return QStringLiteral("start");
    case StageTimings::Point::Backfill: return QStringLiteral("backfill");
    case StageTimings::Point::Resumed: return QStringLiteral("resumed");
    case StageTimings::Point::Index: return QStringLiteral("index");
    }
    return {};
}

const StatementStat *entry(const QList<StatementStat> *list, const QString &id)
{
    if (!list)
        return nullptr;
    for (const StatementStat &s : *list)
        if (s.id == id)
            return &s;
    return nullptr;
}

// The calls and time between two snapshots; unknown when the counters went back (a reset, an
// evicted entry), a snapshot is missing, or the statement was left out of a trimmed one.
StageTimings::Mean between(const QList<StatementStat> *from, const QList<StatementStat> *to, const QString &id, bool fromTrimmed,
                           bool toTrimmed)
{
    StageTimings::Mean m;
    if (!from || !to)
        return m;
    const StatementStat *a = entry(from, id);
    const StatementStat *b = entry(to, id);
    if ((!a && fromTrimmed) || (!b && toTrimmed))
        return m;
    const qint64 calls = (b ? b->calls : 0) - (a ? a->calls : 0);
    const double ms = (b ? b->totalMs : 0) - (a ? a->totalMs : 0);
    if (calls < 0 || ms < 0)
        return m;
    m.calls = calls;
    if (calls >= StageTimings::MinCalls)
        m.ms = ms / double(calls);
    return m;
}

QString msText(double ms)
{
    return QStringLiteral("%1 ms").arg(ms, 0, 'f', ms < 10 ? 2 : ms < 100 ? 1 : 0);
}

} // namespace

bool StageTimings::isEmpty() const
{
    return m_snapshots.isEmpty() && m_unavailable.isEmpty();
}

const QList<StatementStat> *StageTimings::find(Point point) const
{
    for (const Snapshot &s : m_snapshots)
        if (s.point == point)
            return &s.statements;
    return nullptr;
}

bool StageTimings::trimmed(Point point) const
{
    for (const Snapshot &s : m_snapshots)
        if (s.point == point)
            return s.dropped > 0;
    return false;
}

bool StageTimings::has(Point point) const
{
    return find(point) != nullptr;
}

QList<StatementStat> StageTimings::snapshot(Point point) const
{
    const QList<StatementStat> *found = find(point);
    return found ? *found : QList<StatementStat>{};
}

void StageTimings::setSnapshot(Point point, const QList<StatementStat> &statements)
{
    // The most total time first; then kept: the first KeptStatements, and any an earlier snapshot kept.
    QList<StatementStat> sorted = statements;
    std::stable_sort(sorted.begin(), sorted.end(), [](const StatementStat &a, const StatementStat &b) { return a.totalMs > b.totalMs; });
    QSet<QString> earlier;
    for (const Snapshot &s : std::as_const(m_snapshots))
        if (s.point != point)
            for (const StatementStat &st : s.statements)
                earlier.insert(st.id);
    Snapshot snap{point, {}, 0};
    for (const StatementStat &st : std::as_const(sorted)) {
        if (snap.statements.size() < KeptStatements || earlier.contains(st.id))
            snap.statements.append(st);
        else
            ++snap.dropped;
    }
    for (Snapshot &s : m_snapshots) {
        if (s.point == point) {
            s = snap;
            return;
        }
    }
    m_snapshots.append(snap);
}

QList<StageTimings::Statement> StageTimings::statements(int top) const
{
    const QList<StatementStat> *start = find(Point::Start);
    const QList<StatementStat> *backfill = find(Point::Backfill);
    const QList<StatementStat> *resumed = find(Point::Resumed);
    const QList<StatementStat> *index = find(Point::Index);
    const QList<StatementStat> *enforceFrom = resumed ? resumed : backfill ? backfill : start;
    // Every statement seen, its text from the latest snapshot that has it.
    QList<Statement> out;
    QHash<QString, qsizetype> at;
    QHash<QString, double> runMs; // time spent during the run, for the order
    QHash<QString, double> beforeMs;
    for (const Snapshot &snap : m_snapshots) {
        for (const StatementStat &s : snap.statements) {
            if (!at.contains(s.id)) {
                at.insert(s.id, out.size());
                out.append({s.id, s.text, {}, {}, {}});
            } else {
                out[at.value(s.id)].text = s.text;
            }
        }
    }
    const QList<StatementStat> *last = index ? index : backfill;
    for (Statement &s : out) {
        if (const StatementStat *b = entry(start, s.id)) {
            s.before.calls = b->calls;
            if (b->calls >= MinCalls)
                s.before.ms = b->totalMs / double(b->calls);
            beforeMs.insert(s.id, b->totalMs);
        }
        s.backfill = between(start, backfill, s.id, trimmed(Point::Start), trimmed(Point::Backfill));
        s.enforce = between(enforceFrom, index, s.id,
                            trimmed(resumed ? Point::Resumed : backfill ? Point::Backfill : Point::Start), trimmed(Point::Index));
        const StatementStat *end = entry(last, s.id);
        const StatementStat *begin = entry(start, s.id);
        runMs.insert(s.id, std::max(0.0, (end ? end->totalMs : 0) - (begin ? begin->totalMs : 0)));
    }
    // A statement with too few calls in every phase (a schema change, a one-off) says nothing here.
    out.removeIf([](const Statement &s) { return !s.before.known() && !s.backfill.known() && !s.enforce.known(); });
    std::stable_sort(out.begin(), out.end(), [&](const Statement &a, const Statement &b) {
        const double ra = runMs.value(a.id), rb = runMs.value(b.id);
        if (ra != rb)
            return ra > rb;
        return beforeMs.value(a.id) > beforeMs.value(b.id);
    });
    if (out.size() > top)
        out.resize(top);
    return out;
}

std::optional<StageTimings::Statement> StageTimings::slowedOver(double factor) const
{
    if (factor <= 0)
        return std::nullopt;
    std::optional<Statement> worst;
    for (const Statement &s : statements(std::numeric_limits<int>::max())) {
        if (!s.before.known() || !s.backfill.known() || s.before.ms <= 0)
            continue;
        const double f = s.backfill.ms / s.before.ms;
        if (f > factor && (!worst || f > worst->backfill.ms / worst->before.ms))
            worst = s;
    }
    return worst;
}

QString StageTimings::meanText(const Mean &mean)
{
    if (mean.known())
        return msText(mean.ms);
    return mean.calls > 0 ? QStringLiteral("too few calls (%1)").arg(mean.calls) : QStringLiteral("no calls");
}

QString StageTimings::factorText(const Mean &before, const Mean &mean)
{
    if (!before.known() || !mean.known() || before.ms <= 0)
        return {};
    return QStringLiteral(" (%1x)").arg(mean.ms / before.ms, 0, 'f', 1);
}

QString StageTimings::shortened(const QString &text, int width)
{
    const QString line = text.simplified();
    return line.size() <= width ? line : line.left(width - 1) + QChar(0x2026);
}

QStringList StageTimings::lines(int top) const
{
    if (!m_unavailable.isEmpty())
        return {QStringLiteral("Query performance between stages was not measured. %1").arg(m_unavailable)};
    if (!has(Point::Start))
        return {};
    const QList<Statement> top5 = statements(top);
    QStringList phases{QStringLiteral("before the run (since the statistics were last reset)")};
    if (measuresBackfill())
        phases << QStringLiteral("during the backfill");
    if (measuresEnforce())
        phases << QStringLiteral("during enforce and index");
    if (top5.isEmpty())
        return {QStringLiteral("Query performance between stages: no statement of the application's on the table was timed.")};
    QStringList out{QStringLiteral("Query performance between stages, mean per call %1:").arg(phases.join(QStringLiteral(" -> ")))};
    for (const Statement &s : top5) {
        QString means = meanText(s.before);
        if (measuresBackfill())
            means += QStringLiteral(" -> ") + meanText(s.backfill) + factorText(s.before, s.backfill);
        if (measuresEnforce())
            means += QStringLiteral(" -> ") + meanText(s.enforce) + factorText(s.before, s.enforce);
        out << QStringLiteral("  %1: %2").arg(shortened(s.text), means);
    }
    return out;
}

QByteArray StageTimings::toJson() const
{
    QJsonObject root;
    if (!m_unavailable.isEmpty())
        root.insert(QStringLiteral("unavailable"), m_unavailable);
    QJsonArray snapshots;
    for (const Snapshot &snap : m_snapshots) {
        QJsonArray statements;
        for (const StatementStat &s : snap.statements)
            statements.append(QJsonObject{{QStringLiteral("id"), s.id},
                                          {QStringLiteral("text"), s.text},
                                          {QStringLiteral("calls"), double(s.calls)},
                                          {QStringLiteral("total_ms"), s.totalMs},
                                          {QStringLiteral("rows"), double(s.rows)}});
        QJsonObject o{{QStringLiteral("point"), pointName(snap.point)}, {QStringLiteral("statements"), statements}};
        if (snap.dropped > 0)
            o.insert(QStringLiteral("dropped"), double(snap.dropped));
        snapshots.append(o);
    }
    root.insert(QStringLiteral("snapshots"), snapshots);
    if (m_gatePassed)
        root.insert(QStringLiteral("gate_passed"), true);
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

bool StageTimings::fromJson(const QByteArray &json, StageTimings *timings)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return false;
    StageTimings t;
    const QJsonObject root = doc.object();
    t.m_unavailable = root.value(QStringLiteral("unavailable")).toString();
    t.m_gatePassed = root.value(QStringLiteral("gate_passed")).toBool();
    for (const QJsonValue &v : root.value(QStringLiteral("snapshots")).toArray()) {
        const QJsonObject o = v.toObject();
        Snapshot snap;
        bool known = false;
        for (Point p : {Point::Start, Point::Backfill, Point::Resumed, Point::Index}) {
            if (pointName(p) == o.value(QStringLiteral("point")).toString()) {
                snap.point = p;
                known = true;
            }
        }
        if (!known)
            continue;
        snap.dropped = qsizetype(o.value(QStringLiteral("dropped")).toDouble());
        for (const QJsonValue &sv : o.value(QStringLiteral("statements")).toArray()) {
            const QJsonObject so = sv.toObject();
            snap.statements.append({so.value(QStringLiteral("id")).toString(), so.value(QStringLiteral("text")).toString(),
                                    qint64(so.value(QStringLiteral("calls")).toDouble()), so.value(QStringLiteral("total_ms")).toDouble(),
                                    qint64(so.value(QStringLiteral("rows")).toDouble())});
        }
        t.m_snapshots.append(snap);
    }
    *timings = t;
    return true;
}

} // namespace Stagecraft
