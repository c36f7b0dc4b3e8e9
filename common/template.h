// The "{field}" template engine of vm-sub -F: compile once, render each event.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "message.h"
#include "result.h"

namespace vme {

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

}  // namespace vme
