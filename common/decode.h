// The one way in to event decoding: the fast path (event_fast_decode.h)
// first, the document decoder (message.h) for everything it declines.
#pragma once

#include <optional>
#include <string_view>

#include "event_fast_decode.h"
#include "message.h"
#include "result.h"

namespace vme {

/// Decodes event payloads, reusing one fast-path parser and its padded
/// input buffer across calls. Not thread-safe: one per thread.
class EventDecoder {
public:
    /// What decode_event() gives for `payload`: the fast path's Event, or
    /// else the document decoder's Event or error.
    Result<Event> decode(std::string_view payload);

    /// The fast path alone (FastEventDecoder::decode_plain): the event when
    /// `payload` is a plain valid one, nullopt for everything else.
    std::optional<Event> decode_plain(std::string_view payload) { return fast_.decode_plain(payload); }

    /// The name of the simdjson kernel the fast path uses on this CPU.
    static std::string_view kernel() { return FastEventDecoder::kernel(); }

private:
    FastEventDecoder fast_;
};

/// Strict decoding of one event payload (the rules are those of
/// decode_event_document in message.h; the fast path gives the same
/// result for plain events). A caller decoding many events should keep an
/// EventDecoder: the same result, with its buffers reused.
Result<Event> decode_event(std::string_view payload);

}  // namespace vme
