// io::ConnectionWatch: which failures are said, and when a run gives up.
#include <doctest/doctest.h>

#include "io/connect_watch.h"

using vme::ConnectCause;
using vme::io::ConnectionWatch;
using vme::io::ConnectRules;
using vme::io::GiveUp;

namespace {
const ConnectCause kRefused{"TCP connection to 127.0.0.1:1: Connection refused", false};
const ConnectCause kRefused6{"TCP connection to [::1]:1: Connection refused", false};
const ConnectCause kBadCert{"TLS: certificate verify failed: self-signed certificate", true};
}  // namespace

TEST_SUITE("connect_watch") {

TEST_CASE("each cause is said once until connected; retrying forever by default") {
    ConnectionWatch watch(ConnectRules{});
    auto first = watch.failed(kRefused);
    CHECK(first.say);
    CHECK_FALSE(first.lost);
    CHECK(first.give_up == GiveUp::No);
    CHECK(first.attempts == 1);
    CHECK_FALSE(watch.failed(kRefused).say);
    CHECK(watch.failed(kRefused6).say);    // a new cause
    CHECK_FALSE(watch.failed(kRefused).say);  // back to an old one: nothing new
    for (int i = 0; i < 1000; ++i) CHECK(watch.failed(kRefused).give_up == GiveUp::No);
    REQUIRE(watch.last_cause());
    CHECK(watch.last_cause()->text == kRefused.text);
    CHECK_FALSE(watch.ever_connected());
}

TEST_CASE("a lost connection is always said, and starts the count and the causes again") {
    ConnectionWatch watch(ConnectRules{3, false});
    CHECK(watch.failed(kRefused).say);
    watch.connected();
    CHECK(watch.ever_connected());
    CHECK_FALSE(watch.last_cause());
    auto lost = watch.failed(kRefused);
    CHECK(lost.lost);
    CHECK(lost.say);
    CHECK(lost.attempts == 1);
    auto again = watch.failed(kRefused);
    CHECK_FALSE(again.lost);
    CHECK_FALSE(again.say);
}

TEST_CASE("--retries N gives up at the Nth failure in a row, and says it") {
    ConnectionWatch watch(ConnectRules{3, false});
    CHECK(watch.failed(kRefused).give_up == GiveUp::No);
    CHECK(watch.failed(kRefused).give_up == GiveUp::No);
    watch.connected();
    CHECK(watch.failed(kRefused).give_up == GiveUp::No);
    CHECK(watch.failed(kRefused).give_up == GiveUp::No);
    auto last = watch.failed(kRefused);
    CHECK(last.give_up == GiveUp::Retries);
    CHECK(last.say);
    CHECK(last.attempts == 3);
}

TEST_CASE("a permanent cause ends a one-shot run at the first attempt, not a long-running one") {
    ConnectionWatch one_shot(ConnectRules{0, true});
    auto verdict = one_shot.failed(kBadCert);
    CHECK(verdict.give_up == GiveUp::Permanent);
    CHECK(verdict.say);
    CHECK(one_shot.failed(kRefused).give_up == GiveUp::No);  // transient: the deadline decides

    ConnectionWatch follow(ConnectRules{});
    CHECK(follow.failed(kBadCert).give_up == GiveUp::No);
    CHECK_FALSE(follow.failed(kBadCert).say);
}

TEST_CASE("a permanent cause wins over the retry count when both apply") {
    ConnectionWatch watch(ConnectRules{1, true});
    CHECK(watch.failed(kBadCert).give_up == GiveUp::Permanent);
}

}  // TEST_SUITE
