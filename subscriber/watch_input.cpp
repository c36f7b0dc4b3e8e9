#include "subscriber/watch_input.h"

#include <algorithm>

#include "common/sanitize.h"

namespace vme::sub {
namespace {

/// Drops the last UTF-8 character of `s`.
void pop_utf8(std::string& s) {
    while (!s.empty()) {
        const auto b = static_cast<unsigned char>(s.back());
        s.pop_back();
        if ((b & 0xC0) != 0x80) break;  // not a continuation byte: a whole character went
    }
}

}  // namespace

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

KeyAction WatchInput::press(Key key, std::size_t row_count, std::size_t page) {
    switch (view_) {
    case WatchView::List: return press_list(key, row_count, page);
    case WatchView::FilterEdit: return press_filter(key, row_count, page);
    case WatchView::Detail: return press_detail(key, page);
    case WatchView::Help:
        if (key.kind == Key::Kind::Char && key.ch == 'q') return KeyAction::Quit;
        view_ = WatchView::List;  // any other key goes back
        return KeyAction::Redraw;
    }
    return KeyAction::None;
}

KeyAction WatchInput::press_list(Key key, std::size_t row_count, std::size_t page) {
    const long step = static_cast<long>(std::max<std::size_t>(page, 1));
    switch (key.kind) {
    case Key::Kind::Up: return move(-1, row_count, page);
    case Key::Kind::Down: return move(1, row_count, page);
    case Key::Kind::PageUp: return move(-step, row_count, page);
    case Key::Kind::PageDown: return move(step, row_count, page);
    case Key::Kind::Home: return move(-static_cast<long>(row_count), row_count, page);
    case Key::Kind::End: return move(static_cast<long>(row_count), row_count, page);
    case Key::Kind::Enter:
        if (row_count == 0) return KeyAction::None;
        view_ = WatchView::Detail;
        detail_top_ = 0;
        return KeyAction::OpenDetail;
    case Key::Kind::Escape:
        if (filter_.empty()) return KeyAction::None;
        filter_.clear();
        return KeyAction::Redraw;
    case Key::Kind::Char:
        switch (key.ch) {
        case 'q': return KeyAction::Quit;
        case 's': sort_ = next_sort(sort_); return KeyAction::Redraw;
        case '/': view_ = WatchView::FilterEdit; return KeyAction::Redraw;
        case '?': view_ = WatchView::Help; return KeyAction::Redraw;
        default: return KeyAction::None;
        }
    default: return KeyAction::None;
    }
}

KeyAction WatchInput::press_filter(Key key, std::size_t row_count, std::size_t page) {
    switch (key.kind) {
    case Key::Kind::Escape:
        filter_.clear();
        view_ = WatchView::List;
        break;
    case Key::Kind::Enter: view_ = WatchView::List; break;
    case Key::Kind::Backspace: pop_utf8(filter_); break;
    case Key::Kind::Char:
        // Printable characters only: the filter is shown on the screen.
        if (key.ch < 0x20 || key.ch == 0x7F || (key.ch >= 0x80 && key.ch < 0xA0) || key.ch > 0x10FFFF)
            return KeyAction::None;
        if (filter_.size() < 256) append_utf8(filter_, key.ch);
        break;
    default: return KeyAction::None;
    }
    // The list under the filter changes as it is typed: start at its top.
    selected_ = 0;
    top_ = 0;
    clamp(row_count, page);
    return KeyAction::Redraw;
}

KeyAction WatchInput::press_detail(Key key, std::size_t page) {
    switch (key.kind) {
    case Key::Kind::Escape: view_ = WatchView::List; return KeyAction::Redraw;
    case Key::Kind::Up:
        if (detail_top_ == 0) return KeyAction::None;
        --detail_top_;
        return KeyAction::Redraw;
    case Key::Kind::Down:
        if (detail_top_ + 1 >= FleetModel::kRecentEvents) return KeyAction::None;
        ++detail_top_;
        return KeyAction::Redraw;
    case Key::Kind::Home: detail_top_ = 0; return KeyAction::Redraw;
    case Key::Kind::Char:
        if (key.ch == 'q') return KeyAction::Quit;
        if (key.ch == '?') { view_ = WatchView::Help; return KeyAction::Redraw; }
        return KeyAction::None;
    default: (void)page; return KeyAction::None;
    }
}

KeyAction WatchInput::move(long delta, std::size_t row_count, std::size_t page) {
    if (row_count == 0) return KeyAction::None;
    const long last = static_cast<long>(row_count) - 1;
    const long target = std::clamp(static_cast<long>(selected_) + delta, 0L, last);
    if (target == static_cast<long>(selected_)) return KeyAction::None;
    selected_ = static_cast<std::size_t>(target);
    clamp(row_count, page);
    return KeyAction::Redraw;
}

void WatchInput::clamp(std::size_t row_count, std::size_t page) {
    if (row_count == 0) {
        selected_ = top_ = 0;
        return;
    }
    selected_ = std::min(selected_, row_count - 1);
    page = std::max<std::size_t>(page, 1);
    if (selected_ < top_) top_ = selected_;
    if (selected_ >= top_ + page) top_ = selected_ + 1 - page;
    // No empty space below the last row when the list could fill the page.
    if (top_ + page > row_count) top_ = row_count > page ? row_count - page : 0;
}

std::string WatchInput::footer() const {
    switch (view_) {
    case WatchView::List:
        // 77 columns at most: it fits an 80-column terminal whole.
        return std::string("q quit  ↑↓ PgUp/Dn Home/End  s sort:") + std::string(sort_name(sort_)) +
               (filter_.empty() ? "  / filter" : "  / Esc filter") + "  Enter events  ? help";
    case WatchView::FilterEdit: return "type a glob over VM names  Enter keep  Esc clear  Backspace erase";
    case WatchView::Detail: return "Esc back  ↑↓ Home scroll  ? help  q quit";
    case WatchView::Help: return "any key back  q quit";
    }
    return {};
}

long long RedrawPacer::delay(long long now_ms) const {
    if (last_ms_ < 0) return 0;
    const long long due = last_ms_ + min_interval_ms_;
    return due > now_ms ? due - now_ms : 0;
}

}  // namespace vme::sub
