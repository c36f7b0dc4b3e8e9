// The one way in to event decoding: the fast path first, the document
// decoder for everything it declines.
#include "decode.h"

#include <utility>

namespace vme {

Result<Event> EventDecoder::decode(std::string_view payload) {
    if (auto plain = fast_.decode_plain(payload)) return std::move(*plain);
    return decode_event_document(payload);
}

Result<Event> decode_event(std::string_view payload) {
    return EventDecoder().decode(payload);
}

}  // namespace vme
