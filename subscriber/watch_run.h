// --watch as a mode: the WatchMode screen wired to the run. Events go
// through the MessageHandler pipeline (checks, filter, seq) to the screen;
// states, statuses and inventories (retained, live, or the roll call's
// answers) go to the screen directly. The roll call is sent once, when the
// retained messages have had --list-wait to arrive.
#pragma once

#include <string>

#include "subscriber/message_handler.h"
#include "subscriber/mode.h"
#include "subscriber/options.h"
#include "subscriber/output.h"
#include "subscriber/roll_call_client.h"
#include "subscriber/watch_mode.h"

namespace vme::sub {

class WatchRun final : public Mode, private MessageSink {
public:
    /// `broker`: the broker's URL as shown in the header (sanitized).
    WatchRun(const Options& options, std::string broker, Diagnostics& diag, ModeHost& host);

    /// Takes over the terminal. Error: "--watch: <why>".
    Status start() override;
    /// Gives the terminal back; idempotent.
    void close() override { watch_.close(); }

    /// What --list reads, the events, and the roll call's reply filter.
    std::vector<std::string> subscriptions() const override;
    /// The first grant: the roll call goes out after --list-wait.
    void on_subscribed(bool first) override;
    /// Events through the pipeline, the rest to the screen.
    void on_message(std::string_view topic, std::string_view payload, bool retained) override;
    void on_connected() override;
    void on_disconnected(const std::string& reason, bool ever_connected) override;
    void on_resize() override { watch_.on_resize(); }
    /// 0: the screen was all there was to it.
    int interrupted_status() const override { return kExitOk; }

private:
    // MessageSink
    void on_event(const Event& event) override { watch_.on_event(event); }
    /// Statuses reach the screen through on_fleet_message.
    void on_status(const HostStatus&, StatusChange) override {}
    /// Never called: --watch excludes -t.
    void on_foreign(std::string_view, std::string_view) override {}

    const Options& options_;
    WatchMode watch_;
    MessageHandler handler_;
    RollCallClient roll_call_;
};

}  // namespace vme::sub
