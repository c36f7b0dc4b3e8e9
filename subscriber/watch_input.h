// --watch's keyboard: a state machine over four views (the list, editing
// the name filter, one VM's recent events, the key help), plus the pacing
// of redraws. Pure: keys and times come in as values.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "subscriber/fleet_model.h"

namespace vme::sub {

/// What is on the screen.
enum class WatchView { List, FilterEdit, Detail, Help };

/// A key, as the terminal library reported it.
struct Key {
    enum class Kind { Char, Up, Down, PageUp, PageDown, Home, End, Enter, Escape, Backspace, Other };
    Kind kind = Kind::Other;
    char32_t ch = 0;   ///< the character, for Kind::Char

    static Key character(char32_t c) { return Key{Kind::Char, c}; }
    static Key of(Kind k) { return Key{k, 0}; }
};

/// What the caller does after a key.
enum class KeyAction {
    None,        ///< nothing changed
    Redraw,      ///< the view changed: draw it
    OpenDetail,  ///< remember the selected row (its host and VM), then draw the detail view
    Quit,        ///< end with exit status 0
};

class WatchInput {
public:
    /// Handles one key. `row_count` is how many rows the list shows now and
    /// `page` how many fit on the screen (both as drawn last).
    KeyAction press(Key key, std::size_t row_count, std::size_t page);

    WatchView view() const { return view_; }
    SortOrder sort() const { return sort_; }
    /// The glob over VM names ("" = none); while editing, what is typed so far.
    const std::string& filter() const { return filter_; }
    /// Index of the selected row in the list as drawn.
    std::size_t selected() const { return selected_; }
    /// Index of the first row drawn (list), or first line (detail).
    std::size_t top() const { return view_ == WatchView::Detail ? detail_top_ : top_; }

    /// Keeps the selection inside `row_count` rows and visible in `page`
    /// rows (the list shrank, the filter changed, or the screen was resized).
    void clamp(std::size_t row_count, std::size_t page);

    /// The keys that apply in the current view, for the footer.
    std::string footer() const;

private:
    KeyAction press_list(Key key, std::size_t row_count, std::size_t page);
    KeyAction press_filter(Key key, std::size_t row_count, std::size_t page);
    KeyAction press_detail(Key key, std::size_t page);
    /// Moves the list selection by `delta` rows (clamped).
    KeyAction move(long delta, std::size_t row_count, std::size_t page);

    WatchView view_ = WatchView::List;
    SortOrder sort_ = SortOrder::HostName;
    std::string filter_;
    std::size_t selected_ = 0;
    std::size_t top_ = 0;
    std::size_t detail_top_ = 0;
};

/// Decides when to redraw: at once when the last redraw is at least
/// `min_interval_ms` old, else when it will be; so a storm of changes costs
/// at most 1000/min_interval_ms redraws a second and a lone change waits
/// no longer than min_interval_ms.
class RedrawPacer {
public:
    explicit RedrawPacer(long long min_interval_ms) : min_interval_ms_(min_interval_ms) {}

    /// How long from `now_ms` until the next redraw may happen (0: now).
    long long delay(long long now_ms) const;

    /// A redraw happened at `now_ms`.
    void drawn(long long now_ms) { last_ms_ = now_ms; }

private:
    long long min_interval_ms_;
    long long last_ms_ = -1;
};

/// Appends the UTF-8 encoding of `cp` to `out`.
void append_utf8(std::string& out, char32_t cp);

}  // namespace vme::sub
