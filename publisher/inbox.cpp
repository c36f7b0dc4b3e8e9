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
        if (held_) {
            ++held_pushes_;
            wake_owed_ = wake_owed_ || was_empty;
            return;
        }
    }
    // Only the first item of a batch wakes the main thread: take_all()
    // reads the eventfd before it takes the items, so an item pushed after
    // that read either is taken with the batch or finds the queue empty
    // and wakes the loop again.
    if (was_empty) wake();
}

void Inbox::wake() {
    std::uint64_t one = 1;
    // Non-blocking: an eventfd counter only fails when it would overflow,
    // and then it is readable already.
    [[maybe_unused]] auto n = ::write(fd_.get(), &one, sizeof one);
}

void Inbox::hold() {
    std::lock_guard<std::mutex> lock(mutex_);
    held_ = true;
}

std::size_t Inbox::held() {
    std::lock_guard<std::mutex> lock(mutex_);
    return held_pushes_;
}

std::size_t Inbox::release() {
    bool owed;
    std::size_t pushed;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        owed = wake_owed_;
        pushed = held_pushes_;
        held_ = false;
        wake_owed_ = false;
        held_pushes_ = 0;
    }
    // A wake is owed when the queue was empty at the batch's first push:
    // whatever the main thread took since, the rest (or nothing, and then
    // take_all() just finds the queue empty) waits for this one wake-up.
    if (owed) wake();
    return pushed;
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
