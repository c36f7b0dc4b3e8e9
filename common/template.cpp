// The "{field}" template engine of vm-sub -F: compile once, render each event.
#include "template.h"

#include <algorithm>
#include <array>
#include <optional>
#include <utility>

#include "event_fields.h"
#include "sanitize.h"
#include "terminal_json.h"
#include "time.h"

namespace vme {

namespace {

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

}  // namespace vme
