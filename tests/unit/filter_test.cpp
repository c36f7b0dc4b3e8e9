// Tests of common/filter.h: globs, the OR/AND filter and the narrowed
// MQTT subscriptions.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "common/filter.h"
#include "common/topic.h"

using namespace vme;

namespace {

using Topics = std::vector<std::string>;

/// `s` split at every '/'.
std::vector<std::string> levels(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t slash = s.find('/'); slash != std::string::npos; slash = s.find('/', start)) {
        out.push_back(s.substr(start, slash - start));
        start = slash + 1;
    }
    out.push_back(s.substr(start));
    return out;
}

/// MQTT topic-filter matching ('+' one level, '#' the rest), as a broker
/// does it, to check that a subscription really carries a topic.
bool mqtt_matches(const std::string& filter, const std::string& topic) {
    const auto f = levels(filter);
    const auto t = levels(topic);
    for (std::size_t i = 0; i < f.size(); ++i) {
        if (f[i] == "#") return true;
        if (i >= t.size()) return false;
        if (f[i] != "+" && f[i] != t[i]) return false;
    }
    return f.size() == t.size();
}

bool any_matches(const Topics& filters, const std::string& topic) {
    for (const auto& f : filters)
        if (mqtt_matches(f, topic)) return true;
    return false;
}

Event make_event(std::string host, std::string vm, std::string kind = "lifecycle",
                 std::string event = "started") {
    Event e;
    e.host = std::move(host);
    e.domain.name = std::move(vm);
    e.kind = std::move(kind);
    e.event = std::move(event);
    return e;
}

}  // namespace

TEST_SUITE("filter.glob") {
    TEST_CASE("classic cases") {
        struct Case {
            const char* pattern;
            const char* text;
            bool match;
        };
        for (const Case c : {
                 Case{"*", "", true}, Case{"*", "anything at all", true}, Case{"**", "x", true},
                 Case{"", "", true}, Case{"", "a", false}, Case{"a", "", false},
                 Case{"?", "", false}, Case{"?", "x", true}, Case{"?", "xy", false},
                 Case{"web1", "web1", true}, Case{"web1", "web10", false}, Case{"Web1", "web1", false},
                 Case{"web*", "web1", true}, Case{"web*", "web", true}, Case{"web*", "db1", false},
                 Case{"*1", "web1", true}, Case{"*1", "web12", false}, Case{"w?b1", "web1", true},
                 Case{"a*b*c", "aXbYc", true}, Case{"a*b*c", "aXbY", false}, Case{"a*b*c", "abc", true},
                 Case{"*a*", "bab", true}, Case{"a*a", "a", false}, Case{"*x*y*", "xxyy", true},
                 Case{"[abc]x", "bx", true}, Case{"[abc]x", "dx", false}, Case{"[a-c]", "b", true},
                 Case{"[a-c]", "d", false}, Case{"[a-c]", "-", false}, Case{"[-a]", "-", true},
                 Case{"[a-]", "-", true}, Case{"[!x]", "y", true}, Case{"[!x]", "x", false},
                 Case{"[^x]", "x", false}, Case{"[!x]", "", false}, Case{"[]]", "]", true},
                 Case{"[!]]", "]", false}, Case{"[!]]", "a", true}, Case{"[", "[", true},
                 Case{"a[", "a[", true}, Case{"a[b", "a[b", true}, Case{"a[b", "ab", false},
                 Case{"web[0-9][0-9]", "web07", true}, Case{"web[0-9][0-9]", "web7", false},
                 Case{"*[0-9]", "web7", true},
                 // '/' is an ordinary byte.
                 Case{"a/b*", "a/b/c", true}, Case{"*/*", "a/b", true}, Case{"a?b", "a/b", true},
                 Case{"[/]", "/", true},
             }) {
            CAPTURE(c.pattern);
            CAPTURE(c.text);
            CHECK(glob_match(c.pattern, c.text) == c.match);
        }
    }

    TEST_CASE("works on bytes") {
        CHECK_FALSE(glob_match("?", "ü"));   // two bytes
        CHECK(glob_match("??", "ü"));
        CHECK(glob_match("\xc3*", "ü"));
        CHECK(glob_match("[\xc3][\xbc]", "ü"));
        CHECK(glob_match("[\x80-\xff]*", "\xff\xfe"));
        CHECK(glob_match("*", std::string("a\0b", 3)));
        CHECK(glob_match(std::string("a\0?", 3), std::string("a\0b", 3)));
        CHECK_FALSE(glob_match(std::string("a\0b", 3), "a"));
    }

    TEST_CASE("pathological patterns do not blow up") {
        const std::string text(100000, 'a');
        CHECK_FALSE(glob_match("a*a*a*a*a*b", text));
        CHECK(glob_match("a*a*a*a*a*a", text));
        CHECK(glob_match("*a*a*a*a*a*", text));
        CHECK_FALSE(glob_match("*a*a*a*a*a*?b", text));
        CHECK(glob_match(std::string(1000, '*'), text));
    }

    TEST_CASE("has_glob") {
        CHECK(has_glob("web*"));
        CHECK(has_glob("w?b"));
        CHECK(has_glob("[ab]"));
        CHECK(has_glob("a]["));
        CHECK_FALSE(has_glob("web1"));
        CHECK_FALSE(has_glob(""));
        CHECK_FALSE(has_glob("x+y#z/%]"));
    }
}

