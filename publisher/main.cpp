// vm-pub: every libvirt domain event to MQTT.
#include <cstdio>

#include "publisher/options.h"
#include "publisher/publisher.h"

int main(int argc, char** argv) {
    auto parsed = vme::pub::parse_options(argc, argv);
    if (!parsed.options) {
        std::fputs(parsed.message.c_str(), parsed.exit_code == 0 ? stdout : stderr);
        if (parsed.exit_code != 0) std::fputc('\n', stderr);
        return parsed.exit_code;
    }
    vme::pub::Publisher publisher(std::move(*parsed.options));
    return publisher.run();
}
