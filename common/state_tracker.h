// The publisher's view of every VM on its host, kept from lifecycle events
// and from full re-reads after a (re)connect (pure).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "message.h"

namespace vme {

/// One VM as listed by libvirt (virConnectListAllDomains + state).
struct DomainSnapshot {
    DomainRef domain;
    int state_code = 0;
    int reason_code = 0;
    bool persistent = true;
};

/// What the publisher must do after a change: publish this VM's retained
/// state, or remove it (empty retained payload), and maybe emit a
/// synthetic lifecycle event.
struct StateChange {
    DomainSnapshot vm;
    bool removed = false;              ///< VM is gone: clear its retained state
    std::optional<int> synthetic_event;  ///< lifecycle event code to synthesize (resync only)
    int synthetic_detail = -1;           ///< its detail code, -1 when none fits
};

/// Keyed by UUID (names can be reused and renamed).
class StateTracker {
public:
    /// Applies a lifecycle event (codes as libvirt gives them) to the VM and
    /// returns the resulting change, or nullopt when its state is unchanged
    /// or the event says nothing about state. Rules: started -> running,
    /// suspended -> paused, resumed -> running, stopped -> shutoff (or removed
    /// when the VM is transient), shutdown(finished) keeps state (a stopped
    /// event follows), pmsuspended -> pmsuspended, crashed -> crashed,
    /// defined -> persistent (shutoff when new), undefined -> removed when
    /// inactive, else transient. A VM first seen in a "started" event without
    /// a prior "defined" is transient. The reason is the matching state reason.
    std::optional<StateChange> apply_lifecycle(const DomainRef& domain, int event, int detail);

    /// Replaces the whole view by a fresh listing and returns one change per
    /// VM that appeared, vanished or changed state, each with the synthetic
    /// lifecycle event that best explains it (appeared -> defined, or
    /// started when running; vanished -> undefined; running -> started or
    /// resumed; paused -> suspended; shutoff -> stopped; crashed -> crashed;
    /// pmsuspended -> pmsuspended). With `initial` true (first listing of a
    /// run) no synthetic events are produced, only publish-state changes for all.
    /// Details: a VM that appears already paused/crashed/pmsuspended gets that
    /// state's event; running after paused in the same run (same id) is
    /// "resumed", any other way to running (or a new id) is "started"; a
    /// persistence-only change is defined/added or undefined/removed; a
    /// reason-only change is republished with no synthetic event. A VM renamed
    /// meanwhile gives two changes: the old name removed (undefined/renamed),
    /// then the new name published (defined/renamed unless its state changed).
    /// Removals come first in the returned list.
    std::vector<StateChange> resync(const std::vector<DomainSnapshot>& listing, bool initial);

    /// Every VM known now, sorted by name.
    std::vector<DomainSnapshot> all() const;

private:
    std::map<std::string, DomainSnapshot> by_uuid_;
};

/// The State payload for a snapshot (tokens from names.h).
State to_state(const DomainSnapshot& vm, const std::string& host,
               const std::string& time, const std::string& boot);

}  // namespace vme
