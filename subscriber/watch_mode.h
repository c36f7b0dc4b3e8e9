// --watch: the live full-screen view, wired to vm-sub's event loop. Owns
// the terminal, the fleet model and the keys; the Subscriber hands it the
// state, status and inventory messages (decoded by route_fleet_message,
// like --list) and the events that passed the MessageHandler pipeline.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "io/event_loop.h"
#include "subscriber/fleet_model.h"
#include "subscriber/list_mode.h"
#include "subscriber/output.h"
#include "subscriber/watch_input.h"
#include "subscriber/watch_screen.h"

namespace vme::sub {

/// The one-line reason --watch cannot run with `options`, or "" when it can
/// (checked before anything is set up).
std::string watch_refusal(bool stdout_is_terminal);

/// Fewest milliseconds between two redraws caused by messages (at most ten a second).
inline constexpr long long kMinRedrawMs = 100;

/// What --watch shows until it ends.
class WatchMode final : public FleetSink {
public:
    /// `quit` is called when the user asks to end (q).
    WatchMode(const Options& options, std::string broker, io::EventLoop& loop, Diagnostics& diag,
              std::function<void()> quit);
    ~WatchMode() override;
    WatchMode(const WatchMode&) = delete;
    WatchMode& operator=(const WatchMode&) = delete;

    /// Takes over the terminal: the alternate screen, stdin keys, stderr
    /// lines shown on the screen; draws the first screen. Error: the
    /// terminal could not be set up (nothing changed then).
    Status start();

    /// Gives the terminal back and writes the diagnostics that arrived
    /// while the screen was up to the real stderr; idempotent.
    void close();

    /// A state, status or inventory message (live or retained).
    void on_fleet_message(std::string_view topic, std::string_view payload, bool retained);

    /// An event that passed the pipeline.
    void on_event(const Event& event);

    /// The broker connection came or went, and why (shown in the header).
    void set_link(WatchLink link);

    /// SIGWINCH: take the new size and redraw.
    void on_resize();

    // FleetSink
    void on_fleet_state(const std::string& host, const std::string& vm, const State* state) override;
    void on_fleet_status(const std::string& host, const HostStatus* status) override;
    void on_fleet_inventory(const std::string& host, const std::vector<InventoryEntry>* entries) override;

private:
    class StderrCapture;
    /// Reads every waiting key and acts on it.
    void on_keys();
    /// Reads what was written to stderr; its last line becomes the message line.
    void on_stderr();
    /// A redraw soon: now, or when the pacer allows.
    void schedule_redraw();
    /// Draws now.
    void redraw();
    /// Once a second: the clock, the ages and the highlights move.
    void tick();

    const Options& options_;
    std::string broker_;
    io::EventLoop& loop_;
    Diagnostics& diag_;
    std::function<void()> quit_;
    FleetModel model_;
    WatchInput input_;
    RedrawPacer pacer_{kMinRedrawMs};
    std::unique_ptr<Terminal> term_;
    std::unique_ptr<StderrCapture> stderr_;
    DrawnList drawn_;
    std::optional<std::pair<std::string, std::string>> detail_;
    std::string message_;
    WatchLink link_;
    bool live_ = false;  ///< the message being handled is live (not retained)
    io::EventLoop::TimerId redraw_timer_ = 0;
    io::EventLoop::TimerId tick_timer_ = 0;
};

}  // namespace vme::sub
