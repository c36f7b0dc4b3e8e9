#include "publisher/publisher.h"

#include <poll.h>
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "common/format.h"
#include "common/names.h"
#include "common/sanitize.h"
#include "common/topic.h"
#include "config.h"
#include "publisher/boot_id.h"
#include "publisher/event_callbacks.h"

#if VME_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace vme::pub {

namespace {

using std::chrono::milliseconds;

/// Messages handed to libmosquitto at once: enough to keep the link busy,
/// few enough that a broken connection leaves little to resend.
constexpr std::size_t kWindow = 1000;
/// How long events wait for the answer to the QoS probe at most (see
/// "QoS probe" below); a healthy broker answers within one round trip.
constexpr milliseconds kQosProbeTimeout{10000};
constexpr int kLibvirtBackoffInitialMs = 250;
constexpr int kLibvirtBackoffMaxMs = 10000;

void log(const std::string& line) { std::fprintf(stderr, "vm-pub: %s\n", line.c_str()); }

/// Tells the service manager (no-op without systemd or outside a unit).
void notify([[maybe_unused]] const std::string& state) {
#if VME_HAVE_SYSTEMD
    sd_notify(0, state.c_str());
#endif
}

/// The classic sample's payload: its line plus the terminating NUL it sent.
std::string classic_payload(const Event& e) {
    std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    std::string line = seed_text_line(local, e.event_code, e.domain.name);
    line.push_back('\0');
    return line;
}

}  // namespace

Publisher::Publisher(Options options)
    : opts_(std::move(options)), signals_({SIGINT, SIGTERM, SIGHUP}), outbox_(opts_.queue_limit),
      boot_(make_boot_id()), uri_(opts_.connect_uri), libvirt_backoff_ms_(kLibvirtBackoffInitialMs) {}

Publisher::~Publisher() {
    conn_.reset();
    stop_libvirt_thread();
}

int Publisher::run() {
    if (auto s = setup(); !s) {
        log(s.error().message);
        return exit_code_ != 0 ? exit_code_ : 1;
    }
    loop_.run();
    finish();
    return exit_code_;
}

Status Publisher::setup() {
    if (signals_.fd() < 0) return Error{"signalfd: cannot create"};
    if (!inbox_.ok()) return Error{"eventfd: cannot create"};
    if (!opts_.to_stdout) {
        if (auto s = create_mqtt_client(); !s) return s;
    }
    silence_libvirt_errors();
    // The default event loop must exist before any connection is opened.
    if (virEventRegisterDefaultImpl() < 0) return Error{"libvirt event loop: " + libvirt_error()};
    bool json_topics = mqtt_ && opts_.fixed_topic.empty() && !opts_.text_payload;  // wiring: history
    if (json_topics && opts_.history > 0)                                           // wiring: history
        journal_ = std::make_unique<JournalKeeper>(                                 // wiring: history
            opts_.prefix, opts_.host_name, opts_.history, wall_clock_ms(), loop_,   // wiring: history
            [this](Message m) { enqueue(std::move(m)); }, log,                      // wiring: history
            [this](const std::string& t) { if (mqtt_->connected()) (void)mqtt_->unsubscribe(t); });  // wiring: history
    if (json_topics && opts_.roll_call)                                             // wiring: roll-call
        roll_call_ = std::make_unique<RollCallResponder>(opts_.prefix, opts_.host_name, loop_,  // wiring: roll-call
            RollCallResponder::Snapshot{[this] { return status_message(true, true).payload; },  // wiring: roll-call
                                        [this] { return inventory_payload(); },                 // wiring: roll-call
                                        [this](std::optional<long long> since) {                // wiring: roll-call
                                            return journal_ ? journal_->snapshot(since) : std::string(); }},  // wiring: roll-call
            [this](Message m) { enqueue(std::move(m)); }, log);                     // wiring: roll-call
    start_libvirt_thread();
    loop_.watch(signals_.fd(), POLLIN, [this](short) { on_signal(); });
    loop_.watch(inbox_.fd(), POLLIN, [this](short) { on_inbox(); });
    if (mqtt_) mqtt_->start();
    connect_libvirt();
    notify_tick();
    return Ok{};
}

