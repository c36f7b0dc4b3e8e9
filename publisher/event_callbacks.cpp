// Must precede the first libvirt include: it makes VIR_DOMAIN_EVENT_ID_LAST exist.
#define VIR_ENUM_SENTINELS

#include "publisher/event_callbacks.h"

#include <nlohmann/json.hpp>

#include "common/names.h"
#include "common/time.h"
#include "publisher/libvirt_conn.h"

namespace vme::pub {

namespace {

using json = nlohmann::ordered_json;

/// A C string as JSON: null when absent.
json str(const char* s) { return s ? json(s) : json(nullptr); }

/// An Event of `kind_id` for `dom`, stamped now; `event` defaults to the kind name.
Event base(virDomainPtr dom, int kind_id) {
    Event e;
    e.time = utc_now_iso();
    e.domain = domain_ref(dom);
    e.kind = std::string(kind_name(kind_id));
    e.event = e.kind;
    return e;
}

/// Sets the main token and its code.
void set_event(Event& e, std::string_view token, int code) {
    e.event = std::string(token);
    e.event_code = code;
}

/// "libvirt <kind>", the name an exception in a callback is counted
/// under; made once per kind, not per event.
std::string_view callback_label(int kind_id) {
    static const std::vector<std::string> labels = [] {
        std::vector<std::string> all;
        for (int id = 0; id < VIR_DOMAIN_EVENT_ID_LAST; ++id) all.push_back("libvirt " + std::string(kind_name(id)));
        return all;
    }();
    return kind_id >= 0 && kind_id < VIR_DOMAIN_EVENT_ID_LAST ? std::string_view(labels[static_cast<std::size_t>(kind_id)])
                                                              : std::string_view("libvirt");
}

/// Runs `build` and hands its Event over: the only things a callback does.
/// Nothing may escape into libvirt's C code: an exception is counted and
/// logged (io::CallbackErrors), and the event is lost, never silently.
template <typename Build>
void guarded(void* opaque, int kind_id, Build&& build) noexcept {
    auto* target = static_cast<CallbackTarget*>(opaque);
    io::guard_callback(target->errors, callback_label(kind_id), [&] {
        LinkItem item;
        item.event = build();
        target->inbox.push(std::move(item));
    });
}

json typed_value(const virTypedParameter& p) {
    switch (p.type) {
        case VIR_TYPED_PARAM_INT: return p.value.i;
        case VIR_TYPED_PARAM_UINT: return p.value.ui;
        case VIR_TYPED_PARAM_LLONG: return p.value.l;
        case VIR_TYPED_PARAM_ULLONG: return p.value.ul;
        case VIR_TYPED_PARAM_DOUBLE: return p.value.d;
        case VIR_TYPED_PARAM_BOOLEAN: return p.value.b != 0;
        case VIR_TYPED_PARAM_STRING: return str(p.value.s);
        default: return nullptr;
    }
}

json typed_params(virTypedParameterPtr params, int n) {
    json out = json::object();
    for (int i = 0; i < n; ++i) out[params[i].field] = typed_value(params[i]);
    return out;
}

json graphics_address(const virDomainEventGraphicsAddress* a) {
    if (!a) return nullptr;
    return json{{"family", std::string(graphics_family_name(a->family))},
                {"node", str(a->node)},
                {"service", str(a->service)}};
}

json graphics_subject(const virDomainEventGraphicsSubject* s) {
    json out = json::array();
    for (int i = 0; s && i < s->nidentity; ++i)
        out.push_back(json{{"type", str(s->identities[i].type)}, {"name", str(s->identities[i].name)}});
    return out;
}

// ---- one callback per kind (signatures are libvirt's) ----

int on_lifecycle(virConnectPtr, virDomainPtr dom, int event, int detail, void* opaque) {
    guarded(opaque, VIR_DOMAIN_EVENT_ID_LIFECYCLE, [&] {
        Event e = lifecycle_event(domain_ref(dom), event, detail);
        e.time = utc_now_iso();
        return e;
    });
    return 0;
}

void on_reboot(virConnectPtr, virDomainPtr dom, void* opaque) {
    guarded(opaque, VIR_DOMAIN_EVENT_ID_REBOOT, [&] {
        Event e = base(dom, VIR_DOMAIN_EVENT_ID_REBOOT);
        e.text = "Reboot";
        return e;
    });
}

void on_control_error(virConnectPtr, virDomainPtr dom, void* opaque) {
    guarded(opaque, VIR_DOMAIN_EVENT_ID_CONTROL_ERROR, [&] {
        Event e = base(dom, VIR_DOMAIN_EVENT_ID_CONTROL_ERROR);
        e.text = "Control error";
        return e;
    });
}

void on_rtc_change(virConnectPtr, virDomainPtr dom, long long utcoffset, void* opaque) {
    guarded(opaque, VIR_DOMAIN_EVENT_ID_RTC_CHANGE, [&] {
        Event e = base(dom, VIR_DOMAIN_EVENT_ID_RTC_CHANGE);
        e.fields["utcoffset"] = utcoffset;
        e.text = "RTC change: utcoffset " + std::to_string(utcoffset);
        return e;
    });
}

void on_watchdog(virConnectPtr, virDomainPtr dom, int action, void* opaque) {
    guarded(opaque, VIR_DOMAIN_EVENT_ID_WATCHDOG, [&] {
        Event e = base(dom, VIR_DOMAIN_EVENT_ID_WATCHDOG);
        set_event(e, watchdog_action_name(action), action);
        e.fields["action"] = e.event;
        e.text = "Watchdog: " + e.event;
        return e;
    });
}

Event io_error(virDomainPtr dom, int kind, const char* src, const char* alias, int action) {
    Event e = base(dom, kind);
    set_event(e, io_error_action_name(action), action);
    e.fields["src_path"] = str(src);
    e.fields["dev_alias"] = str(alias);
    e.fields["action"] = e.event;
    e.text = std::string("I/O error on ") + (alias ? alias : "?") + " (" + (src ? src : "?") + "): " + e.event;
    return e;
}

void on_io_error(virConnectPtr, virDomainPtr dom, const char* src, const char* alias, int action, void* opaque) {
    guarded(opaque, VIR_DOMAIN_EVENT_ID_IO_ERROR, [&] { return io_error(dom, VIR_DOMAIN_EVENT_ID_IO_ERROR, src, alias, action); });
}

void on_io_error_reason(virConnectPtr, virDomainPtr dom, const char* src, const char* alias, int action,
                        const char* reason, void* opaque) {
    guarded(opaque, VIR_DOMAIN_EVENT_ID_IO_ERROR_REASON, [&] {
        Event e = io_error(dom, VIR_DOMAIN_EVENT_ID_IO_ERROR_REASON, src, alias, action);
        e.fields["reason"] = str(reason);
        if (reason) e.text += std::string(" (") + reason + ")";
        return e;
    });
}

void on_graphics(virConnectPtr, virDomainPtr dom, int phase, const virDomainEventGraphicsAddress* local,
                 const virDomainEventGraphicsAddress* remote, const char* auth_scheme,
                 const virDomainEventGraphicsSubject* subject, void* opaque) {
    guarded(opaque, VIR_DOMAIN_EVENT_ID_GRAPHICS, [&] {
        Event e = base(dom, VIR_DOMAIN_EVENT_ID_GRAPHICS);
        set_event(e, graphics_phase_name(phase), phase);
        e.fields["phase"] = e.event;
        e.fields["local"] = graphics_address(local);
        e.fields["remote"] = graphics_address(remote);
        e.fields["auth_scheme"] = str(auth_scheme);
        e.fields["subject"] = graphics_subject(subject);
        e.text = "Graphics " + e.event;
        return e;
    });
}

Event block_job(virDomainPtr dom, int kind, const char* disk, int type, int status) {
    Event e = base(dom, kind);
    set_event(e, block_job_status_name(status), status);
    e.fields["disk"] = str(disk);
    e.fields["type"] = std::string(block_job_type_name(type));
    e.fields["status"] = e.event;
    e.text = "Block job " + std::string(block_job_type_name(type)) + " on " + (disk ? disk : "?") + ": " + e.event;
    return e;
}

void on_block_job(virConnectPtr, virDomainPtr dom, const char* disk, int type, int status, void* opaque) {
    guarded(opaque, VIR_DOMAIN_EVENT_ID_BLOCK_JOB, [&] { return block_job(dom, VIR_DOMAIN_EVENT_ID_BLOCK_JOB, disk, type, status); });
}

void on_block_job_2(virConnectPtr, virDomainPtr dom, const char* disk, int type, int status, void* opaque) {
    guarded(opaque, VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2, [&] { return block_job(dom, VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2, disk, type, status); });
}

void on_disk_change(virConnectPtr, virDomainPtr dom, const char* old_src, const char* new_src,
                    const char* alias, int reason, void* opaque) {
    guarded(opaque, VIR_DOMAIN_EVENT_ID_DISK_CHANGE, [&] {
        Event e = base(dom, VIR_DOMAIN_EVENT_ID_DISK_CHANGE);
        e.detail = std::string(disk_change_reason_name(reason));
        e.detail_code = reason;
        e.fields["old_src_path"] = str(old_src);
        e.fields["new_src_path"] = str(new_src);
        e.fields["dev_alias"] = str(alias);
        e.fields["reason"] = e.detail;
        e.text = std::string("Disk change on ") + (alias ? alias : "?") + ": " + e.detail;
        return e;
    });
}

void on_tray_change(virConnectPtr, virDomainPtr dom, const char* alias, int reason, void* opaque) {
    guarded(opaque, VIR_DOMAIN_EVENT_ID_TRAY_CHANGE, [&] {
        Event e = base(dom, VIR_DOMAIN_EVENT_ID_TRAY_CHANGE);
        set_event(e, tray_change_reason_name(reason), reason);
        e.fields["dev_alias"] = str(alias);
        e.fields["reason"] = e.event;
        e.text = std::string("Tray ") + e.event + " on " + (alias ? alias : "?");
        return e;
    });
}

Event pm(virDomainPtr dom, int kind, int reason, const char* text) {
    Event e = base(dom, kind);
    e.fields["reason"] = reason;
    e.text = text;
    return e;
}

void on_pm_wakeup(virConnectPtr, virDomainPtr dom, int reason, void* opaque) {
    guarded(opaque, VIR_DOMAIN_EVENT_ID_PMWAKEUP, [&] { return pm(dom, VIR_DOMAIN_EVENT_ID_PMWAKEUP, reason, "PM wakeup"); });
}

void on_pm_suspend(virConnectPtr, virDomainPtr dom, int reason, void* opaque) {
    guarded(opaque, VIR_DOMAIN_EVENT_ID_PMSUSPEND, [&] { return pm(dom, VIR_DOMAIN_EVENT_ID_PMSUSPEND, reason, "PM suspend"); });
}

void on_pm_suspend_disk(virConnectPtr, virDomainPtr dom, int reason, void* opaque) {
    guarded(opaque, VIR_DOMAIN_EVENT_ID_PMSUSPEND_DISK, [&] { return pm(dom, VIR_DOMAIN_EVENT_ID_PMSUSPEND_DISK, reason, "PM suspend to disk"); });
}

void on_balloon_change(virConnectPtr, virDomainPtr dom, unsigned long long actual, void* opaque) {
    guarded(opaque, VIR_DOMAIN_EVENT_ID_BALLOON_CHANGE, [&] {
        Event e = base(dom, VIR_DOMAIN_EVENT_ID_BALLOON_CHANGE);
        e.fields["actual_kib"] = actual;
        e.text = "Balloon change: " + std::to_string(actual) + " KiB";
        return e;
    });
}

Event device(virDomainPtr dom, int kind, const char* alias, const char* what) {
    Event e = base(dom, kind);
    e.fields["dev_alias"] = str(alias);
    e.text = std::string(what) + " " + (alias ? alias : "?");
    return e;
}

void on_device_removed(virConnectPtr, virDomainPtr dom, const char* alias, void* opaque) {
    guarded(opaque, VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED, [&] { return device(dom, VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED, alias, "Device removed:"); });
}

void on_device_added(virConnectPtr, virDomainPtr dom, const char* alias, void* opaque) {
    guarded(opaque, VIR_DOMAIN_EVENT_ID_DEVICE_ADDED, [&] { return device(dom, VIR_DOMAIN_EVENT_ID_DEVICE_ADDED, alias, "Device added:"); });
}

void on_device_removal_failed(virConnectPtr, virDomainPtr dom, const char* alias, void* opaque) {
    guarded(opaque, VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED,
            [&] { return device(dom, VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED, alias, "Device removal failed:"); });
}

void on_tunable(virConnectPtr, virDomainPtr dom, virTypedParameterPtr params, int n, void* opaque) {
    guarded(opaque, VIR_DOMAIN_EVENT_ID_TUNABLE, [&] {
        Event e = base(dom, VIR_DOMAIN_EVENT_ID_TUNABLE);
        e.fields["params"] = typed_params(params, n);
        e.text = "Tunable change (" + std::to_string(n) + " parameters)";
        return e;
    });
}

void on_job_completed(virConnectPtr, virDomainPtr dom, virTypedParameterPtr params, int n, void* opaque) {
    guarded(opaque, VIR_DOMAIN_EVENT_ID_JOB_COMPLETED, [&] {
        Event e = base(dom, VIR_DOMAIN_EVENT_ID_JOB_COMPLETED);
        e.fields["params"] = typed_params(params, n);
        e.text = "Job completed";
        return e;
    });
}

void on_agent_lifecycle(virConnectPtr, virDomainPtr dom, int state, int reason, void* opaque) {
    guarded(opaque, VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE, [&] {
        Event e = base(dom, VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE);
        set_event(e, agent_state_name(state), state);
        e.detail = std::string(agent_reason_name(reason));
        e.detail_code = reason;
        e.fields["state"] = e.event;
        e.fields["reason"] = e.detail;
        e.text = "Guest agent " + e.event + " (" + e.detail + ")";
        return e;
    });
}

void on_migration_iteration(virConnectPtr, virDomainPtr dom, int iteration, void* opaque) {
    guarded(opaque, VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION, [&] {
        Event e = base(dom, VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION);
        e.fields["iteration"] = iteration;
        e.text = "Migration iteration " + std::to_string(iteration);
        return e;
    });
}

void on_metadata_change(virConnectPtr, virDomainPtr dom, int type, const char* nsuri, void* opaque) {
    guarded(opaque, VIR_DOMAIN_EVENT_ID_METADATA_CHANGE, [&] {
        Event e = base(dom, VIR_DOMAIN_EVENT_ID_METADATA_CHANGE);
        e.fields["type"] = std::string(metadata_type_name(type));
        e.fields["nsuri"] = str(nsuri);
        e.text = "Metadata change: " + std::string(metadata_type_name(type));
        return e;
    });
}

void on_block_threshold(virConnectPtr, virDomainPtr dom, const char* dev, const char* path,
                        unsigned long long threshold, unsigned long long excess, void* opaque) {
    guarded(opaque, VIR_DOMAIN_EVENT_ID_BLOCK_THRESHOLD, [&] {
        Event e = base(dom, VIR_DOMAIN_EVENT_ID_BLOCK_THRESHOLD);
        e.fields["dev"] = str(dev);
        e.fields["path"] = str(path);
        e.fields["threshold"] = threshold;
        e.fields["excess"] = excess;
        e.text = std::string("Block threshold on ") + (dev ? dev : "?") + " exceeded by " + std::to_string(excess);
        return e;
    });
}

void on_memory_failure(virConnectPtr, virDomainPtr dom, int recipient, int action, unsigned int flags,
                       void* opaque) {
    guarded(opaque, VIR_DOMAIN_EVENT_ID_MEMORY_FAILURE, [&] {
        Event e = base(dom, VIR_DOMAIN_EVENT_ID_MEMORY_FAILURE);
        e.fields["recipient"] = std::string(memory_failure_recipient_name(recipient));
        e.fields["action"] = std::string(memory_failure_action_name(action));
        e.fields["flags"] = flags;
        e.text = "Memory failure (" + std::string(memory_failure_action_name(action)) + ")";
        return e;
    });
}

void on_memory_device_size_change(virConnectPtr, virDomainPtr dom, const char* alias, unsigned long long size,
                                  void* opaque) {
    guarded(opaque, VIR_DOMAIN_EVENT_ID_MEMORY_DEVICE_SIZE_CHANGE, [&] {
        Event e = base(dom, VIR_DOMAIN_EVENT_ID_MEMORY_DEVICE_SIZE_CHANGE);
        e.fields["alias"] = str(alias);
        e.fields["size_kib"] = size;
        e.text = std::string("Memory device ") + (alias ? alias : "?") + " size " + std::to_string(size) + " KiB";
        return e;
    });
}

/// One row per event kind: its id and its callback, cast as libvirt's
/// registration API wants it (as virsh's virshDomainEventCallbacks).
/// Indexed by id: tests/unit checks every row's id against its index.
const KindCallback kCallbacks[] = {
    {VIR_DOMAIN_EVENT_ID_LIFECYCLE, VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle)},
    {VIR_DOMAIN_EVENT_ID_REBOOT, VIR_DOMAIN_EVENT_CALLBACK(on_reboot)},
    {VIR_DOMAIN_EVENT_ID_RTC_CHANGE, VIR_DOMAIN_EVENT_CALLBACK(on_rtc_change)},
    {VIR_DOMAIN_EVENT_ID_WATCHDOG, VIR_DOMAIN_EVENT_CALLBACK(on_watchdog)},
    {VIR_DOMAIN_EVENT_ID_IO_ERROR, VIR_DOMAIN_EVENT_CALLBACK(on_io_error)},
    {VIR_DOMAIN_EVENT_ID_GRAPHICS, VIR_DOMAIN_EVENT_CALLBACK(on_graphics)},
    {VIR_DOMAIN_EVENT_ID_IO_ERROR_REASON, VIR_DOMAIN_EVENT_CALLBACK(on_io_error_reason)},
    {VIR_DOMAIN_EVENT_ID_CONTROL_ERROR, VIR_DOMAIN_EVENT_CALLBACK(on_control_error)},
    {VIR_DOMAIN_EVENT_ID_BLOCK_JOB, VIR_DOMAIN_EVENT_CALLBACK(on_block_job)},
    {VIR_DOMAIN_EVENT_ID_DISK_CHANGE, VIR_DOMAIN_EVENT_CALLBACK(on_disk_change)},
    {VIR_DOMAIN_EVENT_ID_TRAY_CHANGE, VIR_DOMAIN_EVENT_CALLBACK(on_tray_change)},
    {VIR_DOMAIN_EVENT_ID_PMWAKEUP, VIR_DOMAIN_EVENT_CALLBACK(on_pm_wakeup)},
    {VIR_DOMAIN_EVENT_ID_PMSUSPEND, VIR_DOMAIN_EVENT_CALLBACK(on_pm_suspend)},
    {VIR_DOMAIN_EVENT_ID_BALLOON_CHANGE, VIR_DOMAIN_EVENT_CALLBACK(on_balloon_change)},
    {VIR_DOMAIN_EVENT_ID_PMSUSPEND_DISK, VIR_DOMAIN_EVENT_CALLBACK(on_pm_suspend_disk)},
    {VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED, VIR_DOMAIN_EVENT_CALLBACK(on_device_removed)},
    {VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2, VIR_DOMAIN_EVENT_CALLBACK(on_block_job_2)},
    {VIR_DOMAIN_EVENT_ID_TUNABLE, VIR_DOMAIN_EVENT_CALLBACK(on_tunable)},
    {VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE, VIR_DOMAIN_EVENT_CALLBACK(on_agent_lifecycle)},
    {VIR_DOMAIN_EVENT_ID_DEVICE_ADDED, VIR_DOMAIN_EVENT_CALLBACK(on_device_added)},
    {VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION, VIR_DOMAIN_EVENT_CALLBACK(on_migration_iteration)},
    {VIR_DOMAIN_EVENT_ID_JOB_COMPLETED, VIR_DOMAIN_EVENT_CALLBACK(on_job_completed)},
    {VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED, VIR_DOMAIN_EVENT_CALLBACK(on_device_removal_failed)},
    {VIR_DOMAIN_EVENT_ID_METADATA_CHANGE, VIR_DOMAIN_EVENT_CALLBACK(on_metadata_change)},
    {VIR_DOMAIN_EVENT_ID_BLOCK_THRESHOLD, VIR_DOMAIN_EVENT_CALLBACK(on_block_threshold)},
    {VIR_DOMAIN_EVENT_ID_MEMORY_FAILURE, VIR_DOMAIN_EVENT_CALLBACK(on_memory_failure)},
    {VIR_DOMAIN_EVENT_ID_MEMORY_DEVICE_SIZE_CHANGE, VIR_DOMAIN_EVENT_CALLBACK(on_memory_device_size_change)},
};

/// Every kind this libvirt knows has its row: a libvirt with a new kind
/// fails to build here instead of silently missing its events.
static_assert(std::size(kCallbacks) == VIR_DOMAIN_EVENT_ID_LAST, "a libvirt event kind has no callback");

}  // namespace

