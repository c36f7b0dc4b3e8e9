// The libvirt health of a host status: the token table read both ways.
#include "libvirt_health.h"

namespace vme {

std::string_view libvirt_health_token(LibvirtHealthState state) {
    for (const auto& [value, token] : kLibvirtHealthTokens)
        if (value == state) return token;
    return {};
}

std::optional<LibvirtHealthState> libvirt_health_from_token(std::string_view token) {
    for (const auto& [value, word] : kLibvirtHealthTokens)
        if (word == token) return value;
    return std::nullopt;
}

}  // namespace vme
