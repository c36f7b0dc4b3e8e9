// Text renderings of messages for vm-sub: terminal-safe JSON, the aligned human lines,
// "{field}" templates, and the classic sample's text line.
#include "format.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <utility>

#include "event_fields.h"
#include "sanitize.h"
#include "text_width.h"
#include "time.h"

namespace vme {

namespace {

// ---- terminal-safe JSON ------------------------------------------------

/// A C1 or bidi control (the ones a terminal may act on) found at a byte
/// offset, with the length of its UTF-8 form; cp 0 when there is none.
struct FoundControl {
    char32_t cp = 0;
    std::size_t length = 0;
};

/// The C1 or bidi control whose UTF-8 form starts at byte `i` of `s`.
/// Matching bytes rather than decoding keeps this right for invalid UTF-8
/// too: the lead bytes C2, D8 and E2 are never continuation bytes.
FoundControl control_at(std::string_view s, std::size_t i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    const std::size_t left = s.size() - i;
    if (left >= 2 && b(0) == 0xC2 && b(1) >= 0x80 && b(1) <= 0x9F) return {char32_t(b(1)), 2};
    if (left >= 2 && b(0) == 0xD8 && b(1) == 0x9C) return {0x061C, 2};
    if (left < 3 || b(0) != 0xE2 || b(1) < 0x80 || b(1) > 0xBF || b(2) < 0x80 || b(2) > 0xBF) return {};
    const char32_t cp = 0x2000 + ((b(1) - 0x80u) << 6) + (b(2) - 0x80u);
    const bool bidi = cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
                      (cp >= 0x2066 && cp <= 0x2069);
    return bidi ? FoundControl{cp, 3} : FoundControl{};
}

// ---- columns and colours -----------------------------------------------


constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kDim = "2";
constexpr std::string_view kBold = "1";
constexpr std::string_view kRed = "31";
constexpr std::string_view kBoldRed = "1;31";
constexpr std::string_view kGreen = "32";
constexpr std::string_view kYellow = "33";
constexpr std::string_view kBlue = "34";
constexpr std::string_view kCyan = "36";

/// The SGR colour of a lifecycle event token.
std::string_view lifecycle_color(std::string_view event) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kColors = {{
        {"started", kGreen},      {"resumed", kGreen},      {"stopped", kRed},
        {"shutdown", kRed},       {"undefined", kRed},      {"crashed", kBoldRed},
        {"suspended", kYellow},   {"pmsuspended", kYellow}, {"defined", kCyan},
    }};
    for (const auto& [token, color] : kColors)
        if (token == event) return color;
    return kDim;
}

/// The SGR colour of an event: by lifecycle token, blue for other kinds.
std::string_view event_color(const Event& event) {
    if (event.kind != "lifecycle") return kBlue;
    return lifecycle_color(event.event);
}

/// Lower-case ASCII copy of `s` with '-' and '_' as spaces, so the detail
/// token "change-missing-on-start" is found in "Change missing on start".
std::string folded(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c == '-' || c == '_') c = ' ';
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

/// The text column of an event (raw; sanitized by the caller): the virsh
/// text, plus the detail token when it tells something the text does not.
std::string event_text(const Event& event) {
    std::string text = event.text.empty() ? event.event : event.text;
    const bool adds = !event.detail.empty() && event.kind != "lifecycle" &&
                      folded(text).find(folded(event.detail)) == std::string::npos;
    if (adds) text += text.empty() ? event.detail : " (" + event.detail + ")";
    return text;
}

/// The raw-line payload without the classic sample's "\n\0" tail.
std::string_view strip_tail(std::string_view payload) {
    if (!payload.empty() && payload.back() == '\0') payload.remove_suffix(1);
    if (!payload.empty() && payload.back() == '\n') payload.remove_suffix(1);
    return payload;
}

/// The "(vm-pub 0.1.0, 3 dropped)" part of a status line (raw), or "".
std::string status_note(const HostStatus& status) {
    std::string note = status.version.empty() ? "" : "vm-pub " + status.version;
    if (status.dropped > 0)
        note += (note.empty() ? "" : ", ") + std::to_string(status.dropped) + " dropped";
    if (status.online && status.libvirt == "unreachable")
        note += (note.empty() ? "" : ", ") + std::string("libvirt unreachable") +
                (status.libvirt_error.empty() ? "" : ": " + status.libvirt_error);
    return note.empty() ? note : "(" + note + ")";
}

// ---- templates ---------------------------------------------------------

/// A field value as text; the result is already terminal-safe.
using Getter = std::string (*)(const Event&);

/// Decimal text of a code, or "" for an absent (-1) one.
std::string optional_number(int value) {
    return value == -1 ? std::string() : std::to_string(value);
}

/// A key of the wire tables as a template shows it: a string sanitized,
/// a number in decimal (an absent code or id as ""), a flag as true/false.
template <typename S>
std::string shown_value(const S& s, const wire::Field<S>& row) {
    using wire::Type;
    const auto& m = row.member;
    switch (row.type) {
    case Type::kText: return sanitize(s.*m.text);
    case Type::kUnsigned: return std::to_string(s.*m.count);
    case Type::kCode:
    case Type::kDomainId: return optional_number(s.*m.number);
    case Type::kFlag: return s.*m.flag ? "true" : "false";
    case Type::kSchema:
    case Type::kDomain: break;  // not template fields (see well_formed)
    }
    return {};
}

/// A field of templates only (no key of its own on the wire).
struct TemplateOnlyField {
    std::string_view name;
    int rank;    ///< place in field_names(), shared with wire::Shown::rank
    Getter get;  ///< nullptr for "fields.NAME" (see kind_field)
};

constexpr std::string_view kFieldsPrefix = "fields.";

constexpr std::array<TemplateOnlyField, 3> kTemplateOnly = {{
    {"localtime", 1, [](const Event& e) { return local_time_ms(e.time); }},
    {"json", 16, [](const Event& e) { return json_for_terminal(encode_event(e)); }},
    {"fields.NAME", 17, nullptr},
}};

/// How many rows of `table` are template fields.
template <typename S, std::size_t N>
constexpr std::size_t shown_count(const std::array<wire::Field<S>, N>& table) {
    return static_cast<std::size_t>(
        std::count_if(table.begin(), table.end(), [](const auto& row) { return !row.shown.name.empty(); }));
}

/// Puts the template names of `table` at their ranks in `names`.
template <typename S, std::size_t N, std::size_t M>
constexpr void place_names(const std::array<wire::Field<S>, N>& table, std::array<std::string_view, M>& names) {
    for (const auto& row : table)
        if (!row.shown.name.empty()) names.at(static_cast<std::size_t>(row.shown.rank)) = row.shown.name;
}

/// Every template field name in documentation order: the shown keys of
/// the wire tables and the template-only fields, each at its rank.
constexpr auto kFieldNames = [] {
    std::array<std::string_view, shown_count(wire::kEventFields) + shown_count(wire::kDomainFields) +
                                     kTemplateOnly.size()>
        names{};
    place_names(wire::kEventFields, names);
    place_names(wire::kDomainFields, names);
    for (const auto& field : kTemplateOnly) names.at(static_cast<std::size_t>(field.rank)) = field.name;
    return names;
}();
static_assert(std::none_of(kFieldNames.begin(), kFieldNames.end(), [](std::string_view n) { return n.empty(); }),
              "template ranks are 0..N-1, each used once");

/// The row of `table` shown in templates as `name`, or nullptr.
template <typename S, std::size_t N>
const wire::Field<S>* shown_row(const std::array<wire::Field<S>, N>& table, std::string_view name) {
    for (const auto& row : table)
        if (!row.shown.name.empty() && row.shown.name == name) return &row;
    return nullptr;
}

/// The getter of a template-only field, or nullptr.
Getter find_getter(std::string_view name) {
    for (const auto& field : kTemplateOnly)
        if (field.name == name) return field.get;
    return nullptr;
}

/// True when `name` may appear between braces in a template.
bool known_field(std::string_view name) {
    if (name.starts_with(kFieldsPrefix)) return name.size() > kFieldsPrefix.size();
    return shown_row(wire::kEventFields, name) != nullptr || shown_row(wire::kDomainFields, name) != nullptr ||
           find_getter(name) != nullptr;
}

/// A kind-specific field: a string sanitized, any other value as compact
/// JSON with non-ASCII escaped (so no bidi or C1 character reaches a
/// terminal), a missing one as "".
std::string kind_field(const Event& event, std::string_view name) {
    if (!event.fields.is_object()) return {};
    const auto it = event.fields.find(std::string(name));
    if (it == event.fields.end()) return {};
    if (it->is_string()) return sanitize(it->get_ref<const std::string&>());
    return it->dump(-1, ' ', true, nlohmann::ordered_json::error_handler_t::replace);
}

/// The rendered value of a field known_field() accepted.
std::string field_value(const Event& event, std::string_view name) {
    if (name.starts_with(kFieldsPrefix)) return kind_field(event, name.substr(kFieldsPrefix.size()));
    if (const auto* row = shown_row(wire::kEventFields, name)) return shown_value(event, *row);
    if (const auto* row = shown_row(wire::kDomainFields, name)) return shown_value(event.domain, *row);
    const Getter get = find_getter(name);
    return get ? get(event) : std::string();
}

/// The error for a field name that is not known.
Error unknown_field(std::string_view name) {
    std::string known;
    for (const auto n : kFieldNames) known += (known.empty() ? "" : ", ") + std::string(n);
    return Error{"unknown field \"{" + sanitize(name) + "}\" in template (known: " + known + ")"};
}

/// One parsed piece of a template, before it becomes a Template::Piece.
struct Token {
    bool is_field = false;
    std::string text;
};

/// The character a backslash escape stands for, or 0 when `c` starts none.
char escaped(char c) {
    switch (c) {
        case 'n': return '\n';
        case 't': return '\t';
        case '\\': return '\\';
        default: return 0;
    }
}

/// Splits a template into literal and field tokens, resolving "{{", "}}"
/// and the backslash escapes; errors name the first problem.
class Tokenizer {
public:
    explicit Tokenizer(std::string_view text) : text_(text) {}

