// The publisher's per-VM state view, kept from lifecycle events and from
// full listings after a (re)connect. Pure logic: codes are libvirt's, but
// nothing here calls libvirt.
//
// Event detail -> state reason (kTransitions below; used both ways: forward
// when an event arrives, backward to pick the detail of a synthetic event):
//
//   event / detail                  state        reason
//   started   booted                running      booted
//   started   migrated              running      migrated
//   started   restored              running      restored
//   started   from-snapshot         running      from-snapshot
//   started   wakeup                running      wakeup
//   suspended paused                paused       user
//   suspended migrated              paused       migration
//   suspended ioerror               paused       ioerror
//   suspended watchdog              paused       watchdog
//   suspended from-snapshot         paused       from-snapshot
//   suspended postcopy              paused       postcopy
//   suspended postcopy-failed       paused       postcopy-failed
//   resumed   unpaused              running      unpaused
//   resumed   migrated              running      migrated
//   resumed   from-snapshot         running      from-snapshot
//   resumed   postcopy              running      postcopy
//   resumed   postcopy-failed       running      postcopy-failed
//   (resumed  any, when already running: no change; see on_state_event)
//   stopped   shutdown              shutoff      shutdown
//   stopped   destroyed             shutoff      destroyed
//   stopped   crashed               shutoff      crashed
//   stopped   migrated              shutoff      migrated
//   stopped   saved                 shutoff      saved
//   stopped   failed                shutoff      failed
//   stopped   from-snapshot         shutoff      from-snapshot
//   crashed   panicked              crashed      panicked
//   pmsuspended (any)               pmsuspended  unknown
//   any other detail of started/suspended/resumed/stopped/crashed:
//                                   that event's state, reason unknown (0)
//   crashed   crashloaded           no change: the guest loaded its crash
//                                   kernel and keeps running (libvirt's qemu
//                                   driver emits the event without a state change)
//   shutdown  (any)                 no change: a "stopped" event follows
//   defined   (new VM)              shutoff/unknown (running/unknown if it has an id)
#include "state_tracker.h"

#include <libvirt/libvirt.h>

#include <algorithm>
#include <array>
#include <tuple>
#include <utility>

#include "names.h"

