// Tests of common/state_tracker.h: lifecycle rules (persistent, transient,
// undefine while running, rename), the event -> reason mapping, resync
// diffs with their synthetic events, and to_state().
#include <libvirt/libvirt.h>

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "common/state_tracker.h"

using namespace vme;

namespace {

constexpr const char* kUuidA = "11111111-1111-1111-1111-111111111111";
constexpr const char* kUuidB = "22222222-2222-2222-2222-222222222222";
constexpr const char* kUuidC = "33333333-3333-3333-3333-333333333333";

DomainRef ref(const std::string& name, const std::string& uuid, int id = -1) {
    return DomainRef{name, uuid, id};
}

DomainSnapshot snap(const DomainRef& domain, int state, int reason, bool persistent = true) {
    return DomainSnapshot{domain, state, reason, persistent};
}

/// Applies an event that must produce a change, and returns it.
StateChange must_change(StateTracker& t, const DomainRef& d, int event, int detail) {
    std::optional<StateChange> change = t.apply_lifecycle(d, event, detail);
    REQUIRE(change.has_value());
    CHECK_FALSE(change->synthetic_event.has_value());  // only resync makes events up
    return *change;
}

/// The change of `changes` about `name` (exactly one must exist).
StateChange only_change_for(const std::vector<StateChange>& changes, const std::string& name,
                            bool removed) {
    std::vector<StateChange> found;
    for (const StateChange& c : changes) {
        if (c.vm.domain.name == name && c.removed == removed) found.push_back(c);
    }
    REQUIRE(found.size() == 1);
    return found.front();
}

void check_synthetic(const StateChange& c, int event, int detail) {
    REQUIRE(c.synthetic_event.has_value());
    CHECK(*c.synthetic_event == event);
    CHECK(c.synthetic_detail == detail);
}

}  // namespace

