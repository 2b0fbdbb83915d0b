#include "signalcancel.h"

#include "run/runner.h"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace Stagecraft::Cli {

namespace {

// The pipe's writing end, for the handler: a signal handler can reach no other state.
volatile sig_atomic_t writeEnd = -1;

constexpr char Cancel = 'c';
constexpr char Quit = 'q';

} // namespace

void SignalCancel::onSignal(int)
{
    const int saved = errno;
    const char byte = Cancel;
    if (writeEnd >= 0)
        static_cast<void>(!::write(writeEnd, &byte, 1));
    errno = saved;
}

SignalCancel::SignalCancel(Runner &runner)
    : SignalCancel([&runner] { runner.cancel(); })
{
}

SignalCancel::SignalCancel(std::function<void()> cancel)
    : m_cancel(std::move(cancel))
{
    if (::pipe2(m_pipe, O_CLOEXEC) != 0)
        return; // no pipe: the signals keep their default action and end the process
    writeEnd = m_pipe[1];
    m_thread = std::thread([this] { watch(); });
    struct sigaction action {};
    action.sa_handler = &SignalCancel::onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, &m_previousInt);
    sigaction(SIGTERM, &action, &m_previousTerm);
}

SignalCancel::~SignalCancel()
{
    if (m_pipe[1] < 0)
        return;
    sigaction(SIGINT, &m_previousInt, nullptr);
    sigaction(SIGTERM, &m_previousTerm, nullptr);
    writeEnd = -1;
    const char byte = Quit;
    static_cast<void>(!::write(m_pipe[1], &byte, 1));
    m_thread.join();
    ::close(m_pipe[0]);
    ::close(m_pipe[1]);
}

void SignalCancel::watch()
{
    for (;;) {
        char byte = 0;
        const ssize_t n = ::read(m_pipe[0], &byte, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || byte == Quit)
            return;
        m_cancel(); // Runner::cancel() is safe from any thread; a second signal asks again
    }
}

} // namespace Stagecraft::Cli
