// vm-sub's wiring: one thread, one io::EventLoop driving the MQTT
// connection, a signalfd (SIGINT, SIGTERM, SIGCHLD; with --watch also
// SIGWINCH and SIGHUP) and the -W and --list timers; messages go through
// MessageHandler (or ListCollector) to stdout and --exec, or to the
// --watch screen.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "io/connect_watch.h"
#include "io/event_loop.h"
#include "io/mqtt_client.h"
#include "io/signals.h"
#include "subscriber/exec_runner.h"
#include "subscriber/history_phase.h"
#include "subscriber/list_mode.h"
#include "subscriber/message_handler.h"
#include "subscriber/options.h"
#include "subscriber/output.h"
#include "subscriber/watch_mode.h"

namespace vme::sub {

/// The whole program: parses argv, runs, returns the exit status.
int run_vm_sub(int argc, char** argv);

/// The connection settings for `options`: the shared client options, plus
/// --session (client id "vm-sub-NAME", clean session off, session expiry
/// with MQTT 5). Error: a one-line usage problem.
Result<io::ConnectionConfig> connection_config(const Options& options, std::string& warning);

/// The filters vm-sub subscribes to for `options`.
std::vector<std::string> subscriptions(const Options& options);

class Subscriber final : public io::MqttListener, public MessageSink {
public:
    Subscriber(const Options& options, io::ConnectionConfig config, EventPrinter printer,
               io::SignalFd& signals);

    /// Connects and runs until done; returns the exit status.
    int run();

    // io::MqttListener
    void on_connected(bool session_present) override;
    void on_disconnected(const ConnectCause& cause) override;
    void on_subscribed(int mid, const std::vector<int>& granted) override;
    /// The payload alone tells the wire form: MQTT 5 properties are not needed.
    void on_message(std::string_view topic, std::string_view payload, bool retained,
                    const io::MessageProperties& properties) override;

    // MessageSink
    void on_event(const Event& event) override;
    void on_status(const HostStatus& status, StatusChange change) override;
    void on_foreign(std::string_view topic, std::string_view payload) override;

private:
    /// Drains the signalfd: SIGCHLD reaps --exec children, SIGWINCH resizes
    /// the --watch screen, SIGINT/SIGTERM/SIGHUP end the run.
    void on_signal();
    /// Routes a message to the --list collector, the --watch screen or the event pipeline.
    void dispatch(std::string_view topic, std::string_view payload, bool retained);
    /// The filters to subscribe to now: subscriptions(), plus the journals
    /// while --since collects, plus the reply topic while answers matter.
    std::vector<std::string> current_subscriptions() const;
    /// After the SUBACK (--list, --since): the quiet timer and the hard cap.
    void start_list_timers();
    /// Restarts the quiet period (a retained message or an answer just
    /// arrived); never ends before the roll call's answers are due.
    void rearm_list_quiet_timer();
    /// The quiet period passed: sends the roll call if not done yet (its
    /// spread grows with the hosts heard of so far), else ends the wait.
    void on_quiet();
    /// Publishes the roll-call request and sets when answers are due.
    void send_roll_call();
    /// --since: the history in time order through the pipeline, then the
    /// live messages held meanwhile; exits after it when --until is past.
    void end_history();
    /// --until reached: nothing more is shown; exits once --exec is idle.
    void close_window();
    /// Prints the --list table or JSON lines and ends the run with 0.
    void print_list();
    /// Counts one printed/executed match; reaching -C cancels -W.
    void count_event();
    /// Ends the run with 0 once -C is reached and no --exec command is pending.
    void finish_when_done();
    /// Stops the loop; the first status given is the one returned.
    void finish(int exit_status);
    /// 130 when -C (or --list) was interrupted before completion, else 0.
    int interrupted_status() const;
    /// Starts the --connect-timeout clock unless it runs already or there is none.
    void arm_connect_deadline();
    /// No broker connection within --connect-timeout: the cause, then exit 69.
    void on_connect_deadline();

    const Options& options_;
    io::ConnectionConfig config_;
    io::EventLoop loop_;
    Diagnostics diag_;
    io::CallbackErrors callback_errors_{"vm-sub"};
    EventPrinter printer_;
    MessageHandler handler_;
    std::optional<ListCollector> list_;
    std::optional<ExecRunner> exec_;
    std::optional<WatchMode> watch_;
    std::optional<HistoryPhase> history_;
    std::string reply_id_;                    ///< empty: no roll call
    bool roll_call_sent_ = false;
    io::EventLoop::Clock::time_point answers_due_{};
    bool window_closed_ = false;              ///< --until reached
    io::SignalFd& signals_;
    std::unique_ptr<io::MqttClient> client_;
    int exit_status_ = -1;       ///< -1 while running
    long matched_ = 0;
    bool count_reached_ = false;
    io::ConnectionWatch connection_;  ///< which failures are said, when to give up
    io::EventLoop::TimerId connect_deadline_timer_ = 0;
    int subscribe_mid_ = -1;
    bool subscribed_ = false;
    io::EventLoop::TimerId timeout_timer_ = 0;
    io::EventLoop::TimerId list_quiet_timer_ = 0;
    io::EventLoop::TimerId list_cap_timer_ = 0;
};

}  // namespace vme::sub
