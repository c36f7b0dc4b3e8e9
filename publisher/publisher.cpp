#include "publisher/publisher.h"

#include <poll.h>
#include <signal.h>

#include "common/names.h"
#include "common/sanitize.h"
#include "common/time.h"
#include "common/topic.h"
#include "config.h"
#include "publisher/boot_id.h"
#include "publisher/event_callbacks.h"

namespace vme::pub {

namespace {

/// How long the link thread may take to end at exit before it is left
/// behind (stuck in a call to a hung libvirtd).
constexpr std::chrono::milliseconds kLinkStopGrace{500};

/// How long the first "online" waits for the libvirt link's first answer:
/// normally it comes within milliseconds, and then "online" means the
/// event callbacks are registered (subscribers that wait for "online"
/// before they change a VM miss nothing). A libvirtd that does not answer
/// does not hold the status longer than this.
constexpr std::chrono::milliseconds kFirstStatusWait{2000};

std::string uri_or_default(const std::string& uri) { return uri.empty() ? "(default URI)" : uri; }

}  // namespace

Publisher::Publisher(Options options)
    : opts_(std::move(options)), signals_({SIGINT, SIGTERM, SIGHUP}), diag_("vm-pub", opts_.verbose),
      callback_errors_(std::make_shared<io::CallbackErrors>("vm-pub")), inbox_(std::make_shared<Inbox>()),
      boot_(make_boot_id()), uri_(opts_.connect_uri),
      notifier_(loop_, [this] {
          if (!delivery_) return std::to_string(seq_) + " events written";
          return std::to_string(delivery_->published()) + " published, " + std::to_string(delivery_->queued()) +
                 " queued, " + std::to_string(delivery_->dropped()) + " dropped";
      }) {}

Publisher::~Publisher() {
    if (link_) link_->stop(kLinkStopGrace);
}

int Publisher::run() {
    if (auto s = setup(); !s) {
        diag_.say(s.error().message);
        return exit_code_ != 0 ? exit_code_ : 1;
    }
    loop_.run();
    finish();
    return exit_code_;
}

Status Publisher::setup() {
    if (signals_.fd() < 0) return Error{"signalfd: cannot create"};
    if (!inbox_->ok()) return Error{"eventfd: cannot create"};
    EventEncoding encoding = opts_.text_payload          ? EventEncoding::ClassicText
                             : opts_.cloudevents_payload ? EventEncoding::CloudEvents
                                                         : EventEncoding::Json;
    if (opts_.to_stdout) {
        sink_ = std::make_unique<StdoutSink>(encoding);
    } else {
        delivery_.emplace(opts_.queue_limit, [this](const Message& m) { return mqtt_->publish(m.topic, m.payload, m.qos, m.retain, m.properties); },
                          [this](const std::string& line) { diag_.say(line); });
        probe_.emplace(opts_.qos, qos_probe_topic(opts_.prefix, opts_.host_name), loop_,
                       QosProbe::Hooks{
                           [this](const std::string& topic, int qos) { return mqtt_->subscribe({topic}, qos); },
                           [this](const std::string& topic) {
                               if (auto r = mqtt_->unsubscribe(topic); !r) diag_.say(r.error().message);
                           },
                           [this] { update_open(); },
                           [this](const std::string& line) { diag_.say(line); },
                       });
        auto mqtt_sink = std::make_unique<MqttSink>(
            MqttSinkConfig{opts_.prefix, opts_.host_name, boot_, opts_.qos, opts_.fixed_topic, encoding,
                           opts_.client.mqtt_version == "5", opts_.ha_discovery, VME_VERSION},
            *delivery_, tracker_, loop_);
        mqtt_sink_ = mqtt_sink.get();
        sink_ = std::move(mqtt_sink);
        // History and the roll call copy vm-events/1 payloads on the
        // per-event topics subscribers read.
        bool event_topics = opts_.fixed_topic.empty() && !opts_.text_payload;
        if (event_topics && opts_.history > 0) {
            journal_ = std::make_unique<JournalKeeper>(
                opts_.prefix, opts_.host_name, opts_.history, now_ms(), loop_,
                [this](Message m) { delivery_->enqueue(std::move(m)); }, [this](const std::string& line) { diag_.say(line); },
                [this](const std::string& topic) {
                    if (mqtt_->connected()) (void)mqtt_->unsubscribe(topic);
                });
            mqtt_sink_->record_events_in(journal_.get());
        }
        if (event_topics && opts_.roll_call)
            roll_call_ = std::make_unique<RollCallResponder>(
                opts_.prefix, opts_.host_name, loop_,
                RollCallResponder::Snapshot{
                    [this] { return status_message(true).payload; },
                    [this] { return mqtt_sink_->inventory_payload(); },
                    [this](std::optional<long long> since) { return journal_ ? journal_->snapshot(since) : std::string(); }},
                [this](Message m) { delivery_->enqueue(std::move(m)); }, [this](const std::string& line) { diag_.say(line); });
        if (auto s = create_mqtt_client(); !s) return s;
    }
    link_ = std::make_unique<LibvirtLink>(LibvirtLink::Config{opts_.connect_uri, opts_.kinds, {}, {}}, inbox_,
                                          callback_errors_);
    loop_.watch(signals_.fd(), POLLIN, [this](short) { on_signal(); });
    loop_.watch(inbox_->fd(), POLLIN, [this](short) { on_inbox(); });
    if (auto s = link_->start(); !s) return s;
    if (mqtt_) mqtt_->start();
    notifier_.start();
    return Ok{};
}

Status Publisher::create_mqtt_client() {
    std::string warning;
    auto cfg = io::resolve_client_options(opts_.client, "vm-pub", warning);
    if (!warning.empty()) diag_.say("warning: " + warning);
    if (!cfg) {
        exit_code_ = 2;
        return Error{cfg.error().message};
    }
    if (cfg->insecure) diag_.say("warning: --insecure: the broker's certificate host name is not checked");
    Message will = status_message(false);
    cfg->will = io::Will{will.topic, will.payload, 1, true};
    auto client = io::MqttClient::create(*cfg, loop_, *this, *callback_errors_);
    if (!client) return Error{"MQTT client: " + client.error().message};
    mqtt_ = std::move(*client);
    return Ok{};
}

// ---------------------------------------------------------------- libvirt side

void Publisher::on_inbox() {
    std::optional<io::MqttClient::WriteHold> hold;
    if (mqtt_) hold.emplace(mqtt_->hold_writes());
    for (auto& item : inbox_->take_all()) {
        switch (item.type) {
            case LinkItem::Type::Attempt: on_attempt(); break;
            case LinkItem::Type::Connected: on_libvirt_connected(item); break;
            case LinkItem::Type::Event: on_event(std::move(item.event)); break;
            case LinkItem::Type::Failed:
            case LinkItem::Type::Lost: on_libvirt_down(item.type, item.reason); break;
        }
    }
}

/// An attempt that gets no answer (libvirtd accepted the connection but is
/// stopped or deadlocked; libvirt's keepalive only starts once it is open)
/// makes libvirt unreachable after the keepalive window, while the link
/// keeps waiting for it.
void Publisher::on_attempt() {
    if (attempt_watchdog_ != 0) return;
    int window = Keepalive{}.window_s();
    attempt_watchdog_ = loop_.after(std::chrono::seconds(window), [this, window] {
        attempt_watchdog_ = 0;
        std::string why = "no answer for " + std::to_string(window) + " s";
        if (why != last_libvirt_error_) diag_.say("libvirt " + uri_or_default(opts_.connect_uri) + ": " + why + " (still trying)");
        last_libvirt_error_ = why;
        set_unreachable(why);
    });
}

void Publisher::on_libvirt_connected(LinkItem& item) {
    if (attempt_watchdog_ != 0) loop_.cancel(attempt_watchdog_);
    attempt_watchdog_ = 0;
    uri_ = item.uri;
    last_libvirt_error_.clear();
    libvirt_connected_ = true;
    if (!listed_once_)
        for (const auto& n : item.notices) diag_.say(n);
    diag_.say("connected to libvirt " + uri_);
    bool initial = !listed_once_;
    listed_once_ = true;
    for (const auto& change : tracker_.resync(item.listing, initial)) {
        if (change.synthetic_event) {
            Event e = lifecycle_event(change.vm.domain, *change.synthetic_event, change.synthetic_detail);
            e.time = utc_now_iso();
            e.synthetic = true;
            on_event(std::move(e));
        }
        sink_->state(change);
    }
    if (health_.connected(utc_now_iso())) publish_status();
    maybe_ready();
}

void Publisher::on_libvirt_down(LinkItem::Type type, const std::string& reason) {
    if (attempt_watchdog_ != 0) loop_.cancel(attempt_watchdog_);
    attempt_watchdog_ = 0;
    if (type == LinkItem::Type::Lost && libvirt_connected_) {
        diag_.say("libvirt connection lost: " + reason + " (reconnecting)");
    } else if (reason != last_libvirt_error_) {
        diag_.say("libvirt " + uri_or_default(opts_.connect_uri) + ": " + reason + " (retrying)");
    }
    last_libvirt_error_ = reason;
    libvirt_connected_ = false;
    set_unreachable(reason);
}

void Publisher::set_unreachable(const std::string& why) {
    if (health_.unreachable(why, utc_now_iso())) publish_status();
}

void Publisher::on_event(Event e) {
    bool lifecycle = e.kind == kind_name(VIR_DOMAIN_EVENT_ID_LIFECYCLE);
    DomainRef domain = e.domain;
    int event = e.event_code, detail = e.detail_code;
    if (sink_->takes(e)) {
        e.seq = ++seq_;
        e.boot = boot_;
        e.host = opts_.host_name;
        e.uri = uri_;
        if (diag_.is_verbose())  // the line costs more than the rest of the event's stamping
            diag_.verbose("event " + std::to_string(e.seq) + " " + sanitize(e.domain.name) + " " + e.kind + " " +
                          e.event + (e.synthetic ? " (synthetic)" : ""));
        sink_->event(e);
    }
    // Synthetic events come with their state change already applied.
    if (!lifecycle || e.synthetic) return;
    if (auto change = tracker_.apply_lifecycle(domain, event, detail)) sink_->state(*change);
}

// ---------------------------------------------------------------- MQTT side

Message Publisher::status_message(bool online) const {
    HostStatus s;
    s.time = online || phase_ != Phase::Running ? utc_now_iso() : std::string();  // the will's time is unknown
    s.host = opts_.host_name;
    s.online = online;
    s.version = VME_VERSION;
    s.boot = boot_;
    s.dropped = delivery_ ? delivery_->dropped() : 0;
    s.uri = uri_;
    if (online) {
        s.libvirt = health_.state();
        s.libvirt_since = health_.since();
        s.libvirt_error = health_.error();
        s.callback_errors = callback_errors_->total();
    }
    return Message{status_topic(opts_.prefix, opts_.host_name), encode_status(s), 1, true, {}};
}

/// The status goes ahead of the queue: it is what tells subscribers
/// whether the rest can be trusted.
void Publisher::publish_status() {
    if (status_timer_ != 0) loop_.cancel(status_timer_);
    status_timer_ = 0;
    if (!mqtt_ || !mqtt_->connected() || phase_ == Phase::SayingGoodbye) return;
    if (auto mid = delivery_->send_now(status_message(true)); !mid) diag_.say(mid.error().message);
}

void Publisher::update_open() {
    delivery_->set_open(mqtt_ && mqtt_->connected() && !probe_->holding());
    check_drained();
}

void Publisher::maybe_ready() {
    if (libvirt_connected_ && (!mqtt_ || mqtt_->connected())) notifier_.ready();
}

void Publisher::on_connected(bool) {
    diag_.say("connected to broker " + describe(parse_broker_url(opts_.client.broker).value()));
    connection_.connected();
    // libmosquitto resends what the last connection left unacknowledged
    // only after this callback returns. Anything published here would
    // overtake those resends, and an older retained status or state would
    // then replace the newer one at the broker: start from the loop.
    if (start_timer_ != 0) loop_.cancel(start_timer_);
    start_timer_ = loop_.after(std::chrono::milliseconds(0), [this] {
        start_timer_ = 0;
        if (mqtt_->connected()) start_connection();
    });
}

void Publisher::start_connection() {
    // The probe first (it may hold events back), then the status directly,
    // then every current state and the inventory after whatever is queued,
    // so retained views end up current even if queued messages were dropped.
    probe_->connected();
    delivery_->set_qos_ceiling(probe_->ceiling());
    // What vm-pub listens to: roll-call requests, its own retained journal
    // (once, to restore it), Home Assistant's birth.
    std::vector<std::string> inbound;
    if (roll_call_) inbound.push_back(roll_call_->topic());
    if (journal_ && journal_->restoring()) inbound.push_back(journal_->topic());
    if (auto topic = mqtt_sink_->discovery_birth_topic()) inbound.push_back(*topic);
    if (!inbound.empty())
        if (auto mid = mqtt_->subscribe(inbound, 1); !mid) diag_.say(mid.error().message);
    if (journal_) journal_->on_connected();
    if (health_.state() == LibvirtHealth::State::Unknown && !status_timer_) {
        status_timer_ = loop_.after(kFirstStatusWait, [this] {
            status_timer_ = 0;
            publish_status();
        });
    } else if (health_.state() != LibvirtHealth::State::Unknown) {
        publish_status();
    }
    sink_->republish_all();
    update_open();
    maybe_ready();
}

void Publisher::on_disconnected(const ConnectCause& cause) {
    if (start_timer_ != 0) loop_.cancel(start_timer_);
    start_timer_ = 0;
    probe_->disconnected();
    delivery_->connection_lost();
    // vm-pub never gives up on the broker: the verdict only says whether the cause is news.
    if (connection_.failed(cause).say)
        diag_.say("broker " + describe(parse_broker_url(opts_.client.broker).value()) + ": " + cause.text +
                  " (retrying)");
}

void Publisher::on_published(int mid) {
    if (phase_ == Phase::SayingGoodbye && mid == offline_mid_) {
        mqtt_->stop();
        loop_.stop();
        return;
    }
    delivery_->acknowledged(mid);
    check_drained();
}

void Publisher::on_subscribed(int mid, const std::vector<int>& granted) {
    if (!probe_->subscribed(mid, granted)) return;
    delivery_->set_qos_ceiling(probe_->ceiling());
    update_open();
}

/// What vm-pub subscribes to: roll-call requests, its own retained journal
/// (to restore it), Home Assistant's birth topic (with --ha-discovery).
/// Nothing received can do more than make vm-pub publish again what it
/// publishes anyway.
void Publisher::on_message(std::string_view topic, std::string_view payload, bool, const io::MessageProperties&) {
    if (roll_call_ && topic == roll_call_->topic()) return roll_call_->on_request(payload);
    if (journal_ && topic == journal_->topic()) return journal_->on_retained(payload);
    mqtt_sink_->on_discovery_message(topic, payload);
}

// ---------------------------------------------------------------- signals and shutdown

void Publisher::on_signal() {
    while (int sig = signals_.read_signal()) {
        if (sig == SIGHUP) {
            reload();
            continue;
        }
        if (phase_ != Phase::Running) {
            diag_.say("second signal: exiting at once");
            exit_code_ = 1;
            loop_.stop();
            return;
        }
        begin_shutdown();
    }
}

void Publisher::reload() {
    if (!mqtt_) return;
    // Re-parse the original arguments: that re-reads --config and, below,
    // the password file; only the broker settings take effect.
    std::vector<const char*> args;
    for (const auto& a : opts_.argv) args.push_back(a.c_str());
    auto parsed = parse_options(static_cast<int>(args.size()), args.data());
    if (!parsed.options) {
        // The usage line without its newline (help or version: their text).
        std::string why = parsed.exit_code == 0 ? parsed.out : parsed.err;
        if (parsed.exit_code != 0 && why.ends_with('\n')) why.pop_back();
        diag_.say("reload: " + why + " (keeping the old settings)");
        return;
    }
    io::ClientOptions old = opts_.client;
    opts_.client = parsed.options->client;
    // The old handle goes, with whatever it still holds: take that back first.
    mqtt_->stop();
    if (start_timer_ != 0) loop_.cancel(start_timer_);
    start_timer_ = 0;
    probe_->disconnected();
    delivery_->take_back_all();
    auto old_client = std::move(mqtt_);
    if (auto s = create_mqtt_client(); !s) {
        diag_.say("reload: " + s.error().message + " (keeping the old settings)");
        exit_code_ = 0;
        opts_.client = old;
        mqtt_ = std::move(old_client);
    } else {
        diag_.say("reloaded: reconnecting to the broker");
    }
    connection_ = io::ConnectionWatch(io::ConnectRules{});  // a new client: its causes are news
    mqtt_->start();
}

void Publisher::begin_shutdown() {
    phase_ = Phase::Draining;
    loop_.unwatch(inbox_->fd());  // stop taking events
    link_->request_stop();
    if (journal_) journal_->flush();  // the retained journal holds the last events
    if (!mqtt_) {
        loop_.stop();
        return;
    }
    loop_.after(std::chrono::seconds(opts_.drain_timeout_s), [this] { drain_timeout(); });
    check_drained();
}

void Publisher::check_drained() {
    if (phase_ != Phase::Draining || !mqtt_->connected() || !delivery_->idle()) return;
    send_offline();
}

void Publisher::send_offline() {
    phase_ = Phase::SayingGoodbye;
    Message offline = status_message(false);
    auto mid = mqtt_->publish(offline.topic, offline.payload, 1, true);
    if (!mid) {
        diag_.say(mid.error().message);
        loop_.stop();
        return;
    }
    offline_mid_ = *mid;
}

void Publisher::drain_timeout() {
    diag_.say("drain timeout after " + std::to_string(opts_.drain_timeout_s) + " s: giving up on the queue");
    if (phase_ == Phase::SayingGoodbye || !mqtt_->connected()) {
        loop_.stop();
        return;
    }
    // Still say goodbye: the offline status follows what libmosquitto
    // holds; give it a moment, then go.
    send_offline();
    loop_.after(std::chrono::seconds(1), [this] { loop_.stop(); });
}

void Publisher::finish() {
    if (mqtt_) mqtt_->stop();
    if (link_ && !link_->stop(kLinkStopGrace))
        diag_.say("libvirt does not answer: leaving its connection behind");
    if (!delivery_) {
        diag_.say("stopped: " + std::to_string(seq_) + " events written");
        return;
    }
    std::uint64_t unsent = delivery_->queued() + delivery_->in_flight();
    diag_.say("stopped: " + std::to_string(delivery_->published()) + " published, " + std::to_string(unsent) +
              " unsent, " + std::to_string(delivery_->dropped()) + " dropped");
}

}  // namespace vme::pub