Status Publisher::create_mqtt_client() {
    std::string warning;
    auto cfg = io::resolve_client_options(opts_.client, "vm-pub", warning);
    if (!warning.empty()) log("warning: " + warning);
    if (!cfg) {
        exit_code_ = 2;
        return Error{cfg.error().message};
    }
    if (cfg->insecure) log("warning: --insecure: the broker's certificate host name is not checked");
    Message will = status_message(false, false);
    cfg->will = io::Will{will.topic, will.payload, 1, true};
    auto client = io::MqttClient::create(*cfg, loop_, *this);
    if (!client) return Error{"MQTT client: " + client.error().message};
    mqtt_ = std::move(*client);
    return Ok{};
}

// ---------------------------------------------------------------- libvirt

void Publisher::start_libvirt_thread() {
    libvirt_thread_ = std::thread([this] {
        while (!libvirt_stop_.load()) {
            if (virEventRunDefaultImpl() < 0) {
                log("libvirt event loop: " + libvirt_error());
                break;
            }
        }
    });
}

void Publisher::stop_libvirt_thread() {
    if (!libvirt_thread_.joinable()) return;
    libvirt_stop_ = true;
    // A zero timeout wakes the libvirt loop so it sees the flag.
    int wake = virEventAddTimeout(0, [](int, void*) {}, nullptr, nullptr);
    libvirt_thread_.join();
    if (wake >= 0) virEventRemoveTimeout(wake);
}

void Publisher::connect_libvirt() {
    if (shutting_down_) return;
    auto c = LibvirtConnection::open(opts_.connect_uri, inbox_);
    if (!c) {
        if (c.error().message != last_libvirt_error_)
            log("libvirt " + (opts_.connect_uri.empty() ? std::string("(default URI)") : opts_.connect_uri) +
                ": " + c.error().message + " (retrying)");
        last_libvirt_error_ = c.error().message;
        schedule_libvirt_retry();
        return;
    }
    conn_ = std::move(*c);
    uri_ = conn_->uri();
    libvirt_backoff_ms_ = kLibvirtBackoffInitialMs;
    last_libvirt_error_.clear();
    auto reg = register_event_callbacks(conn_->get(), opts_.kinds, inbox_);
    for (int id : reg.callback_ids) conn_->add_callback_id(id);
    if (!listed_once_)
        for (const auto& n : reg.notices) log(n);
    log("connected to libvirt " + uri_);
    resync(!listed_once_);
    maybe_notify_ready();
}

void Publisher::schedule_libvirt_retry() {
    int delay = libvirt_backoff_ms_;
    libvirt_backoff_ms_ = std::min(delay * 2, kLibvirtBackoffMaxMs);
    loop_.after(milliseconds(delay), [this] { connect_libvirt(); });
}

void Publisher::drop_libvirt(const std::string& reason) {
    if (!conn_) return;
    log("libvirt connection lost: " + reason + " (reconnecting)");
    conn_.reset();
    schedule_libvirt_retry();
}

void Publisher::resync(bool initial) {
    auto listing = conn_->list_domains();
    if (!listing) {
        drop_libvirt(listing.error().message);
        return;
    }
    listed_once_ = true;
    for (const auto& change : tracker_.resync(*listing, initial)) {
        if (change.synthetic_event) {
            Event e = lifecycle_event(change.vm.domain, *change.synthetic_event, change.synthetic_detail);
            e.time = utc_now_iso();
            e.synthetic = true;
            emit_event(std::move(e));
        }
        publish_state(change);
    }
    mark_inventory_dirty();
}

void Publisher::on_inbox() {
    for (auto& item : inbox_.take_all()) {
        if (item.type == InboxItem::Type::ConnectionClosed) {
            drop_libvirt(item.reason);
            continue;
        }
        bool lifecycle = item.event.kind == kind_name(VIR_DOMAIN_EVENT_ID_LIFECYCLE);
        DomainRef domain = item.event.domain;
        int event = item.event.event_code, detail = item.event.detail_code;
        emit_event(std::move(item.event));
        if (!lifecycle) continue;
        if (auto change = tracker_.apply_lifecycle(domain, event, detail)) publish_state(*change);
    }
}

