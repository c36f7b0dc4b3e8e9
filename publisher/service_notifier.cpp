#include "publisher/service_notifier.h"

#include <algorithm>
#include <cstdint>

#include "config.h"

#if VME_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace vme::pub {

namespace {

void notify([[maybe_unused]] const std::string& state) {
#if VME_HAVE_SYSTEMD
    sd_notify(0, state.c_str());
#endif
}

}  // namespace

ServiceNotifier::ServiceNotifier(io::EventLoop& loop, std::function<std::string()> status)
    : loop_(loop), status_(std::move(status)) {}

ServiceNotifier::~ServiceNotifier() {
    if (timer_ != 0) loop_.cancel(timer_);
}

void ServiceNotifier::start() { tick(); }

void ServiceNotifier::ready() {
    if (ready_sent_) return;
    ready_sent_ = true;
    notify("READY=1");
}

void ServiceNotifier::tick() {
    timer_ = 0;
#if VME_HAVE_SYSTEMD
    std::uint64_t usec = 0;
    bool watchdog = sd_watchdog_enabled(0, &usec) > 0;
    notify("STATUS=" + status_());
    if (watchdog) notify("WATCHDOG=1");
    auto period = watchdog ? std::min<std::uint64_t>(usec / 2000, 5000) : 5000;
    timer_ = loop_.after(std::chrono::milliseconds(period), [this] { tick(); });
#endif
}

}  // namespace vme::pub
