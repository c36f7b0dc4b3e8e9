// Where vm-sub's lines go: whole lines on stdout (one write each, so a pipe
// sees every line at once and at once), rate-limited diagnostics on stderr,
// and the renderers of the three output modes.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/format.h"
#include "common/message.h"
#include "common/result.h"
#include "subscriber/options.h"

namespace vme::sub {

/// Writes whole lines to a file descriptor with one write(2) each (no stdio
/// buffer, so every line is "flushed" also when stdout is a pipe).
class LineWriter {
public:
    explicit LineWriter(int fd) : fd_(fd) {}

    /// Writes `line` and a newline. False once the reader is gone (EPIPE)
    /// or the descriptor failed; later calls then do nothing.
    bool write_line(std::string_view line);

    /// True after a failed write.
    bool broken() const { return broken_; }

private:
    int fd_;
    bool broken_ = false;
};

/// "vm-sub: ..." lines on stderr. Warnings about what the broker sent are
/// rate-limited, because a hostile or broken publisher can send thousands.
class Diagnostics {
public:
    explicit Diagnostics(int verbosity) : verbosity_(verbosity) {}

    /// An error or notice the user must see (never rate-limited).
    void say(std::string_view text);

    /// A warning about one message: at most kBurst per kWindow, then one
    /// line counting what was suppressed. `text` must already be sanitized.
    void warn(std::string_view text);

    /// A progress line, only with -v.
    void verbose(std::string_view text);

private:
    static constexpr int kBurst = 20;
    static constexpr std::chrono::seconds kWindow{10};
    LineWriter err_{2};
    int verbosity_;
    std::chrono::steady_clock::time_point window_start_{};
    int in_window_ = 0;
    long suppressed_ = 0;
};

/// Renders events for stdout in the chosen mode and writes them.
class EventPrinter {
public:
    /// Compiles the template (error: the template's problem, a usage error)
    /// and decides colour from --color, isatty(stdout) and NO_COLOR.
    static Result<EventPrinter> create(const Options& options);

    /// Prints one event. False when stdout is gone.
    bool event(const Event& event);

    /// Prints a host status change (human mode only; other modes print
    /// only events). False when stdout is gone.
    bool status(const HostStatus& status);

    /// Prints a payload that is not vm-events/1, sanitized and cut to a
    /// sane length (human mode only). False when stdout is gone.
    bool raw(std::string_view topic, std::string_view payload);

    /// True when raw() and status() print anything (human mode).
    bool is_human() const { return mode_ == OutputMode::Human; }

    /// The writer, for other stdout output (the --list table).
    LineWriter& out() { return out_; }

private:
    EventPrinter(OutputMode mode, HumanStyle style, std::optional<Template> tmpl)
        : mode_(mode), human_(style), template_(std::move(tmpl)) {}
    OutputMode mode_;
    HumanFormatter human_;
    std::optional<Template> template_;
    LineWriter out_{1};
};

/// True when human output on stdout should be coloured.
bool use_color(ColorMode mode);

/// At most `max_bytes` of `text`, with a note of the full size when cut
/// (the result is still untrusted: sanitize before printing).
std::string clip(std::string_view text, std::size_t max_bytes);

}  // namespace vme::sub
