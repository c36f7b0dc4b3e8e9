// The classic libvirt-to-MQTT sample's text line, byte for byte.
#pragma once

#include <ctime>
#include <string>
#include <string_view>

namespace vme {

/// The line of the classic libvirt-to-MQTT sample, byte for byte:
/// "YYYY/M/D h:m:s event(N) occurred in the domain = < NAME >.\n"
/// (local time, no zero padding), as that sample formatted it. The name is
/// copied raw: this is a wire format, sanitizing happens where it is shown.
std::string seed_text_line(const std::tm& local_time, int event_code, std::string_view name);

}  // namespace vme
