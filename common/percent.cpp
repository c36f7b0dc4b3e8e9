// Percent-encoding ("%XX", upper-case hex) of bytes, and its decoding.
#include "percent.h"

#include "hex.h"

namespace vme {

void append_percent_encoded(std::string& out, std::string_view bytes) {
    for (const char ch : bytes) {
        out += '%';
        hex::append_byte(out, static_cast<unsigned char>(ch), hex::Case::kUpper);
    }
}

std::string percent_encode(std::string_view raw, bool (*keep)(unsigned char), char marker) {
    std::string out;
    out.reserve(raw.size());
    for (const char ch : raw) {
        const auto b = static_cast<unsigned char>(ch);
        if (keep(b)) {
            out += ch;
            continue;
        }
        out += marker;
        hex::append_byte(out, b, hex::Case::kUpper);
    }
    return out;
}

std::optional<std::string> percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        const int hi = i + 1 < text.size() ? hex::value(text[i + 1]) : -1;
        const int lo = i + 2 < text.size() ? hex::value(text[i + 2]) : -1;
        if (hi < 0 || lo < 0) return std::nullopt;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return out;
}

}  // namespace vme
