// One long-lived MQTT connection driven by our EventLoop (no libmosquitto
// threads, no loop_forever), with our own reconnect policy: libmosquitto's
// loops give up for good after some errors, a daemon must not.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/connect_error.h"
#include "common/result.h"
#include "io/backoff.h"
#include "io/client_options.h"
#include "io/connection_state.h"
#include "io/diagnostics.h"
#include "io/event_loop.h"
#include "io/message_properties.h"
#include "io/resolver.h"

struct mosquitto;

namespace vme::io {

/// Receives connection events. Called on the event loop thread; must not block.
class MqttListener {
public:
    virtual ~MqttListener() = default;
    /// Connected (CONNACK accepted). `session_present` as the broker said.
    virtual void on_connected(bool session_present) = 0;
    /// Connection lost or refused. `cause.text` is one line naming the cause
    /// with the library's own words (getaddrinfo, errno, OpenSSL's
    /// verification result, the CONNACK code; common/connect_error), the
    /// same text each time for the same cause. A reconnect is already
    /// scheduled unless the client was stopped; after a cause retrying
    /// cannot change (a certificate that fails verification, refused
    /// credentials; `cause.permanent`) it comes after the longest backoff.
    virtual void on_disconnected(const ConnectCause& cause) = 0;
    /// A QoS>0 message was acknowledged (QoS 0: written to the socket).
    virtual void on_published(int mid) { (void)mid; }
    /// A subscription was acknowledged; granted QoS per filter (128 = refused).
    virtual void on_subscribed(int mid, const std::vector<int>& granted) { (void)mid; (void)granted; }
    /// A message arrived; `properties` holds its MQTT 5 content type and
    /// user properties (always empty on 3.1.1).
    virtual void on_message(std::string_view topic, std::string_view payload, bool retained,
                            const MessageProperties& properties) {
        (void)topic; (void)payload; (void)retained; (void)properties;
    }
};

/// Deleter for the libmosquitto handle.
struct MosquittoDeleter { void operator()(struct mosquitto* m) const; };

class MqttClient {
public:
    /// Creates the handle and applies TLS, credentials, will and protocol;
    /// does not connect yet. Error with libmosquitto's reason. An exception
    /// thrown by `listener` inside libmosquitto's callbacks is recorded in
    /// `errors` (kind "mqtt <callback>") and the item is dropped.
    static Result<std::unique_ptr<MqttClient>> create(const ConnectionConfig& config,
                                                      EventLoop& loop, MqttListener& listener,
                                                      CallbackErrors& errors, Backoff backoff = {});
    ~MqttClient();

    /// Starts connecting (non-blocking after name resolution) and keeps
    /// reconnecting with backoff whenever the connection is lost or refused,
    /// until stop(). Every failed attempt reaches on_disconnected; a
    /// permanent cause (ConnectCause::permanent) sets the backoff to its
    /// maximum at once.
    void start();

    /// Disconnects cleanly (DISCONNECT packet) and stops reconnecting.
    void stop();

    /// True between on_connected and on_disconnected.
    bool connected() const { return state_ == ConnState::Connected; }

    /// Where the connection is now (io/connection_state).
    ConnState state() const { return state_; }

    /// Why the attempt under way has not connected yet (the name lookup,
    /// the TCP or TLS handshake, or the CONNACK has not answered), for a
    /// caller whose deadline passed; nothing when connected, stopped or
    /// waiting out the backoff between attempts.
    std::optional<ConnectCause> unanswered() const;

    /// Hands a message to libmosquitto; returns its mid. Call only while
    /// connected(): libmosquitto queues QoS>0 messages itself and resends
    /// them after a reconnect, so a message must be handed over exactly once.
    /// `properties` go out with MQTT 5 only (3.1.1 has none: left out).
    Result<int> publish(std::string_view topic, std::string_view payload, int qos, bool retain,
                        const MessageProperties& properties = {});

    /// Subscribes to every filter at `qos` in one SUBSCRIBE; returns its mid.
    Result<int> subscribe(const std::vector<std::string>& filters, int qos);

    /// Unsubscribes from one filter (one UNSUBSCRIBE); returns its mid.
    /// Nothing reports the UNSUBACK.
    Result<int> unsubscribe(const std::string& filter);

    /// Messages handed over and not yet acknowledged (libmosquitto's count).
    int in_flight() const;

    /// Holds the connection's writes back while it lives, so that what is
    /// published meanwhile leaves in as few TCP segments as the kernel can
    /// make (TCP_CORK): one segment for a batch of small messages instead
    /// of one each, so the broker is woken once. Released when the guard
    /// goes; nothing on a socket that is not TCP. Keep it to one pass of
    /// the event loop: the kernel sends a held segment after 200 ms anyway.
    class WriteHold {
    public:
        WriteHold(WriteHold&& other) noexcept : client_(other.client_), fd_(other.fd_) { other.client_ = nullptr; }
        WriteHold& operator=(WriteHold&&) = delete;
        ~WriteHold();

    private:
        friend class MqttClient;
        WriteHold(MqttClient* client, int fd) : client_(client), fd_(fd) {}
        MqttClient* client_;
        int fd_;  ///< the socket corked, -1 for none
    };
    [[nodiscard]] WriteHold hold_writes();

    /// The protocol actually in use (4 = 3.1.1, 5).
    int protocol() const { return config_.protocol; }

private:
    MqttClient(const ConnectionConfig& config, EventLoop& loop, MqttListener& listener, CallbackErrors& errors,
               Backoff backoff);
    /// Reports the completions queued in early_acks_ (from the loop, after publish() returned).
    void deliver_early_acks();
    /// Takes the move for `input` from the table; false (state unchanged)
    /// when `input` does not happen in the current state.
    bool move(ConnInput input);
    // (implementation details are private to mqtt_client.cpp)
    struct Impl;
    friend struct Impl;
    ConnectionConfig config_;
    EventLoop& loop_;
    MqttListener& listener_;
    CallbackErrors& errors_;
    Backoff backoff_;
    Resolver resolver_;               ///< the broker's name, looked up off the loop
    std::unique_ptr<struct mosquitto, MosquittoDeleter> mosq_;
    ConnState state_ = ConnState::Idle;
    int watched_fd_ = -1;
    EventLoop::TimerId misc_timer_ = 0;
    EventLoop::TimerId reconnect_timer_ = 0;  ///< set while BackingOff
    bool abandoned_ = false;          ///< socket given up on; libmosquitto closes it at the next attempt
    int in_library_ = 0;              ///< >0 while a libmosquitto loop call (and its callbacks) runs
    unsigned address_turn_ = 0;       ///< which of the broker's addresses the next attempt tries
    std::string attempt_address_;     ///< "address:port" the current attempt connects to
    int pending_ = 0;                 ///< handed over, not yet acknowledged
    bool in_publish_ = false;         ///< inside mosquitto_publish_v5
    std::vector<int> early_acks_;     ///< QoS 0 completions reported from inside publish()
    EventLoop::TimerId early_ack_timer_ = 0;
    std::string reason_;              ///< why the connection ended, in libmosquitto's words (first wins)
    AttemptFacts facts_;              ///< what the current attempt learnt about its failure
    EventLoop::Clock::time_point last_inbound_{};  ///< last time the socket was readable
};

}  // namespace vme::io
