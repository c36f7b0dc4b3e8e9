// vm-sub's event pipeline (subscriber/message_handler): the topic checks,
// the payload against its topic, the filter, sequence gaps, duplicates and
// late arrivals, the --since seam, host statuses and -t payloads, through
// a fake MessageSink.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "common/history.h"
#include "common/libvirt_health.h"
#include "common/message.h"
#include "common/topic.h"
#include "subscriber/message_handler.h"
#include "stderr_pipe.h"

using namespace vme;
using namespace vme::sub;

namespace {

/// Records what passed the pipeline.
struct FakeSink final : MessageSink {
    void on_event(const Event& event) override { events.push_back(event.host + "/" + event.domain.name + "#" + std::to_string(event.seq)); }
    void on_status(const HostStatus& status, StatusChange change) override {
        statuses.push_back(status.host + (change == StatusChange::Host ? (status.online ? " online" : " offline")
                                                                       : " libvirt " + std::string(libvirt_health_token(status.libvirt))));
    }
    void on_foreign(std::string_view topic, std::string_view payload) override {
        foreign.push_back(std::string(topic) + " " + std::string(payload));
    }
    std::vector<std::string> events;
    std::vector<std::string> statuses;
    std::vector<std::string> foreign;
};

Event make_event(const std::string& host, std::uint64_t seq, const std::string& vm = "web1",
                 const std::string& kind = "lifecycle", const std::string& boot = "b1") {
    Event e;
    e.seq = seq;
    e.boot = boot;
    e.time = "2026-11-26T02:21:24.457Z";
    e.host = host;
    e.domain = {vm, "c7a5fdbd-cdaf-9455-926a-d65c16db1809", 3};
    e.kind = kind;
    e.event = kind == "lifecycle" ? "started" : "rebooted";
    if (kind == "lifecycle") e.detail = "booted";
    return e;
}

std::string status_payload(const std::string& host, bool online, const std::string& libvirt = "") {
    HostStatus s;
    s.time = "2026-11-26T02:21:24.457Z";
    s.host = host;
    s.online = online;
    s.libvirt = libvirt_health_from_token(libvirt).value();
    return encode_status(s);
}

/// A pipeline for prefix "libvirt" into a FakeSink; warnings into a pipe.
struct Fixture {
    explicit Fixture(HandlerConfig config = {"libvirt", {}, false, true}) : handler(std::move(config), diag, sink) {}
    /// An event on its own topic (or on `topic` when given).
    void event(const Event& e, const std::string& topic = "") {
        handler.handle(topic.empty() ? event_topic("libvirt", e.host, e.domain.name, e.kind) : topic, encode_event(e),
                       false);
    }
    void status(const std::string& host, bool online, bool retained, const std::string& libvirt = "") {
        handler.handle(status_topic("libvirt", host), status_payload(host, online, libvirt), retained);
    }
    StderrPipe err;
    Diagnostics diag{"vm-sub", 0, err.write_fd()};
    FakeSink sink;
    MessageHandler handler;
};

}  // namespace

