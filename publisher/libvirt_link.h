// The libvirt link: one thread that owns vm-pub's libvirt connection and
// makes every libvirt call (open, keepalive, callbacks, listing, libvirt's
// event loop, close), reconnecting with backoff, and hands what it learns
// to the main thread through the Inbox as LinkItems. The main thread never
// calls libvirt, so a libvirtd that hangs cannot stop the MQTT side.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/result.h"
#include "io/backoff.h"
#include "io/diagnostics.h"
#include "publisher/inbox.h"
#include "publisher/libvirt_conn.h"

namespace vme::pub {

class LibvirtLink {
public:
    /// In a burst (BurstGate: events closer together than this), how long
    /// the thread lets events gather after a pass of libvirt's loop that
    /// brought some, before it takes, without blocking, all that came: the
    /// events of each millisecond then cross to the main thread (and on to
    /// the broker) together, for one wake-up of each thread instead of one
    /// per event (wake-ups were most of vm-pub's CPU per event; see
    /// docs/benchmarks.md). Sparser events are handed over at once.
    static constexpr std::chrono::microseconds kBurstPause{1000};

    struct Config {
        std::string uri;          ///< empty: libvirt's default
        std::vector<int> kinds;   ///< event kinds to register; empty: all
        Keepalive keepalive;
        io::Backoff backoff{std::chrono::milliseconds(250), std::chrono::milliseconds(10000)};
    };

    /// `inbox` and `errors` are shared with the thread, which may outlive
    /// this object when stop() had to leave it behind (see stop()).
    LibvirtLink(Config config, std::shared_ptr<Inbox> inbox, std::shared_ptr<io::CallbackErrors> errors);
    /// stop() with a short grace.
    ~LibvirtLink();
    LibvirtLink(const LibvirtLink&) = delete;
    LibvirtLink& operator=(const LibvirtLink&) = delete;

    /// Sets up libvirt's event loop (once per process) and starts the
    /// thread: it posts Attempt, then Connected or Failed, events, Lost,
    /// and again, until stop().
    Status start();

    /// Asks the thread to stop (no more items after the current one);
    /// does not wait.
    void request_stop();

    /// Asks the thread to stop and waits up to `grace` for it to close the
    /// connection and end. True when it ended. False when it is stuck in a
    /// libvirt call (libvirtd hung): it is then detached and left to end by
    /// itself or with the process; it touches only what it shares.
    bool stop(std::chrono::milliseconds grace);

private:
    struct Shared;
    std::shared_ptr<Shared> shared_;
    std::thread thread_;
    int wake_timer_ = -1;  ///< libvirt timeout that wakes the thread's loop for stop()
};

}  // namespace vme::pub
