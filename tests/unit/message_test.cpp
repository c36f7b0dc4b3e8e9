// vm-events/1 payload encoding and strict decoding (common/message.h).
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "common/decode.h"
#include "common/message.h"
#include "common/sanitize.h"

using namespace std::string_literals;
using Json = nlohmann::ordered_json;

namespace {

vme::Event sample_event() {
    vme::Event e;
    e.seq = 17;
    e.boot = "b7e1c0de";
    e.time = "2026-11-26T02:21:24.457Z";
    e.host = "hv1";
    e.uri = "qemu:///system";
    e.domain = {"web1", "c7a5fdbd-cdaf-9455-926a-d65c16db1809", 3};
    e.kind = "lifecycle";
    e.event = "stopped";
    e.detail = "destroyed";
    e.event_code = 5;
    e.detail_code = 1;
    e.text = "Stopped Destroyed";
    return e;
}

vme::State sample_state() {
    vme::State s;
    s.time = "2026-11-26T02:21:24.457Z";
    s.host = "hv1";
    s.domain = {"web1", "c7a5fdbd-cdaf-9455-926a-d65c16db1809", 3};
    s.state = "running";
    s.reason = "booted";
    s.state_code = 1;
    s.reason_code = 1;
    s.persistent = false;
    s.boot = "b7e1c0de";
    return s;
}

vme::HostStatus sample_status() {
    vme::HostStatus s;
    s.time = "2026-11-26T02:21:24.457Z";
    s.host = "hv1";
    s.online = true;
    s.version = "0.1.0";
    s.boot = "b7e1c0de";
    s.dropped = 12;
    s.uri = "qemu:///system";
    return s;
}

void check_same(const vme::DomainRef& a, const vme::DomainRef& b) {
    CHECK(a.name == b.name);
    CHECK(a.uuid == b.uuid);
    CHECK(a.id == b.id);
}

void check_same(const vme::Event& a, const vme::Event& b) {
    CHECK(a.seq == b.seq);
    CHECK(a.boot == b.boot);
    CHECK(a.time == b.time);
    CHECK(a.host == b.host);
    CHECK(a.uri == b.uri);
    check_same(a.domain, b.domain);
    CHECK(a.kind == b.kind);
    CHECK(a.event == b.event);
    CHECK(a.detail == b.detail);
    CHECK(a.event_code == b.event_code);
    CHECK(a.detail_code == b.detail_code);
    CHECK(a.text == b.text);
    CHECK(a.synthetic == b.synthetic);
    CHECK(a.fields == b.fields);
}

/// The error message of a decode that must fail.
template <typename T>
std::string error_of(const vme::Result<T>& result) {
    REQUIRE_FALSE(result.ok());
    return result.error().message;
}

Json event_json() { return Json::parse(vme::encode_event(sample_event())); }

}  // namespace

