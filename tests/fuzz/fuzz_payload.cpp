// libFuzzer target: the vm-events/1 payload decoders must return a value
// or an error for any input, never crash, hang or leak. A decoded event
// must also survive a re-encode/decode round trip, and the event decoder's
// two paths must agree: whatever the fast path (simdjson On-Demand) gives
// is exactly what the document-based decoder gives, the combined decoder
// gives the document decoder's result or error, and the canonical encoding
// of every valid event takes the fast path. One EventDecoder serves every
// input, as in vm-sub, so its reused buffers are exercised too. The
// structured CloudEvents decoder must hold up as well, and an accepted
// event must survive its own CloudEvent.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/cloudevents.h"
#include "common/decode.h"
#include "common/message.h"
#include "tests/unit/decode_compare.h"

namespace {

/// The fast path agrees with the document decoder on `input`.
void check_paths_agree(vme::EventDecoder& decoder, std::string_view input) {
    const auto fast = decoder.decode_plain(input);
    const auto full = vme::decode_event_document(input);
    if (fast && (!full || !vme::test::same_event(*fast, *full))) std::abort();
    const auto combined = decoder.decode(input);
    if (static_cast<bool>(combined) != static_cast<bool>(full)) std::abort();
    if (!full && combined.error().message != full.error().message) std::abort();
    if (full && !vme::test::same_event(*combined, *full)) std::abort();
    if (!full) return;
    // A valid event in its canonical form is never left to the slow path.
    const auto canonical = decoder.decode_plain(vme::encode_event(*full));
    const auto reread = vme::decode_event_document(vme::encode_event(*full));
    if (!canonical || !reread || !vme::test::same_event(*canonical, *reread)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static vme::EventDecoder decoder;  // reused like vm-sub's
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
        for (const auto& entry : journal->events) check_paths_agree(decoder, entry);
    }
    check_paths_agree(decoder, input);
    auto event = vme::decode_event(input);
    if (!event) return 0;
    // What we accept we must be able to send again, unchanged in meaning.
    auto again = vme::decode_event(vme::encode_event(*event));
    if (!again || again->seq != event->seq || again->domain.name != event->domain.name) std::abort();
    return 0;
}
