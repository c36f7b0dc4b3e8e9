#include "publisher/inbox.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

namespace vme::pub {

Inbox::Inbox() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

void Inbox::push(LinkItem item) {
    bool was_empty;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        was_empty = items_.empty();
        items_.push_back(std::move(item));
    }
    // Only the first item of a batch wakes the main thread: take_all()
    // reads the eventfd before it takes the items, so an item pushed after
    // that read either is taken with the batch or finds the queue empty
    // and wakes the loop again.
    if (!was_empty) return;
    std::uint64_t one = 1;
    // Non-blocking: an eventfd counter only fails when it would overflow,
    // and then it is readable already.
    [[maybe_unused]] auto n = ::write(fd_.get(), &one, sizeof one);
}

std::vector<LinkItem> Inbox::take_all() {
    std::uint64_t count = 0;
    [[maybe_unused]] auto n = ::read(fd_.get(), &count, sizeof count);
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<LinkItem> out(std::make_move_iterator(items_.begin()), std::make_move_iterator(items_.end()));
    items_.clear();
    return out;
}

}  // namespace vme::pub
