#include "publisher/delivery.h"

#include <algorithm>
#include <iterator>

namespace vme::pub {

Delivery::Delivery(std::size_t queue_limit, PublishFn publish, NoticeFn notice, std::size_t window)
    : outbox_(queue_limit), publish_(std::move(publish)), notice_(std::move(notice)), limit_(queue_limit),
      window_limit_(window) {}

void Delivery::enqueue(Message message) {
    if (outbox_.push(std::move(message)) && !overflowing_) {
        overflowing_ = true;
        notice_("queue full (" + std::to_string(limit_) + " messages): dropping the oldest");
    }
    pump();
}

void Delivery::enqueue_repair(Message message) {
    outbox_.push_unbounded(std::move(message));
    pump();
}

Result<int> Delivery::send_now(Message message) {
    auto mid = hand_over(message);
    if (!mid) {
        ++failed_;
        return mid.error();
    }
    int used = std::min(message.qos, max_qos_);
    remember(*mid, std::move(message), used);
    return *mid;
}

Result<int> Delivery::hand_over(const Message& message) {
    // At most what the broker grants.
    if (message.qos <= max_qos_) return publish_(message);
    Message lowered = message;
    lowered.qos = max_qos_;
    return publish_(lowered);
}

void Delivery::set_open(bool open) {
    open_ = open;
    pump();
}

void Delivery::pump() {
    while (open_ && window_.size() < window_limit_ && !outbox_.empty()) {
        Message m = outbox_.pop();
        auto mid = hand_over(m);
        if (!mid) {
            ++failed_;
            notice_(mid.error().message);
            continue;
        }
        // The window keeps the QoS actually used, which connection_lost() goes by.
        int used = std::min(m.qos, max_qos_);
        remember(*mid, std::move(m), used);
    }
    if (overflowing_ && outbox_.size() < limit_ / 2) {
        overflowing_ = false;
        notice_("queue below half full again; " + std::to_string(outbox_.dropped()) + " dropped so far");
    }
}

void Delivery::remember(int mid, Message message, int qos_used) {
    // A mid still in the window belongs to a message libmosquitto no longer
    // holds (it reuses mids only after the old one completed or was
    // discarded): the new one replaces it.
    if (auto old = by_mid_.find(mid); old != by_mid_.end()) window_.erase(old->second);
    std::uint64_t key = ++handed_over_;
    window_.emplace(key, InFlight{std::move(message), qos_used});
    by_mid_[mid] = key;
}

bool Delivery::acknowledged(int mid) {
    auto it = by_mid_.find(mid);
    bool ours = it != by_mid_.end();
    if (ours) {
        window_.erase(it->second);
        by_mid_.erase(it);
        ++published_;
    }
    pump();
    return ours;
}

void Delivery::connection_lost() {
    open_ = false;
    requeue(true);
}

void Delivery::take_back_all() {
    open_ = false;
    requeue(false);
}

void Delivery::requeue(bool qos0_only) {
    // From the newest back, each to the front: the original order stays.
    for (auto it = window_.rbegin(); it != window_.rend();) {
        if (qos0_only && it->second.qos_used != 0) {
            ++it;
            continue;
        }
        outbox_.push_front(std::move(it->second.message));
        it = std::make_reverse_iterator(window_.erase(std::next(it).base()));
    }
    // Forget the mids of what was taken back.
    std::erase_if(by_mid_, [this](const auto& entry) { return !window_.contains(entry.second); });
}

}  // namespace vme::pub
