// One MQTT connection driven by our poll loop. libmosquitto does the
// protocol; we own the socket watching, the keepalive timer and, above all,
// the reconnect policy (libmosquitto's own loops give up after DNS, TLS or
// auth errors; a daemon must keep trying).
#include "io/mqtt_client.h"

#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "io/mqtt_properties.h"
#include "io/tls_context.h"
#include "io/tls_peer.h"

namespace vme::io {

void MosquittoDeleter::operator()(struct mosquitto* m) const { mosquitto_destroy(m); }

namespace {

using std::chrono::milliseconds;

/// libmosquitto needs mosquitto_lib_init() once per process before any
/// handle; a function-local static makes that happen exactly once, thread
/// safely, without a global constructor in every program linking io/.
void ensure_lib_init() {
    static const int once = mosquitto_lib_init();
    (void)once;
}

/// Error text for a libmosquitto return code; errno-based codes need errno now.
std::string mosq_reason(int rc) {
    if (rc == MOSQ_ERR_ERRNO) return std::strerror(errno);
    if (rc == MOSQ_ERR_KEEPALIVE) return "no reply from the broker within the keepalive time";
    return mosquitto_strerror(rc);
}

Status check(int rc, const char* what) {
    if (rc == MOSQ_ERR_SUCCESS) return Ok{};
    return Error{std::string(what) + ": " + mosq_reason(rc)};
}

const char* opt(const std::string& s) { return s.empty() ? nullptr : s.c_str(); }

/// "host:port", IPv6 literals in brackets: the address an attempt tried.
std::string address_of(const BrokerUrl& url) {
    bool v6 = url.host.find(':') != std::string::npos;
    return (v6 ? "[" + url.host + "]" : url.host) + ":" + std::to_string(url.port);
}

}  // namespace

/// The C callbacks and the socket plumbing. Context arrives through the
/// opaque pointer given to mosquitto_new(); nothing may throw into C.
struct MqttClient::Impl {
    static MqttClient& self(void* obj) { return *static_cast<MqttClient*>(obj); }

    static void on_connect(struct mosquitto* m, void* obj, int rc, int flags,
                           const mosquitto_property* props) noexcept {
        auto& c = self(obj);
        guard_callback(c.errors_, "mqtt connect", [&] {
            if (rc != 0) {
                // libmosquitto closes the socket after this; after_io() reports it.
                bool v5 = c.config_.protocol == 5;
                if (!c.facts_.definite)
                    c.facts_.definite = connack_cause(c.config_.protocol, rc,
                                             v5 ? mosquitto_reason_string(rc) : mosquitto_connack_string(rc),
                                             v5 ? reason_string(props) : std::string());
                return;
            }
            // Connected: no more failure facts to gather, and libmosquitto
            // formats every log line it has a callback for (one per packet).
            mosquitto_log_callback_set(m, nullptr);
            if (!c.move(ConnInput::Connacked)) return;
            c.backoff_.reset();
            c.address_turn_ = 0;
            c.listener_.on_connected((flags & 1) != 0);
        });
    }

    static void on_disconnect(struct mosquitto*, void* obj, int rc, const mosquitto_property*) noexcept {
        auto& c = self(obj);
        guard_callback(c.errors_, "mqtt disconnect", [&] {
            if (c.reason_.empty()) c.reason_ = rc == 0 ? "disconnected" : mosq_reason(rc);
        });
    }

    /// Set only while an attempt is under way: libmosquitto reports OpenSSL's
    /// errors only here, at error level. At the first OpenSSL error the
    /// handshake's SSL object still exists, so its verify result and the
    /// server's certificate are read then.
    static void on_log(struct mosquitto* m, void* obj, int level, const char* text) noexcept {
        if (level != MOSQ_LOG_ERR || !text) return;
        auto& c = self(obj);
        guard_callback(c.errors_, "mqtt log", [&] {
            std::string_view line(text);
            if (line.rfind("OpenSSL Error", 0) != 0) return;
            c.facts_.tls_errors.emplace_back(line);
            if (c.facts_.definite) return;
            if (auto f = tls_verify_failure(mosquitto_ssl_get(m), c.config_.url.host))
                c.facts_.definite = tls_verify_cause(*f);
        });
    }

