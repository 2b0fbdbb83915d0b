#include "common.h"

#include <QCommandLineParser>
#include <QRegularExpression>

#include <algorithm>
#include <cstdio>
#include <termios.h>
#include <unistd.h>

namespace Stagecraft::Cli {

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}

QTextStream &err()
{
    static QTextStream s(stderr);
    return s;
}

QString connectionUrl(const QCommandLineParser &parser)
{
    if (parser.isSet(QStringLiteral("connection")))
        return parser.value(QStringLiteral("connection"));
    return qEnvironmentVariable("STAGECRAFT_CONNECTION");
}

namespace {

// Reads a password from the terminal without echoing it.
QString promptPassword(const ConnectionProfile &profile)
{
    err() << "Password for " << profile.displayName() << ": " << Qt::flush;
    termios saved{};
    const bool terminal = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
    if (terminal) {
        termios silent = saved;
        silent.c_lflag &= ~tcflag_t(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &silent);
    }
    char buffer[1024];
    const bool read = std::fgets(buffer, sizeof buffer, stdin) != nullptr;
    if (terminal)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    err() << "\n";
    return read ? QString::fromLocal8Bit(buffer).chopped(QByteArrayView(buffer).endsWith('\n') ? 1 : 0) : QString();
}

// "2s", "500ms", "1.5s" or a bare number of milliseconds.
int parseMilliseconds(const QString &text, bool *ok)
{
    static const QRegularExpression re(QStringLiteral("^(\\d+(?:\\.\\d+)?)\\s*(ms|s)?$"));
    const auto m = re.match(text.trimmed());
    *ok = m.hasMatch();
    return *ok ? int(m.captured(1).toDouble() * (m.captured(2) == QLatin1String("s") ? 1000 : 1)) : 0;
}

const QStringList runFlags = {QStringLiteral("lock-timeout"),    QStringLiteral("batch-time"),      QStringLiteral("throttle"),
                              QStringLiteral("max-batch"),       QStringLiteral("retries"),         QStringLiteral("on-blockers"),
                              QStringLiteral("max-writer-wait"), QStringLiteral("max-replica-lag"), QStringLiteral("replica"),
                              QStringLiteral("max-latency-factor"), QStringLiteral("max-slowdown")};

} // namespace

int openConnection(const QCommandLineParser &parser, std::unique_ptr<DatabaseConnection> *connection)
{
    const QString url = connectionUrl(parser);
    const bool prompt = parser.isSet(QStringLiteral("password-prompt"));
    ConnectionProfile profile;
    QString why;
    if (url.isEmpty()) {
        err() << "stagecraft-cli: no connection: pass --connection URL or set STAGECRAFT_CONNECTION\n";
        return BadInput;
    }
    if (!ConnectionProfile::fromUrl(url, &profile, &why)) {
        err() << "stagecraft-cli: " << why << "\n";
        return BadInput;
    }
    if (profile.password.isEmpty() && qEnvironmentVariableIsSet("STAGECRAFT_PASSWORD"))
        profile.password = qEnvironmentVariable("STAGECRAFT_PASSWORD");
    if (prompt && profile.engine != Engine::SQLite)
        profile.password = promptPassword(profile);
    auto candidate = std::make_unique<DatabaseConnection>(profile);
    ConnectionError error;
    bool open = candidate->open(&error);
    // An empty password refused on a terminal: ask once rather than fail.
    if (!open && error.kind == ConnectionError::Kind::WrongPassword && profile.password.isEmpty() && !prompt
        && isatty(STDIN_FILENO)) {
        profile.password = promptPassword(profile);
        candidate = std::make_unique<DatabaseConnection>(profile);
        open = candidate->open(&error);
    }
    if (!open) {
        err() << "stagecraft-cli: " << error.text() << "\n";
        return CannotConnect;
    }
    *connection = std::move(candidate);
    return Ok;
}

bool hasRunFlags(const QCommandLineParser &parser)
{
    return std::any_of(runFlags.cbegin(), runFlags.cend(), [&parser](const QString &flag) { return parser.isSet(flag); });
}