// ---------------------------------------------------------------- messages

void Publisher::emit_event(Event e) {
    bool lifecycle = e.kind == kind_name(VIR_DOMAIN_EVENT_ID_LIFECYCLE);
    // The classic text line only ever described lifecycle events.
    if (opts_.text_payload && !lifecycle) return;
    e.seq = ++seq_;
    e.boot = boot_;
    e.host = opts_.host_name;
    e.uri = uri_;
    if (opts_.verbose > 0)
        log("event " + std::to_string(e.seq) + " " + sanitize(e.domain.name) + " " + e.kind + " " + e.event +
            (e.synthetic ? " (synthetic)" : ""));
    std::string payload = opts_.text_payload ? classic_payload(e) : encode_event(e);
    if (journal_) journal_->add(payload, ms_from_iso_utc(e.time).value_or(wall_clock_ms()));  // wiring: history
    if (opts_.to_stdout) {
        if (opts_.text_payload) payload.pop_back();  // the NUL is for the wire only
        else payload.push_back('\n');
        std::fwrite(payload.data(), 1, payload.size(), stdout);
        std::fflush(stdout);
        ++published_;
        return;
    }
    std::string topic = opts_.fixed_topic.empty()
                            ? event_topic(opts_.prefix, opts_.host_name, e.domain.name, e.kind)
                            : opts_.fixed_topic;
    enqueue(Message{std::move(topic), std::move(payload), opts_.qos, false});
}

void Publisher::publish_state(const StateChange& change) {
    mark_inventory_dirty();
    if (opts_.to_stdout) return;
    std::string topic = state_topic(opts_.prefix, opts_.host_name, change.vm.domain.name);
    // An empty retained payload removes the retained state.
    std::string payload =
        change.removed ? std::string() : encode_state(to_state(change.vm, opts_.host_name, utc_now_iso(), boot_));
    enqueue(Message{std::move(topic), std::move(payload), 1, true});
}

void Publisher::mark_inventory_dirty() {
    if (opts_.to_stdout) return;
    inventory_dirty_ = true;
    if (inventory_timer_ != 0) return;
    // At most one inventory per second: a burst of changes becomes one message.
    auto due = last_inventory_ + std::chrono::seconds(1);
    auto now = io::EventLoop::Clock::now();
    auto delay = due > now ? std::chrono::ceil<milliseconds>(due - now) : milliseconds(0);
    inventory_timer_ = loop_.after(delay, [this] {
        inventory_timer_ = 0;
        if (inventory_dirty_) publish_inventory();
    });
}

void Publisher::publish_inventory() { enqueue(inventory_message()); }

Message Publisher::inventory_message() {
    inventory_dirty_ = false;
    last_inventory_ = io::EventLoop::Clock::now();
    return Message{inventory_topic(opts_.prefix, opts_.host_name), inventory_payload(), 1, true};
}

std::string Publisher::inventory_payload() const {  // wiring: roll-call (split out of inventory_message)
    std::vector<InventoryEntry> entries;
    for (const auto& vm : tracker_.all()) {
        entries.push_back(InventoryEntry{vm.domain, std::string(state_name(vm.state_code)),
                                         std::string(state_reason_name(vm.state_code, vm.reason_code))});
    }
    return encode_inventory(utc_now_iso(), opts_.host_name, entries);
}

Message Publisher::status_message(bool online, bool with_time) const {
    HostStatus s;
    s.time = with_time ? utc_now_iso() : std::string();  // the will's time is unknown in advance
    s.host = opts_.host_name;
    s.online = online;
    s.version = VME_VERSION;
    s.boot = boot_;
    s.dropped = outbox_.dropped();
    s.uri = uri_;
    return Message{status_topic(opts_.prefix, opts_.host_name), encode_status(s), 1, true};
}

