// The human format of vm-sub: aligned, optionally coloured lines for people.
#include "format.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "sanitize.h"
#include "text_width.h"
#include "time.h"

namespace vme {

namespace {

constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kDim = "2";
constexpr std::string_view kBold = "1";
constexpr std::string_view kRed = "31";
constexpr std::string_view kBoldRed = "1;31";
constexpr std::string_view kGreen = "32";
constexpr std::string_view kYellow = "33";
constexpr std::string_view kBlue = "34";
constexpr std::string_view kCyan = "36";

/// The SGR colour of a lifecycle event token.
std::string_view lifecycle_color(std::string_view event) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kColors = {{
        {"started", kGreen},      {"resumed", kGreen},      {"stopped", kRed},
        {"shutdown", kRed},       {"undefined", kRed},      {"crashed", kBoldRed},
        {"suspended", kYellow},   {"pmsuspended", kYellow}, {"defined", kCyan},
    }};
    for (const auto& [token, color] : kColors)
        if (token == event) return color;
    return kDim;
}

/// The SGR colour of an event: by lifecycle token, blue for other kinds.
std::string_view event_color(const Event& event) {
    if (event.kind != "lifecycle") return kBlue;
    return lifecycle_color(event.event);
}

/// Lower-case ASCII copy of `s` with '-' and '_' as spaces, so the detail
/// token "change-missing-on-start" is found in "Change missing on start".
std::string folded(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c == '-' || c == '_') c = ' ';
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

/// The text column of an event (raw; sanitized by the caller): the virsh
/// text, plus the detail token when it tells something the text does not.
std::string event_text(const Event& event) {
    std::string text = event.text.empty() ? event.event : event.text;
    const bool adds = !event.detail.empty() && event.kind != "lifecycle" &&
                      folded(text).find(folded(event.detail)) == std::string::npos;
    if (adds) text += text.empty() ? event.detail : " (" + event.detail + ")";
    return text;
}

/// The raw-line payload without the classic sample's "\n\0" tail.
std::string_view strip_tail(std::string_view payload) {
    if (!payload.empty() && payload.back() == '\0') payload.remove_suffix(1);
    if (!payload.empty() && payload.back() == '\n') payload.remove_suffix(1);
    return payload;
}

/// The "(vm-pub 0.1.0, 3 dropped)" part of a status line (raw), or "".
std::string status_note(const HostStatus& status) {
    std::string note = status.version.empty() ? "" : "vm-pub " + status.version;
    if (status.dropped > 0)
        note += (note.empty() ? "" : ", ") + std::to_string(status.dropped) + " dropped";
    if (status.online && status.libvirt == LibvirtHealthState::Unreachable)
        note += (note.empty() ? "" : ", ") + std::string("libvirt unreachable") +
                (status.libvirt_error.empty() ? "" : ": " + status.libvirt_error);
    return note.empty() ? note : "(" + note + ")";
}

}  // namespace

std::string HumanFormatter::pad(std::string_view value, std::size_t& width) {
    std::string out = fit_width(value, kMaxColumnWidth);
    const std::size_t w = display_width(out);
    width = std::max(width, w);
    out.append(width - w, ' ');
    return out;
}

std::string HumanFormatter::paint(std::string_view sgr, std::string_view text) const {
    std::string out;
    append_painted(out, sgr, text);
    return out;
}

void HumanFormatter::append_painted(std::string& line, std::string_view sgr, std::string_view text) const {
    if (!style_.color) {
        line += text;
        return;
    }
    line.append("\x1b[").append(sgr).append("m").append(text).append(kReset);
}

std::string HumanFormatter::local_time(std::string_view iso_utc) {
    constexpr std::size_t kSecond = 19;  // "YYYY-MM-DDThh:mm:ss"
    std::optional<int> ms;
    if (!utc_second_.empty() && iso_utc.substr(0, kSecond) == utc_second_ &&
        (ms = ms_from_fraction_and_zone(iso_utc.substr(kSecond)))) {
        // The same second as local_time_ms() rendered last time, so the
        // same text but for the milliseconds.
        const char tail[] = {'.', char('0' + *ms / 100), char('0' + *ms / 10 % 10), char('0' + *ms % 10)};
        return std::string(local_second_).append(tail, sizeof tail);
    }
    std::string shown = local_time_ms(iso_utc);
    if (ms_from_iso_utc(iso_utc) && shown.size() > sizeof ".mmm" - 1) {
        utc_second_ = iso_utc.substr(0, kSecond);
        local_second_ = shown.substr(0, shown.size() - (sizeof ".mmm" - 1));
    }
    return shown;
}

std::string HumanFormatter::finish(std::string line) const {
    if (style_.color && !line.ends_with(kReset)) line += kReset;
    return line;
}

std::string HumanFormatter::event_line(const Event& event) {
    const std::string_view color = event_color(event);
    std::string line;
    line.reserve(160);
    append_painted(line, kDim, local_time(event.time));
    line += "  ";
    line += pad(sanitize(event.host), host_width_);
    line += "  ";
    append_painted(line, kBold, pad(sanitize(event.domain.name), vm_width_));
    line += "  ";
    append_painted(line, color, pad(sanitize(event.kind), kind_width_));
    line += "  ";
    append_painted(line, color, sanitize(event_text(event)));
    if (event.synthetic) {
        line += "  ";
        append_painted(line, kDim, "(synthetic)");
    }
    return finish(std::move(line));
}

std::string HumanFormatter::status_line(const HostStatus& status, long long now_ms) {
    const std::string time = status.time.empty() ? local_time_from_ms(now_ms) : local_time_ms(status.time);
    std::string line = paint(kDim, time) + "  " + pad(sanitize(status.host), host_width_) +
                       "  " +
                       paint(status.online ? kGreen : kRed,
                             status.online ? "host online" : "host offline");
    const std::string note = status_note(status);
    if (!note.empty()) line += "  " + paint(kDim, sanitize(note));
    return finish(std::move(line));
}

std::string HumanFormatter::libvirt_line(const HostStatus& status, long long now_ms) {
    const std::string time = status.time.empty() ? local_time_from_ms(now_ms) : local_time_ms(status.time);
    const bool up = status.libvirt == LibvirtHealthState::Connected;
    std::string line = paint(kDim, time) + "  " + pad(sanitize(status.host), host_width_) + "  " +
                       paint(up ? kGreen : kRed, up ? "libvirt connected" : "libvirt unreachable");
    if (!up && !status.libvirt_error.empty()) line += "  " + paint(kDim, "(" + sanitize(status.libvirt_error) + ")");
    return finish(std::move(line));
}

std::string HumanFormatter::raw_line(std::string_view topic, std::string_view payload, long long now_ms) {
    return finish(paint(kDim, local_time_from_ms(now_ms)) + "  " + paint(kBlue, sanitize(topic)) + "  " +
                  sanitize(strip_tail(payload)));
}

}  // namespace vme
