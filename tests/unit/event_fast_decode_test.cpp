// EventDecoder's fast path (simdjson On-Demand): for every input it either
// declines or gives exactly what the document-based decoder gives, member
// by member and field by field (tests/unit/decode_compare.h).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "common/decode.h"
#include "common/message.h"
#include "tests/unit/decode_compare.h"

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
        CHECK(vme::test::same_event(*fast, *full));
    }
    const auto combined = vme::decode_event(payload);
    CHECK(static_cast<bool>(combined) == static_cast<bool>(full));
    if (!full) CHECK(combined.error().message == full.error().message);
    if (full && combined) CHECK(vme::test::same_event(*combined, *full));
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
    check_agrees(variant(R"("seq":3)", R"("seq":0)"), true);
    check_agrees(variant(R"("event_code":2)", R"("event_code":2147483647)"), true);
}

TEST_CASE("the fast path takes what JSON allows around the compact form") {
    // Keys written with escapes are the same keys.
    check_agrees(variant(R"("seq":3)", R"("seq":3)"), true);
    check_agrees(variant(R"("name":"web1")", R"("name":"web1")"), true);
    // Whitespace everywhere JSON allows it, and keys in any order.
    check_agrees(" \n\t{ \"schema\" : \"vm-events/1\" ,\r\n \"domain\" : { \"id\" : null , \"name\" : \"w\" } ,"
                 " \"host\":\"h\",\"time\":\"t\",\"boot\":\"b\",\"seq\":1,\"kind\":\"k\",\"event\":\"e\" } \n",
                 true);
    // Escapes in values: a surrogate pair, \/ and \u0000.
    check_agrees(variant(R"("text":"Started Booted")", R"("text":"\ud83d\ude00 a\/b \u0000")"), true);
    // Empty strings for required and optional text.
    check_agrees(variant(R"("boot":"fb01")", R"("boot":"")"), true);
    check_agrees(variant(R"("uri":"qemu:///system")", R"("uri":"")"), true);
    check_agrees(variant(R"("text":"Started Booted")", R"("text":"x","synthetic":false)"), true);
}

TEST_CASE("numbers of kind-specific fields keep nlohmann's types") {
    // -0 is an integer for nlohmann, a double for simdjson; 1E2 is a
    // float; beyond 64 bits an integer becomes a float.
    const std::string numbers = variant(
        R"("text":"Started Booted")",
        R"("text":"t","n":[-0,0,1E2,-1,1.5e-3,18446744073709551615,18446744073709551616,-9223372036854775809])");
    check_agrees(numbers, true);
    const auto event = vme::decode_plain_event(numbers);
    REQUIRE(event);
    CHECK(event->fields["n"][0].is_number_integer());
    CHECK(event->fields["n"][2].is_number_float());
    CHECK(event->fields["n"][5].is_number_unsigned());
    CHECK(event->fields["n"][6].is_number_float());
    // A field whose value is one scalar, with spaces around it.
    check_agrees(variant(R"("text":"Started Booted")", R"("text":"t","s" : "\u00e9" ,"b": true ,"z":null)"), true);
}

TEST_CASE("one decoder serves many payloads, longer and shorter") {
    vme::EventDecoder decoder;
    const std::string big = variant(R"("text":"Started Booted")", R"("text":")" + std::string(100000, 'x') + R"(")");
    const std::vector<std::string> payloads = {kPlain, big, kPlain, "{}", kPlain + "{}", kPlain};
    for (const auto& payload : payloads) {
        CAPTURE(payload.size());
        const auto fast = decoder.decode_plain(payload);
        const auto full = vme::decode_event_document(payload);
        CHECK(fast.has_value() == static_cast<bool>(full));
        if (fast && full) CHECK(vme::test::same_event(*fast, *full));
        const auto combined = decoder.decode(payload);
        CHECK(static_cast<bool>(combined) == static_cast<bool>(full));
    }
}

TEST_CASE("simdjson's kernel is chosen at run time") {
    const std::string_view kernel = vme::EventDecoder::kernel();
    MESSAGE("simdjson kernel: " << std::string(kernel));
    CHECK_FALSE(kernel.empty());
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
        kPlain + "{}",                                                         // two documents
        "\xef\xbb\xbf" + kPlain,                                                 // a byte order mark
        variant(R"("seq":3)", R"("seq":-0)"),
        variant(R"("seq":3)", R"("seq":03)"),
        variant(R"("seq":3)", R"("seq":1e2)"),
        variant(R"("id":2)", R"("id":nul)"),
        variant(R"("id":2)", R"("id":-1)"),
        variant(R"("host":"hv1")", R"("host":"a\ud800")"),                      // a lone surrogate
        variant(R"("host":"hv1")", R"("host":"a\udc00")"),
        variant(R"("host":"hv1")", "\"host\":\"a\tb\""),                          // a raw control character
        variant(R"("host":"hv1")", R"("host":"hv1","\udc00":1)"),               // ... in a field's key
        variant(R"("host":"hv1")", R"("host":"a\x")"),                          // a bad escape
        variant(R"("host":"hv1")", R"("host":"hv1",)"),
        variant(R"("host":"hv1")", R"("host":"hv1","x":tru)"),
        variant(R"("host":"hv1")", R"("host":"hv1","x":1 2)"),
        variant(R"("host":"hv1")", R"("host":"hv1","x":[1}])"),
        variant(R"("host":"hv1")", R"("host":"hv1","x":1e400)"),
        variant(R"("seq":3)", R"("seq":3,"seq":4)"),
        variant(R"("name":"web1")", R"("name":"web1","name":"web2")"),
        kPlain.substr(0, kPlain.size() - 1),
        // NUL bytes after a field's number: the end of input for nlohmann
        // reading the field alone, invalid JSON in the payload (fuzzing).
        variant(R"("text":"Started Booted")", std::string(R"("text":"t","utcoffset":360)") + std::string(3, '\0') + "0"),
        variant(R"("text":"Started Booted")", std::string(R"("text":"t","o":{"a":1)") + std::string(1, '\0') + "}"),
        // A field's scalar followed by ':' (also found by fuzzing: On-Demand
        // skips an unread value without checking what follows it).
        variant(R"("text":"Started Booted")", R"("text":"t","p":"a":"b","l":[{"c":[1]}]},"u":"v")"),
        variant(R"("text":"Started Booted")", R"("text":"t","p":1:2},"u":"v")"),
        variant(R"("text":"Started Booted")", R"("text":"t","p":true "q"},"u":"v")"),
    };
    for (const auto& payload : declined) check_agrees(payload, false);
}

}  // TEST_SUITE

TEST_SUITE("decode") {

TEST_CASE("EventDecoder: the fast path's event, else the document decoder's event or error") {
    vme::EventDecoder decoder;
    const auto plain = decoder.decode(kPlain);
    REQUIRE(plain);
    CHECK(vme::test::same_event(*plain, *vme::decode_event_document(kPlain)));
    // A standard key of an unexpected type: the fast path declines and the
    // document decoder names the field.
    const std::string bad = variant(R"("seq":3)", R"("seq":"3")");
    CHECK_FALSE(decoder.decode_plain(bad));
    const auto refused = decoder.decode(bad);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message == vme::decode_event_document(bad).error().message);
    CHECK(vme::decode_event(bad).error().message == refused.error().message);
    CHECK(vme::EventDecoder::kernel() == vme::FastEventDecoder::kernel());
}

}  // TEST_SUITE