    /// The tokens, or the first error.
    Result<std::vector<Token>> run() {
        while (i_ < text_.size()) {
            if (auto error = step()) return std::move(*error);
        }
        flush();
        return std::move(tokens_);
    }

private:
    /// Consumes one construct at i_; an error stops the run.
    std::optional<Error> step() {
        const char c = text_[i_];
        if (c == '{' && next() == '{') return literal('{', 2);
        if (c == '}' && next() == '}') return literal('}', 2);
        if (c == '{') return field();
        if (c == '}') return Error{"unbalanced \"}\" in template"};
        if (c == '\\' && escaped(next()) != 0) return literal(escaped(next()), 2);
        return literal(c, 1);
    }

    /// The byte after i_, or NUL at the end.
    char next() const { return i_ + 1 < text_.size() ? text_[i_ + 1] : '\0'; }

    /// Adds `c` to the pending literal and skips the `consumed` bytes it came from.
    std::optional<Error> literal(char c, std::size_t consumed) {
        literal_ += c;
        i_ += consumed;
        return std::nullopt;
    }

    /// A "{name}" at i_: its name must be known and it must close before
    /// any other '{'.
    std::optional<Error> field() {
        const std::size_t close = text_.find_first_of("{}", i_ + 1);
        if (close == std::string_view::npos || text_[close] == '{')
            return Error{"unbalanced \"{\" in template"};
        const std::string_view name = text_.substr(i_ + 1, close - i_ - 1);
        if (!known_field(name)) return unknown_field(name);
        flush();
        tokens_.push_back(Token{true, std::string(name)});
        i_ = close + 1;
        return std::nullopt;
    }

