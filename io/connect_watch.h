// What a client that keeps one broker connection decides after each failed
// attempt: whether the cause is worth a line (each cause once until the
// next connection; the loss of a connection always), and whether to retry
// or give up. Pure: no clock, no I/O; the caller words the lines and owns
// any deadline.
#pragma once

#include <optional>
#include <set>
#include <string>

#include "common/connect_error.h"

namespace vme::io {

/// When a client stops trying.
struct ConnectRules {
    int retries = 0;                    ///< give up after this many failures in a row; 0: never
    bool give_up_on_permanent = false;  ///< a cause retrying cannot fix ends the run (one-shot commands)
};

/// Why a run gives up on the broker.
enum class GiveUp {
    No,         ///< retry
    Retries,    ///< the --retries count was reached
    Permanent,  ///< the cause cannot be fixed by retrying (a one-shot command)
};

/// The decision about one failed attempt.
struct FailureVerdict {
    GiveUp give_up = GiveUp::No;
    bool say = false;   ///< a cause not said since the last connection, or the loss of one
    bool lost = false;  ///< the connection was up when this failure came
    int attempts = 0;   ///< failures in a row, this one included
};

class ConnectionWatch {
public:
    explicit ConnectionWatch(ConnectRules rules) : rules_(rules) {}

    /// The broker accepted the connection: counts and causes start again.
    void connected();

    /// One attempt failed, or the connection was lost.
    FailureVerdict failed(const ConnectCause& cause);

    /// Connected at least once in this run.
    bool ever_connected() const { return ever_connected_; }

    /// The most recent failure since the last connection, if any.
    const std::optional<ConnectCause>& last_cause() const { return last_cause_; }

private:
    ConnectRules rules_;
    bool ever_connected_ = false;
    bool up_ = false;  ///< between connected() and the next failed()
    int attempts_ = 0;
    std::set<std::string> said_;
    std::optional<ConnectCause> last_cause_;
};

}  // namespace vme::io
