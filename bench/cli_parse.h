// The command-line parse the bench tools share: help and version to
// stdout with status 0, a usage error as one "PROGRAM: why" line with 2.
#pragma once

#include <cstdio>
#include <optional>

#include <CLI/CLI.hpp>

namespace bench {

/// Parses argv into `app`. nullopt: go on; otherwise the exit status to
/// return at once (help printed, or the usage error reported).
inline std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv, const char* program) {
    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "%s: %s\n", program, e.what());
        return 2;
    }
    return std::nullopt;
}

}  // namespace bench