Event lifecycle_event(const DomainRef& domain, int event, int detail) {
    Event e;
    e.domain = domain;
    e.kind = std::string(kind_name(VIR_DOMAIN_EVENT_ID_LIFECYCLE));
    e.event = std::string(lifecycle_event_name(event));
    e.event_code = event;
    if (detail >= 0) {
        e.detail = std::string(lifecycle_detail_name(event, detail));
        e.detail_code = detail;
    }
    e.text = lifecycle_text(event, detail);
    return e;
}

std::span<const KindCallback> event_callback_table() { return kCallbacks; }

Registration register_event_callbacks(virConnectPtr conn, const std::vector<int>& kinds, CallbackTarget& target) {
    callback_label(0);  // makes the labels here, where an allocation may throw, never in a callback
    std::vector<int> ids = kinds;
    if (ids.empty())
        for (const auto& row : kCallbacks) ids.push_back(row.id);
    Registration r;
    for (int id : ids) {
        // Options only take kinds from names.h, which is checked against the same LAST.
        int handle = virConnectDomainEventRegisterAny(conn, nullptr, id, kCallbacks[id].callback, &target, nullptr);
        if (handle < 0)
            r.notices.push_back("event kind " + std::string(kind_name(id)) + " not registered: " + libvirt_error());
        else
            r.callback_ids.push_back(handle);
    }
    return r;
}

}  // namespace vme::pub
