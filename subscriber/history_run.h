// --since as a mode: while the RollCallClient waits, journals (retained,
// and the roll call's answers) go to the HistoryPhase and live messages
// are held; then the history in time order through the EventStream, the
// held live messages after it, and live output until --until closes the
// window.
#pragma once

#include "subscriber/event_stream.h"
#include "subscriber/history_phase.h"
#include "subscriber/mode.h"
#include "subscriber/options.h"
#include "subscriber/output.h"
#include "subscriber/roll_call_client.h"

namespace vme::sub {

class HistoryRun final : public Mode {
public:
    HistoryRun(const Options& options, EventPrinter& printer, Diagnostics& diag, ModeHost& host);
    ~HistoryRun() override;
    HistoryRun(const HistoryRun&) = delete;
    HistoryRun& operator=(const HistoryRun&) = delete;

    /// live_subscriptions(), plus the journals and the reply filter while collecting.
    std::vector<std::string> subscriptions() const override;
    /// The first grant starts the wait for the journals.
    void on_subscribed(bool first) override;
    /// Collecting: journals to the history (each restarts the quiet period),
    /// live messages held; after it: live messages to the stream, late answers dropped.
    void on_message(std::string_view topic, std::string_view payload, bool retained) override;
    void on_child_exit() override { stream_.on_child_exit(); }
    int interrupted_status() const override { return stream_.interrupted_status(); }

private:
    /// The history, then the held live messages, through the stream; exits
    /// after it when --until is past, else closes the window at --until.
    void end_history();
    /// --until reached: nothing more is shown; exits once --exec is idle.
    void close_window();

    const Options& options_;
    Diagnostics& diag_;
    ModeHost& host_;
    EventStream stream_;
    HistoryPhase history_;
    RollCallClient roll_call_;
    io::EventLoop::TimerId until_timer_ = 0;
};

}  // namespace vme::sub
