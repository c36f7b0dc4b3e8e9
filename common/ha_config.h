// Home Assistant MQTT discovery configs for a vm-pub host (pure).
//
// What appears in HA: a device per host (named after the host) with one
// binary_sensor "vm-pub" (connectivity: the retained status), and a device
// per VM (named after the VM, via_device the host) with a sensor "State"
// (the VM's state token, attributes reason, id, uuid, persistent, since)
// and a binary_sensor "Running". Every entity reads vm-pub's own retained
// topics (state_topic and json_attributes_topic), so discovery adds config
// messages only. VM entities are available while the host's status says
// online and libvirt is not unreachable.
//
// Ids: object id = unique_id = "vme_<ha_id(host)>[_<ha_id(uuid)>]_<entity>";
// device identifiers "vme_<ha_id(host)>" and "vme_<ha_id(host)>_<ha_id(uuid)>".
// The libvirt UUID (not the name) identifies a VM, so a rename keeps the
// entities; the host is part of the id because a VM defined on two hosts
// (during a migration) must not share one config that either host removes.
// Keys are HA's full names (no abbreviations).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "message.h"

namespace vme {

/// Where and for whom configs are built.
struct HaContext {
    std::string discovery_prefix = "homeassistant";  ///< HA's discovery prefix
    std::string prefix = "libvirt";                   ///< vm-events topic prefix
    std::string host;                                 ///< vm-pub's host name
    std::string version;                              ///< vm-pub's version (device and origin)
};

/// One retained config message; an empty payload removes the entity.
struct HaConfig {
    std::string topic;
    std::string payload;
};

/// The VM entities' value templates over the retained state JSON, and the
/// availability template over the host's status JSON (HA renders them with
/// Jinja2; value_json is the decoded payload).
inline constexpr std::string_view kHaStateTemplate = "{{ value_json.state if value_json is defined else 'unknown' }}";
inline constexpr std::string_view kHaRunningTemplate =
    "{{ 'ON' if value_json is defined and value_json.state == 'running' else 'OFF' }}";
inline constexpr std::string_view kHaStateAttributesTemplate =
    "{{ {'reason': value_json.get('reason'), 'id': value_json.domain.id, 'uuid': value_json.domain.get('uuid'), "
    "'persistent': value_json.get('persistent', true), 'since': value_json.get('time')} | tojson "
    "if value_json is defined else '{}' }}";
inline constexpr std::string_view kHaAvailabilityTemplate =
    "{{ 'online' if value_json is defined and value_json.status == 'online' and "
    "value_json.get('libvirt') != 'unreachable' else 'offline' }}";
inline constexpr std::string_view kHaHostTemplate =
    "{{ 'ON' if value_json is defined and value_json.status == 'online' else 'OFF' }}";
inline constexpr std::string_view kHaHostAttributesTemplate =
    "{{ {'version': value_json.get('version'), 'boot': value_json.get('boot'), 'uri': value_json.get('uri'), "
    "'libvirt': value_json.get('libvirt'), 'libvirt_error': value_json.get('libvirt_error'), "
    "'dropped': value_json.get('dropped')} | tojson if value_json is defined else '{}' }}";

/// The host device's entity: binary_sensor "vm-pub" (device_class
/// connectivity) on the host's status topic.
std::vector<HaConfig> ha_host_configs(const HaContext& context);

/// A VM's entities: sensor "State" and binary_sensor "Running" (device_class
/// running) on the VM's state topic, attached to the VM's device. Empty when
/// the VM has no UUID (nothing stable to identify it by).
std::vector<HaConfig> ha_vm_configs(const HaContext& context, const DomainRef& vm);

/// The same topics as ha_vm_configs() for the VM with `uuid`, with empty
/// payloads: HA deletes the entities (and the device once it has none).
std::vector<HaConfig> ha_vm_removals(const HaContext& context, std::string_view uuid);

}  // namespace vme
