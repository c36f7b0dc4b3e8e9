// Strict JSON parsing shared by the payload decoders: the size of a
// document checked on its raw text before anything is built, and a
// document builder for nlohmann's SAX parser that refuses a key repeated
// within one object.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "result.h"

namespace vme {

/// The pre-parse limits (kMaxJsonDepth, kMaxJsonObjectMembers), checked on
/// the raw text by counting brackets and ':' outside strings, so nlohmann
/// never builds (or destroys) a deep document nor an object with a huge
/// number of keys. Unbalanced closers are clamped at depth 0: the count
/// never underestimates. Error: which limit, in one line.
Status check_json_shape(std::string_view text);

/// Builds one JSON value from nlohmann's SAX events, like its own DOM
/// parser, and stops at the first key that repeats within one object: two
/// parsers disagreeing on which duplicate wins is a classic smuggling
/// trick. (nlohmann's callback parser can do the check too, but costs twice
/// as much: it materialises every key and value for the callback.)
/// The value is written to the `root` given; the builder may also be fed
/// the events of one value inside a larger document (see complete()).
class StrictDomBuilder {
public:
    using Json = nlohmann::ordered_json;

    explicit StrictDomBuilder(Json& root) : root_(root) {}

    bool null() { return put(nullptr); }
    bool boolean(bool value) { return put(value); }
    bool number_integer(Json::number_integer_t value) { return put(value); }
    bool number_unsigned(Json::number_unsigned_t value) { return put(value); }
    bool number_float(Json::number_float_t value, const std::string&) { return put(value); }
    bool string(std::string& value) { return put(std::move(value)); }
    bool binary(Json::binary_t& value) { return put(std::move(value)); }
    bool start_object(std::size_t) { return open(Json::object()); }
    bool start_array(std::size_t) { return open(Json::array()); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }
    /// A member's key: refused (parsing stops) when the object has it already.
    bool key(std::string& key);
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
        parse_error_ = e.what();
        return false;
    }

    /// True when the value begun at the root is finished (no container open).
    bool complete() const { return open_.empty(); }
    /// The key whose repetition stopped parsing, if that is what stopped it.
    const std::optional<std::string>& duplicate_key() const { return duplicate_key_; }
    /// nlohmann's own message, when a syntax error stopped parsing.
    const std::string& parse_error() const { return parse_error_; }

private:
    /// Stores a value where the parser is: the root, the array's end or the
    /// member whose key came last. Pointers into open containers stay valid
    /// because only the innermost open container ever grows.
    Json* place(Json value);
    bool put(Json value) {
        place(std::move(value));
        return true;
    }
    bool open(Json container) {
        open_.push_back(place(std::move(container)));
        return true;
    }
    bool close() {
        open_.pop_back();
        return true;
    }

    Json& root_;
    std::vector<Json*> open_;   ///< the containers not closed yet, innermost last
    Json* member_ = nullptr;    ///< where the next object member's value goes
    std::optional<std::string> duplicate_key_;
    std::string parse_error_;
};

}  // namespace vme
