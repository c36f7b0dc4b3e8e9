// The QoS probe: what QoS does the broker grant? Asked after every CONNACK
// with --qos 2 only.
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
// after every CONNACK (the broker behind an address may change, and SIGHUP
// may point vm-pub at another one) the probe subscribes at QoS 2 to one
// exact topic of its own, on which nothing is ever published, reads the
// grant, unsubscribes, and events go at min(asked, granted) from then on.
// Until that SUBACK arrives (one round trip) the probe holds events back,
// so no QoS 2 PUBLISH ever reaches a broker that cannot take it. Asking the
// broker needs no broker-specific knowledge and follows configuration (a
// mosquitto with max_qos 1 grants 1 as well). A refused probe (no read
// access to the topic, say) tells nothing: events then go at QoS 2 as
// asked. A broker that does not answer within the timeout stops holding
// events up; its late answer still applies.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "io/event_loop.h"

namespace vme::pub {

class QosProbe {
public:
    enum class State {
        Idle,     ///< no probe outstanding (none needed, answered, or connection gone)
        Holding,  ///< SUBSCRIBE sent, events held back until the SUBACK
        Late,     ///< no SUBACK within the timeout: events flow; a late answer still applies
    };

    struct Hooks {
        std::function<Result<int>(const std::string& topic, int qos)> subscribe;  ///< returns the mid
        std::function<void(const std::string& topic)> unsubscribe;
        std::function<void()> released;                    ///< events may flow again (pump)
        std::function<void(const std::string&)> notice;    ///< one line for the log
    };

    static constexpr std::chrono::milliseconds kDefaultTimeout{10000};

    /// A probe for events asked at `asked_qos`, subscribing to `topic`
    /// (common/topic's qos_probe_topic), with timers on `loop`.
    QosProbe(int asked_qos, std::string topic, io::EventLoop& loop, Hooks hooks,
             std::chrono::milliseconds timeout = kDefaultTimeout);
    ~QosProbe();
    QosProbe(const QosProbe&) = delete;
    QosProbe& operator=(const QosProbe&) = delete;

    /// After a CONNACK: with asked QoS 2, subscribes and holds events.
    void connected();

    /// The connection is gone (or its handle replaced): forgets the probe
    /// and releases the hold.
    void disconnected();

    /// A SUBACK arrived; true when it answered the probe (then the ceiling
    /// is learnt, the topic unsubscribed and events released).
    bool subscribed(int mid, const std::vector<int>& granted);

    /// True while events must wait.
    bool holding() const { return state_ == State::Holding; }

    /// The highest QoS to publish at (2 until the broker says less).
    int ceiling() const { return ceiling_; }

    State state() const { return state_; }

private:
    void timed_out();
    void cancel_timer();
    /// One line when the QoS events go at differs from the last one said.
    void report_effective();

    int asked_;
    std::string topic_;
    io::EventLoop& loop_;
    Hooks hooks_;
    std::chrono::milliseconds timeout_;
    State state_ = State::Idle;
    int mid_ = -1;        ///< the probe's SUBSCRIBE while unanswered (Holding, Late)
    int ceiling_ = 2;
    int reported_ = 2;    ///< the event QoS last announced
    bool refusal_said_ = false;
    io::EventLoop::TimerId timer_ = 0;
};

}  // namespace vme::pub
