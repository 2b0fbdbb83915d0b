#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>

#include <sys/types.h>

namespace Stagecraft::Testing {

// A database server (or one of its set-up tools) run as a child of the test. The child gets the
// parent-death signal, so a test that crashes or is killed by CTest's timeout never leaves a
// server running; when the test runs as root (the build root), it drops to an ordinary user
// first, since PostgreSQL refuses to run as root.
class ServerProcess
{
public:
    ServerProcess() = default;
    ~ServerProcess();
    ServerProcess(const ServerProcess &) = delete;
    ServerProcess &operator=(const ServerProcess &) = delete;

    // Run chrooted into root (a server root of ServerRoots): the program and every path it is
    // given are then as seen inside it. Before setUser, whose user is then the root's.
    void setRoot(const QString &root) { m_root = root; }
    // Run as this user (ignored unless the test runs as root).
    void setUser(const QString &name);
    [[nodiscard]] uid_t uid() const { return m_uid; }
    [[nodiscard]] gid_t gid() const { return m_gid; }

    // Runs program to completion; on failure *error gets its output.
    [[nodiscard]] bool run(const QString &program, const QStringList &arguments, int timeoutMs, QString *error);
    // Starts a long-running server.
    [[nodiscard]] bool start(const QString &program, const QStringList &arguments, QString *error);
    // Sends signal, waits up to timeoutMs, then kills.
    void stop(int signal, int timeoutMs);
    [[nodiscard]] bool isRunning() const;
    [[nodiscard]] qint64 pid() const;
    // What the server printed so far (for a failure message).
    [[nodiscard]] QString output();

private:
    void prepare(QProcess &process) const;
    // SIGKILL to pid and all its descendants, wherever their process group.
    static void killTree(pid_t pid);

    QProcess m_process;
    QString m_output;
    uid_t m_uid = 0;
    gid_t m_gid = 0;
    QString m_root;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
[[nodiscard]] int freeLoopbackPort();
// Finds an executable: in the given folders first, then on PATH; empty if absent.
[[nodiscard]] QString findProgram(const QString &name, const QStringList &folders = {});

} // namespace Stagecraft::Testing
