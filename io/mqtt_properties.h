// MQTT 5 properties between our types and libmosquitto's property lists.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "io/message_properties.h"

typedef struct mqtt5__property mosquitto_property;

namespace vme::io {

/// Frees a whole libmosquitto property list.
struct PropertyListDeleter {
    void operator()(mosquitto_property* list) const;
};
using PropertyList = std::unique_ptr<mosquitto_property, PropertyListDeleter>;

/// libmosquitto's property list for `props` (content type, user
/// properties). Error when libmosquitto refuses a value (not valid MQTT
/// UTF-8: controls, invalid sequences).
Result<PropertyList> to_property_list(const MessageProperties& props);

/// The content type and user properties of a received message.
MessageProperties from_property_list(const mosquitto_property* list);

/// The reason-string property of a CONNACK or DISCONNECT ("" when absent).
std::string reason_string(const mosquitto_property* props);

}  // namespace vme::io
