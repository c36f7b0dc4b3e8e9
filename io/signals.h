// Signals delivered as readable data on a signalfd, for the event loop.
#pragma once

#include <initializer_list>

namespace vme::io {

/// Blocks the given signals in the calling thread (do it before starting
/// any other thread, so they inherit the mask) and opens a signalfd for them.
class SignalFd {
public:
    explicit SignalFd(std::initializer_list<int> signals);
    ~SignalFd();
    SignalFd(const SignalFd&) = delete;
    SignalFd& operator=(const SignalFd&) = delete;

    /// The fd to watch for POLLIN; -1 when creation failed.
    int fd() const { return fd_; }

    /// Reads one pending signal number; 0 when none is pending.
    int read_signal();

private:
    int fd_ = -1;
};

}  // namespace vme::io
