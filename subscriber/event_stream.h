// The live event stream's part shared by the live mode and --since: the
// MessageHandler pipeline and what its output does: events to stdout and
// --exec, host statuses and -t payloads to stdout, -C counting, and the end
// of the stream (-C reached, or --until passed) once --exec is idle.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "subscriber/exec_runner.h"
#include "subscriber/message_handler.h"
#include "subscriber/mode.h"
#include "subscriber/options.h"
#include "subscriber/output.h"

namespace vme::sub {

/// The live stream's filters for `options`: the -t filters as given, else
/// the event topics (and, in human output, the host statuses); with
/// --share, as shared subscriptions.
std::vector<std::string> live_subscriptions(const Options& options);

class EventStream final : private MessageSink {
public:
    EventStream(const Options& options, EventPrinter& printer, Diagnostics& diag, ModeHost& host);

    /// Runs one message through the pipeline to the output.
    void handle(std::string_view topic, std::string_view payload, bool retained) {
        handler_.handle(topic, payload, retained);
    }

    /// From now on, events the --since history showed are dropped.
    void set_seam(SeamFilter seam) { handler_.set_seam(std::move(seam)); }

    /// --until reached: nothing more is shown; the run ends with 0 once
    /// --exec is idle.
    void close();

    /// SIGCHLD: reaps --exec children; ends the run when the stream ended.
    void on_child_exit();

    /// 130 when -C was given and not reached, else 0.
    int interrupted_status() const;

private:
    /// Open -> CountReached (-C) or Closed (--until); both end the run once --exec is idle.
    enum class Phase { Open, CountReached, Closed };

    // MessageSink
    void on_event(const Event& event) override;
    void on_status(const HostStatus& status, StatusChange change) override;
    void on_foreign(std::string_view topic, std::string_view payload) override;

    /// Counts one printed/executed match; reaching -C cancels -W.
    void count_event();
    /// Ends the run with 0 once the stream ended and no --exec command is pending.
    void finish_when_done();

    const Options& options_;
    EventPrinter& printer_;
    Diagnostics& diag_;
    ModeHost& host_;
    MessageHandler handler_;
    std::optional<ExecRunner> exec_;
    Phase phase_ = Phase::Open;
    long matched_ = 0;
};

/// The live stream as a mode: every message through the EventStream.
class LiveMode final : public Mode {
public:
    LiveMode(const Options& options, EventPrinter& printer, Diagnostics& diag, ModeHost& host)
        : options_(options), stream_(options, printer, diag, host) {}

    std::vector<std::string> subscriptions() const override { return live_subscriptions(options_); }
    void on_message(std::string_view topic, std::string_view payload, bool retained) override {
        stream_.handle(topic, payload, retained);
    }
    void on_child_exit() override { stream_.on_child_exit(); }
    int interrupted_status() const override { return stream_.interrupted_status(); }

private:
    const Options& options_;
    EventStream stream_;
};

}  // namespace vme::sub