namespace vme {

namespace {

using Table = std::map<std::string, DomainSnapshot>;

/// A (state, reason) pair.
struct Target {
    int state = 0;
    int reason = 0;
};

/// One row of the mapping documented at the top of this file.
struct Transition {
    int event;
    int detail;
    Target target;
};

constexpr auto kTransitions = std::to_array<Transition>({
    {VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED, {VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED}},
    {VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_MIGRATED, {VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_MIGRATED}},
    {VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_RESTORED, {VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_RESTORED}},
    {VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT, {VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_FROM_SNAPSHOT}},
    {VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_WAKEUP, {VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_WAKEUP}},
    {VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_PAUSED, {VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER}},
    {VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_MIGRATED, {VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_MIGRATION}},
    {VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_IOERROR, {VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_IOERROR}},
    {VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_WATCHDOG, {VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_WATCHDOG}},
    {VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_FROM_SNAPSHOT, {VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_FROM_SNAPSHOT}},
    {VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_POSTCOPY, {VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_POSTCOPY}},
    {VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_POSTCOPY_FAILED, {VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_POSTCOPY_FAILED}},
    {VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_UNPAUSED, {VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNPAUSED}},
    {VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_MIGRATED, {VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_MIGRATED}},
    {VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_FROM_SNAPSHOT, {VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_FROM_SNAPSHOT}},
    {VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_POSTCOPY, {VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_POSTCOPY}},
    {VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_POSTCOPY_FAILED, {VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_POSTCOPY_FAILED}},
    {VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN, {VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_SHUTDOWN}},
    {VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED, {VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_DESTROYED}},
    {VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_CRASHED, {VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_CRASHED}},
    {VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_MIGRATED, {VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_MIGRATED}},
    {VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SAVED, {VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_SAVED}},
    {VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_FAILED, {VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_FAILED}},
    {VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT, {VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_FROM_SNAPSHOT}},
    {VIR_DOMAIN_EVENT_CRASHED, VIR_DOMAIN_EVENT_CRASHED_PANICKED, {VIR_DOMAIN_CRASHED, VIR_DOMAIN_CRASHED_PANICKED}},
});

/// The state each state-changing event leads to, whatever its detail.
struct EventState {
    int event;
    int state;
};

constexpr auto kEventStates = std::to_array<EventState>({
    {VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_RUNNING},
    {VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_PAUSED},
    {VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_RUNNING},
    {VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_SHUTOFF},
    {VIR_DOMAIN_EVENT_PMSUSPENDED, VIR_DOMAIN_PMSUSPENDED},
    {VIR_DOMAIN_EVENT_CRASHED, VIR_DOMAIN_CRASHED},
});

/// The (state, reason) an event leads to; nullopt when it changes no state
/// (defined, undefined, shutdown, crashloaded, codes from a newer libvirt).
std::optional<Target> target_of(int event, int detail) {
    if (event == VIR_DOMAIN_EVENT_CRASHED && detail == VIR_DOMAIN_EVENT_CRASHED_CRASHLOADED) {
        return std::nullopt;
    }
    for (const Transition& t : kTransitions) {
        if (t.event == event && t.detail == detail) return t.target;
    }
    for (const EventState& e : kEventStates) {
        if (e.event == event) return Target{e.state, 0};  // 0 is *_UNKNOWN for every state
    }
    return std::nullopt;
}

/// The detail of `event` that leads to `vm`'s state and reason; -1 when none does.
int detail_for(int event, const DomainSnapshot& vm) {
    for (const Transition& t : kTransitions) {
        if (t.event == event && t.target.state == vm.state_code &&
            t.target.reason == vm.reason_code) {
            return t.detail;
        }
    }
    return -1;
}

/// True while the VM has a running instance (anything but shut off).
bool is_active(int state) { return state != VIR_DOMAIN_SHUTOFF; }

/// True when publishing `b` would tell subscribers nothing new over `a`.
bool same_view(const DomainSnapshot& a, const DomainSnapshot& b) {
    return a.domain.name == b.domain.name && a.domain.id == b.domain.id &&
           a.state_code == b.state_code && a.reason_code == b.reason_code &&
           a.persistent == b.persistent;
}

/// `vm` moved to `target`; a shut-off VM has no id, whatever the event said.
DomainSnapshot with_target(DomainSnapshot vm, Target target) {
    vm.state_code = target.state;
    vm.reason_code = target.reason;
    if (!is_active(vm.state_code)) vm.domain.id = -1;
    return vm;
}

/// The known snapshot of `domain` renamed/re-id'd as the event says, or a
/// fresh one (transient, no state yet) for a VM seen for the first time.
DomainSnapshot current(const Table& vms, const DomainRef& domain) {
    const auto it = vms.find(domain.uuid);
    DomainSnapshot vm = it != vms.end() ? it->second : DomainSnapshot{domain, 0, 0, false};
    vm.domain = domain;
    return vm;
}

/// A change for `vm`, without synthetic event.
StateChange change_of(const DomainSnapshot& vm, bool removed) {
    StateChange change;
    change.vm = vm;
    change.removed = removed;
    return change;
}

/// Stores `next`; a change when it differs from what was known.
std::optional<StateChange> store(Table& vms, const DomainSnapshot& next) {
    const auto [it, inserted] = vms.try_emplace(next.domain.uuid, next);
    if (!inserted && same_view(it->second, next)) return std::nullopt;
    it->second = next;
    return change_of(next, false);
}

/// Forgets `vm` and returns the change that clears its retained state.
StateChange forget(Table& vms, const DomainSnapshot& vm) {
    vms.erase(vm.domain.uuid);
    return change_of(vm, true);
}

std::optional<StateChange> on_defined(Table& vms, const DomainRef& domain) {
    if (vms.count(domain.uuid) == 0) {
        // New VM: inactive unless the event carries an id (it is running).
        const Target target = domain.id >= 0 ? Target{VIR_DOMAIN_RUNNING, 0}
                                             : Target{VIR_DOMAIN_SHUTOFF, 0};
        return store(vms, with_target(DomainSnapshot{domain, 0, 0, true}, target));
    }
    DomainSnapshot vm = current(vms, domain);
    vm.persistent = true;
    if (!is_active(vm.state_code)) vm.domain.id = -1;
    return store(vms, vm);
}

std::optional<StateChange> on_undefined(Table& vms, const DomainRef& domain, int detail) {
    DomainSnapshot vm = current(vms, domain);
    if (detail == VIR_DOMAIN_EVENT_UNDEFINED_RENAMED) {
        // The same UUID lives on under the new name ("defined renamed", before
        // or after this event): only the old name's retained state goes.
        return change_of(vm, true);
    }
    vm.persistent = false;
    if (vms.count(domain.uuid) == 0 || !is_active(vm.state_code)) return forget(vms, vm);
    return store(vms, vm);  // still running: now a transient VM
}

std::optional<StateChange> on_stopped(Table& vms, const DomainRef& domain, int detail) {
    const Target shutoff =
        target_of(VIR_DOMAIN_EVENT_STOPPED, detail).value_or(Target{VIR_DOMAIN_SHUTOFF, 0});
    const DomainSnapshot vm = with_target(current(vms, domain), shutoff);
    if (!vm.persistent) return forget(vms, vm);  // a transient VM ends with its run
    return store(vms, vm);
}

std::optional<StateChange> on_state_event(Table& vms, const DomainRef& domain, int event,
                                          int detail) {
    const std::optional<Target> target = target_of(event, detail);
    if (!target) return std::nullopt;
    const DomainSnapshot vm = current(vms, domain);
    // The QEMU driver reports "resumed" when it starts the CPUs of a guest
    // it has just reported as started (a restore: "started restored", then
    // "resumed from-snapshot"); libvirt's own state keeps the start's
    // reason (virsh domstate --reason: "running (restored)"), so do we.
    if (event == VIR_DOMAIN_EVENT_RESUMED && vm.state_code == VIR_DOMAIN_RUNNING && vms.count(domain.uuid) != 0)
        return std::nullopt;
    return store(vms, with_target(vm, *target));
}

// ---------------------------------------------------------------- resync

/// A synthetic lifecycle event: (event, detail), detail -1 when none fits.
using Synthetic = std::pair<int, int>;

/// A change carrying a synthetic event (when `event` is set).
StateChange synthetic(const DomainSnapshot& vm, bool removed,
                      std::optional<Synthetic> event) {
    StateChange change = change_of(vm, removed);
    if (event) {
        change.synthetic_event = event->first;
        change.synthetic_detail = event->second;
    }
    return change;
}

/// The lifecycle event that best explains reaching `now` from `before`
/// (nullptr: the VM just appeared); nullopt when no event fits the state.
std::optional<Synthetic> explain_state(const DomainSnapshot* before,
                                                 const DomainSnapshot& now) {
    const auto with_detail = [&now](int event) { return Synthetic{event, detail_for(event, now)}; };
    switch (now.state_code) {
    case VIR_DOMAIN_RUNNING:
    case VIR_DOMAIN_BLOCKED: {
        // Resumed only when the very same run was paused (same id).
        const bool same_run_paused = before && before->state_code == VIR_DOMAIN_PAUSED &&
                                     before->domain.id == now.domain.id;
        return with_detail(same_run_paused ? VIR_DOMAIN_EVENT_RESUMED : VIR_DOMAIN_EVENT_STARTED);
    }
    case VIR_DOMAIN_PAUSED: return with_detail(VIR_DOMAIN_EVENT_SUSPENDED);
    case VIR_DOMAIN_SHUTOFF:
        if (!before) return Synthetic{VIR_DOMAIN_EVENT_DEFINED, VIR_DOMAIN_EVENT_DEFINED_ADDED};
        return with_detail(VIR_DOMAIN_EVENT_STOPPED);
    case VIR_DOMAIN_CRASHED: return with_detail(VIR_DOMAIN_EVENT_CRASHED);
    case VIR_DOMAIN_PMSUSPENDED: return with_detail(VIR_DOMAIN_EVENT_PMSUSPENDED);
    default: return std::nullopt;  // nostate, shutdown in progress: no event says that
    }
}

/// The synthetic event for a VM known before and listed now with a
/// different view. A reason-only difference gets none: our event->reason
/// mapping can differ from libvirt's own, and a made-up lifecycle event
/// must stand for a real transition.
std::optional<Synthetic> explain_change(const DomainSnapshot& before,
                                                  const DomainSnapshot& now) {
    const bool restarted = is_active(now.state_code) && before.domain.id != now.domain.id;
    if (before.state_code != now.state_code || restarted) return explain_state(&before, now);
    if (before.persistent != now.persistent) {
        if (now.persistent) return Synthetic{VIR_DOMAIN_EVENT_DEFINED, VIR_DOMAIN_EVENT_DEFINED_ADDED};
        return Synthetic{VIR_DOMAIN_EVENT_UNDEFINED, VIR_DOMAIN_EVENT_UNDEFINED_REMOVED};
    }
    if (before.domain.name != now.domain.name) {
        return Synthetic{VIR_DOMAIN_EVENT_DEFINED, VIR_DOMAIN_EVENT_DEFINED_RENAMED};
    }
    return std::nullopt;
}

/// The synthetic event of a change, or none on the initial listing.
std::optional<Synthetic> unless_initial(bool initial, std::optional<Synthetic> event) {
    return initial ? std::nullopt : event;
}

/// The changes for one VM of the new listing, given what was known of it.
void diff_listed(const DomainSnapshot* before, const DomainSnapshot& now, bool initial,
                 std::vector<StateChange>& out) {
    if (before && before->domain.name != now.domain.name) {
        // Renamed while we were away: the old name's retained state must go.
        const auto renamed = Synthetic{VIR_DOMAIN_EVENT_UNDEFINED, VIR_DOMAIN_EVENT_UNDEFINED_RENAMED};
        out.push_back(synthetic(*before, true, unless_initial(initial, renamed)));
    }
    if (initial || !before) {
        out.push_back(synthetic(now, false, unless_initial(initial, explain_state(nullptr, now))));
    } else if (!same_view(*before, now)) {
        out.push_back(synthetic(now, false, explain_change(*before, now)));
    }
}

/// One removal per VM known before and absent from the listing `next`.
std::vector<StateChange> diff_vanished(const Table& before, const Table& next, bool initial) {
    const auto undefined = Synthetic{VIR_DOMAIN_EVENT_UNDEFINED, VIR_DOMAIN_EVENT_UNDEFINED_REMOVED};
    std::vector<StateChange> out;
    for (const auto& [uuid, vm] : before) {
        if (next.count(uuid) == 0) out.push_back(synthetic(vm, true, unless_initial(initial, undefined)));
    }
    return out;
}

}  // namespace

std::optional<StateChange> StateTracker::apply_lifecycle(const DomainRef& domain, int event,
                                                         int detail) {
    switch (event) {
    case VIR_DOMAIN_EVENT_DEFINED: return on_defined(by_uuid_, domain);
    case VIR_DOMAIN_EVENT_UNDEFINED: return on_undefined(by_uuid_, domain, detail);
    case VIR_DOMAIN_EVENT_STOPPED: return on_stopped(by_uuid_, domain, detail);
    default: return on_state_event(by_uuid_, domain, event, detail);
    }
}

std::vector<StateChange> StateTracker::resync(const std::vector<DomainSnapshot>& listing,
                                              bool initial) {
    Table next;
    for (const DomainSnapshot& vm : listing) next.insert_or_assign(vm.domain.uuid, vm);
    std::vector<StateChange> changes = diff_vanished(by_uuid_, next, initial);
    for (const auto& [uuid, now] : next) {
        const auto it = by_uuid_.find(uuid);
        diff_listed(it != by_uuid_.end() ? &it->second : nullptr, now, initial, changes);
    }
    // Clear old topics before publishing: a name freed by one VM (vanished,
    // renamed) may be the new name of another in the same listing.
    std::stable_partition(changes.begin(), changes.end(),
                          [](const StateChange& c) { return c.removed; });
    by_uuid_ = std::move(next);
    return changes;
}

std::vector<DomainSnapshot> StateTracker::all() const {
    std::vector<DomainSnapshot> vms;
    vms.reserve(by_uuid_.size());
    for (const auto& entry : by_uuid_) vms.push_back(entry.second);
    std::sort(vms.begin(), vms.end(), [](const DomainSnapshot& a, const DomainSnapshot& b) {
        return std::tie(a.domain.name, a.domain.uuid) < std::tie(b.domain.name, b.domain.uuid);
    });
    return vms;
}

State to_state(const DomainSnapshot& vm, const std::string& host, const std::string& time,
               const std::string& boot) {
    State state;
    state.time = time;
    state.host = host;
    state.domain = vm.domain;
    state.state = std::string(state_name(vm.state_code));
    state.reason = std::string(state_reason_name(vm.state_code, vm.reason_code));
    state.state_code = vm.state_code;
    state.reason_code = vm.reason_code;
    state.persistent = vm.persistent;
    state.boot = boot;
    return state;
}

}  // namespace vme
