// libFuzzer target: the vm-events/1 payload decoders must return a value
// or an error for any input, never crash, hang or leak. A decoded event
// must also survive a re-encode/decode round trip, and decode_event's fast
// path must give what the document-based decoder gives. The structured
// CloudEvents decoder must hold up as well, and an accepted event must
// survive its own CloudEvent.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/cloudevents.h"
#include "common/message.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    (void)vme::decode_state(input);
    (void)vme::decode_status(input);
    (void)vme::decode_inventory(input);
    if (auto wrapped = vme::decode_cloudevent(input)) {
        auto back = vme::decode_cloudevent(vme::encode_cloudevent(*wrapped));
        if (!back || vme::encode_event(*back) != vme::encode_event(*wrapped)) std::abort();
    }
    (void)vme::decode_roll_call_request(input);
    if (auto journal = vme::decode_journal(input)) {
        // Every accepted journal's entries go through the event decoder.
        for (const auto& entry : journal->events) (void)vme::decode_event(entry);
    }
    auto event = vme::decode_event(input);
    // The fast path for plain events must agree with the document decoder.
    auto full = vme::decode_event_document(input);
    if (static_cast<bool>(event) != static_cast<bool>(full)) std::abort();
    if (event && vme::encode_event(*event) != vme::encode_event(*full)) std::abort();
    if (!event) return 0;
    // What we accept we must be able to send again, unchanged in meaning.
    auto again = vme::decode_event(vme::encode_event(*event));
    if (!again || again->seq != event->seq || again->domain.name != event->domain.name) std::abort();
    return 0;
}
