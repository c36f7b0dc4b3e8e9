// The states of one MQTT connection and the moves between them, in one
// table (pure: io/mqtt_client drives it and does what each state needs).
#pragma once

#include <optional>
#include <string_view>

namespace vme::io {

/// Where one MQTT connection is.
enum class ConnState {
    Idle,        ///< created, not started
    Resolving,   ///< the broker's name is being looked up (off the loop)
    Connecting,  ///< TCP, TLS and MQTT CONNECT under way, no CONNACK yet
    Connected,   ///< CONNACK accepted: publish, subscribe
    BackingOff,  ///< an attempt failed or the connection was lost: waiting before the next one
    Stopped,     ///< stop(): no more attempts until start()
};

/// What moves a connection from one state to another.
enum class ConnInput {
    Start,           ///< start()
    Resolved,        ///< the lookup gave an address and the connect began
    AttemptFailed,   ///< the lookup, the connect or the CONNACK failed
    Connacked,       ///< the broker accepted the CONNECT
    ConnectionLost,  ///< an established connection ended
    BackoffElapsed,  ///< the wait after a failure is over: try again
    Stop,            ///< stop()
};

/// The state after `input` in `state`; nothing when `input` does not
/// happen in `state` (a late answer after stop(), say): the caller ignores
/// it. Stop leads to Stopped from every state, Start from Idle or Stopped
/// to Resolving.
std::optional<ConnState> next_state(ConnState state, ConnInput input);

/// "idle", "resolving", "connecting", "connected", "backing off", "stopped".
std::string_view state_name(ConnState state);

}  // namespace vme::io
