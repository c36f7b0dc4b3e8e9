// --watch's picture of the fleet (pure): one row per VM keyed by host and
// name, fed by states, statuses, inventories and events, with the counts,
// sort orders and name filter the screen shows. Time is always a parameter
// (milliseconds since the epoch), never read from a clock here.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/filter.h"
#include "common/message.h"

namespace vme::sub {

/// "4s", "3m12s", "2h05m", "6d": how long `ms` milliseconds is, at most
/// two units, the smaller one zero-padded. Negative (clock skew) is "0s".
std::string format_age(long long ms);

/// The orders the `s` key cycles through.
enum class SortOrder { HostName, Name, State, Age };

/// The order after `order` (Age wraps to HostName).
SortOrder next_sort(SortOrder order);

/// "host", "name", "state", "age".
std::string_view sort_name(SortOrder order);

/// An event this vm-sub received for a VM (untrusted text: sanitize to show).
struct RecentEvent {
    std::string time;   ///< as published (UTC)
    std::string kind;
    std::string text;   ///< virsh text (or the event token)
};

/// One VM on one host. Strings are as received (untrusted).
struct VmRow {
    std::string host;
    std::string name;
    std::string state;
    std::string reason;
    int id = -1;
    long long since_ms = -1;      ///< when it entered `state`; -1: unknown
    long long changed_ms = -1;    ///< when this vm-sub saw it change live; -1: never
    std::string last_event;       ///< text of the newest event received; "" none
    std::vector<RecentEvent> recent;  ///< newest first, at most kRecentEvents
    bool from_inventory = false;  ///< made from an inventory line, no state yet
};

/// A host as its status says.
struct HostRow {
    bool online = false;
    LibvirtHealthState libvirt = LibvirtHealthState::Unknown;
    long long offline_since_ms = -1;  ///< when it went offline; -1: unknown
};

/// What the header counts.
struct FleetCounts {
    int hosts_online = 0;
    int hosts_offline = 0;
    int hosts_libvirt_unreachable = 0;  ///< online, but its libvirt is unreachable
    int running = 0;
    int paused = 0;
    int shutoff = 0;
    int crashed = 0;
    int other = 0;
    int vms() const { return running + paused + shutoff + crashed + other; }
};

class FleetModel {
public:
    /// Most recent events kept per VM.
    static constexpr std::size_t kRecentEvents = 10;

    /// Rows are kept only for VMs `filter` places (--host, --domain).
    explicit FleetModel(Filter filter) : filter_(std::move(filter)) {}

    /// A VM's state, at `now_ms`; `live` marks the row as just changed
    /// (retained start-up messages are not). A row made from an inventory
    /// line gives way to it.
    void apply_state(const State& state, long long now_ms, bool live);

    /// The VM's state was removed (undefined): its row disappears.
    void remove_vm(const std::string& host, const std::string& vm);

    /// A host's status; going offline records when (the status time, or
    /// `now_ms` when the last will carries none).
    void apply_status(const HostStatus& status, long long now_ms);

    /// The host's status was removed: it is no longer counted.
    void remove_status(const std::string& host);

    /// A host's inventory: fills rows for VMs that have no state yet.
    void apply_inventory(const std::string& host, const std::vector<InventoryEntry>& entries);

    /// An event: recorded as the VM's last and recent event (a row is made
    /// when the VM has none; its state arrives on the state topic). An
    /// "undefined" lifecycle event removes the row.
    void apply_event(const Event& event, long long now_ms);

    /// The header's counts over every row and host.
    FleetCounts counts() const;

    /// The rows whose VM name matches `name_glob` ("" = all), in `order`
    /// (ties by host then name).
    std::vector<const VmRow*> rows(SortOrder order, std::string_view name_glob) const;

    /// A row, or null.
    const VmRow* find(const std::string& host, const std::string& vm) const;

    /// A host's status, or null when none arrived.
    const HostRow* host(const std::string& host) const;

    /// Number of rows.
    std::size_t size() const { return rows_.size(); }

    /// Grows by one on every change: the screen redraws when it moved.
    std::uint64_t version() const { return version_; }

private:
    using Key = std::pair<std::string, std::string>;
    /// The row for host+vm, made when missing (caller checked the filter).
    VmRow& row(const std::string& host, const std::string& vm);

    Filter filter_;
    std::map<Key, VmRow> rows_;
    std::map<std::string, HostRow> hosts_;
    std::uint64_t version_ = 0;
};

}  // namespace vme::sub
