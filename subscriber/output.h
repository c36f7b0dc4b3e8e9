// Where vm-sub's lines go: whole lines on stdout through io::LineWriter
// (never half a line, and never held while vm-sub waits), and the
// renderers of the three output modes. Diagnostics: io/diagnostics.h.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/format.h"
#include "common/message.h"
#include "common/result.h"
#include "common/template.h"
#include "io/diagnostics.h"
#include "subscriber/options.h"

namespace vme::sub {

using io::Diagnostics;
using io::LineWriter;

/// What changed in a host's status.
enum class StatusChange {
    Host,     ///< the host went online or offline
    Libvirt,  ///< the host stayed online; its libvirt became unreachable or is back
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
    /// only events): online/offline, or libvirt unreachable/back. False
    /// when stdout is gone.
    bool status(const HostStatus& status, StatusChange change);

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
