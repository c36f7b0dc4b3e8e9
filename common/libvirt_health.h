// The libvirt health of a host status ("libvirt": "connected" or
// "unreachable"): one typed value and its one token table.
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <utility>

namespace vme {

/// What a publisher says about its libvirt side.
enum class LibvirtHealthState {
    Unknown,      ///< not said (the last will, publishers that predate the field): the key is left out
    Connected,    ///< "connected": events flow
    Unreachable,  ///< "unreachable": libvirtd is dead or does not answer; vm-pub keeps retrying
};

/// Every value with its wire token ("" for Unknown, which is never written).
inline constexpr std::array<std::pair<LibvirtHealthState, std::string_view>, 3> kLibvirtHealthTokens = {{
    {LibvirtHealthState::Unknown, ""},
    {LibvirtHealthState::Connected, "connected"},
    {LibvirtHealthState::Unreachable, "unreachable"},
}};

/// The wire token of `state`: "connected", "unreachable", or "" for Unknown.
std::string_view libvirt_health_token(LibvirtHealthState state);

/// The value whose token is `token` ("" is Unknown); nullopt for any other text.
std::optional<LibvirtHealthState> libvirt_health_from_token(std::string_view token);

}  // namespace vme
