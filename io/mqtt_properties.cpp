#include "io/mqtt_properties.h"

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include <cstdlib>

namespace vme::io {

void PropertyListDeleter::operator()(mosquitto_property* list) const { mosquitto_property_free_all(&list); }

Result<PropertyList> to_property_list(const MessageProperties& props) {
    mosquitto_property* head = nullptr;
    int rc = MOSQ_ERR_SUCCESS;
    if (!props.content_type.empty())
        rc = mosquitto_property_add_string(&head, MQTT_PROP_CONTENT_TYPE, props.content_type.c_str());
    for (const auto& [name, value] : props.user) {
        if (rc != MOSQ_ERR_SUCCESS) break;
        // libmosquitto checks a content type, not a user property: a broker
        // closes the connection on a packet with malformed UTF-8 in it.
        for (const std::string* text : {&name, &value}) {
            if (text->size() > 65535) rc = MOSQ_ERR_INVAL;
            else if (rc == MOSQ_ERR_SUCCESS) rc = mosquitto_validate_utf8(text->data(), static_cast<int>(text->size()));
        }
        if (rc == MOSQ_ERR_SUCCESS)
            rc = mosquitto_property_add_string_pair(&head, MQTT_PROP_USER_PROPERTY, name.c_str(), value.c_str());
    }
    PropertyList list(head);  // owns what was added, also after a failure
    if (rc != MOSQ_ERR_SUCCESS) return Error{std::string("message properties: ") + mosquitto_strerror(rc)};
    return list;
}

MessageProperties from_property_list(const mosquitto_property* list) {
    MessageProperties props;
    for (const mosquitto_property* p = list; p != nullptr; p = mosquitto_property_next(p)) {
        int id = mosquitto_property_identifier(p);
        if (id == MQTT_PROP_CONTENT_TYPE) {
            char* value = nullptr;
            if (mosquitto_property_read_string(p, MQTT_PROP_CONTENT_TYPE, &value, false) && value) {
                props.content_type = value;
                std::free(value);
            }
        } else if (id == MQTT_PROP_USER_PROPERTY) {
            char *name = nullptr, *value = nullptr;
            if (mosquitto_property_read_string_pair(p, MQTT_PROP_USER_PROPERTY, &name, &value, false)) {
                props.user.emplace_back(name ? name : "", value ? value : "");
                std::free(name);
                std::free(value);
            }
        }
    }
    return props;
}

std::string reason_string(const mosquitto_property* props) {
    char* value = nullptr;
    if (!props || !mosquitto_property_read_string(props, MQTT_PROP_REASON_STRING, &value, false) || !value)
        return {};
    std::string s(value);
    std::free(value);
    return s;
}

}  // namespace vme::io