TEST_SUITE("message") {

TEST_CASE("encode_event: documented key order, compact, one line") {
    CHECK(vme::encode_event(sample_event()) ==
          R"({"schema":"vm-events/1","seq":17,"boot":"b7e1c0de","time":"2026-11-26T02:21:24.457Z",)"
          R"("host":"hv1","uri":"qemu:///system","domain":{"name":"web1",)"
          R"("uuid":"c7a5fdbd-cdaf-9455-926a-d65c16db1809","id":3},"kind":"lifecycle",)"
          R"("event":"stopped","detail":"destroyed","event_code":5,"detail_code":1,)"
          R"("text":"Stopped Destroyed"})");
}

TEST_CASE("encode_event: optional parts omitted, inactive id is null, fields appended") {
    vme::Event e;
    e.seq = 1;
    e.boot = "b";
    e.time = "t";
    e.host = "h";
    e.domain.name = "vm";
    e.kind = "reboot";
    e.event = "reboot";
    e.synthetic = true;
    e.fields["offset"] = -5;
    e.fields["nested"] = Json{{"a", Json::array({1, 2})}};
    CHECK(vme::encode_event(e) ==
          R"({"schema":"vm-events/1","seq":1,"boot":"b","time":"t","host":"h",)"
          R"("domain":{"name":"vm","id":null},"kind":"reboot","event":"reboot",)"
          R"("synthetic":true,"offset":-5,"nested":{"a":[1,2]}})");
}

TEST_CASE("encode_event: a field named like a standard key never overrides it") {
    vme::Event e = sample_event();
    e.fields["seq"] = "evil";
    e.fields["schema"] = "other";
    e.fields["extra"] = 1;
    const Json json = Json::parse(vme::encode_event(e));
    CHECK(json["seq"] == 17);
    CHECK(json["schema"] == "vm-events/1");
    CHECK(json["extra"] == 1);
}

TEST_CASE("encode_event: control characters escaped, invalid UTF-8 replaced, never throws") {
    vme::Event e = sample_event();
    e.domain.name = "a\nb\x1b[2J";
    e.host = "bad\xff\xc0";
    e.fields["k\xfe"] = "v\x80";
    std::string out;
    CHECK_NOTHROW(out = vme::encode_event(e));
    CHECK(out.find('\n') == std::string::npos);
    CHECK(out.find('\x1b') == std::string::npos);
    CHECK(vme::is_valid_utf8(out));
    CHECK(out.find("bad\xef\xbf\xbd\xef\xbf\xbd") != std::string::npos);  // two U+FFFD
    const auto back = vme::decode_event(out);
    REQUIRE(back.ok());
    CHECK(back->domain.name == "a\nb\x1b[2J");
}

TEST_CASE("event round trip, with kind-specific fields") {
    vme::Event e = sample_event();
    e.fields["reason"] = "enospc";
    e.fields["devAlias"] = "virtio-disk0";
    e.fields["list"] = Json::array({1, "two", nullptr, true});
    const auto back = vme::decode_event(vme::encode_event(e));
    REQUIRE(back.ok());
    check_same(*back, e);
    CHECK(vme::encode_event(*back) == vme::encode_event(e));
}

TEST_CASE("event round trip: minimal event, synthetic, inactive domain, big seq") {
    vme::Event e;
    e.seq = UINT64_MAX;
    e.boot = "b";
    e.time = "t";
    e.host = "h";
    e.domain.name = "x+y#z\n\xc3\xbc";
    e.kind = "lifecycle";
    e.event = "defined";
    e.synthetic = true;
    const auto back = vme::decode_event(vme::encode_event(e));
    REQUIRE(back.ok());
    check_same(*back, e);
    CHECK(back->domain.id == -1);
    CHECK(back->event_code == -1);
    CHECK(back->fields.empty());
}

TEST_CASE("decode_event: domain.id null or missing is -1") {
    Json j = event_json();
    j["domain"]["id"] = nullptr;
    CHECK(vme::decode_event(j.dump())->domain.id == -1);
    j["domain"].erase("id");
    CHECK(vme::decode_event(j.dump())->domain.id == -1);
    j["domain"]["id"] = 0;
    CHECK(vme::decode_event(j.dump())->domain.id == 0);
}

TEST_CASE("decode_event: each required field missing in turn") {
    for (const char* key : {"schema", "seq", "boot", "time", "host", "domain", "kind", "event"}) {
        CAPTURE(key);
        Json j = event_json();
        j.erase(key);
        CHECK(error_of(vme::decode_event(j.dump())) ==
              "missing required field \"" + std::string(key) + "\"");
    }
    Json j = event_json();
    j["domain"].erase("name");
    CHECK(error_of(vme::decode_event(j.dump())) == "missing required field \"domain.name\"");
}

TEST_CASE("decode_event: optional fields may be missing") {
    for (const char* key : {"uri", "detail", "event_code", "detail_code", "text"}) {
        CAPTURE(key);
        Json j = event_json();
        j.erase(key);
        CHECK(vme::decode_event(j.dump()).ok());
    }
    Json j = event_json();
    j["domain"].erase("uuid");
    CHECK(vme::decode_event(j.dump()).ok());
}

TEST_CASE("decode_event: wrong types name the field") {
    struct Case {
        const char* key;
        Json value;
        const char* message;
    };
    const std::vector<Case> cases = {
        {"seq", "x", R"(field "seq": expected an unsigned integer)"},
        {"seq", -1, R"(field "seq": expected an unsigned integer)"},
        {"seq", 1.5, R"(field "seq": expected an unsigned integer)"},
        {"boot", 3, R"(field "boot": expected a string)"},
        {"time", nullptr, R"(field "time": expected a string)"},
        {"host", Json::array(), R"(field "host": expected a string)"},
        {"uri", false, R"(field "uri": expected a string)"},
        {"domain", Json::array(), R"(field "domain": expected an object)"},
        {"domain", "web1", R"(field "domain": expected an object)"},
        {"kind", Json::object(), R"(field "kind": expected a string)"},
        {"event", 1, R"(field "event": expected a string)"},
        {"detail", 1, R"(field "detail": expected a string)"},
        {"event_code", "5", R"(field "event_code": expected a non-negative integer)"},
        {"event_code", -1, R"(field "event_code": expected a non-negative integer)"},
        {"detail_code", 4294967296ULL, R"(field "detail_code": expected a non-negative integer)"},
        {"text", 2, R"(field "text": expected a string)"},
        {"synthetic", "yes", R"(field "synthetic": expected true or false)"},
        {"schema", 1, R"(field "schema": expected "vm-events/1", got a JSON number)"},
        {"schema", "vm-events/2", R"(field "schema": expected "vm-events/1", got "vm-events/2")"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.key);
        CAPTURE(c.value.dump());
        Json j = event_json();
        j[c.key] = c.value;
        CHECK(error_of(vme::decode_event(j.dump())) == c.message);
    }
}

TEST_CASE("decode_event: wrong types inside domain") {
    Json j = event_json();
    j["domain"]["name"] = 5;
    CHECK(error_of(vme::decode_event(j.dump())) == R"(field "domain.name": expected a string)");
    j = event_json();
    j["domain"]["uuid"] = Json::array();
    CHECK(error_of(vme::decode_event(j.dump())) == R"(field "domain.uuid": expected a string)");
    j = event_json();
    j["domain"]["id"] = "3";
    CHECK(error_of(vme::decode_event(j.dump())) ==
          R"(field "domain.id": expected null or a non-negative integer)");
    j["domain"]["id"] = -1;
    CHECK_FALSE(vme::decode_event(j.dump()).ok());
}

TEST_CASE("decode_event: unknown top-level fields land in fields, in order") {
    Json j = event_json();
    j["zeta"] = 1;
    j["alpha"] = Json{{"x", "y"}};
    const auto e = vme::decode_event(j.dump());
    REQUIRE(e.ok());
    REQUIRE(e->fields.size() == 2);
    CHECK(e->fields.begin().key() == "zeta");
    CHECK(e->fields["alpha"]["x"] == "y");
    CHECK(vme::encode_event(*e) == j.dump());
}

TEST_CASE("malformed payloads give error values, not exceptions") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"", "empty payload"},
        {"[]", "payload is a JSON array, expected an object"},
        {"42", "payload is a JSON number, expected an object"},
        {"\"x\"", "payload is a JSON string, expected an object"},
        {"null", "payload is a JSON null, expected an object"},
        {"{", "invalid JSON"},
        {"{\"schema\":\"vm-events/1\",}", "invalid JSON"},
        {"{\"a\":1} trailing", "invalid JSON"},
        {"{'a':1}", "invalid JSON"},
        {"{\"a\":\"\xff\"}", "payload is not valid UTF-8"},
        {"{\"a\":\"\xc0\xaf\"}", "payload is not valid UTF-8"},
        {"{\"a\":\"\\ud800\"}", "invalid JSON"},  // lone surrogate escape
        {"{\"a\":1e999}", "invalid JSON"},
        {"{\"a\":1,\"a\":2}", "duplicate key \"a\" in JSON object"},
        {"{\"d\":{\"b\":1,\"b\":1}}", "duplicate key \"b\" in JSON object"},
        {"{} /* comment */", "invalid JSON"},
    };
    for (const auto& c : cases) {
        const std::string& payload = c.first;
        const std::string& message = c.second;
        CAPTURE(vme::sanitize(payload));
        std::string error;
        CHECK_NOTHROW(error = error_of(vme::decode_event(payload)));
        CHECK(error.rfind(message, 0) == 0);  // starts with
        CHECK(error.find('\n') == std::string::npos);
        CHECK_NOTHROW(error = error_of(vme::decode_state(payload)));
        CHECK_NOTHROW(error = error_of(vme::decode_status(payload)));
        CHECK_NOTHROW(error = error_of(vme::decode_inventory(payload)));
    }
}

