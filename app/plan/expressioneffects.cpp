#include "expressioneffects.h"

#include <QHash>

namespace Stagecraft {

namespace {

// The one list of functions whose effect reaches outside the row, with why each is here. A name
// ending in '*' is a prefix. PostgreSQL names match in any schema (extensions such as dblink
// install their functions where the user says); MySQL/MariaDB names match built-ins.
struct Listed
{
    const char *name;
    const char *effect;
};

const Listed PostgresListed[] = {
    // Other sessions and the server itself.
    {"pg_terminate_backend", "ends another session (the application's connections among them)"},
    {"pg_cancel_backend", "cancels another session's query"},
    {"pg_signal_backend", "signals another session"},
    {"pg_reload_conf", "makes the server reload its configuration"},
    {"pg_rotate_logfile*", "makes the server switch its log file"},
    {"pg_log_backend_memory_contexts", "makes another session write to the server log"},
    {"pg_promote", "promotes a standby server"},
    {"pg_switch_wal", "forces a WAL segment switch"},
    {"pg_create_restore_point", "writes a restore point into the WAL"},
    {"pg_backup_*", "starts or stops a base backup"},
    {"pg_start_backup", "starts a base backup"},
    {"pg_stop_backup", "stops a base backup"},
    {"pg_wal_replay_*", "pauses or resumes replay on a standby"},
    {"pg_stat_reset*", "resets the server's statistics"},
    {"pg_*replication_slot*", "creates, drops or moves a replication slot"},
    {"pg_replication_origin_*", "changes replication origins"},
    {"pg_logical_emit_message", "writes a message into the WAL for logical decoding"},
    {"pg_import_system_collations", "creates collations"},
    // SQL given as text is run by the function itself: what it calls is in no catalog.
    {"query_to_xml*", "runs SQL given as text, which Stagecraft cannot see"},
    {"cursor_to_xml*", "fetches from a cursor whose query Stagecraft cannot see"},
    {"ts_stat", "runs SQL given as text, which Stagecraft cannot see"},
    {"ts_rewrite", "may run SQL given as text, which Stagecraft cannot see"},
    // Other connections: whatever they run is outside this transaction and is not rolled back.
    {"dblink*", "runs SQL on another connection, outside Stagecraft's transaction"},
    {"postgres_fdw_*", "opens or closes connections to another server"},
    // Sequences are not transactional: a value taken or set stays taken or set.
    {"nextval", "takes a value from sequence %1"},
    {"setval", "changes sequence %1"},
    // Time: a row that waits holds its locks, and the application waits behind them.
    {"pg_sleep*", "sleeps, holding the statement's locks while it waits"},
    // Locks and notifications outlive the expression.
    {"pg_advisory*", "takes or releases an advisory lock the application may use"},
    {"pg_try_advisory*", "takes an advisory lock the application may use"},
    {"pg_notify", "sends a notification to the application's listeners"},
    // Files and large objects on the server.
    {"lo_*", "creates, writes or removes a large object"},
    {"lowrite", "writes a large object"},
    {"pg_file_*", "writes, renames or removes a file on the server"},
    // Settings and transaction ids.
    {"set_config", "changes a setting of the session"},
    {"txid_current", "assigns a transaction id (and keeps the xmin horizon back while the run lasts)"},
    {"pg_current_xact_id", "assigns a transaction id (and keeps the xmin horizon back while the run lasts)"},
};

const Listed MySqlListed[] = {
    {"sleep", "sleeps, holding the statement's locks while it waits"},
    {"benchmark", "runs an expression over and over, keeping a CPU busy"},
    {"get_lock", "takes a user lock the application may use"},
    {"release_lock", "releases a user lock the application may hold"},
    {"release_all_locks", "releases the session's user locks"},
    {"nextval", "takes a value from sequence %1"},
    {"setval", "changes sequence %1"},
    {"master_pos_wait", "waits for a replica to reach a position"},
    {"source_pos_wait", "waits for a replica to reach a position"},
    {"wait_for_executed_gtid_set", "waits for transactions to be applied"},
    {"wait_until_sql_thread_after_gtids", "waits for transactions to be applied"},
};

const Listed *find(const Listed *begin, const Listed *end, const QString &name)
{
    for (const Listed *l = begin; l != end; ++l) {
        const QString pattern = QString::fromLatin1(l->name);
        if (pattern.contains(QLatin1Char('*'))) {
            const QStringList parts = pattern.split(QLatin1Char('*'));
            // prefix*, or prefix*middle*: the parts in order
            qsizetype at = 0;
            bool match = name.startsWith(parts.first());
            at = parts.first().size();
            for (qsizetype i = 1; match && i < parts.size(); ++i) {
                if (parts.at(i).isEmpty())
                    continue;
                const qsizetype found = name.indexOf(parts.at(i), at);
                match = found >= 0;
                at = found + parts.at(i).size();
            }
            if (match)
                return l;
        } else if (name == pattern) {
            return l;
        }
    }
    return nullptr;
}

} // namespace

QString ExpressionEffects::callsPerRow(const QString &field)
{
    if (field == QLatin1String("backfill"))
        return QStringLiteral("every row the backfill touches would call it");
    if (field == QLatin1String("check"))
        return QStringLiteral("every INSERT and UPDATE of the table would call it, and the application would wait for it");
    return QStringLiteral("every new row inserted without a value, and every existing row it fills, would call it");
}

QList<SideEffect> ExpressionEffects::judge(Engine engine, const QString &field, const ExpressionCalls &calls)
{
    QList<SideEffect> effects;
    const bool pg = engine == Engine::PostgreSQL;
    QStringList sequences, appSequences;
    for (const NamedSequence &s : calls.sequences) {
        sequences << (s.usedBy.isEmpty() ? s.name : QStringLiteral("%1, which the application uses for %2").arg(s.name, s.usedBy));
        if (!s.usedBy.isEmpty())
            appSequences << QStringLiteral("%1, which the application uses for %2").arg(s.name, s.usedBy);
    }
    for (const CalledFunction &f : calls.functions) {
        const QString name = f.name.toLower();
        const Listed *listed = nullptr;
        if (pg)
            listed = find(std::begin(PostgresListed), std::end(PostgresListed), name);
        else if (engine != Engine::SQLite && f.kind == CalledFunction::Kind::BuiltIn)
            listed = find(std::begin(MySqlListed), std::end(MySqlListed), name);
        if (listed) {
            QString effect = QString::fromLatin1(listed->effect);
            if (effect.contains(QLatin1String("%1"))) {
                // A new sequence only this column will use is the column's own: nextval on it is
                // what a serial column does. One that gives another column's values is the application's.
                if (pg && name == QLatin1String("nextval") && appSequences.isEmpty() && !calls.sequences.isEmpty())
                    continue;
                const QStringList &named = pg && name == QLatin1String("nextval") ? appSequences : sequences;
                effect = effect.arg(named.isEmpty() ? QStringLiteral("(named only when it runs)") : named.join(QLatin1String("; ")));
            }
            effects << SideEffect{field, name, effect};
            continue;
        }
        // The user's own functions: what they do is not in the catalog, and their labels are
        // promises the server does not hold them to (a STABLE function may call setval, an
        // IMMUTABLE one pg_terminate_backend, a MariaDB function declared NO SQL may INSERT).
        static const QHash<QChar, QString> labels = {{QLatin1Char('v'), QStringLiteral("VOLATILE")},
                                                     {QLatin1Char('s'), QStringLiteral("STABLE")},
                                                     {QLatin1Char('i'), QStringLiteral("IMMUTABLE")}};
        if (pg && f.kind == CalledFunction::Kind::Stored)
            effects << SideEffect{field, f.schema + QLatin1Char('.') + f.name,
                                  QStringLiteral("is a function of your own (declared %1): it may have side effects Stagecraft "
                                                 "cannot see, and PostgreSQL does not hold a function to its declaration")
                                      .arg(labels.value(f.volatility, QStringLiteral("VOLATILE")))};
        else if (!pg && f.kind == CalledFunction::Kind::Stored)
            effects << SideEffect{field, f.schema + QLatin1Char('.') + f.name,
                                  QStringLiteral("is a stored function declared %1: it may have side effects Stagecraft cannot "
                                                 "see, and %2 does not hold a function to its declaration")
                                      .arg(f.dataAccess.isEmpty() ? QStringLiteral("without a data access characteristic") : f.dataAccess,
                                           engineName(engine))};
        else if (!pg && f.kind == CalledFunction::Kind::Loadable)
            effects << SideEffect{field, f.name, QStringLiteral("is a loadable function (UDF): it may have side effects Stagecraft cannot see")};
    }
    return effects;
}

bool ExpressionEffects::accepted(const SideEffect &effect, const QStringList &sideEffects)
{
    const QString bare = effect.function.section(QLatin1Char('.'), -1);
    for (const QString &s : sideEffects) {
        const QString wanted = s.trimmed();
        if (wanted.compare(effect.function, Qt::CaseInsensitive) == 0 || wanted.compare(bare, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

QString ExpressionEffects::problem(const SideEffect &effect)
{
    return QStringLiteral("%1 %2; %3. Stagecraft refuses it unless the spec says it means it: add \"%1\" to \"side_effects\"")
        .arg(effect.function, effect.effect, callsPerRow(effect.field));
}

} // namespace Stagecraft