void Publisher::enqueue(Message m) {
    if (outbox_.push(std::move(m)) && !overflowing_) {
        overflowing_ = true;
        log("queue full (" + std::to_string(opts_.queue_limit) + " messages): dropping the oldest");
    }
    pump();
}

void Publisher::pump() {
    while (mqtt_ && mqtt_->connected() && !qos_probe_hold_ && window_.size() < kWindow && !outbox_.empty()) {
        Message m = outbox_.pop();
        // At most what the broker grants; the window keeps the QoS actually
        // used, which requeue_unacknowledged() goes by.
        m.qos = std::min(m.qos, max_qos_);
        auto mid = mqtt_->publish(m.topic, m.payload, m.qos, m.retain);
        if (!mid) {
            ++failed_;
            log(mid.error().message);
            continue;
        }
        window_.emplace(*mid, std::move(m));
    }
    if (overflowing_ && outbox_.size() < opts_.queue_limit / 2) {
        overflowing_ = false;
        log("queue below half full again; " + std::to_string(outbox_.dropped()) + " dropped so far");
    }
}

/// Takes messages back from libmosquitto's hands (QoS 0 ones it discards on
/// a lost connection, or all of them before the handle is replaced) and
/// puts them back at the front of the outbox, in their original order.
void Publisher::requeue_unacknowledged(bool qos0_only) {
    for (auto it = window_.rbegin(); it != window_.rend();) {
        if (qos0_only && it->second.qos != 0) {
            ++it;
            continue;
        }
        outbox_.push_front(std::move(it->second));
        it = std::make_reverse_iterator(window_.erase(std::next(it).base()));
    }
}

// ---------------------------------------------------------------- MQTT events

void Publisher::on_connected(bool) {
    log("connected to broker " + describe(parse_broker_url(opts_.client.broker).value()));
    was_connected_ = true;
    last_mqtt_error_.clear();
    // Status first, directly; then every current state and the inventory
    // after whatever is queued, so retained views end up current even if
    // some queued messages were dropped.
    start_qos_probe();
    std::vector<std::string> inbound;                                                   // wiring: roll-call
    if (roll_call_) inbound.push_back(roll_call_->topic());                             // wiring: roll-call
    if (journal_ && journal_->restoring()) inbound.push_back(journal_->topic());        // wiring: history
    if (!inbound.empty()) if (auto r = mqtt_->subscribe(inbound, 1); !r) log(r.error().message);  // wiring: roll-call
    if (journal_) journal_->on_connected();                                             // wiring: history
    Message status = status_message(true, true);
    if (auto mid = mqtt_->publish(status.topic, status.payload, 1, true)) window_.emplace(*mid, std::move(status));
    for (const auto& vm : tracker_.all()) {
        outbox_.push_unbounded(Message{state_topic(opts_.prefix, opts_.host_name, vm.domain.name),
                                       encode_state(to_state(vm, opts_.host_name, utc_now_iso(), boot_)), 1, true});
    }
    outbox_.push_unbounded(inventory_message());
    pump();
    maybe_notify_ready();
    check_drained();
}

void Publisher::on_disconnected(const std::string& reason) {
    stop_qos_probe();
    requeue_unacknowledged(true);
    if (was_connected_ || reason != last_mqtt_error_)
        log("broker " + describe(parse_broker_url(opts_.client.broker).value()) + ": " + reason + " (retrying)");
    was_connected_ = false;
    last_mqtt_error_ = reason;
}

void Publisher::on_published(int mid) {
    if (window_.erase(mid) > 0) ++published_;
    if (shutting_down_ && mid == offline_mid_) {
        mqtt_->stop();
        loop_.stop();
        return;
    }
    pump();
    if (shutting_down_) check_drained();
}

void Publisher::on_subscribed(int mid, const std::vector<int>& granted) {
    if (qos_probe_mid_ < 0 || mid != qos_probe_mid_) return;
    stop_qos_probe();
    on_qos_probe_answer(granted.empty() ? 128 : granted.front());
    if (auto unsubscribed = mqtt_->unsubscribe(qos_probe_topic()); !unsubscribed)
        log(unsubscribed.error().message);
    pump();
    if (shutting_down_) check_drained();
}

