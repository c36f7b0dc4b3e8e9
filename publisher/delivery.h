// Delivery: vm-pub's messages on their way to the broker. A bounded queue
// (Outbox: full means the oldest is dropped, and counted), a window of
// messages handed to libmosquitto and not yet acknowledged, taken back and
// requeued in order when a connection or handle goes, and a QoS ceiling
// (what the broker grants). Knows nothing of MQTT itself: it hands a
// message over through a publish function, so it is tested alone.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>

#include "common/result.h"
#include "publisher/outbox.h"

namespace vme::pub {

class Delivery {
public:
    /// Hands one message to the connection; returns its message id.
    using PublishFn = std::function<Result<int>(const Message&)>;
    /// Receives one line for the log (queue full, queue recovered, a failed hand-over).
    using NoticeFn = std::function<void(const std::string&)>;

    /// Messages handed over at once by default: enough to keep the link
    /// busy, few enough that a broken connection leaves little to resend.
    static constexpr std::size_t kDefaultWindow = 1000;

    /// A queue of at most `queue_limit` messages and a window of at most `window`.
    Delivery(std::size_t queue_limit, PublishFn publish, NoticeFn notice, std::size_t window = kDefaultWindow);

    /// Queues a message (drops the oldest when full) and pumps.
    void enqueue(Message message);

    /// Queues past the limit, dropping nothing: the few repair messages
    /// (states, inventory) sent after every connect.
    void enqueue_repair(Message message);

    /// Hands `message` over now, ahead of the queue (at most the ceiling's
    /// QoS), and keeps it in the window; its mid, or the library's error.
    Result<int> send_now(Message message);

    /// Whether messages may be handed over (connected, and no QoS probe
    /// holding them back); opening pumps.
    void set_open(bool open);

    /// The highest QoS the broker grants: messages go at min(their QoS, this).
    void set_qos_ceiling(int max_qos) { max_qos_ = max_qos; }

    /// Hands queued messages over while open and the window has room.
    void pump();

    /// A message was acknowledged (QoS 0: written). True when it was ours;
    /// pumps.
    bool acknowledged(int mid);

    /// The connection was lost: libmosquitto discards the QoS 0 messages it
    /// held (it resends QoS 1 and 2 itself), so those go back to the front
    /// of the queue, in order. Closes.
    void connection_lost();

    /// The handle is about to be replaced: every message it holds goes back
    /// to the front of the queue, in order. Closes.
    void take_back_all();

    /// True when nothing waits and nothing is unacknowledged.
    bool idle() const { return outbox_.empty() && window_.empty(); }

    std::size_t queued() const { return outbox_.size(); }
    std::size_t in_flight() const { return window_.size(); }
    std::uint64_t published() const { return published_; }
    std::uint64_t dropped() const { return outbox_.dropped(); }
    std::uint64_t failed() const { return failed_; }

private:
    /// Moves window entries (all, or QoS 0 only) back to the queue's front.
    void requeue(bool qos0_only);
    /// Publishes `message` at min(its QoS, the ceiling).
    Result<int> hand_over(const Message& message);
    /// Puts a handed-over message in the window under its mid.
    void remember(int mid, Message message, int qos_used);

    Outbox outbox_;
    PublishFn publish_;
    NoticeFn notice_;
    std::size_t limit_;
    std::size_t window_limit_;
    /// Handed over, not yet acknowledged, in hand-over order (mids are
    /// 16-bit and wrap, so they cannot give the order).
    struct InFlight {
        Message message;  ///< as queued (its QoS as asked)
        int qos_used;     ///< the QoS it was handed over at
    };
    std::map<std::uint64_t, InFlight> window_;
    std::unordered_map<int, std::uint64_t> by_mid_;  ///< mid -> key in window_
    std::uint64_t handed_over_ = 0;
    int max_qos_ = 2;
    bool open_ = false;
    bool overflowing_ = false;
    std::uint64_t published_ = 0;
    std::uint64_t failed_ = 0;
};

}  // namespace vme::pub
