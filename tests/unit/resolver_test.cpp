// Name lookups off the event loop (io/resolver.h): the answer comes back on
// the loop, never from inside resolve().
#include <doctest/doctest.h>

#include <chrono>
#include <optional>

#include "io/event_loop.h"
#include "io/resolver.h"

namespace {

/// Runs `loop` until `answer` is set (at most ~10 s).
void run_until(vme::io::EventLoop& loop, const std::optional<vme::io::Resolver::Answer>& answer) {
    for (int i = 0; i < 1000 && !answer; ++i) loop.run_once(std::chrono::milliseconds(10));
}

}  // namespace

TEST_SUITE("resolver") {

TEST_CASE("is_ip_literal") {
    CHECK(vme::io::is_ip_literal("127.0.0.1"));
    CHECK(vme::io::is_ip_literal("::1"));
    CHECK(vme::io::is_ip_literal("fe80::1"));
    CHECK_FALSE(vme::io::is_ip_literal("localhost"));
    CHECK_FALSE(vme::io::is_ip_literal("127.0.0.1.example"));
    CHECK_FALSE(vme::io::is_ip_literal(""));
}

TEST_CASE("an IP literal is answered on the loop, not inside resolve()") {
    vme::io::EventLoop loop;
    vme::io::Resolver resolver(loop);
    std::optional<vme::io::Resolver::Answer> answer;
    resolver.resolve("192.0.2.7", [&](vme::io::Resolver::Answer a) { answer = std::move(a); });
    CHECK_FALSE(answer);
    run_until(loop, answer);
    REQUIRE(answer);
    CHECK(answer->error.empty());
    REQUIRE(answer->addresses.size() == 1);
    CHECK(answer->addresses[0] == "192.0.2.7");
}

TEST_CASE("localhost resolves (from the hosts file) to a loopback address") {
    vme::io::EventLoop loop;
    vme::io::Resolver resolver(loop);
    std::optional<vme::io::Resolver::Answer> answer;
    resolver.resolve("localhost", [&](vme::io::Resolver::Answer a) { answer = std::move(a); });
    run_until(loop, answer);
    REQUIRE(answer);
    REQUIRE_FALSE(answer->addresses.empty());
    bool loopback = false;
    for (const auto& a : answer->addresses) loopback = loopback || a == "127.0.0.1" || a == "::1";
    CHECK(loopback);
}

TEST_CASE("a cancelled lookup never answers") {
    vme::io::EventLoop loop;
    vme::io::Resolver resolver(loop);
    bool called = false;
    resolver.resolve("192.0.2.8", [&](vme::io::Resolver::Answer) { called = true; });
    resolver.cancel();
    for (int i = 0; i < 5; ++i) loop.run_once(std::chrono::milliseconds(5));
    CHECK_FALSE(called);
}

TEST_CASE("a new lookup replaces the pending one") {
    vme::io::EventLoop loop;
    vme::io::Resolver resolver(loop);
    int first = 0;
    std::optional<vme::io::Resolver::Answer> answer;
    resolver.resolve("192.0.2.9", [&](vme::io::Resolver::Answer) { ++first; });
    resolver.resolve("192.0.2.10", [&](vme::io::Resolver::Answer a) { answer = std::move(a); });
    run_until(loop, answer);
    REQUIRE(answer);
    CHECK(answer->addresses.at(0) == "192.0.2.10");
    CHECK(first == 0);
}

}  // TEST_SUITE
