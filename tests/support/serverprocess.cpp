#include "serverprocess.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

#include <arpa/inet.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Stagecraft::Testing {

ServerProcess::~ServerProcess()
{
    if (isRunning())
        stop(SIGTERM, 10000);
}

void ServerProcess::setUser(const QString &name)
{
    if (geteuid() != 0)
        return;
    if (!m_root.isEmpty()) { // the root's own user database
        const QByteArray wanted = name.toLocal8Bit();
        if (FILE *users = fopen(QFile::encodeName(m_root + QLatin1String("/etc/passwd")).constData(), "r")) {
            while (const passwd *pw = fgetpwent(users)) {
                if (wanted == pw->pw_name) {
                    m_uid = pw->pw_uid;
                    m_gid = pw->pw_gid;
                    break;
                }
            }
            fclose(users);
        }
        return;
    }
    if (const passwd *pw = getpwnam(name.toLocal8Bit().constData())) {
        m_uid = pw->pw_uid;
        m_gid = pw->pw_gid;
    } else if (const passwd *nobody = getpwnam("nobody")) {
        m_uid = nobody->pw_uid;
        m_gid = nobody->pw_gid;
    }
}

void ServerProcess::prepare(QProcess &process) const
{
    const uid_t uid = m_uid;
    const gid_t gid = m_gid;
    const QByteArray root = QFile::encodeName(m_root);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setChildProcessModifier([uid, gid, root] {
        // Only async-signal-safe calls here: this runs between fork and exec.
        // A process group of its own: a kill takes the server's children (backends) with it.
        setpgid(0, 0);
        if (!root.isEmpty() && (chroot(root.constData()) != 0 || chdir("/") != 0))
            _exit(126);
        if (uid != 0) {
            if (setgroups(0, nullptr) != 0 || setgid(gid) != 0 || setuid(uid) != 0)
                _exit(127);
        }
        // After the credential change, which would clear it.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
    });
}

bool ServerProcess::run(const QString &program, const QStringList &arguments, int timeoutMs, QString *error)
{
    QProcess process;
    prepare(process);
    process.start(program, arguments);
    const bool finished = process.waitForFinished(timeoutMs);
    const QString output = QString::fromLocal8Bit(process.readAll());
    if (!finished) {
        process.kill();
        process.waitForFinished(5000);
    }
    if (finished && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0)
        return true;
    if (error)
        *error = QStringLiteral("%1 %2 failed (%3):\n%4")
                     .arg(program, arguments.join(QLatin1Char(' ')),
                          finished ? QStringLiteral("exit code %1").arg(process.exitCode()) : QStringLiteral("timed out"),
                          output);
    return false;
}

bool ServerProcess::start(const QString &program, const QStringList &arguments, QString *error)
{
    prepare(m_process);
    m_process.start(program, arguments);
    if (!m_process.waitForStarted(10000)) {
        if (error)
            *error = QStringLiteral("%1 did not start: %2").arg(program, m_process.errorString());
        return false;
    }
    return true;
}

void ServerProcess::stop(int signal, int timeoutMs)
{
    if (!isRunning())
        return;
    // SIGKILL is a crash: every process of the server dies at once, as when the machine goes down.
    // Other signals go to the server's main process, which shuts its children down itself.
    const pid_t pid = pid_t(m_process.processId());
    if (signal == SIGKILL)
        killTree(pid);
    else
        ::kill(pid, signal);
    if (!m_process.waitForFinished(timeoutMs)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
    static_cast<void>(output()); // keep what it printed for a failure message
}

// The processes whose parent is pid, read from /proc.
static QList<pid_t> childrenOf(pid_t pid)
{
    QList<pid_t> children;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool isPid = false;
        const pid_t candidate = pid_t(entry.toInt(&isPid));
        if (!isPid)
            continue;
        QFile stat(QStringLiteral("/proc/%1/stat").arg(candidate));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so parse after the last ')'.
        const QByteArray line = stat.readAll();
        const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 1 && fields.at(1).toInt() == pid)
            children.append(candidate);
    }
    return children;
}

void ServerProcess::killTree(pid_t pid)
{
    // PostgreSQL's backends call setsid(), so they are not in the postmaster's process group, and a
    // backend outlives a killed postmaster until it notices (and may still answer a query). Stop the
    // parent first so it forks nothing new, then kill the descendants, then the parent.
    ::kill(pid, SIGSTOP);
    const QList<pid_t> children = childrenOf(pid);
    for (const pid_t child : children)
        killTree(child);
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
}

bool ServerProcess::isRunning() const
{
    return m_process.state() != QProcess::NotRunning;
}

qint64 ServerProcess::pid() const
{
    return m_process.processId();
}

QString ServerProcess::output()
{
    m_output += QString::fromLocal8Bit(m_process.readAll());
    return m_output;
}

int freeLoopbackPort()
{
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    int port = 0;
    if (bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0
        && getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) == 0)
        port = ntohs(address.sin_port);
    close(fd);
    return port;
}

QString findProgram(const QString &name, const QStringList &folders)
{
    for (const QString &folder : folders) {
        const QFileInfo candidate(QDir(folder).filePath(name));
        if (candidate.isExecutable())
            return candidate.absoluteFilePath();
    }
    const QString onPath = QStandardPaths::findExecutable(name);
    if (!onPath.isEmpty())
        return onPath;
    // sbin folders are often not on an ordinary user's PATH
    return QStandardPaths::findExecutable(name, {QStringLiteral("/usr/sbin"), QStringLiteral("/usr/local/sbin")});
}

} // namespace Stagecraft::Testing
