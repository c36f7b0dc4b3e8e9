// Signals as data on a signalfd: no async-signal-safety concerns, and the
// event loop handles them like any other readable fd.
#include "io/signals.h"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

namespace vme::io {

SignalFd::SignalFd(std::initializer_list<int> signals) {
    sigset_t set;
    sigemptyset(&set);
    for (int s : signals) sigaddset(&set, s);
    // Blocked, so they stay pending for the signalfd instead of killing us;
    // threads started later inherit the mask.
    if (::pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0) return;
    fd_ = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

SignalFd::~SignalFd() {
    if (fd_ >= 0) ::close(fd_);
}

int SignalFd::read_signal() {
    if (fd_ < 0) return 0;
    signalfd_siginfo info{};
    ssize_t n = ::read(fd_, &info, sizeof info);
    if (n != static_cast<ssize_t>(sizeof info)) return 0;
    return static_cast<int>(info.ssi_signo);
}

}  // namespace vme::io
