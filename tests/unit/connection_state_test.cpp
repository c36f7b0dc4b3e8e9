// io/connection_state: the one table of an MQTT connection's moves.
#include <doctest/doctest.h>

#include <algorithm>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "io/connection_state.h"

using vme::io::ConnInput;
using vme::io::ConnState;
using vme::io::next_state;

namespace {

const ConnState kStates[] = {ConnState::Idle,      ConnState::Resolving,  ConnState::Connecting,
                             ConnState::Connected, ConnState::BackingOff, ConnState::Stopped};
const ConnInput kInputs[] = {ConnInput::Start,          ConnInput::Resolved,       ConnInput::AttemptFailed,
                             ConnInput::Connacked,      ConnInput::ConnectionLost, ConnInput::BackoffElapsed,
                             ConnInput::Stop};

/// Runs `inputs` from `state`; the states passed through, "-" for an input ignored.
std::vector<std::string> walk(ConnState state, const std::vector<ConnInput>& inputs) {
    std::vector<std::string> seen;
    for (ConnInput input : inputs) {
        auto next = next_state(state, input);
        seen.emplace_back(next ? std::string(vme::io::state_name(*next)) : "-");
        if (next) state = *next;
    }
    return seen;
}

}  // namespace

TEST_SUITE("connection_state") {

TEST_CASE("a connection's life: connect, lose it, back off, connect again") {
    CHECK(walk(ConnState::Idle, {ConnInput::Start, ConnInput::Resolved, ConnInput::Connacked,
                                 ConnInput::ConnectionLost, ConnInput::BackoffElapsed, ConnInput::Resolved,
                                 ConnInput::Connacked}) ==
          std::vector<std::string>{"resolving", "connecting", "connected", "backing off", "resolving", "connecting",
                                   "connected"});
}

TEST_CASE("failures before the CONNACK back off: from the lookup and from the connect") {
    CHECK(walk(ConnState::Idle, {ConnInput::Start, ConnInput::AttemptFailed, ConnInput::BackoffElapsed,
                                 ConnInput::Resolved, ConnInput::AttemptFailed}) ==
          std::vector<std::string>{"resolving", "backing off", "resolving", "connecting", "backing off"});
}

TEST_CASE("stop from every state ends in Stopped, and start begins again from there") {
    for (ConnState s : kStates) {
        CAPTURE(vme::io::state_name(s));
        CHECK(next_state(s, ConnInput::Stop) == ConnState::Stopped);
    }
    CHECK(next_state(ConnState::Stopped, ConnInput::Start) == ConnState::Resolving);
}

TEST_CASE("late news after stop() is ignored: no answer, failure or CONNACK leaves Stopped") {
    for (ConnInput input : kInputs) {
        if (input == ConnInput::Start || input == ConnInput::Stop) continue;
        CHECK_FALSE(next_state(ConnState::Stopped, input));
    }
}

TEST_CASE("start while running changes nothing; a CONNACK only comes while connecting") {
    for (ConnState s : {ConnState::Resolving, ConnState::Connecting, ConnState::Connected, ConnState::BackingOff})
        CHECK_FALSE(next_state(s, ConnInput::Start));
    for (ConnState s : kStates) {
        if (s == ConnState::Connecting) continue;
        CHECK_FALSE(next_state(s, ConnInput::Connacked));
    }
    // A connected link is lost, never "fails an attempt"; an attempt is never "lost".
    CHECK_FALSE(next_state(ConnState::Connected, ConnInput::AttemptFailed));
    CHECK_FALSE(next_state(ConnState::Connecting, ConnInput::ConnectionLost));
}

TEST_CASE("every state is reachable from Idle and every state has a name") {
    std::vector<ConnState> reached{ConnState::Idle};
    for (std::size_t i = 0; i < reached.size(); ++i) {
        for (ConnInput input : kInputs) {
            auto next = next_state(reached[i], input);
            if (next && std::find(reached.begin(), reached.end(), *next) == reached.end()) reached.push_back(*next);
        }
    }
    CHECK(reached.size() == std::size(kStates));
    for (ConnState s : kStates) CHECK(vme::io::state_name(s) != "?");
}

}  // TEST_SUITE
