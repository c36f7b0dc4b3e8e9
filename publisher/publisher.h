// vm-pub's wiring: the parts, and what goes between them on the main
// thread's event loop.
//
//   LibvirtLink (its own thread: every libvirt call)
//        │ Inbox: Attempt, Connected+listing, Event, Failed, Lost
//        ▼
//   Publisher ── LibvirtHealth (the status's "libvirt")
//        │  stamps events (seq, boot, host, uri), StateTracker
//        ▼
//   Sink (chosen once: MqttSink or StdoutSink)
//        │ MqttSink: events, retained states, inventory
//        ▼
//   Delivery (queue, window, requeue, QoS ceiling) ── QosProbe
//        │
//   io::MqttClient (one long-lived connection)
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/state_tracker.h"
#include "io/diagnostics.h"
#include "io/connect_watch.h"
#include "io/event_loop.h"
#include "io/mqtt_client.h"
#include "io/signals.h"
#include "publisher/delivery.h"
#include "publisher/inbox.h"
#include "publisher/journal_keeper.h"
#include "publisher/libvirt_health.h"
#include "publisher/libvirt_link.h"
#include "publisher/options.h"
#include "publisher/qos_probe.h"
#include "publisher/roll_call.h"
#include "publisher/service_notifier.h"
#include "publisher/sink.h"

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
    void on_disconnected(const ConnectCause& cause) override;
    void on_published(int mid) override;
    void on_subscribed(int mid, const std::vector<int>& granted) override;
    void on_message(std::string_view topic, std::string_view payload, bool retained,
                    const io::MessageProperties& properties) override;

private:
    /// Where the run is: taking events, then emptying the queue, then
    /// waiting for the broker to acknowledge the offline status.
    enum class Phase { Running, Draining, SayingGoodbye };

    Status setup();
    Status create_mqtt_client();

    // libvirt side: what the link reports
    void on_inbox();
    void on_attempt();
    void on_libvirt_connected(LinkItem& item);
    void on_libvirt_down(LinkItem::Type type, const std::string& reason);
    void on_event(Event event);
    void set_unreachable(const std::string& why);

    // MQTT side
    /// After a CONNACK, from the loop: probe, status, every retained view, open.
    void start_connection();
    Message status_message(bool online) const;
    void publish_status();
    void update_open();
    void maybe_ready();

    // signals and shutdown
    void on_signal();
    void reload();
    void begin_shutdown();
    void check_drained();
    void send_offline();
    void drain_timeout();
    void finish();

    Options opts_;
    io::SignalFd signals_;
    io::EventLoop loop_;
    io::Diagnostics diag_;
    std::shared_ptr<io::CallbackErrors> callback_errors_;
    std::shared_ptr<Inbox> inbox_;
    std::string boot_;
    std::string uri_;                       ///< the libvirt URI for messages
    StateTracker tracker_;
    LibvirtHealth health_;
    io::EventLoop::TimerId attempt_watchdog_ = 0;
    bool libvirt_connected_ = false;
    bool listed_once_ = false;
    std::string last_libvirt_error_;        ///< said once until it changes
    std::uint64_t seq_ = 0;
    std::optional<Delivery> delivery_;      ///< with a broker only
    std::unique_ptr<io::MqttClient> mqtt_;
    std::optional<QosProbe> probe_;
    std::unique_ptr<Sink> sink_;
    MqttSink* mqtt_sink_ = nullptr;         ///< sink_ when it is the broker's
    std::unique_ptr<JournalKeeper> journal_;      ///< --history: the retained journal
    std::unique_ptr<RollCallResponder> roll_call_;  ///< answers roll-call requests
    ServiceNotifier notifier_;
    std::unique_ptr<LibvirtLink> link_;
    Phase phase_ = Phase::Running;
    int offline_mid_ = -1;
    io::ConnectionWatch connection_{io::ConnectRules{}};  ///< which connection failures are news
    io::EventLoop::TimerId start_timer_ = 0;  ///< start_connection() pending after a CONNACK
    io::EventLoop::TimerId status_timer_ = 0; ///< the first status, waiting for libvirt's first answer
    int exit_code_ = 0;
};

}  // namespace vme::pub