TEST_CASE("parse errors quote the payload safely and briefly") {
    const std::string payload = "{\"a\":tru\x1b[2J" + std::string(5000, 'x') + "}";
    const std::string error = error_of(vme::parse_json_limited(payload));
    CHECK(error.rfind("invalid JSON: ", 0) == 0);
    CHECK(error.find('\x1b') == std::string::npos);
    CHECK(error.size() < 300);
}

TEST_CASE("nesting: 10,000 deep is refused before parsing, the limit itself is fine") {
    const std::string deep = std::string(10000, '[') + std::string(10000, ']');
    CHECK(error_of(vme::decode_event(deep)) == "JSON nested deeper than 32 levels");
    const std::string deep_objects = [] {
        std::string s;
        for (int i = 0; i < 10000; ++i) s += "{\"a\":";
        return s + "1" + std::string(10000, '}');
    }();
    CHECK(error_of(vme::decode_event(deep_objects)) == "JSON nested deeper than 32 levels");
    // Unclosed: must not matter that the document never ends.
    CHECK(error_of(vme::parse_json_limited(std::string(10000, '['))) ==
          "JSON nested deeper than 32 levels");
    // Closers first cannot hide depth that follows.
    CHECK_FALSE(vme::parse_json_limited(std::string(100, ']') + std::string(40, '[')).ok());

    const int limit = vme::kMaxJsonDepth;
    CHECK(vme::parse_json_limited(std::string(limit, '[') + std::string(limit, ']')).ok());
    CHECK(error_of(vme::parse_json_limited(std::string(limit + 1, '[') + std::string(limit + 1, ']'))) ==
          "JSON nested deeper than 32 levels");
}

