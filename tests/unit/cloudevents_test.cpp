// vm-events/1 events as CloudEvents 1.0 (common/cloudevents.h) and how
// vm-pub puts them on the wire (publisher/cloudevents_wire.h).
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "common/cloudevents.h"
#include "common/message.h"
#include "common/sanitize.h"
#include "publisher/cloudevents_wire.h"

using namespace std::string_literals;
using Json = nlohmann::ordered_json;

namespace {

vme::Event sample_event() {
    vme::Event e;
    e.seq = 42;
    e.boot = "fb012a082d04d63da37d1b02913beb9a";
    e.time = "2026-11-26T03:49:56.555Z";
    e.host = "hv1";
    e.uri = "qemu:///system";
    e.domain = {"web1", "e15d84c2-49c1-41e8-8f0a-4b5353ab5904", 2};
    e.kind = "lifecycle";
    e.event = "started";
    e.detail = "booted";
    e.event_code = 2;
    e.detail_code = 0;
    e.text = "Started Booted";
    return e;
}

std::string attribute(const std::vector<vme::CloudEventAttribute>& attrs, const std::string& name) {
    for (const auto& [key, value] : attrs)
        if (key == name) return value;
    return "<missing>";
}

}  // namespace

TEST_CASE("cloudevent_attributes: id, source, type, subject and time from the payload") {
    auto attrs = vme::cloudevent_attributes(sample_event());
    REQUIRE(attrs.size() == 6);
    CHECK(attrs[0] == vme::CloudEventAttribute{"specversion", "1.0"});
    CHECK(attribute(attrs, "id") == "fb012a082d04d63da37d1b02913beb9a-42");
    CHECK(attribute(attrs, "source") == "vm-events://hv1/qemu%3A%2F%2F%2Fsystem");
    CHECK(attribute(attrs, "type") == "org.libvirt.domain.lifecycle.started");
    CHECK(attribute(attrs, "subject") == "web1");
    CHECK(attribute(attrs, "time") == "2026-11-26T03:49:56.555Z");
}

TEST_CASE("cloudevent_attributes: ids differ per seq and per boot") {
    std::set<std::string> ids;
    vme::Event e = sample_event();
    for (std::uint64_t seq = 1; seq <= 100; ++seq) {
        e.seq = seq;
        ids.insert(attribute(vme::cloudevent_attributes(e), "id"));
    }
    e.boot = "another";
    e.seq = 1;
    ids.insert(attribute(vme::cloudevent_attributes(e), "id"));
    CHECK(ids.size() == 101);
}

TEST_CASE("cloudevent_attributes: no time attribute for an event without one") {
    vme::Event e = sample_event();
    e.time.clear();
    CHECK(attribute(vme::cloudevent_attributes(e), "time") == "<missing>");
}

TEST_CASE("cloudevent_source: percent-encodes host and URI, leaves out an empty URI") {
    CHECK(vme::cloudevent_source("hv1", "") == "vm-events://hv1");
    CHECK(vme::cloudevent_source("a b/c", "test+unix:///default?socket=/x") ==
          "vm-events://a%20b%2Fc/test%2Bunix%3A%2F%2F%2Fdefault%3Fsocket%3D%2Fx");
    CHECK(vme::percent_encode("A-z.0_9~\xC3\xA9") == "A-z.0_9~%C3%A9");
}

TEST_CASE("cloudevent_attributes: a hostile VM name becomes a valid MQTT string") {
    vme::Event e = sample_event();
    e.domain.name = "a\nb\x7F" "c\xFF" "d\xC2\x9B" "e\xEF\xBF\xBE" "f\xC3\xA9";
    std::string subject = attribute(vme::cloudevent_attributes(e), "subject");
    CHECK(subject == "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xEF\xBF\xBD" "d\xEF\xBF\xBD" "e\xEF\xBF\xBD" "f\xC3\xA9");
    CHECK(vme::is_valid_utf8(subject));
}

