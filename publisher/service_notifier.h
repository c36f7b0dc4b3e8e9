// Talks to the service manager (systemd's sd_notify): READY=1 once, a
// STATUS= line and the watchdog ping on a timer. A no-op without systemd
// or outside a unit.
#pragma once

#include <functional>
#include <string>

#include "io/event_loop.h"

namespace vme::pub {

class ServiceNotifier {
public:
    /// `status` is asked for the STATUS= text at every tick.
    ServiceNotifier(io::EventLoop& loop, std::function<std::string()> status);
    ~ServiceNotifier();
    ServiceNotifier(const ServiceNotifier&) = delete;
    ServiceNotifier& operator=(const ServiceNotifier&) = delete;

    /// Starts the ticks: STATUS= every 5 s, and WATCHDOG=1 at half the
    /// unit's WatchdogSec when it has one.
    void start();

    /// Sends READY=1 (the first call only).
    void ready();

private:
    void tick();
    io::EventLoop& loop_;
    std::function<std::string()> status_;
    io::EventLoop::TimerId timer_ = 0;
    bool ready_sent_ = false;
};

}  // namespace vme::pub
