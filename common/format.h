// The human format of vm-sub: aligned, optionally coloured lines for people
// (pure: each returns a string; the time "now" is a parameter, never read here).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "message.h"

namespace vme {

/// Widest a human column grows, in display columns; longer values end in '…'.
inline constexpr std::size_t kMaxColumnWidth = 32;

/// Options for the human format.
struct HumanStyle {
    bool color = false;   ///< ANSI SGR colours per event class
};

/// Renders events and host status changes as aligned lines for people:
///   "<local time ms>  <host>  <vm>  <kind>  <text>"
/// Column widths grow to the widest value seen so far (capped at 32 columns,
/// longer values are cut with '…'), so a stream stays aligned. Every
/// untrusted string goes through sanitize(). No trailing newline.
/// With colour on, each coloured part is an SGR sequence closed by "\x1b[0m"
/// and every line ends with "\x1b[0m"; with colour off no ESC byte is written.
/// Colours: started/resumed green, stopped/shutdown/undefined red, crashed
/// bold red, suspended/pmsuspended yellow, defined cyan, other lifecycle
/// tokens dim, other kinds blue; host online green, offline red.
class HumanFormatter {
public:
    explicit HumanFormatter(HumanStyle style) : style_(style) {}

    /// One line for an event. Synthetic events are marked "(synthetic)".
    /// The text column is the event's `text` (its `event` token when the text
    /// is empty); for kinds other than lifecycle (whose virsh text already
    /// names the detail) " (<detail>)" is added when the text does not
    /// already contain the detail token.
    std::string event_line(const Event& event);

    /// One line for a host status change:
    /// "<local time ms>  <host>  host online  (vm-pub 0.1.0)" or "... host offline".
    /// The version part is left out when empty; ", N dropped" is added inside
    /// the parentheses when the publisher dropped events. An empty time (a
    /// last will) is shown as `now_ms` (milliseconds since the epoch).
    std::string status_line(const HostStatus& status, long long now_ms);
    /// "<time>  <host>  libvirt unreachable  (<why>)" or "... libvirt connected":
    /// the libvirt side of an online host changed. An empty time is shown
    /// as `now_ms`.
    std::string libvirt_line(const HostStatus& status, long long now_ms);

    /// One line for a payload that is not vm-events/1 (raw, sanitized):
    /// "<local time of now_ms>  <topic>  <payload>". One trailing NUL and
    /// then one trailing newline are dropped first (the classic sample's
    /// text payload ends with "\n\0").
    std::string raw_line(std::string_view topic, std::string_view payload, long long now_ms);

private:
    /// `value` (sanitized) cut to kMaxColumnWidth, then padded with spaces to
    /// `width`, which first grows to the value's display width.
    std::string pad(std::string_view value, std::size_t& width);
    /// `text` wrapped in the SGR `sgr` and a reset, or `text` with colour off.
    std::string paint(std::string_view sgr, std::string_view text) const;
    /// Appends paint(sgr, text) to `line`.
    void append_painted(std::string& line, std::string_view sgr, std::string_view text) const;
    /// local_time_ms(iso_utc), reusing the local rendering of the last
    /// whole second shown (the events of a burst share their second).
    std::string local_time(std::string_view iso_utc);
    /// `line` ending in a reset when colour is on.
    std::string finish(std::string line) const;
    HumanStyle style_;
    std::size_t host_width_ = 0;
    std::size_t vm_width_ = 0;
    std::size_t kind_width_ = 0;
    std::string utc_second_;    ///< "YYYY-MM-DDThh:mm:ss" of the last valid time shown
    std::string local_second_;  ///< its local rendering, "YYYY-MM-DD hh:mm:ss"
};

}  // namespace vme
