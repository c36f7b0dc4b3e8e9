// The MQTT 5 properties of one PUBLISH that the tools set or read: the
// content type and user properties (plain values; io/mqtt_client turns
// them into libmosquitto's property lists). MQTT 3.1.1 has no properties:
// a client on 3.1.1 sends none and receives none.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace vme::io {

struct MessageProperties {
    std::string content_type;  ///< MQTT 5 Content Type; empty: not set
    /// MQTT 5 User Properties (name, value), in order; names may repeat.
    std::vector<std::pair<std::string, std::string>> user;

    /// True when there is nothing to send.
    bool empty() const { return content_type.empty() && user.empty(); }

    /// The value of the first user property called `name`, or nullptr.
    const std::string* find(const std::string& name) const {
        for (const auto& [key, value] : user)
            if (key == name) return &value;
        return nullptr;
    }
};

}  // namespace vme::io
