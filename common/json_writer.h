// A compact JSON object written straight into a string, for the payloads
// sent or printed once per event: building an nlohmann document only to
// serialise it costs about ten times as much (callgrind: ~40,000
// instructions per event). The output is byte for byte what nlohmann's
// dump(-1, ' ', false, error_handler_t::replace) writes for the same
// object, which the unit tests check.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace vme {

/// Appends `text` as a JSON string literal, exactly as nlohmann's
/// serializer writes it (ensure_ascii off): printable ASCII and valid UTF-8
/// as they are, quotes, backslashes and control characters escaped; text
/// with invalid UTF-8 goes through nlohmann itself, which replaces it by
/// U+FFFD.
void append_json_string(std::string& out, std::string_view text);

/// Writes one JSON object, member after member, in call order.
/// Keys are escaped like values; callers must not repeat a key.
class JsonObjectWriter {
public:
    /// Room for a whole event is reserved at once (an event is 250-400
    /// bytes): growing the string step by step cost five reallocations.
    JsonObjectWriter() {
        out_.reserve(kInitialCapacity);
        out_ += '{';
    }

    /// "key":"value".
    void text(std::string_view key, std::string_view value);
    /// "key":"value", only when value is not empty.
    void text_if_set(std::string_view key, std::string_view value) {
        if (!value.empty()) text(key, value);
    }
    /// "key":N.
    void number(std::string_view key, std::int64_t value);
    /// "key":N for an unsigned N.
    void unsigned_number(std::string_view key, std::uint64_t value);
    /// "key":true|false.
    void flag(std::string_view key, bool value);
    /// "key":null.
    void null(std::string_view key);
    /// "key":<json>, where `json` is already valid compact JSON text.
    void raw(std::string_view key, std::string_view json);
    /// "key":<value> serialised by nlohmann (for fields we only pass on).
    void value(std::string_view key, const nlohmann::ordered_json& value);

    /// The finished object ("{...}"); the writer is spent afterwards.
    std::string finish() &&;

private:
    static constexpr std::size_t kInitialCapacity = 448;

    /// Writes the separator and "key":.
    void open(std::string_view key);

    std::string out_;
};

}  // namespace vme
