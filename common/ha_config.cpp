#include "ha_config.h"

#include <nlohmann/json.hpp>

#include "sanitize.h"
#include "topic.h"

namespace vme {

namespace {

using Json = nlohmann::ordered_json;

std::string host_key(const HaContext& c) { return "vme_" + ha_id(c.host); }

std::string vm_key(const HaContext& c, std::string_view uuid) { return host_key(c) + "_" + ha_id(uuid); }

/// Who made the config (HA shows it in the entity's details).
Json origin(const HaContext& c) { return Json{{"name", "vm-events"}, {"sw_version", c.version}}; }

/// A VM entity is available while its host's vm-pub is online and reaches libvirt.
Json availability(const HaContext& c) {
    return Json::array({Json{{"topic", status_topic(c.prefix, c.host)},
                             {"value_template", kHaAvailabilityTemplate},
                             {"payload_available", "online"},
                             {"payload_not_available", "offline"}}});
}

Json vm_device(const HaContext& c, const DomainRef& vm) {
    return Json{{"identifiers", Json::array({vm_key(c, vm.uuid)})},
                {"name", mqtt_safe_text(vm.name)},
                {"manufacturer", "libvirt"},
                {"model", "virtual machine"},
                {"via_device", host_key(c)}};
}

std::string dump(const Json& json) { return json.dump(-1, ' ', false, Json::error_handler_t::replace); }

/// A VM entity: its component and the suffix of its ids.
using VmEntity = std::pair<std::string_view, std::string_view>;

/// The entities of a VM, in publishing order: the State sensor, the Running binary sensor.
constexpr VmEntity kVmEntities[] = {{"sensor", "state"}, {"binary_sensor", "running"}};

/// "<discovery>/<component>/<key>_<suffix>/config".
std::string vm_config_topic(const HaContext& c, const std::string& key, const VmEntity& entity) {
    return ha_config_topic(c.discovery_prefix, entity.first, key + "_" + std::string(entity.second));
}

}  // namespace

std::vector<HaConfig> ha_host_configs(const HaContext& c) {
    std::string id = host_key(c) + "_vm-pub";
    std::string status = status_topic(c.prefix, c.host);
    Json config{{"name", "vm-pub"},
                {"unique_id", id},
                {"device_class", "connectivity"},
                {"state_topic", status},
                {"value_template", kHaHostTemplate},
                {"payload_on", "ON"},
                {"payload_off", "OFF"},
                {"json_attributes_topic", status},
                {"json_attributes_template", kHaHostAttributesTemplate},
                {"device",
                 Json{{"identifiers", Json::array({host_key(c)})},
                      {"name", mqtt_safe_text(c.host)},
                      {"manufacturer", "vm-events"},
                      {"model", "libvirt host"},
                      {"sw_version", c.version}}},
                {"origin", origin(c)}};
    return {HaConfig{ha_config_topic(c.discovery_prefix, "binary_sensor", id), dump(config)}};
}

std::vector<HaConfig> ha_vm_configs(const HaContext& c, const DomainRef& vm) {
    if (vm.uuid.empty()) return {};
    std::string key = vm_key(c, vm.uuid);
    std::string state = state_topic(c.prefix, c.host, vm.name);
    Json sensor{{"name", "State"},
                {"unique_id", key + "_" + std::string(kVmEntities[0].second)},
                {"state_topic", state},
                {"value_template", kHaStateTemplate},
                {"json_attributes_topic", state},
                {"json_attributes_template", kHaStateAttributesTemplate},
                {"availability", availability(c)},
                {"device", vm_device(c, vm)},
                {"origin", origin(c)}};
    Json running{{"name", "Running"},
                 {"unique_id", key + "_" + std::string(kVmEntities[1].second)},
                 {"device_class", "running"},
                 {"state_topic", state},
                 {"value_template", kHaRunningTemplate},
                 {"payload_on", "ON"},
                 {"payload_off", "OFF"},
                 {"availability", availability(c)},
                 {"device", vm_device(c, vm)},
                 {"origin", origin(c)}};
    return {HaConfig{vm_config_topic(c, key, kVmEntities[0]), dump(sensor)},
            HaConfig{vm_config_topic(c, key, kVmEntities[1]), dump(running)}};
}

std::vector<HaConfig> ha_vm_removals(const HaContext& c, std::string_view uuid) {
    std::vector<HaConfig> out;
    if (uuid.empty()) return out;
    std::string key = vm_key(c, uuid);
    for (const auto& entity : kVmEntities) out.push_back(HaConfig{vm_config_topic(c, key, entity), ""});
    return out;
}

}  // namespace vme
