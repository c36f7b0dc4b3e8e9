#include "json_writer.h"

#include "hex.h"
#include "sanitize.h"

#include <algorithm>
#include <array>

namespace vme {

namespace {

/// Printable ASCII that JSON takes unescaped (everything but '"' and '\'),
/// as a table: one load per byte instead of four comparisons.
constexpr std::array<bool, 256> kPlain = [] {
    std::array<bool, 256> plain{};
    for (int c = 0x20; c < 0x7f; ++c) plain[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
    return plain;
}();

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
    if (std::all_of(text.begin(), text.end(), [](char c) { return kPlain[static_cast<unsigned char>(c)]; })) {
        out += '"';
        out += text;
        out += '"';
        return;
    }
    // Escaped here, as nlohmann's serializer does (short escapes where JSON
    // has them, \u00xx for other controls, valid UTF-8 as it is): an event
    // payload quoted into the journal took most of its time in building and
    // dumping a JSON value. Invalid UTF-8 is left to nlohmann, whose
    // replacement (U+FFFD) stays the one rule.
    const std::size_t start = out.size();
    out.reserve(start + text.size() + 16);
    out += '"';
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (kPlain[c]) {
            std::size_t run = i + 1;
            while (run < text.size() && kPlain[static_cast<unsigned char>(text[run])]) ++run;
            out.append(text.substr(i, run - i));
            i = run;
            continue;
        }
        if (c >= 0x80) {
            const std::size_t length = decode_utf8(text, i).length;
            if (length == 0) {
                out.resize(start);
                out += nlohmann::ordered_json(std::string(text))
                           .dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
                return;
            }
            out.append(text.substr(i, length));
            i += length;
            continue;
        }
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case 0x7f: out += static_cast<char>(c); break;  // DEL: JSON takes it as it is
            default: {
                out += "\\u00";
                hex::append_byte(out, c);
            }
        }
        ++i;
    }
    out += '"';
}

void JsonObjectWriter::open(std::string_view key) {
    if (out_.size() > 1) out_ += ',';
    append_json_string(out_, key);
    out_ += ':';
}

void JsonObjectWriter::text(std::string_view key, std::string_view value) {
    open(key);
    append_json_string(out_, value);
}

void JsonObjectWriter::number(std::string_view key, std::int64_t value) {
    open(key);
    out_ += std::to_string(value);
}

void JsonObjectWriter::unsigned_number(std::string_view key, std::uint64_t value) {
    open(key);
    out_ += std::to_string(value);
}

void JsonObjectWriter::flag(std::string_view key, bool value) {
    open(key);
    out_ += value ? "true" : "false";
}

void JsonObjectWriter::null(std::string_view key) {
    open(key);
    out_ += "null";
}

void JsonObjectWriter::raw(std::string_view key, std::string_view json) {
    open(key);
    out_ += json;
}

void JsonObjectWriter::value(std::string_view key, const nlohmann::ordered_json& value) {
    open(key);
    out_ += value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string JsonObjectWriter::finish() && {
    out_ += '}';
    return std::move(out_);
}

}  // namespace vme