TEST_CASE("encode_cloudevent: structured mode with the vm-events/1 payload as data") {
    vme::Event e = sample_event();
    std::string line = vme::encode_cloudevent(e);
    Json json = Json::parse(line);
    CHECK(json["specversion"] == "1.0");
    CHECK(json["id"] == "fb012a082d04d63da37d1b02913beb9a-42");
    CHECK(json["type"] == "org.libvirt.domain.lifecycle.started");
    CHECK(json["time"] == e.time);
    CHECK(json["datacontenttype"] == "application/json");
    CHECK(json["data"].dump() == vme::encode_event(e));
    CHECK(line.find('\n') == std::string::npos);
}

TEST_CASE("decode_cloudevent: gives back the event") {
    vme::Event e = sample_event();
    auto decoded = vme::decode_cloudevent(vme::encode_cloudevent(e));
    REQUIRE(decoded);
    CHECK(vme::encode_event(*decoded) == vme::encode_event(e));
}

TEST_CASE("decode_cloudevent: refuses what is not a CloudEvent carrying an event") {
    Json good = Json::parse(vme::encode_cloudevent(sample_event()));
    auto without = [&](const char* key) {
        Json j = good;
        j.erase(key);
        return j.dump();
    };
    auto with = [&](const char* key, Json value) {
        Json j = good;
        j[key] = std::move(value);
        return j.dump();
    };
    CHECK_FALSE(vme::decode_cloudevent(without("specversion")));
    CHECK_FALSE(vme::decode_cloudevent(without("id")));
    CHECK_FALSE(vme::decode_cloudevent(without("source")));
    CHECK_FALSE(vme::decode_cloudevent(without("type")));
    CHECK_FALSE(vme::decode_cloudevent(without("data")));
    CHECK_FALSE(vme::decode_cloudevent(with("specversion", "0.3")));
    CHECK_FALSE(vme::decode_cloudevent(with("id", "")));
    CHECK_FALSE(vme::decode_cloudevent(with("datacontenttype", "text/plain")));
    CHECK_FALSE(vme::decode_cloudevent(with("data", "a string")));
    CHECK_FALSE(vme::decode_cloudevent(with("data", Json{{"schema", "vm-events/1"}})));
    CHECK_FALSE(vme::decode_cloudevent("[1]"));
    CHECK_FALSE(vme::decode_cloudevent("{\"specversion\":\"1.0\",\"specversion\":\"1.0\"}"));
    CHECK(vme::decode_cloudevent(without("datacontenttype")));
    CHECK(vme::decode_cloudevent(with("datacontenttype", "application/json; charset=utf-8")));
}

TEST_CASE("decode_any_event: both wire forms give the same event") {
    vme::Event e = sample_event();
    auto plain = vme::decode_any_event(vme::encode_event(e));
    auto structured = vme::decode_any_event(vme::encode_cloudevent(e));
    REQUIRE(plain);
    REQUIRE(structured);
    CHECK(vme::encode_event(*plain) == vme::encode_event(*structured));
    auto junk = vme::decode_any_event("{\"schema\":\"other\"}");
    REQUIRE_FALSE(junk);
    CHECK(junk.error().message.find("CloudEvent") == std::string::npos);
}

TEST_CASE("CloudEventsWire: binary mode on MQTT 5, structured payload with --payload cloudevents") {
    vme::Event e = sample_event();
    vme::pub::CloudEventsWire binary(false);
    CHECK(binary.payload(e) == vme::encode_event(e));
    auto props = binary.properties(e, true);
    CHECK(props.content_type == "application/json");
    CHECK(props.user == vme::cloudevent_attributes(e));
    CHECK(binary.properties(e, false).empty());

    vme::pub::CloudEventsWire structured(true);
    CHECK(structured.payload(e) == vme::encode_cloudevent(e));
    auto sprops = structured.properties(e, true);
    CHECK(sprops.content_type == "application/cloudevents+json");
    CHECK(sprops.user.empty());
    CHECK(structured.properties(e, false).empty());
}
