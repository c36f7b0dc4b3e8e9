// What both tools write: whole lines to a descriptor (LineWriter), and the
// "<tool>: ..." lines on stderr with rate-limited warnings (Diagnostics),
// plus the count of exceptions caught where C code calls us
// (CallbackErrors), which is never silent.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace vme::io {

/// Writes whole lines to a file descriptor, never through stdio's buffer.
/// Direct (the default): one write(2) a line. Batched: lines collect until
/// flush() or kBatchBytes, and the owner flushes whenever it is about to
/// wait for input, so a line is never held while the tool sits idle but a
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

/// "<tool>: ..." lines on stderr (one thread: the event loop's). Warnings
/// are rate-limited, because a hostile or broken peer can cause thousands.
class Diagnostics {
public:
    /// `tool` prefixes every line; -v counts in `verbosity`.
    Diagnostics(std::string tool, int verbosity, int fd = 2)
        : tool_(std::move(tool)), verbosity_(verbosity), err_(fd) {}

    /// An error or notice the user must see (never rate-limited).
    void say(std::string_view text);

    /// A warning: at most kBurst per kWindow, then one line counting what
    /// was suppressed. `text` must already be sanitized.
    void warn(std::string_view text);

    /// A progress line, only with -v.
    void verbose(std::string_view text);

    /// True with -v.
    bool is_verbose() const { return verbosity_ > 0; }

    /// The tool name lines start with.
    const std::string& tool() const { return tool_; }

private:
    static constexpr int kBurst = 20;
    static constexpr std::chrono::seconds kWindow{10};
    std::string tool_;
    int verbosity_;
    LineWriter err_;
    std::chrono::steady_clock::time_point window_start_{};
    int in_window_ = 0;
    long suppressed_ = 0;
};

/// Exceptions caught at the C boundary (a libvirt or libmosquitto callback
/// must let none escape). Each is counted, and logged on stderr once per
/// kind per kWindow with the count so far: never swallowed silently.
/// Thread-safe (libvirt's callbacks run on their own thread); each line is
/// one write(2).
class CallbackErrors {
public:
    explicit CallbackErrors(std::string tool, int fd = 2) : tool_(std::move(tool)), fd_(fd) {}

    /// Counts one exception from the callback `kind` ("libvirt lifecycle",
    /// "mqtt message", ...); `what` is its message (may be empty).
    void record(std::string_view kind, std::string_view what) noexcept;

    /// Exceptions counted so far (all kinds).
    std::uint64_t total() const { return total_.load(std::memory_order_relaxed); }

private:
    static constexpr std::chrono::seconds kWindow{10};
    struct Kind {
        std::uint64_t count = 0;
        std::chrono::steady_clock::time_point last_logged{};
        bool logged = false;
    };
    std::string tool_;
    int fd_;
    std::atomic<std::uint64_t> total_{0};
    std::mutex mutex_;
    std::map<std::string, Kind, std::less<>> kinds_;
};

/// Runs `fn` inside a C callback: any exception is recorded in `errors`
/// under `kind` instead of escaping into C.
template <typename Fn>
void guard_callback(CallbackErrors& errors, std::string_view kind, Fn&& fn) noexcept {
    try {
        fn();
    } catch (const std::exception& e) {
        errors.record(kind, e.what());
    } catch (...) {
        errors.record(kind, "unknown exception");
    }
}

}  // namespace vme::io
