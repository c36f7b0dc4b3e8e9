// The wire table (common/event_fields.h) drives the encoder, both event
// decoders and the template fields: these tests walk the table, so a new
// row is checked by them without a new test.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "common/decode.h"
#include "common/event_fields.h"
#include "common/message.h"
#include "common/template.h"

namespace {

using Json = nlohmann::ordered_json;
using vme::wire::Need;
using vme::wire::Type;

/// An event with every standard key set, and one kind-specific field.
vme::Event full_event() {
    vme::Event e;
    e.seq = 42;
    e.boot = "b0";
    e.time = "2026-11-26T03:49:56.555Z";
    e.host = "hv1";
    e.uri = "qemu:///system";
    e.domain = {"web1", "e15d84c2-49c1-41e8-8f0a-4b5353ab5904", 7};
    e.kind = "block-job";
    e.event = "completed";
    e.detail = "copy";
    e.event_code = 3;
    e.detail_code = 1;
    e.text = "Block job completed";
    e.synthetic = true;
    e.fields["disk"] = "vda";
    return e;
}

/// The decoder's complaint about a value of the wrong type, by the row's type.
std::string type_error(Type type) {
    switch (type) {
    case Type::kSchema: return "expected \"vm-events/1\", got a JSON array";
    case Type::kUnsigned: return "expected an unsigned integer";
    case Type::kText: return "expected a string";
    case Type::kCode: return "expected a non-negative integer";
    case Type::kFlag: return "expected true or false";
    case Type::kDomain: return "expected an object";
    case Type::kDomainId: return "expected null or a non-negative integer";
    }
    return "?";
}

/// Both paths of decode_event refuse `json` with `message`; the fast path declines.
void check_refused(const Json& json, const std::string& message) {
    const std::string payload = json.dump();
    CAPTURE(payload);
    CHECK_FALSE(vme::decode_plain_event(payload));
    const auto document = vme::decode_event_document(payload);
    REQUIRE_FALSE(document);
    CHECK(document.error().message == message);
    const auto combined = vme::decode_event(payload);
    REQUIRE_FALSE(combined);
    CHECK(combined.error().message == message);
}

}  // namespace

