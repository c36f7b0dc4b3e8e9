// The hand-off from the libvirt link's thread to the main thread: a locked
// queue plus an eventfd, so the libvirt side only appends and never waits
// for the main thread (or the broker), and the main thread never waits for
// libvirt.
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "common/message.h"
#include "common/state_tracker.h"
#include "io/unique_fd.h"

namespace vme::pub {

/// One thing the libvirt link tells the main thread, in the order it happened.
struct LinkItem {
    enum class Type {
        Attempt,    ///< a connection attempt begins (it may hang: see LibvirtHealth)
        Connected,  ///< connected, callbacks registered, every domain listed
        Event,      ///< a domain event
        Failed,     ///< the attempt failed; the link retries after a backoff
        Lost,       ///< an open connection died (closed, keepalive timeout); the link retries
    };
    Type type = Type::Event;
    Event event;                          ///< Event: built by the callback; seq/boot/host/uri not set
    std::string uri;                      ///< Connected: the URI libvirt says it is connected to
    std::vector<DomainSnapshot> listing;  ///< Connected: every domain, with state
    std::vector<std::string> notices;     ///< Connected: kinds the server refused, one line each
    std::string reason;                   ///< Failed, Lost: libvirt's reason
};

class Inbox {
public:
    /// Creates the eventfd; check ok() afterwards.
    Inbox();
    Inbox(const Inbox&) = delete;
    Inbox& operator=(const Inbox&) = delete;

    /// False when the eventfd could not be created.
    bool ok() const { return static_cast<bool>(fd_); }

    /// The fd that becomes readable when items are waiting.
    int fd() const { return fd_.get(); }

    /// Appends an item and wakes the main thread (one eventfd write per
    /// batch: only when the queue was empty). Any thread; never blocks
    /// for longer than the lock is held by take_all().
    void push(LinkItem item);

    /// Takes every waiting item (main thread) and clears the wake-up.
    std::vector<LinkItem> take_all();

    /// Producer side: items pushed from now until release() wake nobody,
    /// so that the events of a burst reach the main thread as one batch,
    /// for one wake-up. Holding again while held changes nothing.
    void hold();

    /// How many items were pushed since hold() (0 when not held).
    std::size_t held();

    /// Ends hold(): wakes the main thread when anything pushed meanwhile
    /// may still wait. Returns how many items were pushed while held.
    std::size_t release();

private:
    /// Writes the eventfd (the main thread wakes up).
    void wake();

    std::mutex mutex_;
    std::deque<LinkItem> items_;
    bool held_ = false;        ///< between hold() and release()
    bool wake_owed_ = false;   ///< an item pushed while held found the queue empty
    std::size_t held_pushes_ = 0;
    io::UniqueFd fd_;
};

}  // namespace vme::pub
