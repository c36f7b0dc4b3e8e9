// Broker URL parsing (common/broker_url.h).
#include <doctest/doctest.h>

#include <string>

#include "common/broker_url.h"

namespace {

constexpr const char* kPasswordRefused =
    "password in broker URL refused (visible to every user via ps); "
    "use --password-file or VM_EVENTS_PASSWORD";

vme::BrokerUrl parsed(const char* text) {
    auto url = vme::parse_broker_url(text);
    REQUIRE_MESSAGE(url.ok(), url.error().message);
    return *url;
}

std::string error_of(const char* text) {
    auto url = vme::parse_broker_url(text);
    REQUIRE_FALSE(url.ok());
    return url.error().message;
}

}  // namespace

TEST_SUITE("broker_url") {

TEST_CASE("mqtt://host uses the default port") {
    const auto url = parsed("mqtt://broker.example");
    CHECK_FALSE(url.tls);
    CHECK(url.user.empty());
    CHECK(url.host == "broker.example");
    CHECK(url.port == 1883);
}

TEST_CASE("user and port") {
    const auto url = parsed("mqtt://user@host:1884");
    CHECK(url.user == "user");
    CHECK(url.host == "host");
    CHECK(url.port == 1884);
    CHECK_FALSE(url.tls);
}

TEST_CASE("mqtts with an IPv6 literal") {
    const auto url = parsed("mqtts://[::1]:8883");
    CHECK(url.tls);
    CHECK(url.host == "::1");
    CHECK(url.port == 8883);
    CHECK(parsed("mqtts://[fe80::1%eth0]").host == "fe80::1%eth0");
    CHECK(parsed("mqtts://[::1]").port == 8883);
    CHECK(parsed("mqtts://host").port == 8883);
}

TEST_CASE("bare host[:port] is mqtt://") {
    const auto url = parsed("localhost:1884");
    CHECK_FALSE(url.tls);
    CHECK(url.host == "localhost");
    CHECK(url.port == 1884);
    CHECK(parsed("127.0.0.1").port == 1883);
    CHECK(parsed("[::1]:2000").host == "::1");
    CHECK(parsed("alice@hv1").user == "alice");
}

TEST_CASE("scheme is case-insensitive, one trailing slash is fine") {
    CHECK(parsed("MQTTS://host").tls);
    CHECK(parsed("mqtt://host/").host == "host");
    CHECK(parsed("mqtt://host:1900/").port == 1900);
}

TEST_CASE("user is percent-decoded") {
    CHECK(parsed("mqtt://a%40b@host").user == "a@b");
    CHECK(parsed("mqtt://vm%2Dpub@host").user == "vm-pub");
    CHECK(parsed("mqtt://a+b@host").user == "a+b");
}

TEST_CASE("a password is refused with the documented message") {
    CHECK(error_of("mqtt://u:p@h") == kPasswordRefused);
    CHECK(error_of("mqtts://user:secret@[::1]:8883") == kPasswordRefused);
    CHECK(error_of("user:secret@host") == kPasswordRefused);
    CHECK(error_of("mqtt://u:@h") == kPasswordRefused);
    CHECK(error_of("mqtt://u:p/x@h") == kPasswordRefused);
}

TEST_CASE("no error message quotes a secret") {
    for (const char* text : {"mqtt://u:hunter2@h", "mqtt://h/hunter2", "mqtt://h?pw=hunter2",
                             "mqtt://u:hunter2@h:99999", "ftp://u:hunter2@h"}) {
        CAPTURE(text);
        auto url = vme::parse_broker_url(text);
        REQUIRE_FALSE(url.ok());
        CHECK(url.error().message.find("hunter2") == std::string::npos);
    }
}

TEST_CASE("errors") {
    CHECK(error_of("") == "empty broker URL");
    CHECK(error_of("http://host") == "unknown broker URL scheme \"http\" (use mqtt:// or mqtts://)");
    CHECK(error_of("mqtt://") == "missing host in broker URL");
    CHECK(error_of("mqtt://:1883") == "missing host in broker URL");
    CHECK(error_of("mqtt://[]:1883") == "missing host in broker URL");
    CHECK(error_of("mqtt://user@") == "missing host in broker URL");
    CHECK(error_of("mqtt://host:") == "missing port number after ':' in broker URL");
    CHECK(error_of("mqtt://host:0") == "bad broker port \"0\" (expected 1..65535)");
    CHECK(error_of("mqtt://host:65536") == "bad broker port \"65536\" (expected 1..65535)");
    CHECK(error_of("mqtt://host:-1") == "bad broker port \"-1\" (expected 1..65535)");
    CHECK(error_of("mqtt://host:12ab") == "bad broker port \"12ab\" (expected 1..65535)");
    CHECK(error_of("mqtt://host:99999999999999999999") ==
          "bad broker port \"99999999999999999999\" (expected 1..65535)");
    const std::string no_path =
        "broker URL must not have a path or query (only mqtt[s]://[user@]host[:port])";
    CHECK(error_of("mqtt://host/topic") == no_path);
    CHECK(error_of("mqtt://host?x=1") == no_path);
    CHECK(error_of("mqtt://host#frag") == no_path);
    CHECK(error_of("mqtt://host//") == no_path);
    CHECK(error_of("mqtt://host/a@b") == no_path);
    CHECK(error_of("mqtt://::1") == "an IPv6 broker address needs brackets, e.g. mqtt://[::1]:1883");
    CHECK(error_of("mqtt://[::1") == "unclosed '[' in broker URL host");
    CHECK(error_of("mqtt://[::1]x") == "unexpected text after ']' in broker URL host");
    CHECK(error_of("mqtt://@host") == "empty user name before '@' in broker URL");
    CHECK(error_of("mqtt://a%4@host") == "bad percent escape in broker URL user name");
    CHECK(error_of("mqtt://a%0Ab@host") ==
          "broker URL user name must be valid UTF-8 without control characters");
    CHECK(error_of("mqtt://ho st") == "bad broker host \"ho st\"");
    CHECK(error_of("mqtt://ho\x1bst") == "bad broker host \"ho\\x1bst\"");
}

TEST_CASE("describe never shows a password and round trips") {
    CHECK(vme::describe(parsed("mqtt://host")) == "mqtt://host:1883");
    CHECK(vme::describe(parsed("mqtts://alice@[::1]")) == "mqtts://alice@[::1]:8883");
    CHECK(vme::describe(parsed("a%40b@host:1")) == "mqtt://a%40b@host:1");
    for (const char* text : {"mqtt://host:1883", "mqtts://alice@[::1]:8883", "mqtt://a%40b@h:2"}) {
        CAPTURE(text);
        CHECK(vme::describe(parsed(text)) == text);
    }
}

}  // TEST_SUITE
