#include "publisher/event_callbacks.h"

#include <nlohmann/json.hpp>

#include "common/format.h"
#include "common/names.h"
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

/// Hands the event over; the only thing a callback does besides building it.
void deliver(void* opaque, Event&& e) {
    InboxItem item;
    item.event = std::move(e);
    static_cast<Inbox*>(opaque)->push(std::move(item));
}

/// Runs `build` and delivers; nothing may escape into libvirt's C code.
template <typename Build>
void guarded(void* opaque, Build&& build) noexcept {
    try {
        deliver(opaque, build());
    } catch (...) {
    }
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
    guarded(opaque, [&] {
        Event e = lifecycle_event(domain_ref(dom), event, detail);
        e.time = utc_now_iso();
        return e;
    });
    return 0;
}

void on_reboot(virConnectPtr, virDomainPtr dom, void* opaque) {
    guarded(opaque, [&] {
        Event e = base(dom, VIR_DOMAIN_EVENT_ID_REBOOT);
        e.text = "Reboot";
        return e;
    });
}

void on_control_error(virConnectPtr, virDomainPtr dom, void* opaque) {
    guarded(opaque, [&] {
        Event e = base(dom, VIR_DOMAIN_EVENT_ID_CONTROL_ERROR);
        e.text = "Control error";
        return e;
    });
}

void on_rtc_change(virConnectPtr, virDomainPtr dom, long long utcoffset, void* opaque) {
    guarded(opaque, [&] {
        Event e = base(dom, VIR_DOMAIN_EVENT_ID_RTC_CHANGE);
        e.fields["utcoffset"] = utcoffset;
        e.text = "RTC change: utcoffset " + std::to_string(utcoffset);
        return e;
    });
}

