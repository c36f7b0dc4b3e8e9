// The classic libvirt-to-MQTT sample's text line, byte for byte.
#include "classic_text.h"

#include <algorithm>
#include <cstdio>

namespace vme {

std::string seed_text_line(const std::tm& local_time, int event_code, std::string_view name) {
    // The sample used snprintf with "%s"; the name is appended separately so
    // a name longer than any buffer is still copied whole.
    char head[160];  // 7 ints of at most 11 characters and 44 fixed ones
    const int n = std::snprintf(head, sizeof head, "%d/%d/%d %d:%d:%d event(%d) occurred in the domain = < ",
                                local_time.tm_year + 1900, local_time.tm_mon + 1, local_time.tm_mday,
                                local_time.tm_hour, local_time.tm_min, local_time.tm_sec, event_code);
    const auto length = std::clamp<int>(n, 0, static_cast<int>(sizeof head) - 1);
    std::string line(head, static_cast<std::size_t>(length));
    return line + std::string(name) + " >.\n";
}

}  // namespace vme
