// The fast path of event decoding: a valid event payload (the standard
// keys each once and of the documented types, plus any kind-specific
// fields) goes from simdjson's On-Demand parser straight into an Event,
// without building a JSON document of the payload first; only the values
// of kind-specific fields are built (by nlohmann, from their own text),
// into Event::fields. Anything else (every error, a standard key of an
// unexpected type, a number simdjson and nlohmann would read differently)
// is declined and left to the document-based decoder
// (decode_event_document), which produces the same Event or the precise
// error message; tests and the fuzz target check that the two agree.
// decode.h puts the two together; this file calls neither it nor message.cpp.
// Which keys are standard, their types and members come from the one
// table in event_fields.h, as for the document decoder and the encoder.
//
// simdjson needs simdjson::SIMDJSON_PADDING readable bytes after its input, and its
// parser keeps buffers sized for the largest input so far: a FastEventDecoder
// owns both, so a subscriber decoding a stream reuses them for every
// message.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "message.h"

namespace vme {

/// The fast path of event payloads, reusing one simdjson parser and one
/// padded input buffer across calls. Not thread-safe: one per thread.
class FastEventDecoder {
public:
    FastEventDecoder();
    ~FastEventDecoder();
    FastEventDecoder(FastEventDecoder&&) noexcept;
    FastEventDecoder& operator=(FastEventDecoder&&) noexcept;

    /// The fast path alone: the event in `payload` when it is valid and
    /// within the limits of message.h, its standard keys of the documented
    /// types; nullopt for everything else, valid or not (never an error,
    /// never an exception).
    std::optional<Event> decode_plain(std::string_view payload);

    /// The name of the simdjson kernel chosen at run time for this CPU
    /// (e.g. "icelake", "haswell", "westmere"; "fallback" when none fits).
    static std::string_view kernel();

private:
    struct Parser;
    std::unique_ptr<Parser> parser_;
};

/// FastEventDecoder().decode_plain(payload), for one-off callers and tests.
std::optional<Event> decode_plain_event(std::string_view payload);

}  // namespace vme