void Publisher::on_message(std::string_view topic, std::string_view payload, bool) {  // wiring: roll-call
    if (roll_call_ && topic == roll_call_->topic()) roll_call_->on_request(payload);    // wiring: roll-call
    else if (journal_ && topic == journal_->topic()) journal_->on_retained(payload);    // wiring: history
}

// ---------------------------------------------------------------- QoS probe
//
// Not every broker takes QoS 2. RabbitMQ 3.10's MQTT plugin (MQTT 3.1.1,
// QoS 0 and 1) answers a QoS 2 PUBLISH with a PUBACK, as if it were QoS 1;
// libmosquitto takes that for a protocol error and closes the connection,
// and after the reconnect sends the same message again: an endless
// reconnect loop that delivers the message again every time and makes the
// broker publish the last will ("offline") every time.
//
// MQTT 3.1.1 has one way to learn what a broker supports: the SUBACK, which
// carries the QoS it grants a subscription (RabbitMQ grants 1 for 2). So,
// with --qos 2 only, after every CONNACK (the broker behind an address may
// change, and SIGHUP may point us at another one) vm-pub subscribes at QoS 2
// to one exact topic of its own, on which nothing is ever published, reads
// the grant, unsubscribes, and publishes at min(asked, granted) from then on.
// Until that SUBACK arrives (one round trip) pump() hands nothing over, so
// no QoS 2 PUBLISH ever reaches a broker that cannot take it; the status
// goes out at once (QoS 1, like every retained message). Asking the broker
// is better than recognising it: it needs no broker-specific knowledge and
// follows configuration (a mosquitto with max_qos 1 grants 1 as well).
// At --qos 0 and 1 none of this happens; a broker that grants 2 (mosquitto)
// sees one extra SUBSCRIBE/UNSUBSCRIBE per connection and nothing changes.
// A refused probe (no read access to the topic, say) tells nothing: vm-pub
// then publishes at QoS 2 as asked, as it always did. A broker that does not
// answer within kQosProbeTimeout stops holding events up; its late answer
// still applies.

std::string Publisher::qos_probe_topic() const {
    return opts_.prefix + "/" + escape_segment(opts_.host_name) + "/qos-probe";
}

void Publisher::start_qos_probe() {
    stop_qos_probe();
    if (opts_.qos < 2) return;
    auto mid = mqtt_->subscribe({qos_probe_topic()}, 2);
    if (!mid) {
        // The connection is going away (on_disconnected follows) or the
        // library refused: nothing to wait for.
        log("cannot probe the broker's QoS: " + mid.error().message);
        return;
    }
    qos_probe_mid_ = *mid;
    qos_probe_hold_ = true;
    qos_probe_timer_ = loop_.after(kQosProbeTimeout, [this] { on_qos_probe_timeout(); });
}

void Publisher::stop_qos_probe() {
    if (qos_probe_timer_ != 0) loop_.cancel(qos_probe_timer_);
    qos_probe_timer_ = 0;
    qos_probe_mid_ = -1;
    qos_probe_hold_ = false;
}

void Publisher::on_qos_probe_answer(int granted) {
    if (granted < 0 || granted > 2) {
        // 0x80 (3.1.1) or a v5 reason code >= 0x80: refused, nothing learnt.
        if (!qos_probe_refusal_logged_)
            log("the broker refused the QoS probe subscription to " + sanitize(qos_probe_topic()) +
                "; publishing at QoS " + std::to_string(opts_.qos) + " as asked");
        qos_probe_refusal_logged_ = true;
        max_qos_ = 2;
        reported_qos_ = opts_.qos;  // that line said it
        return;
    }
    max_qos_ = granted;
    report_effective_qos();
}

void Publisher::on_qos_probe_timeout() {
    qos_probe_timer_ = 0;
    qos_probe_hold_ = false;  // qos_probe_mid_ stays: a late answer still counts
    log("no answer to the QoS probe within " + std::to_string(kQosProbeTimeout.count() / 1000) +
        " s; publishing at QoS " + std::to_string(std::min(opts_.qos, max_qos_)) + " meanwhile");
    pump();
}

