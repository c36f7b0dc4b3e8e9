// decode_plain_event, the fast path of decode_event: for every input it
// either declines or gives exactly what the document-based decoder gives.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "common/event_fast_decode.h"
#include "common/message.h"

namespace {

const std::string kPlain =
    R"({"schema":"vm-events/1","seq":3,"boot":"fb01","time":"2026-11-26T03:49:56.555Z","host":"hv1",)"
    R"("uri":"qemu:///system","domain":{"name":"web1","uuid":"e15d84c2-49c1-41e8-8f0a-4b5353ab5904","id":2},)"
    R"("kind":"lifecycle","event":"started","detail":"booted","event_code":2,"detail_code":0,"text":"Started Booted"})";

/// kPlain with `from` replaced by `to` (first occurrence).
std::string variant(const std::string& from, const std::string& to) {
    std::string text = kPlain;
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

/// The fast path agrees with the document decoder: same event, or it declines.
void check_agrees(const std::string& payload, bool expect_fast) {
    CAPTURE(payload);
    const auto fast = vme::decode_plain_event(payload);
    const auto full = vme::decode_event_document(payload);
    CHECK(fast.has_value() == expect_fast);
    if (fast) {
        REQUIRE(full);
        CHECK(vme::encode_event(*fast) == vme::encode_event(*full));
    }
    const auto combined = vme::decode_event(payload);
    CHECK(static_cast<bool>(combined) == static_cast<bool>(full));
    if (!full) CHECK(combined.error().message == full.error().message);
}

}  // namespace

TEST_SUITE("event_fast_decode") {

TEST_CASE("plain events take the fast path, with every field") {
    check_agrees(kPlain, true);
    const auto event = vme::decode_plain_event(kPlain);
    REQUIRE(event);
    CHECK(event->seq == 3);
    CHECK(event->domain.name == "web1");
    CHECK(event->domain.id == 2);
    CHECK(event->detail_code == 0);
    CHECK(event->text == "Started Booted");
    check_agrees(variant(R"("id":2)", R"("id":null)"), true);
    check_agrees(variant(R"(,"detail":"booted")", ""), true);
    check_agrees(variant(R"("text":"Started Booted")", R"("text":"caf\u00e9 \"q\" \\ \n","synthetic":true)"), true);
    check_agrees(variant(R"("host":"hv1")", " \"host\" : \"h\xc3\xa9\" "), true);
    check_agrees(variant(R"("seq":3)", R"("seq":18446744073709551615)"), true);
}

TEST_CASE("kind-specific fields take the fast path too, whole and in payload order") {
    const std::string with_fields = variant(
        R"("text":"Started Booted")",
        R"("text":"t","dev_alias":"ua-cd","cpu":{"n":[1,-2,3.5,null,true,{"deep":["x"]}]},"name":"n","empty":{})");
    check_agrees(with_fields, true);
    const auto event = vme::decode_plain_event(with_fields);
    REQUIRE(event);
    CHECK(event->fields.dump() ==
          R"({"dev_alias":"ua-cd","cpu":{"n":[1,-2,3.5,null,true,{"deep":["x"]}]},"name":"n","empty":{}})");
    // A field before the standard keys, and a standard key after the fields.
    check_agrees(variant(R"({"schema")", R"({"first":[],"schema")"), true);
    check_agrees(variant(R"(,"text":"Started Booted")", R"(,"f":-1,"text":"Started Booted")"), true);
}

TEST_CASE("everything else is left to the document decoder, which then decides") {
    const std::vector<std::string> declined = {
        "",
        "[]",
        "\"x\"",
        "null",
        "{}",
        kPlain + " x",
        variant(R"("seq":3)", R"("seq":-3)"),
        variant(R"("seq":3)", R"("seq":3.0)"),
        variant(R"("seq":3)", R"("seq":18446744073709551616)"),
        variant(R"("event_code":2)", R"("event_code":2147483648)"),
        variant(R"("id":2)", R"("id":"2")"),
        variant(R"("id":2)", R"("id":2,"extra":1)"),
        variant(R"("schema":"vm-events/1")", R"("schema":"vm-events/2")"),
        variant(R"("host":"hv1")", R"("host":"hv1","host":"hv2")"),
        variant(R"("host":"hv1")", R"("host":"hv1","x":1,"x":2)"),            // a field twice
        variant(R"("host":"hv1")", R"("host":"hv1","x":{"a":1,"a":2})"),      // a key twice inside one
        variant(R"("host":"hv1")", R"("host":"hv1","x":)" + std::string(40, '[') + std::string(40, ']')),
        variant(R"("host":"hv1")", R"("host":"hv1","x":[1,)"),                 // cut short inside one
        variant(R"("host":"hv1")", R"("host":null)"),
        variant(R"("host":"hv1")", R"("host":"\xff")"),
        variant(R"("domain":{"name":"web1",)", R"("domain":{)"),
        variant(R"("text":"Started Booted")", R"("text":"x","synthetic":1)"),
        variant(R"("kind":"lifecycle",)", ""),
    };
    for (const auto& payload : declined) check_agrees(payload, false);
}

}  // TEST_SUITE
