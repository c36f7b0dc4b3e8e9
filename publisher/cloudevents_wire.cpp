#include "publisher/cloudevents_wire.h"

#include "common/cloudevents.h"

namespace vme::pub {

std::string CloudEventsWire::payload(const Event& event) const {
    return structured_ ? encode_cloudevent(event) : encode_event(event);
}

io::MessageProperties CloudEventsWire::properties(const Event& event, bool mqtt5) const {
    io::MessageProperties props;
    if (!mqtt5) return props;
    if (structured_) {
        props.content_type = kCloudEventsJsonType;
        return props;
    }
    props.content_type = kEventContentType;
    props.user = cloudevent_attributes(event);
    return props;
}

}  // namespace vme::pub
