#include "io/connection_state.h"

namespace vme::io {
namespace {

/// Every move there is; anything else does not happen.
struct Move {
    ConnState from;
    ConnInput input;
    ConnState to;
};

constexpr Move kMoves[] = {
    {ConnState::Idle, ConnInput::Start, ConnState::Resolving},
    {ConnState::Stopped, ConnInput::Start, ConnState::Resolving},
    {ConnState::Resolving, ConnInput::Resolved, ConnState::Connecting},
    {ConnState::Resolving, ConnInput::AttemptFailed, ConnState::BackingOff},
    {ConnState::Connecting, ConnInput::AttemptFailed, ConnState::BackingOff},
    {ConnState::Connecting, ConnInput::Connacked, ConnState::Connected},
    {ConnState::Connected, ConnInput::ConnectionLost, ConnState::BackingOff},
    {ConnState::BackingOff, ConnInput::BackoffElapsed, ConnState::Resolving},
};

}  // namespace

std::optional<ConnState> next_state(ConnState state, ConnInput input) {
    if (input == ConnInput::Stop) return ConnState::Stopped;
    for (const auto& move : kMoves) {
        if (move.from == state && move.input == input) return move.to;
    }
    return std::nullopt;
}

std::string_view state_name(ConnState state) {
    switch (state) {
    case ConnState::Idle: return "idle";
    case ConnState::Resolving: return "resolving";
    case ConnState::Connecting: return "connecting";
    case ConnState::Connected: return "connected";
    case ConnState::BackingOff: return "backing off";
    case ConnState::Stopped: return "stopped";
    }
    return "?";
}

}  // namespace vme::io
