// --watch's terminal: ncurses set up and torn down in one RAII object
// (alternate screen, keys, colours), and the drawing of the fleet model in
// the four views. Every untrusted string is sanitized and fitted to its
// column by display width before it reaches ncurses.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "common/result.h"
#include "subscriber/fleet_model.h"
#include "subscriber/watch_input.h"

namespace vme::sub {

/// Widths of the list's columns, in terminal columns (two spaces between).
struct ColumnWidths {
    std::size_t mark = 1;   ///< '*' changed, 'X' host offline, '!' libvirt unreachable
    std::size_t host = 4;
    std::size_t vm = 4;
    std::size_t state = 9;
    std::size_t reason = 10;
    std::size_t age = 6;
    std::size_t last = 0;   ///< the last event: what is left
};

/// Splits `width` columns between the list's columns: state, reason and age
/// fixed, host and VM as wide as their widest value (`widest_host`,
/// `widest_vm`) up to a share of the room, the last event the rest. The
/// total never exceeds `width` (when `width` is at least 40).
ColumnWidths layout_columns(std::size_t width, std::size_t widest_host, std::size_t widest_vm);

/// Owns the terminal while --watch runs: newterm() on stdout/stdin in a
/// UTF-8 locale, the alternate screen, no echo, keypad keys, optional
/// colours. The destructor (and close()) restores the terminal.
class Terminal {
public:
    /// Error: the terminal could not be set up (unknown TERM, ...).
    static Result<std::unique_ptr<Terminal>> open(bool color);
    ~Terminal();
    Terminal(const Terminal&) = delete;
    Terminal& operator=(const Terminal&) = delete;

    /// Leaves the alternate screen and restores the modes; idempotent.
    void close();

    /// Takes the window size from the kernel (after SIGWINCH).
    void resize();

    /// The next key typed, or nullopt when none is waiting (never blocks).
    std::optional<Key> read_key();

    std::size_t rows() const;
    std::size_t cols() const;
    bool color() const { return color_; }

private:
    Terminal() = default;
    void* screen_ = nullptr;   ///< SCREEN*, kept opaque so callers need no curses.h
    bool color_ = false;
    bool open_ = false;
};

/// The broker connection, as the header shows it.
struct WatchLink {
    enum class Phase {
        Connecting,  ///< never connected in this run yet
        Connected,
        Lost,        ///< was connected, is not now
    };
    Phase phase = Phase::Connecting;
    std::string cause;  ///< the last failure's words (sanitized); may be empty
};

/// The header's words for `link`: "" when connected, else "connecting..." or
/// "broker lost, reconnecting", with the cause when there is one.
std::string link_note(const WatchLink& link);

/// What the header says besides the model.
struct WatchHeader {
    std::string broker;     ///< sanitized broker description
    long long now_ms = 0;   ///< wall clock, for the time shown and the ages
    std::string message;    ///< last diagnostic (sanitized), shown above the footer
    WatchLink link;
};

/// How the list was drawn: what the keys need next.
struct DrawnList {
    std::size_t row_count = 0;  ///< rows under the filter
    std::size_t page = 1;       ///< rows that fit on the screen
    std::optional<std::pair<std::string, std::string>> selected;  ///< host and VM of the selected row
};

/// How long a row stays highlighted after it changed.
inline constexpr long long kHighlightMs = 3000;

/// Draws the current view of `model` on `term`; keeps the selection of
/// `input` inside the list as it is now.
DrawnList draw_watch(Terminal& term, const FleetModel& model, WatchInput& input,
                     const WatchHeader& header,
                     const std::optional<std::pair<std::string, std::string>>& detail);

}  // namespace vme::sub