TEST_CASE("nesting: brackets inside strings do not count") {
    const std::string brackets(1000, '[');
    CHECK(vme::parse_json_limited("{\"a\":\"" + brackets + "\"}").ok());
    CHECK(vme::parse_json_limited("{\"a\":\"\\\"" + brackets + "\\\\\"}").ok());
    // An escaped backslash ends before the quote: the string closes, then depth counts.
    CHECK_FALSE(vme::parse_json_limited("[\"\\\\\"," + std::string(40, '[') + std::string(41, ']')).ok());
}

TEST_CASE("member limit: huge objects are refused before parsing") {
    auto object_with = [](int members) {
        std::string s = "{";
        for (int i = 0; i < members; ++i) s += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":0";
        return s + "}";
    };
    CHECK(vme::parse_json_limited(object_with(vme::kMaxJsonObjectMembers)).ok());
    CHECK(error_of(vme::parse_json_limited(object_with(vme::kMaxJsonObjectMembers + 1))) ==
          "JSON object with more than 4096 members");
    // 90,000 keys (under 1 MiB) in a nested object: refused without the quadratic parse.
    CHECK(error_of(vme::decode_event("{\"a\":" + object_with(90000) + "}")) ==
          "JSON object with more than 4096 members");
    // Colons inside strings and array elements are not members.
    CHECK(vme::parse_json_limited("{\"a\":\"" + std::string(10000, ':') + "\"}").ok());
    std::string many = "[";
    for (int i = 0; i < 10000; ++i) many += i ? ",1" : "1";
    CHECK(vme::parse_json_limited(many + "]").ok());
}

