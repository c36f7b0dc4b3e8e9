#include "subscriber/watch_mode.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>

#include "common/sanitize.h"
#include "common/time.h"

namespace vme::sub {
namespace {

/// Wall-clock milliseconds since the epoch (ages are measured against the
/// publishers' UTC times).
long long wall_ms() { return now_ms(); }

/// Steady milliseconds, for pacing redraws.
long long steady_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

std::string watch_refusal(bool stdout_is_terminal) {
    if (stdout_is_terminal) return {};
    return "--watch needs a terminal on standard output (for a pipe or a file use --list or -o json)";
}

/// While the screen is up, stderr (fd 2) is a non-blocking pipe read by the
/// event loop: diagnostics become the message line instead of scribbling
/// over the screen, and the last ones are written to the real stderr when
/// the screen is gone.
class WatchMode::StderrCapture {
public:
    /// Error: the pipe or the descriptor juggling failed (nothing changed then).
    static Result<std::unique_ptr<StderrCapture>> open() {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return Error{std::string("pipe: ") + std::strerror(errno)};
        const int saved = ::fcntl(2, F_DUPFD_CLOEXEC, 3);
        if (saved < 0 || ::dup2(fds[1], 2) < 0) {
            const std::string why = std::strerror(errno);
            ::close(fds[0]);
            ::close(fds[1]);
            if (saved >= 0) ::close(saved);
            return Error{"cannot redirect stderr: " + why};
        }
        ::close(fds[1]);
        return std::unique_ptr<StderrCapture>(new StderrCapture(fds[0], saved));
    }

    ~StderrCapture() { restore(); }

    int fd() const { return read_fd_; }

    /// Reads what is waiting; returns the last complete line ("" when none).
    std::string drain() {
        char buf[4096];
        std::string last;
        for (;;) {
            const ssize_t n = ::read(read_fd_, buf, sizeof buf);
            if (n <= 0) break;
            partial_.append(buf, static_cast<std::size_t>(n));
            std::size_t nl;
            while ((nl = partial_.find('\n')) != std::string::npos) {
                last = partial_.substr(0, nl);
                keep(last);
                partial_.erase(0, nl + 1);
            }
        }
        return last;
    }

    /// Puts the real stderr back and writes the lines kept.
    void restore() {
        if (saved_fd_ < 0) return;
        drain();
        ::dup2(saved_fd_, 2);
        ::close(saved_fd_);
        saved_fd_ = -1;
        ::close(read_fd_);
        read_fd_ = -1;
        for (const auto& line : kept_) {
            std::string text = line + "\n";
            [[maybe_unused]] ssize_t ignored = ::write(2, text.data(), text.size());
        }
    }

private:
    /// Lines written to the real stderr at the end, at most.
    static constexpr std::size_t kKept = 20;
    StderrCapture(int read_fd, int saved_fd) : read_fd_(read_fd), saved_fd_(saved_fd) {}
    void keep(const std::string& line) {
        kept_.push_back(line);
        if (kept_.size() > kKept) kept_.pop_front();
    }
    int read_fd_;
    int saved_fd_;
    std::string partial_;
    std::deque<std::string> kept_;
};

WatchMode::WatchMode(const Options& options, std::string broker, io::EventLoop& loop, Diagnostics& diag,
                     std::function<void()> quit)
    : options_(options),
      broker_(std::move(broker)),
      loop_(loop),
      diag_(diag),
      quit_(std::move(quit)),
      model_(options.filter) {}

WatchMode::~WatchMode() { close(); }

Status WatchMode::start() {
    auto term = Terminal::open(use_color(options_.color));
    if (!term) return term.error();
    term_ = std::move(*term);
    auto capture = StderrCapture::open();
    if (!capture) {
        term_->close();
        return capture.error();
    }
    stderr_ = std::move(*capture);
    loop_.watch(stderr_->fd(), POLLIN, [this](short) { on_stderr(); });
    if (::isatty(0) == 1) {
        loop_.watch(0, POLLIN, [this](short revents) {
            // The terminal went away (hang-up): nothing left to show to.
            if (revents & (POLLHUP | POLLERR | POLLNVAL)) {
                loop_.unwatch(0);
                return quit_();
            }
            on_keys();
        });
    }
    tick_timer_ = loop_.after(std::chrono::milliseconds(1000), [this] { tick(); });
    redraw();
    return Ok{};
}

void WatchMode::close() {
    if (!term_) return;
    loop_.cancel(redraw_timer_);
    loop_.cancel(tick_timer_);
    loop_.unwatch(0);
    term_->close();
    if (stderr_) {
        loop_.unwatch(stderr_->fd());
        stderr_->restore();
    }
    term_.reset();
    stderr_.reset();
}

void WatchMode::on_fleet_message(std::string_view topic, std::string_view payload, bool retained) {
    live_ = !retained;
    route_fleet_message(options_.prefix, topic, payload, diag_, *this);
}

void WatchMode::on_fleet_state(const std::string& host, const std::string& vm, const State* state) {
    if (state) model_.apply_state(*state, wall_ms(), live_);
    else model_.remove_vm(host, vm);
    schedule_redraw();
}

void WatchMode::on_fleet_status(const std::string& host, const HostStatus* status) {
    if (status) model_.apply_status(*status, wall_ms());
    else model_.remove_status(host);
    schedule_redraw();
}

void WatchMode::on_fleet_inventory(const std::string& host, const std::vector<InventoryEntry>* entries) {
    if (entries) model_.apply_inventory(host, *entries);
    schedule_redraw();
}

void WatchMode::on_event(const Event& event) {
    model_.apply_event(event, wall_ms());
    schedule_redraw();
}

void WatchMode::set_link(WatchLink link) {
    if (link.phase == link_.phase && link.cause == link_.cause) return;
    link_ = std::move(link);
    schedule_redraw();
}

void WatchMode::on_resize() {
    if (!term_) return;
    term_->resize();
    redraw();
}

void WatchMode::on_keys() {
    if (!term_) return;
    while (auto key = term_->read_key()) {
        switch (input_.press(*key, drawn_.row_count, drawn_.page)) {
        case KeyAction::None: break;
        case KeyAction::Redraw: redraw(); break;
        case KeyAction::OpenDetail:
            detail_ = drawn_.selected;
            redraw();
            break;
        case KeyAction::Quit: return quit_();
        }
        if (!term_) return;
    }
}

void WatchMode::on_stderr() {
    if (!stderr_) return;
    std::string line = stderr_->drain();
    if (line.empty()) return;
    message_ = sanitize(line);  // our own lines, already sanitized; kept safe regardless
    schedule_redraw();
}

void WatchMode::schedule_redraw() {
    if (!term_ || redraw_timer_ != 0) return;
    const long long wait = pacer_.delay(steady_ms());
    redraw_timer_ = loop_.after(std::chrono::milliseconds(wait), [this] {
        redraw_timer_ = 0;
        redraw();
    });
}

void WatchMode::redraw() {
    if (!term_) return;
    if (redraw_timer_ != 0) {
        loop_.cancel(redraw_timer_);
        redraw_timer_ = 0;
    }
    WatchHeader header{broker_, wall_ms(), message_, link_};
    drawn_ = draw_watch(*term_, model_, input_, header, detail_);
    pacer_.drawn(steady_ms());
}

void WatchMode::tick() {
    tick_timer_ = loop_.after(std::chrono::milliseconds(1000), [this] { tick(); });
    schedule_redraw();
}

}  // namespace vme::sub