TEST_SUITE("event_fields") {

TEST_CASE("encode_event writes the table's keys in table order, then the kind's fields") {
    const Json json = Json::parse(vme::encode_event(full_event()));
    std::vector<std::string> keys;
    for (auto it = json.begin(); it != json.end(); ++it) keys.push_back(it.key());
    std::vector<std::string> expected;
    for (const auto& row : vme::wire::kEventFields) expected.emplace_back(row.key);
    expected.emplace_back("disk");
    CHECK(keys == expected);
    std::vector<std::string> domain_keys;
    for (auto it = json["domain"].begin(); it != json["domain"].end(); ++it) domain_keys.push_back(it.key());
    std::vector<std::string> expected_domain;
    for (const auto& row : vme::wire::kDomainFields) expected_domain.emplace_back(row.key);
    CHECK(domain_keys == expected_domain);
}

TEST_CASE("optional keys are left out when unset, required ones never") {
    vme::Event e = full_event();
    e.uri.clear();
    e.domain.uuid.clear();
    e.domain.id = -1;
    e.detail.clear();
    e.event_code = -1;
    e.detail_code = -1;
    e.text.clear();
    e.synthetic = false;
    const Json json = Json::parse(vme::encode_event(e));
    for (const auto& row : vme::wire::kEventFields) {
        CAPTURE(row.key);
        CHECK(json.contains(row.key) == (row.need == Need::kRequired));
    }
    CHECK(json["domain"]["id"].is_null());  // an absent id is written as null
    CHECK_FALSE(json["domain"].contains("uuid"));
}

TEST_CASE("both decoders give back what the encoder wrote") {
    const vme::Event e = full_event();
    const std::string payload = vme::encode_event(e);
    const auto fast = vme::decode_plain_event(payload);
    const auto document = vme::decode_event_document(payload);
    REQUIRE(fast);
    REQUIRE(document);
    CHECK(vme::encode_event(*fast) == payload);
    CHECK(vme::encode_event(*document) == payload);
    CHECK(fast->synthetic);
    CHECK(fast->domain.id == 7);
    CHECK(fast->fields == e.fields);
}

TEST_CASE("every required key is reported missing by its path") {
    const Json full = Json::parse(vme::encode_event(full_event()));
    for (const auto& row : vme::wire::kEventFields) {
        if (row.need != Need::kRequired) continue;
        Json json = full;
        json.erase(std::string(row.key));
        check_refused(json, "missing required field \"" + std::string(row.key) + "\"");
    }
    for (const auto& row : vme::wire::kDomainFields) {
        if (row.need != Need::kRequired) continue;
        Json json = full;
        json["domain"].erase(std::string(row.key));
        check_refused(json, "missing required field \"domain." + std::string(row.key) + "\"");
    }
}

TEST_CASE("every key of the wrong type is refused with its type's message") {
    const Json full = Json::parse(vme::encode_event(full_event()));
    for (const auto& row : vme::wire::kEventFields) {
        Json json = full;
        json[std::string(row.key)] = Json::array();
        check_refused(json, "field \"" + std::string(row.key) + "\": " + type_error(row.type));
    }
    for (const auto& row : vme::wire::kDomainFields) {
        Json json = full;
        json["domain"][std::string(row.key)] = Json::array();
        check_refused(json, "field \"domain." + std::string(row.key) + "\": " + type_error(row.type));
    }
}

TEST_CASE("codes and ids beyond an int are refused; seq takes any unsigned 64-bit value") {
    Json json = Json::parse(vme::encode_event(full_event()));
    json["seq"] = 18446744073709551615ULL;
    const auto big_seq = vme::decode_plain_event(json.dump());
    REQUIRE(big_seq);
    CHECK(big_seq->seq == 18446744073709551615ULL);
    for (const auto& row : vme::wire::kEventFields) {
        if (row.type != Type::kCode) continue;
        Json bad = Json::parse(vme::encode_event(full_event()));
        bad[std::string(row.key)] = 2147483648ULL;
        check_refused(bad, "field \"" + std::string(row.key) + "\": expected a non-negative integer");
    }
    Json bad_id = Json::parse(vme::encode_event(full_event()));
    bad_id["domain"]["id"] = 2147483648ULL;
    check_refused(bad_id, "field \"domain.id\": expected null or a non-negative integer");
}

TEST_CASE("every shown key is a template field at its rank, rendering the member") {
    const auto names = vme::Template::field_names();
    const vme::Event e = full_event();
    const std::map<std::string, std::string> expected = {
        {"seq", "42"}, {"boot", "b0"}, {"time", "2026-11-26T03:49:56.555Z"}, {"host", "hv1"},
        {"uri", "qemu:///system"}, {"kind", "block-job"}, {"event", "completed"}, {"detail", "copy"},
        {"event_code", "3"}, {"detail_code", "1"}, {"text", "Block job completed"}, {"synthetic", "true"},
        {"domain", "web1"}, {"uuid", "e15d84c2-49c1-41e8-8f0a-4b5353ab5904"}, {"id", "7"},
    };
    std::size_t shown = 0;
    const auto check_row = [&](const auto& row) {
        if (row.shown.name.empty()) return;
        ++shown;
        const std::string name(row.shown.name);
        CAPTURE(name);
        REQUIRE(row.shown.rank >= 0);
        REQUIRE(static_cast<std::size_t>(row.shown.rank) < names.size());
        CHECK(names[static_cast<std::size_t>(row.shown.rank)] == name);
        auto t = vme::Template::compile("{" + name + "}");
        REQUIRE(t);
        REQUIRE(expected.count(name) == 1);
        CHECK(t->render(e) == expected.at(name));
    };
    for (const auto& row : vme::wire::kEventFields) check_row(row);
    for (const auto& row : vme::wire::kDomainFields) check_row(row);
    CHECK(shown == expected.size());
    CHECK(names.size() == shown + 3);  // localtime, json, fields.NAME
}

TEST_CASE("is_event_key knows exactly the table's top-level keys") {
    for (const auto& row : vme::wire::kEventFields) CHECK(vme::wire::is_event_key(row.key));
    for (const char* other : {"name", "uuid", "id", "fields", "type", "Seq", ""}) {
        CAPTURE(other);
        CHECK_FALSE(vme::wire::is_event_key(other));
    }
}

}  // TEST_SUITE