TEST_SUITE("filter.match") {
    TEST_CASE("an empty filter accepts everything") {
        const Filter f;
        CHECK(f.matches(make_event("hv1", "web1")));
        CHECK(f.matches(make_event("", "", "", "")));
        CHECK(f.matches_place("hv1", "web1"));
        CHECK(f.matches_host("anything"));
    }

    TEST_CASE("OR within a list") {
        Filter f;
        f.hosts = {"hv1", "hv2"};
        CHECK(f.matches(make_event("hv1", "web1")));
        CHECK(f.matches(make_event("hv2", "web1")));
        CHECK_FALSE(f.matches(make_event("hv3", "web1")));
        f.events = {"stopped", "crashed"};
        CHECK(f.matches(make_event("hv1", "web1", "lifecycle", "crashed")));
        CHECK(f.matches(make_event("hv2", "web1", "lifecycle", "stopped")));
        CHECK_FALSE(f.matches(make_event("hv2", "web1", "lifecycle", "started")));
    }

    TEST_CASE("AND across lists") {
        Filter f;
        f.hosts = {"hv1"};
        f.domains = {"web*"};
        f.kinds = {"lifecycle"};
        f.events = {"stopped"};
        CHECK(f.matches(make_event("hv1", "web1", "lifecycle", "stopped")));
        CHECK_FALSE(f.matches(make_event("hv2", "web1", "lifecycle", "stopped")));
        CHECK_FALSE(f.matches(make_event("hv1", "db1", "lifecycle", "stopped")));
        CHECK_FALSE(f.matches(make_event("hv1", "web1", "reboot", "stopped")));
        CHECK_FALSE(f.matches(make_event("hv1", "web1", "lifecycle", "started")));
    }

    TEST_CASE("hosts and domains are globs, kinds and events exact") {
        Filter f;
        f.hosts = {"hv[12]"};
        f.domains = {"*-db", "web?"};
        CHECK(f.matches(make_event("hv2", "pg-db")));
        CHECK(f.matches(make_event("hv1", "web7")));
        CHECK_FALSE(f.matches(make_event("hv3", "web7")));
        CHECK_FALSE(f.matches(make_event("hv1", "web17")));
        Filter k;
        k.kinds = {"life*"};
        CHECK_FALSE(k.matches(make_event("hv1", "web1", "lifecycle")));
        CHECK(k.matches(make_event("hv1", "web1", "life*")));
        Filter e;
        e.events = {"stop*"};
        CHECK_FALSE(e.matches(make_event("hv1", "web1", "lifecycle", "stopped")));
    }

    TEST_CASE("matches_place: host and domain lists only") {
        Filter f;
        f.hosts = {"hv1"};
        f.domains = {"web*"};
        f.kinds = {"reboot"};
        f.events = {"crashed"};
        CHECK(f.matches_place("hv1", "web1"));
        CHECK_FALSE(f.matches_place("hv1", "db1"));
        CHECK_FALSE(f.matches_place("hv2", "web1"));
        // A status message is about a host only.
        CHECK(f.matches_place("hv1", ""));
        CHECK_FALSE(f.matches_place("hv2", ""));
        CHECK(f.matches_host("hv1"));
        CHECK_FALSE(f.matches_host("hv11"));
    }
}

