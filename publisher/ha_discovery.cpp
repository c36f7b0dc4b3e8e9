#include "publisher/ha_discovery.h"

#include "common/topic.h"

namespace vme::pub {

Message HaDiscovery::retained(HaConfig config) {
    return Message{std::move(config.topic), std::move(config.payload), 1, true, {}};
}

std::string HaDiscovery::birth_topic() const { return ha_status_topic(context_.discovery_prefix); }

std::vector<Message> HaDiscovery::all(const std::vector<DomainRef>& vms) {
    std::vector<Message> out;
    for (auto& config : ha_host_configs(context_)) out.push_back(retained(std::move(config)));
    configured_.clear();
    for (const auto& vm : vms) {
        for (auto& config : ha_vm_configs(context_, vm)) out.push_back(retained(std::move(config)));
        if (!vm.uuid.empty()) configured_[vm.uuid] = vm.name;
    }
    return out;
}

std::vector<Message> HaDiscovery::on_change(const DomainRef& vm, bool removed) {
    std::vector<Message> out;
    if (vm.uuid.empty()) return out;
    auto known = configured_.find(vm.uuid);
    if (removed) {
        if (known == configured_.end()) return out;
        configured_.erase(known);
        for (auto& config : ha_vm_removals(context_, vm.uuid)) out.push_back(retained(std::move(config)));
        return out;
    }
    if (known != configured_.end() && known->second == vm.name) return out;
    configured_[vm.uuid] = vm.name;
    for (auto& config : ha_vm_configs(context_, vm)) out.push_back(retained(std::move(config)));
    return out;
}

bool HaDiscovery::is_birth(std::string_view topic, std::string_view payload) const {
    return payload == "online" && topic == birth_topic();
}

}  // namespace vme::pub