    static void on_publish(struct mosquitto*, void* obj, int mid, int, const mosquitto_property*) noexcept {
        auto& c = self(obj);
        guard_callback(c.errors_, "mqtt publish", [&] {
            // A QoS 0 message is "published" as soon as it is written, which
            // libmosquitto may report from inside mosquitto_publish_v5 itself,
            // before our caller knows the mid: report it from the loop instead.
            if (c.in_publish_) {
                c.early_acks_.push_back(mid);
                return;
            }
            if (c.pending_ > 0) --c.pending_;
            c.listener_.on_published(mid);
        });
    }

    static void on_subscribe(struct mosquitto*, void* obj, int mid, int count, const int* granted,
                             const mosquitto_property*) noexcept {
        auto& c = self(obj);
        guard_callback(c.errors_, "mqtt subscribe", [&] {
            std::vector<int> g(granted, granted + std::max(count, 0));
            c.listener_.on_subscribed(mid, g);
        });
    }

    static void on_message(struct mosquitto*, void* obj, const mosquitto_message* m,
                           const mosquitto_property* props) noexcept {
        auto& c = self(obj);
        guard_callback(c.errors_, "mqtt message", [&] {
            std::string_view payload(static_cast<const char*>(m->payload),
                                     static_cast<std::size_t>(std::max(m->payloadlen, 0)));
            c.listener_.on_message(m->topic ? m->topic : "", payload, m->retain, from_property_list(props));
        });
    }

    /// Sets handle options: protocol, credentials, TLS, will, callbacks.
    static Status configure(MqttClient& c) {
        auto* m = c.mosq_.get();
        const auto& cfg = c.config_;
        int version = cfg.protocol == 5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311;
        if (auto s = check(mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, version), "protocol"); !s) return s;
        mosquitto_int_option(m, MOSQ_OPT_TCP_NODELAY, 1);
        if (!cfg.url.user.empty()) {
            const char* pw = cfg.password ? cfg.password->c_str() : nullptr;
            if (auto s = check(mosquitto_username_pw_set(m, cfg.url.user.c_str(), pw), "credentials"); !s) return s;
        }
        if (auto s = configure_tls(c); !s) return s;
        if (cfg.will) {
            const auto& w = *cfg.will;
            int rc = mosquitto_will_set(m, w.topic.c_str(), static_cast<int>(w.payload.size()),
                                        w.payload.data(), w.qos, w.retain);
            if (auto s = check(rc, "last will"); !s) return s;
        }
        if (auto s = set_session_expiry(c); !s) return s;
        mosquitto_connect_v5_callback_set(m, on_connect);
        mosquitto_disconnect_v5_callback_set(m, on_disconnect);
        mosquitto_publish_v5_callback_set(m, on_publish);
        mosquitto_subscribe_v5_callback_set(m, on_subscribe);
        mosquitto_message_v5_callback_set(m, on_message);
        return Ok{};
    }

    static Status configure_tls(MqttClient& c) {
        const auto& cfg = c.config_;
        if (!cfg.url.tls) return Ok{};
        // Our own context: libmosquitto is given an address, not the name
        // the certificate must match (see attempt()). It keeps a reference.
        auto ctx = make_tls_context(cfg);
        if (!ctx) return Error{"TLS: " + ctx.error().message};
        auto* m = c.mosq_.get();
        if (auto s = check(mosquitto_int_option(m, MOSQ_OPT_SSL_CTX_WITH_DEFAULTS, 0), "TLS"); !s) return s;
        return check(mosquitto_void_option(m, MOSQ_OPT_SSL_CTX, ctx->get()), "TLS");
    }

    /// libmosquitto 2.0 takes CONNECT properties only through the blocking
    /// mosquitto_connect_bind_v5(), which stores them on the handle *before*
    /// validating host and port; reconnect_async() then sends them on every
    /// attempt. Calling it with port -1 stores the properties and returns
    /// MOSQ_ERR_INVAL without touching the network, so connecting stays
    /// non-blocking.
    static Status set_session_expiry(MqttClient& c) {
        const auto& cfg = c.config_;
        if (cfg.protocol != 5 || cfg.session_expiry == 0) return Ok{};
        mosquitto_property* props = nullptr;
        int rc = mosquitto_property_add_int32(&props, MQTT_PROP_SESSION_EXPIRY_INTERVAL, cfg.session_expiry);
        if (rc == MOSQ_ERR_SUCCESS)
            rc = mosquitto_connect_bind_v5(c.mosq_.get(), "localhost", -1, cfg.keepalive, nullptr, props);
        mosquitto_property_free_all(&props);
        if (rc != MOSQ_ERR_INVAL && rc != MOSQ_ERR_SUCCESS) return check(rc, "session expiry");
        return Ok{};
    }

