#include "subscriber/watch_screen.h"

#include <curses.h>
#include <langinfo.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <clocale>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <vector>

#include "common/sanitize.h"
#include "common/text_width.h"
#include "common/time.h"

namespace vme::sub {
namespace {

// Colour pairs.
enum Pair : short { kGreen = 1, kRed, kYellow, kCyan, kBlue };

/// Lines above the list (3 header lines, the column titles) and below it
/// (message line, footer).
constexpr std::size_t kHeaderLines = 4;
constexpr std::size_t kFooterLines = 2;

/// UTF-8 (valid, as sanitize() makes it) as wide characters for ncurses.
std::wstring widen(std::string_view utf8) {
    std::wstring out;
    out.reserve(utf8.size());
    for (std::size_t pos = 0; pos < utf8.size();) {
        const Utf8Char c = decode_utf8(utf8, pos);
        out += static_cast<wchar_t>(c.length == 0 ? U'\uFFFD' : c.code_point);
        pos += c.length == 0 ? 1 : c.length;
    }
    return out;
}

/// Display width of `untrusted` once sanitized, without building the
/// sanitized copy for plain printable ASCII (the common case, measured for
/// every row on every redraw).
std::size_t shown_width(std::string_view untrusted) {
    const bool plain = is_ascii(untrusted) && std::none_of(untrusted.begin(), untrusted.end(), [](char c) {
        return c < 0x20 || c == 0x7F || c == '\\';
    });
    return plain ? untrusted.size() : display_width(sanitize(untrusted));
}

/// Draws `text` (sanitized) at row y, column x, fitted and padded to `width`.
void put(std::size_t y, std::size_t x, std::size_t width, std::string_view text, attr_t attr = A_NORMAL,
         short pair = 0) {
    if (width == 0) return;
    attr_set(attr, pair, nullptr);
    std::wstring wide = widen(fit_pad(text, width));
    mvaddnwstr(static_cast<int>(y), static_cast<int>(x), wide.c_str(), static_cast<int>(wide.size()));
    attr_set(A_NORMAL, 0, nullptr);
}

/// Fills row y with spaces.
void blank(std::size_t y) {
    move(static_cast<int>(y), 0);
    clrtoeol();
}

/// The colour and attribute of a state token.
std::pair<attr_t, short> state_style(std::string_view state, bool color) {
    if (state == "crashed") return {A_BOLD, color ? kRed : 0};
    if (!color) return {A_NORMAL, 0};
    if (state == "running") return {A_NORMAL, kGreen};
    if (state == "paused" || state == "pmsuspended") return {A_NORMAL, kYellow};
    if (state == "shutoff" || state == "shutdown") return {A_NORMAL, kRed};
    return {A_NORMAL, 0};
}

/// "3 running, 1 paused, ..." and the host counts, as the header's lines.
std::pair<std::string, std::string> count_lines(const FleetCounts& c) {
    std::string hosts = "hosts: " + std::to_string(c.hosts_online) + " online, " +
                        std::to_string(c.hosts_offline) + " offline";
    if (c.hosts_libvirt_unreachable > 0)
        hosts += ", " + std::to_string(c.hosts_libvirt_unreachable) + " libvirt unreachable";
    std::string vms = "VMs: " + std::to_string(c.running) + " running, " + std::to_string(c.paused) +
                      " paused, " + std::to_string(c.shutoff) + " shut off, " + std::to_string(c.crashed) +
                      " crashed, " + std::to_string(c.other) + " other";
    return {hosts, vms};
}

}  // namespace

std::string link_note(const WatchLink& link) {
    switch (link.phase) {
    case WatchLink::Phase::Connected: return "";
    case WatchLink::Phase::Connecting:
        return link.cause.empty() ? "connecting..." : "connecting... (" + link.cause + ")";
    case WatchLink::Phase::Lost:
        // The words first: a long cause is what the screen's width cuts.
        return link.cause.empty() ? "broker lost, reconnecting..." : "broker lost, reconnecting: " + link.cause;
    }
    return "";
}

namespace {

/// The top three lines: title, broker and time; host counts; VM counts.
void draw_header(Terminal& term, const FleetModel& model, const WatchInput& input, const WatchHeader& header) {
    const std::size_t cols = term.cols();
    const std::string time = local_time_from_ms(header.now_ms).substr(0, 19);
    const std::string note = link_note(header.link);
    const std::string title = "vm-sub --watch  " + header.broker + (note.empty() ? "" : "  " + note);
    const std::size_t time_w = std::min(cols, time.size());
    put(0, 0, cols > time_w + 1 ? cols - time_w - 1 : 0, title, A_BOLD);
    put(0, cols - time_w, time_w, time);
    auto [hosts, vms] = count_lines(model.counts());
    // An empty fleet while no broker answers is not "no VMs": say which it is.
    if (header.link.phase == WatchLink::Phase::Connecting && model.counts().hosts_online == 0 &&
        model.counts().hosts_offline == 0)
        hosts = "hosts: none known yet: not connected to the broker";
    put(1, 0, cols, hosts);
    std::string right = "sort: " + std::string(sort_name(input.sort()));
    if (!input.filter().empty()) right += "  filter: " + sanitize(input.filter());
    const std::size_t right_w = std::min(display_width(right), cols / 2);
    put(2, 0, cols > right_w + 2 ? cols - right_w - 2 : 0, vms);
    put(2, cols - right_w, right_w, right);
}

/// One list row.
void draw_row(std::size_t y, const ColumnWidths& w, const VmRow& r, const FleetModel& model,
              const WatchHeader& header, bool selected, bool color) {
    const HostRow* host = model.host(r.host);
    const bool offline = host && !host->online;
    const bool no_libvirt = host && host->online && host->libvirt == LibvirtHealthState::Unreachable;
    const bool fresh = r.changed_ms >= 0 && header.now_ms - r.changed_ms < kHighlightMs;
    attr_t base = selected ? A_REVERSE : A_NORMAL;
    if (offline || no_libvirt) base |= A_DIM;
    if (fresh && !offline) base |= A_BOLD;
    const std::string mark = offline ? "X" : no_libvirt ? "!" : fresh ? "*" : " ";
    std::string last = sanitize(r.last_event);
    if (offline) {
        last = "host offline" +
               (host->offline_since_ms >= 0 ? " " + format_age(header.now_ms - host->offline_since_ms) : "");
    } else if (no_libvirt) {
        last = "libvirt unreachable";
    }
    const std::string age = r.since_ms < 0 ? "-" : format_age(header.now_ms - r.since_ms);
    auto [state_attr, state_pair] = state_style(r.state, color && !offline);
    std::size_t x = 0;
    int cells_left = 7;
    auto cell = [&](std::size_t width, std::string_view text, attr_t attr = A_NORMAL, short pair = 0) {
        put(y, x, width, text, base | attr, pair);
        x += width;
        if (--cells_left > 0) {
            put(y, x, 2, "", base);  // the gap, reversed too on the selected row
            x += 2;
        }
    };
    cell(w.mark, mark, offline && color ? A_NORMAL : A_BOLD, offline && color ? kRed : 0);
    cell(w.host, sanitize(r.host));
    cell(w.vm, sanitize(r.name), A_BOLD);
    cell(w.state, sanitize(r.state.empty() ? "?" : r.state), state_attr, state_pair);
    cell(w.reason, sanitize(r.reason));
    cell(w.age, age);
    cell(w.last, last);
}

/// The list view: column titles, rows, and what the keys need.
DrawnList draw_list(Terminal& term, const FleetModel& model, WatchInput& input, const WatchHeader& header) {
    const std::size_t rows_avail = term.rows() > kHeaderLines + kFooterLines ? term.rows() - kHeaderLines - kFooterLines : 0;
    std::vector<const VmRow*> rows = model.rows(input.sort(), input.filter());
    input.clamp(rows.size(), rows_avail);
    std::size_t widest_host = 4, widest_vm = 2;
    for (const VmRow* r : rows) {
        widest_host = std::max(widest_host, shown_width(r->host));
        widest_vm = std::max(widest_vm, shown_width(r->name));
    }
    const ColumnWidths w = layout_columns(term.cols(), widest_host, widest_vm);
    std::size_t x = 0;
    for (auto [width, title] : {std::pair<std::size_t, const char*>{w.mark, ""}, {w.host, "HOST"}, {w.vm, "VM"},
                                {w.state, "STATE"}, {w.reason, "REASON"}, {w.age, "AGE"}, {w.last, "LAST EVENT"}}) {
        put(3, x, std::min(width + 2, term.cols() - std::min(x, term.cols())), title, A_REVERSE);
        x += width + 2;
    }
    if (x < term.cols()) put(3, x, term.cols() - x, "", A_REVERSE);
    DrawnList drawn;
    drawn.row_count = rows.size();
    drawn.page = std::max<std::size_t>(rows_avail, 1);
    for (std::size_t i = 0; i < rows_avail; ++i) {
        const std::size_t index = input.top() + i;
        const std::size_t y = kHeaderLines + i;
        blank(y);
        if (index >= rows.size()) continue;
        const bool selected = index == input.selected();
        draw_row(y, w, *rows[index], model, header, selected, term.color());
        if (selected) drawn.selected.emplace(rows[index]->host, rows[index]->name);
    }
    if (rows.empty() && rows_avail > 0) {
        put(kHeaderLines, 2, term.cols() > 2 ? term.cols() - 2 : 0,
            model.size() == 0 ? "no VM yet (waiting for retained states and events)"
                              : "no VM name matches the filter", A_DIM);
    }
    return drawn;
}

/// The detail view: one VM and the events this vm-sub received for it.
void draw_detail(Terminal& term, const FleetModel& model, const WatchInput& input, const WatchHeader& header,
                 const std::optional<std::pair<std::string, std::string>>& detail) {
    const std::size_t cols = term.cols();
    const std::size_t last_line = term.rows() > kFooterLines ? term.rows() - kFooterLines : 0;
    for (std::size_t y = 3; y < last_line; ++y) blank(y);
    const VmRow* r = detail ? model.find(detail->first, detail->second) : nullptr;
    if (!r) {
        put(3, 0, cols, detail ? "VM " + sanitize(detail->second) + " on " + sanitize(detail->first) +
                                     ": no longer defined"
                               : "no VM selected", A_BOLD);
        return;
    }
    std::string title = "VM " + sanitize(r->name) + " on " + sanitize(r->host) + ": " + sanitize(r->state);
    if (!r->reason.empty()) title += " (" + sanitize(r->reason) + ")";
    if (r->since_ms >= 0) title += " for " + format_age(header.now_ms - r->since_ms);
    if (r->id >= 0) title += ", id " + std::to_string(r->id);
    put(3, 0, cols, title, A_BOLD);
    put(4, 0, cols, "Recent events received by this vm-sub, newest first:", A_REVERSE);
    if (r->recent.empty()) put(5, 2, cols > 2 ? cols - 2 : 0, "none yet", A_DIM);
    std::size_t y = 5;
    for (std::size_t i = input.top(); i < r->recent.size() && y < last_line; ++i, ++y) {
        const RecentEvent& e = r->recent[i];
        const std::string when = local_time_ms(e.time);  // sanitized when unparsable
        const std::string line = when + "  " + fit_pad(sanitize(e.kind), 10) + "  " + sanitize(e.text);
        put(y, 0, cols, line);
    }
}

/// The key help.
void draw_help(Terminal& term) {
    static constexpr const char* kLines[] = {
        "Keys",
        "",
        "  q, Ctrl-C          quit",
        "  Up, Down           move the selection",
        "  PgUp, PgDn         a screen up or down",
        "  Home, End          first or last VM",
        "  s                  sort by host+name, name, state, age (cycles)",
        "  /                  filter VM names with a glob (Enter keeps, Esc clears)",
        "  Enter              the selected VM's recent events (Esc goes back)",
        "  ?                  this help",
        "",
        "Marks: * changed in the last seconds, X host offline, ! libvirt unreachable",
    };
    const std::size_t last_line = term.rows() > kFooterLines ? term.rows() - kFooterLines : 0;
    std::size_t y = 3;
    for (const char* line : kLines) {
        if (y >= last_line) break;
        blank(y);
        put(y, 0, term.cols(), line, y == 3 ? A_BOLD : A_NORMAL);
        ++y;
    }
    while (y < last_line) blank(y++);
}

}  // namespace

ColumnWidths layout_columns(std::size_t width, std::size_t widest_host, std::size_t widest_vm) {
    ColumnWidths w;
    const std::size_t fixed = w.mark + w.state + w.reason + w.age + 6 * 2;
    const std::size_t room = width > fixed ? width - fixed : 0;
    // Host and VM get up to a fourth and two fifths of the room, the rest
    // goes to the last event.
    w.host = std::min(std::max<std::size_t>(widest_host, 4), std::max<std::size_t>(room / 4, 4));
    w.vm = std::min(std::max<std::size_t>(widest_vm, 4), std::max<std::size_t>(room * 2 / 5, 4));
    w.last = room > w.host + w.vm ? room - w.host - w.vm : 0;
    return w;
}

Result<std::unique_ptr<Terminal>> Terminal::open(bool color) {
    // ncursesw draws UTF-8 only in a UTF-8 locale; C.UTF-8 always exists on Debian.
    std::setlocale(LC_CTYPE, "");
    if (std::strcmp(nl_langinfo(CODESET), "UTF-8") != 0) std::setlocale(LC_CTYPE, "C.UTF-8");
    std::unique_ptr<Terminal> term(new Terminal());
    SCREEN* screen = newterm(nullptr, stdout, stdin);
    if (!screen) return Error{"cannot set up the terminal (is TERM right?)"};
    term->screen_ = screen;
    term->open_ = true;
    set_term(screen);
    cbreak();      // keys at once; Ctrl-C still raises SIGINT
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    if (color && has_colors()) {
        start_color();
        use_default_colors();
        init_pair(kGreen, COLOR_GREEN, -1);
        init_pair(kRed, COLOR_RED, -1);
        init_pair(kYellow, COLOR_YELLOW, -1);
        init_pair(kCyan, COLOR_CYAN, -1);
        init_pair(kBlue, COLOR_BLUE, -1);
        term->color_ = true;
    }
    return term;
}

Terminal::~Terminal() {
    close();
    if (screen_) delscreen(static_cast<SCREEN*>(screen_));
}

void Terminal::close() {
    if (!open_) return;
    open_ = false;
    curs_set(1);
    endwin();
    std::fflush(stdout);
}

void Terminal::resize() {
    winsize ws{};
    if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
        resize_term(ws.ws_row, ws.ws_col);
    clearok(curscr, TRUE);
}

std::optional<Key> Terminal::read_key() {
    wint_t ch = 0;
    const int kind = wget_wch(stdscr, &ch);
    if (kind == ERR) return std::nullopt;
    if (kind == KEY_CODE_YES) {
        switch (ch) {
        case KEY_UP: return Key::of(Key::Kind::Up);
        case KEY_DOWN: return Key::of(Key::Kind::Down);
        case KEY_PPAGE: return Key::of(Key::Kind::PageUp);
        case KEY_NPAGE: return Key::of(Key::Kind::PageDown);
        case KEY_HOME: return Key::of(Key::Kind::Home);
        case KEY_END: return Key::of(Key::Kind::End);
        case KEY_ENTER: return Key::of(Key::Kind::Enter);
        case KEY_BACKSPACE: return Key::of(Key::Kind::Backspace);
        default: return Key::of(Key::Kind::Other);
        }
    }
    switch (ch) {
    case L'\n':
    case L'\r': return Key::of(Key::Kind::Enter);
    case 27: return Key::of(Key::Kind::Escape);
    case 127:
    case 8: return Key::of(Key::Kind::Backspace);
    default: return Key::character(static_cast<char32_t>(ch));
    }
}

std::size_t Terminal::rows() const { return static_cast<std::size_t>(std::max(LINES, 0)); }
std::size_t Terminal::cols() const { return static_cast<std::size_t>(std::max(COLS, 0)); }

DrawnList draw_watch(Terminal& term, const FleetModel& model, WatchInput& input, const WatchHeader& header,
                     const std::optional<std::pair<std::string, std::string>>& detail) {
    erase();
    DrawnList drawn;
    if (term.rows() < kHeaderLines + kFooterLines + 1 || term.cols() < 40) {
        put(0, 0, term.cols(), "terminal too small for vm-sub --watch (40x7 at least)");
        refresh();
        return drawn;
    }
    draw_header(term, model, input, header);
    switch (input.view()) {
    case WatchView::List:
    case WatchView::FilterEdit: drawn = draw_list(term, model, input, header); break;
    case WatchView::Detail: draw_detail(term, model, input, header, detail); break;
    case WatchView::Help: draw_help(term); break;
    }
    const std::size_t rows = term.rows();
    if (input.view() == WatchView::FilterEdit) {
        put(rows - 2, 0, term.cols(), "filter: " + sanitize(input.filter()) + "_", A_BOLD);
    } else if (!header.message.empty()) {
        put(rows - 2, 0, term.cols(), header.message, A_DIM);
    }
    put(rows - 1, 0, term.cols(), input.footer(), A_REVERSE);
    refresh();
    return drawn;
}

}  // namespace vme::sub
