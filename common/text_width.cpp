#include "common/text_width.h"

#include "common/sanitize.h"

namespace vme {

std::string fit_width(std::string_view value, std::size_t cap) {
    if (display_width(value) <= cap) return std::string(value);
    if (cap == 0) return {};
    std::string out;
    std::size_t width = 0;
    for (std::size_t pos = 0; pos < value.size();) {
        const Utf8Char c = decode_utf8(value, pos);
        const std::size_t len = c.length == 0 ? 1 : c.length;
        const std::string_view piece = value.substr(pos, len);
        const std::size_t w = display_width(piece);
        if (width + w > cap - 1) break;  // one column is kept for '…'
        out += piece;
        width += w;
        pos += len;
    }
    return out + "…";
}

std::string fit_pad(std::string_view value, std::size_t width) {
    std::string out = fit_width(value, width);
    const std::size_t w = display_width(out);
    if (w < width) out.append(width - w, ' ');
    return out;
}

}  // namespace vme