    /// One connection attempt; a failure that shows at once is reported
    /// like any other and the next attempt scheduled.
    /// libmosquitto would resolve the name itself, blocking the loop for as
    /// long as DNS takes: the Resolver looks it up on a helper thread, and
    /// libmosquitto connects to an address (TLS keeps the name, see
    /// io/tls_context). Consecutive failures go through the addresses in turn.
    static void attempt(MqttClient& c) {
        if (c.state_ != ConnState::Resolving) return;
        c.reason_.clear();
        forget_attempt(c);
        MqttClient* cp = &c;
        c.resolver_.resolve(c.config_.url.host, [cp](Resolver::Answer answer) { resolved(*cp, std::move(answer)); });
    }

    static void resolved(MqttClient& c, Resolver::Answer answer) {
        if (c.state_ != ConnState::Resolving) return;
        if (answer.addresses.empty()) {
            c.facts_.definite = dns_cause(c.config_.url.host, answer.error, answer.no_such_name);
            lost(c);
            return;
        }
        c.move(ConnInput::Resolved);
        const std::string& address = answer.addresses[c.address_turn_++ % answer.addresses.size()];
        BrokerUrl tried = c.config_.url;
        tried.host = address;
        c.attempt_address_ = address_of(tried);
        c.abandoned_ = false;
        c.last_inbound_ = EventLoop::Clock::now();
        mosquitto_log_callback_set(c.mosq_.get(), on_log);
        errno = 0;
        // (Re)connects to `address`; an earlier socket left open is closed first.
        int rc = mosquitto_connect_bind_async(c.mosq_.get(), address.c_str(), c.config_.url.port,
                                              c.config_.keepalive, nullptr);
        if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_CONN_PENDING) {
            int err = errno;
            if (rc == MOSQ_ERR_ERRNO && err != 0)
                c.facts_.definite = socket_cause(c.attempt_address_, std::strerror(err));
            c.reason_ = mosq_reason(rc);
            // A socket left open after an error is closed by the next attempt.
            c.abandoned_ = true;
            sync_socket(c);
            lost(c);
            return;
        }
        sync_socket(c);
    }

    /// Keeps our watch in step with libmosquitto's socket and its wish to write.
    static void sync_socket(MqttClient& c) {
        int fd = c.abandoned_ ? -1 : mosquitto_socket(c.mosq_.get());
        if (fd != c.watched_fd_) {
            if (c.watched_fd_ >= 0) c.loop_.unwatch(c.watched_fd_);
            c.watched_fd_ = fd;
            if (fd >= 0) {
                MqttClient* cp = &c;
                c.loop_.watch(fd, POLLIN, [cp](short revents) { on_socket(*cp, revents); });
            }
        }
        if (fd >= 0) c.loop_.set_events(fd, POLLIN | (mosquitto_want_write(c.mosq_.get()) ? POLLOUT : 0));
    }

    /// Calls a libmosquitto loop function, noting that its callbacks (and
    /// so our listener) run inside it: libmosquitto holds its own locks
    /// then, and calling its loop functions again would deadlock.
    template <typename Fn>
    static void in_library(MqttClient& c, Fn&& fn) {
        ++c.in_library_;
        fn(c.mosq_.get());
        --c.in_library_;
    }

    /// A non-blocking connect that failed shows as a pending socket error.
    /// libmosquitto does not look for it while a TLS handshake is pending
    /// (it would wait, and we would spin on POLLOUT).
    static bool connect_failed(MqttClient& c) {
        int err = 0;
        socklen_t len = sizeof err;
        if (::getsockopt(c.watched_fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err == 0) return false;
        // A reset after the TCP handshake is the server's answer to what we
        // sent (attempt_cause looks at what it sent back); anything else is
        // the connection itself failing (refused, timed out, unreachable).
        if (err == ECONNRESET || err == EPIPE) c.facts_.peer_ended = true;
        else if (!c.facts_.definite) c.facts_.definite = socket_cause(c.attempt_address_, std::strerror(err));
        abandon(c, std::strerror(err));
        return true;
    }

    /// Before libmosquitto reads during an attempt: notes the server's first
    /// byte (MSG_PEEK leaves it for libmosquitto), whether it ended the
    /// connection, and whether the TLS handshake got an answer, so that a
    /// TLS server behind mqtt:// or a plain one behind mqtts:// is recognised.
    static void note_peer(MqttClient& c) {
        unsigned char byte = 0;
        ssize_t n = ::recv(c.watched_fd_, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n > 0 && !c.facts_.first_byte) c.facts_.first_byte = byte;
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) c.facts_.peer_ended = true;
        if (c.config_.url.tls && !tls_awaiting_server_hello(mosquitto_ssl_get(c.mosq_.get())))
            c.facts_.server_answered = true;
    }

    static void forget_attempt(MqttClient& c) {
        c.facts_ = AttemptFacts{};
        c.facts_.tls = c.config_.url.tls;
    }

    /// Gives up on a socket libmosquitto does not close by itself (a hang-up
    /// during the TLS handshake): stop watching it and report the loss; the
    /// next attempt's mosquitto_reconnect_async() closes it. We never close
    /// libmosquitto's fd ourselves, it would close it again.
    static void abandon(MqttClient& c, const std::string& reason) {
        if (c.reason_.empty()) c.reason_ = reason;
        c.abandoned_ = true;
        after_io(c);
    }

    static void on_socket(MqttClient& c, short revents) {
        const bool connected = c.state_ == ConnState::Connected;
        if (!connected && connect_failed(c)) return;
        int fd = c.watched_fd_;
        if (!connected && (revents & (POLLIN | POLLHUP | POLLERR))) note_peer(c);
        if (revents & (POLLIN | POLLHUP | POLLERR)) {
            c.last_inbound_ = EventLoop::Clock::now();
            in_library(c, [](mosquitto* m) { mosquitto_loop_read(m, 1000); });
        }
        // One pass writes everything queued, until the socket is full.
        // mosquitto_loop_write calls its writer max_packets times whether
        // or not anything is left (each call takes and releases three
        // locks): 1000 cost about 280,000 instructions per wake-up.
        if ((revents & POLLOUT) && mosquitto_socket(c.mosq_.get()) >= 0)
            in_library(c, [](mosquitto* m) { mosquitto_loop_write(m, 1); });
        // A hang-up libmosquitto did not act on would wake poll forever.
        if ((revents & (POLLHUP | POLLERR)) && mosquitto_socket(c.mosq_.get()) == fd && fd >= 0) {
            abandon(c, connected ? "connection closed by the broker" : "connection closed during the handshake");
            return;
        }
        after_io(c);
    }

    /// Sends what is queued (the DISCONNECT, at stop) with a few
    /// non-blocking writes; libmosquitto closes the socket once it is out.
    static void flush(MqttClient& c) {
        auto* m = c.mosq_.get();
        for (int i = 0; i < 10 && mosquitto_socket(m) >= 0 && mosquitto_want_write(m); ++i)
            in_library(c, [](mosquitto* h) { mosquitto_loop_write(h, 10); });
        sync_socket(c);
    }

    /// After any libmosquitto call: follow the socket, notice a lost connection.
    static void after_io(MqttClient& c) {
        bool had_socket = c.watched_fd_ >= 0;
        sync_socket(c);
        if (had_socket && c.watched_fd_ < 0) lost(c);
    }

    /// The connection is gone (or never came): tell the listener, retry later.
    static void lost(MqttClient& c) {
        const bool was_connected = c.state_ == ConnState::Connected;
        // Once per attempt or connection: later news of the same end is not news.
        if (!c.move(was_connected ? ConnInput::ConnectionLost : ConnInput::AttemptFailed)) return;
        ConnectCause cause = was_connected ? ConnectCause{c.reason_.empty() ? "connection lost" : c.reason_, false}
                                           : attempt_cause(c.facts_, c.reason_);
        c.reason_.clear();
        forget_attempt(c);
        // Retrying soon cannot fix a bad certificate or refused credentials.
        if (cause.permanent) c.backoff_.to_max();
        schedule_reconnect(c);
        c.listener_.on_disconnected(cause);
    }

    static void schedule_reconnect(MqttClient& c) {
        if (c.reconnect_timer_ != 0) return;
        MqttClient* cp = &c;
        c.reconnect_timer_ = c.loop_.after(c.backoff_.next(), [cp] {
            cp->reconnect_timer_ = 0;
            if (cp->move(ConnInput::BackoffElapsed)) attempt(*cp);
        });
    }

    /// Every second: keepalive pings, and our own dead-peer check.
    static void tick(MqttClient& c) {
        MqttClient* cp = &c;
        c.misc_timer_ = c.loop_.after(milliseconds(1000), [cp] { tick(*cp); });
        if (c.watched_fd_ < 0) return;
        in_library(c, [](mosquitto* m) { mosquitto_loop_misc(m); });
        check_dead_peer(c);
        after_io(c);
    }

    /// libmosquitto notices a silent peer only after about 2x keepalive (a
    /// ping, then a full keepalive waiting for its answer). A healthy broker
    /// sends something (PINGRESP at least) every keepalive, so 1.5x keepalive
    /// of silence means dead: shut the socket down so the next read fails
    /// and libmosquitto closes it the normal way.
    static void check_dead_peer(MqttClient& c) {
        auto limit = milliseconds(std::max(c.config_.keepalive * 1500, c.config_.keepalive * 1000 + 2000));
        if (EventLoop::Clock::now() - c.last_inbound_ < limit) return;
        if (c.reason_.empty())
            c.reason_ = "no reply from the broker for " + std::to_string(limit.count() / 1000) + " s";
        // An attempt whose TCP handshake never finished timed out connecting.
        sockaddr_storage peer{};
        socklen_t peer_len = sizeof peer;
        if (c.state_ == ConnState::Connecting && !c.facts_.definite &&
            ::getpeername(c.watched_fd_, reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0 && errno == ENOTCONN)
            c.facts_.definite = socket_cause(c.attempt_address_, std::strerror(ETIMEDOUT));
        int fd = c.watched_fd_;
        ::shutdown(fd, SHUT_RDWR);
        in_library(c, [](mosquitto* m) { mosquitto_loop_read(m, 1); });
        if (mosquitto_socket(c.mosq_.get()) == fd) c.abandoned_ = true;
    }
};

