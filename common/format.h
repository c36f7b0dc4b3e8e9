// Text renderings of messages for vm-sub (pure: each returns a string).
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "message.h"
#include "result.h"

namespace vme {

/// "2026-11-26T02:21:24.457Z" -> the same instant as local time with
/// milliseconds, "2026-11-26 03:21:24.457" (local zone from TZ). An
/// unparsable input is returned sanitized, unchanged otherwise.
std::string local_time_ms(std::string_view iso_utc);

/// The current time as "YYYY-MM-DDThh:mm:ss.mmmZ" (UTC).
std::string utc_now_iso();

/// Formats a UTC time point given in milliseconds since the epoch as ISO 8601 "...Z".
std::string iso_utc_from_ms(long long ms_since_epoch);

/// Options for the human format.
struct HumanStyle {
    bool color = false;   ///< ANSI SGR colours per event class
};

/// Renders events and host status changes as aligned lines for people:
///   "<local time ms>  <host>  <vm>  <kind>  <text>"
/// Column widths grow to the widest value seen so far (capped at 32 columns,
/// longer values are cut with '…'), so a stream stays aligned. Every
/// untrusted string goes through sanitize(). No trailing newline.
class HumanFormatter {
public:
    explicit HumanFormatter(HumanStyle style) : style_(style) {}

    /// One line for an event. Synthetic events are marked "(synthetic)".
    std::string event_line(const Event& event);

    /// One line for a host status change: "... <host>  host online (vm-pub 0.1.0)".
    std::string status_line(const HostStatus& status);

    /// One line for a payload that is not vm-events/1 (raw, sanitized):
    /// "<local now>  <topic>  <payload>".
    std::string raw_line(std::string_view topic, std::string_view payload);

private:
    std::string pad(std::string_view value, std::size_t& width);
    HumanStyle style_;
    std::size_t host_width_ = 0;
    std::size_t vm_width_ = 0;
    std::size_t kind_width_ = 0;
};

/// A compiled "{field}" template. Fields: time (as published, UTC),
/// localtime, host, domain, uuid, id, kind, event, detail, text, seq, boot,
/// uri, synthetic, event_code, detail_code, json (the whole compact object),
/// and fields.NAME for a kind-specific field. "{{" and "}}" are literal braces;
/// "\n", "\t" and "\\" are escapes. Values are sanitized (see sanitize())
/// except {json}, which is valid JSON with control characters already escaped.
class Template {
public:
    /// Error naming the first unknown field or unbalanced brace.
    static Result<Template> compile(std::string_view text);

    /// The rendered line (no newline is added).
    std::string render(const Event& event) const;

private:
    struct Piece {
        bool is_field = false;
        std::string text;   ///< literal text, or the field name
    };
    std::vector<Piece> pieces_;
};

/// The line of the classic libvirt-to-MQTT sample, byte for byte:
/// "YYYY/M/D h:m:s event(N) occurred in the domain = < NAME >.\n"
/// (local time, no zero padding), as that sample formatted it.
std::string seed_text_line(const std::tm& local_time, int event_code, std::string_view name);

}  // namespace vme
