// What the host status says about libvirt: a small state machine fed by
// the libvirt link's reports and by a watchdog for attempts that hang.
// Pure: times come in as values (RFC 3339 strings for the wire).
#pragma once

#include <string>
#include <string_view>

#include "common/libvirt_health.h"

namespace vme::pub {

class LibvirtHealth {
public:
    /// Unknown until vm-pub has reached libvirt or given up on it (status
    /// leaves the field out); then Connected or Unreachable.
    using State = LibvirtHealthState;

    /// The link reached libvirt (connected and listed). True when the state changed.
    bool connected(std::string_view now);

    /// An attempt failed, an open connection was lost, or an attempt has
    /// had no answer for too long (`why` says which). True when the state
    /// changed; while unreachable, only the first reason is kept.
    bool unreachable(std::string_view why, std::string_view now);

    State state() const { return state_; }

    /// The status payload's "libvirt": "connected", "unreachable", or "" (Unknown).
    std::string_view wire() const { return libvirt_health_token(state_); }

    /// When the state last changed (empty while Unknown).
    const std::string& since() const { return since_; }

    /// Why libvirt is unreachable; empty otherwise.
    const std::string& error() const { return error_; }

private:
    State state_ = State::Unknown;
    std::string since_;
    std::string error_;
};

}  // namespace vme::pub
