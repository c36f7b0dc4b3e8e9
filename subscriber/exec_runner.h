// --exec: runs a command for each matching event, without a shell, one at a
// time and in order, with the event in its environment and on its stdin.
// Children are reaped from SIGCHLD on the event loop, so vm-sub never waits.
#pragma once

#include <sys/types.h>

#include <deque>
#include <string>
#include <vector>

#include "common/message.h"
#include "io/unique_fd.h"
#include "subscriber/output.h"

namespace vme::sub {

using io::UniqueFd;

/// The VM_EVENT_* variables ("NAME=value") for an event. Values are exact,
/// not sanitized: they go to a program, not to a terminal.
std::vector<std::string> event_environment(const Event& event);

/// A sealed-in-memory stdin for a child: `data`, positioned at its start.
/// A memfd never blocks the writer, whatever the child does (or doesn't) read.
Result<UniqueFd> memory_file(std::string_view data);

class ExecRunner {
public:
    ExecRunner(std::vector<std::string> command, Diagnostics& diag)
        : command_(std::move(command)), diag_(diag) {}

    /// Queues the event; starts its command now when none is running.
    void enqueue(const Event& event);

    /// Reaps exited children (call on SIGCHLD), reports a failure on
    /// stderr, and starts the next queued command.
    void on_child_exit();

    /// True when no command runs and none is waiting.
    bool idle() const { return running_ < 0 && queue_.empty(); }

private:
    /// Starts queued commands until one runs (those that cannot start are reported).
    void start_next();
    /// posix_spawnp of the command for `event`; error: why it could not start.
    Result<pid_t> spawn(const Event& event);
    /// One stderr line for a non-zero exit or a killing signal.
    void report_exit(int wait_status);

    std::vector<std::string> command_;
    Diagnostics& diag_;
    std::deque<Event> queue_;
    pid_t running_ = -1;
    std::string running_what_;   ///< describes the running event, for reports
};

}  // namespace vme::sub