    /// Ends the pending literal (if any) as a token.
    void flush() {
        if (!literal_.empty()) tokens_.push_back(Token{false, std::move(literal_)});
        literal_.clear();
    }

    std::string_view text_;
    std::size_t i_ = 0;
    std::string literal_;
    std::vector<Token> tokens_;
};

}  // namespace

std::string json_for_terminal(std::string_view json) {
    if (is_ascii(json)) return std::string(json);  // the common case, and nothing to escape
    std::string out;
    out.reserve(json.size());
    for (std::size_t i = 0; i < json.size();) {
        const FoundControl found = control_at(json, i);
        if (found.cp == 0) {
            out += json[i++];
            continue;
        }
        char escape[8];
        std::snprintf(escape, sizeof escape, "\\u%04x", static_cast<unsigned>(found.cp));
        out += escape;
        i += found.length;
    }
    return out;
}

// ---- HumanFormatter ----------------------------------------------------

std::string HumanFormatter::pad(std::string_view value, std::size_t& width) {
    std::string out = fit_width(value, kMaxColumnWidth);
    const std::size_t w = display_width(out);
    width = std::max(width, w);
    out.append(width - w, ' ');
    return out;
}

std::string HumanFormatter::paint(std::string_view sgr, std::string_view text) const {
    std::string out;
    append_painted(out, sgr, text);
    return out;
}

void HumanFormatter::append_painted(std::string& line, std::string_view sgr, std::string_view text) const {
    if (!style_.color) {
        line += text;
        return;
    }
    line.append("\x1b[").append(sgr).append("m").append(text).append(kReset);
}