int runSettingsFromFlags(const QCommandLineParser &parser, Engine engine, const RunSettings &base, RunSettings *settings)
{
    RunSettings s = base;
    bool ok = true;
    if (parser.isSet(QStringLiteral("lock-timeout")))
        s.lockTimeoutMs = parseMilliseconds(parser.value(QStringLiteral("lock-timeout")), &ok);
    if (ok && parser.isSet(QStringLiteral("batch-time")))
        s.batchTargetMs = parseMilliseconds(parser.value(QStringLiteral("batch-time")), &ok);
    if (ok && parser.isSet(QStringLiteral("throttle")))
        s.pauseBetweenBatchesMs = parseMilliseconds(parser.value(QStringLiteral("throttle")), &ok);
    if (ok && parser.isSet(QStringLiteral("max-batch"))) {
        s.maxBatchRows = parser.value(QStringLiteral("max-batch")).toInt(&ok);
        s.firstBatchRows = std::min(s.firstBatchRows, s.maxBatchRows);
        s.minBatchRows = std::min(s.minBatchRows, s.maxBatchRows);
    }
    if (ok && parser.isSet(QStringLiteral("retries"))) {
        s.maxRetries = parser.value(QStringLiteral("retries")).toInt(&ok);
        ok = ok && s.maxRetries >= 0;
    }
    if (ok && parser.isSet(QStringLiteral("on-blockers")))
        ok = blockerPolicyFromName(parser.value(QStringLiteral("on-blockers")), &s.onBlockers);
    if (ok && parser.isSet(QStringLiteral("max-writer-wait")))
        s.maxWriterWaitMs = parseMilliseconds(parser.value(QStringLiteral("max-writer-wait")), &ok);
    if (ok && parser.isSet(QStringLiteral("max-replica-lag")))
        s.maxReplicaLagMs = parseMilliseconds(parser.value(QStringLiteral("max-replica-lag")), &ok);
    if (ok && parser.isSet(QStringLiteral("max-latency-factor"))) {
        s.maxLatencyFactor = parser.value(QStringLiteral("max-latency-factor")).toDouble(&ok);
        ok = ok && (s.maxLatencyFactor == 0 || s.maxLatencyFactor > 1);
    }
    if (ok && parser.isSet(QStringLiteral("max-slowdown"))) {
        s.maxSlowdownFactor = parser.value(QStringLiteral("max-slowdown")).toDouble(&ok);
        ok = ok && (s.maxSlowdownFactor == 0 || s.maxSlowdownFactor > 1);
    }
    if (!ok || s.lockTimeoutMs <= 0 || s.batchTargetMs <= 0 || s.maxBatchRows <= 0) {
        err() << "stagecraft-cli: --lock-timeout, --batch-time, --throttle, --max-writer-wait and --max-replica-lag take 200ms or 2s "
                 "(0 turns the last two off); --max-batch a positive number; --retries 0 or more; --on-blockers proceed, wait or stop; "
                 "--max-latency-factor and --max-slowdown a number over 1, or 0\n";
        return BadInput;
    }
    if (parser.isSet(QStringLiteral("replica")))
        s.replicas.clear();
    for (const QString &url : parser.values(QStringLiteral("replica"))) {
        ConnectionProfile replica;
        QString why;
        if (!ConnectionProfile::fromUrl(url, &replica, &why)) {
            err() << "stagecraft-cli: --replica " << url << ": " << why << "\n";
            return BadInput;
        }
        if (replica.engine != Engine::MySQL && replica.engine != Engine::MariaDB) {
            err() << "stagecraft-cli: --replica names a MySQL or MariaDB replica (PostgreSQL's replicas are read from the primary)\n";
            return BadInput;
        }
        if (!replica.password.isEmpty()) {
            // The URL is kept with the plan and its journal: never a password there.
            err() << "stagecraft-cli: --replica " << replica.host << ": give the URL without its password (the run's password is used)\n";
            return BadInput;
        }
        s.replicas << url;
    }
    if (!s.lockTimeoutExact(engine))
        err() << "stagecraft-cli: " << engineName(engine) << " counts lock_wait_timeout in whole seconds: the lock timeout is "
              << s.lockTimeoutSeconds() << " s\n";
    *settings = s;
    return Ok;
}

bool confirmed(const QCommandLineParser &parser, const DatabaseConnection &connection, const Plan &plan, const QString &action)
{
    const QString where = QStringLiteral("%1 at %2, table %3.%4").arg(connection.server().displayName(), connection.profile().displayName(),
                                                                     plan.table.schema, plan.table.name);
    const QString what = !action.isEmpty() ? where + QStringLiteral(": ") + action
                                           : where + QStringLiteral(": add column %1 in %2 steps; writes blocked about %3 s in all")
                                                         .arg(plan.spec.name, QString::number(plan.steps.size()),
                                                              QString::number(plan.secondsWritesBlocked(), 'f', 2));
    // What the reviewer was warned of (an accepted side effect among it), again before anything changes.
    if (action.isEmpty()) {
        for (const QString &warning : plan.warnings)
            err() << "stagecraft-cli: warning: " << warning << "\n";
    }
    if (parser.isSet(QStringLiteral("yes"))) {
        err() << "stagecraft-cli: running on " << what << "\n";
        return true;
    }
    if (!isatty(STDIN_FILENO)) {
        err() << "stagecraft-cli: refusing to change " << what << " without --yes\n";
        return false;
    }
    err() << "About to change " << what << ".\nType the table name (" << plan.table.name << ") to go on: " << Qt::flush;
    char buffer[512];
    const QString answer = std::fgets(buffer, sizeof buffer, stdin) ? QString::fromLocal8Bit(buffer).trimmed() : QString();
    if (answer != plan.table.name) {
        err() << "stagecraft-cli: not confirmed; nothing was changed\n";
        return false;
    }
    return true;
}

} // namespace Stagecraft::Cli
