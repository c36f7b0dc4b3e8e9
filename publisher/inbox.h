// The hand-off from the libvirt thread to the main thread: a locked queue
// plus an eventfd, so a libvirt callback only appends and never waits for
// the main thread (or the broker).
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "common/message.h"

namespace vme::pub {

/// One thing the libvirt thread tells the main thread.
struct InboxItem {
    enum class Type { Event, ConnectionClosed };
    Type type = Type::Event;
    Event event;          ///< for Event: built by the callback, seq/boot/host/uri not set
    std::string reason;   ///< for ConnectionClosed
};

class Inbox {
public:
    /// Creates the eventfd; check ok() afterwards.
    Inbox();
    ~Inbox();
    Inbox(const Inbox&) = delete;
    Inbox& operator=(const Inbox&) = delete;

    /// False when the eventfd could not be created.
    bool ok() const { return fd_ >= 0; }

    /// The fd that becomes readable when items are waiting.
    int fd() const { return fd_; }

    /// Appends an item and wakes the main thread. Any thread; never blocks
    /// for longer than the lock is held by take_all().
    void push(InboxItem item);

    /// Takes every waiting item (main thread) and clears the wake-up.
    std::vector<InboxItem> take_all();

private:
    std::mutex mutex_;
    std::deque<InboxItem> items_;
    int fd_ = -1;
};

}  // namespace vme::pub