MqttClient::MqttClient(const ConnectionConfig& config, EventLoop& loop, MqttListener& listener,
                       CallbackErrors& errors, Backoff backoff)
    : config_(config), loop_(loop), listener_(listener), errors_(errors), backoff_(backoff), resolver_(loop) {}

Result<std::unique_ptr<MqttClient>> MqttClient::create(const ConnectionConfig& config, EventLoop& loop,
                                                       MqttListener& listener, CallbackErrors& errors,
                                                       Backoff backoff) {
    ensure_lib_init();
    std::unique_ptr<MqttClient> c(new MqttClient(config, loop, listener, errors, backoff));
    bool clean = config.clean_session || config.client_id.empty();
    c->mosq_.reset(mosquitto_new(opt(config.client_id), clean, c.get()));
    if (!c->mosq_) return Error{std::string("cannot create MQTT client: ") + std::strerror(errno)};
    if (auto s = Impl::configure(*c); !s) return s.error();
    return c;
}

MqttClient::~MqttClient() {
    if (watched_fd_ >= 0) loop_.unwatch(watched_fd_);
    if (misc_timer_ != 0) loop_.cancel(misc_timer_);
    if (reconnect_timer_ != 0) loop_.cancel(reconnect_timer_);
    if (early_ack_timer_ != 0) loop_.cancel(early_ack_timer_);
}

