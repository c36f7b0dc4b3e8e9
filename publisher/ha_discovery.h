// vm-pub's Home Assistant MQTT discovery (opt-in, --ha-discovery): which
// retained config messages to publish when. Plain values in (the host, the
// prefixes, a VM's DomainRef, a received message), Messages out; the
// payloads come from common/ha_config.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/ha_config.h"
#include "common/message.h"
#include "publisher/outbox.h"

namespace vme::pub {

class HaDiscovery {
public:
    /// How long after HA's birth message the configs go out again: HA asks
    /// devices not to answer its birth all at once, and a burst of birth
    /// messages then gives one republish.
    static constexpr std::chrono::milliseconds kBirthDelay{1000};

    /// Discovery for `context.host` under `context.discovery_prefix`.
    explicit HaDiscovery(HaContext context) : context_(std::move(context)) {}

    /// HA's status topic ("<discovery prefix>/status"): vm-pub subscribes to
    /// it after every CONNACK to see HA's birth message.
    std::string birth_topic() const;

    /// Every config: the host's, then each VM's, in `vms` order (after every
    /// CONNACK, and when HA announces itself). Remembers what it configured.
    std::vector<Message> all(const std::vector<DomainRef>& vms);

    /// After a VM's state was published: its configs when the VM is new to
    /// discovery or its name changed, removals (empty retained payloads)
    /// when `removed`; nothing otherwise.
    std::vector<Message> on_change(const DomainRef& vm, bool removed);

    /// True when the message is HA's birth message: "online" on birth_topic().
    bool is_birth(std::string_view topic, std::string_view payload) const;

private:
    static Message retained(HaConfig config);

    HaContext context_;
    std::map<std::string, std::string> configured_;  ///< UUID -> the VM name its configs carry
};

}  // namespace vme::pub
