// --list: a fleet-wide `virsh list --all` from the retained state, status
// and inventory messages, printed as an aligned table or JSON lines. The
// decoding of those messages (route_fleet_message) is shared with --watch.
#pragma once

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/filter.h"
#include "common/message.h"
#include "subscriber/output.h"

namespace vme::sub {

/// The filters --list subscribes to: every matching state and status topic,
/// plus the hosts' inventory topics (exactly, for exact --host names), a
/// fallback for brokers that deliver retained messages only to exact
/// subscriptions.
std::vector<std::string> list_subscriptions(std::string_view prefix, const Filter& filter);

/// Receives the decoded state, status and inventory messages of the fleet.
/// A null pointer means an empty payload: what the topic held is removed.
class FleetSink {
public:
    virtual ~FleetSink() = default;
    /// A VM's state (consistent with its topic), or its removal.
    virtual void on_fleet_state(const std::string& host, const std::string& vm, const State* state) = 0;
    /// A host's status (consistent with its topic), or its removal.
    virtual void on_fleet_status(const std::string& host, const HostStatus* status) = 0;
    /// A host's inventory, or its removal.
    virtual void on_fleet_inventory(const std::string& host, const std::vector<InventoryEntry>* entries) = 0;
};

/// Decodes one state, status or inventory message for `sink`. Undecodable
/// payloads, payloads naming another host or VM than their topic, and
/// topics outside the scheme are warned about (sanitized) and skipped;
/// event topics are ignored (they say nothing about state).
void route_fleet_message(std::string_view prefix, std::string_view topic, std::string_view payload,
                         Diagnostics& diag, FleetSink& sink);

/// Collects the retained picture of the fleet, message by message.
class ListCollector final : private FleetSink {
public:
    ListCollector(std::string prefix, Filter filter, Diagnostics& diag)
        : prefix_(std::move(prefix)), filter_(std::move(filter)), diag_(diag) {}

    /// Records one message; an empty payload removes what its topic held.
    /// Undecodable or inconsistent payloads are warned about and skipped.
    void add(std::string_view topic, std::string_view payload) {
        route_fleet_message(prefix_, topic, payload, diag_, *this);
    }

    /// Every known VM passing the filter, sorted by host then VM name;
    /// hosts without state messages are filled from their inventory.
    std::vector<State> rows() const;

    /// The table: a header, then HOST VM STATE REASON ID HOST-STATUS per VM
    /// (and, without --domain, one line per host that reported a status but
    /// no VM), aligned, every value sanitized.
    std::vector<std::string> table_lines() const;

    /// Hosts heard of so far (a status or an inventory).
    std::size_t host_count() const { return std::max(statuses_.size(), inventories_.size()); }

    /// One compact state object per VM, as published.
    std::vector<std::string> json_lines() const;

private:
    // FleetSink: store or remove.
    void on_fleet_state(const std::string& host, const std::string& vm, const State* state) override;
    void on_fleet_status(const std::string& host, const HostStatus* status) override;
    void on_fleet_inventory(const std::string& host, const std::vector<InventoryEntry>* entries) override;
    /// "online", "offline", or "-" when the host sent no status.
    std::string host_status(const std::string& host) const;

    std::string prefix_;
    Filter filter_;
    Diagnostics& diag_;
    std::map<std::pair<std::string, std::string>, State> states_;
    std::map<std::string, HostStatus> statuses_;
    std::map<std::string, std::vector<InventoryEntry>> inventories_;
};

/// A State row made from an inventory line (for hosts whose states did not arrive).
State state_from_inventory(const std::string& host, const InventoryEntry& entry);

/// Pads each column of `rows` to its widest cell (terminal columns), two
/// spaces apart; the last column is not padded. Cells must be sanitized.
std::vector<std::string> align_columns(const std::vector<std::vector<std::string>>& rows);

}  // namespace vme::sub