/// One line when the event QoS changes from what was last said: once for a
/// broker that grants less, not at every reconnect to it.
void Publisher::report_effective_qos() {
    int effective = std::min(opts_.qos, max_qos_);
    if (effective == reported_qos_) return;
    reported_qos_ = effective;
    std::string asked = std::to_string(opts_.qos), now = std::to_string(effective);
    if (effective < opts_.qos)
        log("the broker grants QoS " + now + " at most; publishing at QoS " + now + " instead of " + asked);
    else
        log("the broker grants QoS " + asked + "; publishing at QoS " + asked + " again");
}

// ---------------------------------------------------------------- signals

void Publisher::on_signal() {
    while (int sig = signals_.read_signal()) {
        if (sig == SIGHUP) {
            reload();
            continue;
        }
        if (shutting_down_) {
            log("second signal: exiting at once");
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
        log("reload: " + parsed.message + " (keeping the old settings)");
        return;
    }
    io::ClientOptions old = opts_.client;
    opts_.client = parsed.options->client;
    // The old handle goes, with whatever it still holds: take that back first.
    mqtt_->stop();
    stop_qos_probe();
    requeue_unacknowledged(false);
    auto old_client = std::move(mqtt_);
    if (auto s = create_mqtt_client(); !s) {
        log("reload: " + s.error().message + " (keeping the old settings)");
        exit_code_ = 0;
        opts_.client = old;
        mqtt_ = std::move(old_client);
    } else {
        log("reloaded: reconnecting to the broker");
    }
    was_connected_ = false;
    mqtt_->start();
}

void Publisher::begin_shutdown() {
    shutting_down_ = true;
    loop_.unwatch(inbox_.fd());  // stop taking events
    if (journal_) journal_->flush();  // wiring: history
    if (!mqtt_) {
        loop_.stop();
        return;
    }
    loop_.after(std::chrono::seconds(opts_.drain_timeout_s), [this] { drain_timeout(); });
    check_drained();
}

void Publisher::check_drained() {
    if (!shutting_down_ || offline_sent_ || !mqtt_ || !mqtt_->connected()) return;
    if (!outbox_.empty() || !window_.empty()) return;
    send_offline();
}

void Publisher::send_offline() {
    Message offline = status_message(false, true);
    auto mid = mqtt_->publish(offline.topic, offline.payload, 1, true);
    offline_sent_ = true;
    if (!mid) {
        log(mid.error().message);
        loop_.stop();
        return;
    }
    offline_mid_ = *mid;
}

void Publisher::drain_timeout() {
    log("drain timeout after " + std::to_string(opts_.drain_timeout_s) + " s: giving up on the queue");
    if (offline_sent_ || !mqtt_->connected()) {
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
    conn_.reset();
    stop_libvirt_thread();
    std::uint64_t unsent = outbox_.size() + window_.size();
    log("stopped: " + std::to_string(published_) + " published, " + std::to_string(unsent) + " unsent, " +
        std::to_string(outbox_.dropped()) + " dropped");
}

// ---------------------------------------------------------------- service manager

void Publisher::maybe_notify_ready() {
    if (ready_sent_ || !conn_ || (mqtt_ && !mqtt_->connected())) return;
    ready_sent_ = true;
    notify("READY=1");
}

void Publisher::notify_tick() {
#if VME_HAVE_SYSTEMD
    std::uint64_t usec = 0;
    bool watchdog = sd_watchdog_enabled(0, &usec) > 0;
    notify("STATUS=" + std::to_string(published_) + " published, " + std::to_string(outbox_.size()) +
           " queued, " + std::to_string(outbox_.dropped()) + " dropped");
    if (watchdog) notify("WATCHDOG=1");
    auto period = watchdog ? std::min<std::uint64_t>(usec / 2000, 5000) : 5000;
    loop_.after(milliseconds(period), [this] { notify_tick(); });
#endif
}

}  // namespace vme::pub
