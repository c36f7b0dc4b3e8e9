// --watch's fleet model (subscriber/fleet_model.h): rows from states,
// statuses, inventories and events; counts; sort orders; the name glob; ages.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "common/time.h"
#include "subscriber/fleet_model.h"

using vme::sub::FleetModel;
using vme::sub::SortOrder;

namespace {

constexpr long long kT0 = 1'800'000'000'000;  // 2027-01-15, after every time used below

vme::State state(const std::string& host, const std::string& vm, const std::string& st,
                 const std::string& time = "") {
    vme::State s;
    s.host = host;
    s.domain.name = vm;
    s.state = st;
    s.reason = "booted";
    s.domain.id = 3;
    s.time = time;
    return s;
}

vme::Event event(const std::string& host, const std::string& vm, const std::string& ev,
                 const std::string& text) {
    vme::Event e;
    e.host = host;
    e.domain.name = vm;
    e.kind = "lifecycle";
    e.event = ev;
    e.text = text;
    e.time = "2026-11-26T02:21:24.457Z";
    return e;
}

vme::HostStatus status(const std::string& host, bool online,
                       vme::LibvirtHealthState libvirt = vme::LibvirtHealthState::Unknown,
                       const std::string& time = "") {
    vme::HostStatus s;
    s.host = host;
    s.online = online;
    s.libvirt = libvirt;
    s.time = time;
    return s;
}

std::vector<std::string> names(const std::vector<const vme::sub::VmRow*>& rows) {
    std::vector<std::string> out;
    for (const auto* r : rows) out.push_back(r->host + "/" + r->name);
    return out;
}

}  // namespace