TEST_SUITE("filter.subscriptions") {
    TEST_CASE("an empty filter subscribes to every event") {
        CHECK(event_subscriptions("libvirt", Filter{}) == Topics{"libvirt/+/+/event/+"});
        CHECK(status_subscriptions("libvirt", Filter{}) == Topics{"libvirt/+/status"});
        CHECK(state_subscriptions("libvirt", Filter{}) == Topics{"libvirt/+/+/state"});
    }

    TEST_CASE("an exact host becomes its level") {
        Filter f;
        f.hosts = {"hv1"};
        CHECK(event_subscriptions("libvirt", f) == Topics{"libvirt/hv1/+/event/+"});
        CHECK(status_subscriptions("libvirt", f) == Topics{"libvirt/hv1/status"});
        CHECK(state_subscriptions("libvirt", f) == Topics{"libvirt/hv1/+/state"});
    }

    TEST_CASE("two hosts x two VMs give four filters") {
        Filter f;
        f.hosts = {"hv1", "hv2"};
        f.domains = {"web1", "db1"};
        CHECK(event_subscriptions("libvirt", f) ==
              Topics{"libvirt/hv1/web1/event/+", "libvirt/hv1/db1/event/+", "libvirt/hv2/web1/event/+",
                     "libvirt/hv2/db1/event/+"});
        CHECK(state_subscriptions("libvirt", f) ==
              Topics{"libvirt/hv1/web1/state", "libvirt/hv1/db1/state", "libvirt/hv2/web1/state",
                     "libvirt/hv2/db1/state"});
        CHECK(status_subscriptions("libvirt", f) == Topics{"libvirt/hv1/status", "libvirt/hv2/status"});
        f.kinds = {"lifecycle", "reboot"};
        CHECK(event_subscriptions("libvirt", f).size() == 8);
        CHECK(event_subscriptions("libvirt", f)[1] == "libvirt/hv1/web1/event/reboot");
    }

    TEST_CASE("a glob anywhere in a list makes that level '+'") {
        Filter f;
        f.hosts = {"hv1", "hv*"};
        f.domains = {"web1"};
        CHECK(event_subscriptions("libvirt", f) == Topics{"libvirt/+/web1/event/+"});
        CHECK(status_subscriptions("libvirt", f) == Topics{"libvirt/+/status"});
        CHECK(state_subscriptions("libvirt", f) == Topics{"libvirt/+/web1/state"});
        f.domains = {"web[12]"};
        CHECK(event_subscriptions("libvirt", f) == Topics{"libvirt/+/+/event/+"});
    }

    TEST_CASE("the events filter cannot narrow a topic") {
        Filter f;
        f.events = {"stopped"};
        f.kinds = {"lifecycle"};
        CHECK(event_subscriptions("libvirt", f) == Topics{"libvirt/+/+/event/lifecycle"});
    }

    TEST_CASE("names are escaped inside the subscription") {
        Filter f;
        f.hosts = {"h+1"};
        f.domains = {"x+y#z", "a/b", "ünï"};
        CHECK(event_subscriptions("libvirt", f) ==
              Topics{"libvirt/h%2B1/x%2By%23z/event/+", "libvirt/h%2B1/a%2Fb/event/+", "libvirt/h%2B1/ünï/event/+"});
        CHECK(status_subscriptions("libvirt", f) == Topics{"libvirt/h%2B1/status"});
        CHECK(state_subscriptions("libvirt", f)[0] == "libvirt/h%2B1/x%2By%23z/state");
        for (const auto& topic : event_subscriptions("libvirt", f)) {
            CAPTURE(topic);
            CHECK(levels(topic).size() == 5);
            CHECK(topic.find('#') == std::string::npos);
        }
    }

    TEST_CASE("duplicates are dropped and the prefix kept as given") {
        Filter f;
        f.hosts = {"hv1", "hv1"};
        f.kinds = {"reboot", "reboot"};
        CHECK(event_subscriptions("site/a/vm", f) == Topics{"site/a/vm/hv1/+/event/reboot"});
    }

    TEST_CASE("over max_topics the attribute with the most values widens") {
        Filter f;
        f.hosts = {"hv1", "hv2", "hv3"};
        f.domains = {"web1", "web2"};
        f.kinds = {"lifecycle", "reboot"};
        CHECK(event_subscriptions("p", f).size() == 12);
        CHECK(event_subscriptions("p", f, 12).size() == 12);
        // 12 > 6: hosts (3 values) widen first, leaving 2 x 2.
        CHECK(event_subscriptions("p", f, 6) ==
              Topics{"p/+/web1/event/lifecycle", "p/+/web1/event/reboot", "p/+/web2/event/lifecycle",
                     "p/+/web2/event/reboot"});
        // 4 > 3: a tie between VMs and kinds widens VMs first.
        CHECK(event_subscriptions("p", f, 3) == Topics{"p/+/+/event/lifecycle", "p/+/+/event/reboot"});
        CHECK(event_subscriptions("p", f, 1) == Topics{"p/+/+/event/+"});
        CHECK(event_subscriptions("p", f, 0) == Topics{"p/+/+/event/+"});
        CHECK(state_subscriptions("p", f, 2) == Topics{"p/+/web1/state", "p/+/web2/state"});
        CHECK(state_subscriptions("p", f, 0) == Topics{"p/+/+/state"});
    }

    TEST_CASE("a large filter stays within the default limit") {
        Filter f;
        for (int i = 0; i < 100; ++i) {
            f.hosts.push_back("hv" + std::to_string(i));
            f.domains.push_back("vm" + std::to_string(i));
        }
        for (int i = 0; i < 27; ++i) f.kinds.push_back("kind" + std::to_string(i));
        const auto subs = event_subscriptions("libvirt", f);
        CHECK(subs.size() == 27);
        CHECK(subs.front() == "libvirt/+/+/event/kind0");
        CHECK(state_subscriptions("libvirt", f) == Topics{"libvirt/+/+/state"});
        CHECK(status_subscriptions("libvirt", f).size() == 100);
    }

    TEST_CASE("the subscriptions carry every event the filter accepts") {
        Filter f;
        f.hosts = {"hv1", "h+#/\x1b"};
        f.domains = {"x+y#z", "web*", "line\nbreak"};
        f.kinds = {"lifecycle", "reboot"};
        const std::vector<Event> events = {
            make_event("hv1", "x+y#z"),          make_event("h+#/\x1b", "line\nbreak", "reboot"),
            make_event("hv1", "web-7", "reboot"), make_event("hv2", "x+y#z"),
            make_event("hv1", "db1"),             make_event("hv1", "web1", "watchdog"),
        };
        for (std::size_t max : {64u, 4u, 1u}) {
            const auto subs = event_subscriptions("libvirt", f, max);
            CHECK(subs.size() <= max);
            for (const auto& e : events) {
                CAPTURE(e.host);
                CAPTURE(e.domain.name);
                const std::string topic = event_topic("libvirt", e.host, e.domain.name, e.kind);
                // Whatever the filter accepts must arrive; the rest may (the
                // client-side filter drops it) unless the topic excludes it.
                if (f.matches(e)) CHECK(any_matches(subs, topic));
            }
            const auto state = state_subscriptions("libvirt", f, max);
            for (const auto& e : events)
                if (f.matches_place(e.host, e.domain.name))
                    CHECK(any_matches(state, state_topic("libvirt", e.host, e.domain.name)));
        }
        // Exact levels really narrow: another host's events never arrive.
        f.domains = {"x+y#z"};
        const auto narrow = event_subscriptions("libvirt", f);
        CHECK(any_matches(narrow, event_topic("libvirt", "hv1", "x+y#z", "lifecycle")));
        CHECK_FALSE(any_matches(narrow, event_topic("libvirt", "hv2", "x+y#z", "lifecycle")));
        CHECK_FALSE(any_matches(narrow, event_topic("libvirt", "hv1", "x+y", "lifecycle")));
        CHECK_FALSE(any_matches(narrow, event_topic("libvirt", "hv1", "x+y#z", "watchdog")));
    }
}