TEST_CASE("size limit: kMaxPayloadBytes is accepted, one more byte is not") {
    auto payload_of_size = [](std::size_t size) {
        const std::string head = "{\"pad\":\"";
        const std::string tail = "\"}";
        return head + std::string(size - head.size() - tail.size(), 'x') + tail;
    };
    CHECK(vme::parse_json_limited(payload_of_size(vme::kMaxPayloadBytes)).ok());
    CHECK(error_of(vme::decode_event(payload_of_size(vme::kMaxPayloadBytes + 1))) ==
          "payload too large: 1048577 bytes (limit 1048576)");
}

TEST_CASE("mutated payloads never throw or crash (deterministic)") {
    vme::Event e = sample_event();
    e.fields["list"] = Json::array({1, 2, Json{{"k", "v"}}});
    const std::string base = vme::encode_event(e);
    std::mt19937 rng(42);
    std::uniform_int_distribution<std::size_t> where(0, base.size() - 1);
    std::uniform_int_distribution<int> byte(0, 255);
    int threw = 0;
    for (int i = 0; i < 5000; ++i) {
        std::string payload = base;
        for (int flips = 1 + i % 4; flips > 0; --flips)
            payload[where(rng)] = static_cast<char>(byte(rng));
        try {
            (void)vme::decode_event(payload);
            (void)vme::decode_state(payload);
        } catch (...) {
            ++threw;
        }
    }
    CHECK(threw == 0);
}

TEST_CASE("state: encoding and round trip") {
    CHECK(vme::encode_state(sample_state()) ==
          R"({"schema":"vm-events/1","type":"state","time":"2026-11-26T02:21:24.457Z","host":"hv1",)"
          R"("domain":{"name":"web1","uuid":"c7a5fdbd-cdaf-9455-926a-d65c16db1809","id":3},)"
          R"("state":"running","reason":"booted","state_code":1,"reason_code":1,)"
          R"("persistent":false,"boot":"b7e1c0de"})");
    const vme::State s = sample_state();
    const auto back = vme::decode_state(vme::encode_state(s));
    REQUIRE(back.ok());
    CHECK(back->time == s.time);
    CHECK(back->host == s.host);
    check_same(back->domain, s.domain);
    CHECK(back->state == s.state);
    CHECK(back->reason == s.reason);
    CHECK(back->state_code == s.state_code);
    CHECK(back->reason_code == s.reason_code);
    CHECK(back->persistent == s.persistent);
    CHECK(back->boot == s.boot);
}

TEST_CASE("state: required fields and types") {
    const Json base = Json::parse(vme::encode_state(sample_state()));
    for (const char* key : {"schema", "type", "host", "domain", "state"}) {
        CAPTURE(key);
        Json j = base;
        j.erase(key);
        CHECK(error_of(vme::decode_state(j.dump())) ==
              "missing required field \"" + std::string(key) + "\"");
    }
    for (const char* key : {"time", "reason", "state_code", "reason_code", "persistent", "boot"}) {
        CAPTURE(key);
        Json j = base;
        j.erase(key);
        CHECK(vme::decode_state(j.dump()).ok());
    }
    Json j = base;
    j["type"] = "status";
    CHECK(error_of(vme::decode_state(j.dump())) == R"(field "type": expected "state", got "status")");
    j = base;
    j["persistent"] = 1;
    CHECK(error_of(vme::decode_state(j.dump())) == R"(field "persistent": expected true or false)");
    j = base;
    j["state_code"] = "1";
    CHECK(error_of(vme::decode_state(j.dump())) ==
          R"(field "state_code": expected a non-negative integer)");
    CHECK_FALSE(vme::decode_state(vme::encode_event(sample_event())).ok());
}

