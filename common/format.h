// Text renderings of messages for vm-sub (pure: each returns a string; the time
// "now" is a parameter, never read here).
#pragma once

#include <ctime>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "message.h"
#include "result.h"

namespace vme {

/// Compact JSON text made safe for a terminal without changing its value:
/// every C1 control (U+0080..U+009F) and bidi control (the set sanitize()
/// escapes) is rewritten as its "\uXXXX" JSON escape. JSON text only ever
/// holds such characters inside strings, so the result decodes to the same
/// value. Other bytes (and control characters, which valid JSON already
/// escapes) are copied unchanged.
std::string json_for_terminal(std::string_view json);

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

/// A compiled "{field}" template. Fields: time (as published, UTC),
/// localtime, host, domain, uuid, id, kind, event, detail, text, seq, boot,
/// uri, synthetic, event_code, detail_code, json (the whole compact object),
/// and fields.NAME for a kind-specific field. "{{" and "}}" are literal braces;
/// "\n", "\t" and "\\" are escapes. Values are sanitized (see sanitize())
/// except {json}, which is valid JSON with control characters already escaped
/// (encode_event, then json_for_terminal for C1 and bidi controls).
/// {localtime} is local_time_ms(time). {id}, {event_code} and {detail_code}
/// render empty when absent (-1); {synthetic} renders "true" or "false".
/// {fields.NAME} renders a string field sanitized, any other JSON value as
/// compact JSON (non-ASCII escaped as \uXXXX, so it stays terminal-safe), and
/// a missing field as nothing. Any other backslash is kept as it is.
class Template {
public:
    /// Error naming the first unknown field or unbalanced brace:
    /// `unknown field "{foo}" in template (known: time, localtime, ...)`,
    /// `unbalanced "{" in template`, `unbalanced "}" in template`.
    static Result<Template> compile(std::string_view text);

    /// The rendered line (no newline is added). Never throws.
    std::string render(const Event& event) const;

    /// The field names a template may use, in documentation order
    /// ("fields.NAME" stands for every kind-specific field).
    static std::span<const std::string_view> field_names();

private:
    struct Piece {
        bool is_field = false;
        std::string text;   ///< literal text, or the field name
    };
    std::vector<Piece> pieces_;
};

/// The line of the classic libvirt-to-MQTT sample, byte for byte:
/// "YYYY/M/D h:m:s event(N) occurred in the domain = < NAME >.\n"
/// (local time, no zero padding), as that sample formatted it. The name is
/// copied raw: this is a wire format, sanitizing happens where it is shown.
std::string seed_text_line(const std::tm& local_time, int event_code, std::string_view name);

}  // namespace vme
