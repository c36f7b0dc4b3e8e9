// vm-pub's main thread: the poll loop wiring libvirt's inbox, signals, the
// MQTT connection, our outbox and the per-VM state view together.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/state_tracker.h"
#include "io/event_loop.h"
#include "io/mqtt_client.h"
#include "io/signals.h"
#include "publisher/inbox.h"
#include "publisher/journal_keeper.h"  // wiring: history
#include "publisher/libvirt_conn.h"
#include "publisher/options.h"
#include "publisher/outbox.h"
#include "publisher/roll_call.h"  // wiring: roll-call

namespace vme::pub {

class Publisher : public io::MqttListener {
public:
    /// Blocks SIGINT/SIGTERM/SIGHUP (before any thread starts).
    explicit Publisher(Options options);
    ~Publisher() override;

    /// Runs until SIGTERM/SIGINT; returns the exit status (0 after a clean
    /// drain, 1 on a runtime failure or a second signal, 2 for a bad
    /// broker configuration such as an unreadable password file).
    int run();

    // io::MqttListener
    void on_connected(bool session_present) override;
    void on_disconnected(const std::string& reason) override;
    void on_published(int mid) override;
    void on_subscribed(int mid, const std::vector<int>& granted) override;
    void on_message(std::string_view topic, std::string_view payload, bool retained) override;  // wiring: roll-call

private:
    Status setup();
    Status create_mqtt_client();
    void start_libvirt_thread();
    void stop_libvirt_thread();

    // libvirt side (main thread)
    void connect_libvirt();
    void schedule_libvirt_retry();
    void drop_libvirt(const std::string& reason);
    void resync(bool initial);
    void on_inbox();

    // messages
    void emit_event(Event event);
    void publish_state(const StateChange& change);
    void mark_inventory_dirty();
    void publish_inventory();
    Message inventory_message();
    std::string inventory_payload() const;  // wiring: roll-call
    void enqueue(Message message);
    Message status_message(bool online, bool with_time) const;
    void pump();
    void requeue_unacknowledged(bool qos0_only);

    // QoS probe (only with --qos 2): what the broker grants, before any event goes out
    /// After a CONNACK: with --qos 2, subscribes to qos_probe_topic() at QoS 2
    /// and holds pump() until the SUBACK (or kQosProbeTimeout); else nothing.
    void start_qos_probe();
    /// Forgets a pending probe (connection lost or replaced) and releases pump().
    void stop_qos_probe();
    /// Takes the granted QoS (>2: refused, learns nothing) as the ceiling for pump().
    void on_qos_probe_answer(int granted);
    /// No SUBACK in time: releases pump(); a late answer still applies.
    void on_qos_probe_timeout();
    /// Logs one line when the effective event QoS differs from the last one logged.
    void report_effective_qos();
    /// "<prefix>/<escaped host>/qos-probe": subscribed to, never published to.
    std::string qos_probe_topic() const;

    // signals and shutdown
    void on_signal();
    void reload();
    void begin_shutdown();
    void check_drained();
    void send_offline();
    void drain_timeout();
    void finish();

    // service manager
    void maybe_notify_ready();
    void notify_tick();

    Options opts_;
    io::SignalFd signals_;
    io::EventLoop loop_;
    Inbox inbox_;
    Outbox outbox_;
    std::string boot_;
    std::string uri_;                                ///< libvirt URI for messages
    std::unique_ptr<io::MqttClient> mqtt_;
    std::unique_ptr<LibvirtConnection> conn_;
    std::unique_ptr<JournalKeeper> journal_;         // wiring: history
    std::unique_ptr<RollCallResponder> roll_call_;   // wiring: roll-call
    StateTracker tracker_;
    std::thread libvirt_thread_;
    std::atomic<bool> libvirt_stop_{false};
    std::map<int, Message> window_;                  ///< handed to libmosquitto, not yet acknowledged
    int max_qos_ = 2;                                ///< highest QoS the broker grants (learnt by the probe)
    int reported_qos_ = 2;                           ///< the event QoS last announced on stderr
    int qos_probe_mid_ = -1;                         ///< the probe's SUBSCRIBE, while unanswered
    bool qos_probe_hold_ = false;                    ///< pump() waits for the probe's answer
    bool qos_probe_refusal_logged_ = false;
    io::EventLoop::TimerId qos_probe_timer_ = 0;
    std::uint64_t seq_ = 0;
    std::uint64_t published_ = 0;
    std::uint64_t failed_ = 0;
    bool listed_once_ = false;
    bool overflowing_ = false;
    int libvirt_backoff_ms_ = 0;
    std::string last_libvirt_error_;
    std::string last_mqtt_error_;
    bool was_connected_ = false;
    bool inventory_dirty_ = false;
    io::EventLoop::TimerId inventory_timer_ = 0;
    io::EventLoop::Clock::time_point last_inventory_{};
    bool shutting_down_ = false;
    bool offline_sent_ = false;
    int offline_mid_ = -1;
    bool ready_sent_ = false;
    int exit_code_ = 0;
};

}  // namespace vme::pub