bool MqttClient::move(ConnInput input) {
    auto next = next_state(state_, input);
    if (next) state_ = *next;
    return next.has_value();
}

void MqttClient::start() {
    if (!move(ConnInput::Start)) return;
    if (misc_timer_ == 0) Impl::tick(*this);
    Impl::attempt(*this);
}

void MqttClient::stop() {
    const bool was_connected = state_ == ConnState::Connected;
    move(ConnInput::Stop);
    resolver_.cancel();
    if (reconnect_timer_ != 0) loop_.cancel(reconnect_timer_);
    reconnect_timer_ = 0;
    if (misc_timer_ != 0) loop_.cancel(misc_timer_);
    misc_timer_ = 0;
    if (mosquitto_socket(mosq_.get()) >= 0 && was_connected) mosquitto_disconnect(mosq_.get());
    if (in_library_ == 0) {
        Impl::flush(*this);
    } else {
        // Called from a listener callback: libmosquitto holds its locks, so
        // the DISCONNECT goes out right after it returns (the socket watch
        // sees want_write), or from the next stop() outside a callback.
        Impl::sync_socket(*this);
    }
}

std::optional<ConnectCause> MqttClient::unanswered() const {
    if (state_ == ConnState::Resolving) return unanswered_cause(AttemptStage::Resolving, config_.url.host);
    if (state_ != ConnState::Connecting || watched_fd_ < 0) return std::nullopt;
    sockaddr_storage peer{};
    socklen_t peer_len = sizeof peer;
    if (::getpeername(watched_fd_, reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0 && errno == ENOTCONN)
        return unanswered_cause(AttemptStage::TcpConnecting, attempt_address_);
    if (config_.url.tls && !facts_.server_answered) return unanswered_cause(AttemptStage::TlsHandshake, attempt_address_);
    return unanswered_cause(AttemptStage::AwaitingConnack, attempt_address_);
}

Result<int> MqttClient::publish(std::string_view topic, std::string_view payload, int qos, bool retain,
                                const MessageProperties& properties) {
    int mid = 0;
    std::string t(topic);
    PropertyList props;
    if (config_.protocol == 5 && !properties.empty()) {
        auto list = to_property_list(properties);
        if (!list) return Error{"publish to " + t + ": " + list.error().message};
        props = std::move(*list);
    }
    in_publish_ = true;
    int rc = mosquitto_publish_v5(mosq_.get(), &mid, t.c_str(), static_cast<int>(payload.size()),
                                  payload.data(), qos, retain, props.get());
    in_publish_ = false;
    // At QoS>0 libmosquitto keeps a message it could not send yet (NO_CONN)
    // and sends it after the reconnect: it has been handed over all the same.
    if (rc != MOSQ_ERR_SUCCESS && !(rc == MOSQ_ERR_NO_CONN && qos > 0))
        return Error{"publish to " + t + ": " + mosq_reason(rc)};
    ++pending_;
    if (!early_acks_.empty() && early_ack_timer_ == 0)
        early_ack_timer_ = loop_.after(std::chrono::milliseconds(0), [this] { deliver_early_acks(); });
    Impl::after_io(*this);
    return mid;
}

Result<int> MqttClient::subscribe(const std::vector<std::string>& filters, int qos) {
    std::vector<char*> subs;
    for (const auto& f : filters) subs.push_back(const_cast<char*>(f.c_str()));
    int mid = 0;
    int rc = mosquitto_subscribe_multiple(mosq_.get(), &mid, static_cast<int>(subs.size()), subs.data(), qos, 0,
                                          nullptr);
    if (rc != MOSQ_ERR_SUCCESS) return Error{"subscribe: " + mosq_reason(rc)};
    Impl::after_io(*this);
    return mid;
}

Result<int> MqttClient::unsubscribe(const std::string& filter) {
    int mid = 0;
    int rc = mosquitto_unsubscribe(mosq_.get(), &mid, filter.c_str());
    if (rc != MOSQ_ERR_SUCCESS) return Error{"unsubscribe: " + mosq_reason(rc)};
    Impl::after_io(*this);
    return mid;
}

void MqttClient::deliver_early_acks() {
    early_ack_timer_ = 0;
    std::vector<int> acks;
    acks.swap(early_acks_);
    for (int mid : acks) {
        if (pending_ > 0) --pending_;
        listener_.on_published(mid);
    }
}

int MqttClient::in_flight() const { return pending_; }

namespace {
/// Sets TCP_CORK on `fd`; false when the socket is not TCP (a Unix socket).
bool set_cork(int fd, bool on) {
    int v = on ? 1 : 0;
    return setsockopt(fd, IPPROTO_TCP, TCP_CORK, &v, sizeof v) == 0;
}
}  // namespace

MqttClient::WriteHold MqttClient::hold_writes() {
    int fd = abandoned_ ? -1 : mosquitto_socket(mosq_.get());
    if (fd < 0 || !set_cork(fd, true)) fd = -1;
    return WriteHold(this, fd);
}

MqttClient::WriteHold::~WriteHold() {
    // Only the socket that was corked: a reconnect in between closed it.
    if (client_ && fd_ >= 0 && !client_->abandoned_ && mosquitto_socket(client_->mosq_.get()) == fd_)
        set_cork(fd_, false);
}

}  // namespace vme::io
