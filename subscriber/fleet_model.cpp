#include "subscriber/fleet_model.h"

#include <algorithm>
#include <limits>
#include <tuple>

#include "common/time.h"

namespace vme::sub {
namespace {

/// Milliseconds since the epoch of an ISO UTC time, or `fallback`.
long long ms_or(std::string_view iso, long long fallback) {
    return ms_from_iso_utc(iso).value_or(fallback);
}

/// Rank of a state for the State sort: the troubled first.
int state_rank(std::string_view state) {
    static constexpr std::string_view kOrder[] = {"crashed", "paused", "pmsuspended", "blocked",
                                                  "shutdown", "running", "shutoff", "nostate"};
    for (std::size_t i = 0; i < std::size(kOrder); ++i)
        if (kOrder[i] == state) return static_cast<int>(i);
    return static_cast<int>(std::size(kOrder));
}

}  // namespace

std::string format_age(long long ms) {
    const long long s = std::max(0LL, ms / 1000);
    auto two = [](long long v) { return (v < 10 ? "0" : "") + std::to_string(v); };
    if (s < 60) return std::to_string(s) + "s";
    if (s < 3600) return std::to_string(s / 60) + "m" + two(s % 60) + "s";
    if (s < 86400) return std::to_string(s / 3600) + "h" + two(s % 3600 / 60) + "m";
    return std::to_string(s / 86400) + "d";
}

SortOrder next_sort(SortOrder order) {
    switch (order) {
    case SortOrder::HostName: return SortOrder::Name;
    case SortOrder::Name: return SortOrder::State;
    case SortOrder::State: return SortOrder::Age;
    case SortOrder::Age: return SortOrder::HostName;
    }
    return SortOrder::HostName;
}

std::string_view sort_name(SortOrder order) {
    switch (order) {
    case SortOrder::HostName: return "host";
    case SortOrder::Name: return "name";
    case SortOrder::State: return "state";
    case SortOrder::Age: return "age";
    }
    return "host";
}

VmRow& FleetModel::row(const std::string& host, const std::string& vm) {
    auto [it, inserted] = rows_.try_emplace(Key{host, vm});
    if (inserted) {
        it->second.host = host;
        it->second.name = vm;
    }
    return it->second;
}

void FleetModel::apply_state(const State& state, long long now_ms, bool live) {
    if (!filter_.matches_place(state.host, state.domain.name)) return;
    VmRow& r = row(state.host, state.domain.name);
    const bool changed = r.from_inventory || r.state != state.state || r.reason != state.reason;
    if (r.state != state.state || r.since_ms < 0 || r.from_inventory) r.since_ms = ms_or(state.time, now_ms);
    r.state = state.state;
    r.reason = state.reason;
    r.id = state.domain.id;
    r.from_inventory = false;
    if (live && changed) r.changed_ms = now_ms;
    ++version_;
}

void FleetModel::remove_vm(const std::string& host, const std::string& vm) {
    if (rows_.erase(Key{host, vm})) ++version_;
}

void FleetModel::apply_status(const HostStatus& status, long long now_ms) {
    HostRow& h = hosts_[status.host];
    if (!status.online && (h.online || h.offline_since_ms < 0))
        h.offline_since_ms = ms_or(status.time, now_ms);
    if (status.online) h.offline_since_ms = -1;
    h.online = status.online;
    h.libvirt = status.online ? status.libvirt : LibvirtHealthState::Unknown;
    ++version_;
}

void FleetModel::remove_status(const std::string& host) {
    if (hosts_.erase(host)) ++version_;
}

void FleetModel::apply_inventory(const std::string& host, const std::vector<InventoryEntry>& entries) {
    for (const auto& entry : entries) {
        if (!filter_.matches_place(host, entry.domain.name)) continue;
        auto it = rows_.find(Key{host, entry.domain.name});
        if (it != rows_.end() && !it->second.from_inventory) continue;  // a state is better
        VmRow& r = row(host, entry.domain.name);
        if (r.state != entry.state) r.since_ms = -1;  // the inventory says not since when
        r.state = entry.state;
        r.reason = entry.reason;
        r.id = entry.domain.id;
        r.from_inventory = true;
    }
    ++version_;
}

void FleetModel::apply_event(const Event& event, long long now_ms) {
    if (!filter_.matches_place(event.host, event.domain.name)) return;
    if (event.kind == "lifecycle" && event.event == "undefined") return remove_vm(event.host, event.domain.name);
    VmRow& r = row(event.host, event.domain.name);
    std::string text = event.text.empty() ? event.event : event.text;
    r.last_event = text;
    r.recent.insert(r.recent.begin(), RecentEvent{event.time, event.kind, std::move(text)});
    if (r.recent.size() > kRecentEvents) r.recent.pop_back();
    r.changed_ms = now_ms;
    ++version_;
}

FleetCounts FleetModel::counts() const {
    FleetCounts c;
    for (const auto& [name, h] : hosts_) {
        if (!h.online) ++c.hosts_offline;
        else ++c.hosts_online;
        if (h.online && h.libvirt == LibvirtHealthState::Unreachable) ++c.hosts_libvirt_unreachable;
    }
    for (const auto& [key, r] : rows_) {
        if (r.state == "running") ++c.running;
        else if (r.state == "paused") ++c.paused;
        else if (r.state == "shutoff") ++c.shutoff;
        else if (r.state == "crashed") ++c.crashed;
        else ++c.other;
    }
    return c;
}

std::vector<const VmRow*> FleetModel::rows(SortOrder order, std::string_view name_glob) const {
    std::vector<const VmRow*> out;
    out.reserve(rows_.size());
    for (const auto& [key, r] : rows_) {
        if (name_glob.empty() || glob_match(name_glob, r.name)) out.push_back(&r);
    }
    // rows_ is already in host+name order: a stable sort keeps it for ties.
    auto by = [&](auto projection) {
        std::stable_sort(out.begin(), out.end(),
                         [&](const VmRow* a, const VmRow* b) { return projection(*a) < projection(*b); });
    };
    switch (order) {
    case SortOrder::HostName: break;
    case SortOrder::Name: by([](const VmRow& r) { return std::tie(r.name, r.host); }); break;
    case SortOrder::State: by([](const VmRow& r) { return state_rank(r.state); }); break;
    // Newest change first; unknown ages last.
    case SortOrder::Age:
        by([](const VmRow& r) { return r.since_ms < 0 ? std::numeric_limits<long long>::max() : -r.since_ms; });
        break;
    }
    return out;
}

const VmRow* FleetModel::find(const std::string& host, const std::string& vm) const {
    auto it = rows_.find(Key{host, vm});
    return it == rows_.end() ? nullptr : &it->second;
}

const HostRow* FleetModel::host(const std::string& host) const {
    auto it = hosts_.find(host);
    return it == hosts_.end() ? nullptr : &it->second;
}

}  // namespace vme::sub