void on_watchdog(virConnectPtr, virDomainPtr dom, int action, void* opaque) {
    guarded(opaque, [&] {
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
    guarded(opaque, [&] { return io_error(dom, VIR_DOMAIN_EVENT_ID_IO_ERROR, src, alias, action); });
}

void on_io_error_reason(virConnectPtr, virDomainPtr dom, const char* src, const char* alias, int action,
                        const char* reason, void* opaque) {
    guarded(opaque, [&] {
        Event e = io_error(dom, VIR_DOMAIN_EVENT_ID_IO_ERROR_REASON, src, alias, action);
        e.fields["reason"] = str(reason);
        if (reason) e.text += std::string(" (") + reason + ")";
        return e;
    });
}

void on_graphics(virConnectPtr, virDomainPtr dom, int phase, const virDomainEventGraphicsAddress* local,
                 const virDomainEventGraphicsAddress* remote, const char* auth_scheme,
                 const virDomainEventGraphicsSubject* subject, void* opaque) {
    guarded(opaque, [&] {
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
    guarded(opaque, [&] { return block_job(dom, VIR_DOMAIN_EVENT_ID_BLOCK_JOB, disk, type, status); });
}

void on_block_job_2(virConnectPtr, virDomainPtr dom, const char* disk, int type, int status, void* opaque) {
    guarded(opaque, [&] { return block_job(dom, VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2, disk, type, status); });
}

void on_disk_change(virConnectPtr, virDomainPtr dom, const char* old_src, const char* new_src,
                    const char* alias, int reason, void* opaque) {
    guarded(opaque, [&] {
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
    guarded(opaque, [&] {
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
    guarded(opaque, [&] { return pm(dom, VIR_DOMAIN_EVENT_ID_PMWAKEUP, reason, "PM wakeup"); });
}

void on_pm_suspend(virConnectPtr, virDomainPtr dom, int reason, void* opaque) {
    guarded(opaque, [&] { return pm(dom, VIR_DOMAIN_EVENT_ID_PMSUSPEND, reason, "PM suspend"); });
}

void on_pm_suspend_disk(virConnectPtr, virDomainPtr dom, int reason, void* opaque) {
    guarded(opaque, [&] { return pm(dom, VIR_DOMAIN_EVENT_ID_PMSUSPEND_DISK, reason, "PM suspend to disk"); });
}

void on_balloon_change(virConnectPtr, virDomainPtr dom, unsigned long long actual, void* opaque) {
    guarded(opaque, [&] {
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
    guarded(opaque, [&] { return device(dom, VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED, alias, "Device removed:"); });
}

void on_device_added(virConnectPtr, virDomainPtr dom, const char* alias, void* opaque) {
    guarded(opaque, [&] { return device(dom, VIR_DOMAIN_EVENT_ID_DEVICE_ADDED, alias, "Device added:"); });
}

void on_device_removal_failed(virConnectPtr, virDomainPtr dom, const char* alias, void* opaque) {
    guarded(opaque,
            [&] { return device(dom, VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED, alias, "Device removal failed:"); });
}

void on_tunable(virConnectPtr, virDomainPtr dom, virTypedParameterPtr params, int n, void* opaque) {
    guarded(opaque, [&] {
        Event e = base(dom, VIR_DOMAIN_EVENT_ID_TUNABLE);
        e.fields["params"] = typed_params(params, n);
        e.text = "Tunable change (" + std::to_string(n) + " parameters)";
        return e;
    });
}

void on_job_completed(virConnectPtr, virDomainPtr dom, virTypedParameterPtr params, int n, void* opaque) {
    guarded(opaque, [&] {
        Event e = base(dom, VIR_DOMAIN_EVENT_ID_JOB_COMPLETED);
        e.fields["params"] = typed_params(params, n);
        e.text = "Job completed";
        return e;
    });
}

void on_agent_lifecycle(virConnectPtr, virDomainPtr dom, int state, int reason, void* opaque) {
    guarded(opaque, [&] {
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
    guarded(opaque, [&] {
        Event e = base(dom, VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION);
        e.fields["iteration"] = iteration;
        e.text = "Migration iteration " + std::to_string(iteration);
        return e;
    });
}

void on_metadata_change(virConnectPtr, virDomainPtr dom, int type, const char* nsuri, void* opaque) {
    guarded(opaque, [&] {
        Event e = base(dom, VIR_DOMAIN_EVENT_ID_METADATA_CHANGE);
        e.fields["type"] = std::string(metadata_type_name(type));
        e.fields["nsuri"] = str(nsuri);
        e.text = "Metadata change: " + std::string(metadata_type_name(type));
        return e;
    });
}

void on_block_threshold(virConnectPtr, virDomainPtr dom, const char* dev, const char* path,
                        unsigned long long threshold, unsigned long long excess, void* opaque) {
    guarded(opaque, [&] {
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
    guarded(opaque, [&] {
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
    guarded(opaque, [&] {
        Event e = base(dom, VIR_DOMAIN_EVENT_ID_MEMORY_DEVICE_SIZE_CHANGE);
        e.fields["alias"] = str(alias);
        e.fields["size_kib"] = size;
        e.text = std::string("Memory device ") + (alias ? alias : "?") + " size " + std::to_string(size) + " KiB";
        return e;
    });
}

/// The callback for a kind, cast as libvirt's registration API wants it.
virConnectDomainEventGenericCallback callback_for(int id) {
    switch (id) {
        case VIR_DOMAIN_EVENT_ID_LIFECYCLE: return VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle);
        case VIR_DOMAIN_EVENT_ID_REBOOT: return VIR_DOMAIN_EVENT_CALLBACK(on_reboot);
        case VIR_DOMAIN_EVENT_ID_RTC_CHANGE: return VIR_DOMAIN_EVENT_CALLBACK(on_rtc_change);
        case VIR_DOMAIN_EVENT_ID_WATCHDOG: return VIR_DOMAIN_EVENT_CALLBACK(on_watchdog);
        case VIR_DOMAIN_EVENT_ID_IO_ERROR: return VIR_DOMAIN_EVENT_CALLBACK(on_io_error);
        case VIR_DOMAIN_EVENT_ID_GRAPHICS: return VIR_DOMAIN_EVENT_CALLBACK(on_graphics);
        case VIR_DOMAIN_EVENT_ID_IO_ERROR_REASON: return VIR_DOMAIN_EVENT_CALLBACK(on_io_error_reason);
        case VIR_DOMAIN_EVENT_ID_CONTROL_ERROR: return VIR_DOMAIN_EVENT_CALLBACK(on_control_error);
        case VIR_DOMAIN_EVENT_ID_BLOCK_JOB: return VIR_DOMAIN_EVENT_CALLBACK(on_block_job);
        case VIR_DOMAIN_EVENT_ID_DISK_CHANGE: return VIR_DOMAIN_EVENT_CALLBACK(on_disk_change);
        case VIR_DOMAIN_EVENT_ID_TRAY_CHANGE: return VIR_DOMAIN_EVENT_CALLBACK(on_tray_change);
        case VIR_DOMAIN_EVENT_ID_PMWAKEUP: return VIR_DOMAIN_EVENT_CALLBACK(on_pm_wakeup);
        case VIR_DOMAIN_EVENT_ID_PMSUSPEND: return VIR_DOMAIN_EVENT_CALLBACK(on_pm_suspend);
        case VIR_DOMAIN_EVENT_ID_BALLOON_CHANGE: return VIR_DOMAIN_EVENT_CALLBACK(on_balloon_change);
        case VIR_DOMAIN_EVENT_ID_PMSUSPEND_DISK: return VIR_DOMAIN_EVENT_CALLBACK(on_pm_suspend_disk);
        case VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED: return VIR_DOMAIN_EVENT_CALLBACK(on_device_removed);
        case VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2: return VIR_DOMAIN_EVENT_CALLBACK(on_block_job_2);
        case VIR_DOMAIN_EVENT_ID_TUNABLE: return VIR_DOMAIN_EVENT_CALLBACK(on_tunable);
        case VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE: return VIR_DOMAIN_EVENT_CALLBACK(on_agent_lifecycle);
        case VIR_DOMAIN_EVENT_ID_DEVICE_ADDED: return VIR_DOMAIN_EVENT_CALLBACK(on_device_added);
        case VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION: return VIR_DOMAIN_EVENT_CALLBACK(on_migration_iteration);
        case VIR_DOMAIN_EVENT_ID_JOB_COMPLETED: return VIR_DOMAIN_EVENT_CALLBACK(on_job_completed);
        case VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED: return VIR_DOMAIN_EVENT_CALLBACK(on_device_removal_failed);
        case VIR_DOMAIN_EVENT_ID_METADATA_CHANGE: return VIR_DOMAIN_EVENT_CALLBACK(on_metadata_change);
        case VIR_DOMAIN_EVENT_ID_BLOCK_THRESHOLD: return VIR_DOMAIN_EVENT_CALLBACK(on_block_threshold);
        case VIR_DOMAIN_EVENT_ID_MEMORY_FAILURE: return VIR_DOMAIN_EVENT_CALLBACK(on_memory_failure);
        case VIR_DOMAIN_EVENT_ID_MEMORY_DEVICE_SIZE_CHANGE:
            return VIR_DOMAIN_EVENT_CALLBACK(on_memory_device_size_change);
        default: return nullptr;
    }
}

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

Registration register_event_callbacks(virConnectPtr conn, const std::vector<int>& kinds, Inbox& inbox) {
    std::vector<int> ids = kinds;
    if (ids.empty())
        for (std::size_t i = 0; i < all_kind_names().size(); ++i) ids.push_back(static_cast<int>(i));
    Registration r;
    for (int id : ids) {
        auto cb = callback_for(id);
        if (!cb) continue;
        int handle = virConnectDomainEventRegisterAny(conn, nullptr, id, cb, &inbox, nullptr);
        if (handle < 0)
            r.notices.push_back("event kind " + std::string(kind_name(id)) + " not registered: " + libvirt_error());
        else
            r.callback_ids.push_back(handle);
    }
    return r;
}

}  // namespace vme::pub
