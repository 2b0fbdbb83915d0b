// SIGINT and SIGTERM while a run works: the run is cancelled, the statement in flight on the
// server with it.
#pragma once

#include <csignal>
#include <functional>
#include <thread>

namespace Stagecraft {
class Runner;
}

namespace Stagecraft::Cli {

// A signal handler may do almost nothing: it only writes a byte to a pipe (the self-pipe pattern).
// A thread of this class's own reads the pipe and calls Runner::cancel(), which stops the run at
// once and asks the server, from another connection, to cancel what the run's session is running
// (a batch waiting for a row lock, a VALIDATE): a lock timeout of minutes no longer keeps a
// SIGTERM waiting, and the server does not go on after the client has gone. The command's own
// thread is busy running the plan, so neither an event loop nor a QSocketNotifier is there to read
// the pipe. The handlers before it are restored when it goes.
class SignalCancel
{
public:
    explicit SignalCancel(Runner &runner);
    // Calls cancel (on the watching thread) instead: a rehearsal's.
    explicit SignalCancel(std::function<void()> cancel);
    ~SignalCancel();
    SignalCancel(const SignalCancel &) = delete;
    SignalCancel &operator=(const SignalCancel &) = delete;

private:
    static void onSignal(int signal);
    void watch();

    std::function<void()> m_cancel;
    int m_pipe[2] = {-1, -1};
    struct sigaction m_previousInt {};
    struct sigaction m_previousTerm {};
    std::thread m_thread;
};

} // namespace Stagecraft::Cli
