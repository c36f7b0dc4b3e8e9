// vm-sub --list (subscriber/list_mode): the collector's picture of the
// fleet from retained state, status and inventory messages, its table and
// JSON lines, and align_columns.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cli_args.h"
#include "common/message.h"
#include "common/topic.h"
#include "subscriber/list_mode.h"

using namespace vme;
using namespace vme::sub;

namespace {

State make_state(const std::string& host, const std::string& vm, const std::string& state, int id = -1) {
    State s;
    s.time = "2026-11-26T02:21:24.457Z";
    s.host = host;
    s.domain = {vm, "", id};
    s.state = state;
    s.reason = state == "running" ? "booted" : "shutdown";
    s.state_code = state == "running" ? 1 : 5;
    s.boot = "b1";
    return s;
}

std::string status_payload(const std::string& host, bool online) {
    HostStatus status;
    status.host = host;
    status.online = online;
    return encode_status(status);
}

/// A collector for prefix "libvirt" with `filter`; its warnings go to stderr.
struct Fixture {
    explicit Fixture(Filter filter = {}) : list("libvirt", std::move(filter), diag) {}
    void state(const State& s) { list.add(state_topic("libvirt", s.host, s.domain.name), encode_state(s)); }
    Diagnostics diag{"vm-sub", 0};
    ListCollector list;
};

std::vector<std::string> names(const std::vector<State>& rows) {
    std::vector<std::string> out;
    for (const auto& row : rows) out.push_back(row.host + "/" + row.domain.name);
    return out;
}

}  // namespace

