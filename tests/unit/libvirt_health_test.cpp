// What vm-pub's status says about libvirt (publisher/libvirt_health.h), the
// token table of its words (common/libvirt_health.h), and the libvirt
// callback table (publisher/event_callbacks.h).
#include <doctest/doctest.h>

#include <libvirt/libvirt.h>

#include "common/libvirt_health.h"
#include "common/message.h"
#include "common/names.h"
#include "publisher/event_callbacks.h"
#include "publisher/libvirt_health.h"

using vme::pub::LibvirtHealth;
using State = LibvirtHealth::State;

TEST_SUITE("libvirt_health") {

TEST_CASE("unknown until the first answer, then each change once") {
    LibvirtHealth h;
    CHECK(h.state() == State::Unknown);
    CHECK(h.wire().empty());
    CHECK(h.since().empty());
    CHECK(h.connected("t1"));
    CHECK(h.wire() == "connected");
    CHECK(h.since() == "t1");
    CHECK_FALSE(h.connected("t2"));  // no change, no republish
    CHECK(h.since() == "t1");
    CHECK(h.unreachable("keepalive timeout", "t3"));
    CHECK(h.wire() == "unreachable");
    CHECK(h.error() == "keepalive timeout");
    CHECK(h.since() == "t3");
    // Retries that fail keep the first reason and time.
    CHECK_FALSE(h.unreachable("no answer for 20 s", "t4"));
    CHECK(h.error() == "keepalive timeout");
    CHECK(h.since() == "t3");
    CHECK(h.connected("t5"));
    CHECK(h.error().empty());
    CHECK(h.since() == "t5");
}

TEST_CASE("unreachable before ever connecting") {
    LibvirtHealth h;
    CHECK(h.unreachable("no answer for 20 s", "t1"));
    CHECK(h.wire() == "unreachable");
    CHECK(h.connected("t2"));
}

TEST_CASE("the token table: every value once, each token read back into its value") {
    using vme::LibvirtHealthState;
    const LibvirtHealthState all[] = {LibvirtHealthState::Unknown, LibvirtHealthState::Connected,
                                      LibvirtHealthState::Unreachable};
    CHECK(vme::kLibvirtHealthTokens.size() == std::size(all));
    for (const auto state : all) {
        CAPTURE(static_cast<int>(state));
        const std::string_view token = vme::libvirt_health_token(state);
        CHECK(vme::libvirt_health_from_token(token) == state);
    }
    CHECK(vme::libvirt_health_token(LibvirtHealthState::Unknown).empty());
    CHECK(vme::libvirt_health_token(LibvirtHealthState::Connected) == "connected");
    CHECK(vme::libvirt_health_token(LibvirtHealthState::Unreachable) == "unreachable");
    for (const char* other : {"Connected", "UNREACHABLE", "sleepy", " connected", "unknown"}) {
        CAPTURE(other);
        CHECK_FALSE(vme::libvirt_health_from_token(other).has_value());
    }
}

TEST_CASE("a status carries the state the publisher's health is in") {
    LibvirtHealth h;
    h.unreachable("keepalive timeout", "t1");
    vme::HostStatus s;
    s.host = "hv1";
    s.online = true;
    s.libvirt = h.state();
    const auto back = vme::decode_status(vme::encode_status(s));
    REQUIRE(back.ok());
    CHECK(back->libvirt == vme::LibvirtHealthState::Unreachable);
}

TEST_CASE("the callback table has one row per event kind, indexed by id") {
    auto table = vme::pub::event_callback_table();
    CHECK(table.size() == vme::all_kind_names().size());
    for (std::size_t i = 0; i < table.size(); ++i) {
        CAPTURE(i);
        CHECK(table[i].id == static_cast<int>(i));
        CHECK(static_cast<bool>(table[i].callback));
    }
}

}  // TEST_SUITE
