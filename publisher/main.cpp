// vm-pub: every libvirt domain event to MQTT.
#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <system_error>

#include "publisher/options.h"
#include "publisher/publisher.h"

namespace {

/// Exit status when an exception escapes the run (man/vm-pub.1, EXIT STATUS).
constexpr int kExitInternal = 1;

int fail(const std::string& what, const char* why) {
    std::fprintf(stderr, "vm-pub: %s: %s\n", what.c_str(), why);
    return kExitInternal;
}

int run(int argc, char** argv) {
    auto parsed = vme::pub::parse_options(argc, argv);
    if (!parsed.options) {
        std::fputs(parsed.out.c_str(), stdout);
        std::fputs(parsed.err.c_str(), stderr);
        return parsed.exit_code;
    }
    vme::pub::Publisher publisher(std::move(*parsed.options));
    return publisher.run();
}

}  // namespace

int main(int argc, char** argv) {
    // Nothing may end in std::terminate: whatever escapes is one line.
    try {
        return run(argc, argv);
    } catch (const std::bad_alloc& e) {
        return fail("out of memory", e.what());
    } catch (const std::system_error& e) {
        return fail("system error", e.what());
    } catch (const std::exception& e) {
        return fail("internal error", e.what());
    } catch (...) {
        return fail("internal error", "unknown exception");
    }
}