TEST_SUITE("sub.pipeline") {

TEST_CASE("an event consistent with its topic reaches the sink, nothing is said") {
    Fixture f;
    f.event(make_event("hv1", 1));
    CHECK(f.sink.events == std::vector<std::string>{"hv1/web1#1"});
    CHECK(f.err.text().empty());
}

TEST_CASE("the filter: only matching events reach the sink, silently") {
    Filter filter;
    filter.hosts = {"hv2"};
    Fixture f(HandlerConfig{"libvirt", filter, false, true});
    f.event(make_event("hv1", 1));
    f.event(make_event("hv2", 1));
    CHECK(f.sink.events == std::vector<std::string>{"hv2/web1#1"});
    CHECK(f.err.text().empty());
}

TEST_CASE("a payload that names another host, VM or kind than its topic is skipped with a warning") {
    Fixture f;
    f.event(make_event("hv2", 1), event_topic("libvirt", "hv1", "web1", "lifecycle"));
    CHECK(f.err.text() == "vm-sub: warning: on libvirt/hv1/web1/event/lifecycle: payload names host 'hv2' VM 'web1', "
                          "not the topic's; skipped\n");
    f.event(make_event("hv1", 1, "db1"), event_topic("libvirt", "hv1", "web1", "lifecycle"));
    CHECK(f.err.text().find("VM 'db1', not the topic's; skipped") != std::string::npos);
    f.event(make_event("hv1", 1, "web1", "reboot"), event_topic("libvirt", "hv1", "web1", "lifecycle"));
    CHECK(f.err.text() == "vm-sub: warning: on libvirt/hv1/web1/event/lifecycle: payload kind 'reboot' is not the "
                          "topic's; skipped\n");
    CHECK(f.sink.events.empty());
}

TEST_CASE("undecodable payloads and topics outside the scheme: a warning each, nothing emitted") {
    Fixture f;
    f.handler.handle("libvirt/hv1/web1/event/lifecycle", "not json", false);
    CHECK(f.err.text().starts_with("vm-sub: warning: on libvirt/hv1/web1/event/lifecycle: undecodable event: "));
    f.handler.handle("elsewhere/x", "{}", false);
    CHECK(f.err.text().starts_with("vm-sub: warning: on elsewhere/x: not a vm-events/1 topic: "));
    f.handler.handle(status_topic("libvirt", "hv1"), "not json", false);
    CHECK(f.err.text().starts_with("vm-sub: warning: on libvirt/hv1/status: undecodable status: "));
    f.handler.handle(state_topic("libvirt", "hv1", "web1"), "{}", true);  // not for the pipeline
    CHECK(f.err.text().empty());
    CHECK(f.sink.events.empty());
    CHECK(f.sink.foreign.empty());
}

TEST_CASE("-t: foreign topics and payloads reach on_foreign; an event off its topic does not") {
    Fixture f(HandlerConfig{"libvirt", {}, true, false});
    f.handler.handle("elsewhere/x", "hello", false);
    f.handler.handle("libvirt/hv1/web1/event/lifecycle", "not json", false);
    f.handler.handle(state_topic("libvirt", "hv1", "web1"), "{}", true);
    CHECK(f.sink.foreign == std::vector<std::string>{"elsewhere/x hello", "libvirt/hv1/web1/event/lifecycle not json",
                                                     "libvirt/hv1/web1/state {}"});
    f.handler.handle("elsewhere/x", encode_event(make_event("hv1", 1)), false);
    CHECK(f.sink.foreign.size() == 3);
    CHECK(f.err.text().find("event on a topic outside <prefix>/<host>/<vm>/event/<kind>") != std::string::npos);
}

TEST_CASE("sequence: a gap is reported, a duplicate dropped, a late arrival reported and kept") {
    Fixture f;
    f.event(make_event("hv1", 1));
    f.event(make_event("hv1", 2));
    f.event(make_event("hv1", 5));
    CHECK(f.err.text() == "vm-sub: warning: gap: host hv1 (boot b1): missed seq 3..4\n");
    f.event(make_event("hv1", 5));
    CHECK(f.err.text() == "vm-sub: warning: duplicate: host hv1 (boot b1): seq 5 again; skipped\n");
    f.event(make_event("hv1", 3));
    CHECK(f.err.text() == "vm-sub: warning: out of order: host hv1 (boot b1): seq 3 arrived late (fills an earlier gap)\n");
    CHECK(f.sink.events == std::vector<std::string>{"hv1/web1#1", "hv1/web1#2", "hv1/web1#5", "hv1/web1#3"});
}

TEST_CASE("sequence: each host and boot counts alone") {
    Fixture f;
    f.event(make_event("hv1", 1));
    f.event(make_event("hv2", 7));
    f.event(make_event("hv1", 1, "web1", "lifecycle", "b2"));
    f.event(make_event("hv1", 2));
    CHECK(f.err.text().empty());
    CHECK(f.sink.events.size() == 4);
}

TEST_CASE("without the gap check (narrowed, or --no-gap-check) duplicates pass and nothing is said") {
    Fixture f(HandlerConfig{"libvirt", {}, false, false});
    f.event(make_event("hv1", 1));
    f.event(make_event("hv1", 4));
    f.event(make_event("hv1", 4));
    CHECK(f.err.text().empty());
    CHECK(f.sink.events.size() == 3);
}

TEST_CASE("gap_check_applies: off for --domain, --kind, --event, -t and --no-gap-check") {
    Options o;
    CHECK(gap_check_applies(o));
    Options domain = o;
    domain.filter.domains = {"web*"};
    CHECK_FALSE(gap_check_applies(domain));
    Options kind = o;
    kind.filter.kinds = {"lifecycle"};
    CHECK_FALSE(gap_check_applies(kind));
    Options event = o;
    event.filter.events = {"started"};
    CHECK_FALSE(gap_check_applies(event));
    Options raw = o;
    raw.topics = {"x/#"};
    CHECK_FALSE(gap_check_applies(raw));
    Options off = o;
    off.gap_check = false;
    CHECK_FALSE(gap_check_applies(off));
    Options host = o;
    host.filter.hosts = {"hv1"};
    CHECK(gap_check_applies(host));  // a host's events all arrive
    CHECK(handler_config(raw).raw_mode);
}

TEST_CASE("the seam: what the history showed is dropped silently, the rest goes on") {
    Fixture f;
    SeamFilter seam;
    seam.record("hv1", "b1", 5);
    f.handler.set_seam(std::move(seam));
    f.event(make_event("hv1", 4));
    f.event(make_event("hv1", 5));
    f.event(make_event("hv1", 6));
    f.event(make_event("hv2", 1));
    CHECK(f.sink.events == std::vector<std::string>{"hv1/web1#6", "hv2/web1#1"});
    CHECK(f.err.text().empty());
}

TEST_CASE("statuses: the first retained one is no news; changes are") {
    Fixture f;
    f.status("hv1", true, true, "connected");
    CHECK(f.sink.statuses.empty());
    f.status("hv1", false, false);
    f.status("hv1", true, false);
    f.status("hv1", true, false, "connected");  // libvirt's first "connected": no news
    f.status("hv1", true, false, "unreachable");
    f.status("hv1", true, false, "connected");
    f.status("hv2", true, false);  // first seen live: news
    CHECK(f.sink.statuses == std::vector<std::string>{"hv1 offline", "hv1 online", "hv1 libvirt unreachable",
                                                      "hv1 libvirt connected", "hv2 online"});
    f.handler.handle(status_topic("libvirt", "hv1"), "", true);  // cleared: nothing to say
    f.handler.handle(status_topic("libvirt", "hv3"), status_payload("hv4", true), false);
    CHECK(f.err.text() == "vm-sub: warning: on libvirt/hv3/status: status names another host; skipped\n");
    CHECK(f.sink.statuses.size() == 5);
}

TEST_CASE("statuses of hosts outside the filter are not emitted") {
    Filter filter;
    filter.hosts = {"hv1"};
    Fixture f(HandlerConfig{"libvirt", filter, false, true});
    f.status("hv2", false, false);
    f.status("hv1", false, false);
    CHECK(f.sink.statuses == std::vector<std::string>{"hv1 offline"});
}

TEST_CASE("hostile topics are sanitized in warnings") {
    Fixture f;
    f.handler.handle("elsewhere/\x1b[31mred", "{}", false);
    const std::string said = f.err.text();
    CHECK(said.find('\x1b') == std::string::npos);
    CHECK(said.starts_with("vm-sub: warning: on elsewhere/"));
}

}  // TEST_SUITE
