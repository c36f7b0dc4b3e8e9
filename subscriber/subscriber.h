// vm-sub's wiring: one thread, one io::EventLoop driving the MQTT
// connection, a signalfd (SIGINT, SIGTERM, SIGCHLD; with --watch also
// SIGWINCH and SIGHUP), the -W and --connect-timeout timers, and the one
// Mode of the run (subscriber/mode.h), which gets the messages and the
// connection's news.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "io/connect_watch.h"
#include "io/event_loop.h"
#include "io/mqtt_client.h"
#include "io/signals.h"
#include "subscriber/mode.h"
#include "subscriber/options.h"
#include "subscriber/output.h"

namespace vme::sub {

/// The whole program: parses argv, runs, returns the exit status.
int run_vm_sub(int argc, char** argv);

/// The connection settings for `options`: the shared client options, plus
/// --session (client id "vm-sub-NAME", clean session off, session expiry
/// with MQTT 5). Error: a one-line usage problem.
Result<io::ConnectionConfig> connection_config(const Options& options, std::string& warning);

/// The mode `options` ask for: --list, --watch, --since, else the live stream.
std::unique_ptr<Mode> make_mode(const Options& options, const std::string& broker, EventPrinter& printer,
                                Diagnostics& diag, ModeHost& host);

class Subscriber final : public io::MqttListener, private ModeHost {
public:
    Subscriber(const Options& options, io::ConnectionConfig config, EventPrinter printer,
               io::SignalFd& signals);
    Subscriber(const Subscriber&) = delete;
    Subscriber& operator=(const Subscriber&) = delete;

    /// Connects and runs until done; returns the exit status.
    int run();

    // io::MqttListener
    void on_connected(bool session_present) override;
    void on_disconnected(const ConnectCause& cause) override;
    void on_subscribed(int mid, const std::vector<int>& granted) override;
    /// The payload alone tells the wire form: MQTT 5 properties are not needed.
    void on_message(std::string_view topic, std::string_view payload, bool retained,
                    const io::MessageProperties& properties) override;

private:
    // ModeHost
    void finish(int exit_status) override;
    bool finished() const override { return exit_status_ >= 0; }
    void cancel_timeout() override;
    Status publish(const std::string& topic, const std::string& payload) override;
    void unsubscribe(const std::string& filter) override;
    io::EventLoop& loop() override { return loop_; }

    /// Drains the signalfd: SIGCHLD and SIGWINCH go to the mode,
    /// SIGINT/SIGTERM/SIGHUP end the run with the mode's interrupted status.
    void on_signal();
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
    io::SignalFd& signals_;
    std::unique_ptr<Mode> mode_;  ///< the one mode of this run
    std::unique_ptr<io::MqttClient> client_;
    int exit_status_ = -1;       ///< -1 while running
    io::ConnectionWatch connection_;  ///< which failures are said, when to give up
    io::EventLoop::TimerId connect_deadline_timer_ = 0;
    int subscribe_mid_ = -1;
    bool subscribed_ = false;    ///< a subscription was granted in this run
    io::EventLoop::TimerId timeout_timer_ = 0;
};

}  // namespace vme::sub