TEST_CASE("status: encoding, last will without time, round trip") {
    CHECK(vme::encode_status(sample_status()) ==
          R"({"schema":"vm-events/1","type":"status","status":"online",)"
          R"("time":"2026-11-26T02:21:24.457Z","host":"hv1","version":"0.1.0",)"
          R"("boot":"b7e1c0de","dropped":12,"uri":"qemu:///system","callback_errors":0})");
    vme::HostStatus with_libvirt = sample_status();
    with_libvirt.libvirt = vme::LibvirtHealthState::Unreachable;
    with_libvirt.libvirt_since = "2026-11-26T02:21:30.000Z";
    with_libvirt.libvirt_error = "keepalive timeout";
    with_libvirt.callback_errors = 2;
    CHECK(vme::encode_status(with_libvirt) ==
          R"({"schema":"vm-events/1","type":"status","status":"online",)"
          R"("time":"2026-11-26T02:21:24.457Z","host":"hv1","version":"0.1.0",)"
          R"("boot":"b7e1c0de","dropped":12,"uri":"qemu:///system","libvirt":"unreachable",)"
          R"("libvirt_since":"2026-11-26T02:21:30.000Z","libvirt_error":"keepalive timeout","callback_errors":2})");
    vme::HostStatus will = sample_status();
    will.online = false;
    will.time.clear();
    will.dropped = 0;
    const std::string encoded = vme::encode_status(will);
    CHECK(encoded.find("\"time\"") == std::string::npos);
    for (const auto& s : {sample_status(), will, with_libvirt}) {
        const auto back = vme::decode_status(vme::encode_status(s));
        REQUIRE(back.ok());
        CHECK(back->online == s.online);
        CHECK(back->time == s.time);
        CHECK(back->host == s.host);
        CHECK(back->version == s.version);
        CHECK(back->boot == s.boot);
        CHECK(back->dropped == s.dropped);
        CHECK(back->uri == s.uri);
        CHECK(back->libvirt == s.libvirt);
        CHECK(back->libvirt_since == s.libvirt_since);
        CHECK(back->libvirt_error == s.libvirt_error);
        CHECK(back->callback_errors == s.callback_errors);
    }
}

TEST_CASE("status: required fields and values") {
    const Json base = Json::parse(vme::encode_status(sample_status()));
    for (const char* key : {"schema", "type", "status", "host"}) {
        CAPTURE(key);
        Json j = base;
        j.erase(key);
        CHECK(error_of(vme::decode_status(j.dump())) ==
              "missing required field \"" + std::string(key) + "\"");
    }
    Json j = base;
    j["status"] = "maybe";
    CHECK(error_of(vme::decode_status(j.dump())) ==
          R"(field "status": expected "online" or "offline", got "maybe")");
    j["status"] = true;
    CHECK(error_of(vme::decode_status(j.dump())) == R"(field "status": expected a string)");
    j = base;
    j["dropped"] = -3;
    CHECK(error_of(vme::decode_status(j.dump())) == R"(field "dropped": expected an unsigned integer)");
    j = base;
    j["type"] = "state";
    CHECK(error_of(vme::decode_status(j.dump())) == R"(field "type": expected "status", got "state")");
    j = base;
    j["libvirt"] = "sleepy";
    CHECK(error_of(vme::decode_status(j.dump())) ==
          R"(field "libvirt": expected "connected" or "unreachable", got "sleepy")");
    j = base;
    j["callback_errors"] = "many";
    CHECK(error_of(vme::decode_status(j.dump())) == R"(field "callback_errors": expected an unsigned integer)");
}

TEST_CASE("inventory: encoding and round trip") {
    const std::vector<vme::InventoryEntry> entries = {
        {{"web1", "c7a5fdbd-cdaf-9455-926a-d65c16db1809", 3}, "running", "booted"},
        {{"db\n1", "", -1}, "shutoff", ""},
    };
    const std::string encoded = vme::encode_inventory("2026-11-26T02:21:24.457Z", "hv1", entries);
    CHECK(encoded ==
          R"({"schema":"vm-events/1","type":"inventory","time":"2026-11-26T02:21:24.457Z","host":"hv1",)"
          R"("domains":[{"name":"web1","uuid":"c7a5fdbd-cdaf-9455-926a-d65c16db1809","id":3,)"
          R"("state":"running","reason":"booted"},{"name":"db\n1","id":null,"state":"shutoff"}]})");
    const auto back = vme::decode_inventory(encoded);
    REQUIRE(back.ok());
    REQUIRE(back->size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
        check_same((*back)[i].domain, entries[i].domain);
        CHECK((*back)[i].state == entries[i].state);
        CHECK((*back)[i].reason == entries[i].reason);
    }
    const auto empty = vme::decode_inventory(vme::encode_inventory("t", "hv1", {}));
    REQUIRE(empty.ok());
    CHECK(empty->empty());
}

TEST_CASE("inventory: malformed entries name the element") {
    const std::string head = R"({"schema":"vm-events/1","type":"inventory","host":"hv1","domains":)";
    CHECK(error_of(vme::decode_inventory(head + "[1]}")) == R"(field "domains[0]": expected an object)");
    CHECK(error_of(vme::decode_inventory(head + R"([{"name":"a","state":"running"},{"name":"b"}]})")) ==
          R"(missing required field "domains[1].state")");
    CHECK(error_of(vme::decode_inventory(head + R"([{"name":"a","state":"running","id":"x"}]})")) ==
          R"(field "domains[0].id": expected null or a non-negative integer)");
    CHECK(error_of(vme::decode_inventory(head + "{}}")) == R"(field "domains": expected an array)");
    CHECK(error_of(vme::decode_inventory(R"({"schema":"vm-events/1","type":"inventory","host":"h"})")) ==
          R"(missing required field "domains")");
}

TEST_CASE("encode_*: canonical compact JSON (what nlohmann itself writes) for hostile values") {
    // The encoders write JSON text directly; nlohmann re-serialising what it
    // parses from them must give the same bytes, whatever the strings hold.
    const std::vector<std::string> hostile = {
        "", "plain", "quote \" back\\slash", "tab\tnew\nline\r\x01\x1f\x7f",
        "caf\xc3\xa9 \xe2\x80\xae rtl", "bad \xff\xfe utf8 \xc3", std::string("nul\0byte", 8)};
    auto canonical = [](const std::string& text) {
        return Json::parse(text).dump(-1, ' ', false, Json::error_handler_t::replace) == text;
    };
    for (const auto& value : hostile) {
        CAPTURE(value);
        vme::Event e = sample_event();
        e.host = e.boot = e.text = e.domain.name = value;
        e.domain.id = -1;
        e.synthetic = true;
        e.fields[value] = Json::object({{"nested", value}, {"n", -3}, {"list", {1.5, nullptr, true}}});
        CHECK(canonical(vme::encode_event(e)));
        vme::State st = sample_state();
        st.host = st.reason = value;
        CHECK(canonical(vme::encode_state(st)));
        vme::HostStatus status;
        status.host = status.version = value;
        CHECK(canonical(vme::encode_status(status)));
        vme::InventoryEntry entry{{value, "", 4}, value, value};
        CHECK(canonical(vme::encode_inventory(value, value, {entry, entry})));
    }
}

TEST_CASE("encode_event: invalid UTF-8 becomes U+FFFD, valid UTF-8 stays as it is") {
    vme::Event e = sample_event();
    e.text = "caf\xc3\xa9 \xff";
    CHECK(Json::parse(vme::encode_event(e))["text"] == "caf\xc3\xa9 \xef\xbf\xbd");
}

}  // TEST_SUITE

TEST_SUITE("message") {
TEST_CASE("an inventory of 10,000 VMs is over the event limit and still decodes") {
    std::vector<vme::InventoryEntry> entries(10000);
    for (std::size_t i = 0; i < entries.size(); ++i) {
        entries[i].domain = {"vm-" + std::to_string(i), "6695eb01-f6a4-8304-79aa-97f2502e193f", -1};
        entries[i].state = "shutoff";
        entries[i].reason = "unknown";
    }
    const std::string payload = vme::encode_inventory("2026-11-26T02:21:24.457Z", "hv1", entries);
    CHECK(payload.size() > vme::kMaxPayloadBytes);
    auto back = vme::decode_inventory(payload);
    REQUIRE(back.ok());
    CHECK(back->size() == 10000);
    CHECK(back->back().domain.name == "vm-9999");
    CHECK_FALSE(vme::decode_event(payload).ok());
}
}
