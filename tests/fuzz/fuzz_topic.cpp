// libFuzzer target: topic parsing and segment escaping. For any bytes,
// escape_segment must give a segment that unescapes to the same bytes and
// parses back out of a built topic; parse_topic must never crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/topic.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    (void)vme::parse_topic("libvirt", input);
    (void)vme::unescape_segment(input);

    const std::string escaped = vme::escape_segment(input);
    if (escaped.find_first_of("/+#") != std::string::npos) std::abort();
    auto back = vme::unescape_segment(escaped);
    if (!back || *back != input) std::abort();
    if (input.empty()) return 0;
    auto parts = vme::parse_topic("libvirt", vme::state_topic("libvirt", "hv1", input));
    if (!parts || parts->vm != input || parts->host != "hv1") std::abort();
    return 0;
}
