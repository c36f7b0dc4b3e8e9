// Name tables for libvirt's domain event and state codes.
//
// Every table is a constexpr array indexed by the libvirt code and checked
// against libvirt's *_LAST sentinel at compile time, so a libvirt upgrade that
// adds a value fails the build here instead of shifting every later name.
// Tokens follow the rule in names.h (enum suffix, lower-case, '_' -> '-');
// the lifecycle texts are virsh's own words (tools/virsh-domain-event.c of
// libvirt 9.0), so `text` matches what `virsh event` prints.
//
// Enums that the header has no *_LAST for: none of the tables below. Two
// notes: VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_STATE_* starts at 1, so
// entry 0 is kUnknown (virsh prints "unknown" for it too); and
// virDomainPMSuspendedDiskReason (VIR_DOMAIN_PMSUSPENDED_DISK_*) belongs to
// no domain state, so it has no table.

// Must precede the first libvirt include: it makes the *_LAST constants exist.
#define VIR_ENUM_SENTINELS
#include <libvirt/libvirt.h>

#include "names.h"

#include <array>
#include <cstddef>
#include <string>

namespace vme {

namespace {

using Names = std::span<const std::string_view>;

/// The entry of `table` for `code`, or nullptr when `code` is outside it
/// (negative codes included): the one place that bounds-checks a lookup.
template <typename T>
const T* entry(std::span<const T> table, int code) {
    if (code < 0 || static_cast<std::size_t>(code) >= table.size()) return nullptr;
    return &table[static_cast<std::size_t>(code)];
}

/// The token of `code` in `table`, kUnknown when it has none.
std::string_view token(Names table, int code) {
    const std::string_view* name = entry(table, code);
    return name ? *name : kUnknown;
}

/// The index of `name` in `table`; nullopt when absent.
std::optional<int> index_of(Names table, std::string_view name) {
    for (std::size_t i = 0; i < table.size(); ++i) {
        if (table[i] == name) return static_cast<int>(i);
    }
    return std::nullopt;
}

// ---------------------------------------------------------------- kinds

/// virsh's event names (its virshDomainEventCallbacks table), by VIR_DOMAIN_EVENT_ID_*.
constexpr auto kKinds = std::to_array<std::string_view>({
    "lifecycle", "reboot", "rtc-change", "watchdog", "io-error", "graphics",
    "io-error-reason", "control-error", "block-job", "disk-change", "tray-change",
    "pm-wakeup", "pm-suspend", "balloon-change", "pm-suspend-disk", "device-removed",
    "block-job-2", "tunable", "agent-lifecycle", "device-added", "migration-iteration",
    "job-completed", "device-removal-failed", "metadata-change", "block-threshold",
    "memory-failure", "memory-device-size-change",
});
static_assert(kKinds.size() == VIR_DOMAIN_EVENT_ID_LAST);

// ---------------------------------------------------------------- lifecycle

/// One lifecycle detail: our token and virsh's text for it.
struct Detail {
    std::string_view token;
    std::string_view text;
};

constexpr auto kDefined = std::to_array<Detail>({
    {"added", "Added"}, {"updated", "Updated"}, {"renamed", "Renamed"},
    {"from-snapshot", "Snapshot"},
});
static_assert(kDefined.size() == VIR_DOMAIN_EVENT_DEFINED_LAST);

constexpr auto kUndefined = std::to_array<Detail>({
    {"removed", "Removed"}, {"renamed", "Renamed"},
});
static_assert(kUndefined.size() == VIR_DOMAIN_EVENT_UNDEFINED_LAST);

constexpr auto kStarted = std::to_array<Detail>({
    {"booted", "Booted"}, {"migrated", "Migrated"}, {"restored", "Restored"},
    {"from-snapshot", "Snapshot"}, {"wakeup", "Event wakeup"},
});
static_assert(kStarted.size() == VIR_DOMAIN_EVENT_STARTED_LAST);

constexpr auto kSuspended = std::to_array<Detail>({
    {"paused", "Paused"}, {"migrated", "Migrated"}, {"ioerror", "I/O Error"},
    {"watchdog", "Watchdog"}, {"restored", "Restored"}, {"from-snapshot", "Snapshot"},
    {"api-error", "API error"}, {"postcopy", "Post-copy"},
    {"postcopy-failed", "Post-copy Error"},
});
static_assert(kSuspended.size() == VIR_DOMAIN_EVENT_SUSPENDED_LAST);

constexpr auto kResumed = std::to_array<Detail>({
    {"unpaused", "Unpaused"}, {"migrated", "Migrated"}, {"from-snapshot", "Snapshot"},
    {"postcopy", "Post-copy"}, {"postcopy-failed", "Post-copy Error"},
});
static_assert(kResumed.size() == VIR_DOMAIN_EVENT_RESUMED_LAST);

constexpr auto kStopped = std::to_array<Detail>({
    {"shutdown", "Shutdown"}, {"destroyed", "Destroyed"}, {"crashed", "Crashed"},
    {"migrated", "Migrated"}, {"saved", "Saved"}, {"failed", "Failed"},
    {"from-snapshot", "Snapshot"},
});
static_assert(kStopped.size() == VIR_DOMAIN_EVENT_STOPPED_LAST);

constexpr auto kShutdown = std::to_array<Detail>({
    {"finished", "Finished"}, {"guest", "Finished after guest request"},
    {"host", "Finished after host request"},
});
static_assert(kShutdown.size() == VIR_DOMAIN_EVENT_SHUTDOWN_LAST);

constexpr auto kPMSuspended = std::to_array<Detail>({
    {"memory", "Memory"}, {"disk", "Disk"},
});
static_assert(kPMSuspended.size() == VIR_DOMAIN_EVENT_PMSUSPENDED_LAST);

constexpr auto kCrashed = std::to_array<Detail>({
    {"panicked", "Panicked"}, {"crashloaded", "Crashloaded"},
});
static_assert(kCrashed.size() == VIR_DOMAIN_EVENT_CRASHED_LAST);

/// One lifecycle event: token, virsh's text, and its detail table.
struct Lifecycle {
    std::string_view token;
    std::string_view text;
    std::span<const Detail> details;
};

constexpr auto kLifecycle = std::to_array<Lifecycle>({
    {"defined", "Defined", kDefined},
    {"undefined", "Undefined", kUndefined},
    {"started", "Started", kStarted},
    {"suspended", "Suspended", kSuspended},
    {"resumed", "Resumed", kResumed},
    {"stopped", "Stopped", kStopped},
    {"shutdown", "Shutdown", kShutdown},
    {"pmsuspended", "PMSuspended", kPMSuspended},
    {"crashed", "Crashed", kCrashed},
});
static_assert(kLifecycle.size() == VIR_DOMAIN_EVENT_LAST);

/// The tokens of kLifecycle as a contiguous array, for all_lifecycle_event_names().
constexpr auto kLifecycleTokens = [] {
    std::array<std::string_view, kLifecycle.size()> tokens{};
    for (std::size_t i = 0; i < kLifecycle.size(); ++i) tokens[i] = kLifecycle[i].token;
    return tokens;
}();

/// The detail entry of (event, detail); nullptr when either is unknown.
const Detail* lifecycle_detail(int event, int detail) {
    const Lifecycle* ev = entry<Lifecycle>(kLifecycle, event);
    return ev ? entry(ev->details, detail) : nullptr;
}

// ---------------------------------------------------------------- states

constexpr auto kNostateReasons = std::to_array<std::string_view>({"unknown"});
static_assert(kNostateReasons.size() == VIR_DOMAIN_NOSTATE_LAST);

constexpr auto kRunningReasons = std::to_array<std::string_view>({
    "unknown", "booted", "migrated", "restored", "from-snapshot", "unpaused",
    "migration-canceled", "save-canceled", "wakeup", "crashed", "postcopy",
    "postcopy-failed",
});
static_assert(kRunningReasons.size() == VIR_DOMAIN_RUNNING_LAST);

constexpr auto kBlockedReasons = std::to_array<std::string_view>({"unknown"});
static_assert(kBlockedReasons.size() == VIR_DOMAIN_BLOCKED_LAST);

constexpr auto kPausedReasons = std::to_array<std::string_view>({
    "unknown", "user", "migration", "save", "dump", "ioerror", "watchdog",
    "from-snapshot", "shutting-down", "snapshot", "crashed", "starting-up",
    "postcopy", "postcopy-failed",
});
static_assert(kPausedReasons.size() == VIR_DOMAIN_PAUSED_LAST);

constexpr auto kShutdownReasons = std::to_array<std::string_view>({"unknown", "user"});
static_assert(kShutdownReasons.size() == VIR_DOMAIN_SHUTDOWN_LAST);

constexpr auto kShutoffReasons = std::to_array<std::string_view>({
    "unknown", "shutdown", "destroyed", "crashed", "migrated", "saved", "failed",
    "from-snapshot", "daemon",
});
static_assert(kShutoffReasons.size() == VIR_DOMAIN_SHUTOFF_LAST);

constexpr auto kCrashedReasons = std::to_array<std::string_view>({"unknown", "panicked"});
static_assert(kCrashedReasons.size() == VIR_DOMAIN_CRASHED_LAST);

constexpr auto kPMSuspendedReasons = std::to_array<std::string_view>({"unknown"});
static_assert(kPMSuspendedReasons.size() == VIR_DOMAIN_PMSUSPENDED_LAST);

constexpr auto kStates = std::to_array<std::string_view>({
    "nostate", "running", "blocked", "paused", "shutdown", "shutoff", "crashed",
    "pmsuspended",
});
static_assert(kStates.size() == VIR_DOMAIN_LAST);

/// Each state's reason table, in VIR_DOMAIN_* order.
constexpr auto kStateReasons = std::to_array<Names>({
    kNostateReasons, kRunningReasons, kBlockedReasons, kPausedReasons,
    kShutdownReasons, kShutoffReasons, kCrashedReasons, kPMSuspendedReasons,
});
static_assert(kStateReasons.size() == VIR_DOMAIN_LAST);

// ---------------------------------------------------------------- other kinds

constexpr auto kWatchdogActions = std::to_array<std::string_view>({
    "none", "pause", "reset", "poweroff", "shutdown", "debug", "injectnmi",
});
static_assert(kWatchdogActions.size() == VIR_DOMAIN_EVENT_WATCHDOG_LAST);

constexpr auto kIoErrorActions = std::to_array<std::string_view>({"none", "pause", "report"});
static_assert(kIoErrorActions.size() == VIR_DOMAIN_EVENT_IO_ERROR_LAST);

constexpr auto kGraphicsPhases = std::to_array<std::string_view>({
    "connect", "initialize", "disconnect",
});
static_assert(kGraphicsPhases.size() == VIR_DOMAIN_EVENT_GRAPHICS_LAST);

constexpr auto kGraphicsFamilies = std::to_array<std::string_view>({"ipv4", "ipv6", "unix"});
static_assert(kGraphicsFamilies.size() == VIR_DOMAIN_EVENT_GRAPHICS_ADDRESS_LAST);

constexpr auto kBlockJobTypes = std::to_array<std::string_view>({
    "unknown", "pull", "copy", "commit", "active-commit", "backup",
});
static_assert(kBlockJobTypes.size() == VIR_DOMAIN_BLOCK_JOB_TYPE_LAST);

constexpr auto kBlockJobStatuses = std::to_array<std::string_view>({
    "completed", "failed", "canceled", "ready",
});
static_assert(kBlockJobStatuses.size() == VIR_DOMAIN_BLOCK_JOB_LAST);

// The prefix of these constants is VIR_DOMAIN_EVENT_DISK_ (the enum's own
// sentinel is named ..._DISK_CHANGE_LAST), hence "change-missing-on-start".
constexpr auto kDiskChangeReasons = std::to_array<std::string_view>({
    "change-missing-on-start", "drop-missing-on-start",
});
static_assert(kDiskChangeReasons.size() == VIR_DOMAIN_EVENT_DISK_CHANGE_LAST);

constexpr auto kTrayChangeReasons = std::to_array<std::string_view>({"open", "close"});
static_assert(kTrayChangeReasons.size() == VIR_DOMAIN_EVENT_TRAY_CHANGE_LAST);

// Code 0 has no constant in libvirt (CONNECTED is 1): kUnknown fills the hole.
constexpr auto kAgentStates = std::to_array<std::string_view>({
    kUnknown, "connected", "disconnected",
});
static_assert(kAgentStates.size() == VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_STATE_LAST);

constexpr auto kAgentReasons = std::to_array<std::string_view>({
    "unknown", "domain-started", "channel",
});
static_assert(kAgentReasons.size() == VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_REASON_LAST);

constexpr auto kMemoryFailureRecipients = std::to_array<std::string_view>({
    "hypervisor", "guest",
});
static_assert(kMemoryFailureRecipients.size() == VIR_DOMAIN_EVENT_MEMORY_FAILURE_RECIPIENT_LAST);

constexpr auto kMemoryFailureActions = std::to_array<std::string_view>({
    "ignore", "inject", "fatal", "reset",
});
static_assert(kMemoryFailureActions.size() == VIR_DOMAIN_EVENT_MEMORY_FAILURE_ACTION_LAST);

constexpr auto kMetadataTypes = std::to_array<std::string_view>({
    "description", "title", "element",
});
static_assert(kMetadataTypes.size() == VIR_DOMAIN_METADATA_LAST);

constexpr auto kJobTypes = std::to_array<std::string_view>({
    "none", "bounded", "unbounded", "completed", "failed", "cancelled",
});
static_assert(kJobTypes.size() == VIR_DOMAIN_JOB_LAST);

}  // namespace

std::string_view kind_name(int event_id) { return token(kKinds, event_id); }

std::optional<int> kind_id(std::string_view name) { return index_of(kKinds, name); }

std::span<const std::string_view> all_kind_names() { return kKinds; }

std::string_view lifecycle_event_name(int event) { return token(kLifecycleTokens, event); }

std::span<const std::string_view> all_lifecycle_event_names() { return kLifecycleTokens; }

std::string_view lifecycle_detail_name(int event, int detail) {
    const Detail* d = lifecycle_detail(event, detail);
    return d ? d->token : kUnknown;
}

std::string lifecycle_text(int event, int detail) {
    // virsh prints "unknown" for either half it cannot name; so do we.
    const Lifecycle* ev = entry<Lifecycle>(kLifecycle, event);
    const Detail* d = lifecycle_detail(event, detail);
    std::string text(ev ? ev->text : kUnknown);
    text += ' ';
    text += d ? d->text : kUnknown;
    return text;
}

std::string_view state_name(int state) { return token(kStates, state); }

std::string_view state_reason_name(int state, int reason) {
    const Names* reasons = entry<Names>(kStateReasons, state);
    return reasons ? token(*reasons, reason) : kUnknown;
}

std::optional<int> state_code(std::string_view name) { return index_of(kStates, name); }

std::string_view watchdog_action_name(int action) { return token(kWatchdogActions, action); }
std::string_view io_error_action_name(int action) { return token(kIoErrorActions, action); }
std::string_view graphics_phase_name(int phase) { return token(kGraphicsPhases, phase); }
std::string_view graphics_family_name(int family) { return token(kGraphicsFamilies, family); }
std::string_view block_job_type_name(int type) { return token(kBlockJobTypes, type); }
std::string_view block_job_status_name(int status) { return token(kBlockJobStatuses, status); }
std::string_view disk_change_reason_name(int reason) { return token(kDiskChangeReasons, reason); }
std::string_view tray_change_reason_name(int reason) { return token(kTrayChangeReasons, reason); }
std::string_view agent_state_name(int state) { return token(kAgentStates, state); }
std::string_view agent_reason_name(int reason) { return token(kAgentReasons, reason); }

std::string_view memory_failure_recipient_name(int recipient) {
    return token(kMemoryFailureRecipients, recipient);
}

std::string_view memory_failure_action_name(int action) {
    return token(kMemoryFailureActions, action);
}

std::string_view metadata_type_name(int type) { return token(kMetadataTypes, type); }
std::string_view job_type_name(int type) { return token(kJobTypes, type); }

}  // namespace vme
