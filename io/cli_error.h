// The one-line usage error both tools print for a command line they
// reject: "<tool>: <why>", whatever CLI11's message looks like.
#pragma once

#include <string>
#include <string_view>

namespace vme::io {

/// "<tool>: <why>" on one line: newlines in `why` (CLI11's messages may
/// have several lines) become spaces, trailing blanks go. No newline at
/// the end.
inline std::string usage_error_line(std::string_view tool, std::string_view why) {
    std::string line = std::string(tool).append(": ").append(why);
    for (char& c : line)
        if (c == '\n' || c == '\r') c = ' ';
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line;
}

}  // namespace vme::io