std::string HumanFormatter::local_time(std::string_view iso_utc) {
    constexpr std::size_t kSecond = 19;  // "YYYY-MM-DDThh:mm:ss"
    std::optional<int> ms;
    if (!utc_second_.empty() && iso_utc.substr(0, kSecond) == utc_second_ &&
        (ms = ms_from_fraction_and_zone(iso_utc.substr(kSecond)))) {
        // The same second as local_time_ms() rendered last time, so the
        // same text but for the milliseconds.
        const char tail[] = {'.', char('0' + *ms / 100), char('0' + *ms / 10 % 10), char('0' + *ms % 10)};
        return std::string(local_second_).append(tail, sizeof tail);
    }
    std::string shown = local_time_ms(iso_utc);
    if (ms_from_iso_utc(iso_utc) && shown.size() > sizeof ".mmm" - 1) {
        utc_second_ = iso_utc.substr(0, kSecond);
        local_second_ = shown.substr(0, shown.size() - (sizeof ".mmm" - 1));
    }
    return shown;
}

std::string HumanFormatter::finish(std::string line) const {
    if (style_.color && !line.ends_with(kReset)) line += kReset;
    return line;
}

std::string HumanFormatter::event_line(const Event& event) {
    const std::string_view color = event_color(event);
    std::string line;
    line.reserve(160);
    append_painted(line, kDim, local_time(event.time));
    line += "  ";
    line += pad(sanitize(event.host), host_width_);
    line += "  ";
    append_painted(line, kBold, pad(sanitize(event.domain.name), vm_width_));
    line += "  ";
    append_painted(line, color, pad(sanitize(event.kind), kind_width_));
    line += "  ";
    append_painted(line, color, sanitize(event_text(event)));
    if (event.synthetic) {
        line += "  ";
        append_painted(line, kDim, "(synthetic)");
    }
    return finish(std::move(line));
}

std::string HumanFormatter::status_line(const HostStatus& status, long long now_ms) {
    const std::string time = status.time.empty() ? local_time_from_ms(now_ms) : local_time_ms(status.time);
    std::string line = paint(kDim, time) + "  " + pad(sanitize(status.host), host_width_) +
                       "  " +
                       paint(status.online ? kGreen : kRed,
                             status.online ? "host online" : "host offline");
    const std::string note = status_note(status);
    if (!note.empty()) line += "  " + paint(kDim, sanitize(note));
    return finish(std::move(line));
}

std::string HumanFormatter::libvirt_line(const HostStatus& status, long long now_ms) {
    const std::string time = status.time.empty() ? local_time_from_ms(now_ms) : local_time_ms(status.time);
    const bool up = status.libvirt == "connected";
    std::string line = paint(kDim, time) + "  " + pad(sanitize(status.host), host_width_) + "  " +
                       paint(up ? kGreen : kRed, up ? "libvirt connected" : "libvirt unreachable");
    if (!up && !status.libvirt_error.empty()) line += "  " + paint(kDim, "(" + sanitize(status.libvirt_error) + ")");
    return finish(std::move(line));
}

std::string HumanFormatter::raw_line(std::string_view topic, std::string_view payload, long long now_ms) {
    return finish(paint(kDim, local_time_from_ms(now_ms)) + "  " + paint(kBlue, sanitize(topic)) + "  " +
                  sanitize(strip_tail(payload)));
}

// ---- Template ----------------------------------------------------------

Result<Template> Template::compile(std::string_view text) {
    auto tokens = Tokenizer(text).run();
    if (!tokens) return tokens.error();
    Template out;
    for (auto& token : *tokens) out.pieces_.push_back(Piece{token.is_field, std::move(token.text)});
    return out;
}

std::string Template::render(const Event& event) const {
    std::string out;
    for (const auto& piece : pieces_) out += piece.is_field ? field_value(event, piece.text) : piece.text;
    return out;
}

std::span<const std::string_view> Template::field_names() {
    return kFieldNames;
}

// ---- the classic sample's line ------------------------------------------

std::string seed_text_line(const std::tm& local_time, int event_code, std::string_view name) {
    // The sample used snprintf with "%s"; the name is appended separately so
    // a name longer than any buffer is still copied whole.
    char head[160];  // 7 ints of at most 11 characters and 44 fixed ones
    const int n = std::snprintf(head, sizeof head, "%d/%d/%d %d:%d:%d event(%d) occurred in the domain = < ",
                                local_time.tm_year + 1900, local_time.tm_mon + 1, local_time.tm_mday,
                                local_time.tm_hour, local_time.tm_min, local_time.tm_sec, event_code);
    const auto length = std::clamp<int>(n, 0, static_cast<int>(sizeof head) - 1);
    std::string line(head, static_cast<std::size_t>(length));
    return line + std::string(name) + " >.\n";
}

}  // namespace vme
