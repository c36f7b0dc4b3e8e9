// One typed libvirt callback per event kind, each turning libvirt's
// arguments into a vme::Event and handing it to the main thread.
//
// The callbacks run on the libvirt link's thread. They make no RPC (name,
// UUID and id of a domain are local), never wait, and let no exception
// escape into C: they build the Event and push it into the Inbox; an
// exception is counted and logged (io::CallbackErrors) instead.
//
// Kind-specific fields (Event::fields), per kind:
//   lifecycle                  (none: event/detail and their codes)
//   reboot, control-error      (none)
//   rtc-change                 utcoffset (seconds)
//   watchdog                   action
//   io-error                   src_path, dev_alias, action
//   io-error-reason            src_path, dev_alias, action, reason
//   graphics                   phase, local{family,node,service},
//                              remote{family,node,service}, auth_scheme,
//                              subject[{type,name}]
//   block-job, block-job-2     disk, type, status
//   disk-change                old_src_path, new_src_path, dev_alias, reason
//   tray-change                dev_alias, reason
//   pm-wakeup, pm-suspend,
//   pm-suspend-disk            reason (libvirt's number; always 0 today)
//   balloon-change             actual_kib
//   device-added, device-removed,
//   device-removal-failed      dev_alias
//   tunable, job-completed     params {name: value} from libvirt's typed parameters
//   agent-lifecycle            state, reason
//   migration-iteration        iteration
//   metadata-change            type, nsuri
//   block-threshold            dev, path, threshold, excess
//   memory-failure             recipient, action, flags
//   memory-device-size-change  alias, size_kib
// Absent strings are null. Enumerations are tokens (names.h).
#pragma once

#include <span>
#include <string>
#include <vector>

#include <libvirt/libvirt.h>

#include "io/diagnostics.h"
#include "publisher/inbox.h"

namespace vme::pub {

/// Where the callbacks put what they build (their opaque pointer): events
/// into the inbox, exceptions into the count.
struct CallbackTarget {
    Inbox& inbox;
    io::CallbackErrors& errors;
};

/// One event kind's callback, cast as libvirt's registration API wants it.
struct KindCallback {
    int id;                                         ///< VIR_DOMAIN_EVENT_ID_*
    virConnectDomainEventGenericCallback callback;  ///< never null
};

/// The callback table: one row per VIR_DOMAIN_EVENT_ID_* (its size is
/// checked against VIR_DOMAIN_EVENT_ID_LAST when this file is built),
/// row i for id i.
std::span<const KindCallback> event_callback_table();

/// The outcome of registering callbacks on one connection.
struct Registration {
    std::vector<int> callback_ids;     ///< for virConnectDomainEventDeregisterAny
    std::vector<std::string> notices;  ///< one line per kind the server refused
};

/// Registers the callback of every kind in `kinds` (VIR_DOMAIN_EVENT_ID_*,
/// each < VIR_DOMAIN_EVENT_ID_LAST; empty: every kind) with `target` as
/// opaque pointer (it must outlive the registration). A kind the server
/// refuses is skipped and noted, never an error.
Registration register_event_callbacks(virConnectPtr conn, const std::vector<int>& kinds, CallbackTarget& target);

/// The Event for a lifecycle (event, detail) pair, used for the synthetic
/// events made after a reconnect too.
Event lifecycle_event(const DomainRef& domain, int event, int detail);

}  // namespace vme::pub
