// Where vm-sub's lines go: whole lines on stdout (never half a line, and
// never held while vm-sub waits), rate-limited diagnostics on stderr,
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

/// Writes whole lines to a file descriptor, never through stdio's buffer.
/// Direct (the default): one write(2) a line. Batched: lines collect until
/// flush() or kBatchBytes, and the owner flushes whenever it is about to
/// wait for input, so a line is never held while vm-sub sits idle but a
/// burst costs a few large writes instead of one per line.
class LineWriter {
public:
    explicit LineWriter(int fd) : fd_(fd) {}

    /// Collect lines for flush() instead of writing each at once.
    void set_batched(bool batched) { batched_ = batched; }

    /// Writes (or, batched, queues) `line` and a newline. False once the
    /// reader is gone (EPIPE) or the descriptor failed; later calls then
    /// do nothing.
    bool write_line(std::string_view line);

    /// Writes everything queued. False when the reader is gone.
    bool flush();

    /// True after a failed write.
    bool broken() const { return broken_; }

private:
    /// Most bytes a batch collects before it is written anyway.
    static constexpr std::size_t kBatchBytes = 64 * 1024;
    /// Writes all of `bytes` (continuing partial writes, retrying EINTR).
    bool write_all(std::string_view bytes);

    int fd_;
    bool batched_ = false;
    bool broken_ = false;
    std::string pending_;
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
    /// and decides colour from --color, isatty(out_fd) and NO_COLOR. Lines
    /// go to `out_fd` (vm-sub: stdout; tests: a pipe).
    static Result<EventPrinter> create(const Options& options, int out_fd = 1);

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
    EventPrinter(OutputMode mode, HumanStyle style, std::optional<Template> tmpl, int out_fd)
        : mode_(mode), human_(style), template_(std::move(tmpl)), out_(out_fd) {}
    OutputMode mode_;
    HumanFormatter human_;
    std::optional<Template> template_;
    LineWriter out_;
};

/// True when human output on `fd` (stdout) should be coloured.
bool use_color(ColorMode mode, int fd = 1);

/// At most `max_bytes` of `text`, with a note of the full size when cut
/// (the result is still untrusted: sanitize before printing).
std::string clip(std::string_view text, std::size_t max_bytes);

}  // namespace vme::sub
