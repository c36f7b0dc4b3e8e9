// The fast path of decode_event(): a valid event payload (the standard
// keys each once and of the documented types, plus any kind-specific
// fields) goes from nlohmann's SAX events straight into an Event, without
// building a JSON document of the whole payload first; only the values of
// kind-specific fields are built, into Event::fields. callgrind put that
// document at about half of vm-sub's cost per event. Anything else (every
// error, and a standard key of an unexpected type) is left to the
// document-based decoder, which produces the same Event or the precise
// error message; tests and the fuzz target check that the two agree.
// Which keys are standard, their types and members come from the one
// table in event_fields.h, as for the document decoder and the encoder.
#pragma once

#include <optional>
#include <string_view>

#include "message.h"

namespace vme {

/// The event in `payload` when it is valid and within the limits, its
/// standard keys of the documented types; nullopt for everything else,
/// valid or not (never an error, never an exception).
std::optional<Event> decode_plain_event(std::string_view payload);

}  // namespace vme
