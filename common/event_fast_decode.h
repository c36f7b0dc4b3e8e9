// The fast path of decode_event(): an event payload in its usual shape
// (only the standard keys, each once, of the documented types) goes from
// nlohmann's SAX events straight into an Event, without building a JSON
// document first. callgrind put that document at about half of vm-sub's
// cost per event. Anything else (an error, an unknown key, a kind-specific
// field) is left to the document-based decoder, which produces the same
// Event or the precise error message; tests and the fuzz target check
// that the two agree.
#pragma once

#include <optional>
#include <string_view>

#include "message.h"

namespace vme {

/// The event in `payload` when it is valid, within the limits and has
/// nothing but the standard keys of the documented types; nullopt for
/// everything else, valid or not (never an error, never an exception).
std::optional<Event> decode_plain_event(std::string_view payload);

}  // namespace vme
