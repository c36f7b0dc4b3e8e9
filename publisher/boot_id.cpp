#include "publisher/boot_id.h"

#include <cstdio>
#include <random>

namespace vme::pub {

std::string make_boot_id() {
    std::random_device rd;
    std::string id;
    for (int i = 0; i < 4; ++i) {
        char buf[9];
        std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(rd()));
        id += buf;
    }
    return id;
}

}  // namespace vme::pub
