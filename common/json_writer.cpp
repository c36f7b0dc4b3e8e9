#include "json_writer.h"

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
    out += nlohmann::ordered_json(std::string(text))
               .dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
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
