#include "publisher/outbox.h"

namespace vme::pub {

bool Outbox::push(Message message) {
    bool dropped = false;
    while (queue_.size() >= limit_ && !queue_.empty()) {
        queue_.pop_front();
        ++dropped_;
        dropped = true;
    }
    queue_.push_back(std::move(message));
    return dropped;
}

Message Outbox::pop() {
    Message m = std::move(queue_.front());
    queue_.pop_front();
    return m;
}

}  // namespace vme::pub
