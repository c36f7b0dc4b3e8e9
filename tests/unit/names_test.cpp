// Tests of common/names.h: every entry of every table, checked against the
// libvirt enum constant it names (the TOKEN macro derives the expected token
// from the constant's own spelling), plus virsh's lifecycle texts.
#define VIR_ENUM_SENTINELS
#include <libvirt/libvirt.h>

#include <doctest/doctest.h>

#include <cctype>
#include <climits>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/names.h"

using namespace vme;

namespace {

/// One expected table entry: the libvirt code and its constant's suffix.
struct Expect {
    int code;
    std::string_view suffix;
};

// TOKEN(VIR_DOMAIN_EVENT_WATCHDOG_, NONE) -> {VIR_DOMAIN_EVENT_WATCHDOG_NONE, "NONE"}:
// the compiler checks the constant exists, the test derives its token.
#define TOKEN(PREFIX, SUFFIX) Expect{PREFIX##SUFFIX, #SUFFIX}

/// The token rule of names.h applied to an enum suffix ("FROM_SNAPSHOT" -> "from-snapshot").
std::string token_of(std::string_view suffix) {
    std::string out;
    for (const char c : suffix) {
        out += c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

/// Lower-case letters, digits and single inner dashes only.
bool is_token(std::string_view t) {
    if (t.empty() || t.front() == '-' || t.back() == '-') return false;
    if (t.find("--") != std::string_view::npos) return false;
    for (const char c : t) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    }
    return true;
}

/// Codes that lie outside a table of `last` entries.
std::vector<int> outside(int last) { return {-1, -100, INT_MIN, last, last + 1, INT_MAX}; }

/// Checks a whole table: each expected code gives its rule-derived token,
/// every code in [first, last) is a well-formed token, tokens are unique,
/// and every code outside the table gives kUnknown.
template <typename Fn>
void check_table(Fn name_of, int first, int last, std::initializer_list<Expect> expected) {
    CHECK(expected.size() == static_cast<std::size_t>(last - first));
    std::set<int> codes;
    for (const Expect& e : expected) {
        CAPTURE(e.suffix);
        CHECK(std::string(name_of(e.code)) == token_of(e.suffix));
        codes.insert(e.code);
    }
    CHECK(codes.size() == expected.size());
    std::set<std::string_view> seen;
    for (int code = first; code < last; ++code) {
        CAPTURE(code);
        CHECK(is_token(name_of(code)));
        CHECK(seen.insert(name_of(code)).second);
    }
    for (const int code : outside(last)) {
        CAPTURE(code);
        CHECK(name_of(code) == kUnknown);
    }
}

/// A lifecycle detail table as a one-argument function.
auto details_of(int event) {
    return [event](int detail) { return lifecycle_detail_name(event, detail); };
}

/// A state's reason table as a one-argument function.
auto reasons_of(int state) {
    return [state](int reason) { return state_reason_name(state, reason); };
}

}  // namespace

TEST_SUITE("names") {

TEST_CASE("kinds are virsh's event names, in VIR_DOMAIN_EVENT_ID order") {
    const std::vector<std::string_view> virsh = {
        "lifecycle", "reboot", "rtc-change", "watchdog", "io-error", "graphics",
        "io-error-reason", "control-error", "block-job", "disk-change", "tray-change",
        "pm-wakeup", "pm-suspend", "balloon-change", "pm-suspend-disk", "device-removed",
        "block-job-2", "tunable", "agent-lifecycle", "device-added", "migration-iteration",
        "job-completed", "device-removal-failed", "metadata-change", "block-threshold",
        "memory-failure", "memory-device-size-change",
    };
    REQUIRE(virsh.size() == VIR_DOMAIN_EVENT_ID_LAST);
    REQUIRE(all_kind_names().size() == virsh.size());
    std::set<std::string_view> seen;
    for (int id = 0; id < VIR_DOMAIN_EVENT_ID_LAST; ++id) {
        CAPTURE(id);
        const auto i = static_cast<std::size_t>(id);
        CHECK(kind_name(id) == virsh[i]);
        CHECK(all_kind_names()[i] == virsh[i]);
        CHECK(is_token(kind_name(id)));
        CHECK(seen.insert(kind_name(id)).second);
    }
    CHECK(kind_name(VIR_DOMAIN_EVENT_ID_LIFECYCLE) == "lifecycle");
    CHECK(kind_name(VIR_DOMAIN_EVENT_ID_RTC_CHANGE) == "rtc-change");
    CHECK(kind_name(VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2) == "block-job-2");
    CHECK(kind_name(VIR_DOMAIN_EVENT_ID_PMSUSPEND_DISK) == "pm-suspend-disk");
    CHECK(kind_name(VIR_DOMAIN_EVENT_ID_MEMORY_DEVICE_SIZE_CHANGE) == "memory-device-size-change");
    for (const int id : outside(VIR_DOMAIN_EVENT_ID_LAST)) {
        CAPTURE(id);
        CHECK(kind_name(id) == kUnknown);
    }
}

TEST_CASE("kind_id is the inverse of kind_name") {
    for (int id = 0; id < VIR_DOMAIN_EVENT_ID_LAST; ++id) {
        CAPTURE(id);
        const std::optional<int> back = kind_id(kind_name(id));
        REQUIRE(back.has_value());
        CHECK(*back == id);
    }
    CHECK(kind_id("rtc-change") == VIR_DOMAIN_EVENT_ID_RTC_CHANGE);
    CHECK_FALSE(kind_id("unknown").has_value());
    CHECK_FALSE(kind_id("").has_value());
    CHECK_FALSE(kind_id("Lifecycle").has_value());
    CHECK_FALSE(kind_id("lifecycle ").has_value());
    CHECK_FALSE(kind_id("nic-mac-change").has_value());  // newer than libvirt 9.0
}

TEST_CASE("lifecycle events") {
    check_table(lifecycle_event_name, 0, VIR_DOMAIN_EVENT_LAST, {
        TOKEN(VIR_DOMAIN_EVENT_, DEFINED), TOKEN(VIR_DOMAIN_EVENT_, UNDEFINED),
        TOKEN(VIR_DOMAIN_EVENT_, STARTED), TOKEN(VIR_DOMAIN_EVENT_, SUSPENDED),
        TOKEN(VIR_DOMAIN_EVENT_, RESUMED), TOKEN(VIR_DOMAIN_EVENT_, STOPPED),
        TOKEN(VIR_DOMAIN_EVENT_, SHUTDOWN), TOKEN(VIR_DOMAIN_EVENT_, PMSUSPENDED),
        TOKEN(VIR_DOMAIN_EVENT_, CRASHED),
    });
    REQUIRE(all_lifecycle_event_names().size() == VIR_DOMAIN_EVENT_LAST);
    for (int event = 0; event < VIR_DOMAIN_EVENT_LAST; ++event) {
        CHECK(all_lifecycle_event_names()[static_cast<std::size_t>(event)] ==
              lifecycle_event_name(event));
    }
}

TEST_CASE("lifecycle details of every event") {
    check_table(details_of(VIR_DOMAIN_EVENT_DEFINED), 0, VIR_DOMAIN_EVENT_DEFINED_LAST, {
        TOKEN(VIR_DOMAIN_EVENT_DEFINED_, ADDED), TOKEN(VIR_DOMAIN_EVENT_DEFINED_, UPDATED),
        TOKEN(VIR_DOMAIN_EVENT_DEFINED_, RENAMED), TOKEN(VIR_DOMAIN_EVENT_DEFINED_, FROM_SNAPSHOT),
    });
    check_table(details_of(VIR_DOMAIN_EVENT_UNDEFINED), 0, VIR_DOMAIN_EVENT_UNDEFINED_LAST, {
        TOKEN(VIR_DOMAIN_EVENT_UNDEFINED_, REMOVED), TOKEN(VIR_DOMAIN_EVENT_UNDEFINED_, RENAMED),
    });
    check_table(details_of(VIR_DOMAIN_EVENT_STARTED), 0, VIR_DOMAIN_EVENT_STARTED_LAST, {
        TOKEN(VIR_DOMAIN_EVENT_STARTED_, BOOTED), TOKEN(VIR_DOMAIN_EVENT_STARTED_, MIGRATED),
        TOKEN(VIR_DOMAIN_EVENT_STARTED_, RESTORED), TOKEN(VIR_DOMAIN_EVENT_STARTED_, FROM_SNAPSHOT),
        TOKEN(VIR_DOMAIN_EVENT_STARTED_, WAKEUP),
    });
    check_table(details_of(VIR_DOMAIN_EVENT_SUSPENDED), 0, VIR_DOMAIN_EVENT_SUSPENDED_LAST, {
        TOKEN(VIR_DOMAIN_EVENT_SUSPENDED_, PAUSED), TOKEN(VIR_DOMAIN_EVENT_SUSPENDED_, MIGRATED),
        TOKEN(VIR_DOMAIN_EVENT_SUSPENDED_, IOERROR), TOKEN(VIR_DOMAIN_EVENT_SUSPENDED_, WATCHDOG),
        TOKEN(VIR_DOMAIN_EVENT_SUSPENDED_, RESTORED), TOKEN(VIR_DOMAIN_EVENT_SUSPENDED_, FROM_SNAPSHOT),
        TOKEN(VIR_DOMAIN_EVENT_SUSPENDED_, API_ERROR), TOKEN(VIR_DOMAIN_EVENT_SUSPENDED_, POSTCOPY),
        TOKEN(VIR_DOMAIN_EVENT_SUSPENDED_, POSTCOPY_FAILED),
    });
    check_table(details_of(VIR_DOMAIN_EVENT_RESUMED), 0, VIR_DOMAIN_EVENT_RESUMED_LAST, {
        TOKEN(VIR_DOMAIN_EVENT_RESUMED_, UNPAUSED), TOKEN(VIR_DOMAIN_EVENT_RESUMED_, MIGRATED),
        TOKEN(VIR_DOMAIN_EVENT_RESUMED_, FROM_SNAPSHOT), TOKEN(VIR_DOMAIN_EVENT_RESUMED_, POSTCOPY),
        TOKEN(VIR_DOMAIN_EVENT_RESUMED_, POSTCOPY_FAILED),
    });
    check_table(details_of(VIR_DOMAIN_EVENT_STOPPED), 0, VIR_DOMAIN_EVENT_STOPPED_LAST, {
        TOKEN(VIR_DOMAIN_EVENT_STOPPED_, SHUTDOWN), TOKEN(VIR_DOMAIN_EVENT_STOPPED_, DESTROYED),
        TOKEN(VIR_DOMAIN_EVENT_STOPPED_, CRASHED), TOKEN(VIR_DOMAIN_EVENT_STOPPED_, MIGRATED),
        TOKEN(VIR_DOMAIN_EVENT_STOPPED_, SAVED), TOKEN(VIR_DOMAIN_EVENT_STOPPED_, FAILED),
        TOKEN(VIR_DOMAIN_EVENT_STOPPED_, FROM_SNAPSHOT),
    });
    check_table(details_of(VIR_DOMAIN_EVENT_SHUTDOWN), 0, VIR_DOMAIN_EVENT_SHUTDOWN_LAST, {
        TOKEN(VIR_DOMAIN_EVENT_SHUTDOWN_, FINISHED), TOKEN(VIR_DOMAIN_EVENT_SHUTDOWN_, GUEST),
        TOKEN(VIR_DOMAIN_EVENT_SHUTDOWN_, HOST),
    });
    check_table(details_of(VIR_DOMAIN_EVENT_PMSUSPENDED), 0, VIR_DOMAIN_EVENT_PMSUSPENDED_LAST, {
        TOKEN(VIR_DOMAIN_EVENT_PMSUSPENDED_, MEMORY), TOKEN(VIR_DOMAIN_EVENT_PMSUSPENDED_, DISK),
    });
    check_table(details_of(VIR_DOMAIN_EVENT_CRASHED), 0, VIR_DOMAIN_EVENT_CRASHED_LAST, {
        TOKEN(VIR_DOMAIN_EVENT_CRASHED_, PANICKED), TOKEN(VIR_DOMAIN_EVENT_CRASHED_, CRASHLOADED),
    });
    CHECK(lifecycle_detail_name(VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT) ==
          "from-snapshot");
    CHECK(lifecycle_detail_name(VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED) ==
          "destroyed");
}

TEST_CASE("lifecycle details of unknown events are unknown") {
    for (const int event : outside(VIR_DOMAIN_EVENT_LAST)) {
        CAPTURE(event);
        CHECK(lifecycle_event_name(event) == kUnknown);
        CHECK(lifecycle_detail_name(event, 0) == kUnknown);
        CHECK(lifecycle_detail_name(event, -1) == kUnknown);
    }
}

TEST_CASE("lifecycle_text is what virsh event prints") {
    struct Case {
        int event;
        int detail;
        const char* text;
    };
    // Every (event, detail) of libvirt 9.0, in virsh's words.
    const std::vector<Case> cases = {
        {VIR_DOMAIN_EVENT_DEFINED, VIR_DOMAIN_EVENT_DEFINED_ADDED, "Defined Added"},
        {VIR_DOMAIN_EVENT_DEFINED, VIR_DOMAIN_EVENT_DEFINED_UPDATED, "Defined Updated"},
        {VIR_DOMAIN_EVENT_DEFINED, VIR_DOMAIN_EVENT_DEFINED_RENAMED, "Defined Renamed"},
        {VIR_DOMAIN_EVENT_DEFINED, VIR_DOMAIN_EVENT_DEFINED_FROM_SNAPSHOT, "Defined Snapshot"},
        {VIR_DOMAIN_EVENT_UNDEFINED, VIR_DOMAIN_EVENT_UNDEFINED_REMOVED, "Undefined Removed"},
        {VIR_DOMAIN_EVENT_UNDEFINED, VIR_DOMAIN_EVENT_UNDEFINED_RENAMED, "Undefined Renamed"},
        {VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED, "Started Booted"},
        {VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_MIGRATED, "Started Migrated"},
        {VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_RESTORED, "Started Restored"},
        {VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT, "Started Snapshot"},
        {VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_WAKEUP, "Started Event wakeup"},
        {VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_PAUSED, "Suspended Paused"},
        {VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_MIGRATED, "Suspended Migrated"},
        {VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_IOERROR, "Suspended I/O Error"},
        {VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_WATCHDOG, "Suspended Watchdog"},
        {VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_RESTORED, "Suspended Restored"},
        {VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_FROM_SNAPSHOT, "Suspended Snapshot"},
        {VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_API_ERROR, "Suspended API error"},
        {VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_POSTCOPY, "Suspended Post-copy"},
        {VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_POSTCOPY_FAILED, "Suspended Post-copy Error"},
        {VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_UNPAUSED, "Resumed Unpaused"},
        {VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_MIGRATED, "Resumed Migrated"},
        {VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_FROM_SNAPSHOT, "Resumed Snapshot"},
        {VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_POSTCOPY, "Resumed Post-copy"},
        {VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_POSTCOPY_FAILED, "Resumed Post-copy Error"},
        {VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN, "Stopped Shutdown"},
        {VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED, "Stopped Destroyed"},
        {VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_CRASHED, "Stopped Crashed"},
        {VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_MIGRATED, "Stopped Migrated"},
        {VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SAVED, "Stopped Saved"},
        {VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_FAILED, "Stopped Failed"},
        {VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT, "Stopped Snapshot"},
        {VIR_DOMAIN_EVENT_SHUTDOWN, VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED, "Shutdown Finished"},
        {VIR_DOMAIN_EVENT_SHUTDOWN, VIR_DOMAIN_EVENT_SHUTDOWN_GUEST, "Shutdown Finished after guest request"},
        {VIR_DOMAIN_EVENT_SHUTDOWN, VIR_DOMAIN_EVENT_SHUTDOWN_HOST, "Shutdown Finished after host request"},
        {VIR_DOMAIN_EVENT_PMSUSPENDED, VIR_DOMAIN_EVENT_PMSUSPENDED_MEMORY, "PMSuspended Memory"},
        {VIR_DOMAIN_EVENT_PMSUSPENDED, VIR_DOMAIN_EVENT_PMSUSPENDED_DISK, "PMSuspended Disk"},
        {VIR_DOMAIN_EVENT_CRASHED, VIR_DOMAIN_EVENT_CRASHED_PANICKED, "Crashed Panicked"},
        {VIR_DOMAIN_EVENT_CRASHED, VIR_DOMAIN_EVENT_CRASHED_CRASHLOADED, "Crashed Crashloaded"},
    };
    int details = 0;
    for (const int last : {int{VIR_DOMAIN_EVENT_DEFINED_LAST}, int{VIR_DOMAIN_EVENT_UNDEFINED_LAST},
                           int{VIR_DOMAIN_EVENT_STARTED_LAST}, int{VIR_DOMAIN_EVENT_SUSPENDED_LAST},
                           int{VIR_DOMAIN_EVENT_RESUMED_LAST}, int{VIR_DOMAIN_EVENT_STOPPED_LAST},
                           int{VIR_DOMAIN_EVENT_SHUTDOWN_LAST}, int{VIR_DOMAIN_EVENT_PMSUSPENDED_LAST},
                           int{VIR_DOMAIN_EVENT_CRASHED_LAST}}) {
        details += last;
    }
    CHECK(cases.size() == static_cast<std::size_t>(details));
    for (const Case& c : cases) {
        CAPTURE(c.text);
        CHECK(lifecycle_text(c.event, c.detail) == c.text);
    }
}

TEST_CASE("lifecycle_text of unknown codes says unknown, like virsh") {
    CHECK(lifecycle_text(VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_LAST) == "Started unknown");
    CHECK(lifecycle_text(VIR_DOMAIN_EVENT_STOPPED, -1) == "Stopped unknown");
    CHECK(lifecycle_text(VIR_DOMAIN_EVENT_LAST, 0) == "unknown unknown");
    CHECK(lifecycle_text(-1, -1) == "unknown unknown");
    CHECK(lifecycle_text(INT_MAX, INT_MIN) == "unknown unknown");
}

TEST_CASE("domain states and state_code round trip") {
    check_table(state_name, 0, VIR_DOMAIN_LAST, {
        TOKEN(VIR_DOMAIN_, NOSTATE), TOKEN(VIR_DOMAIN_, RUNNING), TOKEN(VIR_DOMAIN_, BLOCKED),
        TOKEN(VIR_DOMAIN_, PAUSED), TOKEN(VIR_DOMAIN_, SHUTDOWN), TOKEN(VIR_DOMAIN_, SHUTOFF),
        TOKEN(VIR_DOMAIN_, CRASHED), TOKEN(VIR_DOMAIN_, PMSUSPENDED),
    });
    for (int state = 0; state < VIR_DOMAIN_LAST; ++state) {
        CAPTURE(state);
        CHECK(state_code(state_name(state)) == state);
    }
    CHECK_FALSE(state_code("unknown").has_value());
    CHECK_FALSE(state_code("").has_value());
    CHECK_FALSE(state_code("shut off").has_value());
    CHECK_FALSE(state_code("RUNNING").has_value());
}

TEST_CASE("state reasons of every state") {
    check_table(reasons_of(VIR_DOMAIN_NOSTATE), 0, VIR_DOMAIN_NOSTATE_LAST, {
        TOKEN(VIR_DOMAIN_NOSTATE_, UNKNOWN),
    });
    check_table(reasons_of(VIR_DOMAIN_RUNNING), 0, VIR_DOMAIN_RUNNING_LAST, {
        TOKEN(VIR_DOMAIN_RUNNING_, UNKNOWN), TOKEN(VIR_DOMAIN_RUNNING_, BOOTED),
        TOKEN(VIR_DOMAIN_RUNNING_, MIGRATED), TOKEN(VIR_DOMAIN_RUNNING_, RESTORED),
        TOKEN(VIR_DOMAIN_RUNNING_, FROM_SNAPSHOT), TOKEN(VIR_DOMAIN_RUNNING_, UNPAUSED),
        TOKEN(VIR_DOMAIN_RUNNING_, MIGRATION_CANCELED), TOKEN(VIR_DOMAIN_RUNNING_, SAVE_CANCELED),
        TOKEN(VIR_DOMAIN_RUNNING_, WAKEUP), TOKEN(VIR_DOMAIN_RUNNING_, CRASHED),
        TOKEN(VIR_DOMAIN_RUNNING_, POSTCOPY), TOKEN(VIR_DOMAIN_RUNNING_, POSTCOPY_FAILED),
    });
    check_table(reasons_of(VIR_DOMAIN_BLOCKED), 0, VIR_DOMAIN_BLOCKED_LAST, {
        TOKEN(VIR_DOMAIN_BLOCKED_, UNKNOWN),
    });
    check_table(reasons_of(VIR_DOMAIN_PAUSED), 0, VIR_DOMAIN_PAUSED_LAST, {
        TOKEN(VIR_DOMAIN_PAUSED_, UNKNOWN), TOKEN(VIR_DOMAIN_PAUSED_, USER),
        TOKEN(VIR_DOMAIN_PAUSED_, MIGRATION), TOKEN(VIR_DOMAIN_PAUSED_, SAVE),
        TOKEN(VIR_DOMAIN_PAUSED_, DUMP), TOKEN(VIR_DOMAIN_PAUSED_, IOERROR),
        TOKEN(VIR_DOMAIN_PAUSED_, WATCHDOG), TOKEN(VIR_DOMAIN_PAUSED_, FROM_SNAPSHOT),
        TOKEN(VIR_DOMAIN_PAUSED_, SHUTTING_DOWN), TOKEN(VIR_DOMAIN_PAUSED_, SNAPSHOT),
        TOKEN(VIR_DOMAIN_PAUSED_, CRASHED), TOKEN(VIR_DOMAIN_PAUSED_, STARTING_UP),
        TOKEN(VIR_DOMAIN_PAUSED_, POSTCOPY), TOKEN(VIR_DOMAIN_PAUSED_, POSTCOPY_FAILED),
    });
    check_table(reasons_of(VIR_DOMAIN_SHUTDOWN), 0, VIR_DOMAIN_SHUTDOWN_LAST, {
        TOKEN(VIR_DOMAIN_SHUTDOWN_, UNKNOWN), TOKEN(VIR_DOMAIN_SHUTDOWN_, USER),
    });
    check_table(reasons_of(VIR_DOMAIN_SHUTOFF), 0, VIR_DOMAIN_SHUTOFF_LAST, {
        TOKEN(VIR_DOMAIN_SHUTOFF_, UNKNOWN), TOKEN(VIR_DOMAIN_SHUTOFF_, SHUTDOWN),
        TOKEN(VIR_DOMAIN_SHUTOFF_, DESTROYED), TOKEN(VIR_DOMAIN_SHUTOFF_, CRASHED),
        TOKEN(VIR_DOMAIN_SHUTOFF_, MIGRATED), TOKEN(VIR_DOMAIN_SHUTOFF_, SAVED),
        TOKEN(VIR_DOMAIN_SHUTOFF_, FAILED), TOKEN(VIR_DOMAIN_SHUTOFF_, FROM_SNAPSHOT),
        TOKEN(VIR_DOMAIN_SHUTOFF_, DAEMON),
    });
    check_table(reasons_of(VIR_DOMAIN_CRASHED), 0, VIR_DOMAIN_CRASHED_LAST, {
        TOKEN(VIR_DOMAIN_CRASHED_, UNKNOWN), TOKEN(VIR_DOMAIN_CRASHED_, PANICKED),
    });
    check_table(reasons_of(VIR_DOMAIN_PMSUSPENDED), 0, VIR_DOMAIN_PMSUSPENDED_LAST, {
        TOKEN(VIR_DOMAIN_PMSUSPENDED_, UNKNOWN),
    });
    CHECK(state_reason_name(VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_DESTROYED) == "destroyed");
    CHECK(state_reason_name(VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER) == "user");
}

TEST_CASE("reasons of unknown states are unknown") {
    for (const int state : outside(VIR_DOMAIN_LAST)) {
        CAPTURE(state);
        CHECK(state_name(state) == kUnknown);
        CHECK(state_reason_name(state, 1) == kUnknown);
    }
}

TEST_CASE("watchdog, io-error, graphics") {
    check_table(watchdog_action_name, 0, VIR_DOMAIN_EVENT_WATCHDOG_LAST, {
        TOKEN(VIR_DOMAIN_EVENT_WATCHDOG_, NONE), TOKEN(VIR_DOMAIN_EVENT_WATCHDOG_, PAUSE),
        TOKEN(VIR_DOMAIN_EVENT_WATCHDOG_, RESET), TOKEN(VIR_DOMAIN_EVENT_WATCHDOG_, POWEROFF),
        TOKEN(VIR_DOMAIN_EVENT_WATCHDOG_, SHUTDOWN), TOKEN(VIR_DOMAIN_EVENT_WATCHDOG_, DEBUG),
        TOKEN(VIR_DOMAIN_EVENT_WATCHDOG_, INJECTNMI),
    });
    check_table(io_error_action_name, 0, VIR_DOMAIN_EVENT_IO_ERROR_LAST, {
        TOKEN(VIR_DOMAIN_EVENT_IO_ERROR_, NONE), TOKEN(VIR_DOMAIN_EVENT_IO_ERROR_, PAUSE),
        TOKEN(VIR_DOMAIN_EVENT_IO_ERROR_, REPORT),
    });
    check_table(graphics_phase_name, 0, VIR_DOMAIN_EVENT_GRAPHICS_LAST, {
        TOKEN(VIR_DOMAIN_EVENT_GRAPHICS_, CONNECT), TOKEN(VIR_DOMAIN_EVENT_GRAPHICS_, INITIALIZE),
        TOKEN(VIR_DOMAIN_EVENT_GRAPHICS_, DISCONNECT),
    });
    check_table(graphics_family_name, 0, VIR_DOMAIN_EVENT_GRAPHICS_ADDRESS_LAST, {
        TOKEN(VIR_DOMAIN_EVENT_GRAPHICS_ADDRESS_, IPV4), TOKEN(VIR_DOMAIN_EVENT_GRAPHICS_ADDRESS_, IPV6),
        TOKEN(VIR_DOMAIN_EVENT_GRAPHICS_ADDRESS_, UNIX),
    });
}

TEST_CASE("block jobs, disk and tray changes") {
    check_table(block_job_type_name, 0, VIR_DOMAIN_BLOCK_JOB_TYPE_LAST, {
        TOKEN(VIR_DOMAIN_BLOCK_JOB_TYPE_, UNKNOWN), TOKEN(VIR_DOMAIN_BLOCK_JOB_TYPE_, PULL),
        TOKEN(VIR_DOMAIN_BLOCK_JOB_TYPE_, COPY), TOKEN(VIR_DOMAIN_BLOCK_JOB_TYPE_, COMMIT),
        TOKEN(VIR_DOMAIN_BLOCK_JOB_TYPE_, ACTIVE_COMMIT), TOKEN(VIR_DOMAIN_BLOCK_JOB_TYPE_, BACKUP),
    });
    check_table(block_job_status_name, 0, VIR_DOMAIN_BLOCK_JOB_LAST, {
        TOKEN(VIR_DOMAIN_BLOCK_JOB_, COMPLETED), TOKEN(VIR_DOMAIN_BLOCK_JOB_, FAILED),
        TOKEN(VIR_DOMAIN_BLOCK_JOB_, CANCELED), TOKEN(VIR_DOMAIN_BLOCK_JOB_, READY),
    });
    check_table(disk_change_reason_name, 0, VIR_DOMAIN_EVENT_DISK_CHANGE_LAST, {
        TOKEN(VIR_DOMAIN_EVENT_DISK_, CHANGE_MISSING_ON_START),
        TOKEN(VIR_DOMAIN_EVENT_DISK_, DROP_MISSING_ON_START),
    });
    check_table(tray_change_reason_name, 0, VIR_DOMAIN_EVENT_TRAY_CHANGE_LAST, {
        TOKEN(VIR_DOMAIN_EVENT_TRAY_CHANGE_, OPEN), TOKEN(VIR_DOMAIN_EVENT_TRAY_CHANGE_, CLOSE),
    });
}

TEST_CASE("agent lifecycle (state codes start at 1)") {
    check_table(agent_state_name, 1, VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_STATE_LAST, {
        TOKEN(VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_STATE_, CONNECTED),
        TOKEN(VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_STATE_, DISCONNECTED),
    });
    CHECK(agent_state_name(0) == kUnknown);  // no libvirt constant has code 0
    check_table(agent_reason_name, 0, VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_REASON_LAST, {
        TOKEN(VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_REASON_, UNKNOWN),
        TOKEN(VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_REASON_, DOMAIN_STARTED),
        TOKEN(VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_REASON_, CHANNEL),
    });
}

TEST_CASE("memory failure, metadata, job types") {
    check_table(memory_failure_recipient_name, 0, VIR_DOMAIN_EVENT_MEMORY_FAILURE_RECIPIENT_LAST, {
        TOKEN(VIR_DOMAIN_EVENT_MEMORY_FAILURE_RECIPIENT_, HYPERVISOR),
        TOKEN(VIR_DOMAIN_EVENT_MEMORY_FAILURE_RECIPIENT_, GUEST),
    });
    check_table(memory_failure_action_name, 0, VIR_DOMAIN_EVENT_MEMORY_FAILURE_ACTION_LAST, {
        TOKEN(VIR_DOMAIN_EVENT_MEMORY_FAILURE_ACTION_, IGNORE),
        TOKEN(VIR_DOMAIN_EVENT_MEMORY_FAILURE_ACTION_, INJECT),
        TOKEN(VIR_DOMAIN_EVENT_MEMORY_FAILURE_ACTION_, FATAL),
        TOKEN(VIR_DOMAIN_EVENT_MEMORY_FAILURE_ACTION_, RESET),
    });
    check_table(metadata_type_name, 0, VIR_DOMAIN_METADATA_LAST, {
        TOKEN(VIR_DOMAIN_METADATA_, DESCRIPTION), TOKEN(VIR_DOMAIN_METADATA_, TITLE),
        TOKEN(VIR_DOMAIN_METADATA_, ELEMENT),
    });
    check_table(job_type_name, 0, VIR_DOMAIN_JOB_LAST, {
        TOKEN(VIR_DOMAIN_JOB_, NONE), TOKEN(VIR_DOMAIN_JOB_, BOUNDED),
        TOKEN(VIR_DOMAIN_JOB_, UNBOUNDED), TOKEN(VIR_DOMAIN_JOB_, COMPLETED),
        TOKEN(VIR_DOMAIN_JOB_, FAILED), TOKEN(VIR_DOMAIN_JOB_, CANCELLED),
    });
}

}  // TEST_SUITE("names")
