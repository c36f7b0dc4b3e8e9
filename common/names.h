// Name tables for libvirt's domain event and state codes (pure data).
//
// Token rule: every token is the suffix of libvirt's enum constant,
// lower-cased, with '_' turned into '-'
// (VIR_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT -> "from-snapshot").
// Kind names are virsh's event names ("lifecycle", "rtc-change", ...).
// A code outside a table (a newer libvirt) maps to "unknown"; nothing here
// ever throws or indexes out of range. Tables are checked against libvirt's
// *_LAST sentinels at compile time in names.cpp.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace vme {

/// The token used for any code a table does not know.
inline constexpr std::string_view kUnknown = "unknown";

/// virsh's name of a VIR_DOMAIN_EVENT_ID_* value ("lifecycle", "reboot",
/// "rtc-change", ..., "memory-device-size-change"); kUnknown when out of range.
std::string_view kind_name(int event_id);

/// The VIR_DOMAIN_EVENT_ID_* value of a kind name; nullopt when unknown.
std::optional<int> kind_id(std::string_view name);

/// Every kind name, in VIR_DOMAIN_EVENT_ID_* order (for --events, completion, docs).
std::span<const std::string_view> all_kind_names();

/// Lifecycle event token: "defined", "undefined", "started", "suspended",
/// "resumed", "stopped", "shutdown", "pmsuspended", "crashed".
std::string_view lifecycle_event_name(int event);

/// Every lifecycle event token, in code order.
std::span<const std::string_view> all_lifecycle_event_names();

/// Lifecycle detail token for (event, detail), e.g. (STOPPED, DESTROYED) -> "destroyed".
std::string_view lifecycle_detail_name(int event, int detail);

/// virsh's text for a lifecycle event: "Started Booted",
/// "Shutdown Finished after guest request", "Stopped Destroyed";
/// unknown codes never fail: like virsh, each half it cannot name is
/// "unknown" ("Started unknown", "unknown unknown").
std::string lifecycle_text(int event, int detail);

/// Domain state token (VIR_DOMAIN_*): "nostate", "running", "blocked",
/// "paused", "shutdown", "shutoff", "crashed", "pmsuspended".
std::string_view state_name(int state);

/// State reason token for (state, reason), e.g. (SHUTOFF, DESTROYED) -> "destroyed".
std::string_view state_reason_name(int state, int reason);

/// The VIR_DOMAIN_* state code of a state token; nullopt when unknown.
std::optional<int> state_code(std::string_view name);

// Tokens for the enums carried by the other event kinds (same rule).
std::string_view watchdog_action_name(int action);          ///< VIR_DOMAIN_EVENT_WATCHDOG_*
std::string_view io_error_action_name(int action);          ///< VIR_DOMAIN_EVENT_IO_ERROR_*
std::string_view graphics_phase_name(int phase);            ///< VIR_DOMAIN_EVENT_GRAPHICS_*
std::string_view graphics_family_name(int family);          ///< VIR_DOMAIN_EVENT_GRAPHICS_ADDRESS_* ("ipv4","ipv6","unix")
std::string_view block_job_type_name(int type);             ///< VIR_DOMAIN_BLOCK_JOB_TYPE_*
std::string_view block_job_status_name(int status);         ///< VIR_DOMAIN_BLOCK_JOB_* ("completed","failed","canceled","ready")
std::string_view disk_change_reason_name(int reason);       ///< VIR_DOMAIN_EVENT_DISK_* ("change-missing-on-start","drop-missing-on-start")
std::string_view tray_change_reason_name(int reason);       ///< VIR_DOMAIN_EVENT_TRAY_CHANGE_* ("open","close")
std::string_view agent_state_name(int state);               ///< VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_STATE_*
std::string_view agent_reason_name(int reason);             ///< VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_REASON_*
std::string_view memory_failure_recipient_name(int recipient);  ///< VIR_DOMAIN_EVENT_MEMORY_FAILURE_RECIPIENT_*
std::string_view memory_failure_action_name(int action);        ///< VIR_DOMAIN_EVENT_MEMORY_FAILURE_ACTION_*
std::string_view metadata_type_name(int type);              ///< VIR_DOMAIN_METADATA_* ("description","title","element")
std::string_view job_type_name(int type);                   ///< VIR_DOMAIN_JOB_* (job-completed's "type" parameter)

}  // namespace vme
