#include "publisher/libvirt_health.h"

namespace vme::pub {

bool LibvirtHealth::connected(std::string_view now) {
    error_.clear();
    if (state_ == State::Connected) return false;
    state_ = State::Connected;
    since_ = now;
    return true;
}

bool LibvirtHealth::unreachable(std::string_view why, std::string_view now) {
    if (state_ == State::Unreachable) return false;
    state_ = State::Unreachable;
    since_ = now;
    error_ = why;
    return true;
}

}  // namespace vme::pub