TEST_SUITE("state_tracker") {

TEST_CASE("a persistent VM through define, start, pause, resume, destroy, undefine") {
    StateTracker t;
    const DomainRef off = ref("web1", kUuidA);
    const DomainRef on = ref("web1", kUuidA, 7);

    StateChange c = must_change(t, off, VIR_DOMAIN_EVENT_DEFINED, VIR_DOMAIN_EVENT_DEFINED_ADDED);
    CHECK_FALSE(c.removed);
    CHECK(c.vm.state_code == VIR_DOMAIN_SHUTOFF);
    CHECK(c.vm.reason_code == VIR_DOMAIN_SHUTOFF_UNKNOWN);
    CHECK(c.vm.persistent);
    CHECK(c.vm.domain.id == -1);

    c = must_change(t, on, VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    CHECK(c.vm.state_code == VIR_DOMAIN_RUNNING);
    CHECK(c.vm.reason_code == VIR_DOMAIN_RUNNING_BOOTED);
    CHECK(c.vm.persistent);
    CHECK(c.vm.domain.id == 7);

    c = must_change(t, on, VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    CHECK(c.vm.state_code == VIR_DOMAIN_PAUSED);
    CHECK(c.vm.reason_code == VIR_DOMAIN_PAUSED_USER);

    c = must_change(t, on, VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_UNPAUSED);
    CHECK(c.vm.state_code == VIR_DOMAIN_RUNNING);
    CHECK(c.vm.reason_code == VIR_DOMAIN_RUNNING_UNPAUSED);

    // The stopped event may still carry the old id: a shut-off VM has none.
    c = must_change(t, on, VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    CHECK_FALSE(c.removed);
    CHECK(c.vm.state_code == VIR_DOMAIN_SHUTOFF);
    CHECK(c.vm.reason_code == VIR_DOMAIN_SHUTOFF_DESTROYED);
    CHECK(c.vm.domain.id == -1);
    REQUIRE(t.all().size() == 1);
    CHECK(t.all()[0].state_code == VIR_DOMAIN_SHUTOFF);

    c = must_change(t, off, VIR_DOMAIN_EVENT_UNDEFINED, VIR_DOMAIN_EVENT_UNDEFINED_REMOVED);
    CHECK(c.removed);
    CHECK(c.vm.domain.name == "web1");
    CHECK(t.all().empty());
}

TEST_CASE("a transient VM (started without define) is removed when it stops") {
    StateTracker t;
    const DomainRef d = ref("tmp", kUuidA, 3);
    StateChange c = must_change(t, d, VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    CHECK_FALSE(c.vm.persistent);
    CHECK(c.vm.state_code == VIR_DOMAIN_RUNNING);
    CHECK(t.all().size() == 1);

    c = must_change(t, d, VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    CHECK(c.removed);
    CHECK(c.vm.domain.name == "tmp");
    CHECK(t.all().empty());
}

TEST_CASE("undefining a running VM makes it transient; it goes when it stops") {
    StateTracker t;
    const DomainRef d = ref("db", kUuidA, 4);
    t.resync({snap(d, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED)}, true);

    StateChange c = must_change(t, d, VIR_DOMAIN_EVENT_UNDEFINED, VIR_DOMAIN_EVENT_UNDEFINED_REMOVED);
    CHECK_FALSE(c.removed);
    CHECK_FALSE(c.vm.persistent);
    CHECK(c.vm.state_code == VIR_DOMAIN_RUNNING);
    REQUIRE(t.all().size() == 1);
    CHECK_FALSE(t.all()[0].persistent);

    c = must_change(t, d, VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN);
    CHECK(c.removed);
    CHECK(t.all().empty());
}

TEST_CASE("defining a running transient VM makes it persistent; it stays when it stops") {
    StateTracker t;
    const DomainRef d = ref("tmp", kUuidA, 5);
    must_change(t, d, VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    StateChange c = must_change(t, d, VIR_DOMAIN_EVENT_DEFINED, VIR_DOMAIN_EVENT_DEFINED_ADDED);
    CHECK(c.vm.persistent);
    CHECK(c.vm.state_code == VIR_DOMAIN_RUNNING);
    CHECK(c.vm.domain.id == 5);

    c = must_change(t, d, VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN);
    CHECK_FALSE(c.removed);
    CHECK(c.vm.state_code == VIR_DOMAIN_SHUTOFF);
    CHECK(c.vm.reason_code == VIR_DOMAIN_SHUTOFF_SHUTDOWN);
    CHECK(t.all().size() == 1);
}

TEST_CASE("events that change nothing give no change") {
    StateTracker t;
    const DomainRef d = ref("web1", kUuidA, 2);
    must_change(t, d, VIR_DOMAIN_EVENT_DEFINED, VIR_DOMAIN_EVENT_DEFINED_ADDED);
    must_change(t, d, VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);

    CHECK_FALSE(t.apply_lifecycle(d, VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED));
    CHECK_FALSE(t.apply_lifecycle(d, VIR_DOMAIN_EVENT_DEFINED, VIR_DOMAIN_EVENT_DEFINED_UPDATED));
    CHECK_FALSE(t.apply_lifecycle(d, VIR_DOMAIN_EVENT_SHUTDOWN, VIR_DOMAIN_EVENT_SHUTDOWN_GUEST));
    CHECK_FALSE(t.apply_lifecycle(d, VIR_DOMAIN_EVENT_CRASHED, VIR_DOMAIN_EVENT_CRASHED_CRASHLOADED));
    CHECK_FALSE(t.apply_lifecycle(d, 99, 0));
    CHECK_FALSE(t.apply_lifecycle(d, -1, 0));
    REQUIRE(t.all().size() == 1);
    CHECK(t.all()[0].state_code == VIR_DOMAIN_RUNNING);
    CHECK(t.all()[0].reason_code == VIR_DOMAIN_RUNNING_BOOTED);
}

TEST_CASE("rename: undefined-renamed (old name) then defined-renamed (new name)") {
    StateTracker t;
    must_change(t, ref("old", kUuidA), VIR_DOMAIN_EVENT_DEFINED, VIR_DOMAIN_EVENT_DEFINED_ADDED);

    // libvirt's order (seen with the test driver): old name first.
    StateChange c = must_change(t, ref("old", kUuidA), VIR_DOMAIN_EVENT_UNDEFINED,
                                VIR_DOMAIN_EVENT_UNDEFINED_RENAMED);
    CHECK(c.removed);
    CHECK(c.vm.domain.name == "old");
    CHECK(t.all().size() == 1);  // same UUID: the VM itself stays

    c = must_change(t, ref("new", kUuidA), VIR_DOMAIN_EVENT_DEFINED, VIR_DOMAIN_EVENT_DEFINED_RENAMED);
    CHECK_FALSE(c.removed);
    CHECK(c.vm.domain.name == "new");
    CHECK(c.vm.persistent);
    CHECK(c.vm.state_code == VIR_DOMAIN_SHUTOFF);
    REQUIRE(t.all().size() == 1);
    CHECK(t.all()[0].domain.name == "new");
    CHECK(t.all()[0].domain.uuid == kUuidA);
}

TEST_CASE("rename: defined-renamed first, then undefined-renamed, gives the same result") {
    StateTracker t;
    must_change(t, ref("old", kUuidA), VIR_DOMAIN_EVENT_DEFINED, VIR_DOMAIN_EVENT_DEFINED_ADDED);
    StateChange c = must_change(t, ref("new", kUuidA), VIR_DOMAIN_EVENT_DEFINED,
                                VIR_DOMAIN_EVENT_DEFINED_RENAMED);
    CHECK_FALSE(c.removed);
    CHECK(c.vm.domain.name == "new");
    c = must_change(t, ref("old", kUuidA), VIR_DOMAIN_EVENT_UNDEFINED, VIR_DOMAIN_EVENT_UNDEFINED_RENAMED);
    CHECK(c.removed);
    CHECK(c.vm.domain.name == "old");
    REQUIRE(t.all().size() == 1);
    CHECK(t.all()[0].domain.name == "new");
    CHECK(t.all()[0].persistent);
}

TEST_CASE("undefine of a VM never seen still clears its retained state") {
    StateTracker t;
    StateChange c = must_change(t, ref("ghost", kUuidA), VIR_DOMAIN_EVENT_UNDEFINED,
                                VIR_DOMAIN_EVENT_UNDEFINED_REMOVED);
    CHECK(c.removed);
    CHECK(c.vm.domain.name == "ghost");
    CHECK(t.all().empty());
}

TEST_CASE("event detail -> state reason mapping") {
    struct Case {
        int event;
        int detail;
        int state;
        int reason;
    };
    const std::vector<Case> cases = {
        {VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED},
        {VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_MIGRATED, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_MIGRATED},
        {VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_RESTORED, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_RESTORED},
        {VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_FROM_SNAPSHOT},
        {VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_WAKEUP, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_WAKEUP},
        {VIR_DOMAIN_EVENT_STARTED, 99, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNKNOWN},
        {VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_PAUSED, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER},
        {VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_MIGRATED, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_MIGRATION},
        {VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_IOERROR, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_IOERROR},
        {VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_WATCHDOG, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_WATCHDOG},
        {VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_FROM_SNAPSHOT, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_FROM_SNAPSHOT},
        {VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_API_ERROR, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_UNKNOWN},
        {VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_POSTCOPY, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_POSTCOPY},
        {VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_POSTCOPY_FAILED, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_POSTCOPY_FAILED},
        {VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_UNPAUSED, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNPAUSED},
        {VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_MIGRATED, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_MIGRATED},
        {VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_FROM_SNAPSHOT, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_FROM_SNAPSHOT},
        {VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_POSTCOPY, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_POSTCOPY},
        {VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_POSTCOPY_FAILED, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_POSTCOPY_FAILED},
        {VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_SHUTDOWN},
        {VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_DESTROYED},
        {VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_CRASHED, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_CRASHED},
        {VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_MIGRATED, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_MIGRATED},
        {VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SAVED, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_SAVED},
        {VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_FAILED, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_FAILED},
        {VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_FROM_SNAPSHOT},
        {VIR_DOMAIN_EVENT_STOPPED, -1, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_UNKNOWN},
        {VIR_DOMAIN_EVENT_PMSUSPENDED, VIR_DOMAIN_EVENT_PMSUSPENDED_MEMORY, VIR_DOMAIN_PMSUSPENDED, VIR_DOMAIN_PMSUSPENDED_UNKNOWN},
        {VIR_DOMAIN_EVENT_PMSUSPENDED, VIR_DOMAIN_EVENT_PMSUSPENDED_DISK, VIR_DOMAIN_PMSUSPENDED, VIR_DOMAIN_PMSUSPENDED_UNKNOWN},
        {VIR_DOMAIN_EVENT_CRASHED, VIR_DOMAIN_EVENT_CRASHED_PANICKED, VIR_DOMAIN_CRASHED, VIR_DOMAIN_CRASHED_PANICKED},
    };
    for (const Case& k : cases) {
        CAPTURE(k.event);
        CAPTURE(k.detail);
        StateTracker t;
        // A persistent VM in a state that none of the events leaves it in.
        const DomainRef d = ref("vm", kUuidA, 9);
        t.resync({snap(d, VIR_DOMAIN_SHUTDOWN, VIR_DOMAIN_SHUTDOWN_USER)}, true);
        const StateChange c = must_change(t, d, k.event, k.detail);
        CHECK_FALSE(c.removed);
        CHECK(c.vm.state_code == k.state);
        CHECK(c.vm.reason_code == k.reason);
    }
}

TEST_CASE("a restore (started restored, then resumed from-snapshot) stays running/restored, like libvirt") {
    StateTracker t;
    const DomainRef d = ref("vm", kUuidA, 4);
    t.resync({snap(ref("vm", kUuidA), VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_SAVED)}, true);
    const StateChange started = must_change(t, d, VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_RESTORED);
    CHECK(started.vm.reason_code == VIR_DOMAIN_RUNNING_RESTORED);
    CHECK_FALSE(t.apply_lifecycle(d, VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_FROM_SNAPSHOT).has_value());
    // A real pause and resume still changes the state.
    must_change(t, d, VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    const StateChange resumed = must_change(t, d, VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_UNPAUSED);
    CHECK(resumed.vm.state_code == VIR_DOMAIN_RUNNING);
    CHECK(resumed.vm.reason_code == VIR_DOMAIN_RUNNING_UNPAUSED);
}

TEST_CASE("resync: the initial listing publishes every VM and makes up no event") {
    StateTracker t;
    const std::vector<DomainSnapshot> listing = {
        snap(ref("web2", kUuidA, 1), VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED),
        snap(ref("db", kUuidB), VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_UNKNOWN),
        snap(ref("app", kUuidC, 2), VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER, false),
    };
    const std::vector<StateChange> changes = t.resync(listing, true);
    REQUIRE(changes.size() == 3);
    for (const StateChange& c : changes) {
        CHECK_FALSE(c.removed);
        CHECK_FALSE(c.synthetic_event.has_value());
    }
    CHECK(only_change_for(changes, "app", false).vm.state_code == VIR_DOMAIN_PAUSED);
    const std::vector<DomainSnapshot> all = t.all();
    REQUIRE(all.size() == 3);
    CHECK(all[0].domain.name == "app");  // sorted by name
    CHECK(all[1].domain.name == "db");
    CHECK(all[2].domain.name == "web2");
    CHECK_FALSE(all[0].persistent);

    // The same listing again: nothing to do.
    CHECK(t.resync(listing, false).empty());
}

TEST_CASE("resync: appeared, vanished and unchanged VMs") {
    StateTracker t;
    const DomainSnapshot stays = snap(ref("stays", kUuidA, 1), VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    t.resync({stays, snap(ref("goes", kUuidB), VIR_DOMAIN_SHUTOFF, 0)}, true);

    const std::vector<DomainSnapshot> listing = {
        stays,
        snap(ref("new-off", "44444444-4444-4444-4444-444444444444"), VIR_DOMAIN_SHUTOFF, 0),
        snap(ref("new-on", "55555555-5555-5555-5555-555555555555", 8), VIR_DOMAIN_RUNNING,
             VIR_DOMAIN_RUNNING_BOOTED, false),
    };
    const std::vector<StateChange> changes = t.resync(listing, false);
    REQUIRE(changes.size() == 3);

    const StateChange gone = only_change_for(changes, "goes", true);
    check_synthetic(gone, VIR_DOMAIN_EVENT_UNDEFINED, VIR_DOMAIN_EVENT_UNDEFINED_REMOVED);
    check_synthetic(only_change_for(changes, "new-off", false), VIR_DOMAIN_EVENT_DEFINED,
                    VIR_DOMAIN_EVENT_DEFINED_ADDED);
    check_synthetic(only_change_for(changes, "new-on", false), VIR_DOMAIN_EVENT_STARTED,
                    VIR_DOMAIN_EVENT_STARTED_BOOTED);
    for (const StateChange& c : changes) CHECK(c.vm.domain.name != "stays");

    const std::vector<DomainSnapshot> all = t.all();
    REQUIRE(all.size() == 3);
    CHECK(all[0].domain.name == "new-off");
    CHECK(all[1].domain.name == "new-on");
    CHECK(all[2].domain.name == "stays");
}

TEST_CASE("resync: changed state gets the event that explains it") {
    struct Case {
        const char* what;
        DomainSnapshot before;
        DomainSnapshot now;
        int event;
        int detail;
    };
    const DomainRef on = ref("vm", kUuidA, 4);
    const DomainRef off = ref("vm", kUuidA);
    const std::vector<Case> cases = {
        {"paused", snap(on, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED),
         snap(on, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER),
         VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_PAUSED},
        {"resumed", snap(on, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER),
         snap(on, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNPAUSED),
         VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_UNPAUSED},
        {"paused, then restarted", snap(on, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER),
         snap(ref("vm", kUuidA, 9), VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED),
         VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED},
        {"stopped", snap(on, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED),
         snap(off, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_DESTROYED),
         VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED},
        {"stopped, unknown why", snap(on, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED),
         snap(off, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_DAEMON),
         VIR_DOMAIN_EVENT_STOPPED, -1},
        {"started", snap(off, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_UNKNOWN),
         snap(on, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED),
         VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED},
        {"restarted (new id)", snap(on, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED),
         snap(ref("vm", kUuidA, 5), VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED),
         VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED},
        {"woke up", snap(on, VIR_DOMAIN_PMSUSPENDED, 0),
         snap(on, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_WAKEUP),
         VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_WAKEUP},
        {"crashed", snap(on, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED),
         snap(on, VIR_DOMAIN_CRASHED, VIR_DOMAIN_CRASHED_PANICKED),
         VIR_DOMAIN_EVENT_CRASHED, VIR_DOMAIN_EVENT_CRASHED_PANICKED},
        {"pm-suspended", snap(on, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED),
         snap(on, VIR_DOMAIN_PMSUSPENDED, VIR_DOMAIN_PMSUSPENDED_UNKNOWN),
         VIR_DOMAIN_EVENT_PMSUSPENDED, -1},
        {"became persistent", snap(on, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED, false),
         snap(on, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED, true),
         VIR_DOMAIN_EVENT_DEFINED, VIR_DOMAIN_EVENT_DEFINED_ADDED},
        {"became transient", snap(on, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED, true),
         snap(on, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED, false),
         VIR_DOMAIN_EVENT_UNDEFINED, VIR_DOMAIN_EVENT_UNDEFINED_REMOVED},
    };
    for (const Case& k : cases) {
        CAPTURE(k.what);
        StateTracker t;
        t.resync({k.before}, true);
        const std::vector<StateChange> changes = t.resync({k.now}, false);
        REQUIRE(changes.size() == 1);
        CHECK_FALSE(changes[0].removed);
        CHECK(changes[0].vm.state_code == k.now.state_code);
        CHECK(changes[0].vm.reason_code == k.now.reason_code);
        check_synthetic(changes[0], k.event, k.detail);
    }
}

TEST_CASE("resync: a reason-only change is republished without a made-up event") {
    StateTracker t;
    const DomainRef on = ref("vm", kUuidA, 4);
    t.resync({snap(on, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED)}, true);
    const std::vector<StateChange> changes =
        t.resync({snap(on, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNPAUSED)}, false);
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].vm.reason_code == VIR_DOMAIN_RUNNING_UNPAUSED);
    CHECK_FALSE(changes[0].synthetic_event.has_value());
}

TEST_CASE("resync: a VM renamed while away clears the old name and shows the new") {
    StateTracker t;
    t.resync({snap(ref("old", kUuidA), VIR_DOMAIN_SHUTOFF, 0)}, true);
    const std::vector<StateChange> changes =
        t.resync({snap(ref("new", kUuidA), VIR_DOMAIN_SHUTOFF, 0)}, false);
    REQUIRE(changes.size() == 2);
    check_synthetic(only_change_for(changes, "old", true), VIR_DOMAIN_EVENT_UNDEFINED,
                    VIR_DOMAIN_EVENT_UNDEFINED_RENAMED);
    check_synthetic(only_change_for(changes, "new", false), VIR_DOMAIN_EVENT_DEFINED,
                    VIR_DOMAIN_EVENT_DEFINED_RENAMED);
    REQUIRE(t.all().size() == 1);
    CHECK(t.all()[0].domain.name == "new");
}

TEST_CASE("resync: every removal comes before any publish (names can be reused)") {
    StateTracker t;
    // a and b swap names; c vanishes and a new VM d takes its name.
    t.resync({snap(ref("x", kUuidA), VIR_DOMAIN_SHUTOFF, 0), snap(ref("y", kUuidB), VIR_DOMAIN_SHUTOFF, 0),
              snap(ref("web", kUuidC), VIR_DOMAIN_SHUTOFF, 0)},
             true);
    const std::vector<StateChange> changes = t.resync(
        {snap(ref("y", kUuidA), VIR_DOMAIN_SHUTOFF, 0), snap(ref("x", kUuidB), VIR_DOMAIN_SHUTOFF, 0),
         snap(ref("web", "44444444-4444-4444-4444-444444444444"), VIR_DOMAIN_SHUTOFF, 0)},
        false);
    REQUIRE(changes.size() == 6);
    for (std::size_t i = 0; i < changes.size(); ++i) {
        CAPTURE(i);
        CHECK(changes[i].removed == (i < 3));
    }
    CHECK(only_change_for(changes, "x", true).vm.domain.uuid == kUuidA);
    CHECK(only_change_for(changes, "x", false).vm.domain.uuid == kUuidB);
    CHECK(only_change_for(changes, "web", true).vm.domain.uuid == kUuidC);
    check_synthetic(only_change_for(changes, "web", true), VIR_DOMAIN_EVENT_UNDEFINED,
                    VIR_DOMAIN_EVENT_UNDEFINED_REMOVED);
    check_synthetic(only_change_for(changes, "web", false), VIR_DOMAIN_EVENT_DEFINED,
                    VIR_DOMAIN_EVENT_DEFINED_ADDED);
}

TEST_CASE("resync then events: the tracker continues from the listing") {
    StateTracker t;
    const DomainRef d = ref("vm", kUuidA, 6);
    t.resync({snap(d, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED, false)}, true);
    const StateChange c = must_change(t, d, VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    CHECK(c.removed);  // the listing said transient
    CHECK(t.all().empty());
}

TEST_CASE("to_state fills every field with names.h tokens") {
    const DomainSnapshot vm = snap(ref("web1", kUuidA, 3), VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_IOERROR, false);
    const State s = to_state(vm, "hv1", "2026-11-26T02:21:24.457Z", "boot-1");
    CHECK(s.time == "2026-11-26T02:21:24.457Z");
    CHECK(s.host == "hv1");
    CHECK(s.domain.name == "web1");
    CHECK(s.domain.uuid == kUuidA);
    CHECK(s.domain.id == 3);
    CHECK(s.state == "paused");
    CHECK(s.reason == "ioerror");
    CHECK(s.state_code == VIR_DOMAIN_PAUSED);
    CHECK(s.reason_code == VIR_DOMAIN_PAUSED_IOERROR);
    CHECK_FALSE(s.persistent);
    CHECK(s.boot == "boot-1");

    const State unknown = to_state(snap(ref("x", kUuidB), 42, 7), "hv1", "t", "b");
    CHECK(unknown.state == "unknown");
    CHECK(unknown.reason == "unknown");
    CHECK(unknown.state_code == 42);
}

}  // TEST_SUITE("state_tracker")
