// What a tool's option parsing decided: run with the options, or exit now
// with a status after writing text to stdout and stderr. Both tools share it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "io/cli_error.h"

namespace vme::io {

/// The exit status of a rejected command line (both tools).
inline constexpr int kUsageExitCode = 2;

/// Run with `options`, or (options empty) exit with `exit_code` after
/// writing `out` to stdout (help, version) and `err` to stderr.
template <typename Options>
struct ParseOutcome {
    std::optional<Options> options;
    int exit_code = 0;
    std::string out;
    std::string err;  ///< one line "<tool>: <problem>\n" for usage errors

    /// Run with `o`.
    static ParseOutcome run(Options o) { return {std::move(o), 0, {}, {}}; }
    /// Exit 0 after writing `text` (help, version) to stdout.
    static ParseOutcome print(std::string text) { return {std::nullopt, 0, std::move(text), {}}; }
    /// Exit kUsageExitCode after the line usage_error_line(tool, why) and a newline on stderr.
    static ParseOutcome usage(std::string_view tool, std::string_view why) {
        return {std::nullopt, kUsageExitCode, {}, usage_error_line(tool, why) + "\n"};
    }
};

}  // namespace vme::io