TEST_SUITE("fleet_model") {

TEST_CASE("format_age: at most two units, the smaller zero-padded") {
    using vme::sub::format_age;
    CHECK(format_age(0) == "0s");
    CHECK(format_age(4'000) == "4s");
    CHECK(format_age(4'999) == "4s");
    CHECK(format_age(59'999) == "59s");
    CHECK(format_age(60'000) == "1m00s");
    CHECK(format_age(192'000) == "3m12s");
    CHECK(format_age(3'599'000) == "59m59s");
    CHECK(format_age(3'600'000) == "1h00m");
    CHECK(format_age(7'500'000) == "2h05m");
    CHECK(format_age(86'399'000) == "23h59m");
    CHECK(format_age(6LL * 86'400'000 + 5'000'000) == "6d");
    CHECK(format_age(-5'000) == "0s");  // clock skew
}

TEST_CASE("states make rows; their age starts at the state's time") {
    FleetModel m({});
    m.apply_state(state("hv1", "web1", "running", "2026-11-26T02:21:24.457Z"), kT0, false);
    const auto* r = m.find("hv1", "web1");
    REQUIRE(r);
    CHECK(r->state == "running");
    CHECK(r->since_ms == *vme::ms_from_iso_utc("2026-11-26T02:21:24.457Z"));
    CHECK(r->changed_ms == -1);  // retained: not highlighted
    // Without a time, the state counts from when it was received.
    m.apply_state(state("hv1", "db1", "paused"), kT0, true);
    CHECK(m.find("hv1", "db1")->since_ms == kT0);
    CHECK(m.find("hv1", "db1")->changed_ms == kT0);
}

TEST_CASE("a state change restarts the age, the same state keeps it") {
    FleetModel m({});
    m.apply_state(state("hv1", "web1", "running"), kT0, false);
    m.apply_state(state("hv1", "web1", "running"), kT0 + 5'000, true);
    CHECK(m.find("hv1", "web1")->since_ms == kT0);
    CHECK(m.find("hv1", "web1")->changed_ms == -1);  // nothing changed
    m.apply_state(state("hv1", "web1", "paused"), kT0 + 9'000, true);
    CHECK(m.find("hv1", "web1")->since_ms == kT0 + 9'000);
    CHECK(m.find("hv1", "web1")->changed_ms == kT0 + 9'000);
}

TEST_CASE("removal and undefined events make the row disappear") {
    FleetModel m({});
    m.apply_state(state("hv1", "web1", "running"), kT0, false);
    m.apply_state(state("hv1", "web2", "running"), kT0, false);
    const auto v = m.version();
    m.remove_vm("hv1", "web1");
    CHECK(m.find("hv1", "web1") == nullptr);
    CHECK(m.version() > v);
    m.apply_event(event("hv1", "web2", "undefined", "undefined removed"), kT0);
    CHECK(m.find("hv1", "web2") == nullptr);
    CHECK(m.size() == 0);
}

TEST_CASE("events become the last event and the recent ring, newest first, bounded") {
    FleetModel m({});
    m.apply_state(state("hv1", "web1", "running"), kT0, false);
    for (int i = 0; i < 15; ++i) m.apply_event(event("hv1", "web1", "suspended", "e" + std::to_string(i)), kT0 + i);
    const auto* r = m.find("hv1", "web1");
    CHECK(r->last_event == "e14");
    REQUIRE(r->recent.size() == FleetModel::kRecentEvents);
    CHECK(r->recent.front().text == "e14");
    CHECK(r->recent.back().text == "e5");
    CHECK(r->changed_ms == kT0 + 14);
    // An event without text shows its token.
    m.apply_event(event("hv1", "web1", "resumed", ""), kT0);
    CHECK(m.find("hv1", "web1")->last_event == "resumed");
}

TEST_CASE("the inventory fills hosts without states and gives way to a state") {
    FleetModel m({});
    vme::InventoryEntry e;
    e.domain.name = "inv1";
    e.state = "running";
    e.reason = "booted";
    m.apply_state(state("hv1", "web1", "paused"), kT0, false);
    vme::InventoryEntry w = e;
    w.domain.name = "web1";
    w.state = "running";
    m.apply_inventory("hv1", {e, w});
    CHECK(m.find("hv1", "inv1")->state == "running");
    CHECK(m.find("hv1", "inv1")->since_ms == -1);   // the inventory does not say since when
    CHECK(m.find("hv1", "web1")->state == "paused");  // the state wins over the inventory
    m.apply_state(state("hv1", "inv1", "shutoff"), kT0 + 1, false);
    CHECK_FALSE(m.find("hv1", "inv1")->from_inventory);
    CHECK(m.find("hv1", "inv1")->state == "shutoff");
}

TEST_CASE("the filter keeps rows of the places asked for only") {
    vme::Filter f;
    f.hosts = {"hv1"};
    f.domains = {"web*"};
    FleetModel m(f);
    m.apply_state(state("hv1", "web1", "running"), kT0, false);
    m.apply_state(state("hv1", "db1", "running"), kT0, false);
    m.apply_state(state("hv2", "web2", "running"), kT0, false);
    m.apply_event(event("hv2", "web3", "started", "started booted"), kT0);
    CHECK(m.size() == 1);
    CHECK(m.find("hv1", "web1"));
}

TEST_CASE("counts: hosts online, offline, libvirt unreachable; VMs by state") {
    FleetModel m({});
    m.apply_status(status("hv1", true, vme::LibvirtHealthState::Connected), kT0);
    m.apply_status(status("hv2", false), kT0);
    m.apply_status(status("hv3", true, vme::LibvirtHealthState::Unreachable), kT0);
    for (auto [vm, st] : std::vector<std::pair<std::string, std::string>>{
             {"a", "running"}, {"b", "running"}, {"c", "paused"}, {"d", "shutoff"},
             {"e", "crashed"}, {"f", "pmsuspended"}, {"g", "blocked"}})
        m.apply_state(state("hv1", vm, st), kT0, false);
    const auto c = m.counts();
    CHECK(c.hosts_online == 2);
    CHECK(c.hosts_offline == 1);
    CHECK(c.hosts_libvirt_unreachable == 1);
    CHECK(c.running == 2);
    CHECK(c.paused == 1);
    CHECK(c.shutoff == 1);
    CHECK(c.crashed == 1);
    CHECK(c.other == 2);
    CHECK(c.vms() == 7);
    m.remove_status("hv2");
    CHECK(m.counts().hosts_offline == 0);
}

TEST_CASE("going offline records when: the status time, or now for a last will without one") {
    FleetModel m({});
    m.apply_status(status("hv1", true), kT0);
    CHECK(m.host("hv1")->offline_since_ms == -1);
    m.apply_status(status("hv1", false), kT0 + 7'000);  // the will: no time
    CHECK_FALSE(m.host("hv1")->online);
    CHECK(m.host("hv1")->offline_since_ms == kT0 + 7'000);
    m.apply_status(status("hv1", false), kT0 + 9'000);  // still offline: unchanged
    CHECK(m.host("hv1")->offline_since_ms == kT0 + 7'000);
    m.apply_status(status("hv2", false, vme::LibvirtHealthState::Unknown, "2026-11-26T02:21:24.457Z"), kT0);
    CHECK(m.host("hv2")->offline_since_ms == *vme::ms_from_iso_utc("2026-11-26T02:21:24.457Z"));
    m.apply_status(status("hv1", true, vme::LibvirtHealthState::Connected), kT0 + 10'000);
    CHECK(m.host("hv1")->offline_since_ms == -1);
    CHECK(m.host("nope") == nullptr);
}

TEST_CASE("sort orders and the name glob") {
    FleetModel m({});
    m.apply_state(state("hv2", "alpha", "running", "2026-11-26T02:00:00Z"), kT0, false);
    m.apply_state(state("hv1", "web2", "crashed", "2026-11-26T01:00:00Z"), kT0, false);
    m.apply_state(state("hv1", "web1", "paused", "2026-11-26T03:00:00Z"), kT0, false);
    m.apply_state(state("hv1", "db", "running"), kT0, false);  // since = kT0: the newest
    CHECK(names(m.rows(SortOrder::HostName, "")) ==
          std::vector<std::string>{"hv1/db", "hv1/web1", "hv1/web2", "hv2/alpha"});
    CHECK(names(m.rows(SortOrder::Name, "")) ==
          std::vector<std::string>{"hv2/alpha", "hv1/db", "hv1/web1", "hv1/web2"});
    CHECK(names(m.rows(SortOrder::State, "")) ==
          std::vector<std::string>{"hv1/web2", "hv1/web1", "hv1/db", "hv2/alpha"});
    CHECK(names(m.rows(SortOrder::Age, "")) ==
          std::vector<std::string>{"hv1/db", "hv1/web1", "hv2/alpha", "hv1/web2"});
    CHECK(names(m.rows(SortOrder::HostName, "web*")) == std::vector<std::string>{"hv1/web1", "hv1/web2"});
    CHECK(m.rows(SortOrder::HostName, "zz*").empty());
    CHECK(vme::sub::next_sort(SortOrder::HostName) == SortOrder::Name);
    CHECK(vme::sub::next_sort(SortOrder::Age) == SortOrder::HostName);
    CHECK(vme::sub::sort_name(SortOrder::State) == "state");
}

}  // TEST_SUITE
