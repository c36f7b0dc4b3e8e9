// vm-sub's command line: the options, their CLI11 registration, and the
// checks that turn a bad combination into a one-line usage error.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/filter.h"
#include "io/client_options.h"
#include "io/parse_outcome.h"

namespace vme::sub {

/// Exit statuses, documented in --help and in vm-sub(1).
enum ExitStatus : int {
    kExitOk = 0,          ///< count reached, --list done, or interrupted without -C
    kExitFailure = 1,     ///< a runtime failure other than the broker: subscription refused, no signalfd
    kExitUsage = 2,       ///< bad command line
    kExitUnavailable = 69,  ///< no broker connection: deadline passed, --retries used up, or a
                            ///< cause retrying cannot fix in a one-shot mode (EX_UNAVAILABLE)
    kExitTimeout = 124,   ///< -W elapsed first (like timeout(1))
    kExitInterrupted = 130,  ///< SIGINT/SIGTERM before -C was reached
};

/// How events reach stdout.
enum class OutputMode { Human, Json, CloudEvents, Template };

/// Colour choice for human output.
enum class ColorMode { Never, Auto, Always };

/// Everything the user asked for, checked.
struct Options {
    io::ClientOptions client;
    std::string prefix = "libvirt";
    OutputMode output = OutputMode::Human;
    bool output_given = false;     ///< -o or -F was on the command line
    bool print_events = true;      ///< false with --exec and no explicit -o/-F
    std::string format;            ///< -F template text
    ColorMode color = ColorMode::Auto;
    Filter filter;
    long count = 0;                ///< 0: no -C
    double timeout_s = 0;          ///< 0: no -W
    bool list = false;
    bool watch = false;            ///< --watch: the live full-screen view
    int list_wait_ms = 500;
    std::vector<std::string> exec; ///< command and arguments; empty: no --exec
    std::vector<std::string> topics;  ///< -t raw filters; empty: vm-events/1 topics
    std::string session;           ///< --session NAME; empty: clean session
    std::string share;             ///< --share GROUP; empty: every event reaches this vm-sub
    unsigned session_expiry = 86400;
    int qos = 1;
    int retries = 0;               ///< 0: keep retrying forever
    double connect_timeout_s = -1; ///< --connect-timeout; -1: not given (the mode's default), 0: forever
    bool gap_check = true;
    std::optional<long long> since_ms;  ///< --since, resolved at start (ms since the epoch)
    std::optional<long long> until_ms;  ///< --until, resolved at start
    bool roll_call = true;              ///< --list/--since ask live vm-pubs to answer
    int roll_call_spread_ms = -1;       ///< answers spread over this; -1: from the number of hosts seen
    int verbose = 0;
};

/// --connect-timeout's default for the one-shot modes, in seconds.
constexpr double kDefaultConnectTimeoutS = 5;

/// The modes that end on their own once they have their answer: --list,
/// and --since with --until.
bool is_one_shot(const Options& options);

/// How long vm-sub may be without a broker connection (at the start, or
/// after losing one) before it exits with kExitUnavailable: --connect-timeout
/// when given, else kDefaultConnectTimeoutS for one-shot modes; zero: no
/// limit (long-running modes by default keep retrying).
std::chrono::milliseconds connect_deadline(const Options& options);

/// What parsing decided: run with `options`, or exit now with `exit_code`
/// after writing `out` to stdout (help, version) and `err` to stderr.
using ParseOutcome = io::ParseOutcome<Options>;

/// Parses argv (everything after "--exec" is the command, untouched by
/// CLI11), reads --config or the per-user defaults file, validates.
ParseOutcome parse_options(int argc, char** argv);

/// The per-user defaults file: $XDG_CONFIG_HOME/vm-events/vm-sub.conf, or
/// ~/.config/vm-events/vm-sub.conf; empty when neither variable is set.
std::string user_config_path();

}  // namespace vme::sub
