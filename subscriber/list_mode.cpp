#include "subscriber/list_mode.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "common/names.h"
#include "common/sanitize.h"
#include "common/topic.h"
#include "subscriber/message_handler.h"

namespace vme::sub {
namespace {

/// True when --host was given and names only exact hosts (no glob).
bool exact_hosts_only(const Filter& filter) {
    if (filter.hosts.empty()) return false;
    return std::none_of(filter.hosts.begin(), filter.hosts.end(),
                        [](const std::string& h) { return has_glob(h); });
}

/// The ID column: the domain id, or "-" when inactive.
std::string id_text(int id) { return id < 0 ? "-" : std::to_string(id); }

}  // namespace

std::vector<std::string> list_subscriptions(std::string_view prefix, const Filter& filter) {
    std::vector<std::string> topics = state_subscriptions(prefix, filter);
    for (auto& topic : status_subscriptions(prefix, filter)) topics.push_back(std::move(topic));
    if (exact_hosts_only(filter)) {
        for (const auto& host : filter.hosts) topics.push_back(inventory_topic(prefix, host));
    } else {
        topics.push_back(std::string(prefix) + "/+/inventory");
    }
    return topics;
}

namespace {

/// Decodes the state, status and inventory payloads for a FleetSink.
class FleetRouter {
public:
    FleetRouter(std::string_view topic, Diagnostics& diag, FleetSink& sink)
        : topic_(topic), diag_(diag), sink_(sink) {}

    void state(const std::string& host, const std::string& vm, std::string_view payload) {
        if (payload.empty()) return sink_.on_fleet_state(host, vm, nullptr);  // the VM was removed
        auto state = decode_state(payload);
        if (!state) return warn("undecodable state: " + shown(state.error().message));
        if (state->host != host || state->domain.name != vm) return warn("state names another host or VM; skipped");
        sink_.on_fleet_state(host, vm, &*state);
    }

    void status(const std::string& host, std::string_view payload) {
        if (payload.empty()) return sink_.on_fleet_status(host, nullptr);
        auto status = decode_status(payload);
        if (!status) return warn("undecodable status: " + shown(status.error().message));
        if (status->host != host) return warn("status names another host; skipped");
        sink_.on_fleet_status(host, &*status);
    }

    void inventory(const std::string& host, std::string_view payload) {
        if (payload.empty()) return sink_.on_fleet_inventory(host, nullptr);
        auto entries = decode_inventory(payload);
        if (!entries) return warn("undecodable inventory: " + shown(entries.error().message));
        sink_.on_fleet_inventory(host, &*entries);
    }

    void warn(const std::string& what) { diag_.warn("on " + shown(topic_) + ": " + what); }

private:
    std::string_view topic_;
    Diagnostics& diag_;
    FleetSink& sink_;
};

}  // namespace

State state_from_inventory(const std::string& host, const InventoryEntry& entry) {
    State state;
    state.host = host;
    state.domain = entry.domain;
    state.state = entry.state;
    state.reason = entry.reason;
    state.state_code = state_code(entry.state).value_or(0);
    return state;
}

void route_fleet_message(std::string_view prefix, std::string_view topic, std::string_view payload,
                         Diagnostics& diag, FleetSink& sink) {
    FleetRouter router(topic, diag, sink);
    auto parts = parse_topic(prefix, topic);
    if (!parts) return router.warn("not a vm-events/1 topic; skipped");
    switch (parts->type) {
    case TopicType::State: return router.state(parts->host, parts->vm, payload);
    case TopicType::Status: return router.status(parts->host, payload);
    case TopicType::Inventory: return router.inventory(parts->host, payload);
    case TopicType::Journal: return;  // history, not state
    case TopicType::Event: return;  // a live event says nothing about state
    }
}

void ListCollector::on_fleet_state(const std::string& host, const std::string& vm, const State* state) {
    auto key = std::make_pair(host, vm);
    if (state) states_[key] = *state;
    else states_.erase(key);
}

void ListCollector::on_fleet_status(const std::string& host, const HostStatus* status) {
    if (status) statuses_[host] = *status;
    else statuses_.erase(host);
}

void ListCollector::on_fleet_inventory(const std::string& host, const std::vector<InventoryEntry>* entries) {
    if (entries) inventories_[host] = *entries;
    else inventories_.erase(host);
}

std::vector<State> ListCollector::rows() const {
    std::vector<State> rows;
    std::set<std::string> hosts_with_states;
    for (const auto& [key, state] : states_) {
        hosts_with_states.insert(key.first);
        if (filter_.matches_place(key.first, key.second)) rows.push_back(state);
    }
    // The inventory only stands in for hosts whose states did not arrive.
    for (const auto& [host, entries] : inventories_) {
        if (hosts_with_states.count(host)) continue;
        for (const auto& entry : entries) {
            if (filter_.matches_place(host, entry.domain.name)) rows.push_back(state_from_inventory(host, entry));
        }
    }
    std::sort(rows.begin(), rows.end(), [](const State& a, const State& b) {
        return std::tie(a.host, a.domain.name) < std::tie(b.host, b.domain.name);
    });
    return rows;
}

std::string ListCollector::host_status(const std::string& host) const {
    auto it = statuses_.find(host);
    if (it == statuses_.end()) return "-";
    if (!it->second.online) return "offline";
    // One word, so the column stays one field for awk and cut.
    return it->second.libvirt == LibvirtHealthState::Unreachable ? "online,libvirt-unreachable" : "online";
}

std::vector<std::string> ListCollector::table_lines() const {
    std::vector<std::vector<std::string>> cells{{"HOST", "VM", "STATE", "REASON", "ID", "HOST-STATUS"}};
    std::set<std::string> hosts_listed;
    for (const auto& row : rows()) {
        hosts_listed.insert(row.host);
        cells.push_back({sanitize(row.host), sanitize(row.domain.name), sanitize(row.state),
                         sanitize(row.reason), id_text(row.domain.id), host_status(row.host)});
    }
    // A host without VMs gets its own line, unless a --domain filter asked for VMs.
    for (const auto& [host, status] : statuses_) {
        if (!filter_.domains.empty()) break;
        if (hosts_listed.count(host) || !filter_.matches_host(host)) continue;
        cells.push_back({sanitize(host), "-", "-", "-", "-", host_status(host)});
    }
    // Hosts without VMs were appended last: keep the table sorted by host.
    std::stable_sort(cells.begin() + 1, cells.end(),
                     [](const auto& a, const auto& b) { return a[0] < b[0]; });
    return align_columns(cells);
}

std::vector<std::string> ListCollector::json_lines() const {
    std::vector<std::string> lines;
    for (const auto& row : rows()) lines.push_back(encode_state(row));
    return lines;
}

std::vector<std::string> align_columns(const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> widths;
    for (const auto& row : rows) {
        if (widths.size() < row.size()) widths.resize(row.size(), 0);
        for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], display_width(row[i]));
    }
    std::vector<std::string> lines;
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) line.append(widths[i] - display_width(row[i]) + 2, ' ');
        }
        lines.push_back(std::move(line));
    }
    return lines;
}

}  // namespace vme::sub