TEST_SUITE("sub.list") {

TEST_CASE("rows are sorted by host then VM; a later state replaces, an empty payload removes") {
    Fixture f;
    f.state(make_state("hv2", "db1", "running", 4));
    f.state(make_state("hv1", "web2", "shutoff"));
    f.state(make_state("hv1", "web1", "shutoff"));
    f.state(make_state("hv1", "web1", "running", 3));
    CHECK(names(f.list.rows()) == std::vector<std::string>{"hv1/web1", "hv1/web2", "hv2/db1"});
    CHECK(f.list.rows()[0].state == "running");
    CHECK(f.list.rows()[0].domain.id == 3);
    f.list.add(state_topic("libvirt", "hv1", "web2"), "");
    CHECK(names(f.list.rows()) == std::vector<std::string>{"hv1/web1", "hv2/db1"});
}

TEST_CASE("the aligned table: header, one line per VM, host status, hosts without VMs") {
    Fixture f;
    f.state(make_state("hv1", "web1", "running", 3));
    f.state(make_state("hv1", "a-much-longer-vm", "shutoff"));
    f.list.add(status_topic("libvirt", "hv1"), status_payload("hv1", true));
    f.list.add(status_topic("libvirt", "empty-host"), status_payload("empty-host", false));
    CHECK(f.list.table_lines() == std::vector<std::string>{
                                      "HOST        VM                STATE    REASON    ID  HOST-STATUS",
                                      "empty-host  -                 -        -         -   offline",
                                      "hv1         a-much-longer-vm  shutoff  shutdown  -   online",
                                      "hv1         web1              running  booted    3   online",
                                  });
}

TEST_CASE("a host that sent no status shows '-'; a removed status too") {
    Fixture f;
    f.state(make_state("hv1", "web1", "running", 3));
    f.list.add(status_topic("libvirt", "hv1"), status_payload("hv1", true));
    f.list.add(status_topic("libvirt", "hv1"), "");
    const auto lines = f.list.table_lines();
    REQUIRE(lines.size() == 2);
    CHECK(lines[1].ends_with("  -"));
}

TEST_CASE("inventory stands in only for hosts whose states did not arrive") {
    Fixture f;
    f.state(make_state("hv1", "web1", "running", 3));
    InventoryEntry a{{"inv-a", "", 7}, "running", "booted"};
    InventoryEntry b{{"inv-b", "", -1}, "shutoff", ""};
    f.list.add(inventory_topic("libvirt", "hv2"), encode_inventory("2026-11-26T02:21:24.457Z", "hv2", {b, a}));
    f.list.add(inventory_topic("libvirt", "hv1"), encode_inventory("", "hv1", {a}));
    const auto rows = f.list.rows();
    CHECK(names(rows) == std::vector<std::string>{"hv1/web1", "hv2/inv-a", "hv2/inv-b"});
    CHECK(rows[1].state_code == 1);  // from the state name
    CHECK(rows[1].domain.id == 7);
    f.list.add(inventory_topic("libvirt", "hv2"), "");
    CHECK(names(f.list.rows()) == std::vector<std::string>{"hv1/web1"});
}

TEST_CASE("host and domain filters; --domain drops the lines of hosts without VMs") {
    Filter filter;
    filter.domains = {"web*"};
    Fixture f(filter);
    f.state(make_state("hv1", "web1", "running", 3));
    f.state(make_state("hv1", "db1", "running", 4));
    f.list.add(status_topic("libvirt", "empty-host"), status_payload("empty-host", true));
    CHECK(names(f.list.rows()) == std::vector<std::string>{"hv1/web1"});
    CHECK(f.list.table_lines().size() == 2);
    Filter hosts;
    hosts.hosts = {"hv2"};
    Fixture g(hosts);
    g.state(make_state("hv1", "web1", "running", 3));
    g.state(make_state("hv2", "web9", "running", 3));
    g.list.add(status_topic("libvirt", "hv1"), status_payload("hv1", true));
    CHECK(names(g.list.rows()) == std::vector<std::string>{"hv2/web9"});
    CHECK(g.list.table_lines().size() == 2);  // hv1's status line is filtered out too
}

TEST_CASE("what does not fit is skipped: wrong topic, undecodable, another host or VM, events") {
    Fixture f;
    vme::test::CapturedFd err(2);
    f.list.add("other/hv1/web1/state", encode_state(make_state("hv1", "web1", "running")));
    f.list.add(state_topic("libvirt", "hv1", "web1"), "{not json");
    f.list.add(state_topic("libvirt", "hv1", "web1"), encode_state(make_state("hv1", "other-vm", "running")));
    f.list.add(state_topic("libvirt", "hv1", "web1"), encode_state(make_state("hv9", "web1", "running")));
    f.list.add(status_topic("libvirt", "hv1"), status_payload("hv9", true));
    f.list.add(status_topic("libvirt", "hv1"), "[]");
    f.list.add(inventory_topic("libvirt", "hv1"), "{\"schema\":\"vm-events/1\"}");
    f.list.add(event_topic("libvirt", "hv1", "web1", "lifecycle"), "{}");
    const std::string warnings = err.text();
    CHECK(warnings == "vm-sub: warning: on other/hv1/web1/state: not a vm-events/1 topic; skipped\n"
                      "vm-sub: warning: on libvirt/hv1/web1/state: undecodable state: invalid JSON: parse error at "
                      "line 1, column 3: syntax error while parsing object key - invalid literal; last read: '{no'; "
                      "expected string literal\n"
                      "vm-sub: warning: on libvirt/hv1/web1/state: state names another host or VM; skipped\n"
                      "vm-sub: warning: on libvirt/hv1/web1/state: state names another host or VM; skipped\n"
                      "vm-sub: warning: on libvirt/hv1/status: status names another host; skipped\n"
                      "vm-sub: warning: on libvirt/hv1/status: undecodable status: payload is a JSON array, expected "
                      "an object\n"
                      "vm-sub: warning: on libvirt/hv1/inventory: undecodable inventory: missing required field "
                      "\"type\"\n");
    CHECK(f.list.rows().empty());
    CHECK(f.list.table_lines() == std::vector<std::string>{"HOST  VM  STATE  REASON  ID  HOST-STATUS"});
    CHECK(f.list.json_lines().empty());
}

TEST_CASE("json lines: one state object per VM, as published, in row order") {
    Fixture f;
    const State b = make_state("hv1", "b", "running", 2);
    const State a = make_state("hv1", "a", "shutoff");
    f.state(b);
    f.state(a);
    CHECK(f.list.json_lines() == std::vector<std::string>{encode_state(a), encode_state(b)});
}

TEST_CASE("hostile names are sanitized in the table") {
    Fixture f;
    f.state(make_state("hv1", "evil\x1b[2J", "running", 1));
    const auto lines = f.list.table_lines();
    REQUIRE(lines.size() == 2);
    CHECK(lines[1].find('\x1b') == std::string::npos);
    CHECK(lines[1].find("evil\\x1b[2J") != std::string::npos);
}

TEST_CASE("list_subscriptions: states, statuses, and inventories exactly for exact hosts") {
    Filter exact;
    exact.hosts = {"hv1", "hv2"};
    const auto topics = list_subscriptions("libvirt", exact);
    CHECK(std::count(topics.begin(), topics.end(), inventory_topic("libvirt", "hv1")) == 1);
    CHECK(std::count(topics.begin(), topics.end(), inventory_topic("libvirt", "hv2")) == 1);
    Filter glob;
    glob.hosts = {"hv*"};
    const auto wide = list_subscriptions("libvirt", glob);
    CHECK(wide.back() == "libvirt/+/inventory");
}

TEST_CASE("align_columns pads every column but the last to its widest cell, by display width") {
    CHECK(align_columns({{"a", "bb", "c"}, {"ddd", "e", "ffff"}}) ==
          std::vector<std::string>{"a    bb  c", "ddd  e   ffff"});
    CHECK(align_columns({{"漢字", "x"}, {"abcd", "y"}, {"é", "z"}}) ==
          std::vector<std::string>{"漢字  x", "abcd  y", "é     z"});
    CHECK(align_columns({{"a", "b"}, {"long"}}) == std::vector<std::string>{"a     b", "long"});
    CHECK(align_columns({}).empty());
}

}  // TEST_SUITE
