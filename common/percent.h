// Percent-encoding ("%XX", upper-case hex) of bytes, and its decoding.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vme {

/// Appends "%XX" (upper-case hex) for every byte of `bytes` to `out`.
void append_percent_encoded(std::string& out, std::string_view bytes);

/// `raw` with every byte for which keep() is false written as `marker`
/// and its two upper-case hex digits ("%2F" with the default marker);
/// kept bytes are copied as they are.
std::string percent_encode(std::string_view raw, bool (*keep)(unsigned char), char marker = '%');

/// `text` with every "%XX" (hex of either case) decoded into its byte;
/// nullopt when a '%' is not followed by two hex digits. Any other byte
/// is copied as it is.
std::optional<std::string> percent_decode(std::string_view text);

}  // namespace vme
