// Our own bounded FIFO of messages waiting for the broker. libmosquitto's
// queue is unbounded; ours drops the oldest when full, and counts them.
#pragma once

#include <cstdint>
#include <deque>
#include <string>

#include "io/message_properties.h"

namespace vme::pub {

/// One MQTT message to publish.
struct Message {
    std::string topic;
    std::string payload;
    int qos = 1;
    bool retain = false;
    io::MessageProperties properties;  ///< MQTT 5 only (content type, user properties)
};

class Outbox {
public:
    /// A queue holding at most `limit` messages.
    explicit Outbox(std::size_t limit) : limit_(limit) {}

    /// Appends; when full, drops the oldest first. Returns true when this
    /// push dropped a message.
    bool push(Message message);

    /// Appends without dropping anything, even past the limit: for the few
    /// repair messages (states, inventory) sent after every (re)connect,
    /// which must not push out queued events.
    void push_unbounded(Message message) { queue_.push_back(std::move(message)); }

    /// Puts a message back at the front (after a handed-over message was
    /// taken back from a discarded connection); no limit check.
    void push_front(Message message) { queue_.push_front(std::move(message)); }

    /// True when nothing waits.
    bool empty() const { return queue_.empty(); }

    /// Number of waiting messages.
    std::size_t size() const { return queue_.size(); }

    /// Removes and returns the oldest message; precondition: !empty().
    Message pop();

    /// Messages dropped because the queue was full, this run.
    std::uint64_t dropped() const { return dropped_; }

private:
    std::size_t limit_;
    std::deque<Message> queue_;
    std::uint64_t dropped_ = 0;
};

}  // namespace vme::pub
